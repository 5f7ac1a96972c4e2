"""The audit trail's filters as the address gives them (?actor=&action=&outcome=&from=&to=):
read once, for the /audit page and its CSV download alike, so both show the same events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from domain.audit import ACTIONS, OUTCOMES, AuditFilter

FIELDS = ("actor", "action", "outcome", "from", "to")
ACTOR_MAX = 254
DATE_EXAMPLE = "2026-11-30"


@dataclass(frozen=True)
class AuditQuery:
    """The filters as typed (to show them again in the form) and as the service reads them."""

    typed: dict[str, str]
    wanted: AuditFilter
    # (field, message) for each filter that could not be read; that filter is left out.
    errors: tuple[tuple[str, str], ...] = ()

    def address(self, path: str) -> str:
        """``path`` with the filters that were typed, to link to the same events elsewhere."""
        kept = {k: v for k, v in self.typed.items() if v}
        return f"{path}?{urlencode(kept)}" if kept else path


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == len(DATE_EXAMPLE) else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def read_audit_query(args: Mapping[str, str], *, limit: int | None = None) -> AuditQuery:
    """The filters in ``args``: a name or e-mail typed in part, an action and an outcome from
    the trail's own words, and the first and last day (UTC) wanted, both included."""
    typed = {key: str(args.get(key, "") or "").strip()[:ACTOR_MAX] for key in FIELDS}
    errors: list[tuple[str, str]] = []
    days: dict[str, date | None] = {}
    for key, word in (("from", "from"), ("to", "to")):
        days[key] = _day(typed[key]) if typed[key] else None
        if typed[key] and days[key] is None:
            errors.append(
                (
                    f"audit-{key}",
                    f"Enter the '{word}' date as a real date in year, month and day, for example "
                    f"{DATE_EXAMPLE}",
                )
            )
    if days["from"] and days["to"] and days["from"] > days["to"]:
        errors.append(("audit-to", "The 'to' date must be the same as or after the 'from' date"))
        days["to"] = None
    wanted = AuditFilter(
        actor=typed["actor"] or None,
        action=typed["action"] if typed["action"] in ACTIONS else None,
        outcome=typed["outcome"] if typed["outcome"] in OUTCOMES else None,
        since=_start_of(days["from"]) if days["from"] else None,
        until=_start_of(days["to"] + timedelta(days=1)) if days["to"] else None,
        limit=limit,
    )
    return AuditQuery(typed=typed, wanted=wanted, errors=tuple(errors))
