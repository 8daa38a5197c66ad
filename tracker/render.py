"""Render snapshots and changelogs as text, markdown, JSON-ready data and HTML. Pure: data in,
strings out; the CLI decides where they go."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from functools import lru_cache
from itertools import groupby

from tracker.db import SnapshotRow
from tracker.store import change_document, iso

_ANSI = {"added": "\033[32m", "removed": "\033[31m", "changed": "\033[33m", "bold": "\033[1m", "dim": "\033[2m",
         "reset": "\033[0m"}
_SIGN = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class ChangeView:
    """A stored change (a row with the changes table's columns) and the instant of its older
    snapshot, as every renderer reads it."""

    row: Any
    from_at: dt.datetime

    def to_dict(self) -> dict:
        """The CONTRACT's JSON object for one change, with the tracker's extra fields."""
        return {**change_document(self.row, self.from_at), "change_id": self.row.id}


def value_text(v: object) -> str:
    """A change's old or new value in words."""
    if v is None:
        return "none"
    if isinstance(v, dict):
        bits = [str(v.get("name") or "")]
        if v.get("acronym"):
            bits.append(f"({v['acronym']})")
        if v.get("effective_date"):
            bits.append(f"effective {v['effective_date']}")
        if v.get("status"):
            bits.append(f"[{v['status']}]")
        return " ".join(b for b in bits if b)
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def facts_text(v: object) -> str:
    """An added or removed entity's facts without its name (the name is shown beside them)."""
    return value_text({**v, "name": ""}).strip() if isinstance(v, dict) else ""


def describe(c: Any) -> str:
    """One line of plain words for a change."""
    if c.kind == "changed":
        what = f"{c.category} {c.entity}" if c.category != "stance" else "trading stance"
        field = f" {c.field.replace('_', ' ')}" if c.field and c.field not in (c.entity, "trading") else ""
        line = f"{what}{field}: {value_text(c.old)} → {value_text(c.new)}"
        if c.refinement:
            line += " (date made more precise)"
        return line
    value = c.new if c.kind == "added" else c.old
    detail = facts_text(value)
    line = f"{c.category} {c.kind}: {c.entity}"
    if detail and detail != c.entity:
        line += f" — {detail}"
    return line


def note(c: Any) -> str:
    """What a reader should know about a change beyond its facts (removals and omissions)."""
    if c.omission and c.kind == "removed":
        return "left out of this report but back in the next: an omission, not a removal"
    if c.omission and c.kind == "added":
        return "back after being left out of the previous report: an omission, not a new entry"
    if c.kind == "removed" and c.confirmed:
        return f"the report says: “{_short(c.evidence or '')}”"
    if c.kind == "removed" and c.confirmed is False:
        return "unconfirmed: the report does not say why it is gone"
    return ""


def _short(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def changes_text(views: Sequence[ChangeView], *, color: bool = False) -> str:
    """The changelog for a terminal: by jurisdiction and topic, then by report date."""
    def paint(s: str, k: str) -> str:
        return f"{_ANSI[k]}{s}{_ANSI['reset']}" if color else s
    if not views:
        return "No changes."
    out: list[str] = []
    for (j, t), group in groupby(views, key=lambda v: (v.row.jurisdiction, v.row.topic)):
        out.append(paint(f"{j} — {t}", "bold"))
        for (to_at, from_at), pair in groupby(group, key=lambda v: (v.row.to_generated_at, v.from_at)):
            out.append(f"  {to_at:%Y-%m-%d} (since the report of {from_at:%Y-%m-%d})")
            for v in pair:
                c = v.row
                flag = "" if c.material else paint(" [not material]", "dim")
                out.append("    " + paint(_SIGN[c.kind], c.kind) + " " + describe(c) + flag)
                extra = note(c)
                if extra:
                    out.append("      " + paint(extra, "dim"))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def changes_markdown(views: Sequence[ChangeView]) -> str:
    """The changelog as markdown, one section per jurisdiction and report date."""
    if not views:
        return "No changes.\n"
    out: list[str] = []
    for (j, t), group in groupby(views, key=lambda v: (v.row.jurisdiction, v.row.topic)):
        out.append(f"## {_md(j)} — {_md(t)}\n")
        for (to_at, from_at), pair in groupby(group, key=lambda v: (v.row.to_generated_at, v.from_at)):
            out.append(f"### {to_at:%Y-%m-%d} (since {from_at:%Y-%m-%d})\n")
            for v in pair:
                c = v.row
                flag = "" if c.material else " *(not material)*"
                line = f"- **{c.kind}** {_md(describe(c))}{flag}"
                extra = note(c)
                if extra:
                    line += f" — _{_md(extra)}_"
                out.append(line)
            out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    """Escape what markdown would read as markup or raw HTML."""
    out = []
    for ch in text:
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
    env.globals.update(describe=describe, note=note, value_text=value_text, facts_text=facts_text)
    return env


def grouped(views: Sequence[ChangeView]) -> list[dict]:
    """Changes nested by jurisdiction and topic, then by category, for the templates."""
    order = {"stance": 0, "regulator": 1, "law": 2, "licensing": 3, "other": 4}
    out = []
    for (j, t), group in groupby(views, key=lambda v: (v.row.jurisdiction, v.row.topic)):
        items = sorted(group, key=lambda v: (order.get(v.row.category, 9), v.row.to_generated_at))
        cats = [{"category": cat, "changes": list(vs)}
                for cat, vs in groupby(items, key=lambda v: v.row.category)]
        out.append({"jurisdiction": j, "topic": t, "categories": cats,
                    "count": sum(len(c["changes"]) for c in cats)})
    return out


def changes_html(views: Sequence[ChangeView], *, title: str) -> str:
    """The changelog as a standalone HTML page (every piece of report text escaped)."""
    return environment().get_template("changes.html").render(title=title, groups=grouped(views))


def snapshot_dict(row: SnapshotRow) -> dict:
    """The CONTRACT's JSON object for one snapshot: id, names and dates first, then the facts."""
    data = dict(row.data)
    return {"id": row.id, "jurisdiction": row.jurisdiction, "topic": row.topic,
            "generated_at": iso(row.generated_at), "sha256": row.sha256, "source_name": row.source_name,
            "parser_version": row.parser_version,
            **{k: v for k, v in data.items() if k not in ("jurisdiction", "topic", "generated_at")}}


def snapshot_text(row: SnapshotRow) -> str:
    """A snapshot for a terminal."""
    d = row.data
    lines = [f"{row.jurisdiction} — {row.topic}", f"report of {iso(row.generated_at)} (snapshot {row.id})", ""]
    lines.append(f"Trading stance: {d['stance']['trading']}")
    lic = d["licensing"]
    req = {True: "required", False: "not required", None: "not stated"}[lic.get("required")]
    lines += ["", f"Regulators ({len(d['regulators'])}):"]
    for r in d["regulators"]:
        lines.append(f"  - {r['name']}" + (f" ({r['acronym']})" if r.get("acronym") else ""))
    lines += ["", f"Laws ({len(d['laws'])}):"]
    for x in d["laws"]:
        lines.append(f"  - {x['name']}: {x['status']}" + (f", effective {x['effective_date']}" if x.get("effective_date") else ""))
    lines += ["", f"Licensing: {req}"]
    for r in lic.get("requirements", []):
        lines.append(f"  - {r}")
    return "\n".join(lines) + "\n"


def dumps(data: object) -> str:
    """JSON as the tracker prints it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def changelog_json(head: dict, documents: Sequence[str]) -> str:
    """The diff's JSON document: the query's fields, then `changes`, spliced from the documents
    stored at ingest (a long history is printed without serialising it again)."""
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    return opening + ',"changes":[' + ",".join(documents) + "]}\n"
