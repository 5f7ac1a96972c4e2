"""Who loaded each submission, and workbooks uploaded through the web page awaiting confirmation.

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('loaded_by', sa.String(length=120), nullable=True))
    op.create_table('pending_uploads',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_pending_uploads'))
    )


def downgrade() -> None:
    op.drop_table('pending_uploads')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('loaded_by')
