"""Deliver digests: who gets which changes, and the memory of what each recipient was sent.

A change counts as sent to a recipient only once the SMTP server accepted the message that
carried it; the delivery rows are written right after that, one transaction per recipient.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased, undefer

from tracker import review
from tracker.db import ChangeRow, DeliveryRow, SnapshotRow, SubscriberRow, reading
from tracker.digest import Digest, Recipient, Upcoming, compose
from tracker.errors import BadValue, DeliveryFailed
from tracker.jurisdictions import jurisdiction_key
from tracker.mail import build_message, check_address
from tracker.model import CATEGORIES
from tracker.render import ChangeView
from tracker.store import CHANGE_FIELDS, sources_of


@dataclass
class Outcome:
    """What happened for one recipient: `sent`, `empty`, `previewed` or `failed`."""

    recipient: str
    status: str
    message: str
    changes: int = 0
    digest: Digest | None = None
    email: EmailMessage | None = field(default=None, repr=False)


def check_categories(categories: Sequence[str]) -> tuple[str, ...]:
    """Validated category names."""
    for c in categories:
        if c not in CATEGORIES:
            raise BadValue(f"unknown category {c!r}: use one of {', '.join(CATEGORIES)}")
    return tuple(dict.fromkeys(categories))


def subscribe(session: Session, address: str, jurisdictions: Sequence[str], categories: Sequence[str]) -> SubscriberRow:
    """Add a subscriber, or replace the filters of an existing one."""
    address = check_address(address)
    row = session.scalars(select(SubscriberRow).where(SubscriberRow.address == address)).first()
    if row is None:
        row = SubscriberRow(address=address)
        session.add(row)
    row.jurisdictions = list(dict.fromkeys(jurisdictions))
    row.categories = list(check_categories(categories))
    session.flush()
    return row


def unsubscribe(session: Session, address: str) -> bool:
    """Remove a subscriber; False when there was none."""
    result = session.execute(delete(SubscriberRow).where(SubscriberRow.address == address.strip()))
    return bool(result.rowcount)


def subscribers(session: Session) -> list[Recipient]:
    """Every subscriber with its filters."""
    rows = session.scalars(select(SubscriberRow).order_by(SubscriberRow.address))
    return [Recipient(r.address, tuple(r.jurisdictions or ()), tuple(r.categories or ()), subscribed=True)
            for r in rows]


def pending(session: Session, recipient: Recipient, since: dt.datetime | None) -> list[ChangeView]:
    """The material changes this recipient should get: those not yet sent to it, or with `since`,
    every one from that date on whether sent or not."""
    older = aliased(SnapshotRow)
    newer = aliased(SnapshotRow)
    stmt = (select(*CHANGE_FIELDS, older.generated_at.label("from_at"))
            .join(older, ChangeRow.from_id == older.id)
            .join(newer, ChangeRow.to_id == newer.id).where(ChangeRow.material.is_(True)))
    if recipient.jurisdictions:  # by the name's key, or as stored before this version knew the name
        stmt = stmt.where(or_(newer.jurisdiction_key.in_([jurisdiction_key(j) for j in recipient.jurisdictions]),
                              newer.jurisdiction.in_(recipient.jurisdictions)))
    if recipient.categories:
        stmt = stmt.where(ChangeRow.category.in_(recipient.categories))
    if since is not None:
        stmt = stmt.where(ChangeRow.to_generated_at >= since)
    else:
        sent = exists().where(DeliveryRow.change_id == ChangeRow.id, DeliveryRow.address == recipient.address)
        stmt = stmt.where(~sent)
    stmt = review.not_dismissed(stmt)  # a dismissed change leaves every later digest
    stmt = stmt.order_by(ChangeRow.jurisdiction, ChangeRow.topic, ChangeRow.to_generated_at, ChangeRow.position)
    return [ChangeView(row, row.from_at) for row in session.execute(stmt)]


def upcoming(session: Session, places: set[str], today: dt.date, days: int) -> list[Upcoming]:
    """Laws that the newest report of each of these jurisdictions dates within the next `days`."""
    if not places:
        return []
    rows = session.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data))
                           .where(SnapshotRow.jurisdiction.in_(places))
                           .order_by(SnapshotRow.jurisdiction_key, SnapshotRow.topic_key,
                                     SnapshotRow.generated_at.desc()))
    seen: set[tuple[str, str]] = set()
    out = []
    end = today + dt.timedelta(days=days)
    for row in rows:
        if (row.jurisdiction_key, row.topic_key) in seen:
            continue
        seen.add((row.jurisdiction_key, row.topic_key))
        for law in row.data.get("laws", []):
            d = law.get("effective_date")
            if d and len(d) == 10 and today.isoformat() <= d <= end.isoformat():
                out.append(Upcoming(row.jurisdiction, law["name"], d, law.get("status", "unknown")))
    return sorted(out, key=lambda u: (u.effective_date, u.jurisdiction, u.name))


def record(engine: Engine, address: str, change_ids: Sequence[int], message_id: str) -> None:
    """Remember that the server accepted these changes for this address."""
    with Session(engine) as session, session.begin():
        already = set(session.scalars(select(DeliveryRow.change_id).where(
            DeliveryRow.address == address, DeliveryRow.change_id.in_(change_ids))))
        session.add_all(DeliveryRow(change_id=c, address=address, message_id=message_id[:300])
                        for c in change_ids if c not in already)


def unsubscribe_url(template: str | None, *, sender: str, recipient: str) -> str:
    """The address's unsubscribe link: the template (TRACKER_UNSUBSCRIBE_URL, with {address} for the
    recipient), or a mail to the sender with the subject 'unsubscribe <address>'."""
    from urllib.parse import quote

    if not template:
        return f"mailto:{sender}?subject={quote('unsubscribe ' + recipient, safe='@')}"
    return template.replace("{address}", quote(recipient, safe="@"))


def prepare(engine: Engine, recipient: Recipient, *, sender: str, since: dt.datetime | None, today: dt.date,
            unsubscribe: str | None = None, horizon_days: int = 90) -> Outcome:
    """Compose one recipient's digest (or find there is nothing to send)."""
    with Session(reading(engine)) as session:
        views = pending(session, recipient, since)
        if not views:
            return Outcome(recipient.address, "empty", f"{recipient.address}: nothing new to send")
        soon = upcoming(session, {v.row.jurisdiction for v in views}, today, horizon_days)
        sources = sources_of(session, {v.row.to_id for v in views} | {v.row.from_id for v in views})
    link = unsubscribe_url(unsubscribe, sender=sender, recipient=recipient.address)
    digest = compose(views, sources=sources, upcoming=soon, today=today, recipient=recipient, unsubscribe=link,
                     horizon_days=horizon_days)
    email = build_message(digest, sender=sender, recipient=recipient.address, unsubscribe=link)
    return Outcome(recipient.address, "ready", "", digest.items, digest, email)


