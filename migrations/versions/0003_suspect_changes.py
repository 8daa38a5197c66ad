"""mark the changes a collapsed or cut-off parse made as suspect

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:00:00
"""
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspect", sa.Boolean(), nullable=False, server_default=sa.text("false")))
    _rewrite(op.get_bind(), add=True)


def downgrade() -> None:
    _rewrite(op.get_bind(), add=False)
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_column("suspect")


def _rewrite(conn, *, add: bool) -> None:
    """Give every stored change document its `suspect` flag (false: nothing stored before this
    revision was marked), right after `refinement`, as ingest writes it; or take it out again."""
    changes = sa.table("changes", sa.column("id"), sa.column("doc"))
    updates = []
    for cid, doc in conn.execute(sa.select(changes.c.id, changes.c.doc).where(changes.c.doc.is_not(None))):
        data = json.loads(doc)
        if add:
            out = {}
            for k, v in data.items():
                if k != "suspect":
                    out[k] = v
                if k == "refinement":
                    out["suspect"] = False
        else:
            out = {k: v for k, v in data.items() if k != "suspect"}
        updates.append({"cid": cid, "doc": json.dumps(out, ensure_ascii=False, separators=(",", ":"))})
    if updates:
        conn.execute(sa.update(changes).where(changes.c.id == sa.bindparam("cid")).values(doc=sa.bindparam("doc")),
                     updates)
