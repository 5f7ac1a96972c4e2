"""Termly returns: EHCP activity and needs, HNB spend and savings, placements.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ehcp_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_ehcp_figures_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ehcp_figures')),
    sa.UniqueConstraint('submission_id', 'item', name='uq_ehcp_figures_item')
    )
    with op.batch_alter_table('ehcp_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ehcp_figures_submission_id'), ['submission_id'], unique=False)

    op.create_table('ehcp_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('need', sa.String(length=8), nullable=False),
    sa.Column('plans', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_ehcp_needs_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ehcp_needs')),
    sa.UniqueConstraint('submission_id', 'need', name='uq_ehcp_needs_need')
    )
    with op.batch_alter_table('ehcp_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ehcp_needs_submission_id'), ['submission_id'], unique=False)

    op.create_table('hnb_savings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.String(length=32), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_hnb_savings_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hnb_savings')),
    sa.UniqueConstraint('submission_id', 'cohort', name='uq_hnb_savings_cohort')
    )
    with op.batch_alter_table('hnb_savings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hnb_savings_submission_id'), ['submission_id'], unique=False)

    op.create_table('hnb_spend',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.String(length=64), nullable=False),
    sa.Column('direct_pence', sa.BigInteger(), nullable=False),
    sa.Column('central_pence', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_hnb_spend_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hnb_spend')),
    sa.UniqueConstraint('submission_id', 'line', name='uq_hnb_spend_line')
    )
    with op.batch_alter_table('hnb_spend', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hnb_spend_submission_id'), ['submission_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('nc_year', sa.Integer(), nullable=True),
    sa.Column('primary_need', sa.String(length=8), nullable=False),
    sa.Column('provision_type', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=255), nullable=False),
    sa.Column('in_county', sa.Boolean(), nullable=False),
    sa.Column('annual_cost_pence', sa.BigInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('renegotiation_saving_pence', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_placements_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements')),
    sa.UniqueConstraint('submission_id', 'reference', name='uq_placements_reference')
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_submission_id'), ['submission_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_submission_id'))

    op.drop_table('placements')
    with op.batch_alter_table('hnb_spend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hnb_spend_submission_id'))

    op.drop_table('hnb_spend')
    with op.batch_alter_table('hnb_savings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hnb_savings_submission_id'))

    op.drop_table('hnb_savings')
    with op.batch_alter_table('ehcp_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ehcp_needs_submission_id'))

    op.drop_table('ehcp_needs')
    with op.batch_alter_table('ehcp_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ehcp_figures_submission_id'))

    op.drop_table('ehcp_figures')
