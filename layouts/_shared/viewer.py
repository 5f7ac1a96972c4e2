"""Who is looking at a page, as far as it changes the page.

A signed-in account sees the internal pages; what its role may do decides which links to forms
and uploads it is offered. An anonymous visitor of the public view (LFI_PUBLIC_VIEW) sees the
figures as published outputs show them: a count of 1 to LFI_SUPPRESS_THRESHOLD, and a rate or
average resting on one, is "[c]" (exports.publish decides which), and charts leave them out. It
sees no commentary drafts, no submissions, no uploads and no downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.actors import Actor
from domain.roles import Permission
from exports.publish import withheld, without_withheld
from exports.symbols import SUPPRESSED
from kpis.measures import MeasureValue
from layouts._shared.context import current_settings
from web.guard import current_actor

PUBLIC = "public"
WITHHELD_STATUS = "withheld"


def view_of(actor: Actor) -> str:
    """The name of what ``actor`` is shown: its role, or "public" for an anonymous visitor."""
    return actor.role.value if actor.role is not None else PUBLIC


@dataclass(frozen=True)
class Viewer:
    actor: Actor
    # The largest count withheld from the public view.
    threshold: int

    @property
    def public(self) -> bool:
        return not self.actor.signed_in

    @property
    def view(self) -> str:
        return view_of(self.actor)

    def may(self, permission: Permission) -> bool:
        return self.actor.may(permission)

    def hides(self, value: MeasureValue | None) -> bool:
        """The figure is shown as [c] to this viewer."""
        return self.public and withheld(value, self.threshold)

    def hides_any(self, series: Sequence[MeasureValue]) -> bool:
        return any(self.hides(v) for v in series)

    def charted(self, series: Sequence[MeasureValue]) -> list[MeasureValue]:
        """The series as this viewer's chart draws it: the public view's without what it withholds
        (and without a trend fitted through it)."""
        return without_withheld(list(series), self.threshold) if self.public else list(series)

    def figure(self, value: MeasureValue | None, shown: str) -> str:
        """``shown``, the figure's text, or [c] when this viewer may not see it."""
        return SUPPRESSED if self.hides(value) else shown


def current_viewer() -> Viewer:
    return Viewer(current_actor(), current_settings().suppress_threshold)


def status_for(viewer: Viewer, value: MeasureValue | None, key: str) -> str:
    """The status key a page shows: a withheld figure's status would give it away."""
    return WITHHELD_STATUS if viewer.hides(value) else key
