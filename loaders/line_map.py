"""The DSG workbook's optional 'Line map' sheet: a council's own row labels, each mapped to a line
of the standard plan, so a plan laid out in the council's words can be loaded without losing a row.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.plan_lines import PlanLines, normalise_label
from loaders.cells import CellProblem
from loaders.grid import Grid
from loaders.report import ValidationReport
from loaders.tables import Column, first_row_of_each, parse_text, read_table

LINE_MAP_SHEET = "Line map"
LABEL_HEADING = "Label in your plan"
LINE_HEADING = "Plan line"


def _line_parser(plan_lines: PlanLines) -> Callable[[object], str | None]:
    def parse(value: object) -> str | None:
        text = parse_text(value)
        if text is None:
            return None
        code = plan_lines.code_for_label(text)
        if code is None or code not in plan_lines.codes:
            raise CellProblem(repr(text))
        return code

    return parse


def _columns(plan_lines: PlanLines) -> tuple[Column, ...]:
    return (
        Column(
            "label",
            LABEL_HEADING,
            lambda value: None if (text := parse_text(value)) is None else normalise_label(text),
            expected="the label of a row of your plan, as column A of the Plan or Forecast sheet has it",
            fix="Type the row's label, or delete the mapping.",
        ),
        Column(
            "line",
            LINE_HEADING,
            _line_parser(plan_lines),
            expected="a line of the plan, labelled as the template prints it: "
            + "; ".join(plan_lines.labels),
            fix="Copy the line's label from column A of the template's Plan sheet.",
        ),
    )


def read_line_map(grid: Grid, report: ValidationReport, plan_lines: PlanLines) -> dict[str, str]:
    """Your label (normalised) -> the code of the plan line it adds to. Empty when the sheet has
    no rows."""
    if all(value in (None, "") for row in grid.rows for value in row):
        return {}  # an emptied sheet maps nothing
    table = read_table(grid, _columns(plan_lines), report, label="label")
    if table is None:
        return {}
    rows: dict[str, int] = first_row_of_each(
        table,
        "label",
        report,
        name=lambda label: f"the label '{label}'",
        fix="Map each label once.",
    )
    lines = table.values["line"]
    return {label: lines[i] for label, i in rows.items() if lines[i] is not None}
