"""The static site: the cross-jurisdiction matrix, a page per jurisdiction and topic, a page per
regulator and law, and Atom feeds, from one read of the database. Rendering is pure (records in,
files' bytes out); `build_site` reads the database and writes only the files whose bytes changed."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from tracker.db import ChangeRow, SnapshotRow
from tracker.errors import BadValue
from tracker.feeds import FeedEntry, atom, change_uid, item_uid
from tracker.model import Snapshot
from tracker.pipeline import path_slug
from tracker.render import ChangeView, Entry, describe, entries, environment, words
from tracker.store import CHANGE_FIELDS, iso
from tracker.upcoming import NAMESPACE, period

# The file in OUT/ listing what the last build wrote, so a rebuild removes its own stale pages and
# never anything else.
MANIFEST = ".tracker-site.json"
# The orders the index is offered in (no JavaScript: one page per order), and their files.
ORDERS = {"jurisdiction": "index.html", "stance": "by-stance.html", "change": "by-change.html",
          "effect": "by-effect.html"}
STANCE_ORDER = ("banned", "restricted", "unclear", "legal_unregulated", "legal_regulated")
STANCE_MEANING = {
    "legal_regulated": "trading is legal and a regulator licenses or supervises it",
    "legal_unregulated": "trading is legal but no specific regime governs it",
    "restricted": "trading is allowed only within limits (some assets, some investors, some firms)",
    "banned": "trading or exchanges are prohibited",
    "unclear": "the report states no clear stance",
}
LICENSING_WORDS = {True: "required", False: "not required", None: "not stated"}


# --- records: what the pages show, built from one read -----------------------------------------

@dataclass(frozen=True)
class Item:
    """A material changelog item of a timeline: the rendered entry, its stable id and extras the
    review issue adds to a change (shown where present)."""

    entry: Entry
    uid: str
    review: dict | None = None  # hook: {"state", "by", "at", "reason"} once changes carry a review
    evidence: dict | None = None  # hook: {"old": {"text", "sources"}, "new": …} once changes carry it


@dataclass(frozen=True)
class Report:
    """One report of a timeline and the material items it brought."""

    at: dt.datetime
    source_name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Entity:
    """A regulator or law of a timeline: the names it went by, where it was seen, its changes."""

    category: str
    key: str
    name: str
    names: tuple[str, ...]
    seen: tuple[tuple[dt.datetime, dict], ...]  # (report instant, the facts that report gave)
    items: tuple[Item, ...]
    current: bool  # in the newest report
    path: str = ""


@dataclass(frozen=True)
class Timeline:
    """One jurisdiction and topic: its newest snapshot, its reports, its entities."""

    jurisdiction: str
    topic: str
    jkey: str
    tkey: str
    latest: dict
    latest_at: dt.datetime
    reports: tuple[Report, ...]
    entities: tuple[Entity, ...]
    path: str
    feed: str
    next_effective: tuple[str, str] | None  # (ISO date at its precision, law name)

    @property
    def last_change(self) -> tuple[Report, Item] | None:
        """The newest report with material items, and its first item."""
        for r in reversed(self.reports):
            if r.items:
                return r, r.items[0]
        return None

    @property
    def stance(self) -> str:
        return self.latest["stance"]["trading"]

    @property
    def licensing(self) -> bool | None:
        return self.latest["licensing"].get("required")

    @property
    def laws_in_force(self) -> int:
        return sum(1 for x in self.latest["laws"] if x.get("status") == "in_force")


@dataclass
class Built:
    """How many files the site holds, how many were (re)written and how many stale ones removed."""

    total: int = 0
    written: int = 0
    removed: int = 0
    files: dict[str, bytes] = field(default_factory=dict)


# --- reading ---------------------------------------------------------------------------------

def timeline_file(jkey: str, tkey: str) -> str:
    """A timeline's page name: its jurisdiction's and topic's slugs (path_slug: distinct keys, distinct
    slugs, never a '--' inside one), so no two timelines share a page and no name leaves its folder."""
    return f"{path_slug(jkey)}--{path_slug(tkey)}"


def feed_file(jkey: str) -> str:
    """A jurisdiction's feed name, never that of the feed of everything."""
    slug = path_slug(jkey)
    return slug if slug != "all" else "all--jurisdiction"


