"""Review: a change's stable id, the decisions reviewers record on it, and suppression rules.

A pair's changes are deleted and written anew whenever the pair is recomputed (a reparse, a report
slotted in), so nothing is attached to a change row. Each change has a fingerprint (its timeline,
its pair's instants, category, kind, entity, field, old and new value); its id, its decisions and
the rules that match it all hang on that. Decisions are append-only: the latest one counts, none
is erased. A rule is applied when a pair is computed (tracker.changelog), so adding or ending one
recomputes the timelines it touches. Functions take the caller's session and never commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tracker.decisions import Decision, decision_of  # noqa: F401  (re-exported)
from tracker.db import ChangeKeyRow, ChangeRow, ReviewRow, RuleRow, SnapshotRow, utcnow
from tracker.errors import BadValue, NotFound

STATES = ("pending", "confirmed", "dismissed")


def _instant(t: dt.datetime) -> str:
    t = t.astimezone(dt.timezone.utc) if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return t.isoformat(timespec="microseconds")


def fingerprint(jkey: str, tkey: str, from_at: dt.datetime, to_at: dt.datetime, change: dict) -> str:
    """What identifies a change whatever recomputes it: SHA-256 of its timeline, its pair's
    instants and its facts (category, kind, entity key, field, old, new)."""
    facts = [jkey, tkey, _instant(from_at), _instant(to_at), change["category"], change["kind"],
             change["entity_key"], change["field"], change["old"], change["new"]]
    text = json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_again(fp: str, n: int) -> str:
    """The fingerprint of the n-th change of a pair with the same facts as another."""
    return hashlib.sha256(f"{fp}#{n}".encode()).hexdigest()


def assign_ids(session: Session, rows: list[dict]) -> None:
    """Give each change row the stable id of its fingerprint, registering new fingerprints."""
    fps = [r["fingerprint"] for r in rows]
    known: dict[str, int] = {}
    for start in range(0, len(fps), 500):
        chunk = fps[start:start + 500]
        known.update((fp, i) for i, fp in session.execute(
            select(ChangeKeyRow.id, ChangeKeyRow.fingerprint).where(ChangeKeyRow.fingerprint.in_(chunk))))
    new = [fp for fp in dict.fromkeys(fps) if fp not in known]
    if new:
        ids = session.scalars(insert(ChangeKeyRow).returning(ChangeKeyRow.id, sort_by_parameter_order=True),
                              [{"fingerprint": fp} for fp in new]).all()
        known.update(zip(new, ids))
    for r in rows:
        r["id"] = known[r["fingerprint"]]


# --- decisions -------------------------------------------------------------------------------

def latest():
    """A subquery of the latest decision's id per fingerprint."""
    return select(ReviewRow.fingerprint, func.max(ReviewRow.id).label("rid")).group_by(ReviewRow.fingerprint) \
        .subquery("latest_review")


def with_state(stmt, state: str | None):
    """A query over changes joined to their latest decision (columns `review_*`), filtered to a state."""
    last = latest()
    stmt = (stmt.add_columns(ReviewRow.state.label("review_state"), ReviewRow.by.label("review_by"),
                             ReviewRow.at.label("review_at"), ReviewRow.reason.label("review_reason"))
            .outerjoin(last, last.c.fingerprint == ChangeRow.fingerprint)
            .outerjoin(ReviewRow, ReviewRow.id == last.c.rid))
    if state == "pending":
        stmt = stmt.where(ReviewRow.id.is_(None))
    elif state is not None:
        stmt = stmt.where(ReviewRow.state == state)
    return stmt


def check_state(value: str | None) -> str | None:
    """A review state as given to --review, checked."""
    if value is None:
        return None
    word = value.strip().casefold()
    if word not in STATES:
        raise BadValue(f"unknown review state {value!r}: use one of {', '.join(STATES)}")
    return word


def changes_by_id(session: Session, ids: Sequence[int]) -> list[ChangeRow]:
    """The stored changes with these ids, in the order given; NotFound names the first unknown one."""
    rows = {r.id: r for r in session.scalars(select(ChangeRow).where(ChangeRow.id.in_(sorted(set(ids)))))}
    for i in ids:
        if i not in rows:
            raise NotFound(f"no change {i}: `tracker review` lists the changes awaiting review, "
                           "`tracker diff --all --format json` every change with its id")
    return [rows[i] for i in dict.fromkeys(ids)]


