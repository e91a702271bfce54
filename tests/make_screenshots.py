"""Screenshots of the real window for the README, taken under a real X server.

    xvfb-run -a -s "-screen 0 1400x950x24" .venv/bin/python tests/make_screenshots.py [--lang zh_CN] [OUT_DIR]

With ``--lang zh_CN`` the window is in Chinese (store and clerk names too) and the files end in ``-zh``.

It builds a temporary database, records a few returns, drives the counter through the
recalled, not-affected and hazard paths with real key events, and grabs the screen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="docs/screenshots")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="rd-shots-"))
    os.environ["RETURNS_DESK_HOME"] = str(tmp)

    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.services.desk import Desk
    from returns_desk.services.returns_service import ReturnsService
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService

    zh = args.lang.startswith("zh")
    app = make_application(args.lang)  # installs the translators before any widget is built
    desk = Desk.open(tmp / "shots.db")
    people = PeopleService(desk)
    # names as the shop would type them in each language
    store, manager, (li, wang, zhang) = (("王府井店", "陈静", ("李娜", "王芳", "张伟")) if zh
                                         else ("Wangfujing", "Chen Jing", ("Li Na", "Wang Fang", "Zhang Wei")))
    people.setup(store=store, counter="C1", market="CN", manager=manager, pin="482913", language=args.lang)
    for name in (li, wang, zhang):
        people.add_clerk(Actor(manager, "manager"), name, "clerk", "1357")
    svc = ReturnsService(desk)
    start = dt.datetime(2025, 7, 1, 2, 0, tzinfo=dt.timezone.utc)
    samples = [
        ("A1257", "refund", "149.00", "AKFF1Y0E48301745", None, "intact", li),
        ("A1681", "voucher", "279.00", "AKFF1Y0E48301999", None, "swollen", wang),
        ("PAC20-272", "replacement", None, None, "C14-P6", "intact", li),
        ("A1647", "refund", "199.00", "A1647SERIAL00001", None, "damaged", zhang),
        ("PLT20A-152", "refund", "89.00", None, "M20-Q1", "intact", wang),
    ]
    tickets = []
    for i, (model, remedy, amount, serial, batch, cond, clerk) in enumerate(samples):
        e = svc.record(ReturnDraft(model_input=model, remedy=remedy, amount=amount, serial=serial, batch=batch,
                                   condition=cond, clerk=clerk, at=start + dt.timedelta(minutes=17 * i), isolation_confirmed=True),
                       actor=Actor(clerk, "clerk"))
        tickets.append(e["ticket"])
    svc.void(tickets[-1], reason="重复录入" if zh else "entered twice", by=Actor(manager, "manager"))

    window = MainWindow(desk, args.lang, ui_settings(), people.authenticate(li, "1357"))
    window.resize(1366, 768)  # the commonest counter screen; the window keeps inside it (fit_to_screen)
    window.fit_to_screen()
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    page = window.counter

    def shot(name: str) -> None:
        app.processEvents()
        QTest.qWait(150)
        QGuiApplication.primaryScreen().grabWindow(window.winId()).save(str(out / f"{name}.png"))
        print(out / f"{name}.png")

    suffix = "-zh" if zh else ""
    page.model_edit.setFocus()
    QTest.keyClicks(page.model_edit, "Anker A1257")
    QTest.keyClick(page.model_edit, Qt.Key.Key_Return)
    QTest.keyClicks(page.serial_edit, "AKFF1Y0E48301746")
    page.condition_combo.setCurrentIndex(1)
    page.isolated_check.setChecked(True)
    shot(f"counter-recalled{suffix}")

    page.clear_form()
    QTest.keyClicks(page.model_edit, "pac20-272")
    QTest.keyClicks(page.batch_edit, "C14-P5")
    shot(f"counter-not-affected{suffix}")

    page.clear_form()
    QTest.keyClicks(page.model_edit, "A1689")
    page.condition_combo.setCurrentIndex(3)  # hot: the emergency card and the incident (F9)
    shot(f"counter-hazard{suffix}")
    QTest.keyClick(page.model_edit, Qt.Key.Key_F9)  # the stopped return recorded as an incident
    QTest.keyClicks(page.model_edit, "PAC20-272")
    QTest.keyClicks(page.batch_edit, "C14-P5")
    QTest.keyClick(page.batch_edit, Qt.Key.Key_F8)  # a customer told they are not affected

    page.clear_form()
    window.show_log()
    window.log_page.table.selectRow(0)
    shot(f"log{suffix}")
    # a reprint of the newest return's slip, in the print preview at the size it opens
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def grab_preview() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(100, grab_preview)
            return
        QTest.qWait(400)
        QGuiApplication.primaryScreen().grabWindow(dialog.winId()).save(str(out / f"reprint-preview{suffix}.png"))
        print(out / f"reprint-preview{suffix}.png")
        dialog.reject()
        entry_dialog = QApplication.activeModalWidget()
        if entry_dialog is not None:
            QTimer.singleShot(100, entry_dialog.reject)

    def reprint_from_entry() -> None:
        entry_dialog = QApplication.activeModalWidget()
        if entry_dialog is None:
            QTimer.singleShot(100, reprint_from_entry)
            return
        QTimer.singleShot(300, grab_preview)
        entry_dialog.reprint("slip")  # type: ignore[attr-defined]

    window.log_page.table.selectRow(window.log_page.model.rowCount() - 1)
    QTimer.singleShot(300, reprint_from_entry)
    window.log_page.open_current()
    window.tabs.setCurrentWidget(window.report_page)
    window.report_page.date_edit.setText("2025-07-01")
    window.report_page.show_report()
    shot(f"reports{suffix}")
    window.close()
    desk.close()
    # head office: the status bar in each sync state and the store's report from head office
    # (a PostgreSQL of their own, tests/make_hq_screenshots.py)
    from make_hq_screenshots import take_head_office

    for path in take_head_office(out, args.lang):
        print(path)
    # the Custody page, a hand-over manifest and a bag label (issue 14), from a store of their own
    from make_custody_screenshots import take

    take(out, args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
