"""Static checks in the test run: ruff (pyflakes, bugbear, TC004) over the code and the tests,
mypy over returns_desk/. Zero findings; the configuration is in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    r = _run("ruff", "check", "--no-cache", "returns_desk", "tests")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_names_a_type_checking_import_used_at_run_time(tmp_path):
    """The check that would have caught the Reports page's NameError is switched on."""
    bad = tmp_path / "page.py"
    bad.write_text(
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from returns_desk.ui.report_page import ReportPage\n\n\ndef build() -> ReportPage:\n    return ReportPage()\n",
        encoding="utf-8",
    )
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "TC004" in r.stdout, r.stdout + r.stderr


def test_mypy_finds_nothing(tmp_path):
    r = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr
