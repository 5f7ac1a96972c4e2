"""Each submission names the period its figures are for.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("period", sa.String(length=16), nullable=True))
    # A DSG submission's period is its forecast's term, or "plan" when it had no forecast.
    op.execute(
        "UPDATE submissions SET period = COALESCE("
        "(SELECT forecast_term FROM dsg_statements "
        "WHERE dsg_statements.submission_id = submissions.id), 'plan')"
    )
    with op.batch_alter_table("submissions") as batch:
        batch.alter_column("period", existing_type=sa.String(length=16), nullable=False)
        batch.create_index(batch.f("ix_submissions_period"), ["period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index(batch.f("ix_submissions_period"))
        batch.drop_column("period")
