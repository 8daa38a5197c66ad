"""Commands that write snapshots: ingest, reparse, db upgrade."""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

from tracker.cli.common import INTERRUPTED, REFUSED, DbOption, engine, err, one_line, settings


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Report files, folders to search recursively, or - to read "
                                                     "one report from standard input.", show_default=False)],
    replace: Annotated[bool, typer.Option("--replace", help="Replace a different report already stored for "
                                                            "the same jurisdiction, topic and instant.")] = False,
    include: Annotated[Optional[list[str]], typer.Option(
        "--include", help="In folders, take the files matching this glob (repeatable, any case; a pattern with a "
                          "/ matches from the folder's top, as in .gitignore). Default: *.txt and *.md.",
        show_default=False)] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(
        "--exclude", help="In folders, pass over the files and folders matching this glob (repeatable).",
        show_default=False)] = None,
    snapshots_dir: Annotated[Optional[str], typer.Option(
        "--snapshots-dir", help="Where to write each snapshot as JSON ('' for nowhere). "
                                "Default: TRACKER_SNAPSHOTS_DIR, else ./snapshots.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing unless a report is refused.")] = False,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-J", min=1, help="Parse in this many worker processes while one stores (results, snapshots and "
                                    "changelog are the same as with 1). Default: the cores.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Parse reports into dated snapshots, store them, and record what changed.

    Each file is stored in its own transaction; a refused file is named on stderr with the
    reason and stores nothing. Ingesting the same content twice stores it once. Exit 0 when every
    report was stored or already there, 1 when any was refused, 130 when interrupted.

    Example: tracker ingest --exclude 'drafts/*' reports/kazakhstan_2026-04-11.txt reports/
    """
    from tracker.pipeline import default_jobs
    from tracker.pipeline import ingest as run
    from tracker.read import DEFAULT_INCLUDE, MAX_BYTES, Piped, expand_paths

    cfg = settings(ctx, db, snapshots_dir=snapshots_dir)
    found = expand_paths([p for p in paths if str(p) != "-"], include=include or DEFAULT_INCLUDE,
                         exclude=exclude or ())
    sources: list = list(found.files)
    if any(str(p) == "-" for p in paths):
        if sys.stdin.isatty():
            err("reading one report from standard input; end it with Ctrl-D")
        sources.insert([str(p) for p in paths].index("-"), Piped(sys.stdin.buffer.read(MAX_BYTES + 1)))
    skipped = f", {found.skipped} skipped by pattern" if found.skipped else ""
    if not sources:
        if not quiet:
            err(f"no report files in {', '.join(map(str, paths))}{skipped}")
        return
    eng = engine(ctx, db, create=True)
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "error": 0}

    def summary() -> str:
        return (f"{counts['new']} stored, {counts['replaced']} replaced, {counts['unchanged']} already stored, "
                f"{counts['error']} refused")

    results = run(eng, sources, replace=replace, snapshots_dir=cfg.snapshots_dir, jobs=jobs or default_jobs())
    debug = bool(os.environ.get("TRACKER_DEBUG"))
    done = 0

    def counted():
        """Each result, counted before Ctrl-C can strike: a report stored is a report counted."""
        nonlocal done
        it = iter(results)
        held = _Held()
        while True:
            with held():
                r = next(it, None)
                if r is not None:
                    counts[r.outcome] += 1
                    done += 1
            if r is None:
                return
            yield r
    try:
        if sys.stderr.isatty() and len(sources) > 3 and not quiet:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("Ingesting", total=len(sources))
                for r in counted():
                    if r.outcome == "error":
                        bar.console.print(one_line(f"Error: {r.message}"), markup=False, highlight=False)
                        if debug and r.bug is not None:
                            _traceback(r.bug)
                    for w in r.warnings:
                        bar.console.print(one_line(f"Warning: {w}"), markup=False, highlight=False)
                    bar.advance(task)
        else:
            for r in counted():
                if r.outcome == "error":
                    err(f"Error: {r.message}")
                    if debug and r.bug is not None:
                        _traceback(r.bug)
                elif not quiet:
                    err(r.message)
                for w in r.warnings:
                    err(f"Warning: {w}")
    except KeyboardInterrupt:
        if hasattr(results, "close"):
            results.close()  # the workers stop
        err(f"Interrupted: {summary()}, {len(sources) - done} not started")
        raise typer.Exit(INTERRUPTED) from None
    if counts["error"] or not quiet:
        err(summary() + skipped)
    if counts["error"]:
        raise typer.Exit(REFUSED)


class _Held:
    """Ctrl-C held back while a report is stored and counted, and raised just after."""

    def __init__(self) -> None:
        self.inside = False
        self.pending = False
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum, frame) -> None:
        if not self.inside:
            raise KeyboardInterrupt
        self.pending = True

    @contextlib.contextmanager
    def __call__(self):
        self.inside = True
        try:
            yield
        finally:
            self.inside = False
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt


def _traceback(exc: BaseException) -> None:
    """Where a bug met on one report struck (TRACKER_DEBUG=1)."""
    import traceback

    traceback.print_exception(exc)


def reparse(ctx: typer.Context, db: DbOption = None) -> None:
    """Parse every stored report again with this version's parser and recompute the changelogs.

    Example: tracker reparse
    """
    from tracker.reparse import reparse_all

    done = reparse_all(engine(ctx, db))
    err(f"{done.changed} of {done.total} snapshots re-derived; {done.timelines} timelines recomputed")


def db_upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Migrate the database to the newest schema (done on first use anyway).

    Example: tracker db upgrade --db postgresql+psycopg://tracker@db/tracker
    """
    engine(ctx, db, create=True)
    err("database is at the newest schema")
