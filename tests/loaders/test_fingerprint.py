"""A file whose figures are the same as a stored one is the same content, whatever program saved
it; a file differing by one figure is a correction. SQLite and PostgreSQL."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.fingerprint import content_fingerprint
from loaders.templates import write_ehcp_workbook
from storage.models import EhcpFigure, Submission
from tests.fixtures.build_fixtures import COUNTS, NEEDS
from tests.loaders.conftest import snapshot
from tests.workbooks import paper_workbook, to_bytes


def _ehcp_book(**changes) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    write_ehcp_workbook(buffer, term="Autumn 2024", counts={**COUNTS, **changes}, needs=NEEDS)
    return openpyxl.load_workbook(buffer)


def _xlsxwriter_copy(book: openpyxl.Workbook) -> bytes:
    """The same sheets and values written by XlsxWriter, as another program would save them."""
    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer, {"in_memory": True})
    dates = out.add_format({"num_format": "dd/mm/yyyy"})
    for sheet in book.worksheets:
        target = out.add_worksheet(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, (date, datetime)):
                    target.write_datetime(cell.row - 1, cell.column - 1, cell.value, dates)
                elif cell.value is not None:
                    target.write(cell.row - 1, cell.column - 1, cell.value)
    out.close()
    return buffer.getvalue()


def _counts(engine) -> dict[int, int]:
    with Session(engine) as session:
        rows = session.execute(
            select(EhcpFigure.submission_id, EhcpFigure.count).where(EhcpFigure.item == "new_plans")
        )
        return dict(rows.all())


def test_fpr001_the_same_figures_saved_by_another_program_are_the_same_content(engine, load):
    book = _ehcp_book()
    original, resaved = to_bytes(book), _xlsxwriter_copy(book)
    assert original != resaved
    first = load(original, file_name="ehcp-autumn-2024.xlsx")
    assert first.stored_id is not None
    before = snapshot(engine)
    again = load(resaved, file_name="ehcp-autumn-2024-resaved.xlsx")
    assert again.ok and again.stored_id is None
    assert (again.identical_to.id, again.identical_to.file_name) == (
        first.stored_id,
        "ehcp-autumn-2024.xlsx",
    )
    assert again.identical_to.same_bytes is False
    (note,) = [w for w in again.report.warnings if w.sheet is None]
    assert note.found.startswith(
        f"the same figures as ehcp-autumn-2024.xlsx (submission {first.stored_id}), already loaded "
    )
    assert note.found.endswith(f"{again.identical_to.loaded_at:%d %B %Y at %H:%M} UTC")
    assert snapshot(engine) == before


def test_fpr002_a_file_differing_by_one_figure_is_a_correction(engine, load):
    first = load(to_bytes(_ehcp_book()), file_name="ehcp.xlsx")
    changed = _xlsxwriter_copy(_ehcp_book(new_plans=641))  # 640 in the first file
    before = snapshot(engine)
    refused = load(changed, file_name="ehcp-corrected.xlsx")
    assert refused.stored_id is None and refused.identical_to is None
    assert [e.expected for e in refused.report.errors] == ["a reason for replacing it"]
    assert snapshot(engine) == before
    corrected = load(changed, file_name="ehcp-corrected.xlsx", reason="one more plan issued")
    assert corrected.superseded.id == first.stored_id
    assert _counts(engine) == {first.stored_id: 640, corrected.stored_id: 641}


def test_fpr003_a_dsg_plan_resaved_is_the_same_content(template, engine, load):
    book = paper_workbook(template)
    first = load(to_bytes(book), file_name="plan.xlsx")
    again = load(_xlsxwriter_copy(book), file_name="plan-libreoffice.xlsx")
    assert again.stored_id is None and again.identical_to.id == first.stored_id


def test_fpr004_the_fingerprint_is_stored_beside_the_byte_hash(engine, load):
    data = to_bytes(_ehcp_book())
    stored = load(data, file_name="ehcp.xlsx").stored_id
    with Session(engine) as session:
        submission = session.get(Submission, stored)
    assert len(submission.content_sha256) == 64
    assert submission.content_sha256 != submission.sha256


def test_fpr005_the_fingerprint_is_of_the_figures_not_how_they_were_written():
    a = {"counts": {"new_plans": 640, "ceased": 210}, "cost": Decimal("4.70")}
    b = {"cost": Decimal("4.7"), "counts": {"ceased": 210, "new_plans": 640}}
    assert content_fingerprint("ehcp", "Autumn 2024", a) == content_fingerprint(
        "ehcp", "Autumn 2024", b
    )
    assert content_fingerprint("ehcp", "Autumn 2024", a) != content_fingerprint(
        "ehcp", "Spring 2025", a
    )
    assert content_fingerprint("ehcp", "Autumn 2024", a) != content_fingerprint(
        "hnb", "Autumn 2024", a
    )
    c = {"counts": {"new_plans": 641, "ceased": 210}, "cost": Decimal("4.7")}
    assert content_fingerprint("ehcp", "Autumn 2024", a) != content_fingerprint(
        "ehcp", "Autumn 2024", c
    )
