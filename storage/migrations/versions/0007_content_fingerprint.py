"""Each submission's content fingerprint: the SHA-256 of its family, period and figures, so the
same figures saved by another program are recognised. Rows stored before it have none.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_content_sha256'), ['content_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_content_sha256'))
        batch_op.drop_column('content_sha256')