def send_all(engine: Engine, recipients: Sequence[Recipient], *, sender: str, since: dt.datetime | None,
             mailer_factory: Callable[[], object] | None, today: dt.date, dry_run: bool = False,
             unsubscribe: str | None = None) -> list[Outcome]:
    """Compose and send each recipient's digest; record each one the server accepted. With
    dry_run, compose only. A failure for one recipient costs the others nothing. `unsubscribe` is
    the template of each message's unsubscribe link (see unsubscribe_url)."""
    check_address(sender)
    for r in recipients:
        check_address(r.address)
    prepared = [prepare(engine, r, sender=sender, since=since, today=today, unsubscribe=unsubscribe)
                for r in recipients]
    ready = [o for o in prepared if o.status == "ready"]
    if dry_run or not ready:
        for o in ready:
            o.status, o.message = "previewed", f"{o.recipient}: {o.changes} change(s) previewed, nothing sent"
        return prepared
    assert mailer_factory is not None
    with mailer_factory() as mailer:
        for o in ready:
            try:
                mailer.send(o.email)
            except DeliveryFailed as exc:
                o.status, o.message = "failed", str(exc)
                continue
            record(engine, o.recipient, o.digest.change_ids, str(o.email["Message-ID"]))
            o.status, o.message = "sent", f"{o.recipient}: sent {o.changes} change(s)"
    return prepared
