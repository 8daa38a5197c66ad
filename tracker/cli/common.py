"""What every command shares: options, settings, the database, output helpers."""
from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="Database URL (sqlite:///file.db, postgresql+psycopg://…) or a SQLite file path. "
                 "Default: TRACKER_DATABASE_URL, else tracker.db here.", show_default=False)]


class Format(str, Enum):
    """Output formats."""

    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"


class ListFormat(str, Enum):
    """Output formats of the listing commands."""

    text = "text"
    json = "json"


def settings(ctx: typer.Context | None, db: str | None = None, **kw):
    """Settings from this command's options, the app's global options and the environment."""
    from tracker.settings import load_settings

    root = (ctx.find_root().obj or {}) if ctx is not None else {}
    return load_settings(db=db or root.get("db"), **kw)


def engine(ctx: typer.Context | None, db: str | None = None):
    """The database engine, migrated to head on first use."""
    from tracker.db import open_database

    return open_database(settings(ctx, db).database_url)


def out(text: str) -> None:
    """Data to stdout."""
    sys.stdout.write(text)
    sys.stdout.flush()


def err(text: str) -> None:
    """Messages to stderr."""
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


def color_wanted(stream=sys.stdout) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    import os

    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
