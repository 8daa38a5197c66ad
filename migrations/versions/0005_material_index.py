"""index the material changes in the order the changelog prints them, and the snapshots as listed

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0005"
down_revision: Union[str, None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# `tracker diff` reads the material changes (nine in ten stored ones are wording) by
# jurisdiction, topic, instant and position: this index hands them over in that order.
_CHANGES = ("material", "jurisdiction", "topic", "to_generated_at", "position")
# `tracker list` reads every snapshot by jurisdiction, topic and instant.
_SNAPSHOTS = ("jurisdiction", "topic", "generated_at")


def upgrade() -> None:
    op.create_index("ix_changes_material_order", "changes", list(_CHANGES))
    op.create_index("ix_snapshots_listing", "snapshots", list(_SNAPSHOTS))


def downgrade() -> None:
    op.drop_index("ix_snapshots_listing", table_name="snapshots")
    op.drop_index("ix_changes_material_order", table_name="changes")
