"""Every council one deployment serves, one service each, and what concerns none of them: signing
in, sessions and the list of councils. The web layer's guard asks it who is signed in, then asks
it for the service of the council in the address."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from kpis.council import Council, read_councils
from kpis.snapshot import Snapshot
from services.access import AccessService, session_policy
from services.dashboard import DashboardService
from services.measures import HeldSnapshots
from services.national import LISTS_HELD
from services.shared_store import LocalStore, SharedStore, open_store
from settings import Settings


@dataclass
class Deployment(AccessService):
    services: dict[str, DashboardService] = field(kw_only=True)
    # What the workers share: the measures here, the pages in layouts/_shared/page_cache.py.
    store: SharedStore = field(kw_only=True, default_factory=LocalStore)

    @classmethod
    def build(
        cls, engine: Engine, settings: Settings, councils: dict[str, Council] | None = None
    ) -> Deployment:
        """The deployment for the database ``engine`` reaches: every council in
        ``settings.councils_dir`` (or ``councils``). kpis.council.CouncilError lists every
        problem of the councils' files."""
        councils = councils if councils is not None else read_councils(settings.councils_dir)
        policy = session_policy(
            idle_minutes=settings.session_idle_minutes,
            lifetime_hours=settings.session_lifetime_hours,
        )
        store = open_store(settings.redis_url)
        # Without Redis, the placement lists' tallies are kept apart from the pages, so that a
        # page drawn never pushes out a list's tally: there may be thousands of lists.
        kept = store if store.shared else LocalStore(size=LISTS_HELD)
        held = HeldSnapshots()
        services = {
            code: DashboardService.build(engine, settings, council, kept, held)
            for code, council in councils.items()
        }
        return cls(engine, policy, services=services, store=store)

    @property
    def councils(self) -> tuple[Council, ...]:
        """Every council served, in the order of their LA codes."""
        return tuple(self.services[code].council for code in sorted(self.services))

    def service(self, code: str) -> DashboardService | None:
        """The council's service; None for a council this deployment does not serve."""
        return self.services.get(code)

    def snapshots(self, codes: tuple[str, ...]) -> dict[str, Snapshot]:
        """The measures of each council named, for the comparison across councils."""
        return {code: self.services[code].snapshot() for code in codes if code in self.services}
