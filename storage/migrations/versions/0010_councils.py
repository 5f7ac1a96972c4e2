"""Many councils in one database: every submission, note, pending upload and council's audit
record names its council; accounts hold a role per council (account_roles), or one in every
council (accounts.role, administrators). A database that held one council's data is moved into
that council in place: its rows take the council's code, and each account that was not an
administrator keeps its role in that council only.

The council comes from storage.database.upgrade_database(council=...): the council the product
served (LFI_COUNCIL, or the only profile held). An empty database needs none.

Revision ID: 0010
Revises: 0009
"""

from alembic import context, op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OWNED = ("submissions", "pending_uploads", "commentary", "return_entries")
ADMIN = "admin"


def _council() -> str | None:
    return context.config.attributes.get("council")


def _holds_rows(bind) -> bool:
    tables = (*OWNED, "audit_events", "accounts")
    return any(bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in tables)


def upgrade() -> None:
    bind = op.get_bind()
    council = _council()
    if council is None and _holds_rows(bind):
        raise RuntimeError(
            "This database holds one council's data from before councils were kept apart. Say "
            "which council it is with LFI_COUNCIL=<its LA code> (or --council on lfi), then "
            "start again; nothing was changed."
        )
    op.create_table(
        "account_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("council", sa.String(length=9), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_roles_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_roles")),
        sa.UniqueConstraint("account_id", "council", name="uq_account_roles_council"),
    )
    op.create_index(op.f("ix_account_roles_account_id"), "account_roles", ["account_id"])
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("council", sa.String(length=9), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET council = :code").bindparams(code=council))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("council", existing_type=sa.String(length=9), nullable=False)
    for table in ("submissions", "pending_uploads"):
        op.create_index(op.f(f"ix_{table}_council"), table, ["council"])
    op.drop_index("ix_commentary_ref_period", table_name="commentary")
    op.create_index("ix_commentary_council_ref_period", "commentary", ["council", "ref", "period"])
    op.drop_index("ix_return_entries_round_item", table_name="return_entries")
    op.create_index(
        "ix_return_entries_council_round_item", "return_entries", ["council", "round", "item"]
    )
    _move_accounts(council)
    _move_audit_trail(bind, council)


def _move_accounts(council: str | None) -> None:
    if council is not None:
        op.execute(
            sa.text(
                "INSERT INTO account_roles (account_id, council, role) "
                "SELECT id, :code, role FROM accounts WHERE role <> :admin"
            ).bindparams(code=council, admin=ADMIN)
        )
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("role", existing_type=sa.String(length=32), nullable=True)
    op.execute(sa.text("UPDATE accounts SET role = NULL WHERE role <> :admin").bindparams(admin=ADMIN))


def _move_audit_trail(bind, council: str | None) -> None:
    """The audit trail refuses every change, so its guard is lifted for this one statement, in
    this transaction, and put back: every record of the council's work, its account changes
    among them (all made by its own administrators), joins the council; sign-ins and sign-outs
    belong to none."""
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
    op.add_column("audit_events", sa.Column("council", sa.String(length=9), nullable=True))
    op.create_index(op.f("ix_audit_events_council"), "audit_events", ["council"])
    if council is not None:
        op.execute(
            sa.text(
                "UPDATE audit_events SET council = :code "
                "WHERE action NOT IN ('sign_in', 'sign_out')"
            ).bindparams(code=council)
        )
    if postgres:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
    else:
        op.execute(
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        )


def downgrade() -> None:
    """Back to one council, possible only while the database holds one: each account's role in
    it becomes its role again."""
    bind = op.get_bind()
    held = set()
    for table in (*OWNED, "account_roles"):
        held |= {row[0] for row in bind.execute(sa.text(f"SELECT DISTINCT council FROM {table}"))}
    if len(held) > 1:
        raise RuntimeError(
            f"The database holds {len(held)} councils ({', '.join(sorted(held))}); an earlier "
            "release keeps one. Nothing was changed."
        )
    op.execute(
        "UPDATE accounts SET role = (SELECT role FROM account_roles "
        "WHERE account_roles.account_id = accounts.id) WHERE role IS NULL"
    )
    # an account with no role in the one council could not sign in: it stays shut out
    op.execute("UPDATE accounts SET role = 'viewer', disabled = true WHERE role IS NULL")
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("role", existing_type=sa.String(length=32), nullable=False)
    op.drop_index(op.f("ix_account_roles_account_id"), table_name="account_roles")
    op.drop_table("account_roles")
    op.drop_index(op.f("ix_audit_events_council"), table_name="audit_events")
    op.drop_column("audit_events", "council")
    op.drop_index("ix_return_entries_council_round_item", table_name="return_entries")
    op.create_index("ix_return_entries_round_item", "return_entries", ["round", "item"])
    op.drop_index("ix_commentary_council_ref_period", table_name="commentary")
    op.create_index("ix_commentary_ref_period", "commentary", ["ref", "period"])
    for table in ("submissions", "pending_uploads"):
        op.drop_index(op.f(f"ix_{table}_council"), table_name=table)
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("council")
