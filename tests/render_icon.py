"""Draw the application icon's PNG sizes and the Windows .ico from the SVG, with Qt.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/render_icon.py

Writes ``resources/icons/returns-desk-{16,32,48,256}.png`` and ``resources/icons/returns-desk.ico``
(the same PNGs inside, the form Windows has read since Vista). Run it after editing the SVG.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 256)


def render(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding PNG images (ICONDIR, one ICONDIRENTRY per size, then the PNGs)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = ICONS / "returns-desk.svg"
    pngs = {size: render(svg, size) for size in SIZES}
    for size, png in pngs.items():
        (ICONS / f"returns-desk-{size}.png").write_bytes(png)
        print(ICONS / f"returns-desk-{size}.png")
    (ICONS / "returns-desk.ico").write_bytes(ico(pngs))
    print(ICONS / "returns-desk.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
