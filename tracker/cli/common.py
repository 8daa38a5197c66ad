"""What every command shares: options, settings, the database, output helpers, exit codes."""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

# The exit codes, as the README lists them.
OK = 0
REFUSED = 1  # bad input, a refused report, nothing found, a database or SMTP server that says no
USAGE = 2  # the command line does not parse
BUG = 3  # an unexpected error inside the tracker
INTERRUPTED = 130  # Ctrl-C



def _complete_category(incomplete: str) -> list[str]:
    from tracker.model import CATEGORIES  # not at import: `tracker --help` stays fast

    return [c for c in CATEGORIES if c.startswith(incomplete)]


def complete_jurisdiction(ctx: typer.Context, incomplete: str) -> list[str]:
    """The stored jurisdictions starting with what is typed, for shell completion (nothing when there
    is no database: completion never creates one)."""
    try:
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from tracker.db import SnapshotRow

        with Session(engine(ctx, read_only=True)) as s:
            names = s.scalars(select(SnapshotRow.jurisdiction).distinct()).all()
    except Exception:  # a shell completing a word must never see an error
        return []
    return sorted(n for n in names if n.startswith(incomplete))


DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="Database URL (sqlite:///file.db, postgresql+psycopg://…) or a SQLite file path. "
                 "Default: TRACKER_DATABASE_URL, else tracker.db here.", show_default=False)]
JurisdictionsOption = Annotated[Optional[list[str]], typer.Option(
    "--jurisdiction", "-j", help="Only these jurisdictions (repeatable; any name or ISO code each goes by).",
    autocompletion=complete_jurisdiction, show_default=False)]
CategoryOption = Annotated[Optional[list[str]], typer.Option(
    "--category", "-c", help="Only these categories (repeatable, any case): regulator, law, licensing, stance, "
                             "other.", autocompletion=_complete_category, show_default=False)]


class Format(str, Enum):
    """Output formats."""

    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"
    csv = "csv"


class ListFormat(str, Enum):
    """Output formats of the listing commands."""

    text = "text"
    json = "json"


class TableFormat(str, Enum):
    """Output formats of a command whose rows also open in a spreadsheet."""

    text = "text"
    json = "json"
    csv = "csv"


def settings(ctx: typer.Context | None, db: str | None = None, **kw):
    """Settings from this command's options, the app's global options and the environment."""
    from tracker.settings import load_settings

    root = ctx.find_root() if ctx is not None else None
    # the root's --db, as its callback recorded it (or as parsed, while the shell completes a word)
    given = (root.obj or {}).get("db") or root.params.get("db") if root is not None else None
    return load_settings(db=db or given, **kw)


def engine(ctx: typer.Context | None, db: str | None = None, *, create: bool = False, read_only: bool = False):
    """The database engine, migrated to head on first use. Only a command that writes reports may
    `create` a database; the others refuse one that does not exist. A `read_only` command's
    transactions never wait for a writer (see tracker.db.reading). Disposed when the command ends."""
    from tracker.db import open_database, reading

    cfg = settings(ctx, db)
    eng = open_database(cfg.database_url, create=create, connect_timeout=cfg.db_connect_timeout,
                        timeout=cfg.db_timeout)
    if ctx is not None:
        ctx.call_on_close(eng.dispose)
    return reading(eng) if read_only else eng


def reader(ctx: typer.Context | None, db: str | None = None):
    """The driver-level reader (tracker.reader) on the database, closed when the command ends; None
    off its plain path (no database, an older schema, another backend): the command then reads
    through SQLAlchemy, which migrates or says what is wrong."""
    from tracker.reader import open_reader

    cfg = settings(ctx, db)
    found = open_reader(cfg.database_url, connect_timeout=cfg.db_connect_timeout, timeout=cfg.db_timeout)
    if found is not None and ctx is not None:
        ctx.call_on_close(found.close)
    return found


def categories(values: Iterable[str] | None) -> tuple[str, ...]:
    """Category names as the user typed them (any case, repeated), checked and in the CONTRACT's words."""
    from tracker.errors import BadValue
    from tracker.jurisdictions import closest
    from tracker.model import CATEGORIES

    out = []
    for value in values or ():
        word = value.strip().casefold()
        if word not in CATEGORIES:
            hint = closest(word, CATEGORIES)
            raise BadValue(f"unknown category {value!r}" + (f" (did you mean {hint!r}?)" if hint else "")
                           + f": use one of {', '.join(CATEGORIES)}")
        out.append(word)
    return tuple(dict.fromkeys(out))


# C0 and C1 control characters (but tab and newline), DEL, and the bidirectional overrides and
# isolates that reorder what a terminal shows: report text is untrusted, and an escape sequence
# or a reordering in it must not reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In JSON the C0 controls are escaped already; the C1 ones are written raw unless escaped here.
_JSON_RAW = re.compile(r"[\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text with every control character shown as a visible replacement character."""
    return _CONTROL.sub("\ufffd", text)


def out(text: str) -> None:
    """Human-readable data to stdout, with no control character of the report's in it."""
    sys.stdout.write(terminal_safe(text))
    sys.stdout.flush()


def out_json(text: str) -> None:
    """A JSON document to stdout, its C1 controls escaped (the same document, safe on a terminal)."""
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    sys.stdout.flush()


def one_line(text: str) -> str:
    """A message as one terminal-safe line: a line break inside it (from a file's name, say) cannot
    make it look like two."""
    return terminal_safe(text.rstrip("\n")).replace("\n", "\ufffd")


def err(text: str) -> None:
    """One message to stderr, on one line."""
    sys.stderr.write(one_line(text) + "\n")
    sys.stderr.flush()


def write_output(path: Path, body: str | bytes) -> None:
    """Write an output file whole (a reader never sees half of it), or BadValue naming the path and why."""
    import tempfile

    from tracker.errors import BadValue
    from tracker.settings import file_mode

    data = body.encode("utf-8") if isinstance(body, str) else body
    if path.is_dir():
        raise BadValue(f"{path}: is a folder, not a file to write")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BadValue(f"{path}: cannot be written ({_reason(exc, path)})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BadValue(f"{path}: cannot be written ({_reason(exc, path)})") from None


def _reason(exc: OSError, path: Path) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"no folder {path.parent}"
    return exc.strerror or str(exc)


def color_wanted(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    stream = stream if stream is not None else sys.stdout
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def text_width() -> int:
    """How wide human text may run: the terminal's width (or COLUMNS), else 80."""
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)
