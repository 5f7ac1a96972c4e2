"""Read a PNG's pixels without an imaging library: enough of the format for what Chromium
writes (8-bit RGB or RGBA, not interlaced), so a test can count the pixels a chart inks."""

import struct
import zlib

import numpy as np

CHANNELS = {2: 3, 6: 4}  # PNG colour type: truecolour, truecolour with alpha


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, row: np.ndarray, above: np.ndarray, bpp: int) -> np.ndarray:
    """Undo one scanline's filter (PNG specification, section 9)."""
    if kind == 0:
        return row
    if kind == 2:
        return (row + above) % 256
    if kind == 1:
        grouped = row.reshape(-1, bpp).astype(np.int64)
        return (np.cumsum(grouped, axis=0) % 256).reshape(-1).astype(np.int64)
    out = row.copy()
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        if kind == 3:
            out[i] = (out[i] + (left + above[i]) // 2) % 256
        else:
            upper_left = above[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + _paeth(int(left), int(above[i]), int(upper_left))) % 256
    return out


def read_png(data: bytes) -> np.ndarray:
    """The image as an array of height x width x 3 (RGB, alpha composed over white)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat, header = 8, [], None
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        i += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in CHANNELS and interlace == 0, f"unsupported PNG {header}"
    bpp = CHANNELS[colour]
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).astype(np.int64)
    stride = width * bpp + 1
    rows, above = [], np.zeros(width * bpp, dtype=np.int64)
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        above = _unfilter(int(line[0]), line[1:], above, bpp)
        rows.append(above)
    pixels = np.stack(rows).reshape(height, width, bpp)
    if bpp == 4:
        alpha = pixels[..., 3:4] / 255
        return (pixels[..., :3] * alpha + 255 * (1 - alpha)).astype(np.int64)
    return pixels
