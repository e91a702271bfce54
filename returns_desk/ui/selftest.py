"""``returns-desk --selftest``: a headless check that a build (or an install) is whole.

In a temporary folder it creates a database (migrations and the seeded recall catalogue), sets
up a store and a manager, records one return, loads the Chinese translations (ours and Qt's),
builds the main window offscreen and renders a daily report to PDF. Nothing outside the
temporary folder is touched. It prints ``selftest ok`` and returns 0, or one line saying what
failed and returns 1.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

def _headless() -> None:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run(lang: str = "zh_CN", out: Callable[[str], None] = print) -> int:
    _headless()
    folder = Path(tempfile.mkdtemp(prefix="returns-desk-selftest-"))
    old_home = os.environ.get("RETURNS_DESK_HOME")
    os.environ["RETURNS_DESK_HOME"] = str(folder)
    step = "start"
    try:
        step = "database"
        from returns_desk.domain.returns import ReturnDraft
        from returns_desk.domain.vocab import INTACT, REFUND
        from returns_desk.services.desk import Desk
        from returns_desk.services.people_service import PeopleService
        from returns_desk.services.returns_service import ReturnsService

        desk = Desk.open(folder / "selftest.db")
        try:
            if not desk.catalogue.recalls:
                raise RuntimeError("the recall catalogue is empty")
            step = "set-up"
            people = PeopleService(desk)
            people.setup(store="Selftest", counter="C1", market="CN", manager="Manager", pin="482913")
            manager = people.authenticate("Manager", "482913")
            step = "record a return"
            entry = ReturnsService(desk).record(
                ReturnDraft(model_input="A1257", remedy=REFUND, amount="149.00", serial="AKFF1Y0E48301745",
                            condition=INTACT, clerk=manager.name, isolation_confirmed=True),
                actor=manager,
            )
            step = "translations"
            from PySide6.QtCore import QCoreApplication

            from returns_desk.ui import i18n
            from returns_desk.ui.app import make_application, ui_settings

            app = make_application()
            loaded = i18n.set_language("zh_CN")
            if len(loaded) != 2:
                raise RuntimeError(f"Chinese translations incomplete: loaded {[str(p) for p in loaded]}")
            if QCoreApplication.translate("MainWindow", "&File") != "文件(&F)":
                raise RuntimeError("the Chinese translation does not translate")
            i18n.set_language(lang)
            step = "main window"
            from returns_desk.ui.main_window import MainWindow

            window = MainWindow(desk, lang, ui_settings(), manager)
            app.processEvents()
            if window.log_page.model.rowCount() != 1:
                raise RuntimeError("the returns log does not show the recorded return")
            window.counter.model_edit.setText("A1257")
            app.processEvents()
            if not window.counter.recall_view.toPlainText().strip():
                raise RuntimeError("the counter shows no recall for A1257")
            window.close()
            step = "daily report"
            from returns_desk.reports.service import DailyReportService

            reports = DailyReportService(desk)
            report, _ = reports.report(reports.today(), by=manager.name)
            pdf = reports.write_pdf(report, folder / "daily.pdf", lang=lang, by=manager.name)
            if not pdf.read_bytes().startswith(b"%PDF") or pdf.stat().st_size < 2000:
                raise RuntimeError("the daily report PDF is empty")
            step = "verify"  # the guards, the hash chain and every event's signature (cryptography in the build)
            from returns_desk.services.verify_service import verify

            checked = verify(desk)
            if not checked.ok or not any(key == "verify_signed" for key, _ in checked.notes):
                raise RuntimeError(f"the audit trail does not verify: {checked.problems[:3]}")
        finally:
            desk.close()
    except Exception as exc:  # noqa: BLE001 - the one line a build check needs, then the detail
        out(f"selftest failed at {step}: {exc}")
        if sys.stderr is not None:  # a windowed Windows build has no stderr
            traceback.print_exc(file=sys.stderr)
        return 1
    finally:
        if old_home is None:
            os.environ.pop("RETURNS_DESK_HOME", None)
        else:
            os.environ["RETURNS_DESK_HOME"] = old_home
        shutil.rmtree(folder, ignore_errors=True)
    out(f"selftest ok (ticket {entry['ticket']}, catalogue {desk.catalogue.version}, {lang})")
    return 0
