"""Crash files from real processes: an exception no one caught in a thread, and a native crash (a segfault), each
leave a file in `<data dir>/crash/` without the data the program held (its local variables, its messages)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.integration.test_support_planted import PLANTED

PROLOGUE = textwrap.dedent("""
    import faulthandler, sys, threading
    from pathlib import Path
    from core.config import load_settings
    from core.support import install_crash_handlers

    settings = load_settings(environ={"QAYD_DATA_DIR": sys.argv[1]}, config_file=Path(sys.argv[2]))
    install_crash_handlers(settings, "probe")

    def post_invoice(customer_name, customer_email):
        api_secret_local = "sk_live_51HqPlantedKeyZ9x8c7v6b5n4m3"
        password_local = "Hunter2-planted"
        {crash}

    post_invoice("Fatima Al-Harbi", "fatima.alharbi@example.sa")
""")


def run_probe(tmp_path: Path, crash: str, *, threaded: bool = False) -> tuple[subprocess.CompletedProcess[str], Path]:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    code = PROLOGUE.replace("{crash}", crash)
    if threaded:
        code = code.replace('\npost_invoice("Fatima', '\nthreading.Thread(target=post_invoice, name="poster", args=('
                            '"Fatima').replace('"fatima.alharbi@example.sa")', '"fatima.alharbi@example.sa")).start()')
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data"), str(config)], env=env,
                          capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])
    return done, tmp_path / "data" / "crash"


def assert_clean(text: str) -> None:
    for value in (*PLANTED, "api_secret_local", "password_local", "customer_name"):
        assert value.lower() not in text.lower(), value


def test_an_exception_in_a_thread_leaves_a_crash_file_without_locals_or_data(tmp_path: Path) -> None:
    done, folder = run_probe(tmp_path, 'raise ValueError(f"refused {customer_name} {customer_email} {password_local}")',
                             threaded=True)
    assert done.returncode == 0, done.stderr  # the thread died; the process went on and ended cleanly
    files = sorted(folder.iterdir())
    assert [p.name.startswith("crash-probe-") and p.suffix == ".json" for p in files] == [True]  # no native file
    text = files[0].read_text("utf-8")
    report = json.loads(text)
    assert report["program"] == "probe" and report["thread"] == "poster"
    assert report["exception"]["type"] == "ValueError" and report["exception"]["message"] == "[message withheld]"
    assert report["exception"]["frames"][-1] == "<string>:13:post_invoice"
    assert_clean(text)


def test_a_native_crash_leaves_the_stacks_without_values(tmp_path: Path) -> None:
    done, folder = run_probe(tmp_path, "faulthandler._sigsegv()")
    assert done.returncode == -signal.SIGSEGV
    files = sorted(folder.iterdir())
    assert len(files) == 1 and files[0].name.startswith("native-probe-") and files[0].suffix == ".txt"
    text = files[0].read_text("utf-8")
    assert "Segmentation fault" in text and 'line 13 in post_invoice' in text
    assert_clean(text)


def test_a_qayd_command_in_its_own_process_leaves_a_native_crash_file(tmp_path: Path) -> None:
    """The `qayd` process itself installs the hooks (main() without arguments): a native crash after a command that
    read the settings leaves its file in the data folder's crash/ (in-process runs, as the tests make, do not)."""
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    code = textwrap.dedent("""
        import faulthandler, sys
        from core.cli import main
        sys.argv = ["qayd", "customer", "list"]  # reads the settings; no company: exit 4, the process goes on
        main()
        faulthandler._sigsegv()
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    env.update(QAYD_DATA_DIR=str(tmp_path / "data"), QAYD_CONFIG=str(config))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == -signal.SIGSEGV, done.stderr
    files = sorted((tmp_path / "data" / "crash").iterdir())
    assert len(files) == 1 and files[0].name.startswith("native-qayd-"), files
    assert "Segmentation fault" in files[0].read_text("utf-8")
