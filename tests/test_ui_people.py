"""First run and sign-in dialogs, driven for real."""

import pytest

from returns_desk.services.people_service import PeopleService

pytestmark = pytest.mark.gui


@pytest.fixture
def app():
    from returns_desk.ui.app import make_application

    return make_application()


def test_first_run_creates_the_store_and_manager(qtbot, app, desk):
    from returns_desk.ui.people_dialogs import FirstRunDialog

    people = PeopleService(desk)
    d = FirstRunDialog(people, "en")
    qtbot.addWidget(d)
    d.store_edit.setText("Wangfujing")
    d.counter_edit.setText("C3")
    d.market_combo.setCurrentIndex(d.market_combo.findData("US"))
    d.manager_edit.setText("Chen Jing")
    d.pin_edit.setText("2580")
    d.pin2_edit.setText("2581")
    d.submit()
    assert "differ" in d.error.text() and not people.is_set_up()
    d.pin2_edit.setText("2580")
    d.submit()
    assert d.result() == d.DialogCode.Accepted and people.is_set_up()
    assert desk.settings["store_name"] == "Wangfujing" and desk.settings.market == "US" and desk.settings["time_zone"] == "America/New_York"


def test_first_run_refuses_a_weak_pin_and_keeps_the_form(qtbot, app, desk):
    from returns_desk.ui.people_dialogs import FirstRunDialog

    d = FirstRunDialog(PeopleService(desk), "en")
    qtbot.addWidget(d)
    d.store_edit.setText("S")
    d.manager_edit.setText("M")
    d.pin_edit.setText("12")
    d.pin2_edit.setText("12")
    d.submit()
    assert "4 to 12 digits" in d.error.text() and d.store_edit.text() == "S"


def test_sign_in_dialog(qtbot, app, desk):
    from returns_desk.ui.people_dialogs import SignInDialog

    people = PeopleService(desk)
    people.setup(store="S", counter="C1", market="CN", manager="Chen Jing", pin="2580")
    d = SignInDialog(people, "zh_CN")
    qtbot.addWidget(d)
    d.name_combo.setCurrentText("Chen Jing")
    d.pin_edit.setText("1111")
    d.submit()
    assert "不正确" in d.error.text() and d.pin_edit.text() == ""
    d.pin_edit.setText("２５８０")  # full-width digits from a Chinese input method
    d.submit()
    assert d.actor is not None and d.actor.role == "manager"


def test_start_up_offers_the_newest_backup_for_a_damaged_database(qtbot, app, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from returns_desk.services import backup_service
    from returns_desk.services.desk import Desk
    from returns_desk.ui.app import open_or_recover

    db = tmp_path / "shop.db"
    d = Desk.open(db)
    backup_service.backup(d)
    d.close()
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8192)
    for side in ("-wal", "-shm"):
        (tmp_path / f"shop.db{side}").unlink(missing_ok=True)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: None)
    assert open_or_recover(str(db), "en") is None and "Restore the newest good backup" in asked[0]
    assert db.read_bytes().startswith(b"SQLite format 3\x00\xff")  # nothing changed without a yes
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    desk = open_or_recover(str(db), "en")
    assert desk is not None and desk.catalogue.version
    desk.close()
    assert list(tmp_path.glob("shop.damaged-*.db"))
