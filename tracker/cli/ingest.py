"""Commands that write snapshots: ingest, reparse, db upgrade."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from tracker.cli.common import DbOption, engine, err, settings


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Report files, or folders to search recursively.",
                                                show_default=False)],
    replace: Annotated[bool, typer.Option("--replace", help="Replace a different report already stored for "
                                                            "the same jurisdiction, topic and instant.")] = False,
    snapshots_dir: Annotated[Optional[str], typer.Option(
        "--snapshots-dir", help="Where to write each snapshot as JSON ('' for nowhere). "
                                "Default: TRACKER_SNAPSHOTS_DIR, else ./snapshots.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Report refusals only.")] = False,
    db: DbOption = None,
) -> None:
    """Parse reports into dated snapshots, store them, and record what changed.

    Each file is stored in its own transaction; a refused file is named on stderr with the
    reason and stores nothing. Ingesting the same content twice stores it once.

    Example: tracker ingest reports/kazakhstan_2026-04-11.txt reports/
    """
    from tracker.pipeline import ingest as run
    from tracker.read import expand_paths

    cfg = settings(ctx, db, snapshots_dir=snapshots_dir)
    files = expand_paths(paths)
    if not files:
        err("Error: no report files found in " + ", ".join(map(str, paths)))
        raise typer.Exit(1)
    eng = engine(ctx, db, create=True)
    counts = {"new": 0, "unchanged": 0, "replaced": 0, "error": 0}
    results = run(eng, files, replace=replace, snapshots_dir=cfg.snapshots_dir)
    progress = sys.stderr.isatty() and len(files) > 3
    if progress:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("Ingesting", total=len(files))
            for r in results:
                counts[r.outcome] += 1
                if r.outcome == "error":
                    bar.console.print(f"Error: {r.message}", markup=False, highlight=False)
                bar.advance(task)
    else:
        for r in results:
            counts[r.outcome] += 1
            if r.outcome == "error":
                err(f"Error: {r.message}")
            elif not quiet:
                err(r.message)
    err(f"{counts['new']} stored, {counts['replaced']} replaced, {counts['unchanged']} already stored, "
        f"{counts['error']} refused")
    if counts["error"]:
        raise typer.Exit(1)


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
