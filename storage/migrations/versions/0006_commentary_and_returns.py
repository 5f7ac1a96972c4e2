"""Commentary on each measure for each period, and the DfE tri-annual return's answers and
condition assessments for each round, every version kept.

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('commentary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_by', sa.String(length=120), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commentary'))
    )
    with op.batch_alter_table('commentary', schema=None) as batch_op:
        batch_op.create_index('ix_commentary_ref_period', ['ref', 'period'], unique=False)
    op.create_table('return_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round', sa.String(length=16), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('rag', sa.String(length=8), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('written_by', sa.String(length=120), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_entries'))
    )
    with op.batch_alter_table('return_entries', schema=None) as batch_op:
        batch_op.create_index('ix_return_entries_round_item', ['round', 'item'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('return_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_return_entries_round_item')
    op.drop_table('return_entries')
    with op.batch_alter_table('commentary', schema=None) as batch_op:
        batch_op.drop_index('ix_commentary_ref_period')
    op.drop_table('commentary')
