"""Small DSG positions built by hand, in pence, for the measure tests."""

from datetime import UTC, datetime
from decimal import Decimal

from domain.periods import parse_term
from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from tests import paper
from tests.councils import NORFOLK_LINES

M = 100_000_000  # pence in £1m


def pence(millions: str | Decimal) -> int:
    return int(Decimal(millions) * M)


def paper_plan() -> DsgFigures:
    lines = {
        NORFOLK_LINES.code_for_label(label): {
            y: pence(v) for y, v in years.items() if v is not None
        }
        for label, years in paper.figures().items()
    }
    return DsgFigures(
        years=paper.YEARS,
        opening_balance=pence(paper.OPENING_BALANCE),
        lines=lines,
        plan_lines=NORFOLK_LINES,
    )


def with_extra_spending(plan: DsgFigures, extra: dict[str, str]) -> DsgFigures:
    lines = {code: dict(years) for code, years in plan.lines.items()}
    for year, millions in extra.items():
        lines["independent_special_schools"][year] += pence(millions)
    return DsgFigures(
        years=plan.years,
        opening_balance=plan.opening_balance,
        lines=lines,
        plan_lines=plan.plan_lines,
    )


def position(plan: DsgFigures, forecast: DsgFigures | None = None, term: str | None = None):
    info = DsgSubmissionInfo(
        id=1, file_name="test.xlsx", loaded_at=datetime(2024, 12, 1, tzinfo=UTC), is_demo=False
    )
    return DsgPosition(
        submission=info,
        plan=plan,
        forecast=forecast,
        forecast_term=parse_term(term) if term else None,
    )
