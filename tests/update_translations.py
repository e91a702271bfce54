"""Re-extract the window's strings into the Qt Linguist files and compile them.

    .venv/bin/python tests/update_translations.py          # lupdate + lrelease; lists what is unfinished
    .venv/bin/python tests/update_translations.py --check  # change nothing; exit 1 if anything is missing

After a change to the window's text: run it, translate the entries it lists (Qt Linguist:
``.venv/bin/pyside6-linguist resources/i18n/returns_desk_zh_CN.ts``, or edit the XML), run it
again so the ``.qm`` files are compiled, and commit the ``.ts`` and ``.qm`` together.
``tests/test_translations.py`` fails while a string is missing, unfinished or compiled late.

The commands it runs, for the record (the source list is every module of ``returns_desk`` that
calls ``tr()``):

    pyside6-lupdate -locations none -no-obsolete -source-language en -target-language zh_CN \\
        returns_desk/ui/*.py -ts resources/i18n/returns_desk_zh_CN.ts
    pyside6-lupdate -locations none -no-obsolete -pluralonly -source-language en -target-language en \\
        returns_desk/ui/*.py -ts resources/i18n/returns_desk_en.ts
    pyside6-lrelease resources/i18n/returns_desk_zh_CN.ts -qm resources/i18n/returns_desk_zh_CN.qm
    pyside6-lrelease resources/i18n/returns_desk_en.ts -qm resources/i18n/returns_desk_en.qm

English needs a file only for plural forms ("1 return" / "3 returns").
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "returns_desk"
I18N = ROOT / "resources" / "i18n"
#: language -> extra lupdate options. English holds only the plural forms.
LANGUAGES = {"zh_CN": [], "en": ["-pluralonly"]}
_TR_CALL = re.compile(r"\b(?:tr|translate|QT_TR_NOOP|QT_TRANSLATE_NOOP)\(")
_PLACEHOLDER = re.compile(r"%(?:n|L?\d)")


def tool(name: str) -> str:
    """``pyside6-lupdate`` and friends: beside this Python (a virtual environment), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e '.[test]')")
    return found


def sources() -> list[Path]:
    """Every Qt module of the package that calls tr() (ui/ today, and whatever joins it)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "PySide6" in text and _TR_CALL.search(text):
            found.append(path)
    return found


def ts_path(lang: str) -> Path:
    return I18N / f"returns_desk_{lang}.ts"


def qm_path(lang: str) -> Path:
    return I18N / f"returns_desk_{lang}.qm"


def lupdate(ts: Path, lang: str) -> None:
    """Extract into ``ts``: new strings are added as unfinished, translations already there are kept."""
    cmd = [tool("pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete", "-source-language", "en",
           "-target-language", lang, *LANGUAGES[lang], *(str(p.relative_to(ROOT)) for p in sources()), "-ts", str(ts)]
    subprocess.run(cmd, cwd=ROOT, check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True)


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    numerus: bool
    translations: tuple[str, ...]  # one per plural form (one for an ordinary message)
    unfinished: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.source, self.comment)


def read_ts(ts: Path) -> dict[tuple[str, str, str], Message]:
    out: dict[tuple[str, str, str], Message] = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            assert tr is not None
            numerus = m.get("numerus") == "yes"
            forms = tuple((f.text or "") for f in tr.iter("numerusform")) if numerus else (tr.text or "",)
            msg = Message(name, m.findtext("source") or "", m.findtext("comment") or "", numerus, forms,
                          tr.get("type") in ("unfinished", "obsolete", "vanished"))
            out[msg.key] = msg
    return out


def problems(lang: str) -> list[str]:
    """What is wrong with the committed files for ``lang``, compared with a fresh extraction:
    a source missing, unfinished or empty, a placeholder lost, or a ``.qm`` older than its ``.ts``."""
    found: list[str] = []
    committed = read_ts(ts_path(lang)) if ts_path(lang).exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / f"fresh_{lang}.ts"
        lupdate(fresh_ts, lang)
        fresh = read_ts(fresh_ts)
        for key, msg in fresh.items():
            where = f"{lang} [{msg.context}] {msg.source!r}"
            done = committed.get(key)
            if done is None:
                found.append(f"{where}: not in {ts_path(lang).name}")
                continue
            if done.unfinished or not all(t.strip() for t in done.translations):
                found.append(f"{where}: unfinished or empty")
                continue
            wanted = set(_PLACEHOLDER.findall(msg.source)) | ({"%n"} if msg.numerus else set())
            for t in done.translations:
                lost = wanted - set(_PLACEHOLDER.findall(t))
                extra = set(_PLACEHOLDER.findall(t)) - wanted
                if lost or extra:
                    found.append(f"{where}: placeholders {sorted(lost)} lost, {sorted(extra)} added in {t!r}")
            if "&" in msg.source.replace("&&", "") and not all("&" in t for t in done.translations):
                found.append(f"{where}: the mnemonic (&) is missing in {done.translations!r}")
        if ts_path(lang).exists():
            compiled = Path(tmp) / f"fresh_{lang}.qm"
            lrelease(ts_path(lang), compiled)
            if not qm_path(lang).exists() or qm_path(lang).read_bytes() != compiled.read_bytes():
                found.append(f"{qm_path(lang).name} is not compiled from the current {ts_path(lang).name}: run tests/update_translations.py")
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="change nothing; list the problems and exit 1 if any")
    args = ap.parse_args()
    if not args.check:
        I18N.mkdir(parents=True, exist_ok=True)
        for lang in LANGUAGES:
            lupdate(ts_path(lang), lang)
            lrelease(ts_path(lang), qm_path(lang))
            print(f"{ts_path(lang).relative_to(ROOT)} -> {qm_path(lang).relative_to(ROOT)}")
    found = [p for lang in LANGUAGES for p in problems(lang)]
    for p in found:
        print(p)
    print(f"{len(found)} problem(s)" if found else "translations complete")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