def decide(session: Session, ids: Sequence[int], state: str, *, by: str, reason: str | None = None,
           rule: bool = False, match_values: bool = False) -> list[ReviewRow]:
    """Record a decision on each of these changes (and, with `rule`, a rule from each dismissal,
    after which their timelines are recomputed so it applies)."""
    if state not in ("confirmed", "dismissed"):
        raise BadValue(f"unknown decision {state!r}")
    by = (by or "").strip()
    if not by:
        raise BadValue("--by is empty: say who decides")
    reason = (reason or "").strip() or None
    if state == "dismissed" and reason is None:
        raise BadValue("dismiss needs --reason TEXT: say why the change is wrong")
    if rule and state != "dismissed":
        raise BadValue("--rule goes with dismiss")
    changes = changes_by_id(session, ids)
    now = utcnow()
    out = []
    touched: set[tuple[str, str]] = set()
    for c in changes:
        rule_id = None
        if rule:
            made = add_rule(session, c, by=by, reason=reason, match_values=match_values, at=now)
            rule_id = made.id
            touched.add((made.jurisdiction_key, made.topic_key))
        d = ReviewRow(fingerprint=c.fingerprint, change_id=c.id, state=state, by=by[:200], at=now, reason=reason,
                      rule_id=rule_id)
        session.add(d)
        out.append(d)
    session.flush()
    _recompute(session, touched)
    return out


# --- rules -----------------------------------------------------------------------------------

def _timeline_of(session: Session, c: ChangeRow) -> tuple[str, str]:
    return session.execute(select(SnapshotRow.jurisdiction_key, SnapshotRow.topic_key)
                           .where(SnapshotRow.id == c.to_id)).one()


def add_rule(session: Session, c: ChangeRow, *, by: str, reason: str, match_values: bool = False,
             at: dt.datetime | None = None) -> RuleRow:
    """A rule that suppresses every change like this one in its timeline (the same category, kind,
    entity and field; with `match_values`, the same old and new values too)."""
    jkey, tkey = _timeline_of(session, c)
    rule = RuleRow(jurisdiction=c.jurisdiction, jurisdiction_key=jkey, topic=c.topic, topic_key=tkey,
                   category=c.category, kind=c.kind, entity=c.entity, entity_key=c.entity_key, field=c.field,
                   match_values=match_values, old=c.old if match_values else None,
                   new=c.new if match_values else None, reason=reason, by=by[:200], created_at=at or utcnow())
    session.add(rule)
    session.flush()
    return rule


def active_rules(session: Session, jkey: str, tkey: str) -> list[RuleRow]:
    """The rules in force on one timeline, oldest first."""
    return list(session.scalars(select(RuleRow).where(RuleRow.jurisdiction_key == jkey, RuleRow.topic_key == tkey,
                                                      RuleRow.ended_at.is_(None)).order_by(RuleRow.id)))


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def rule_matches(rule: RuleRow, change: dict) -> bool:
    """Whether a rule covers a change of its timeline: the same category, kind, entity and field
    (never another entity's or field's change), and the same values when the rule pins them."""
    if (rule.category, rule.kind, rule.entity_key, rule.field) != (
            change["category"], change["kind"], change["entity_key"], change["field"]):
        return False
    return not rule.match_values or (_same(rule.old, change["old"]) and _same(rule.new, change["new"]))


def list_rules(session: Session, *, ended: bool = False) -> list[RuleRow]:
    """The rules in force (and, with `ended`, those ended too), oldest first."""
    stmt = select(RuleRow).order_by(RuleRow.id)
    if not ended:
        stmt = stmt.where(RuleRow.ended_at.is_(None))
    return list(session.scalars(stmt))


def suppressed_count(session: Session, rule_ids: Iterable[int]) -> dict[int, int]:
    """How many stored changes each rule suppresses."""
    ids = sorted(set(rule_ids))
    if not ids:
        return {}
    return dict(session.execute(select(ChangeRow.suppressed_by, func.count()).where(ChangeRow.suppressed_by.in_(ids))
                                .group_by(ChangeRow.suppressed_by)).all())


def end_rule(session: Session, rule_id: int, *, by: str) -> RuleRow:
    """End a rule (it stays on record) and recompute its timeline: what it suppressed is material
    again where compare says so."""
    rule = session.get(RuleRow, rule_id)
    if rule is None:
        raise NotFound(f"no rule {rule_id}: `tracker rules` lists them")
    if rule.ended_at is not None:
        raise BadValue(f"rule {rule_id} was already ended on {rule.ended_at:%Y-%m-%d} by {rule.ended_by}")
    rule.ended_at, rule.ended_by = utcnow(), (by or "").strip()[:200] or None
    session.flush()
    _recompute(session, {(rule.jurisdiction_key, rule.topic_key)})
    return rule


def _recompute(session: Session, timelines: set[tuple[str, str]]) -> None:
    from tracker.store import recompute_timeline

    for jkey, tkey in sorted(timelines):
        recompute_timeline(session, jkey, tkey)


def not_dismissed(stmt):
    """A query over changes (see with_state) without those whose latest decision dismissed them."""
    from sqlalchemy import or_

    return with_state(stmt, None).where(or_(ReviewRow.id.is_(None), ReviewRow.state != "dismissed"))
