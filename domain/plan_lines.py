"""The lines of a DSG High Needs Block recovery plan and the arithmetic that derives its totals.

Every council labels its plan in its own words; each of its lines is mapped to one of the standard
lines below (the DfE's deficit management plan and the section 251 high needs categories), whose
group says how the line counts. Figures follow the plan's own signs, in integer pence: income and
contributions are credits (negative), expenditure is positive, and a positive balance is a
deficit. Loaders read workbooks by a council's labels and the KPIs derive its totals, both from
the same ``PlanLines``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from domain.problems import ListedProblems


class LineGroup(StrEnum):
    INCOME = "income"
    EXPENDITURE = "expenditure"
    CONTRIBUTION = "contribution"


@dataclass(frozen=True)
class StandardLine:
    code: str
    name: str
    group: LineGroup
    covers: str  # what the line holds, as the DfE's templates group it


STANDARD_LINES: tuple[StandardLine, ...] = (
    StandardLine(
        "hnb_dsg_income",
        "High needs block DSG income",
        LineGroup.INCOME,
        "the high needs block allocation of the Dedicated Schools Grant, after recoupment",
    ),
    StandardLine(
        "block_transfer",
        "Transfer from other DSG blocks",
        LineGroup.INCOME,
        "a transfer into the high needs block from the schools, central or early years block",
    ),
    StandardLine(
        "other_income",
        "Other high needs income",
        LineGroup.INCOME,
        "income other than the grant and block transfers: health, social care, other councils",
    ),
    StandardLine(
        "special_schools",
        "Maintained special schools and special academies",
        LineGroup.EXPENDITURE,
        "place and top-up funding for state-funded special schools, academies and free schools",
    ),
    StandardLine(
        "resourced_provision",
        "Resourced provision and SEN units",
        LineGroup.EXPENDITURE,
        "specialist resource bases and SEN units in mainstream schools",
    ),
    StandardLine(
        "mainstream_top_up",
        "Top-up funding for mainstream schools",
        LineGroup.EXPENDITURE,
        "top-up and inclusion funding for pupils with SEN in mainstream schools and academies",
    ),
    StandardLine(
        "independent_special_schools",
        "Independent and non-maintained special schools",
        LineGroup.EXPENDITURE,
        "placements in independent and non-maintained special schools",
    ),
    StandardLine(
        "alternative_provision",
        "Alternative provision and pupil referral units",
        LineGroup.EXPENDITURE,
        "alternative provision, pupil referral units and short stay schools",
    ),
    StandardLine(
        "post_16",
        "Post-16 and further education",
        LineGroup.EXPENDITURE,
        "further education colleges and specialist post-16 institutions",
    ),
    StandardLine(
        "hospital_education",
        "Hospital education",
        LineGroup.EXPENDITURE,
        "hospital schools and education for children unable to attend school for health reasons",
    ),
    StandardLine(
        "therapies_and_health",
        "Therapies and health-related support",
        LineGroup.EXPENDITURE,
        "speech and language, sensory, mental health and other therapies and contributions",
    ),
    StandardLine(
        "support_services",
        "SEN support services and inclusion",
        LineGroup.EXPENDITURE,
        "SEN support and inclusion services, outreach and teams that support schools",
    ),
    StandardLine(
        "other_expenditure",
        "Other high needs expenditure",
        LineGroup.EXPENDITURE,
        "any other high needs spending: contingencies, levies, start-up costs",
    ),
    StandardLine(
        "dfe_contribution",
        "DfE contribution",
        LineGroup.CONTRIBUTION,
        "the Department for Education's payments under a safety valve agreement",
    ),
    StandardLine(
        "council_contribution",
        "Council contribution",
        LineGroup.CONTRIBUTION,
        "the council's own contribution towards the deficit, from its general fund",
    ),
    StandardLine(
        "other_contribution",
        "Other contributions",
        LineGroup.CONTRIBUTION,
        "contributions towards the deficit from anyone else",
    ),
)

STANDARD_BY_CODE: dict[str, StandardLine] = {line.code: line for line in STANDARD_LINES}

# Rows the plan derives from the input lines; a file may state them, but they are never read.
DERIVED_LABELS: dict[str, str] = {
    "total_income": "Total income",
    "total_expenditure": "Total Expenditure",
    "in_year_deficit": "In-year +deficit/-surplus",
    "cumulative_before_contributions": "Cumulative Balance without contribution",
    "cumulative_after_contributions": "Cumulative Balance",
}

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# A percentage in a label ("1.5% block transfer", "block transfer (0.5%)") changes from year to
# year, so a label matches the same label with any percentage.
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s?%")


def normalise_label(text: str) -> str:
    """Compare labels without regard to case, spacing or a trailing colon."""
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip().casefold()


def _without_percent(key: str) -> str:
    return _PERCENT.sub("N%", key)


def _bare(key: str) -> str:
    """The label with its percentages, and the brackets round them, taken out."""
    return " ".join(re.sub(r"\(?\s*\d+(?:\.\d+)?\s?%\s*\)?", " ", key).split())


@dataclass(frozen=True)
class PlanLine:
    """One line of a council's plan: the code its figures are stored under, its label as the
    council prints it (and other labels it may be given), and the standard line it maps to."""

    code: str
    label: str
    standard: str
    aliases: tuple[str, ...] = ()

    @property
    def group(self) -> LineGroup:
        return STANDARD_BY_CODE[self.standard].group


class PlanLinesError(ListedProblems, ValueError):
    """A council's plan lines cannot be used; ``problems`` lists each, naming its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the plan's lines have problems", problems)


