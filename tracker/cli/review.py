"""Commands that review: review (list, confirm, dismiss) and rules (list, remove)."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from tracker.cli.common import DbOption, JurisdictionsOption, ListFormat, engine, err, out, out_json

review_app = typer.Typer(help="The material changes awaiting review; confirm or dismiss them.",
                         invoke_without_command=True)
rules_app = typer.Typer(help="The suppression rules that dismissals with --rule made.", invoke_without_command=True)

IdsArgument = Annotated[list[int], typer.Argument(help="Change ids, as `tracker review` and `diff --format json` "
                                                       "show them.", show_default=False)]
ByOption = Annotated[Optional[str], typer.Option("--by", help="Who decides (default: your login name).",
                                                 show_default=False)]


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment: say so rather than guess
        return "unknown"


@review_app.callback()
def review(
    ctx: typer.Context,
    jurisdiction: JurisdictionsOption = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    no_evidence: Annotated[bool, typer.Option("--no-evidence", help="Leave out what each report said.")] = False,
    db: DbOption = None,
) -> None:
    """List the material changes nobody has reviewed yet, oldest first, with their evidence.

    Example: tracker review -j Kazakhstan
    """
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy.orm import Session

    from tracker.render import ChangeView, dumps, entries, evidence_lines, across, describe
    from tracker.store import ChangeQuery, query_changes

    q = ChangeQuery(jurisdictions=tuple(jurisdiction or ()), review="pending")
    with Session(engine(ctx, db, read_only=True)) as s:
        views = [ChangeView(row, at) for row, at in query_changes(s, q)]
    views.sort(key=lambda v: (v.row.to_generated_at, v.row.jurisdiction, v.row.topic, v.row.position))
    if fmt is ListFormat.json:
        out_json(dumps({"pending": [v.to_dict() for v in views]}))
        return
    if not views:
        out("Nothing awaits review.\n")
        return
    lines = []
    for e in entries(views):
        ids = " ".join(f"#{i}" for i in e.change_ids)
        lines.append(f"{ids}  {e.jurisdiction} — {e.topic}, report of {e.to_at:%Y-%m-%d} "
                     f"(since {e.from_at:%Y-%m-%d})")
        lines.append(f"    {describe(e)}")
        if e.note:
            lines.append(f"    {e.note}")
        if e.methodology:
            lines.append(f"    {across(e.methodology)}")
        if not no_evidence:
            lines.extend(f"    {said}" for said in evidence_lines(e))
        lines.append("")
    n = len(views)
    lines.append(f"{n} change{'' if n == 1 else 's'} awaiting review: `tracker review confirm ID…` or "
                 "`tracker review dismiss ID… --reason TEXT [--rule]`.")
    out("\n".join(lines) + "\n")


def _decide(ctx: typer.Context, ids: list[int], state: str, by: str | None, db: str | None, **kw) -> None:
    from sqlalchemy.orm import Session

    eng = engine(ctx, db)
    with Session(eng) as s, s.begin():
        from tracker.review import decide

        made = decide(s, ids, state, by=by if by is not None else _login(), **kw)
        said = [(d.change_id, d.by, d.rule_id) for d in made]
    for change_id, who, rule_id in said:
        err(f"change {change_id}: {state} by {who}"
            + (f"; rule {rule_id} now suppresses it and every change like it" if rule_id else ""))


@review_app.command("confirm")
def confirm(ctx: typer.Context, ids: IdsArgument, by: ByOption = None,
            reason: Annotated[Optional[str], typer.Option("--reason", help="Why (optional).")] = None,
            db: DbOption = None) -> None:
    """Confirm changes: checked against the source, they stand. A later decision supersedes this one.

    Example: tracker review confirm 12 13 --by alice
    """
    _decide(ctx, ids, "confirmed", by, db, reason=reason)


@review_app.command("dismiss")
def dismiss(ctx: typer.Context, ids: IdsArgument,
            reason: Annotated[Optional[str], typer.Option("--reason", help="Why the change is wrong (required).",
                                                          show_default=False)] = None,
            rule: Annotated[bool, typer.Option("--rule", help="Also suppress every later change like it (same "
                                                              "timeline, category, kind, entity and field).")] = False,
            values: Annotated[bool, typer.Option("--values", help="With --rule: only changes with the same old and "
                                                                  "new values.")] = False,
            by: ByOption = None, db: DbOption = None) -> None:
    """Dismiss changes as wrong: they leave every later digest. With --rule, every change like them,
    in this and later reports, is stored as not material (suppressed_by the rule).

    Example: tracker review dismiss 12 --reason "the generator misread the source" --rule
    """
    from tracker.errors import BadValue

    if values and not rule:
        raise BadValue("--values goes with --rule")
    _decide(ctx, ids, "dismissed", by, db, reason=reason, rule=rule, match_values=values)


@rules_app.callback()
def rules(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include the rules that were ended.")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    db: DbOption = None,
) -> None:
    """List the suppression rules in force, with how many stored changes each suppresses.

    Example: tracker rules --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy.orm import Session

    from tracker.render import dumps, value_text
    from tracker.review import list_rules, suppressed_count
    from tracker.store import iso

    with Session(engine(ctx, db, read_only=True)) as s:
        found = list_rules(s, ended=all_)
        counts = suppressed_count(s, [r.id for r in found])
    docs = [{"id": r.id, "jurisdiction": r.jurisdiction, "topic": r.topic, "category": r.category, "kind": r.kind,
             "entity": r.entity, "entity_key": r.entity_key, "field": r.field, "match_values": r.match_values,
             "old": r.old, "new": r.new, "reason": r.reason, "by": r.by, "created_at": iso(r.created_at),
             "ended_at": iso(r.ended_at) if r.ended_at else None, "ended_by": r.ended_by,
             "suppresses": counts.get(r.id, 0)} for r in found]
    if fmt is ListFormat.json:
        out_json(dumps({"rules": docs}))
        return
    if not docs:
        out("No suppression rules: `tracker review dismiss ID… --reason TEXT --rule` makes one.\n")
        return
    lines = []
    for d in docs:
        what = f"{d['category']} {d['kind']}: {d['entity']}" + (f" · {d['field']}" if d["field"] else "")
        if d["match_values"]:
            what += f" ({value_text(d['old'])} → {value_text(d['new'])})"
        ended = f"; ended {d['ended_at'][:10]} by {d['ended_by']}" if d["ended_at"] else ""
        lines.append(f"rule {d['id']}  {d['jurisdiction']} — {d['topic']}: {what}")
        lines.append(f"    by {d['by']} on {d['created_at'][:10]}: {d['reason']}; suppresses {d['suppresses']} "
                     f"change{'' if d['suppresses'] == 1 else 's'}{ended}")
    out("\n".join(lines) + "\n")


@rules_app.command("remove")
def remove(ctx: typer.Context, rule_id: Annotated[int, typer.Argument(metavar="ID", help="The rule's id.")],
           by: ByOption = None, db: DbOption = None) -> None:
    """End a rule: the changes it suppressed are material again (it stays on record, `rules --all`).

    Example: tracker rules remove 3
    """
    from sqlalchemy.orm import Session

    from tracker.review import end_rule

    with Session(engine(ctx, db)) as s, s.begin():
        rule = end_rule(s, rule_id, by=by if by is not None else _login())
        said = f"rule {rule.id} ended: its changes are material again where they were"
    err(said)
