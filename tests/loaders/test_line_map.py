"""A DSG plan row the product does not recognise but which holds figures is refused, naming the
row, unless the 'Line map' sheet maps its label to a line of the plan; then its figures are read as
that line, added to the line's own row when there is one. Plan and Forecast sheets alike."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import DsgFigure
from tests import paper
from tests.loaders.conftest import snapshot
from tests.workbooks import find_row, paper_workbook, to_bytes, year_column

TRANSPORT = "Home to school transport (SEN)"
OTHER = "Other Provisions"
INDEPENDENT = "Independent Special Schools"


def _add_row(sheet, label: str, figures: dict[str, float]) -> int:
    row = sheet.max_row + 2  # below the table, after a blank row
    sheet.cell(row=row, column=1, value=label)
    for year, value in figures.items():
        sheet.cell(row=row, column=year_column(sheet, year), value=value)
    return row


def _map(book, *pairs: tuple[str, str]) -> None:
    sheet = book["Line map"]
    for row, (label, line) in enumerate(pairs, start=2):
        sheet.cell(row=row, column=1, value=label)
        sheet.cell(row=row, column=2, value=line)


def _stored(engine, basis: str, line: str) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.execute(
            select(DsgFigure.year, DsgFigure.amount_pence).where(
                DsgFigure.basis == basis, DsgFigure.line == line
            )
        ).all()
    return dict(rows)


def _refused(engine, load, data: bytes):
    before = snapshot(engine)
    outcome = load(data)
    assert outcome.stored_id is None
    assert snapshot(engine) == before, "a refused file must change nothing"
    return outcome.report


def test_map001_a_row_with_figures_the_plan_does_not_know_is_refused_naming_it(
    template, engine, load
):
    book = paper_workbook(template)
    row = _add_row(book["Plan"], TRANSPORT, {"2023-24": 10.0, "2024-25": 10.0})
    (error,) = _refused(engine, load, to_bytes(book)).errors
    assert (error.location, error.found) == (
        f"Plan!A{row}",
        "figures in a row labelled 'Home to school transport (SEN)'",
    )
    # every recognised label is offered, in the plan's order
    assert error.expected == "one of the plan's lines: " + "; ".join(paper.LINES)
    assert error.fix == (
        "Rename the row to one of the plan's lines, or map its label to one on the 'Line map' "
        "sheet."
    )


def test_map002_the_forecast_sheet_is_checked_the_same_way(template, engine, load):
    forecast = {label: paper.by_year(text) for label, text in paper.LINES.items()}
    book = paper_workbook(template, forecast=forecast, term="Autumn 2024")
    row = _add_row(book["Forecast"], TRANSPORT, {"2022-23": 3.5})
    (error,) = _refused(engine, load, to_bytes(book)).errors
    assert error.location == f"Forecast!A{row}"


def test_map003_rows_without_figures_stay_as_they_are(template, load):
    book = paper_workbook(template)
    _add_row(book["Plan"], "Note: figures from the May 2023 Schools Forum paper", {})
    outcome = load(to_bytes(book))
    assert outcome.report.errors == []
    assert outcome.stored_id is not None


def test_map004_a_mapped_row_is_added_to_its_line(template, engine, load):
    book = paper_workbook(template)
    _add_row(book["Plan"], TRANSPORT, {"2023-24": 10.0, "2024-25": 1.25})
    _map(book, (TRANSPORT, OTHER))
    outcome = load(to_bytes(book))
    assert outcome.report.errors == [], [str(e) for e in outcome.report.errors]
    stored = _stored(engine, "plan", "other_provisions")
    # the paper's Other Provisions, 4.238 and 3.866, plus the mapped 10 and 1.25
    assert stored["2023-24"] == 1_423_800_000
    assert stored["2024-25"] == 511_600_000
    assert stored["2022-23"] == 502_700_000  # 5.027, nothing mapped that year


def test_map005_a_line_labelled_in_the_councils_own_words_is_read_through_the_map(
    template, engine, load
):
    book = paper_workbook(template)
    plan = book["Plan"]
    plan.cell(row=find_row(plan, INDEPENDENT), column=1, value="Independent & NMSS placements")
    _map(book, ("independent & nmss placements", INDEPENDENT))  # matched in any case
    outcome = load(to_bytes(book))
    assert outcome.report.errors == [], [str(e) for e in outcome.report.errors]
    stored = _stored(engine, "plan", "independent_special_schools")
    assert stored["2022-23"] == 4_277_100_000  # 42.771, the paper's figure
    assert stored["2028-29"] == 690_800_000  # 6.908


def test_map006_a_mapping_to_no_line_of_the_plan_is_refused_naming_its_cell(template, engine, load):
    book = paper_workbook(template)
    row = _add_row(book["Plan"], TRANSPORT, {"2023-24": 10.0})
    _map(book, (TRANSPORT, "Transport"))
    errors = _refused(engine, load, to_bytes(book)).errors
    assert [(e.location, e.found) for e in errors] == [
        ("Line map!B2", "'Transport'"),
        # unmapped, the row's figures would still be lost: it is named too
        (f"Plan!A{row}", "figures in a row labelled 'Home to school transport (SEN)'"),
    ]
    assert errors[0].expected == (
        "a line of the plan, labelled as the template prints it: " + "; ".join(paper.LINES)
    )