@dataclass(frozen=True)
class PlanLines:
    """A council's plan lines in its own order: how its workbooks are read and its totals made."""

    lines: tuple[PlanLine, ...]
    _index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = check_lines(self.lines)
        if problems:
            raise PlanLinesError(problems)
        index: dict[str, str] = {}
        for line in self.lines:
            for label in (line.label, *line.aliases):
                key = normalise_label(label)
                index[key] = line.code
                index.setdefault(_without_percent(key), line.code)
                index.setdefault(_bare(key), line.code)
        for code, label in DERIVED_LABELS.items():
            index[normalise_label(label)] = code
        object.__setattr__(self, "_index", index)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(line.code for line in self.lines)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(line.label for line in self.lines)

    def by_code(self, code: str) -> PlanLine:
        return next(line for line in self.lines if line.code == code)

    def of_group(self, group: LineGroup) -> tuple[PlanLine, ...]:
        return tuple(line for line in self.lines if line.group is group)

    def of_standard(self, standard: str) -> tuple[PlanLine, ...]:
        return tuple(line for line in self.lines if line.standard == standard)

    def code_for_label(self, text: str) -> str | None:
        """The line (or derived row) a label names, or None. A label with a percentage in it
        matches the same label with any percentage, or none."""
        key = normalise_label(text)
        return (
            self._index.get(key)
            or self._index.get(_without_percent(key))
            or self._index.get(_bare(key))
        )

    def standard_total(
        self, figures: Mapping[str, Mapping[str, int]], standard: str, year: str
    ) -> int:
        """The year's figure on a standard line: the sum of the council's lines mapped to it."""
        return sum(figures.get(line.code, {}).get(year, 0) for line in self.of_standard(standard))

    def derive_years(
        self,
        figures: Mapping[str, Mapping[str, int]],
        *,
        opening_balance: int,
        years: tuple[str, ...],
    ) -> dict[str, DerivedYear]:
        """Derive totals, in-year deficit and both cumulative balances, year by year.

        ``opening_balance`` is the deficit brought forward into the first year. Contributions
        are credits, so adding them reduces the balance.
        """

        def total(group: LineGroup, year: str) -> int:
            return sum(figures.get(line.code, {}).get(year, 0) for line in self.of_group(group))

        derived: dict[str, DerivedYear] = {}
        before = after = opening_balance
        for year in years:
            income = total(LineGroup.INCOME, year)
            expenditure = total(LineGroup.EXPENDITURE, year)
            contributions = total(LineGroup.CONTRIBUTION, year)
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


def check_lines(lines: tuple[PlanLine, ...]) -> list[str]:
    """Every problem with a council's lines, each naming the line."""
    problems: list[str] = []
    seen_codes: set[str] = set()
    seen_labels: dict[str, str] = {}
    derived = {normalise_label(label) for label in DERIVED_LABELS.values()}
    for number, line in enumerate(lines, start=1):
        where = f"plan line {number} ({line.label!r})"
        if not _CODE.match(line.code):
            problems.append(f"{where}: code {line.code!r} must be lower-case words joined by _")
        if line.code in seen_codes or line.code in DERIVED_LABELS:
            problems.append(f"{where}: code {line.code!r} is used more than once")
        seen_codes.add(line.code)
        if line.standard not in STANDARD_BY_CODE:
            problems.append(
                f"{where}: standard {line.standard!r} is not a standard line; one of "
                + ", ".join(STANDARD_BY_CODE)
            )
        for label in (line.label, *line.aliases):
            key = normalise_label(label)
            if not key:
                problems.append(f"{where}: a label is empty")
            elif key in derived:
                problems.append(f"{where}: {label!r} is the label of a derived row")
            elif key in seen_labels and seen_labels[key] != line.code:
                problems.append(f"{where}: {label!r} also labels line {seen_labels[key]!r}")
            seen_labels[key] = line.code
    groups = {
        STANDARD_BY_CODE[line.standard].group for line in lines if line.standard in STANDARD_BY_CODE
    }
    for group in (LineGroup.INCOME, LineGroup.EXPENDITURE):
        if group not in groups:
            problems.append(f"plan lines: no line of {group.value}")
    return problems


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
