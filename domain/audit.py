"""The audit trail's vocabulary: the kinds of event, their outcomes, a record as it is read back
and the filters it is read with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class Action:
    """Every kind of event the trail records: one name each, used by writer and reader."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    UPLOAD = "upload"
    CHECK = "check"
    CONFIRM = "confirm"
    DISCARD = "discard"
    COMMENTARY = "commentary"
    RETURN_ENTRY = "return_entry"
    EXPORT = "export"
    ACCOUNT_ADD = "account_add"
    ACCOUNT_ROLE = "account_role"
    ACCOUNT_DISABLE = "account_disable"
    ACCOUNT_ENABLE = "account_enable"
    ACCOUNT_PASSWORD = "account_password"
    DENIED = "denied"
    DEMO = "demo"
    LOAD = "load"
    RESTORE = "restore"  # the whole database put back from a backup (lfi restore)


ACTIONS = tuple(v for k, v in vars(Action).items() if k.isupper())


class Outcome:
    OK = "ok"
    REFUSED = "refused"
    DENIED = "denied"
    FAILED = "failed"
    LIMITED = "limited"


OUTCOMES = (Outcome.OK, Outcome.REFUSED, Outcome.DENIED, Outcome.FAILED, Outcome.LIMITED)


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    outcome: str
    target: str | None
    detail: str | None
    address: str | None
    # The council it was done in; None for what belongs to none (signing in, accounts).
    council: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None