def _entity_file(key: str) -> str:
    """A regulator's or law's page name: its timeline key (letters, digits, dashes) or a slug of it."""
    return path_slug(key.replace("-", " ")) + ".html"


def _next_effective(latest: dict, today: dt.date) -> tuple[str, str] | None:
    best = None
    for law in latest.get("laws", ()):
        span = period(law.get("effective_date") or "")
        if span is None or span[1] < today or law.get("status") == "repealed":
            continue
        if best is None or span[0] < best[0]:
            best = (span[0], law["effective_date"], law["name"])
    return (best[1], best[2]) if best else None


def _facts(category: str, item: Any) -> dict:
    if category == "regulator":
        return {"name": item.name, "acronym": item.acronym, "role": item.role}
    return {"name": item.name, "acronym": item.acronym, "effective_date": item.effective_date,
            "status": item.status, "date_text": item.date_text}


def _entities(snaps: Sequence[Snapshot], instants: Sequence[dt.datetime],
              items_by_key: dict[str, list[Item]]) -> list[Entity]:
    """Every regulator and law of a timeline, resolved once as the changelog resolves them."""
    from tracker.registry import resolve_timeline

    registry, resolved = resolve_timeline(snaps)
    seen: dict[tuple[str, str], list[tuple[dt.datetime, dict]]] = defaultdict(list)
    for snap, keys, at in zip(snaps, resolved, instants):
        for category, things, ks in (("regulator", snap.regulators, keys.regulators), ("law", snap.laws, keys.laws)):
            for thing, key in zip(things, ks):
                seen[(category, key)].append((at, _facts(category, thing)))
    out = []
    newest = instants[-1] if instants else None
    for (category, key), where in seen.items():
        names = tuple(dict.fromkeys([*registry.names_of(key), *(f["name"] for _, f in where)]))
        out.append(Entity(category, key, where[-1][1]["name"], names, tuple(where), tuple(items_by_key.get(key, ())),
                          where[-1][0] == newest, _entity_file(key)))
    return sorted(out, key=lambda e: (e.category != "regulator", e.name.casefold()))


def _hooks(doc: str | None) -> tuple[dict | None, dict | None]:
    """The review and evidence objects of a stored change document, where the review issue put them."""
    if not doc or ('"review"' not in doc and '"evidence":{' not in doc):
        return None, None
    data = json.loads(doc)
    review, evidence = data.get("review"), data.get("evidence")
    return (review if isinstance(review, dict) else None, evidence if isinstance(evidence, dict) else None)


