"""Commands for readers beyond the terminal: upcoming (a calendar of what takes effect) and site."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from tracker.cli.common import DbOption, JurisdictionsOption, engine, err, out, out_json, write_output


class UpcomingFormat(str, Enum):
    """Output formats of `tracker upcoming`."""

    text = "text"
    json = "json"
    ics = "ics"
    csv = "csv"


# The CONTRACT's `upcoming` keys, the CSV's first columns even when nothing is upcoming.
UPCOMING_COLUMNS = ("jurisdiction", "topic", "name", "effective_date", "status", "precision", "date_text",
                    "report_generated_at")


def upcoming(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=0, max=36500, help="How many days ahead to look.")] = 90,
    start: Annotated[Optional[str], typer.Option("--from", help="The window's first day (ISO date; default: "
                                                                "today, UTC).", show_default=False)] = None,
    jurisdiction: JurisdictionsOption = None,
    fmt: Annotated[UpcomingFormat, typer.Option("--format", "-f", help="Output format.")] = UpcomingFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                   help="Write to this file instead of stdout.")] = None,
    db: DbOption = None,
) -> None:
    """List the laws taking effect in the next --days, per the newest report of each jurisdiction.

    A date the report gives to the month or year only is shown so ("2026-07 (month)"); in the
    calendar (--format ics) it is an all-day event spanning that month or year.

    Example: tracker upcoming --days 180 -j Kazakhstan --format ics -o effective.ics
    """
    import datetime as dt

    from sqlalchemy.orm import Session

    from tracker.store import parse_instant, resolve_jurisdiction
    from tracker.upcoming import calendar_ics, read_upcoming, upcoming_text

    first = (parse_instant(start, option="--from") if start else dt.datetime.now(dt.timezone.utc)).date()
    if first + dt.timedelta(days=days) > dt.date(9998, 12, 31):
        from tracker.errors import BadValue

        raise BadValue(f"--from {start!r} with --days {days} runs past the year 9999")
    with Session(engine(ctx, db, read_only=True)) as s:
        keys = [resolve_jurisdiction(s, j)[0] for j in jurisdiction or ()]
        items = read_upcoming(s, first, days, jurisdiction_keys=keys, with_keys=fmt is UpcomingFormat.ics)
    if fmt is UpcomingFormat.ics:
        body: str | bytes = calendar_ics(items)
    elif fmt is UpcomingFormat.json:
        from tracker.render import dumps

        body = dumps({"from": first.isoformat(), "days": days, "upcoming": [u.to_dict() for u in items]})
    elif fmt is UpcomingFormat.csv:
        from tracker.spreadsheet import csv_text

        body = csv_text([u.to_dict() for u in items], UPCOMING_COLUMNS)
    else:
        body = upcoming_text(items, first, days)
    if output is not None:
        write_output(output, body)
    elif isinstance(body, bytes):
        import sys

        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    elif fmt is UpcomingFormat.json:
        out_json(body)
    else:
        out(body)


def site(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="The folder to write the site into (created if missing).",
                                           metavar="OUT")],
    base_url: Annotated[Optional[str], typer.Option("--base-url", help="Where the site will be served "
                                                    "(https://…/), so feed entries link to absolute addresses; "
                                                    "default: links relative to the feed.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing unless something fails.")] = False,
    db: DbOption = None,
) -> None:
    """Write a static HTML site of the history: the cross-jurisdiction matrix, a page per
    jurisdiction and topic, a page per regulator and law, and Atom feeds of material changes.

    No JavaScript, works from file:// and on any static host. A rebuild rewrites only the files
    whose content changed, and removes pages an earlier build wrote that are no longer part of it.

    Example: tracker site public/ --base-url https://compliance.example.org/tracker/
    """
    import time

    from sqlalchemy.orm import Session

    from tracker.site import build_site

    began = time.perf_counter()
    with Session(engine(ctx, db, read_only=True)) as s:
        built = build_site(s, target, base_url=base_url)
    if not quiet:
        err(f"Wrote {built.written} of {built.total} files into {target} ({built.removed} removed) "
            f"in {time.perf_counter() - began:.2f} s; open {target / 'index.html'}")
