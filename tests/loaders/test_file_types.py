"""Files that are not workbooks are refused, each with its own reason, and change nothing."""

import io
import zipfile

import pytest

from tests.councils import NORFOLK
from tests.loaders.conftest import snapshot
from tests.workbooks import paper_workbook, to_bytes


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    parts[name] = content
    return _zip(parts)


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda _: b"", "The file is empty (0 bytes). Choose the saved workbook and try again."),
        (
            lambda _: b"Line,2022-23\nHigh Needs Block DSG Income,-120.578\n",
            "This is a text file (such as CSV), not an Excel workbook. Open it in Excel and save it "
            "as 'Excel Workbook (*.xlsx)'.",
        ),
        (
            lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            "This is a PDF document, not an Excel workbook. Upload the spreadsheet itself (.xlsx).",
        ),
        (
            lambda _: OLE_HEADER + b"Workbook".ljust(64, b"\0"),
            "This is an old-style Excel 97-2003 (.xls) file, which is not accepted. Open it in Excel "
            "and use Save As, choosing 'Excel Workbook (*.xlsx)'.",
        ),
        (
            lambda _: OLE_HEADER + "EncryptedPackage".encode("utf-16-le"),
            "The workbook is protected by a password, so it cannot be read. Remove the password "
            "(File > Info > Protect Workbook) and save it again.",
        ),
        (
            lambda _: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
            "This is a zip archive (perhaps a Word or other Office file), not an Excel workbook.",
        ),
        (
            lambda _: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\0"}),
            "This is an Excel Binary Workbook (.xlsb), which is not accepted. Open it in Excel and "
            "use Save As, choosing 'Excel Workbook (*.xlsx)'.",
        ),
        (
            lambda _: _zip(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<office/>",
                }
            ),
            "This is an OpenDocument spreadsheet (.ods), not an Excel workbook. Save it as "
            "'Excel 2007-365 (.xlsx)' and upload that file.",
        ),
        (
            lambda good: _with_part(good, "xl/vbaProject.bin", b"\0" * 64),
            "The workbook contains macros (.xlsm), which are not accepted. Open it in Excel and use "
            "Save As, choosing 'Excel Workbook (*.xlsx)'. Macros are removed when you do.",
        ),
        (
            lambda good: _with_part(
                good,
                "xl/sharedStrings.xml",
                b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><sst>&lol;</sst>',
            ),
            "Part xl/sharedStrings.xml of the workbook declares XML entities, which Excel never "
            "writes. The file was refused as unsafe.",
        ),
        (
            lambda good: good[:200],
            "The file is damaged: it starts like a workbook but cannot be opened. Save it again "
            "from Excel.",
        ),
    ],
    ids=[
        "empty",
        "csv",
        "pdf",
        "xls",
        "password",
        "docx",
        "xlsb",
        "ods",
        "macros",
        "entities",
        "truncated",
    ],
)
def test_fil001_a_file_that_is_not_a_usable_workbook_is_refused(
    template, engine, load, make, message
):
    good = to_bytes(paper_workbook(template))
    before = snapshot(engine)
    outcome = load(make(good))
    assert [issue.found for issue in outcome.report.errors] == [message]
    assert outcome.report.errors[0].location == "file"
    assert outcome.stored_id is None
    assert snapshot(engine) == before


def test_fil002_a_decompression_bomb_is_refused_before_it_is_parsed(template, engine, load):
    bomb = _with_part(
        to_bytes(paper_workbook(template)), "xl/media/padding.bin", b"\0" * (64 << 20)
    )
    before = snapshot(engine)
    outcome = load(bomb)
    (error,) = outcome.report.errors
    assert error.found.startswith("Part xl/media/padding.bin of the workbook is compressed ")
    assert error.found.endswith("to 1, as in a decompression bomb. The file was refused as unsafe.")
    assert snapshot(engine) == before


def test_fil003_a_file_over_the_size_limit_is_refused(engine):
    from services.submissions import load_workbook

    outcome = load_workbook(
        engine,
        b"PK\x03\x04" + b"\0" * 2_000_000,
        file_name="big.xlsx",
        council=NORFOLK,
        max_bytes=1_000_000,
    )
    assert [e.found for e in outcome.report.errors] == [
        "The file is 2.0 MB; the largest accepted is 1 MB."
    ]
