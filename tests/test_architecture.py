"""The layers stay apart: domain is pure, storage owns SQL, nothing below the UI imports Qt."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "returns_desk"


def imports_of(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(PKG))] = names
    return found


def test_domain_imports_no_qt_and_no_sql():
    for path, names in imports_of(PKG / "domain").items():
        bad = {n for n in names if n.split(".")[0] in {"PySide6", "sqlite3", "sqlite_utils"}}
        bad |= {n for n in names if n.startswith(("returns_desk.storage", "returns_desk.services", "returns_desk.ui"))}
        assert not bad, f"{path} imports {bad}"


def test_sql_only_in_storage():
    for layer in ("domain", "services"):
        for path, names in imports_of(PKG / layer).items():
            bad = {n for n in names if n.split(".")[0] in {"sqlite3", "sqlite_utils", "PySide6"}}
            assert not bad, f"{path} imports {bad}"
        for path in (PKG / layer).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for word in ("SELECT ", "INSERT INTO", "UPDATE returns", "CREATE TABLE"):
                assert word not in text, f"{path.name} holds SQL ({word.strip()})"


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=PKG.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_reports_and_exports_hold_no_sql_and_qt_only_in_printing():
    for layer in ("reports", "export"):
        for path, names in imports_of(PKG / layer).items():
            bad = {n for n in names if n.split(".")[0] in {"sqlite3", "sqlite_utils"}}
            if path != "reports/printing.py":
                bad |= {n for n in names if n.split(".")[0] == "PySide6"}
            bad |= {n for n in names if n.startswith("returns_desk.ui")}
            assert not bad, f"{path} imports {bad}"
        for path in (PKG / layer).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for word in ("SELECT ", "INSERT INTO", "UPDATE returns", "CREATE TABLE"):
                assert word not in text, f"{path.name} holds SQL ({word.strip()})"


def test_message_tables_have_no_duplicate_keys():
    """A key written twice silently replaces the first text (merges make this easy to miss)."""
    import collections

    tree = ast.parse((PKG / "domain" / "messages.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert not [k for k, n in collections.Counter(keys).items() if n > 1]
