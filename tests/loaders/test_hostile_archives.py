"""Workbooks built to cost the reader time and memory: a zip directory that understates what its
parts inflate to, and a sheet with one cell far from the rest. Each is refused, or read, in a
time and memory that grow with what the file really holds."""

import io
import resource
import struct
import sys
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from loaders.submissions import check_workbook
from tests.councils import NORFOLK_SHAPE
from tests.loaders.conftest import MAX_BYTES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from build_fixtures import hnb_book  # noqa: E402

TODAY = date(2026, 11, 22)
ONE_YEAR = replace(NORFOLK_SHAPE, years=("2024-25",))
MB = 1 << 20
ZEROS_MB = 1024  # the lying part inflates to 1 GiB more than it declares


def _zeros_stream(content: bytes, megabytes: int) -> bytes:
    """A raw deflate stream of ``content`` followed by ``megabytes`` MiB of zeros, built in
    chunks: after a full flush the compressor starts afresh, so every 1 MiB block of zeros
    compresses to the same bytes, and the stream is a repetition of one small block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(content) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH) == block
    return head + block * megabytes + compressor.flush()


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of (name, deflate stream, declared size, declared CRC) entries, whose
    local and central headers both declare the given size and CRC."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, stream, size, crc in entries:
        offset = out.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(stream), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + encoded + stream)
        central.write(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
    start, directory = out.tell(), central.getvalue()
    count = len(entries)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _lying_workbook(part: str, megabytes: int = ZEROS_MB) -> bytes:
    """A real workbook in which ``part`` declares its true size and CRC, so that any reader that
    stops at the declared size sees a sound file, while its stream goes on with ``megabytes``
    MiB of zeros."""
    buffer = io.BytesIO()
    hnb_book().save(buffer)
    entries = []
    with zipfile.ZipFile(buffer) as source:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                stream = _zeros_stream(content, megabytes)
            else:
                compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                stream = compressor.compress(content) + compressor.flush()
            entries.append((info.filename, stream, len(content), zlib.crc32(content)))
    assert part in {name for name, *_ in entries}
    return _zip(entries)


def _costed(data: bytes):
    """Check ``data``; return its errors as (where, what), the seconds taken, and the most
    memory, in MB, that Python allocated or the process gained while checking it again."""

    def check():
        return check_workbook(
            data, file_name="x.xlsx", shape=ONE_YEAR, max_bytes=MAX_BYTES, today=TODAY
        )

    start = time.perf_counter()
    result = check()
    seconds = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        check()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    errors = [(e.location, e.found) for e in result.report.errors]
    return errors, seconds, max(peak / MB, grown_kb / 1024)


def test_hos001_the_lying_stream_is_what_the_test_says_it_is():
    # a small copy of the hostile file, read without any cap: the part inflates to its declared
    # content followed by the zeros, and a reader that stops at the declared size sees no fault
    data = _lying_workbook("xl/styles.xml", megabytes=2)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/styles.xml")
        with archive.open(info) as part:
            declared = part.read(info.file_size)
        raw = data[
            info.header_offset + 30 + len(info.filename) : info.header_offset
            + 30
            + len(info.filename)
            + info.compress_size
        ]
    inflated = zlib.decompress(raw, -15)
    assert declared.startswith(b"<styleSheet") and len(declared) == info.file_size
    assert inflated == declared + bytes(2 * MB)
    assert info.compress_size < 10_000


@pytest.mark.parametrize(
    "part",
    ["xl/worksheets/sheet4.xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"],
)
def test_hos002_a_part_that_inflates_past_its_declared_size_is_refused_at_once(part):
    data = _lying_workbook(part)
    assert len(data) < 2_000_000  # about 1 KB of stream for each MiB of zeros
    errors, seconds, peak_mb = _costed(data)
    assert errors == [
        (
            "file",
            f"Part {part} of the workbook inflates to more than the size its zip directory "
            "declares, as in a decompression bomb. The file was refused as unsafe.",
        )
    ]
    assert seconds < 1.0
    assert peak_mb < 200


def test_hos003_a_stray_cell_at_gr200000_is_refused_without_reading_the_grid_it_spans():
    book = hnb_book()
    book["Placements"]["GR200000"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    errors, seconds, peak_mb = _costed(buffer.getvalue())
    # GR is column 7 * 26 + 18 = 200; from A1 to GR200000 is 200 * 200,000 cells
    assert errors == [
        (
            "file",
            "The sheet 'Placements' has cells as far as column GR and row 200,000, far beyond "
            "the rest of its cells: read from A1 it would be a grid of 40,000,000 cells. "
            "Delete the stray cells (Ctrl+End in Excel shows the last one) and save the "
            "workbook again.",
        )
    ]
    assert seconds < 2.0
    assert peak_mb < 200


def test_hos004_a_sheet_of_notes_with_one_far_cell_is_refused_the_same_way():
    book = hnb_book()
    notes = book.create_sheet("Notes")
    notes["A1"] = 1
    notes["GR200000"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    errors, seconds, peak_mb = _costed(buffer.getvalue())
    assert [found[:68] for _, found in errors] == [
        "The sheet 'Notes' has cells as far as column GR and row 200,000, far"
    ]
    assert seconds < 2.0
    assert peak_mb < 200


@pytest.mark.parametrize(
    ("far", "refused"),
    [
        # E is column 5: 5 * 100,000 = 500,000 cells, the most read without question
        ("E100000", None),
        # F is column 6: 6 * 100,000 = 600,000 cells for the 2 the sheet holds
        (
            "F100000",
            "column F and row 100,000, far beyond the rest of its cells: read from A1 "
            "it would be a grid of 600,000 cells.",
        ),
    ],
)
def test_hos005_a_grid_of_half_a_million_cells_is_read_and_one_larger_is_refused(far, refused):
    book = hnb_book()
    notes = book.create_sheet("Notes")
    notes["A1"] = 1
    notes[far] = 2
    buffer = io.BytesIO()
    book.save(buffer)
    errors, seconds, _ = _costed(buffer.getvalue())
    if refused is None:
        assert errors == []
    else:
        assert [found[:54] for _, found in errors] == [
            "The sheet 'Notes' has cells as far as column F and row"
        ]
        assert refused in errors[0][1]
    assert seconds < 2.0


def test_hos006_a_far_cell_on_a_template_sheet_within_a_cheap_grid_is_read_not_refused():
    # Z5000 spans 26 * 5,000 = 130,000 cells from A1: cheap to read, so it is not refused
    book = hnb_book()
    book["Spend"]["Z5000"] = 7
    buffer = io.BytesIO()
    book.save(buffer)
    errors, seconds, _ = _costed(buffer.getvalue())
    assert errors == []
    assert seconds < 2.0
