"""Compose an emailed change digest: subject, plain text and inlined HTML. Pure: changes in,
message parts out; reading the database and sending are elsewhere."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.render import ChangeView, Entry, by_category, entries, environment

@dataclass(frozen=True)
class Recipient:
    """An address and the filters its digest applies (empty: everything); `subscribed` when it is
    on the subscriber list rather than named with --to for one run."""

    address: str
    jurisdictions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subscribed: bool = False


@dataclass(frozen=True)
class Upcoming:
    """A law that takes effect soon, per the newest report of its jurisdiction."""

    jurisdiction: str
    name: str
    effective_date: str
    status: str


@dataclass(frozen=True)
class Digest:
    """One recipient's digest, ready to be put in a message: `items` is how many changes it lists
    (a rename counts once), `change_ids` every stored change it carries."""

    subject: str
    text: str
    html: str
    change_ids: tuple[int, ...]
    items: int = 0


def subject_line(items: Sequence[Entry]) -> str:
    """'Regulatory changes: 5 in 3 jurisdictions (2026-04-01 → 2026-04-30)'."""
    n = len(items)
    places = len({e.jurisdiction for e in items})
    days = sorted(e.to_at.date().isoformat() for e in items)
    span = days[0] if days[0] == days[-1] else f"{days[0]} → {days[-1]}"
    return f"Regulatory changes: {n} in {places} jurisdiction{'s' if places != 1 else ''} ({span})"


def why(recipient: Recipient) -> str:
    """Why this address gets the digest, in one sentence."""
    if not recipient.subscribed:
        return (f"You get this digest because it was sent to {recipient.address} by name (tracker digest --to); "
                "that address is not on the subscriber list.")
    places = ", ".join(recipient.jurisdictions) or "every jurisdiction"
    kinds = ", ".join(recipient.categories) or "every kind"
    return (f"You get this digest because {recipient.address} is subscribed to material changes in {places} "
            f"({kinds}).")


def how_to_stop(recipient: Recipient, unsubscribe: str | None) -> str:
    """How to stop getting it, in one sentence: the unsubscribe link the message carries, and the
    command that takes the address off the list."""
    from urllib.parse import unquote, urlsplit

    if recipient.subscribed:
        ask = f"ask whoever runs the tracker to run `tracker unsubscribe {recipient.address}`"
    else:
        ask = "ask whoever runs the tracker to stop sending it to this address"
    if unsubscribe and unsubscribe.startswith("mailto:"):
        other = f"write to {unquote(urlsplit(unsubscribe).path)} with the subject “unsubscribe”, or "
    elif unsubscribe:
        other = f"visit {unsubscribe}, or "
    else:
        other = ""
    return f"To stop it, {other}{ask}."


def compose(views: Sequence[ChangeView], *, sources: dict[int, Sequence[str]], upcoming: Sequence[Upcoming],
            today: dt.date, recipient: Recipient, unsubscribe: str | None = None,
            horizon_days: int = 90) -> Digest:
    """The digest of these changes for one recipient. `sources` maps a snapshot id to its numbered
    source URLs, so a change's citation numbers are shown as the links the report gave."""
    import css_inline

    items = entries(views, sources)
    per_place = Counter(e.jurisdiction for e in items)
    per_category = Counter(e.category for e in items)
    context = {
        "subject": subject_line(items), "groups": by_category(items),
        "per_place": sorted(per_place.items()), "per_category": sorted(per_category.items()),
        "upcoming": list(upcoming), "horizon_days": horizon_days, "today": today.isoformat(),
        "horizon_end": (today + dt.timedelta(days=horizon_days)).isoformat(),
        "total": len(items), "why": why(recipient), "how_to_stop": how_to_stop(recipient, unsubscribe),
    }
    env = environment()
    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    html = inliner.inline(env.get_template("digest.html").render(**context))
    text = env.get_template("digest.txt").render(**context)
    return Digest(subject=context["subject"], text=text, html=html,
                  change_ids=tuple(i for e in items for i in e.change_ids), items=len(items))