def read_timelines(session: Session, today: dt.date) -> list[Timeline]:
    """Every timeline with its reports, material changes and entities, from one read of each table."""
    snaps_by: dict[tuple[str, str], list[SnapshotRow]] = defaultdict(list)
    for row in session.execute(select(SnapshotRow.id, SnapshotRow.jurisdiction, SnapshotRow.jurisdiction_key,
                                      SnapshotRow.topic, SnapshotRow.topic_key, SnapshotRow.generated_at,
                                      SnapshotRow.source_name, SnapshotRow.data)
                               .order_by(SnapshotRow.generated_at, SnapshotRow.id)):
        snaps_by[(row.jurisdiction_key, row.topic_key)].append(row)
    older = aliased(SnapshotRow)
    newer = aliased(SnapshotRow)
    changes_by: dict[tuple[str, str], list] = defaultdict(list)
    sources: dict[int, list[str]] = {}
    for rows in snaps_by.values():
        for r in rows:
            sources[r.id] = list((r.data or {}).get("sources") or [])
    stmt = (select(*CHANGE_FIELDS, ChangeRow.doc, older.generated_at.label("from_at"),
                   newer.jurisdiction_key.label("jkey"), newer.topic_key.label("tkey"))
            .join(older, ChangeRow.from_id == older.id).join(newer, ChangeRow.to_id == newer.id)
            .where(ChangeRow.material.is_(True))
            .order_by(ChangeRow.to_generated_at, ChangeRow.position))
    for c in session.execute(stmt):
        changes_by[(c.jkey, c.tkey)].append(c)

    out = []
    for (jkey, tkey), rows in sorted(snaps_by.items(), key=lambda kv: (kv[1][-1].jurisdiction.casefold(),
                                                                        kv[1][-1].topic.casefold())):
        latest = rows[-1]
        uids = {c.id: change_uid(jkey, tkey, iso(c.from_at), iso(c.to_generated_at), c.category, c.kind,
                                 c.entity_key, c.field, c.old, c.new) for c in changes_by[(jkey, tkey)]}
        hooks = {c.id: _hooks(c.doc) for c in changes_by[(jkey, tkey)]}
        items_of_report: dict[int, list[Item]] = defaultdict(list)
        items_by_key: dict[str, list[Item]] = defaultdict(list)
        views = [ChangeView(c, c.from_at) for c in changes_by[(jkey, tkey)]]
        key_of = {c.id: c.entity_key for c in changes_by[(jkey, tkey)]}
        to_of = {c.id: c.to_id for c in changes_by[(jkey, tkey)]}
        for e in entries(views, sources):
            first = e.change_ids[0]
            review, evidence = hooks[first]
            item = Item(e, item_uid([uids[i] for i in e.change_ids]), review, evidence)
            items_of_report[to_of[first]].append(item)
            if e.category in ("regulator", "law"):
                items_by_key[key_of[first]].append(item)
        reports = tuple(Report(r.generated_at, r.source_name, tuple(items_of_report.get(r.id, ()))) for r in rows)
        snaps = [Snapshot.from_dict(r.data) for r in rows]
        out.append(Timeline(latest.jurisdiction, latest.topic, jkey, tkey, latest.data, latest.generated_at, reports,
                            tuple(_entities(snaps, [r.generated_at for r in rows], items_by_key)),
                            timeline_file(jkey, tkey), feed_file(jkey), _next_effective(latest.data, today)))
    return out


# --- rendering -------------------------------------------------------------------------------

def _sorted(timelines: Sequence[Timeline], order: str) -> list[Timeline]:
    by_name = sorted(timelines, key=lambda t: (t.jurisdiction.casefold(), t.topic.casefold()))
    if order == "stance":
        rank = {s: i for i, s in enumerate(STANCE_ORDER)}
        return sorted(by_name, key=lambda t: rank.get(t.stance, len(rank)))
    if order == "change":
        return sorted(by_name, key=lambda t: -(t.last_change[0].at.timestamp() if t.last_change else -1e12))
    if order == "effect":
        return sorted(by_name, key=lambda t: (t.next_effective is None,
                                              period(t.next_effective[0])[0] if t.next_effective else dt.date.max))
    return by_name


