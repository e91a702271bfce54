"""Child processes for the benchmarks that need a fresh interpreter (run by ``tests.bench.run``).

    python -m tests.bench.child bare                 a bare PySide6 window (the start-up baseline)
    python -m tests.bench.child app DB [--log]       the real application (``returns-desk --db DB``)
    python -m tests.bench.child log DB [--trace]     the returns log: first screen, scrolling, memory
    python -m tests.bench.child phases DB            where the application's start-up goes

``bare`` and ``app`` print ``READY <peak RSS kB>`` once the main window is shown and the event
loop is idle (``QAbstractEventDispatcher.aboutToBlock``: nothing left to do but wait for
input), then quit. The parent times process start to that line. ``app`` also reads the returns
log's first screen (rows the log's table would show) before the marker, so "usable" includes
it; with ``--log`` it then opens the log tab, scrolls to the end and prints ``AFTER-LOG <kB>``.

``log`` prints one JSON object.
"""

from __future__ import annotations

import sys
import time

MARKER = "READY"


def peak_rss_kb() -> int:
    """VmHWM: the most resident memory this process ever had (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _when_idle(callback) -> None:
    """Call ``callback`` once, the first time the event loop is about to block (idle)."""
    from PySide6.QtCore import QAbstractEventDispatcher

    dispatcher = QAbstractEventDispatcher.instance()
    done = []

    def fire() -> None:
        if done:
            return
        done.append(True)
        dispatcher.aboutToBlock.disconnect(fire)
        callback()

    dispatcher.aboutToBlock.connect(fire)


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLineEdit())
    window.resize(1280, 860)
    window.show()

    def ready() -> None:
        print(f"{MARKER} {peak_rss_kb()}", flush=True)
        app.quit()

    _when_idle(ready)
    return app.exec()


def app(db: str, with_log: bool) -> int:
    """The real entry point, ``returns_desk.cli.main(["--db", db])``, with one hook: when the
    main window is shown, wait for the idle event loop, read the log's first screen, print."""
    import returns_desk.ui.main_window as mw

    original_show = mw.MainWindow.show

    def show(window) -> None:
        original_show(window)
        from PySide6.QtWidgets import QApplication

        def ready() -> None:
            model = window.log_page.model
            table = window.log_page.table
            rows = max(1, table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize()) + 1)
            for r in range(min(rows, model.rowCount())):
                for c in range(model.columnCount()):
                    model.data(model.index(r, c))
            print(f"{MARKER} {peak_rss_kb()}", flush=True)
            if with_log:
                window.show_log()
                QApplication.processEvents()
                table.scrollToBottom()
                QApplication.processEvents()
                table.viewport().grab()
                print(f"AFTER-LOG {peak_rss_kb()} rows={model.rowCount()} cached={model.cached_rows}", flush=True)
            window.close()

        _when_idle(ready)

    mw.MainWindow.show = show  # type: ignore[method-assign]
    _signed_in_already(db)
    from returns_desk.cli import main

    return main(["--db", db])


MANAGER, PIN = "Bench Manager", "2580"


def set_up(db: str) -> None:
    """The store of a benchmark database, set up once with its manager (``MANAGER``, ``PIN``)."""
    from returns_desk.services.desk import Desk
    from returns_desk.services.people_service import PeopleService

    desk = Desk.open(db)
    try:
        people = PeopleService(desk)
        if not people.is_set_up():
            people.setup(store="Bench", counter="C1", market="CN", manager=MANAGER, pin=PIN)
    finally:
        desk.close()


def _signed_in_already(db: str) -> None:
    """The store is set up and the clerk's PIN is accepted at once: start-up is timed from process
    start to the usable main window, without a person typing a PIN in between."""
    from returns_desk.domain.auth import Actor
    from returns_desk.ui import people_dialogs

    set_up(db)
    people_dialogs.SignInDialog.ask = classmethod(lambda cls, *a, **k: Actor(MANAGER, "manager"))


