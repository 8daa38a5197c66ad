"""evidence, review decisions, suppression rules and provenance

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:00:00

Stored history gains what can be derived without the parser: each snapshot's lab, generator,
model and unverified-facts count (from its stored snapshot), each change's fingerprint and stable
id (its current id), its pair's methodology change and its document's new fields. Evidence cannot
be derived here (it is found in the report's text by the tracker of this revision): it is left
NULL, shown as `{"old": null, "new": null}`, and `tracker reparse` fills it.
"""
import datetime as dt
import hashlib
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lab", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("generator", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("model", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("unverified_facts", sa.Integer(), nullable=True))
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("quotes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("suppressed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("methodology", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("citation_lost", sa.Boolean(), nullable=False, server_default=sa.text("false")))
        batch_op.create_index(batch_op.f("ix_changes_fingerprint"), ["fingerprint"], unique=False)
    op.create_table(
        "change_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_change_keys_fingerprint")),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_fingerprint"), ["fingerprint"], unique=False)
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction_key", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("topic_key", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column("entity_key", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=True),
        sa.Column("match_values", sa.Boolean(), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("ended_at", _UTC, nullable=True),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    _restore_documents(op.get_bind())
    op.drop_table("rules")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_fingerprint"))
    op.drop_table("reviews")
    op.drop_table("change_keys")
    op.drop_index(op.f("ix_changes_fingerprint"), table_name="changes")
    _drop_columns("changes", ("citation_lost", "methodology", "suppressed_by", "quotes", "fingerprint"))
    _drop_columns("snapshots", ("unverified_facts", "model", "generator", "lab"))


def _drop_columns(table: str, names: Sequence[str]) -> None:
    """Drop columns in place: on SQLite, batch mode would copy the table and drop the old one,
    and the foreign keys' ON DELETE CASCADE would empty the tables that refer to it."""
    if op.get_bind().dialect.name == "sqlite":
        for name in names:
            op.execute(f'ALTER TABLE {table} DROP COLUMN "{name}"')
        return
    for name in names:
        op.drop_column(table, name)


# --- frozen copies of this revision's code: a migration must not follow the app -------------

def _when(t) -> dt.datetime:
    if isinstance(t, str):  # SQLite hands back its text
        t = dt.datetime.fromisoformat(t)
    return t.astimezone(dt.timezone.utc) if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _fingerprint(jkey, tkey, from_at, to_at, r) -> str:
    facts = [jkey, tkey, _when(from_at).isoformat(timespec="microseconds"),
             _when(to_at).isoformat(timespec="microseconds"), r["category"], r["kind"], r["entity_key"], r["field"],
             r["old"], r["new"]]
    text = json.dumps(facts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _methodology(older: dict, newer: dict):
    a, b = (older.get("model") or "").strip(), (newer.get("model") or "").strip()
    return {"from": a, "to": b} if a and b and a.casefold() != b.casefold() else None


def _backfill(conn) -> None:
    snapshots = sa.table("snapshots", sa.column("id"), sa.column("data", sa.JSON), sa.column("generated_at"),
                         sa.column("jurisdiction_key"), sa.column("topic_key"), sa.column("lab"),
                         sa.column("generator"), sa.column("model"), sa.column("unverified_facts"))
    cut = lambda v: v[:200] if isinstance(v, str) else None
    snaps = {}
    updates = []
    for sid, data, at, jkey, tkey in conn.execute(sa.select(
            snapshots.c.id, snapshots.c.data, snapshots.c.generated_at, snapshots.c.jurisdiction_key,
            snapshots.c.topic_key)):
        data = data or {}
        snaps[sid] = (data, at, jkey, tkey)
        facts = data.get("unverified_facts")
        updates.append({"sid": sid, "lab": cut(data.get("generator")), "generator": cut(data.get("source")),
                        "model": cut(data.get("model")), "unverified_facts": facts if isinstance(facts, int) else None})
    if updates:
        conn.execute(sa.update(snapshots).where(snapshots.c.id == sa.bindparam("sid"))
                     .values(lab=sa.bindparam("lab"), generator=sa.bindparam("generator"),
                             model=sa.bindparam("model"), unverified_facts=sa.bindparam("unverified_facts")), updates)
    changes = sa.table("changes", sa.column("id"), sa.column("from_id"), sa.column("to_id"), sa.column("category"),
                       sa.column("kind"), sa.column("entity_key"), sa.column("field"), sa.column("old", sa.JSON),
                       sa.column("new", sa.JSON), sa.column("position"), sa.column("doc"), sa.column("fingerprint"),
                       sa.column("methodology", sa.JSON))
    keys = sa.table("change_keys", sa.column("id"), sa.column("fingerprint"))
    rows = conn.execute(sa.select(changes).order_by(changes.c.to_id, changes.c.from_id, changes.c.position,
                                                    changes.c.id)).mappings().all()
    seen: dict[str, int] = {}
    out, registered = [], []
    for r in rows:
        older, newer = snaps[r["from_id"]], snaps[r["to_id"]]
        fp = _fingerprint(newer[2], newer[3], older[1], newer[1], r)
        seen[fp] = seen.get(fp, 0) + 1
        if seen[fp] > 1:
            fp = hashlib.sha256(f"{fp}#{seen[fp]}".encode()).hexdigest()
        method = _methodology(older[0], newer[0])
        doc = json.loads(r["doc"]) if r["doc"] else None
        if doc is not None:
            doc = _document(doc, r["id"], method)
        out.append({"cid": r["id"], "fp": fp, "method": method,
                    "doc": json.dumps(doc, ensure_ascii=False, separators=(",", ":")) if doc is not None else None})
        registered.append({"id": r["id"], "fingerprint": fp})
    if out:
        conn.execute(sa.update(changes).where(changes.c.id == sa.bindparam("cid"))
                     .values(fingerprint=sa.bindparam("fp"), methodology=sa.bindparam("method"),
                             doc=sa.bindparam("doc")), out)
        conn.execute(sa.insert(keys), registered)
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('change_keys', 'id'), "
                                 "(SELECT max(id) FROM change_keys))"))


def _document(doc: dict, cid: int, method) -> dict:
    """A change's document as this revision writes it: its id first, the evidence object where the
    explanation string was (which moves to `explanation`), then the new flags."""
    out = {"id": cid}
    for k, v in doc.items():
        if k == "evidence":
            out["evidence"] = {"old": None, "new": None}
            out["explanation"] = v
        elif k != "id":
            out[k] = v
    out.update(suppressed_by=None, methodology=method, citation_lost=False)
    return out


def _restore_documents(conn) -> None:
    changes = sa.table("changes", sa.column("id"), sa.column("doc"))
    updates = []
    for cid, doc in conn.execute(sa.select(changes.c.id, changes.c.doc).where(changes.c.doc.is_not(None))):
        data = json.loads(doc)
        out = {}
        for k, v in data.items():
            if k == "evidence":
                out["evidence"] = data.get("explanation")
            elif k not in ("id", "explanation", "suppressed_by", "methodology", "citation_lost"):
                out[k] = v
        updates.append({"cid": cid, "doc": json.dumps(out, ensure_ascii=False, separators=(",", ":"))})
    if updates:
        conn.execute(sa.update(changes).where(changes.c.id == sa.bindparam("cid")).values(doc=sa.bindparam("doc")),
                     updates)