def chart(reports: Sequence[Report], width: int = 420, height: int = 130) -> dict:
    """The bars of the material-changes-per-report chart: x by the report's date, height by count."""
    pad_l, pad_r, pad_t, pad_b = 26, 8, 18, 22
    if not reports:
        return {"width": width, "height": height, "bars": [], "ticks": [], "max": 0}
    first, last = reports[0].at.timestamp(), reports[-1].at.timestamp()
    span = max(last - first, 1.0)
    top = max(1, max(len(r.items) for r in reports))
    inner_w, inner_h = width - pad_l - pad_r, height - pad_t - pad_b
    bar_w = max(4.0, min(24.0, inner_w / max(len(reports), 1) * 0.6))
    bars = []
    for r in reports:
        x = pad_l + (r.at.timestamp() - first) / span * (inner_w - bar_w) if len(reports) > 1 else pad_l + inner_w / 2
        h = len(r.items) / top * inner_h
        bars.append({"x": round(x, 1), "y": round(pad_t + inner_h - h, 1), "w": round(bar_w, 1),
                     "h": round(max(h, 0.0), 1), "count": len(r.items), "label": r.at.strftime("%Y-%m-%d")})
    # the first and last report's dates, and any between that has room for its label
    ticks = [{"x": bars[0]["x"], "label": bars[0]["label"], "anchor": "start"}]
    last_x = bars[-1]["x"] + bars[-1]["w"]
    for b in bars[1:-1]:
        middle = b["x"] + b["w"] / 2
        if middle - ticks[-1]["x"] >= 110 and last_x - middle >= 75:
            ticks.append({"x": round(middle, 1), "label": b["label"], "anchor": "middle"})
    if len(bars) > 1:
        ticks.append({"x": last_x, "label": bars[-1]["label"], "anchor": "end"})
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "max": top,
            "base": pad_t + inner_h, "left": pad_l, "right": width - pad_r, "top": pad_t}


# What HTML may not hold (a parse error in a browser, an escape sequence in a terminal's view of it).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(value: object) -> object:
    """Every value a page prints, its control characters shown as a replacement character (markup a
    macro already rendered went through this once)."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("\ufffd", value)
    return value


def _environment():
    """The one Environment, with every printed value stripped of control characters."""
    global _ENV
    if _ENV is None:
        _ENV = environment().overlay(finalize=_printable)
    return _ENV


_ENV = None


def render_site(timelines: Sequence[Timeline], *, built_at: dt.datetime,
                base_url: str | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path inside OUT/ (always a relative path of safe names)."""
    env = _environment()
    # the pages say how recent the history is, never when they were built: a rebuild of an
    # unchanged history writes the same bytes, so only the pages a new report touches are rewritten
    as_of = max((t.latest_at for t in timelines), default=None)
    common = dict(words=words, describe=describe, stance_meaning=STANCE_MEANING, licensing_words=LICENSING_WORDS,
                  as_of=as_of, orders=ORDERS, today=built_at.date())
    files: dict[str, bytes] = {}
    index = env.get_template("site/index.html")
    for order, name in ORDERS.items():
        files[name] = index.render(timelines=_sorted(timelines, order), order=order, root="", **common).encode()
    timeline_page = env.get_template("site/timeline.html")
    entity_page = env.get_template("site/entity.html")
    for t in timelines:
        files[f"jurisdictions/{t.path}.html"] = timeline_page.render(
            t=t, chart=chart(t.reports), root="../", **common).encode()
        for e in t.entities:
            files[f"entities/{t.path}/{e.path}"] = entity_page.render(t=t, e=e, root="../../", **common).encode()
    files.update(_feeds(timelines, built_at=built_at, base_url=base_url))
    return files