def phases(db: str) -> int:
    """Where the application's start-up goes: the steps of ``run_window`` one by one, timed.
    Prints one JSON object of milliseconds."""
    import json

    marks = [("interpreter", time.perf_counter())]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    from PySide6 import QtCore, QtGui, QtWidgets  # noqa: F401  (what the bare window imports too)

    mark("import PySide6")
    import returns_desk.cli  # noqa: F401
    from returns_desk.ui import app as appmod
    from returns_desk.ui.main_window import MainWindow

    mark("import Returns Desk (Qt enum set-up included)")
    from returns_desk.services.desk import Desk

    app = appmod.make_application()
    mark("QApplication, fonts, style sheet")
    desk = Desk.open(db)
    mark("Desk.open")
    import returns_desk.services.log_service as log_service

    waited = []
    original = log_service.LogService.count_soon

    def count_soon(self, flt):
        result = original(self, flt)

        def timed() -> int:
            t0 = time.perf_counter()
            try:
                return result()
            finally:
                waited.append((time.perf_counter() - t0) * 1000)

        return timed

    log_service.LogService.count_soon = count_soon  # type: ignore[method-assign]
    from returns_desk.domain.auth import Actor

    window = MainWindow(desk, "en", appmod.ui_settings(), Actor("Bench Manager", "manager"))
    mark("MainWindow() (counter page, log page, log count)")
    window.show()
    window.counter.model_edit.setFocus()

    def ready() -> None:
        mark("show until the event loop is idle")
        out = {name: (t - marks[i][1]) * 1000 for i, (name, t) in enumerate(marks[1:])}
        out["of which: waiting for the log's count (run in the background)"] = sum(waited)
        print(json.dumps(out), flush=True)
        window.close()

    _when_idle(ready)
    app.exec()
    desk.close()
    return 0


def log(db: str, trace: bool) -> int:
    """The returns log at the size it has in the window: first screen, then scrolling. Each
    figure ends when the table's viewport has finished painting (its paintEvent returned)."""
    import json
    import random
    import tracemalloc

    from PySide6.QtCore import QEventLoop
    import string

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from returns_desk.services.desk import Desk
    from returns_desk.services.log_service import LogService
    from returns_desk.ui.app import make_application
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    class View(QTableView):
        paints = 0

        def paintEvent(self, event) -> None:  # noqa: N802
            super().paintEvent(event)
            self.paints += 1

    def painted(view: View, before: int) -> None:
        deadline = time.perf_counter() + 10
        while view.paints == before and time.perf_counter() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if view.paints == before:
            raise SystemExit("the table never painted")

    make_application()
    # warm Qt's painting and fonts on a throw-away table, so the figure is the log's own cost: its
    # cells hold text (letters, digits, punctuation), so the glyphs every window of the
    # application has drawn by the time the log is opened are drawn once here too (for both
    # databases alike), not counted as the log's
    warm = View()
    warm_model = QStandardItemModel(40, 10)
    glyphs = string.ascii_letters + string.digits + string.punctuation + " "
    for r in range(40):
        for c in range(10):
            warm_model.setItem(r, c, QStandardItem(glyphs[(r * 10 + c) % len(glyphs):][:16]))
    warm.setModel(warm_model)
    warm.resize(1300, 700)
    warm.show()
    painted(warm, 0)
    warm.close()
    desk = Desk.open(db)
    QApplication.processEvents()
    rss_before = rss_kb()
    if trace:
        tracemalloc.start()
    out: dict = {}
    t0 = time.perf_counter()
    model = ReturnsTableModel(LogService(desk))
    view = View()
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(26)
    view.verticalHeader().hide()
    view.resize(1300, 700)
    view.show()
    painted(view, 0)  # the first screen: every visible cell asked for its text and drawn
    out["first_screen_ms"] = (time.perf_counter() - t0) * 1000
    out["rows"] = model.rowCount()
    out["pages_read_first_screen"] = model.pages_read

    bar = view.verticalScrollBar()

    def scroll_to(value: int) -> float:
        if value == bar.value():
            return 0.0
        before = view.paints
        t0 = time.perf_counter()
        bar.setValue(value)
        painted(view, before)
        return (time.perf_counter() - t0) * 1000

    out["scroll_to_end_ms"] = scroll_to(bar.maximum()) if bar.maximum() else 0.0
    scroll_to(0)
    # page down through the first 2,000 rows, then jump all over the table
    steps = [scroll_to(min(bar.maximum(), bar.value() + bar.pageStep())) for _ in range(2_000 // 26)] if bar.maximum() else [0.0]
    rng = random.Random(1)
    jumps = [scroll_to(rng.randrange(bar.maximum() + 1)) for _ in range(100)] if bar.maximum() else [0.0]
    steps.sort()
    jumps.sort()
    out["page_down_p50_ms"] = steps[len(steps) // 2]
    out["page_down_max_ms"] = steps[-1]
    out["jump_p50_ms"] = jumps[len(jumps) // 2]
    out["jump_max_ms"] = jumps[-1]
    out["pages_read"] = model.pages_read
    out["cached_rows"] = model.cached_rows
    if trace:
        out["traced_peak_kb"] = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    out["rss_before_kb"] = rss_before
    out["rss_after_kb"] = rss_kb()
    out["peak_rss_kb"] = peak_rss_kb()
    view.close()
    desk.close()
    print(json.dumps(out), flush=True)
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "bare":
        return bare()
    if mode == "app":
        return app(argv[1], "--log" in argv)
    if mode == "log":
        return log(argv[1], "--trace" in argv)
    if mode == "phases":
        return phases(argv[1])
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
