"""The window's language: Qt translators for our strings and for Qt's own (standard buttons).

Our translations are ``resources/i18n/returns_desk_<lang>.qm``, compiled from the ``.ts`` files
beside them (``tests/update_translations.py`` re-runs lupdate and lrelease). English needs a file
too, but only for plural forms (``%n return(s)`` -> "1 return", "3 returns").
Qt's own Chinese (``qtbase_zh_CN.qm``) is taken from ``resources/i18n`` when a build put it there,
else from PySide6's translations folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from returns_desk import paths
from returns_desk.domain.messages import normalise_lang

log = logging.getLogger(__name__)

#: Translators in use; Qt does not own them, so they are kept alive here.
_installed: list[QTranslator] = []
_current: str | None = None


def app_qm(lang: str) -> Path:
    return paths.resource_path("i18n", f"returns_desk_{lang}.qm")


def qt_qm_candidates(lang: str) -> list[Path]:
    name = f"qtbase_{lang}.qm"
    return [paths.resource_path("i18n", name), Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / name]


def current_language() -> str | None:
    return _current


def set_language(lang: str) -> list[Path]:
    """Install the translators for ``lang`` (``en`` or ``zh_CN``), replacing any installed before,
    and make it the default QLocale. Widgets built afterwards speak it. Returns the files loaded."""
    global _current
    app = QCoreApplication.instance()
    if app is None:  # pragma: no cover - the window makes the application first
        raise RuntimeError("set_language needs a QApplication")
    lang = normalise_lang(lang)
    for t in _installed:
        app.removeTranslator(t)
        t.deleteLater()
    _installed.clear()
    loaded: list[Path] = []
    files = [app_qm(lang)]
    if lang != "en":
        files.append(next((p for p in qt_qm_candidates(lang) if p.exists()), qt_qm_candidates(lang)[-1]))
    for path in files:
        translator = QTranslator(app)
        if translator.load(str(path)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(path)
        else:
            log.warning("translation %s could not be loaded; some text stays in English", path)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    _current = lang
    return loaded
