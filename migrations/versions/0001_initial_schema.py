"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 13:05:53.746668
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=200), nullable=False),
    sa.Column('jurisdiction_key', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('topic_key', sa.String(length=200), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('facts_sha256', sa.String(length=64), nullable=False),
    sa.Column('parser_version', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=500), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('raw_text', sa.Text(), nullable=True),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots')),
    sa.UniqueConstraint('jurisdiction_key', 'topic_key', 'generated_at', name='uq_snapshots_timeline_instant'),
    sa.UniqueConstraint('sha256', name=op.f('uq_snapshots_sha256'))
    )
    op.create_table('subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('jurisdictions', sa.JSON(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscribers')),
    sa.UniqueConstraint('address', name=op.f('uq_subscribers_address'))
    )
    op.create_table('changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_id', sa.Integer(), nullable=False),
    sa.Column('to_id', sa.Integer(), nullable=False),
    sa.Column('to_generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('jurisdiction', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.Text(), nullable=False),
    sa.Column('entity_key', sa.String(length=300), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=True),
    sa.Column('old', sa.JSON(), nullable=True),
    sa.Column('new', sa.JSON(), nullable=True),
    sa.Column('material', sa.Boolean(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=True),
    sa.Column('omission', sa.Boolean(), nullable=False),
    sa.Column('refinement', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('citations', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['from_id'], ['snapshots.id'], name=op.f('fk_changes_from_id_snapshots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_id'], ['snapshots.id'], name=op.f('fk_changes_to_id_snapshots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_changes'))
    )
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_changes_from_id'), ['from_id'], unique=False)
        batch_op.create_index('ix_changes_to_at', ['to_generated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_changes_to_id'), ['to_id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['change_id'], ['changes.id'], name=op.f('fk_deliveries_change_id_changes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('change_id', 'address', name='uq_deliveries_change_address')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_change_id'), ['change_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveries_change_id'))
        batch_op.drop_index(batch_op.f('ix_deliveries_address'))

    op.drop_table('deliveries')
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_changes_to_id'))
        batch_op.drop_index('ix_changes_to_at')
        batch_op.drop_index(batch_op.f('ix_changes_from_id'))

    op.drop_table('changes')
    op.drop_table('subscribers')
    op.drop_table('snapshots')
