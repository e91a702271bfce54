"""Both languages are complete: every string of the window is in the Qt Linguist files, finished,
with its placeholders and mnemonic; the compiled .qm files match the .ts; the non-Qt texts
(domain/messages.py) have a Chinese text for every key; and the window really speaks Chinese."""

from __future__ import annotations

import re
import string

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit

from tests import update_translations as ut


@pytest.mark.parametrize("lang", list(ut.LANGUAGES))
def test_every_window_string_is_translated_and_compiled(lang):
    assert ut.sources(), "no module with tr() found"
    assert ut.problems(lang) == []


def test_the_checker_catches_a_missing_or_unfinished_string(tmp_path, monkeypatch):
    ts = ut.ts_path("zh_CN").read_text(encoding="utf-8")
    broken = tmp_path / "returns_desk_zh_CN.ts"
    broken.write_text(ts.replace("<translation>经理授权</translation>", '<translation type="unfinished"></translation>', 1)
                      .replace("<source>&amp;Quit</source>", "<source>&amp;Quit (old)</source>")
                      .replace("<translation>改用 %1（F4）</translation>", "<translation>改用（F4）</translation>"), encoding="utf-8")
    monkeypatch.setattr(ut, "ts_path", lambda lang: broken)
    monkeypatch.setattr(ut, "qm_path", lambda lang: tmp_path / "returns_desk_zh_CN.qm")
    found = "\n".join(ut.problems("zh_CN"))
    assert "'Manager approval': unfinished" in found
    assert "'&Quit': not in" in found
    assert "placeholders ['%1'] lost" in found
    assert "is not compiled from the current" in found


def test_message_tables_are_complete_with_the_same_placeholders():
    from returns_desk.domain import messages

    assert messages.missing_translations() == []
    fields = lambda text: sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)  # noqa: E731
    for key, en in messages._EN.items():
        zh = messages._ZH[key]
        assert zh.strip() and fields(zh) == fields(en), key
        if key not in ("recorded", "serial_invalid", "list_separator", "format_pdf"):
            assert re.search(r"[\u4e00-\u9fff]", zh), f"{key} is not in Chinese: {zh!r}"


def test_window_language_follows_flag_then_database_then_system(monkeypatch):
    from returns_desk.ui.app import window_language

    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert window_language("en", "zh_CN") == "en"
    assert window_language(None, "en") == "en"
    assert window_language(None, "") == "zh_CN"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert window_language(None, "") == "en"


@pytest.fixture
def chinese(qtbot):
    from returns_desk.ui import i18n
    from returns_desk.ui.app import make_application

    make_application("zh_CN")
    yield i18n.current_language()
    i18n.set_language("en")


@pytest.fixture
def people(desk):
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService

    p = PeopleService(desk)
    p.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin="482913")
    p.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    return p


#: English words that may stay in a Chinese window: the product's name, key names, and the data
#: (store, clerk and brand names). Codes in capitals (CN, CNY, YYYY-MM-DD, serials) are not words.
ALLOWED = {"Excel", "Letter", "Returns", "Desk", "Ctrl", "Enter", "Alt", "Tab", "Shop", "Chen", "Jing", "Anker"}


def visible_texts(window) -> list[str]:
    texts = [window.windowTitle()]
    for w in window.findChildren(QLabel):
        texts.append(w.text())
    for w in window.findChildren(QAbstractButton):
        texts.append(w.text())
    for w in window.findChildren(QGroupBox):
        texts.append(w.title())
    for w in window.findChildren(QLineEdit):
        texts.append(w.placeholderText())
    for w in window.findChildren(QComboBox):
        texts.extend(w.itemText(i) for i in range(w.count()))
    for menu_action in window.menuBar().actions():
        texts.append(menu_action.text())
        texts.extend(a.text() for a in menu_action.menu().actions())
    texts.extend(window.tabs.tabText(i) for i in range(window.tabs.count()))
    model = window.log_page.model
    texts.extend(model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount()))
    texts.extend(model.data(model.index(0, c)) or "" for c in range(model.columnCount()))
    texts.append(window.keyboard_help_text())
    return texts


@pytest.mark.gui
def test_chinese_window_has_no_english_left(qtbot, chinese, desk, people, returns):
    from returns_desk.domain.auth import Actor
    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.ui.app import ui_settings
    from returns_desk.ui.main_window import MainWindow

    returns.record(ReturnDraft(model_input="A1257", remedy="refund", amount="1490", serial="AKFF1Y0E48301745", clerk="Li Na",
                               condition="swollen", isolation_confirmed=True, override_reason="test"), actor=Actor("Chen Jing", "manager"))
    w = MainWindow(desk, "zh_CN", ui_settings(), people.authenticate("Li Na", "1357"))
    qtbot.addWidget(w)
    leftovers = []
    for text in visible_texts(w):
        text = re.sub(r"<[^>]+>|&\w+;", " ", text.replace(desk.conn.path, "")).replace("&", "")
        words = set(re.findall(r"\b[A-Za-z][a-z]{2,}", text)) - ALLOWED
        if words:
            leftovers.append((text, sorted(words)))
    assert leftovers == [], "\n".join(map(repr, leftovers))
    assert w.log_page.count_label.text() == "共 1 条退货记录"
    assert w.log_page.model.data(w.log_page.model.index(0, 8)) == "¥1,490.00"
    # the recall texts come from the catalogue in Chinese; the labels around them are translated
    w.counter.model_edit.setText("A1257")
    html = w.counter.recall_view.toPlainText()
    assert "发布机构：" in html and "国家市场监督管理总局" in html
    assert w.counter.condition_combo.itemText(1) == "完好（外观正常）"
    w.close()


@pytest.mark.gui
def test_english_plural_forms(qtbot, desk, people, returns):
    from returns_desk.domain.auth import Actor
    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.ui.app import make_application
    from returns_desk.ui.returns_log_page import ReturnsLogPage

    make_application("en")
    page = ReturnsLogPage(desk, "en", lambda: Actor("Li Na", "clerk"))
    qtbot.addWidget(page)
    assert page.count_label.text() == "0 returns"
    returns.record(ReturnDraft(model_input="A1257", remedy="refund", amount="149", serial="AKFF1Y0E48301745", clerk="Li Na",
                               condition="intact", isolation_confirmed=True), actor=Actor("Li Na", "clerk"))
    page.refresh()
    assert page.count_label.text() == "1 return"


def test_tr_calls_are_where_lupdate_finds_them():
    """lupdate reads ``self.tr("literal")`` calls. It misses one inside an f-string, through an
    alias (``t = self.tr``) or with a computed text, so those strings would never be translated."""
    import io
    import tokenize

    for path in ut.sources():
        source = path.read_text(encoding="utf-8")
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING and tok.string[:2].lower() in ('f"', "f'", 'rf', 'fr') and re.search(r"\btr\(", tok.string):
                pytest.fail(f"{path.name}:{tok.start[0]}: tr() inside an f-string")
        assert not re.search(r"=\s*self\.tr\s*$", source, re.M), f"{path.name}: tr aliased"
        computed = re.findall(r"\btr\((?!\s*[\"'])", source)
        assert not computed, f"{path.name}: tr() of a computed text"
