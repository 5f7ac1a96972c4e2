"""Accounts: adding them, their roles (in each council, or in every council), disabling them, and
checking a password at sign-in.

Who may manage an account: an administrator of every council, any account; an administrator of
one council, the roles in that council, and the accounts that work for that council alone.

Failed sign-ins are limited per account and per address by counting the audit trail's own
records of them, so every worker and server applies the same limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from domain.actors import Actor, Forbidden, SignInRefused
from domain.roles import Permission, Role, Roles
from services.account_roles import read_roles
from services.audit import Action, Outcome, count_recent, record
from services.passwords import check_password, hash_password, needs_rehash, verify_password
from storage.database import as_utc, write_session
from storage.models import Account, AccountRole, WebSession

LOCAL = "local"
OIDC = "oidc"
# Failed attempts allowed within the window before sign-in is refused for a while.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """An account cannot be added or changed as asked: the message says why."""


@dataclass(frozen=True)
class AccountRecord:
    id: int
    email: str
    roles: Roles
    source: str
    disabled: bool
    created_at: datetime

    def as_actor(self, address: str | None = None, council: str | None = None) -> Actor:
        """The account acting in ``council`` (None: outside any) with its role there."""
        if self.disabled:
            return Actor(self.email, None, address, council)
        role = self.roles.in_council(council) if council else self.roles.outside_councils()
        return Actor(self.email, role, address, council)


WRONG_DETAILS = "Enter a correct e-mail address and password"
NO_ROLE = "Your account has no role in this dashboard. Ask your administrator to give you one"
TOO_MANY = (
    "There have been too many failed attempts to sign in. Wait 15 minutes and try again, or ask "
    "an administrator to check your account"
)


def normalise_email(email: str) -> str:
    text = email.strip().lower()
    if len(text) > 254 or not _EMAIL.match(text):
        raise AccountError(f"{email!r} is not an e-mail address")
    return text


def _record(session: Session, account: Account) -> AccountRecord:
    return AccountRecord(
        account.id,
        account.email,
        read_roles(session, account),
        account.source,
        account.disabled,
        as_utc(account.created_at),
    )


def _require_grant(actor: Actor, council: str | None) -> None:
    """Granting a role in a council needs an administrator acting in it; granting one in every
    council needs an administrator of every council (acting outside any)."""
    actor.require(Permission.ADMINISTER)
    if actor.council != council:
        where = f"council {council}" if council else "every council"
        raise Forbidden(f"{actor.name} may not manage roles in {where}")


def _require_manage(actor: Actor, roles: Roles) -> None:
    """Changing the account itself (its password, whether it may sign in) needs an administrator
    of every council, or of the one council it works for alone."""
    actor.require(Permission.ADMINISTER)
    if actor.council is None:
        return
    if roles.everywhere is not None or set(roles.councils) - {actor.council}:
        raise Forbidden(f"{actor.name} may not change an account that works for other councils")


def _find(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email))


def list_accounts(engine: Engine, actor: Actor) -> list[AccountRecord]:
    """Every account, for an administrator of every council; those holding a role in the
    council an administrator acts in, for theirs."""
    actor.require(Permission.ADMINISTER)
    with Session(engine) as session:
        found = [
            _record(session, a) for a in session.scalars(select(Account).order_by(Account.email))
        ]
    if actor.council is None:
        return found
    return [a for a in found if a.roles.in_council(actor.council) is not None]


def find_account(engine: Engine, email: str) -> AccountRecord | None:
    with Session(engine) as session:
        found = _find(session, normalise_email(email))
        return _record(session, found) if found else None


def count_accounts(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(Account.id)).all())


def add_account(
    engine: Engine,
    actor: Actor,
    *,
    email: str,
    role: Role,
    password: str,
    council: str | None,
) -> AccountRecord:
    """A local account with ``role`` in ``council`` (None: in every council); the password is
    checked against the policy and stored hashed."""
    _require_grant(actor, council)
    email = normalise_email(email)
    check_password(password, email=email)
    with write_session(engine) as session:
        if _find(session, email) is not None:
            raise AccountError(f"There is already an account for {email}")
        account = Account(
            email=email,
            role=None if council else role.value,
            password_hash=hash_password(password),
            source=LOCAL,
            disabled=False,
            created_at=datetime.now(UTC),
        )
        session.add(account)
        session.flush()
        if council:
            session.add(AccountRole(account_id=account.id, council=council, role=role.value))
        detail = {"role": role.value, "council": council or "every council"}
        record(session, actor, Action.ACCOUNT_ADD, target=email, detail=detail)
        return _record(session, account)


def _change(engine: Engine, actor: Actor, email: str, action: str, **values) -> AccountRecord:
    actor.require(Permission.ADMINISTER)
    email = normalise_email(email)
    with write_session(engine) as session:
        account = _find(session, email)
        if account is None:
            raise AccountError(f"There is no account for {email}")
        _require_manage(actor, read_roles(session, account))
        for name, value in values.items():
            setattr(account, name, value)
        if values.get("disabled") or "password_hash" in values:
            # Its sessions end with it, so enabling it again does not bring them back; a new
            # password shuts out whoever signed in with the old one.
            session.execute(
                update(WebSession)
                .where(WebSession.account_id == account.id, WebSession.ended_at.is_(None))
                .values(ended_at=datetime.now(UTC))
            )
        detail = {k: v for k, v in values.items() if k != "password_hash"}
        record(session, actor, action, target=email, detail=detail or None)
        return _record(session, account)


def set_role(
    engine: Engine, actor: Actor, *, email: str, role: Role | None, council: str | None
) -> AccountRecord:
    """The account's role in ``council`` (None: in every council) becomes ``role``; None takes
    the role there away."""
    _require_grant(actor, council)
    email = normalise_email(email)
    with write_session(engine) as session:
        account = _find(session, email)
        if account is None:
            raise AccountError(f"There is no account for {email}")
        if council is None:
            account.role = role.value if role else None
        else:
            held = session.scalar(
                select(AccountRole).where(
                    AccountRole.account_id == account.id, AccountRole.council == council
                )
            )
            if held is not None and role is None:
                session.delete(held)
            elif held is not None and role is not None:
                held.role = role.value
            elif role is not None:
                session.add(AccountRole(account_id=account.id, council=council, role=role.value))
        session.flush()
        detail = {"role": role.value if role else None, "council": council or "every council"}
        record(session, actor, Action.ACCOUNT_ROLE, target=email, detail=detail)
        return _record(session, account)


def set_disabled(engine: Engine, actor: Actor, *, email: str, disabled: bool) -> AccountRecord:
    """Disabling also ends the account's sessions: its next request is refused."""
    action = Action.ACCOUNT_DISABLE if disabled else Action.ACCOUNT_ENABLE
    return _change(engine, actor, email, action, disabled=disabled)


