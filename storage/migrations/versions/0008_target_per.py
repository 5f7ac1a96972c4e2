"""Whether a measure's targets are for each term or for the whole financial year (the Targets
sheet's Per column). Rows stored before it have none: read as the measure's default.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('measure_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('per', sa.String(length=4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('measure_targets', schema=None) as batch_op:
        batch_op.drop_column('per')
