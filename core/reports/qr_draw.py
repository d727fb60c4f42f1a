"""QR codes drawn straight onto the page as vector modules.

The matrix comes from zxing-cpp's compiled encoder (about 3 ms for a phase-2 ZATCA QR of ~500 characters, with
the best of the eight mask patterns); pure-Python `qrcode` takes 40-95 ms with its mask search and still ~20 ms
with a fixed mask. Drawing the modules as one vector path keeps the code sharp at any print size and needs no
imaging library. Tests decode the printed page with a different reader (zbar).
"""

from __future__ import annotations

import re
from typing import Any

import zxingcpp

_DARK_RUN = re.compile(b"\x00+")


def _modules(value: str) -> tuple[bytes, int, int]:
    """The module bytes of `value` (error correction M), row by row without the quiet zone: 0 is a dark module."""
    code = zxingcpp.create_barcode(value, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    rows, cols = image.shape or (0, 0)
    return image.tobytes(), rows, cols


def matrix(value: str) -> list[list[bool]]:
    """The module matrix of `value`; True is a dark module."""
    data, rows, cols = _modules(value)
    return [[data[r * cols + c] == 0 for c in range(cols)] for r in range(rows)]


def draw_qr(canvas: Any, value: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of `value` with its lower-left corner at (x, y), `size` points square including a four-module
    quiet zone. The modules are written in module units under one scaling matrix, each dark run of a row one
    rectangle, all filled as one path: a few hundred bytes of operators, no per-rectangle float formatting."""
    data, rows, cols = _modules(value)
    module = size / (rows + 8)
    ops = [f"q 1 g {x:.3f} {y:.3f} {size:.3f} {size:.3f} re f 0 g {module:.5f} 0 0 {module:.5f} {x:.3f} {y:.3f} cm"]
    for r in range(rows):
        bottom = rows - r + 3  # row 0 is the top; four quiet modules below the last row
        for run in _DARK_RUN.finditer(data, r * cols, (r + 1) * cols):
            ops.append(f"{run.start() - r * cols + 4} {bottom} {run.end() - run.start()} 1 re")
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))
