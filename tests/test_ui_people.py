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
