"""Render snapshots and changelogs as text, markdown, JSON-ready data and HTML. Pure: data in,
strings out; the CLI decides where they go."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING

from tracker.instants import iso

if TYPE_CHECKING:
    from tracker.db import SnapshotRow

_ANSI = {"added": "\033[32m", "removed": "\033[31m", "changed": "\033[33m", "renamed": "\033[33m",
         "bold": "\033[1m", "dim": "\033[2m", "reset": "\033[0m"}
_SIGN = {"added": "+", "removed": "-", "changed": "~", "renamed": "~"}


@dataclass(frozen=True)
class ChangeView:
    """A stored change (a row with the changes table's columns) and the instant of its older
    snapshot, as every renderer reads it."""

    row: Any
    from_at: dt.datetime

    def to_dict(self) -> dict:
        """The CONTRACT's JSON object for one change, with the tracker's extra fields."""
        from tracker.changelog import change_document

        return {**change_document(self.row, self.from_at), "change_id": self.row.id,
                "review": review_of(self.row).to_dict()}


def review_of(row: Any):
    """The latest review decision a stored change's row carries (pending when none)."""
    from tracker.decisions import decision_of

    return decision_of(row)


# The CONTRACT's vocabularies as a person reads them (JSON keeps the CONTRACT's words).
WORDS = {
    "status": {"draft": "draft", "adopted": "adopted", "in_force": "in force", "repealed": "repealed",
               "unknown": "status unknown"},
    "trading": {"legal_regulated": "legal, regulated", "legal_unregulated": "legal, unregulated",
                "restricted": "restricted", "banned": "banned", "unclear": "unclear"},
}
NOT_STATED = "not stated"


def words(field: str, value: object) -> str:
    """A vocabulary value in words ('in_force' -> 'in force'); anything else as value_text gives it."""
    return WORDS[field].get(value, str(value)) if field in WORDS and isinstance(value, str) else value_text(value)


def value_text(v: object, field: str | None = None) -> str:
    """A change's old or new value in words; a law's or regulator's facts as one phrase."""
    if field is not None:
        return words(field, v) if v is not None else NOT_STATED
    if v is None:
        return "none"
    if isinstance(v, dict):
        head = " ".join(str(x) for x in (v.get("name") or "", f"({v['acronym']})" if v.get("acronym") else "") if x)
        tail = facts_text(v)
        return f"{head} — {tail}" if head and tail else head or tail
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def facts_text(v: object) -> str:
    """An added or removed law's facts without its name: 'effective 2026-07-11, adopted'."""
    if not isinstance(v, dict):
        return ""
    bits = []
    if v.get("effective_date"):
        bits.append(f"effective {v['effective_date']}")
    if v.get("status"):
        bits.append(words("status", v["status"]))
    return ", ".join(bits)


def _named(v: object) -> str:
    """A law's or regulator's name with its acronym: 'Nigeria Revenue Service (NRS)'."""
    if not isinstance(v, dict):
        return str(v or "")
    return f"{v.get('name') or ''}" + (f" ({v['acronym']})" if v.get("acronym") else "")


@dataclass(frozen=True)
class Citation:
    """A citation number of the report, with the source URL the report gave for it (if a safe one)."""

    n: int
    url: str | None = None


@dataclass(frozen=True)
class Quoted:
    """A report's sentence, unescaped, and the safe links of the sources it cites."""

    text: str
    links: tuple[str, ...] = ()


def _quoted(side: object) -> Quoted | None:
    if not isinstance(side, dict) or not side.get("text"):
        return None
    return Quoted(str(side["text"]), tuple(u for u in (safe_url(str(x)) for x in side.get("sources") or ()) if u))


def _evidence(row: Any) -> dict:
    quotes = getattr(row, "quotes", None)
    if not isinstance(quotes, dict):
        return {}
    return dict(said_before=_quoted(quotes.get("old")), said_now=_quoted(quotes.get("new")))


def _review_words(row: Any) -> str:
    d = review_of(row)
    if d.state == "pending":
        return ""
    said = f"{d.state} by {d.by}" + (f" on {d.at:%Y-%m-%d}" if d.at else "") + (f": {d.reason}" if d.reason else "")
    rule = getattr(row, "suppressed_by", None)
    return said + (f" (rule {rule})" if rule else "")


def _methodology(row: Any) -> tuple[str, str] | None:
    m = getattr(row, "methodology", None)
    return (str(m.get("from")), str(m.get("to"))) if isinstance(m, dict) else None


@dataclass(frozen=True)
class Entry:
    """One item of a changelog as a person reads it: a stored change, or a rename (its name and
    acronym changes) as one. Values are already in words; every string is report text, unescaped."""

    jurisdiction: str
    topic: str
    from_at: dt.datetime
    to_at: dt.datetime
    category: str
    kind: str  # added, removed, changed or renamed
    entity: str  # the regulator, law or requirement (its new name, for a rename)
    field: str | None = None  # what changed, in words, for `changed`
    old: str = ""  # the value before, in words ('' for an addition)
    new: str = ""  # the value after, in words ('' for a removal)
    material: bool = True
    refinement: bool = False
    renames: tuple[tuple[str, str], ...] = ()  # (old, new) acronym and name, for a rename
    note: str = ""
    citations: tuple[Citation, ...] = ()
    change_ids: tuple[int, ...] = ()
    said_before: Quoted | None = None  # the older report's sentence stating the fact
    said_now: Quoted | None = None  # the newer report's
    review: str = ""  # the latest decision in words, '' while pending
    methodology: tuple[str, str] | None = None  # the two generator models, when they differ


# What no link of a report may hold: it could end an HTML attribute or a text line, or hide what
# the link is (quotes, angle brackets, backticks, backslashes, spaces and control characters).
_NOT_IN_A_LINK = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f-\x9f]")
_HOST = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def safe_url(url: str) -> str | None:
    """A report's source URL as a link, if it is a plain one: http(s), a host (in ASCII: an
    internationalised name as IDNA, so it cannot pose as another), no user name before the host,
    nothing that could break out of an attribute; percent-encoded. Else None: the citation is shown
    without a link (never a javascript: one)."""
    import ipaddress
    from urllib.parse import quote, urlsplit, urlunsplit

    value = url.strip()
    if not value or len(value) > 2048 or _NOT_IN_A_LINK.search(value):
        return None
    try:
        parts = urlsplit(value)
        port, host = parts.port, parts.hostname
    except ValueError:  # a port that is no number, a bracketed host that is no address
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    if host.startswith("[") or ":" in host:
        try:
            netloc = f"[{ipaddress.IPv6Address(host)}]"
        except ValueError:
            return None
    else:
        try:
            netloc = host if host.isascii() else host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        if not _HOST.fullmatch(netloc):
            return None
    if port is not None:
        netloc += f":{port}"

    def encoded(text: str, safe: str) -> str:
        return quote(_LONE_PERCENT.sub("%25", text), safe=safe + "%")

    return urlunsplit((parts.scheme.lower(), netloc, encoded(parts.path, "/:@!$&()*+,;=-._~"),
                       encoded(parts.query, "/?:@!$&()*+,;=-._~"), encoded(parts.fragment, "/?:@!$&()*+,;=-._~")))


