"""`qayd-desktop` without a display or without Qt's system libraries: what is missing and the fix, not Qt's abort."""

from __future__ import annotations

import ctypes
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import preflight
from desktop.preflight import (
    PACKAGES,
    Missing,
    display_problem,
    install_hint,
    library_problem,
    no_server,
    platform_problem,
    wayland_answers,
    x_server_error,
)

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(sys.executable).with_name("qayd-desktop")  # the console script pip installed
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is an X11/Wayland matter")
LIBEGL = "libEGL.so.1: cannot open shared object file: No such file or directory"


def _loads(library: str) -> bool:
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def _plugins() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms"


def _xcb_plugin_loads() -> bool:
    return sys.platform.startswith("linux") and _loads(str(_plugins() / "libqxcb.so"))


def _run(tmp_path: Path, *args: str, program: Path = PROGRAM, **extra: str) -> subprocess.CompletedProcess[str]:
    """The program with no display: DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM removed (unless given in extra)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM") and not k.startswith("QAYD_")}
    env.update(QAYD_DATA_DIR=str(tmp_path / "data"), QAYD_MASTER_KEY_SOURCE="file", HOME=str(tmp_path), **extra)
    return subprocess.run([str(program), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)


def _assert_explained(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == preflight.EXIT_CODE == 3, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "Aborted" not in done.stderr
    assert "qayd-desktop cannot open a window" in done.stderr and "Fix:" in done.stderr
    assert "لا يمكن فتح نافذة qayd-desktop" in done.stderr and "الحل:" in done.stderr


@linux_only
def test_no_display_says_so_and_how_to_work_without_one(tmp_path: Path) -> None:
    done = _run(tmp_path)
    _assert_explained(done)
    assert "no display" in done.stderr and "DISPLAY and WAYLAND_DISPLAY are not set" in done.stderr
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr and "--screenshots DIR" in done.stderr
    assert not (tmp_path / "data").exists()  # nothing was created on the way out


@linux_only
def test_commands_that_need_no_display_still_run_without_one(tmp_path: Path) -> None:
    assert _run(tmp_path, "--version").returncode == 0
    shots = _run(tmp_path, "--screenshots", str(tmp_path / "shots"), "--language", "ar")
    assert shots.returncode == 0, shots.stderr  # goes offscreen by itself


@pytest.fixture
def qt_without_libegl(tmp_path: Path) -> Path:
    """A PySide6 whose QtGui fails to load as it does on a machine without libEGL (first on PYTHONPATH)."""
    shim = tmp_path / "shim" / "PySide6"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("", "utf-8")
    for module in ("QtGui", "QtWidgets"):
        (shim / f"{module}.py").write_text(f"raise ImportError({LIBEGL!r})\n", "utf-8")
    return shim.parent


@pytest.mark.parametrize("args", [(), ("--screenshots", "shots")], ids=["window", "screenshots"])
def test_a_missing_system_library_is_named_with_the_packages_to_install(
        tmp_path: Path, qt_without_libegl: Path, args: tuple[str, ...]) -> None:
    done = _run(tmp_path, *args, PYTHONPATH=str(qt_without_libegl), QT_QPA_PLATFORM="offscreen")
    _assert_explained(done)
    assert LIBEGL in done.stderr
    assert install_hint() in done.stderr
    assert not (tmp_path / "shots").exists()


def test_display_rules() -> None:
    assert display_problem({}, "linux") is not None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux") is not None  # X11 asked for, none there
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb;offscreen"}, "linux") is None  # Qt falls back to offscreen
    assert display_problem({}, "darwin") is None and display_problem({}, "win32") is None
    assert preflight.platforms({"QT_QPA_PLATFORM": "wayland:scale=2;xcb"}) == ["wayland", "xcb"]


@pytest.mark.parametrize(("release", "command"), [
    ('ID=debian\nVERSION_ID="12"\n', "sudo apt-get install"),
    ('ID=ubuntu\nID_LIKE=debian\n', "sudo apt-get install"),
    ('ID=fedora\n', "sudo dnf install"),
    ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "sudo dnf install"),
])
def test_the_install_command_fits_the_linux_family(tmp_path: Path, release: str, command: str) -> None:
    (tmp_path / "os-release").write_text(release, "utf-8")
    assert install_hint("linux", tmp_path / "os-release").startswith(command)


def test_an_unknown_system_gets_every_family_and_mac_and_windows_their_own(tmp_path: Path) -> None:
    hint = install_hint("linux", tmp_path / "no-os-release")
    assert "Debian/Ubuntu: sudo apt-get install" in hint and "Fedora/RHEL: sudo dnf install" in hint
    assert "PySide6-Essentials" in install_hint("darwin")
    assert "Visual C++ Redistributable" in install_hint("win32")


def test_qt_not_installed_at_all_says_to_install_it() -> None:
    problem = library_problem(ModuleNotFoundError("No module named 'PySide6'", name="PySide6"))
    assert "not installed" in problem.what and "pip install" in problem.fix and "PySide6-Essentials" in problem.fix_ar


def test_a_platform_plugin_that_cannot_load_is_reported_with_the_loaders_words(tmp_path: Path) -> None:
    (tmp_path / "libqxcb.so").write_bytes(b"not a shared object")
    problem = platform_problem(["xcb"], {"DISPLAY": ":0"}, tmp_path)
    assert problem is not None and "libqxcb.so" in problem.what and "libqxcb.so" in problem.what_ar
    assert platform_problem(["vnc"], {}, tmp_path) is None  # a plugin Qayd cannot find is Qt's to judge
    assert platform_problem(["xcb", "vnc"], {}, tmp_path) is None  # Qt falls back to the next one


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the plugins are .so files on Linux")
def test_the_offscreen_plugin_of_this_install_loads() -> None:
    assert platform_problem(["offscreen"], {}, _plugins()) is None


def test_a_console_that_cannot_write_arabic_still_gets_the_english() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    Missing("what", "fix", "ماذا", "الحل").report(stream)
    assert raw.getvalue().decode("ascii") == "qayd-desktop cannot open a window: what\nFix: fix\n"


def test_readme_lists_the_packages_the_message_gives() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for system in ("debian", "fedora"):
        for package in PACKAGES[system].split("install ", 1)[1].split():
            assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", readme), (system, package)
    for platform in ("Debian/Ubuntu", "Fedora", "macOS", "Windows"):
        assert platform in readme


@linux_only
def test_a_display_without_an_x_server_is_explained_not_aborted(tmp_path: Path) -> None:
    done = _run(tmp_path, DISPLAY=":87")  # no X server there (and, on a bare machine, no xcb libraries either)
    _assert_explained(done)
    assert "DISPLAY=:87" in done.stderr or ".so" in done.stderr


@linux_only
def test_a_wayland_session_that_has_ended_is_explained_not_aborted(tmp_path: Path) -> None:
    done = _run(tmp_path, WAYLAND_DISPLAY="wayland-87", QT_QPA_PLATFORM="wayland",
                XDG_RUNTIME_DIR=str(tmp_path))  # no compositor's socket there
    _assert_explained(done)
    assert "WAYLAND_DISPLAY=wayland-87" in done.stderr or ".so" in done.stderr


@pytest.mark.skipif(not _loads("libwayland-client.so.0"), reason="needs libwayland-client (Linux)")
def test_the_wayland_check_asks_libwayland_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # where libwayland looks for the compositor's socket
    assert not wayland_answers("wayland-87")
    assert not wayland_answers(None)  # the default, wayland-0, is not there either
    problem = platform_problem(["wayland"], {"WAYLAND_DISPLAY": "wayland-87"}, _plugins())
    assert problem is not None and "WAYLAND_DISPLAY=wayland-87" in problem.what


@pytest.mark.skipif(not _xcb_plugin_loads(), reason="needs Qt's xcb libraries (Linux)")
def test_the_x_server_check_asks_xcb_itself() -> None:
    assert x_server_error(":87") == 1  # XCB_CONN_ERROR: nothing listens there
    assert x_server_error("not a display") == 5  # XCB_CONN_CLOSED_PARSE_ERR
    problem = platform_problem(["xcb"], {"DISPLAY": ":87"}, _plugins())
    assert problem == no_server("DISPLAY=:87", preflight.X_ERRORS[1])
    assert "DISPLAY=:87" in problem.what and "refused" in problem.what and "ssh -X" in problem.fix
    assert "DISPLAY=:87" in problem.what_ar and "رُفض" in problem.what_ar and "--screenshots" in problem.fix_ar


@pytest.mark.skipif(shutil.which("Xvfb") is None or not _xcb_plugin_loads(),
                    reason="needs Xvfb and Qt's xcb libraries (apt-get install xvfb libxcb-icccm4 libxcb-keysyms1)")
def test_a_real_x_display_passes_the_checks_and_the_window_paints(tmp_path: Path) -> None:
    """The other side: the checks never stop a machine that has a display."""
    # -displayfd: Xvfb picks a free display and writes its number once it accepts connections.
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        display = f":{server.stdout.readline().strip()}"
        assert display != ":" and x_server_error(display) is None, "Xvfb did not start"
        init = _run(tmp_path, "init", "--demo", program=PROGRAM.with_name("qayd"))  # the window needs a company
        assert init.returncode == 0, init.stderr
        done = _run(tmp_path, "--startup-report", DISPLAY=display)
        assert done.returncode == 0, done.stderr
        assert "painted" in json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.communicate(timeout=30)  # waits and closes the pipe

