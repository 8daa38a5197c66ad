"""One typed settings object, built in one place: option, then TRACKER_* variable, then default."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE = "sqlite:///tracker.db"
# How long, in seconds, a database may take to answer a connection, and to finish a statement or
# free a lock (PostgreSQL's statement timeout, SQLite's busy timeout).
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_DB_TIMEOUT = 60.0


@dataclass(frozen=True)
class Settings:
    """What a command needs from its environment. The SMTP password is read only when sending and
    never kept here, so it cannot end up in a log or a repr."""

    database_url: str = DEFAULT_DATABASE
    snapshots_dir: Path | None = Path("snapshots")
    smtp_url: str | None = None
    mail_from: str | None = None
    unsubscribe_url: str | None = None  # a link template, {address} standing for the recipient
    db_connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # how long the database may take to answer a connection
    db_timeout: float = DEFAULT_DB_TIMEOUT  # … to finish a statement or free a lock


def load_settings(*, db: str | None = None, snapshots_dir: str | None = None, smtp: str | None = None,
                  mail_from: str | None = None, unsubscribe_url: str | None = None) -> Settings:
    """Settings from options (given first) and the TRACKER_* environment."""
    env = os.environ
    snaps = snapshots_dir if snapshots_dir is not None else env.get("TRACKER_SNAPSHOTS_DIR", "snapshots")
    url = db or env.get("TRACKER_DATABASE_URL") or DEFAULT_DATABASE
    if "://" not in url:  # a bare path means a SQLite file
        url = f"sqlite:///{url}"
    return Settings(database_url=url, snapshots_dir=Path(snaps) if snaps else None,
                    smtp_url=smtp or env.get("TRACKER_SMTP_URL") or None,
                    mail_from=mail_from or env.get("TRACKER_MAIL_FROM") or None,
                    unsubscribe_url=unsubscribe_url or env.get("TRACKER_UNSUBSCRIBE_URL") or None,
                    db_connect_timeout=seconds("TRACKER_DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT),
                    db_timeout=seconds("TRACKER_DB_TIMEOUT", DEFAULT_DB_TIMEOUT))


def seconds(variable: str, default: float) -> float:
    """A TRACKER_* variable that holds a duration in seconds (its default when unset), or BadValue."""
    from tracker.errors import BadValue

    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 < number < 86400 * 7:
        raise BadValue(f"{variable}={value!r} is not a number of seconds (more than 0, less than a week)")
    return number


def smtp_password() -> str | None:
    """The SMTP password, from the environment only."""
    return os.environ.get("TRACKER_SMTP_PASSWORD") or None


def file_mode() -> int:
    """The permissions a new file gets from this process: 0666 less the user's umask (a temporary
    file made safely starts as 0600 and must be given them)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
