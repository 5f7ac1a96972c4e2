"""One small function a measure, registered by the name the catalogue's ``formula`` gives.

Each takes one set of DSG figures (the plan, or the forecast) and returns a value for every
year it covers, in the measure's unit: £m as exact decimals, a % as a fraction.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from kpis.dsg import DsgFigures, millions

if TYPE_CHECKING:
    from kpis.returns import Returns

Formula = Callable[[DsgFigures], dict[str, Decimal | None]]
FORMULAS: dict[str, Formula] = {}


def formula(function: Formula) -> Formula:
    FORMULAS[function.__name__] = function
    return function


@formula
def dsg_in_year_deficit(dsg: DsgFigures) -> dict[str, Decimal | None]:
    return {year: millions(d.in_year_deficit) for year, d in dsg.derived.items()}


@formula
def dsg_cumulative_deficit_before_contributions(dsg: DsgFigures) -> dict[str, Decimal | None]:
    return {year: millions(d.cumulative_before_contributions) for year, d in dsg.derived.items()}


@formula
def dsg_cumulative_deficit_after_contributions(dsg: DsgFigures) -> dict[str, Decimal | None]:
    return {year: millions(d.cumulative_after_contributions) for year, d in dsg.derived.items()}


@formula
def dsg_funding_gap_share_of_hnb_allocation(dsg: DsgFigures) -> dict[str, Decimal | None]:
    shares: dict[str, Decimal | None] = {}
    for year, derived in dsg.derived.items():
        allocation = -dsg.standard("hnb_dsg_income", year)
        # With no allocation the share has no meaning: not available, never zero.
        shares[year] = Decimal(derived.in_year_deficit) / allocation if allocation else None
    return shares


@formula
def hnb_dsg_allocation(dsg: DsgFigures) -> dict[str, Decimal | None]:
    return {year: millions(-dsg.standard("hnb_dsg_income", year)) for year in dsg.years}


@formula
def dsg_block_transfer(dsg: DsgFigures) -> dict[str, Decimal | None]:
    return {year: millions(-dsg.standard("block_transfer", year)) for year in dsg.years}


@formula
def dsg_general_fund_contribution(dsg: DsgFigures) -> dict[str, Decimal | None]:
    return {year: millions(-dsg.standard("council_contribution", year)) for year in dsg.years}


# Derived measures read from the termly returns rather than one set of DSG figures.
TermFormula = Callable[["Returns"], dict[str, Decimal | None]]  # noqa: UP037
TERM_FORMULAS: dict[str, TermFormula] = {}


def term_formula(function: TermFormula) -> TermFormula:
    TERM_FORMULAS[function.__name__] = function
    return function


@term_formula
def hnb_in_year_position(returns: Returns) -> dict[str, Decimal | None]:
    """Each term's forecast of the in-year surplus (+) or deficit (-) for the financial year it
    falls in: income less spending, the opposite sign to the plan's in-year deficit row."""
    positions: dict[str, Decimal | None] = {}
    for term, position in returns.dsg_by_term.items():
        year = position.forecast_term.financial_year if position.forecast_term else None
        forecast = position.forecast
        if forecast is None or year is None or year not in forecast.years:
            positions[term] = None  # no forecast for the term's year
        else:
            positions[term] = -millions(forecast.derived[year].in_year_deficit)
    return positions
