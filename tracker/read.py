"""Read a report file: refuse what is too large, binary or not text, before parsing anything."""
from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tracker.errors import ReportRejected

MAX_BYTES = 5 * 1024 * 1024
# which files of a folder are reports, unless --include says otherwise
DEFAULT_INCLUDE = ("*.txt", "*.md")
# a folder's own documentation is not a report
_NOT_REPORTS = re.compile(r"^(readme|license|licence|changelog|contributing|notice|authors)\b", re.I)
STDIN_NAME = "<stdin>"


@dataclass(frozen=True)
class RawReport:
    """A report's bytes decoded: the text verbatim, the SHA-256 of the bytes, and the name it goes
    by in messages (its path, or <stdin>)."""

    path: Path
    text: str
    sha256: str
    name: str = ""

    @property
    def label(self) -> str:
        """How messages name the report."""
        return self.name or displayable(str(self.path))

    @property
    def source_name(self) -> str:
        """The file name stored with the snapshot."""
        return self.name or displayable(self.path.name)


def displayable(name: str) -> str:
    """A file name as text any database and terminal takes: bytes that are no UTF-8 (which Python
    keeps as lone surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass(frozen=True)
class Piped:
    """A report's bytes as read from standard input."""

    data: bytes
    name: str = STDIN_NAME


def read_source(source: Path | Piped) -> RawReport:
    """Read a report file, or decode a report piped in."""
    if isinstance(source, Piped):
        return raw_report(source.data, Path("-"), name=source.name)
    return read_report(source)


def read_report(path: Path, max_bytes: int = MAX_BYTES) -> RawReport:
    """Read and decode one report file, or raise ReportRejected naming the file and the reason."""
    shown = displayable(str(path))
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ReportRejected(f"{shown}: not a regular file")
        if size > max_bytes:
            raise ReportRejected(f"{shown}: {size:,} bytes is over the {max_bytes:,}-byte limit for a report")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ReportRejected(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    return raw_report(data, path, max_bytes=max_bytes)


def raw_report(data: bytes, path: Path, *, name: str = "", max_bytes: int = MAX_BYTES) -> RawReport:
    """A report from bytes already read (a file's, or standard input's as `name`), or ReportRejected."""
    label = name or displayable(str(path))
    if len(data) > max_bytes:
        raise ReportRejected(f"{label}: over the {max_bytes:,}-byte limit for a report")
    if not data.strip():
        raise ReportRejected(f"{label}: the file is empty" if not name else f"{label}: no report given (empty input)")
    text = decode(data, label)
    return RawReport(path=path, text=text, sha256=hashlib.sha256(data).hexdigest(), name=name)


def decode(data: bytes, path: Path | str) -> str:
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


def _text_only(text: str, path: Path | str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise ReportRejected(f"{path}: is a binary file, not a text report")
    nul = text.find("\x00")
    if nul >= 0:  # PostgreSQL stores no NUL in text; no database here gets one
        raise ReportRejected(f"{path}: holds a NUL character (U+0000) on line {text.count(chr(10), 0, nul) + 1}; "
                             "a text report has none")
    return text


@dataclass(frozen=True)
class Found:
    """The report files that paths name, and how many files of their folders were passed over."""

    files: list[Path]
    skipped: int = 0


def _matches(rel: PurePosixPath, pattern: str) -> bool:
    """A glob against a path inside a folder, case-insensitively, as .gitignore reads one: a pattern
    with no slash matches a name at any depth ('notes.md'), one with a slash the whole path from
    the folder's top ('drafts/*.md')."""
    pat = PurePosixPath(pattern.strip("/").casefold())
    path = PurePosixPath(str(rel).casefold())
    return path.match(str(pat)) and ("/" not in pattern.strip("/") or len(pat.parts) == len(path.parts))


def _walk_visible(folder: Path):
    """os.walk without hidden files and folders; the caller may prune the folder list it is given."""
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield top, dirs, [n for n in files if not n.startswith(".")]


def expand_paths(paths: Sequence[Path], *, include: Sequence[str] = DEFAULT_INCLUDE,
                 exclude: Sequence[str] = ()) -> Found:
    """Files as given, and inside folders (recursively, in a stable order) the files that match an
    `include` pattern and no `exclude` pattern; an excluded folder is passed over whole. A folder's
    README, LICENSE and the like are never reports; hidden files and folders are not looked at."""
    out: list[Path] = []
    skipped = 0
    for p in paths:
        if not p.is_dir():
            out.append(p)
            continue
        found = []
        for folder, dirs, files in _walk_visible(p):
            here = PurePosixPath(Path(folder).relative_to(p).as_posix())
            for d in [d for d in dirs if any(_matches(here / d, pat) for pat in exclude)]:
                dirs.remove(d)  # an excluded folder is passed over whole, its files counted as skipped
                skipped += sum(len(names) for _, _, names in _walk_visible(Path(folder) / d))
            for name in files:
                rel = here / name
                if (any(_matches(rel, pat) for pat in include) and not any(_matches(rel, pat) for pat in exclude)
                        and not _NOT_REPORTS.match(name)):
                    found.append(Path(folder) / name)
                else:
                    skipped += 1
        out.extend(sorted(found))
    return Found(list(dict.fromkeys(out)), skipped)