def note(c: Any) -> str:
    """What a reader should know about a change beyond its facts (removals and omissions)."""
    if c.omission and c.kind == "removed":
        return "left out of this report but back in the next: an omission, not a removal"
    if c.omission and c.kind == "added":
        return "back after being left out of the previous report: an omission, not a new entry"
    if c.kind == "removed" and c.confirmed:
        return f"the report says: “{_short(c.evidence or '')}”"
    if getattr(c, "suppressed_by", None):
        return f"suppressed by rule {c.suppressed_by}"
    if c.kind == "removed" and c.confirmed is False:
        return "unconfirmed: the report does not say why it is gone"
    if getattr(c, "citation_lost", False):
        return "the newer report cites no source for it any more"
    return ""


def _short(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _citations(rows: Sequence[Any], sources: dict[int, Sequence[str]] | None) -> tuple[Citation, ...]:
    out: dict[int, Citation] = {}
    for c in rows:
        urls = (sources or {}).get(c.from_id if c.kind == "removed" else c.to_id, ())
        for n in c.citations or ():
            if n not in out:
                out[n] = Citation(n, safe_url(urls[n - 1]) if 0 < n <= len(urls) else None)
    return tuple(out.values())


def _entry(v: ChangeView, sources: dict[int, Sequence[str]] | None) -> Entry:
    c = v.row
    common = dict(jurisdiction=c.jurisdiction, topic=c.topic, from_at=v.from_at, to_at=c.to_generated_at,
                  category=c.category, kind=c.kind, material=c.material, refinement=c.refinement,
                  note=note(c), citations=_citations([c], sources), change_ids=(c.id,), review=_review_words(c),
                  methodology=_methodology(c), **_evidence(c))
    if c.kind == "changed":
        field = None if c.field in (c.entity, "trading") else (c.field or "").replace("_", " ")
        return Entry(entity=c.entity, field=field, old=value_text(c.old, c.field), new=value_text(c.new, c.field),
                     **common)
    value = c.new if c.kind == "added" else c.old
    facts = facts_text(value)
    return Entry(entity=_named(value) if isinstance(value, dict) else c.entity,
                 old=facts if c.kind == "removed" else "", new=facts if c.kind == "added" else "", **common)


def _rename(views: Sequence[ChangeView], sources: dict[int, Sequence[str]] | None) -> Entry:
    """A name change and the acronym change beside it, as one item."""
    rows = [v.row for v in views]
    by_field = {c.field: c for c in rows}
    name, acronym = by_field["name"], by_field.get("acronym")
    old = {"name": name.old, "acronym": acronym.old if acronym else None}
    new = {"name": name.new, "acronym": acronym.new if acronym else None}
    pairs = ([(value_text(acronym.old, "acronym"), value_text(acronym.new, "acronym"))] if acronym else [])
    pairs.append((str(name.old), str(name.new)))
    material = any(c.material for c in rows)
    evidence = name.evidence if material else None
    return Entry(jurisdiction=name.jurisdiction, topic=name.topic, from_at=views[0].from_at,
                 to_at=name.to_generated_at, category=name.category, kind="renamed" if material else "changed",
                 entity=str(name.new) if material else name.entity, field="name", old=_named(old),
                 new=_named(new), material=material, renames=tuple(pairs),
                 note=f"the report says: “{_short(evidence)}”" if evidence else "",
                 citations=_citations(rows, sources), change_ids=tuple(c.id for c in rows), review=_review_words(name),
                 methodology=_methodology(name), **_evidence(name))


def entries(views: Sequence[ChangeView], sources: dict[int, Sequence[str]] | None = None) -> list[Entry]:
    """The changelog's items in order: one per change, but one per rename of a regulator or law
    (its name and acronym changes between the same two reports). `sources` maps a snapshot id to
    the source URLs it numbered, so citations can link to them."""
    slots: list[tuple[bool, list[ChangeView]]] = []
    names: dict[tuple, list[ChangeView]] = {}
    for v in views:
        c = v.row
        if c.kind == "changed" and c.field in ("name", "acronym") and c.category in ("regulator", "law"):
            key = (c.from_id, c.to_id, c.category, c.entity_key)
            if key not in names:
                names[key] = []
                slots.append((True, names[key]))
            names[key].append(v)
        else:
            slots.append((False, [v]))
    out: list[Entry] = []
    for naming, group in slots:
        if naming and any(v.row.field == "name" for v in group):
            out.append(_rename(group, sources))
        else:
            out.extend(_entry(v, sources) for v in group)
    return out


def describe(e: Entry, *, kind: bool = True) -> str:
    """One line of plain words for a changelog item; without `kind` the verb is left to the caller
    ("**added** law: …" in markdown)."""
    if e.renames:
        pieces = ", ".join(f"{a} → {b}" for a, b in e.renames)
        if e.kind == "renamed":
            return f"{e.category} renamed: {pieces}" if kind else f"{e.category}: {pieces}"
        return f"{e.category} name: {pieces}"  # worded differently, not renamed
    if e.kind == "changed":
        if e.category == "stance":
            what = "trading stance"
        elif e.field == "name":
            what = f"{e.category}"
        else:
            what = f"{e.category} {e.entity}"
        line = f"{what}{' ' + e.field if e.field else ''}: {e.old} → {e.new}"
        return line + (" (date made more precise)" if e.refinement else "")
    facts = e.new if e.kind == "added" else e.old
    head = f"{e.category} {e.kind}" if kind else e.category
    return f"{head}: {e.entity}" + (f" — {facts}" if facts else "")


def _by_report(items: Sequence[Entry]):
    """Items by jurisdiction and topic, then by the pair of reports they come from."""
    for (j, t), group in groupby(items, key=lambda e: (e.jurisdiction, e.topic)):
        yield j, t, [(to_at, from_at, list(pair))
                     for (to_at, from_at), pair in groupby(group, key=lambda e: (e.to_at, e.from_at))]


def across(m: tuple[str, str] | None) -> str:
    """'compared across a change of generator: A → B', or ''."""
    return f"compared across a change of generator: {m[0]} → {m[1]}" if m else ""


def evidence_lines(e: Entry) -> list[str]:
    """The evidence of an item in words: what each report said, and its sources."""
    out = []
    for label, q in (("before", e.said_before), ("now", e.said_now)):
        if q is not None:
            out.append(f"{label}: “{q.text}”" + (f" ({', '.join(q.links)})" if q.links else ""))
    return out


def changes_text(views: Sequence[ChangeView], *, color: bool = False, width: int | None = None,
                 evidence: bool = True) -> str:
    """The changelog for a terminal: by jurisdiction and topic, then by report date, each item
    wrapped to `width` with its continuation lines indented."""
    import textwrap

    def paint(s: str, k: str) -> str:
        return f"{_ANSI[k]}{s}{_ANSI['reset']}" if color else s

    def wrap(text: str, indent: str, rest: str, long_words: bool = False) -> list[str]:
        if not width:
            return [indent + text]
        return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=rest,
                             break_long_words=long_words, break_on_hyphens=False) or [indent]

    if not views:
        return "No changes.\n"
    out: list[str] = []
    for j, t, pairs in _by_report(entries(views)):
        out.append(paint(f"{j} — {t}", "bold"))
        for to_at, from_at, items in pairs:
            method = across(next((e.methodology for e in items if e.methodology), None))
            out.append(f"  {to_at:%Y-%m-%d} (since the report of {from_at:%Y-%m-%d}" + (f"; {method}" if method else "")
                       + ")")
            for e in items:
                sign = _SIGN[e.kind]
                lines = wrap(describe(e) + ("" if e.material else " [not material]"), f"    {sign} ", " " * 6)
                if color:
                    lines = [paint(line, "dim") if not e.material else line for line in lines]
                    lines[0] = lines[0].replace(f"    {sign} ", f"    {paint(sign, e.kind)} ", 1)
                out.extend(lines)
                if e.note:
                    out.extend(paint(line, "dim") for line in wrap(e.note, " " * 6, " " * 8))
                for said in (evidence_lines(e) if evidence else ()):
                    out.extend(wrap(said, " " * 6, " " * 8, long_words=True))  # a source's URL may be wider
                if e.review:
                    out.extend(paint(line, "dim") for line in wrap(e.review, " " * 6, " " * 8))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def changes_markdown(views: Sequence[ChangeView]) -> str:
    """The changelog as markdown, one section per jurisdiction and report date."""
    if not views:
        return "No changes.\n"
    out: list[str] = []
    for j, t, pairs in _by_report(entries(views)):
        out.append(f"## {_md(j)} — {_md(t)}\n")
        for to_at, from_at, items in pairs:
            out.append(f"### {to_at:%Y-%m-%d} (since {from_at:%Y-%m-%d})\n")
            method = across(next((e.methodology for e in items if e.methodology), None))
            if method:
                out.append(f"_{_md(method)}_\n")
            for e in items:
                flag = "" if e.material else " *(not material)*"
                line = f"- **{e.kind}** {_md(describe(e, kind=False))}{flag}"
                if e.note:
                    line += f" — _{_md(e.note)}_"
                out.append(line)
                for said in evidence_lines(e):
                    out.append(f"  > {_md(said)}")
                if e.review:
                    out.append(f"  > _{_md(e.review)}_")
            out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Escape what markdown would read as markup or raw HTML (a line break too: a report's text
    cannot start a heading or end a quote)."""
    out = []
    for ch in " ".join(text.split("\n")):
        if ch in "\\`*_{}[]()#+!|<>":
            out.append("\\" + ch if ch not in "<>" else {"<": "&lt;", ">": "&gt;"}[ch])
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def environment():
    """The one jinja2 Environment: templates from the packaged folder, autoescape, strict."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from tracker.resources import resource_dir

    env = Environment(loader=FileSystemLoader(str(resource_dir("templates"))),
                      autoescape=select_autoescape(["html", "htm", "xml", "j2"], default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(describe=describe, words=words, across=across, evidence_lines=evidence_lines)
    return env


CATEGORY_ORDER = ("stance", "regulator", "law", "licensing", "other")


def by_category(items: Sequence[Entry]) -> list[dict]:
    """Items nested by jurisdiction and topic, then by category, for the digest."""
    out = []
    for (j, t), group in groupby(items, key=lambda e: (e.jurisdiction, e.topic)):
        ordered = sorted(group, key=lambda e: (CATEGORY_ORDER.index(e.category), e.to_at))
        cats = [{"category": cat, "entries": list(es)} for cat, es in groupby(ordered, key=lambda e: e.category)]
        out.append({"jurisdiction": j, "topic": t, "categories": cats,
                    "count": sum(len(c["entries"]) for c in cats)})
    return out


def changes_html(views: Sequence[ChangeView], *, title: str, sources: dict[int, Sequence[str]] | None = None) -> str:
    """The changelog as a standalone HTML page, grouped like the text (by jurisdiction, then by
    report date), old → new styled as in the digest, citations linked to the report's sources.
    Every piece of report text is escaped."""
    items = entries(views, sources)
    groups = [{"jurisdiction": j, "topic": t, "count": sum(len(es) for _, _, es in pairs),
               "reports": [{"to_at": to_at, "from_at": from_at, "entries": es,
                            "methodology": next((e.methodology for e in es if e.methodology), None)}
                           for to_at, from_at, es in pairs]}
              for j, t, pairs in _by_report(items)]
    return environment().get_template("changes.html").render(title=title, groups=groups, total=len(items))


def snapshot_dict(row: SnapshotRow) -> dict:
    """The CONTRACT's JSON object for one snapshot: id, names and dates first, then the facts."""
    data = dict(row.data)
    return {"id": row.id, "jurisdiction": row.jurisdiction, "topic": row.topic,
            "generated_at": iso(row.generated_at), "sha256": row.sha256, "source_name": row.source_name,
            "parser_version": row.parser_version,
            "provenance": {"lab": row.lab, "generator": row.generator, "model": row.model,
                           "unverified_facts": row.unverified_facts},
            **{k: v for k, v in data.items() if k not in ("jurisdiction", "topic", "generated_at")}}


def snapshot_text(row: SnapshotRow) -> str:
    """A snapshot for a terminal."""
    d = row.data
    lines = [f"{row.jurisdiction} — {row.topic}", f"report of {iso(row.generated_at)} (snapshot {row.id})", ""]
    lines.append(f"Trading stance: {words('trading', d['stance']['trading'])}")
    lic = d["licensing"]
    req = {True: "required", False: "not required", None: "not stated"}[lic.get("required")]
    lines += ["", f"Regulators ({len(d['regulators'])}):"]
    for r in d["regulators"]:
        lines.append(f"  - {r['name']}" + (f" ({r['acronym']})" if r.get("acronym") else ""))
    lines += ["", f"Laws ({len(d['laws'])}):"]
    for x in d["laws"]:
        lines.append(f"  - {x['name']}: {words('status', x['status'])}"
                     + (f", effective {x['effective_date']}" if x.get("effective_date") else ""))
    lines += ["", f"Licensing: {req}"]
    for r in lic.get("requirements", []):
        lines.append(f"  - {r}")
    made = [f"lab {row.lab}" if getattr(row, "lab", None) else "", f"generator {row.generator}"
            if getattr(row, "generator", None) else "", f"model {row.model}" if getattr(row, "model", None) else ""]
    lines += ["", "Provenance: " + (", ".join(m for m in made if m) or "not stated")]
    unverified = getattr(row, "unverified_facts", None)
    if unverified is not None:
        lines.append(f"{unverified} fact{'' if unverified == 1 else 's'} awaiting source verification")
    return "\n".join(lines) + "\n"


def snapshots_table(rows: Sequence[SnapshotRow]) -> str:
    """The stored snapshots as aligned columns under a header row."""
    header = ("ID", "JURISDICTION", "TOPIC", "GENERATED", "FILE")
    table = [(str(r.id), r.jurisdiction, r.topic, iso(r.generated_at), r.source_name) for r in rows]
    widths = [max(len(row[i]) for row in (header, *table)) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].rjust(widths[0]), *(cell.ljust(w) for cell, w in zip(row[1:-1], widths[1:]))]
        return "  ".join([*cells, row[-1]]).rstrip()

    return "\n".join(line(row) for row in (header, *table)) + "\n"


def dumps(data: object) -> str:
    """JSON as the tracker prints it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def changelog_json_parts(head: dict, documents: Iterable[str]) -> Iterator[str]:
    """The diff's JSON document in pieces, to print as the documents are read: the query's fields,
    then `changes`, spliced from the documents stored at ingest (a long history is printed
    without serialising it again)."""
    yield json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"changes":['
    batch: list[str] = []
    first = True
    for doc in documents:
        batch.append(doc)
        if len(batch) == 1000:
            yield ("" if first else ",") + ",".join(batch)
            batch, first = [], False
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield "]}\n"


def changelog_json(head: dict, documents: Iterable[str]) -> str:
    """The diff's JSON document whole (see changelog_json_parts)."""
    return "".join(changelog_json_parts(head, documents))
