"""Read a PDF the way a reviewer would: its pages as PNG images, and its text page by page."""

import subprocess
from pathlib import Path


def pages_as_png(pdf: Path, out: Path, resolution: int = 50) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(pdf), str(out / "page")], check=True
    )
    return sorted(out.glob("page-*.png"))


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (bytes 16-24 of the IHDR chunk)."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def is_blank(path: Path) -> bool:
    """A page image with almost no dark pixels: nothing was printed on it."""
    import zlib

    raw = path.read_bytes()
    chunks, i = [], 8
    while i < len(raw):
        length = int.from_bytes(raw[i : i + 4], "big")
        kind = raw[i + 4 : i + 8]
        if kind == b"IDAT":
            chunks.append(raw[i + 8 : i + 8 + length])
        i += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    dark = sum(1 for b in pixels[::3] if b < 128)
    return dark < 50