def set_password(engine: Engine, actor: Actor, *, email: str, password: str) -> AccountRecord:
    actor.require(Permission.ADMINISTER)
    email = normalise_email(email)
    check_password(password, email=email)
    return _change(
        engine, actor, email, Action.ACCOUNT_PASSWORD, password_hash=hash_password(password)
    )


def authenticate(
    engine: Engine, *, email: str, password: str, address: str | None
) -> AccountRecord | SignInRefused:
    """The account, if the password is right, the account enabled and the limits not reached.
    Every attempt is recorded; the message never says whether the account exists."""
    name = email.strip().lower()[:254] or "(blank)"
    attempt = Actor(name, None, address)
    with write_session(engine) as session:
        limited = _limited(session, name, address)
        if limited is not None:
            if not _limit_recorded(session, limited, address):
                record(session, attempt, Action.SIGN_IN, outcome=Outcome.LIMITED)
            return SignInRefused(TOO_MANY)
        account = _find(session, name)
        if account is not None and (account.disabled or account.source != LOCAL):
            account = None  # only an enabled local account signs in with a password
        stored = account.password_hash if account is not None else None
        good = verify_password(stored, password)
        if account is None or stored is None or not good:
            record(session, attempt, Action.SIGN_IN, outcome=Outcome.FAILED)
            return SignInRefused(WRONG_DETAILS)
        if needs_rehash(stored):
            account.password_hash = hash_password(password)
        found = _record(session, account)
        if found.roles.outside_councils() is None:
            record(
                session, attempt, Action.SIGN_IN, outcome=Outcome.FAILED, detail={"why": "no role"}
            )
            return SignInRefused(NO_ROLE)
        record(session, attempt, Action.SIGN_IN)
        return found


