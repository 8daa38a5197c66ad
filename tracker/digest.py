"""Compose an emailed change digest: subject, plain text and inlined HTML. Pure: changes in,
message parts out; reading the database and sending are elsewhere."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.render import ChangeView, environment, grouped


@dataclass(frozen=True)
class Upcoming:
    """A law that takes effect soon, per the newest report of its jurisdiction."""

    jurisdiction: str
    name: str
    effective_date: str
    status: str


@dataclass(frozen=True)
class Digest:
    """One recipient's digest, ready to be put in a message."""

    subject: str
    text: str
    html: str
    change_ids: tuple[int, ...]


def subject_line(views: Sequence[ChangeView]) -> str:
    """'Regulatory changes: 5 in 3 jurisdictions (2026-04-01 → 2026-04-30)'."""
    n = len(views)
    places = len({v.row.jurisdiction for v in views})
    days = sorted(v.row.to_generated_at.date().isoformat() for v in views)
    span = days[0] if days[0] == days[-1] else f"{days[0]} → {days[-1]}"
    return (f"Regulatory changes: {n} in {places} jurisdiction{'s' if places != 1 else ''} ({span})")


def safe_url(url: str) -> str | None:
    """A report's source URL if it is a plain http(s) link, else None (never a javascript: link)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def compose(views: Sequence[ChangeView], *, sources: dict[int, Sequence[str]], upcoming: Sequence[Upcoming],
            today: dt.date, horizon_days: int = 90) -> Digest:
    """The digest of these changes. `sources` maps a snapshot id to its numbered source URLs, so a
    change's citation numbers can be shown as the links the report gave."""
    import css_inline

    def cited(view: ChangeView) -> list[dict]:
        urls = sources.get(view.row.to_id if view.row.kind != "removed" else view.row.from_id, ())
        out = []
        for n in view.row.citations or []:
            url = safe_url(urls[n - 1]) if 0 < n <= len(urls) else None
            out.append({"n": n, "url": url})
        return out

    per_place = Counter(v.row.jurisdiction for v in views)
    per_category = Counter(v.row.category for v in views)
    context = {
        "subject": subject_line(views), "groups": grouped(views), "cited": cited,
        "per_place": sorted(per_place.items()), "per_category": sorted(per_category.items()),
        "upcoming": list(upcoming), "horizon_days": horizon_days, "today": today.isoformat(),
        "total": len(views),
    }
    env = environment()
    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    html = inliner.inline(env.get_template("digest.html").render(**context))
    text = env.get_template("digest.txt").render(**context)
    return Digest(subject=context["subject"], text=text, html=html, change_ids=tuple(v.row.id for v in views))
