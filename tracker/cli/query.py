"""Commands that read: list, show, diff, history."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tracker.cli.common import (CategoryOption, DbOption, Format, JurisdictionsOption, ListFormat, TableFormat,
                                categories, color_wanted, complete_jurisdiction, engine, out, out_json, reader,
                                text_width,
                                write_output)


def list_(
    ctx: typer.Context,
    jurisdiction: Annotated[Optional[str], typer.Argument(help="Only this jurisdiction (any of its names).",
                                                          autocompletion=complete_jurisdiction)] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = TableFormat.text,
    db: DbOption = None,
) -> None:
    """List the stored snapshots, by jurisdiction, topic and date.

    Example: tracker list --format csv > snapshots.csv
    """
    from tracker.reader import Unusual

    lean = reader(ctx, db)
    if lean is not None:
        try:
            _print_list(list(lean.snapshots(jurisdiction)), fmt)
            return
        except Unusual:
            pass  # a name found another way, or none: as the store finds it
    from sqlalchemy.orm import Session

    from tracker.store import list_snapshots

    with Session(engine(ctx, db, read_only=True)) as s:
        _print_list(list_snapshots(s, jurisdiction), fmt)


def _print_list(rows, fmt: TableFormat) -> None:
    from tracker.instants import iso
    from tracker.render import dumps, snapshots_table

    docs = [{"id": r.id, "jurisdiction": r.jurisdiction, "topic": r.topic, "generated_at": iso(r.generated_at),
             "sha256": r.sha256, "source_name": r.source_name} for r in rows]
    if fmt is TableFormat.json:
        out_json(dumps({"snapshots": docs}))
        return
    if fmt is TableFormat.csv:
        from tracker.spreadsheet import csv_text

        out(csv_text(docs, ("id", "jurisdiction", "topic", "generated_at", "sha256", "source_name")))
        return
    if not rows:
        out("No snapshots yet: `tracker ingest REPORT...` adds some.\n")
        return
    out(snapshots_table(rows))


def show(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Argument(help="A jurisdiction, by any name or ISO code it goes by.",
                                                autocompletion=complete_jurisdiction)],
    topic: Annotated[Optional[str], typer.Option("--topic", help="The report topic, where there are several.")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The newest snapshot at or before this ISO "
                                                                  "timestamp or date (a date means its end, UTC).")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    db: DbOption = None,
) -> None:
    """Show one snapshot: the newest, or the newest at or before --as-of.

    Example: tracker show Kazakhstan --as-of 2026-04-30 --format json
    """
    from tracker.instants import parse_instant
    from tracker.reader import Unusual
    from tracker.render import dumps, snapshot_dict, snapshot_text

    when = parse_instant(as_of, end_of_day=True, option="--as-of") if as_of else None
    row = None
    lean = reader(ctx, db)
    if lean is not None:
        try:
            row = lean.newest(jurisdiction, topic=topic, as_of=when)
        except Unusual:
            pass  # a name found another way, or no snapshot: as the store finds it (and says)
    if row is None:
        from sqlalchemy.orm import Session

        from tracker.store import find_snapshot

        with Session(engine(ctx, db, read_only=True)) as s:
            row = find_snapshot(s, jurisdiction, topic=topic, as_of=when)
            row.data  # noqa: B018  (loaded while the session is open)
    if fmt is ListFormat.json:
        out_json(dumps(snapshot_dict(row)))
    else:
        out(snapshot_text(row))


# The CONTRACT's change keys, flattened: the CSV's first columns even when nothing changed.
DIFF_COLUMNS = ("jurisdiction", "topic", "from_id", "from_generated_at", "to_id", "to_generated_at", "category",
                "kind", "entity", "field", "old", "new", "material")


def diff(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="Changes in reports generated on or after this ISO date "
                                                       "or timestamp.")],
    until: Annotated[Optional[str], typer.Option("--until", help="…and on or before this one (a date includes "
                                                                 "its whole day).")] = None,
    jurisdiction: JurisdictionsOption = None,
    topic: Annotated[Optional[str], typer.Option("--topic", help="Only this report topic.")] = None,
    category: CategoryOption = None,
    all_: Annotated[bool, typer.Option("--all", help="Include changes that are not material (wording, "
                                                     "date precision, omissions, suppressed by a rule).")] = False,
    review: Annotated[Optional[str], typer.Option("--review", help="Only changes in this review state: pending, "
                                                                   "confirmed or dismissed.", show_default=False)] = None,
    no_evidence: Annotated[bool, typer.Option("--no-evidence", help="Text: leave out what each report said.")] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    db: DbOption = None,
) -> None:
    """Print the changelog: every change between consecutive reports of a jurisdiction and topic.

    Text is wrapped to the terminal's width (COLUMNS sets it elsewhere); under each change, the
    sentence of each report that states it (--no-evidence leaves them out). CSV has one row per
    change, the JSON's keys as its header (from_generated_at, to_generated_at, …).

    Example: tracker diff --since 2026-01-01 -j Kazakhstan -j JP --category law --format markdown
    """
    from tracker.instants import parse_instant
    from tracker.reader import ChangeQuery, Unusual
    state = None
    if review is not None:
        from tracker.review import check_state

        state = check_state(review)
    q = ChangeQuery(review=state, since=parse_instant(since, option="--since"),
                    until=parse_instant(until, end_of_day=True, option="--until") if until else None,
                    jurisdictions=tuple(jurisdiction or ()), topic=topic, categories=categories(category),
                    include_immaterial=all_)
    head = {"since": since, **({"until": until} if until else {})}
    lean = reader(ctx, db)
    if lean is not None:
        try:
            if q.jurisdictions:
                for name in q.jurisdictions:
                    lean.jurisdiction(name)  # before printing anything: Unusual if not found by its key
            if fmt is Format.json and output is None:
                from tracker.render import changelog_json_parts

                for part in changelog_json_parts(head, lean.change_documents(q)):
                    out_json(part)
                return
            _print_changes(lambda: lean.changes(q), lean.sources_of, fmt, since=since, output=output,
                           documents=lambda: lean.change_documents(q), head=head, evidence=not no_evidence)
            return
        except Unusual:
            pass
    from sqlalchemy.orm import Session

    from tracker.store import change_documents, query_changes, sources_of

    with Session(engine(ctx, db, read_only=True)) as s:
        _print_changes(lambda: query_changes(s, q), lambda ids: sources_of(s, ids), fmt, since=since, output=output,
                       documents=lambda: change_documents(s, q), head=head, evidence=not no_evidence)


def _print_changes(changes, sources_of, fmt: Format, *, since: str, output: Path | None, documents, head: dict,
                   evidence: bool = True) -> None:
    from tracker.render import ChangeView, changelog_json, changes_html, changes_markdown, changes_text

    if fmt is Format.json:
        text = changelog_json(head, documents())
    elif fmt is Format.csv:
        import json

        from tracker.spreadsheet import csv_text

        text = csv_text((json.loads(doc) for doc in documents()), DIFF_COLUMNS)
    else:
        views = [ChangeView(row, at) for row, at in changes()]
        if fmt is Format.markdown:
            text = f"# Regulatory changes since {since}\n\n" + changes_markdown(views)
        elif fmt is Format.html:
            ids = {v.row.to_id for v in views} | {v.row.from_id for v in views}
            text = changes_html(views, title=f"Regulatory changes since {since}", sources=sources_of(ids))
        else:
            text = changes_text(views, color=output is None and color_wanted(), width=text_width(),
                                evidence=evidence)
    if output is not None:
        write_output(output, text)
    elif fmt is Format.json:
        out_json(text)
    else:
        out(text)


def history(
    ctx: typer.Context,
    jurisdiction: Annotated[str, typer.Argument(help="A jurisdiction, by any name it goes by.")],
    entity: Annotated[str, typer.Argument(help="A regulator or law, by any name or acronym it goes by.")],
    topic: Annotated[Optional[str], typer.Option("--topic", help="The report topic, where there are several.")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    db: DbOption = None,
) -> None:
    """Show one regulator's or law's timeline: first seen, every change, current values, its names.

    Example: tracker history Kazakhstan "Digital Code"
    """
    from sqlalchemy import select
    from sqlalchemy.orm import Session, undefer

    from tracker.db import SnapshotRow
    from tracker.errors import NotFound
    from tracker.history import entity_history, find_entity
    from tracker.model import Snapshot
    from tracker.render import dumps, value_text
    from tracker.store import entity_changes, find_snapshot, resolve_jurisdiction, topic_key

    with Session(engine(ctx, db, read_only=True)) as s:
        jkey, display = resolve_jurisdiction(s, jurisdiction)
        tkey = topic_key(topic) if topic else find_snapshot(s, jurisdiction).topic_key
        rows = s.scalars(select(SnapshotRow).options(undefer(SnapshotRow.data))
                         .where(SnapshotRow.jurisdiction_key == jkey, SnapshotRow.topic_key == tkey)
                         .order_by(SnapshotRow.generated_at, SnapshotRow.id)).all()
        snaps = [Snapshot.from_dict(r.data) for r in rows]
        found = find_entity(snaps, entity)
        if found is None:
            raise NotFound(f"no regulator or law named {entity!r} in any report of {display}")
        category, key = found
        h = entity_history(snaps, category, key, entity_changes(s, jkey, tkey, key))
    if fmt is ListFormat.json:
        out_json(dumps({"jurisdiction": display, **h.to_dict()}))
        return
    lines = [f"{h.name} ({h.category}, {display})", f"  first seen: {h.first_seen}",
             f"  last seen:  {h.last_seen}"]
    if len(h.names) > 1:
        lines.append("  names:      " + "; ".join(h.names))
    for e in h.events:
        what = f"{e['field']}: {value_text(e['old'])} → {value_text(e['new'])}" if e["kind"] == "changed" else e["kind"]
        flag = "" if e["material"] else (" [omission]" if e.get("omission") else " [not material]")
        lines.append(f"  {e['at'][:10]}  {what}{flag}")
    if h.current:
        lines.append("  now:        " + ", ".join(f"{k}={v}" for k, v in h.current.items() if v and k != "role"))
    else:
        lines.append("  now:        not in the latest report")
    out("\n".join(lines) + "\n")
