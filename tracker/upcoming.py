"""What takes effect soon: the laws whose effective date falls in a window, per the newest snapshot
of each jurisdiction and topic, with the date's precision kept ("2026-07" is July, not its 1st),
and the same as an iCalendar file with one all-day event per law and date."""
from __future__ import annotations

import calendar
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from tracker.db import SnapshotRow
from tracker.model import Snapshot

PRECISION = {1: "year", 2: "month", 3: "day"}
# The namespace of every UID and Atom id the tracker derives from content (uuid5 of this and the facts).
NAMESPACE = uuid.UUID("5b3f3a0e-2c1d-5a57-9a0e-7472616b6572")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def period(iso: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a reduced-precision ISO date stands for ('2026-07' is all of July);
    None for what is no such date."""
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", iso or "")
    if not m:
        return None
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    try:
        if day:
            d = dt.date(year, month, day)
            return d, d
        if month:
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


@dataclass(frozen=True)
class Upcoming:
    """One law taking effect in the window, as the newest report of its timeline states it."""

    jurisdiction: str
    topic: str
    name: str
    effective_date: str  # ISO, at the precision the report gives
    status: str
    date_text: str | None
    first_day: dt.date
    last_day: dt.date
    report_generated_at: str
    jurisdiction_key: str = ""
    topic_key: str = ""
    law_key: str = ""  # the law's key in its timeline (tracker.registry), set for calendars

    @property
    def precision(self) -> str:
        """'day', 'month' or 'year'."""
        return PRECISION[self.effective_date.count("-") + 1]

    def to_dict(self) -> dict:
        """The CONTRACT's `upcoming` object, with the tracker's extra fields."""
        return {"jurisdiction": self.jurisdiction, "topic": self.topic, "name": self.name,
                "effective_date": self.effective_date, "status": self.status, "precision": self.precision,
                "date_text": self.date_text, "report_generated_at": self.report_generated_at}

    @property
    def uid(self) -> str:
        """The calendar UID: from the timeline, the law's key and the date, never a row id, so a
        re-import (after a rebuild or a reparse) updates the event rather than adding another."""
        facts = "\x1f".join((self.jurisdiction_key, self.topic_key, self.law_key or self.name, self.effective_date))
        return f"{uuid.uuid5(NAMESPACE, facts)}@tracker"


def upcoming_in(snap: Snapshot, start: dt.date, end: dt.date, *, law_keys: Sequence[str] = (),
                **keys: str) -> list[Upcoming]:
    """The laws of one snapshot whose effective period meets [start, end], repealed ones left out
    (`law_keys`: the timeline key of each of its laws, in order, when known). Pure."""
    out = []
    for n, law in enumerate(snap.laws):
        span = period(law.effective_date or "")
        if span is None or law.status == "repealed" or span[1] < start or span[0] > end:
            continue
        out.append(Upcoming(snap.jurisdiction, snap.topic, law.name, law.effective_date, law.status, law.date_text,
                            span[0], span[1], snap.generated_at,
                            law_key=law_keys[n] if n < len(law_keys) else "", **keys))
    return out


def _newest(session: Session, jurisdiction_keys: Sequence[str]) -> list[SnapshotRow]:
    q = select(SnapshotRow.id, SnapshotRow.jurisdiction_key, SnapshotRow.topic_key, SnapshotRow.generated_at)
    if jurisdiction_keys:
        q = q.where(SnapshotRow.jurisdiction_key.in_(sorted(set(jurisdiction_keys))))
    newest: dict[tuple[str, str], tuple] = {}
    for i, jkey, tkey, at in session.execute(q.order_by(SnapshotRow.generated_at, SnapshotRow.id)):
        newest[(jkey, tkey)] = i
    ids = sorted(newest.values())
    return list(session.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data))
                                .where(SnapshotRow.id.in_(ids)))) if ids else []


def _law_keys(session: Session, row: SnapshotRow) -> tuple[str, ...]:
    """The timeline keys of the laws of a newest snapshot: its timeline resolved as the changelog does."""
    from tracker.registry import resolve_timeline

    rows = session.execute(select(SnapshotRow.data).where(
        SnapshotRow.jurisdiction_key == row.jurisdiction_key, SnapshotRow.topic_key == row.topic_key,
        SnapshotRow.generated_at <= row.generated_at).order_by(SnapshotRow.generated_at, SnapshotRow.id))
    _, resolved = resolve_timeline(Snapshot.from_dict(data) for (data,) in rows)
    return resolved[-1].laws


def read_upcoming(session: Session, start: dt.date, days: int, *, jurisdiction_keys: Sequence[str] = (),
                  with_keys: bool = False) -> list[Upcoming]:
    """Laws taking effect from `start` to `days` later, per the newest snapshot of each timeline
    (of these jurisdictions, when given), by first day, jurisdiction and name. `with_keys` finds
    each law's timeline key, which calendar UIDs need."""
    end = start + dt.timedelta(days=days)
    out: list[Upcoming] = []
    for row in _newest(session, jurisdiction_keys):
        snap = Snapshot.from_dict(row.data)
        keys = dict(jurisdiction_key=row.jurisdiction_key, topic_key=row.topic_key)
        found = upcoming_in(snap, start, end, **keys)
        if found and with_keys:
            found = upcoming_in(snap, start, end, law_keys=_law_keys(session, row), **keys)
        out.extend(found)
    return sorted(out, key=lambda u: (u.first_day, u.last_day, u.jurisdiction.casefold(), u.topic, u.name))


def when_text(u: Upcoming) -> str:
    """The date as a reader takes it: '2026-07-11', '2026-07 (month)', '2027 (year)'."""
    return u.effective_date if u.precision == "day" else f"{u.effective_date} ({u.precision})"


def upcoming_text(items: Sequence[Upcoming], start: dt.date, days: int) -> str:
    """The window's laws for a terminal, one line each."""
    end = start + dt.timedelta(days=days)
    head = f"Laws taking effect {start:%Y-%m-%d} to {end:%Y-%m-%d}, per the newest report of each jurisdiction"
    if not items:
        return head + ":\nnothing.\n"
    width = max(len(when_text(u)) for u in items)
    lines = [head + ":"]
    from tracker.render import words

    for u in items:
        lines.append(f"{when_text(u).ljust(width)}  {u.jurisdiction} — {u.topic}: {u.name} "
                     f"({words('status', u.status)})")
    return "\n".join(lines) + "\n"


def _plain(text: str | None) -> str:
    return _CONTROL.sub("\ufffd", text or "")


def _stamp(generated_at: str) -> dt.datetime:
    return dt.datetime.fromisoformat(generated_at.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def calendar_ics(items: Iterable[Upcoming]) -> bytes:
    """An iCalendar file: one all-day event per law and date, spanning the whole month or year a
    date of reduced precision stands for, stamped with its report's instant (so the same history
    gives the same file)."""
    from icalendar import Calendar, Event

    from tracker.render import words

    cal = Calendar()
    cal.add("prodid", "-//tracker//upcoming effective dates//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Laws taking effect")
    for u in items:
        ev = Event()
        ev.add("uid", u.uid)
        ev.add("dtstamp", _stamp(u.report_generated_at))
        ev.add("last-modified", _stamp(u.report_generated_at))
        ev.add("dtstart", u.first_day)
        ev.add("dtend", u.last_day + dt.timedelta(days=1))  # exclusive: an all-day event ends the day after
        vague = ("" if u.precision == "day"
                 else f" (sometime in {u.effective_date}: the report gives the {u.precision} only)")
        ev.add("summary", _plain(f"{u.jurisdiction}: {u.name} takes effect{vague}"))
        ev.add("description", _plain("\n".join(x for x in (
            f"{u.jurisdiction} — {u.topic}", f"{u.name}: {words('status', u.status)}, effective {u.effective_date}",
            f"The report says: {u.date_text}" if u.date_text else "",
            f"Per the report of {u.report_generated_at}.") if x)))
        ev.add("categories", ["law"])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()

