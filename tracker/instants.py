"""Instants and names as the tracker reads and prints them: pure, and light to import (the read
commands start with nothing heavier)."""
from __future__ import annotations

import datetime as dt
import re

from tracker.errors import BadValue
from tracker.jurisdictions import clean_name


def topic_key(topic: str) -> str:
    """How a topic is looked up: cleaned as a name is (see clean_name), case and spacing folded."""
    return clean_name(topic).casefold()


def parse_instant(value: str, *, end_of_day: bool = False, option: str | None = None) -> dt.datetime:
    """An ISO timestamp or bare date as an aware UTC datetime; a bare date is its start, or with
    end_of_day its last instant. BadValue names the `option` it was given to, if any, and why."""
    v = value.strip()
    said = f"{option} {value!r}" if option else repr(value)
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", v):
            day = dt.date.fromisoformat(v)
            t = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        else:
            t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise BadValue(f"{said} is not an ISO date or timestamp (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    try:
        return t.astimezone(dt.timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+23:59 is a day before the first one there is
        raise BadValue(f"{said} is out of range: in UTC it falls outside the years 1 to 9999") from None


def iso(t: dt.datetime) -> str:
    """A stored instant as the tracker prints it: UTC, milliseconds, 'Z'."""
    t = t.astimezone(dt.timezone.utc) if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
