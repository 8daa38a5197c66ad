"""Read a report file: refuse what is too large, binary or not text, before parsing anything."""
from __future__ import annotations

import codecs
import re
import hashlib
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import ReportRejected

MAX_BYTES = 5 * 1024 * 1024
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
# a folder's own documentation is not a report
_NOT_REPORTS = re.compile(r"^(readme|license|licence|changelog|contributing|notice|authors)\b", re.I)


@dataclass(frozen=True)
class RawReport:
    """A report's bytes decoded: the text verbatim and the SHA-256 of the bytes."""

    path: Path
    text: str
    sha256: str


def read_report(path: Path, max_bytes: int = MAX_BYTES) -> RawReport:
    """Read and decode one report file, or raise ReportRejected naming the file and the reason."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ReportRejected(f"{path}: not a regular file")
        if size > max_bytes:
            raise ReportRejected(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit for a report")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ReportRejected(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ReportRejected(f"{path}: over the {max_bytes:,}-byte limit for a report")
    if not data.strip():
        raise ReportRejected(f"{path}: the file is empty")
    text = decode(data, path)
    return RawReport(path=path, text=text, sha256=hashlib.sha256(data).hexdigest())


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), or UTF-16/32 when a BOM says so; anything else is refused,
    since a guessed legacy encoding would store garbled names."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _text_only(data.decode(codec), path)
            except UnicodeDecodeError:
                raise ReportRejected(f"{path}: has a {codec.upper()} byte-order mark but is not valid {codec.upper()}")
    if b"\x00" in data:
        raise ReportRejected(f"{path}: is a binary file, not a text report")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReportRejected(f"{path}: is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset "
                             f"{exc.start}); convert it to UTF-8") from None
    return _text_only(text, path)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _text_only(text: str, path: Path) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise ReportRejected(f"{path}: is a binary file, not a text report")
    return text


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the report files inside folders (recursively), in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
                              and not _NOT_REPORTS.match(f.name)
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return list(dict.fromkeys(out))
