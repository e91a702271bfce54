"""The Qt binding must not leak or drop references on its hot paths: PySide6 6.12.0 drops a
reference to ``None`` on every call that returns nothing, and on Python 3.11 the process aborts
after a few thousand keystrokes ("Fatal Python error: none_dealloc"). pyproject.toml keeps it out."""

import sys

import pytest

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_the_reference_count_of_none(qtbot):
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("RECALLED")
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    for _ in range(5_000):
        painter.save()
        painter.restore()
    painter.end()
    assert sys.getrefcount(None) >= before - 100
