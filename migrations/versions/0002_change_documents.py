"""store each change's JSON document

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:40:00
"""
import datetime as dt
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_FIELDS = ("jurisdiction", "topic", "category", "kind", "entity", "field", "old", "new", "material", "confirmed",
           "omission", "refinement", "evidence", "citations")


def upgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doc", sa.Text(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_column("doc")


def _iso(t) -> str:
    if isinstance(t, str):  # SQLite hands back its text
        t = dt.datetime.fromisoformat(t)
    t = t.astimezone(dt.timezone.utc) if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _backfill(conn) -> None:
    """Write the document of every change stored before this revision, as the tracker of this
    revision writes it at ingest (a frozen copy of that code: a migration must not follow the app)."""
    changes = sa.table("changes", sa.column("id"), sa.column("from_id"), sa.column("to_id"),
                       sa.column("to_generated_at"), sa.column("doc"),
                       *(sa.column(f, sa.JSON) if f in ("old", "new", "citations") else sa.column(f) for f in _FIELDS))
    snapshots = sa.table("snapshots", sa.column("id"), sa.column("generated_at"))
    rows = conn.execute(sa.select(changes, snapshots.c.generated_at.label("from_at"))
                        .join(snapshots, snapshots.c.id == changes.c.from_id)).mappings().all()
    updates = []
    for r in rows:
        doc = {"jurisdiction": r["jurisdiction"], "topic": r["topic"],
               "from": {"id": r["from_id"], "generated_at": _iso(r["from_at"])},
               "to": {"id": r["to_id"], "generated_at": _iso(r["to_generated_at"])},
               **{f: r[f] for f in _FIELDS[2:]}}
        for flag in ("material", "confirmed", "omission", "refinement"):
            doc[flag] = None if doc[flag] is None else bool(doc[flag])
        doc["citations"] = doc["citations"] or []
        updates.append({"cid": r["id"], "doc": json.dumps(doc, ensure_ascii=False, separators=(",", ":"))})
    if updates:
        conn.execute(sa.update(changes).where(changes.c.id == sa.bindparam("cid")).values(doc=sa.bindparam("doc")),
                     updates)
