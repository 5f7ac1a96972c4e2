"""A period whose file is loaded but which has no figure says why, not 'nothing loaded yet':
Norfolk's % change needs the term a year earlier, a year's total needs its three terms, an
average of new placements needs a placement to average."""

from datetime import UTC, datetime
from decimal import Decimal as D

from flask import Flask, g

from domain.actors import Actor
from domain.roles import Role
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from layouts._shared.measures import no_figure_meaning, series_table
from layouts._shared.viewer import Viewer
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.layouts.test_static_pages import text_of, walk
from tests.records import stored_file

CATALOGUE = NORFOLK.catalogue
LOADED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _file(submission_id: int, family: str, period: str) -> SubmissionRecord:
    return stored_file(
        submission_id,
        family=family,
        period=period,
        loaded_at=LOADED,
        file_name=f"{family}-{period}.xlsx",
    )


# EHCP returns for Autumn 2022 to Summer 2023 (ids 1-3), HNB returns for the same (ids 4-6)
FILES = (
    _file(1, "ehcp", "Autumn 2022"),
    _file(2, "ehcp", "Spring 2023"),
    _file(3, "ehcp", "Summer 2023"),
    _file(4, "hnb", "Autumn 2022"),
)


def _none(ref: int, period: str, submission_id: int | None, **extra) -> MeasureValue:
    return MeasureValue(
        measure=CATALOGUE.by_ref(ref),
        period=period,
        value=None,
        basis="actual",
        plan_value=D("100"),
        variance=None,
        status="none",
        submission_id=submission_id,
        extra=extra,
    )


CHANGE = _none(2, "Autumn 2022", 1)  # % change in EHCPs on the same term a year earlier
# New EHCPs in 2022-23: its terms are Summer 2022, Autumn 2022 and Spring 2023; two are loaded
YEAR = _none(4, "2022-23", 2)
AVERAGE = _none(36, "Autumn 2022", 4, base=0)  # no new independent placement under 16 began
UNLOADED = _none(36, "Spring 2023", None)
SNAPSHOT = Snapshot(
    version=(4, 4),
    measures=(CHANGE, YEAR, AVERAGE, UNLOADED),
    plan_view=None,
    submissions=FILES,
    by_ref={2: (CHANGE,), 4: (YEAR,), 36: (AVERAGE, UNLOADED)},
)


def test_nfg001_each_period_with_a_file_says_why_it_has_no_figure():
    assert no_figure_meaning(CHANGE, SNAPSHOT) == "no Autumn 2021 figure to compare with"
    assert no_figure_meaning(YEAR, SNAPSHOT) == "needs the year's 3 terms; 2 loaded"
    assert no_figure_meaning(AVERAGE, SNAPSHOT) == "no placements in the term to average"
    assert no_figure_meaning(UNLOADED, SNAPSHOT) is None


def test_nfg002_the_table_shows_the_reason_beside_no_figure():
    with Flask(__name__).test_request_context():
        g.lfi_council = NORFOLK_CODE
        table = series_table(
            SNAPSHOT.series(36),
            viewer=Viewer(Actor("viewer@example.org", Role.VIEWER, None, NORFOLK_CODE), 4),
            table_id="t",
            loaded=SNAPSHOT,
        )
    text = text_of(table)
    assert "No figure: no placements in the term to average" in text
    # a reason is longer than a status word: its tag may wrap, so the table keeps to its column
    explained = [c for c in walk(table) if "status--why" in (getattr(c, "className", "") or "")]
    assert len(explained) == 1
    # Spring 2023 has no file: nothing is loaded for it yet
    assert "No figure: nothing loaded yet" in text
