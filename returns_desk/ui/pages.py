"""The main window's pages, in one list: title, shortcuts and how each is built.

The window builds its tabs, its View menu and its shortcuts from :data:`PAGES`, and the
whole-app journeys (``tests/test_journeys.py``) go through every entry of the same list, so a
page added here without a journey through it fails a test. Pages other than the counter are
built the first time they are shown: their modules are imported inside the factory, at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from returns_desk.ui.main_window import MainWindow


class PageSpec(NamedTuple):
    key: str
    tab_title: Callable[[], str]
    menu_title: Callable[[], str]
    shortcuts: tuple[str, ...]
    factory: Callable[[MainWindow], QWidget]
    eager: bool = False  # built with the window (the counter); the others when first shown


def _counter(window: MainWindow) -> QWidget:
    from returns_desk.ui.counter_page import CounterPage

    return CounterPage(window.desk, window.lang, lambda: window.actor)


def _log(window: MainWindow) -> QWidget:
    from returns_desk.ui.returns_log_page import ReturnsLogPage

    return ReturnsLogPage(window.desk, window.lang, lambda: window.actor, first_count=window.first_count)


def _reports(window: MainWindow) -> QWidget:
    from returns_desk.ui.report_page import ReportPage

    return ReportPage(window.desk, window.lang, lambda: window.actor)


def _custody(window: MainWindow) -> QWidget:
    from returns_desk.ui.custody_page import CustodyPage
    from returns_desk.ui.ticket_scan import open_entry_dialog

    return CustodyPage(window.desk, window.lang, lambda: window.actor,
                       open_entry=lambda ticket: open_entry_dialog(window, window.desk, window.lang, lambda: window.actor, ticket))


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "counter",
        lambda: QCoreApplication.translate("MainWindow", "Counter (F2)"),
        lambda: QCoreApplication.translate("MainWindow", "&Counter"),
        ("F2", "Ctrl+1"), _counter, eager=True,
    ),
    PageSpec(
        "log",
        lambda: QCoreApplication.translate("MainWindow", "Returns log (F3)"),
        lambda: QCoreApplication.translate("MainWindow", "Returns &log"),
        ("F3", "Ctrl+2"), _log,
    ),
    PageSpec(
        "reports",
        lambda: QCoreApplication.translate("MainWindow", "Reports (F6)"),
        lambda: QCoreApplication.translate("MainWindow", "&Reports"),
        ("F6", "Ctrl+3"), _reports,
    ),
    PageSpec(  # issue 14: quarantine containers, hand-over, reconciliation
        "custody",
        lambda: QCoreApplication.translate("MainWindow", "Custody (F7)"),
        lambda: QCoreApplication.translate("MainWindow", "C&ustody"),
        ("F7", "Ctrl+4"), _custody,
    ),
)


def page_spec(key: str) -> PageSpec:
    return next(p for p in PAGES if p.key == key)