def _feeds(timelines: Sequence[Timeline], *, built_at: dt.datetime, base_url: str | None) -> dict[str, bytes]:
    base = (base_url.rstrip("/") + "/") if base_url else None

    def link(path: str) -> str:
        return base + path if base else "../" + path  # a feed lives in feeds/: relative to it

    by_jurisdiction: dict[str, list[Timeline]] = defaultdict(list)
    everything: list[FeedEntry] = []
    for t in timelines:
        by_jurisdiction[t.feed].append(t)
    out: dict[str, bytes] = {}
    for feed, ts in sorted(by_jurisdiction.items()):
        mine = [FeedEntry(i.uid, f"{t.jurisdiction}: {describe(i.entry)}",
                          f"{t.jurisdiction} — {t.topic}, report of {r.at:%Y-%m-%d} compared with "
                          f"{i.entry.from_at:%Y-%m-%d}." + (f" {i.entry.note}" if i.entry.note else ""),
                          link(f"jurisdictions/{t.path}.html#c-{i.uid}"), r.at)
                for t in ts for r in t.reports for i in r.items]
        everything.extend(mine)
        updated = max([e.at for e in mine] + [t.latest_at for t in ts])
        out[f"feeds/{feed}.atom"] = atom(mine, feed_id=f"urn:uuid:{uuid.uuid5(NAMESPACE, 'feed:' + ts[0].jkey)}",
                                         title=f"{ts[0].jurisdiction}: material regulatory changes",
                                         self_link=(base + f"feeds/{feed}.atom") if base else f"{feed}.atom",
                                         page_link=link(f"jurisdictions/{ts[0].path}.html"), updated=updated)
    updated = max([e.at for e in everything] + [t.latest_at for t in timelines], default=built_at)
    out["feeds/all.atom"] = atom(everything, feed_id=f"urn:uuid:{uuid.uuid5(NAMESPACE, 'feed:all')}",
                                 title="All material regulatory changes",
                                 self_link=(base + "feeds/all.atom") if base else "all.atom",
                                 page_link=link("index.html"), updated=updated)
    return out


# --- writing ---------------------------------------------------------------------------------

def _inside(root: Path, rel: str) -> Path:
    """The path of a site file, refused if it would leave OUT/ (names are slugs; this is the guard)."""
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or ".." in Path(rel).parts or Path(rel).is_absolute():
        raise BadValue(f"refusing to write {rel!r} outside {root}")
    return target


def write_site(target: Path, files: dict[str, bytes]) -> Built:
    """Write the files into `target`, rewriting only those whose bytes differ, and remove what the
    previous build (per its manifest) wrote that this one does not. A folder that holds files no
    build wrote is refused, so the site never overwrites someone's own files."""
    from tracker.settings import file_mode

    if target.exists() and not target.is_dir():
        raise BadValue(f"{target}: is a file, not a folder to write the site into")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadValue(f"{target}: cannot be created ({exc.strerror or exc})") from None
    root = target.resolve()
    manifest = root / MANIFEST
    previous: list[str] = []
    if manifest.is_file():
        try:
            previous = [p for p in json.loads(manifest.read_text(encoding="utf-8")).get("files", ())
                        if isinstance(p, str)]
        except (ValueError, AttributeError, OSError):
            raise BadValue(f"{manifest}: is not a site manifest this tracker wrote; remove it or pick another "
                           "folder") from None
    elif any(root.iterdir()):
        raise BadValue(f"{target}: holds files that `tracker site` did not write; give it an empty or new folder")
    built = Built(total=len(files), files=files)
    for rel, body in sorted(files.items()):
        path = _inside(root, rel)
        try:
            if path.is_file() and path.read_bytes() == body:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.chmod(tmp, file_mode())
            os.replace(tmp, path)
        except OSError as exc:
            raise BadValue(f"{path}: cannot be written ({exc.strerror or exc})") from None
        built.written += 1
    for rel in sorted(set(previous) - set(files)):
        try:
            path = _inside(root, rel)
        except BadValue:
            continue  # a manifest entry pointing outside is never followed
        if path.is_file():
            path.unlink()
            built.removed += 1
    body = json.dumps({"files": sorted(files)}, indent=1).encode()
    if not manifest.is_file() or manifest.read_bytes() != body:
        manifest.write_bytes(body)
    return built


def build_site(session: Session, target: Path, *, base_url: str | None = None,
               now: dt.datetime | None = None) -> Built:
    """Read the history and write its site into `target`."""
    from tracker.render import safe_url

    if base_url is not None and safe_url(base_url) is None:
        raise BadValue(f"--base-url {base_url!r} is not a plain http(s) address")
    now = now or dt.datetime.now(dt.timezone.utc)
    timelines = read_timelines(session, now.date())
    return write_site(target, render_site(timelines, built_at=now, base_url=base_url))