def _limited(session: Session, name: str, address: str | None) -> str | None:
    """Whose failures stop this attempt: the account's from this address (so that failures from
    elsewhere never shut a person out of their own account), or the address's, across accounts;
    None when neither limit is reached."""

    def failures(**who: str | None) -> int:
        return count_recent(
            session, Action.SIGN_IN, within=FAILURE_WINDOW, outcome=Outcome.FAILED, **who
        )

    if failures(actor=name, address=address) >= FAILURES_PER_ACCOUNT:
        return name
    if address is not None and failures(address=address) >= FAILURES_PER_ADDRESS:
        return "*"
    return None


def _limit_recorded(session: Session, limited: str, address: str | None) -> bool:
    """A refusal for a limit already reached is recorded once a window for each account and
    address (once for the address, whatever names are tried), so a stranger cannot fill the
    trail by trying on."""
    who = {"address": address} if limited == "*" else {"actor": limited, "address": address}
    return (
        count_recent(session, Action.SIGN_IN, within=FAILURE_WINDOW, outcome=Outcome.LIMITED, **who)
        > 0
    )


def sign_in_oidc(
    engine: Engine,
    *,
    subject: str,
    email: str,
    role: Role | None,
    address: str | None,
    council: str | None = None,
) -> AccountRecord | SignInRefused:
    """An account for someone the identity provider vouched for, made at their first sign-in.
    Their role comes from the provider's claim each time, in ``council`` (the council whose
    provider it is) or, with none given, in every council; with no role they may not sign in."""
    email = normalise_email(email)
    attempt = Actor(email, None, address)
    with write_session(engine) as session:
        account = session.scalar(select(Account).where(Account.oidc_subject == subject))
        if role is None:
            return _oidc_refused(session, attempt, SignInRefused(NO_ROLE))
        refused = _oidc_refusal(session, account, email)
        if refused is not None:
            return _oidc_refused(session, attempt, refused)
        if account is None:
            account = Account(
                email=email,
                role=None,
                password_hash=None,
                source=OIDC,
                oidc_subject=subject,
                disabled=False,
                created_at=datetime.now(UTC),
            )
            session.add(account)
            session.flush()
        _claimed(session, account, role, council)
        detail = {"via": OIDC, "role": role.value, "council": council or "every council"}
        record(session, attempt, Action.SIGN_IN, detail=detail)
        return _record(session, account)


def _claimed(session: Session, account: Account, role: Role, council: str | None) -> None:
    """The provider's claim, each sign-in, is the account's role where the provider speaks for."""
    if council is None:
        account.role = role.value
        return
    held = session.scalar(
        select(AccountRole).where(
            AccountRole.account_id == account.id, AccountRole.council == council
        )
    )
    if held is None:
        session.add(AccountRole(account_id=account.id, council=council, role=role.value))
    else:
        held.role = role.value


def _oidc_refused(session: Session, attempt: Actor, refused: SignInRefused) -> SignInRefused:
    record(
        session,
        attempt,
        Action.SIGN_IN,
        outcome=Outcome.FAILED,
        detail={"via": OIDC, "why": refused.message},
    )
    return refused


def _oidc_refusal(session: Session, account: Account | None, email: str) -> SignInRefused | None:
    if account is not None and account.disabled:
        return SignInRefused("Your account has been disabled. Ask your administrator")
    if account is None and _find(session, email) is not None:
        return SignInRefused(
            f"There is already a local account for {email}. Ask your administrator"
        )
    return None
