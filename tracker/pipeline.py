"""The ingest pipeline: read → parse → store → write the reviewable JSON, one report at a time.

Each file is its own transaction and its own result, so one bad report never stops the others
and a refused report leaves nothing behind.
"""
from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tracker.errors import ReportRejected, TrackerError
from tracker.model import Snapshot
from tracker.parse import parse_report
from tracker.read import Piped, read_source
from tracker.registry import fold
from tracker.store import store_snapshot, suspect_categories


@dataclass(frozen=True)
class IngestResult:
    """One file's fate: `new`, `unchanged`, `replaced` or `error`, with a one-line message."""

    path: Path
    outcome: str
    message: str
    snapshot_id: int | None = None
    warnings: tuple[str, ...] = ()


def path_slug(text: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes only, never empty, never '..'."""
    return "-".join(fold(text).split())[:80].strip("-") or "unknown"


def snapshot_path(base: Path, snap: Snapshot) -> Path:
    """Where the reviewable JSON of a snapshot goes, always inside `base`."""
    stamp = re.sub(r"[^0-9TZ.]", "", snap.generated_at.replace(":", "").replace("-", ""))
    target = base / path_slug(snap.jurisdiction) / path_slug(snap.topic) / f"{stamp or 'undated'}.json"
    resolved_base = base.resolve()
    if not target.resolve().is_relative_to(resolved_base):
        raise ReportRejected(f"refusing to write a snapshot outside {base}")
    return target


@dataclass(frozen=True)
class SnapshotFile:
    """A snapshot's JSON written in place, and what the file held before, so that a transaction that
    fails to commit takes the file back with it."""

    target: Path
    previous: bytes | None

    def undo(self) -> None:
        """Put back what was there before (or nothing)."""
        try:
            if self.previous is None:
                self.target.unlink(missing_ok=True)
            else:
                _write_atomically(self.target, self.previous)
        except OSError:
            pass  # the database holds the truth; a stale mirror file is the lesser harm


def _write_atomically(target: Path, body: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_snapshot_json(base: Path, snap: Snapshot, snapshot_id: int) -> SnapshotFile | None:
    """Write the snapshot as pretty JSON, atomically (a reader never sees half a file); None when
    the file already says exactly this. OSError when it cannot be written."""
    target = snapshot_path(base, snap)
    body = (json.dumps({"id": snapshot_id, **snap.to_dict()}, indent=2, ensure_ascii=False, sort_keys=False)
            + "\n").encode("utf-8")
    existing = next(p for p in (target, *target.parents) if p.exists())
    if existing != target and not existing.is_dir():  # name the file that stands where a folder must be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(existing))
    previous = target.read_bytes() if existing == target else None
    if previous == body:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, body)
    return SnapshotFile(target, previous)


class _Unwritable(Exception):
    """The snapshot's JSON could not be written: the transaction must not commit."""


def _json_failure(label: str, base: Path, snap: Snapshot, exc: OSError, stored: bool) -> str:
    where = exc.filename or base
    try:
        target = snapshot_path(base, snap)
    except TrackerError:
        target = base
    then = "it stays stored as before" if stored else "nothing stored"
    return (f"{label}: cannot write its snapshot JSON {target} ({where}: {exc.strerror or exc}); {then}")


def ingest_file(engine: Engine, source: Path | Piped, *, replace: bool = False,
                snapshots_dir: Path | None = None) -> IngestResult:
    """Read, parse and store one report (a file, or one piped to standard input); a refusal is
    returned as an `error` result, not raised. The snapshot's JSON is written before the
    transaction commits and taken back if it does not, so the two succeed or fail together."""
    path = Path("-") if isinstance(source, Piped) else source
    label = source.name if isinstance(source, Piped) else str(source)
    written: SnapshotFile | None = None
    try:
        raw = read_source(source)
        snap = parse_report(raw.text, name=raw.label)
        for attempt in range(3):
            try:
                with Session(engine) as session, session.begin():
                    stored = store_snapshot(session, snap, raw_text=raw.text, sha256=raw.sha256,
                                            source_name=raw.source_name, replace=replace, label=raw.label)
                    suspect = suspect_categories(session, stored.snapshot_id) if stored.outcome != "unchanged" else []
                    if snapshots_dir is not None:
                        try:
                            written = write_snapshot_json(snapshots_dir, snap, stored.snapshot_id)
                        except OSError as exc:
                            raise _Unwritable(exc, stored.outcome == "unchanged") from exc  # rolls back
                break
            except (IntegrityError, OperationalError) as exc:
                # a concurrent writer stored the same report first, or held the lock too long
                if written is not None:
                    written.undo()
                    written = None
                if attempt == 2:
                    raise TrackerError(f"{label}: the database refused the report ({str(exc.orig).splitlines()[0]})")
    except _Unwritable as exc:
        return IngestResult(path, "error", _json_failure(label, snapshots_dir, snap, *exc.args))
    except TrackerError as exc:
        return IngestResult(path, "error", str(exc))
    except OSError as exc:
        if written is not None:
            written.undo()
        return IngestResult(path, "error", f"{label}: {exc.strerror or exc}")
    except BaseException:  # Ctrl-C mid-file: the transaction rolled back, so the file goes too
        if written is not None:
            written.undo()
        raise
    verb = {"new": "stored", "unchanged": "already stored", "replaced": "replaced"}[stored.outcome]
    return IngestResult(path, stored.outcome,
                        f"{label}: {verb} as snapshot {stored.snapshot_id} ({stored.jurisdiction} / {stored.topic}, "
                        f"{stored.generated_at})", stored.snapshot_id, _warnings(label, snap, suspect))


_CATEGORY_WORDS = {"regulator": "regulators", "law": "laws", "licensing": "licensing requirements"}


def _warnings(label: str, snap: Snapshot, suspect: list[str]) -> tuple[str, ...]:
    """What a reader should check about a stored report: it was cut off, or a section of it read
    as far less than its neighbours (its differences there are kept as suspect, not as changes)."""
    out = []
    if snap.truncated:
        out.append(f"{label}: the report looks cut off (it ends mid-sentence in {snap.truncated!r}); what it lacks "
                   "is not reported as removed")
    if suspect:
        what = ", ".join(_CATEGORY_WORDS.get(c, c) for c in suspect)
        out.append(f"{label}: far fewer {what} than in the neighbouring reports: a section may be missing or "
                   "unreadable; its differences are kept as suspect, not as changes (tracker diff --all shows them)")
    return tuple(out)


def ingest(engine: Engine, sources: list[Path | Piped], *, replace: bool = False,
           snapshots_dir: Path | None = None,
           on_result: Callable[[IngestResult], None] | None = None) -> Iterator[IngestResult]:
    """Ingest reports one by one, yielding each result."""
    for source in sources:
        result = ingest_file(engine, source, replace=replace, snapshots_dir=snapshots_dir)
        if on_result:
            on_result(result)
        yield result
