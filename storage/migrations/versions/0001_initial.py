"""submissions and the DSG plan

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('supersede_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['submissions.id'], name=op.f('fk_submissions_superseded_by_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_family'), ['family'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_status'), ['status'], unique=False)

    op.create_table('dsg_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=8), nullable=False),
    sa.Column('line', sa.String(length=64), nullable=False),
    sa.Column('year', sa.String(length=7), nullable=False),
    sa.Column('amount_pence', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_dsg_figures_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dsg_figures')),
    sa.UniqueConstraint('submission_id', 'basis', 'line', 'year', name='uq_dsg_figures_cell')
    )
    with op.batch_alter_table('dsg_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dsg_figures_submission_id'), ['submission_id'], unique=False)

    op.create_table('dsg_statements',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('first_year', sa.String(length=7), nullable=False),
    sa.Column('last_year', sa.String(length=7), nullable=False),
    sa.Column('opening_balance_pence', sa.BigInteger(), nullable=False),
    sa.Column('forecast_term', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_dsg_statements_submission_id_submissions')),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_dsg_statements'))
    )
    op.create_table('submission_files',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_files_submission_id_submissions')),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_submission_files'))
    )


def downgrade() -> None:
    op.drop_table('submission_files')
    op.drop_table('dsg_statements')
    with op.batch_alter_table('dsg_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dsg_figures_submission_id'))

    op.drop_table('dsg_figures')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_status'))
        batch_op.drop_index(batch_op.f('ix_submissions_sha256'))
        batch_op.drop_index(batch_op.f('ix_submissions_family'))

    op.drop_table('submissions')
