"""Baselines and yearly targets for the measures, from the Targets sheet of the DSG workbook.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('measure_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.Integer(), nullable=False),
    sa.Column('year', sa.String(length=7), nullable=True),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('baseline_period', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_measure_targets_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_targets')),
    sa.UniqueConstraint('submission_id', 'ref', 'year', name='uq_measure_targets_year')
    )
    with op.batch_alter_table('measure_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_targets_submission_id'), ['submission_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('measure_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_targets_submission_id'))

    op.drop_table('measure_targets')
