"""The lines of the DSG High Needs Block recovery plan and the arithmetic that derives its totals.

Figures follow the plan's own signs, in integer pence: income and contributions are credits
(negative), expenditure is positive, and a positive balance is a deficit. Loaders use the labels
to read workbooks; the KPIs use the derivation; both need the same definitions, so they live here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class LineGroup(StrEnum):
    INCOME = "income"
    EXPENDITURE = "expenditure"
    CONTRIBUTION = "contribution"


@dataclass(frozen=True)
class PlanLine:
    code: str
    label: str  # exactly as the Schools Forum paper of May 2023 prints it
    group: LineGroup
    aliases: tuple[str, ...] = ()


INPUT_LINES: tuple[PlanLine, ...] = (
    PlanLine("hnb_dsg_income", "High Needs Block DSG Income", LineGroup.INCOME),
    PlanLine(
        "schools_block_transfer",
        "1.5% Schools Block transfer",
        LineGroup.INCOME,
        aliases=("Schools Block transfer", "Block transfer", "Block transfers"),
    ),
    PlanLine(
        "special_schools", "Maintained / Academy / Free Special Schools", LineGroup.EXPENDITURE
    ),
    PlanLine(
        "specialist_resource_bases",
        "Specialist Resource Bases & Deaf Resource Bases",
        LineGroup.EXPENDITURE,
    ),
    PlanLine("independent_special_schools", "Independent Special Schools", LineGroup.EXPENDITURE),
    PlanLine("alternative_provision", "Alternative Provision", LineGroup.EXPENDITURE),
    PlanLine("short_stay_schools", "Short Stay Schools", LineGroup.EXPENDITURE),
    PlanLine("post_16", "Post-16 (Further Education)", LineGroup.EXPENDITURE),
    PlanLine("other_provisions", "Other Provisions", LineGroup.EXPENDITURE),
    PlanLine(
        "inclusion_fund",
        "Inclusion fund (including mainstream SEN / EHCP support)",
        LineGroup.EXPENDITURE,
    ),
    PlanLine(
        "therapies_and_health",
        "Speech & Language, Sensory, Youth Offending and Child & Adolescent Mental Health "
        "support & contributions",
        LineGroup.EXPENDITURE,
    ),
    PlanLine(
        "inclusion_infrastructure",
        "High Needs Inclusion Infrastructure, cluster teams including parent link workers",
        LineGroup.EXPENDITURE,
    ),
    PlanLine(
        "other_costs",
        "Other, including TPG/TPECG, H&SC levy and new school start-up costs",
        LineGroup.EXPENDITURE,
    ),
    PlanLine(
        "investment_contingency",
        "Investment contingency including Inclusion Fund",
        LineGroup.EXPENDITURE,
    ),
    PlanLine("dfe_contribution", "DfE Contribution", LineGroup.CONTRIBUTION),
    PlanLine(
        "council_contribution",
        "NCC Contribution",
        LineGroup.CONTRIBUTION,
        aliases=("Council Contribution", "LA Contribution", "Local authority contribution"),
    ),
)

# Rows the plan derives from the input lines; a file may state them, but they are never read.
DERIVED_LABELS: dict[str, str] = {
    "total_income": "Total income",
    "total_expenditure": "Total Expenditure",
    "in_year_deficit": "In-year +deficit/-surplus",
    "cumulative_before_contributions": "Cumulative Balance without contribution",
    "cumulative_after_contributions": "Cumulative Balance",
}

LINES_BY_CODE: dict[str, PlanLine] = {line.code: line for line in INPUT_LINES}


def normalise_label(text: str) -> str:
    """Compare labels without regard to case, spacing or a trailing colon."""
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip().casefold()


def _label_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for line in INPUT_LINES:
        for label in (line.label, *line.aliases):
            index[normalise_label(label)] = line.code
    for code, label in DERIVED_LABELS.items():
        index[normalise_label(label)] = code
    return index


LABEL_INDEX = _label_index()
_BLOCK_TRANSFER = re.compile(r"^\d+(\.\d+)?% schools block transfer$")


def code_for_label(text: str) -> str | None:
    """The line code a label names, or None. Any percentage of block transfer is accepted."""
    key = normalise_label(text)
    if key in LABEL_INDEX:
        return LABEL_INDEX[key]
    if _BLOCK_TRANSFER.match(key):
        return "schools_block_transfer"
    return None


@dataclass(frozen=True)
class DerivedYear:
    """One year of the plan's derived rows, in pence with the plan's signs."""

    total_income: int
    total_expenditure: int
    in_year_deficit: int
    cumulative_before_contributions: int
    contributions: int
    cumulative_after_contributions: int

    def as_dict(self) -> dict[str, int]:
        return {
            "total_income": self.total_income,
            "total_expenditure": self.total_expenditure,
            "in_year_deficit": self.in_year_deficit,
            "cumulative_before_contributions": self.cumulative_before_contributions,
            "cumulative_after_contributions": self.cumulative_after_contributions,
        }


def _group_total(lines: Mapping[str, Mapping[str, int]], group: LineGroup, year: str) -> int:
    return sum(lines.get(line.code, {}).get(year, 0) for line in INPUT_LINES if line.group is group)


def derive_years(
    *, lines: Mapping[str, Mapping[str, int]], opening_balance: int, years: tuple[str, ...]
) -> dict[str, DerivedYear]:
    """Derive totals, in-year deficit and both cumulative balances, year by year.

    ``opening_balance`` is the deficit brought forward into the first year. Contributions are
    credits, so adding them reduces the balance.
    """
    derived: dict[str, DerivedYear] = {}
    before = after = opening_balance
    for year in years:
        income = _group_total(lines, LineGroup.INCOME, year)
        expenditure = _group_total(lines, LineGroup.EXPENDITURE, year)
        contributions = _group_total(lines, LineGroup.CONTRIBUTION, year)
        in_year = expenditure + income
        before += in_year
        after += in_year + contributions
        derived[year] = DerivedYear(
            total_income=income,
            total_expenditure=expenditure,
            in_year_deficit=in_year,
            cumulative_before_contributions=before,
            contributions=contributions,
            cumulative_after_contributions=after,
        )
    return derived
