"""Open an uploaded file as an Excel workbook, or refuse it with a reason a person can act on.

Every check on the raw bytes and the zip directory runs before any XML is parsed, so a hostile
file (a decompression bomb, entity expansion) costs microseconds, not minutes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from loaders.errors import WorkbookRejected

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")
MAX_ZIP_ENTRIES = 10_000
# A 100,000-row placement sheet expands to about 50 MB, about 10 times its compressed size.
MAX_UNCOMPRESSED_BYTES = 300 << 20
MAX_COMPRESSION_RATIO = 100
LARGE_ENTRY_BYTES = 1 << 20
# Parts are inflated this much at a time, so a part that lies about its size costs one chunk.
CHUNK_BYTES = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature ... name length, extra length
_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
UNSAFE = "The file was refused as unsafe."
SAVE_AS_XLSX = "Open it in Excel and use Save As, choosing 'Excel Workbook (*.xlsx)'."


def _reject_non_zip(data: bytes) -> None:
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARKER in data:
            raise WorkbookRejected(
                "The workbook is protected by a password, so it cannot be read. "
                "Remove the password (File > Info > Protect Workbook) and save it again."
            )
        raise WorkbookRejected(
            f"This is an old-style Excel 97-2003 (.xls) file, which is not accepted. {SAVE_AS_XLSX}"
        )
    if data.startswith(b"%PDF"):
        raise WorkbookRejected(
            "This is a PDF document, not an Excel workbook. Upload the spreadsheet itself (.xlsx)."
        )
    if data.startswith(b"PK\x05\x06"):
        raise WorkbookRejected("This is an empty zip archive, not an Excel workbook.")
    if b"\0" in data[:4096]:  # text, in any encoding, has no NUL bytes
        raise WorkbookRejected(f"This file is not an Excel workbook (.xlsx). {SAVE_AS_XLSX}")
    raise WorkbookRejected(
        "This is a text file (such as CSV), not an Excel workbook. "
        "Open it in Excel and save it as 'Excel Workbook (*.xlsx)'."
    )


def _check_archive(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise WorkbookRejected(
            f"The workbook holds {len(entries):,} parts; a real workbook has far fewer. "
            "The file was refused as unsafe."
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRejected(
            f"The workbook would expand to {total / (1 << 20):,.0f} MB. "
            "The file was refused as unsafe."
        )
    for entry in entries:
        if (
            entry.file_size > LARGE_ENTRY_BYTES
            and entry.compress_size
            and (entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO)
        ):
            raise WorkbookRejected(
                f"Part {entry.filename} of the workbook is compressed {entry.file_size // entry.compress_size:,} "
                "to 1, as in a decompression bomb. The file was refused as unsafe."
            )
    names = {entry.filename for entry in entries}
    if "xl/workbook.bin" in names:
        raise WorkbookRejected(
            f"This is an Excel Binary Workbook (.xlsb), which is not accepted. {SAVE_AS_XLSX}"
        )
    if "mimetype" in names and "content.xml" in names:
        raise WorkbookRejected(
            "This is an OpenDocument spreadsheet (.ods), not an Excel workbook. Save it as "
            "'Excel 2007-365 (.xlsx)' and upload that file."
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRejected(
            "This is a zip archive (perhaps a Word or other Office file), not an Excel workbook."
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise WorkbookRejected(
            "The workbook contains macros (.xlsm), which are not accepted. "
            f"{SAVE_AS_XLSX} Macros are removed when you do."
        )


def _stream(data: bytes, entry: zipfile.ZipInfo) -> memoryview:
    """The part's compressed bytes, found as every reader finds them: after its local header,
    which must agree with the directory on how the part is compressed."""
    fields = _LOCAL_HEADER.unpack_from(data, entry.header_offset)
    if fields[0] != ZIP_MAGIC or fields[3] != entry.compress_type:
        raise zipfile.BadZipFile(entry.filename)
    start = entry.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    stream = memoryview(data)[start : start + entry.compress_size]
    if len(stream) != entry.compress_size:
        raise zipfile.BadZipFile(entry.filename)
    return stream


def _chunks(entry: zipfile.ZipInfo, stream: memoryview) -> Iterator[bytes | memoryview]:
    """The part inflated chunk by chunk, refused as soon as it outgrows its declared size:
    a directory can declare a few kilobytes for a stream that inflates to gigabytes."""
    if entry.flag_bits & 1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise WorkbookRejected(
            f"Part {entry.filename} of the workbook is encrypted or compressed in a way Excel "
            f"never uses. {UNSAFE}"
        )
    if entry.compress_type == zipfile.ZIP_STORED:
        if entry.compress_size != entry.file_size:
            raise zipfile.BadZipFile(entry.filename)
        yield stream
        return
    inflater, size, position = zlib.decompressobj(-zlib.MAX_WBITS), 0, 0
    while not inflater.eof:
        feed: bytes | memoryview = inflater.unconsumed_tail
        if not feed:
            feed, position = stream[position : position + CHUNK_BYTES], position + CHUNK_BYTES
            if not feed:
                raise zipfile.BadZipFile(entry.filename)  # the stream stops short of its end
        chunk = inflater.decompress(feed, CHUNK_BYTES)
        size += len(chunk)
        if size > entry.file_size:
            raise WorkbookRejected(
                f"Part {entry.filename} of the workbook inflates to more than the size its zip "
                f"directory declares, as in a decompression bomb. {UNSAFE}"
            )
        yield chunk
    if size != entry.file_size:
        raise zipfile.BadZipFile(entry.filename)


def _check_parts(data: bytes, entries: list[zipfile.ZipInfo]) -> None:
    """Inflate every part once, with a cap on each and on their total, before anything else
    reads them; afterwards every reader (zipfile, calamine) finds the sizes declared."""
    total = 0
    for entry in entries:
        # sheets are checked for entities as they are read (grid.py)
        scan = entry.filename.endswith((".xml", ".rels")) and "/worksheets/" not in entry.filename
        tail = b""
        for chunk in _chunks(entry, _stream(data, entry)):
            total += len(chunk)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise WorkbookRejected(
                    f"The workbook expands past {MAX_UNCOMPRESSED_BYTES >> 20:,} MB. {UNSAFE}"
                )
            if scan:
                window = tail + bytes(chunk)
                if any(marker in window for marker in _MARKERS):
                    raise WorkbookRejected(
                        f"Part {entry.filename} of the workbook declares XML entities, which "
                        f"Excel never writes. {UNSAFE}"
                    )
                tail = window[-len(_MARKERS[0]) :]


class CappedZipFile(zipfile.ZipFile):
    """A zip whose ``read`` inflates no more than each part's declared size: ZipFile.read
    inflates the whole stream first and only then cuts it to that size."""

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        with self.open(info, pwd=pwd) as part:
            return part.read(info.file_size)


def open_archive(data: bytes) -> CappedZipFile:
    return CappedZipFile(io.BytesIO(data))


def check_workbook_bytes(data: bytes, *, max_bytes: int) -> None:
    """Refuse ``data`` with WorkbookRejected, saying why, unless it is a workbook safe to parse."""
    if not data:
        raise WorkbookRejected(
            "The file is empty (0 bytes). Choose the saved workbook and try again."
        )
    if len(data) > max_bytes:
        raise WorkbookRejected(
            f"The file is {len(data) / 1_000_000:.1f} MB; the largest accepted is "
            f"{max_bytes / 1_000_000:.0f} MB."
        )
    if not data.startswith(ZIP_MAGIC):
        _reject_non_zip(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
            _check_parts(data, archive.infolist())
    except (zipfile.BadZipFile, struct.error):
        raise WorkbookRejected(
            "The file is damaged: it starts like a workbook but cannot be opened. "
            "Save it again from Excel."
        ) from None
