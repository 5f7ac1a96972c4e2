"""SQLAlchemy models. Every stored figure names the submission it came from, and every submission,
note, pending upload and council's audit record names the council it belongs to (its new-style LA
code), so one deployment holds many councils and no query reads across them.

Money is held in integer pence, which every database stores exactly.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SubmissionStatus:
    CURRENT = "current"
    SUPERSEDED = "superseded"


class Submission(Base):
    """One uploaded workbook, kept whole with its hash."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council: Mapped[str] = mapped_column(String(9), index=True)
    family: Mapped[str] = mapped_column(String(16), index=True)
    # The term the figures are for ("Autumn 2024"); "plan" for a DSG plan with no forecast.
    period: Mapped[str] = mapped_column(String(16), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # SHA-256 of the family, period and figures read (loaders/fingerprint.py): the same figures
    # saved by another program are the same content. None for files stored before it was kept.
    content_sha256: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id"), nullable=True
    )
    supersede_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # As the person loading it gave it (the upload page asks; lfi load takes the login name).
    loaded_by: Mapped[str | None] = mapped_column(String(254), nullable=True)

    file: Mapped[SubmissionFile] = relationship(back_populates="submission")


class SubmissionFile(Base):
    """The uploaded bytes, read-only once stored."""

    __tablename__ = "submission_files"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)

    submission: Mapped[Submission] = relationship(back_populates="file")


