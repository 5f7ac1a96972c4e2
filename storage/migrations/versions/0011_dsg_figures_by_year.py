"""DSG figures indexed by submission and year: every council's termly forecasts are read for the
one year each was made in, and by submission alone the database read most of the table for
each year. The index by submission alone is replaced, as the new one serves its lookups too.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dsg_figures") as batch:
        batch.create_index("ix_dsg_figures_submission_year", ["submission_id", "year"])
        batch.drop_index("ix_dsg_figures_submission_id")


def downgrade() -> None:
    with op.batch_alter_table("dsg_figures") as batch:
        batch.create_index("ix_dsg_figures_submission_id", ["submission_id"])
        batch.drop_index("ix_dsg_figures_submission_year")
