"""The ingest pipeline: read → parse → store → write the reviewable JSON, one report at a time.

Each file is its own transaction and its own result, so one bad report never stops the others
and a refused report leaves nothing behind.
"""
from __future__ import annotations

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
from tracker.read import read_report
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


def write_snapshot_json(base: Path, snap: Snapshot, snapshot_id: int) -> Path:
    """Write the snapshot as pretty JSON, atomically (a reader never sees half a file)."""
    target = snapshot_path(base, snap)
    target.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"id": snapshot_id, **snap.to_dict()}, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def ingest_file(engine: Engine, path: Path, *, replace: bool = False, snapshots_dir: Path | None = None) -> IngestResult:
    """Read, parse and store one report; a refusal is returned as an `error` result, not raised."""
    try:
        raw = read_report(path)
        snap = parse_report(raw.text, name=str(path))
        for attempt in range(3):
            try:
                with Session(engine) as session, session.begin():
                    stored = store_snapshot(session, snap, raw_text=raw.text, sha256=raw.sha256,
                                            source_name=path.name, replace=replace, label=str(path))
                    suspect = suspect_categories(session, stored.snapshot_id) if stored.outcome != "unchanged" else []
                break
            except (IntegrityError, OperationalError) as exc:
                # a concurrent writer stored the same report first, or held the lock too long
                if attempt == 2:
                    raise TrackerError(f"{path}: the database refused the report ({str(exc.orig).splitlines()[0]})")
        if snapshots_dir is not None:
            write_snapshot_json(snapshots_dir, snap, stored.snapshot_id)
    except TrackerError as exc:
        return IngestResult(path, "error", str(exc))
    except OSError as exc:
        return IngestResult(path, "error", f"{path}: {exc.strerror or exc}")
    verb = {"new": "stored", "unchanged": "already stored", "replaced": "replaced"}[stored.outcome]
    return IngestResult(path, stored.outcome,
                        f"{path}: {verb} as snapshot {stored.snapshot_id} ({stored.jurisdiction} / {stored.topic}, "
                        f"{stored.generated_at})", stored.snapshot_id, _warnings(path, snap, suspect))


_CATEGORY_WORDS = {"regulator": "regulators", "law": "laws", "licensing": "licensing requirements"}


def _warnings(path: Path, snap: Snapshot, suspect: list[str]) -> tuple[str, ...]:
    """What a reader should check about a stored report: it was cut off, or a section of it read
    as far less than its neighbours (its differences there are kept as suspect, not as changes)."""
    out = []
    if snap.truncated:
        out.append(f"{path}: the report looks cut off (it ends mid-sentence in {snap.truncated!r}); what it lacks "
                   "is not reported as removed")
    if suspect:
        what = ", ".join(_CATEGORY_WORDS.get(c, c) for c in suspect)
        out.append(f"{path}: far fewer {what} than in the neighbouring reports: a section may be missing or "
                   "unreadable; its differences are kept as suspect, not as changes (tracker diff --all shows them)")
    return tuple(out)


def ingest(engine: Engine, paths: list[Path], *, replace: bool = False, snapshots_dir: Path | None = None,
           on_result: Callable[[IngestResult], None] | None = None) -> Iterator[IngestResult]:
    """Ingest files one by one, yielding each result."""
    for path in paths:
        result = ingest_file(engine, path, replace=replace, snapshots_dir=snapshots_dir)
        if on_result:
            on_result(result)
        yield result
