"""The packaged application: build.spec lists files that exist, and the one-folder build made
from it runs ``--selftest`` on its own, without this project's virtual environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"


def read_spec(platform: str = sys.platform, debug: bool = False) -> dict:
    """Run build.spec with stand-ins for PyInstaller's classes and return what it asked for."""
    seen: dict = {}

    def record(kind):
        def make(*args, **kwargs):
            seen[kind] = {"args": args, **kwargs}
            return type(kind, (), {"pure": [], "scripts": [], "binaries": [], "datas": []})()
        return make

    names = {"SPECPATH": str(ROOT), "__file__": str(SPEC), "__name__": "build_spec"}
    names.update({k: record(k) for k in ("Analysis", "PYZ", "EXE", "COLLECT")})
    saved_platform, saved_debug = sys.platform, os.environ.pop("RETURNS_DESK_DEBUG_BUILD", None)
    try:
        sys.platform = platform
        if debug:
            os.environ["RETURNS_DESK_DEBUG_BUILD"] = "1"
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), names)
    finally:
        sys.platform = saved_platform
        os.environ.pop("RETURNS_DESK_DEBUG_BUILD", None)
        if saved_debug is not None:
            os.environ["RETURNS_DESK_DEBUG_BUILD"] = saved_debug
    seen["VERSION"] = names["VERSION"]
    return seen


def test_spec_lists_existing_files_and_the_right_options():
    from returns_desk import __version__

    spec = read_spec()
    datas = spec["Analysis"]["datas"]
    for source, _target in datas:
        assert Path(source).is_file(), source
    targets = {(Path(s).name, t) for s, t in datas}
    for needed in [("catalogue.json", "db"), ("app.qss", "resources/styles"), ("returns_desk_zh_CN.qm", "resources/i18n"),
                   ("returns_desk_en.qm", "resources/i18n"), ("qtbase_zh_CN.qm", "resources/i18n"),
                   ("returns-desk-256.png", "resources/icons"), ("returns-desk.ico", "resources/icons")]:
        assert needed in targets
    assert "tkinter" in spec["Analysis"]["excludes"]
    assert spec["COLLECT"]["name"] == "returns-desk" and spec["EXE"]["exclude_binaries"] is True  # one folder
    assert spec["VERSION"] == __version__
    assert spec["EXE"]["console"] is True  # Linux: a console program


def test_windows_build_is_windowed_with_an_icon_unless_debug():
    spec = read_spec("win32")
    assert spec["EXE"]["console"] is False and spec["EXE"]["icon"].endswith("returns-desk.ico")
    assert "tzdata" in spec["Analysis"]["hiddenimports"]
    assert read_spec("win32", debug=True)["EXE"]["console"] is True


def test_selftest_in_place(tmp_path):
    """The same check the built program runs, from the installed package."""
    exe = Path(sys.executable).with_name("returns-desk")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([str(exe), "--selftest"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("selftest ok")


@pytest.mark.slow
def test_built_application_runs_selftest_without_the_virtual_environment(tmp_path):
    work = tmp_path / "build"
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
         "--workpath", str(work), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    app = dist / "returns-desk"
    program = app / ("returns-desk.exe" if sys.platform == "win32" else "returns-desk")
    assert program.is_file()
    internal = app / "_internal"
    for part in ("resources/i18n/returns_desk_zh_CN.qm", "resources/i18n/qtbase_zh_CN.qm", "db/catalogue.json",
                 "resources/icons/returns-desk-48.png", "resources/styles/app.qss"):
        assert (internal / part).is_file(), part
    assert not (internal / "tkinter").exists()

    # Another machine, as far as a test can make one: the program is moved away from the build,
    # run from an unrelated folder, with a bare PATH, no PYTHONPATH, no virtual environment and
    # no display.
    moved = tmp_path / "elsewhere" / "Returns Desk"
    shutil.move(str(app), str(moved))
    home = tmp_path / "another-user"
    home.mkdir()
    env = {"PATH": os.pathsep.join(p for p in ("/usr/bin", "/bin") if Path(p).is_dir()) or os.defpath,
           "HOME": str(home), "LANG": "C.UTF-8"}
    if sys.platform == "win32":
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "TEMP", "TMP") if k in os.environ})
    run = subprocess.run([str(moved / program.name), "--selftest"], cwd=home, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("selftest ok")
    assert str(ROOT) not in run.stdout + run.stderr