class PendingUpload(Base):
    """A workbook uploaded through the web page and checked, kept until it is confirmed or
    replaced; the token is the only way to confirm it."""

    __tablename__ = "pending_uploads"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    council: Mapped[str] = mapped_column(String(9), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The account that uploaded it: only that account may see or confirm it.
    owner: Mapped[str | None] = mapped_column(String(254), index=True, nullable=True)


class Commentary(Base):
    """What the programme team says about a measure in a period. Every save is a new row; the
    newest is the one shown, the rest are its history."""

    __tablename__ = "commentary"
    __table_args__ = (Index("ix_commentary_council_ref_period", "council", "ref", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council: Mapped[str] = mapped_column(String(9))
    ref: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(254))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReturnEntry(Base):
    """One answer in a DfE tri-annual return: a question's text ("question-1") or a condition's
    RAG and progress ("condition-4"), for one round ("December 2026"). Kept like Commentary."""

    __tablename__ = "return_entries"
    __table_args__ = (Index("ix_return_entries_council_round_item", "council", "round", "item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council: Mapped[str] = mapped_column(String(9))
    round: Mapped[str] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(String(32))
    rag: Mapped[str | None] = mapped_column(String(8), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(254))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DsgStatement(Base):
    """What a DSG workbook says beyond its lines: the opening balance and the forecast's term."""

    __tablename__ = "dsg_statements"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    first_year: Mapped[str] = mapped_column(String(7))
    last_year: Mapped[str] = mapped_column(String(7))
    opening_balance_pence: Mapped[int] = mapped_column(BigInteger)
    forecast_term: Mapped[str | None] = mapped_column(String(16), nullable=True)


class DsgFigure(Base):
    """One line of the plan or of the forecast, for one financial year, in pence."""

    __tablename__ = "dsg_figures"
    __table_args__ = (
        UniqueConstraint("submission_id", "basis", "line", "year", name="uq_dsg_figures_cell"),
        # a term's forecast is read for the one year it was made in (services/sources.py), every
        # council's at once: through this index, not the whole table
        Index("ix_dsg_figures_submission_year", "submission_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    basis: Mapped[str] = mapped_column(String(8))  # "plan" or "forecast"
    line: Mapped[str] = mapped_column(String(64))
    year: Mapped[str] = mapped_column(String(7))
    amount_pence: Mapped[int] = mapped_column(BigInteger)


class EhcpFigure(Base):
    """One count from an EHCP return: an activity item for the term."""

    __tablename__ = "ehcp_figures"
    __table_args__ = (UniqueConstraint("submission_id", "item", name="uq_ehcp_figures_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    item: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(BigInteger)


class EhcpNeed(Base):
    """EHC plans maintained at the end of the term with one primary need."""

    __tablename__ = "ehcp_needs"
    __table_args__ = (UniqueConstraint("submission_id", "need", name="uq_ehcp_needs_need"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    need: Mapped[str] = mapped_column(String(8))
    plans: Mapped[int] = mapped_column(BigInteger)


class HnbSpend(Base):
    """High Needs Block spending in the term on one line of the plan, direct and central."""

    __tablename__ = "hnb_spend"
    __table_args__ = (UniqueConstraint("submission_id", "line", name="uq_hnb_spend_line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    line: Mapped[str] = mapped_column(String(64))
    direct_pence: Mapped[int] = mapped_column(BigInteger)
    central_pence: Mapped[int] = mapped_column(BigInteger)


class HnbSaving(Base):
    """Savings and mitigation achieved in the term for one cohort."""

    __tablename__ = "hnb_savings"
    __table_args__ = (UniqueConstraint("submission_id", "cohort", name="uq_hnb_savings_cohort"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    cohort: Mapped[str] = mapped_column(String(32))
    amount_pence: Mapped[int] = mapped_column(BigInteger)


class Placement(Base):
    """One anonymised placement active in the term. No name, date of birth or pupil number."""

    __tablename__ = "placements"
    __table_args__ = (
        UniqueConstraint("submission_id", "reference", name="uq_placements_reference"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    nc_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    primary_need: Mapped[str] = mapped_column(String(8))
    provision_type: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(255))
    in_county: Mapped[bool] = mapped_column(Boolean)
    annual_cost_pence: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    renegotiation_saving_pence: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class MeasureTarget(Base):
    """A measure's baseline (year is None) or its target for one financial year, as an exact
    decimal in the unit the dashboard shows the measure in."""

    __tablename__ = "measure_targets"
    __table_args__ = (
        UniqueConstraint("submission_id", "ref", "year", name="uq_measure_targets_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    ref: Mapped[int] = mapped_column(Integer)
    year: Mapped[str | None] = mapped_column(String(7), nullable=True)
    value: Mapped[str] = mapped_column(String(40))
    baseline_period: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # "term" when the targets are for each term, "year" for the whole financial year
    per: Mapped[str | None] = mapped_column(String(4), nullable=True)


class Account(Base):
    """Someone who may sign in: a local account with an argon2id password hash, or one made at
    first sign-in through the council's identity provider (no password here)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Lower case; the name every record of who did what carries.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The role in every council (an administrator of the whole deployment); None when the
    # account's roles are per council (AccountRole).
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # "local" or "oidc"; an OIDC account is matched on its issuer's subject, not its e-mail.
    source: Mapped[str] = mapped_column(String(8))
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccountRole(Base):
    """An account's role in one council."""

    __tablename__ = "account_roles"
    __table_args__ = (UniqueConstraint("account_id", "council", name="uq_account_roles_council"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    council: Mapped[str] = mapped_column(String(9))
    role: Mapped[str] = mapped_column(String(32))


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy
    of the database signs nobody in."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Sent back by every form and by the browser's callbacks (X-CSRFToken): bound to this session.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """One thing someone did, or tried to do. Append-only: the database refuses to change or
    delete a row (triggers in migration 0009), and no code path asks it to."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The council it was done in; None for what belongs to no council (signing in, accounts).
    council: Mapped[str | None] = mapped_column(String(9), index=True, nullable=True)
    # An account's e-mail, "anonymous", or the operating-system user of a command ("os:jsmith").
    actor: Mapped[str] = mapped_column(String(254), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    # "ok", or why not: "refused" (bad input), "denied" (role), "failed" (sign-in), "limited".
    outcome: Mapped[str] = mapped_column(String(16))
    # What it was done to: a file name, a submission, a measure and period, an account.
    target: Mapped[str | None] = mapped_column(String(255), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The client's address as the trusted proxies report it; None for the command line.
    address: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
