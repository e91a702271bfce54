"""The real window on a real X server (Xvfb, Qt's xcb platform), not only offscreen: the
screenshot script runs in every test run, so the README's pictures cannot go stale silently,
and the manager's whole-app journey runs once more on xcb."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.gui


def _xcb_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(QT_QPA_PLATFORM="xcb", RETURNS_DESK_HOME=str(home), LANG="en_US.UTF-8")
    return env


def _xvfb(*args: str, home: Path, size: str = "1366x768x24", timeout: int = 300) -> subprocess.CompletedProcess[str]:
    assert shutil.which("xvfb-run"), "xvfb-run is missing: .ci/setup installs xvfb"
    return subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {size}", *args], cwd=ROOT, env=_xcb_env(home),
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("lang, suffix", [("en", ""), ("zh_CN", "-zh")])
def test_the_screenshot_script_takes_every_picture_of_the_readme(tmp_path, lang, suffix):
    out = tmp_path / "shots"
    r = _xvfb(sys.executable, "tests/make_screenshots.py", "--lang", lang, str(out), home=tmp_path / "home")
    assert r.returncode == 0, r.stdout + r.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    wanted = sorted({p.split("/")[-1] for p in readme.split("(docs/screenshots/")[1:] for p in [p.split(")")[0]] if p.endswith(f"{suffix}.png")
                     and (suffix or not p.endswith("-zh.png"))})
    assert wanted, "the README shows screenshots"
    for name in wanted:
        image = QImage(str(out / name))
        assert not image.isNull(), f"{name} was not taken"
        assert image.width() >= 800 and image.height() >= 500, (name, image.width(), image.height())
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 41)}
        assert len(colours) > 8, f"{name} is blank"


def test_the_manager_journey_on_a_real_x_server(tmp_path):
    r = _xvfb(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xvfb",
              "tests/test_journeys.py::test_manager_journey_first_run_to_z_report", home=tmp_path / "home")
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout
