"""HTML to PDF with Debian's Chromium, headless: the printed pages keep the document's headings,
tables and text, so the PDF can be read aloud and searched."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PRINT_TIMEOUT_S = 180


class PdfError(RuntimeError):
    pass


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise PdfError(
            "PDFs are printed by Debian's Chromium: install it with 'apt-get install chromium' "
            "(scripts/run and scripts/test do this)."
        )
    return found


def html_to_pdf(document: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lfi-pdf-") as folder:
        page, out = Path(folder) / "document.html", Path(folder) / "document.pdf"
        page.write_text(document, encoding="utf-8")
        command = [
            chromium_path(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        result = subprocess.run(
            command, capture_output=True, timeout=PRINT_TIMEOUT_S, stdin=subprocess.DEVNULL
        )
        if not out.exists() or out.stat().st_size == 0:
            raise PdfError(f"Chromium printed no PDF: {result.stderr.decode()[-500:]}")
        return out.read_bytes()
