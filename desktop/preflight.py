"""Before Qt starts: is there a display, and do Qt's system libraries load? If not, say what is missing and the fix.

Without this check Qt prints "could not load the Qt platform plugin" and aborts (exit 134, a core dump); here the
person gets the missing piece, the packages to install for their system, and exit code 3 (configuration).
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

EXIT_CODE = 3  # the CLI's code for configuration problems: the machine, not the input, needs fixing

# Qt's platform plugins that draw on a display, with the variable that names it. The others (offscreen, minimal,
# vnc, eglfs, linuxfb) need none; wayland finds its default socket by itself, so only X11 is known to need one.
NEEDS_DISPLAY = {"xcb": "DISPLAY"}

# What Qt's libraries need from the system (the wheel ships Qt itself), per platform; README lists the same.
PACKAGES = {
    "debian": "sudo apt-get install libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 "
              "libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 "
              "libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libwayland-client0 libwayland-cursor0 "
              "libwayland-egl1",
    "fedora": "sudo dnf install mesa-libEGL mesa-libGL fontconfig dbus-libs glib2 libxkbcommon libxkbcommon-x11 "
              "libX11-xcb xcb-util-cursor xcb-util-wm xcb-util-image xcb-util-keysyms xcb-util-renderutil "
              "libwayland-client libwayland-cursor libwayland-egl",
    # The PySide6 wheels carry Qt whole on macOS and Windows: a library missing there is a broken install.
    "darwin": "pip install --force-reinstall PySide6-Essentials (macOS needs no other package)",
    "win32": "install the Microsoft Visual C++ Redistributable (x64): winget install Microsoft.VCRedist.2015+.x64; "
             "then pip install --force-reinstall PySide6-Essentials",
}
# xcb_connection_has_error's codes (xcb.h), in words.
X_ERRORS = {
    1: ("the connection failed or was refused", "فشل الاتصال أو رُفض"),
    2: ("an X extension is missing", "امتداد X مفقود"),
    3: ("out of memory", "نفدت الذاكرة"),
    4: ("a request was too long", "طلب أطول من المسموح"),
    5: ("the display name could not be parsed", "تعذّر فهم اسم الشاشة"),
    6: ("no such screen", "لا توجد شاشة بهذا الرقم"),
    7: ("passing a file descriptor failed", "فشل تمرير واصف ملف"),
}
WITHOUT_DISPLAY = (
    "Without a display, `qayd-desktop --screenshots DIR` renders every view to PNG files, QT_QPA_PLATFORM=offscreen "
    "runs the app invisibly, and the `qayd` command line does everything the app does.",
    "ومن دون شاشة: الأمر `qayd-desktop --screenshots DIR` يرسم كل الشاشات في ملفات PNG، والمتغير "
    "QT_QPA_PLATFORM=offscreen يشغّل التطبيق دون عرض، وسطر الأوامر `qayd` يؤدي كل ما يؤديه التطبيق.",
)
LINUX_NAMES = {"debian": "Debian/Ubuntu", "fedora": "Fedora/RHEL"}


@dataclass(frozen=True, slots=True)
class Missing:
    """What stops the window from opening, and what to do: in English and Arabic."""

    what: str
    fix: str
    what_ar: str
    fix_ar: str

    def text(self) -> str:
        return f"{self.english()}\nلا يمكن فتح نافذة qayd-desktop: {self.what_ar}\nالحل: {self.fix_ar}\n"

    def english(self) -> str:
        return f"qayd-desktop cannot open a window: {self.what}\nFix: {self.fix}\n"

    def report(self, stream: TextIO) -> None:
        """Both languages; English alone where the stream cannot encode Arabic (a redirected Windows console)."""
        try:
            stream.write(self.text())
        except UnicodeEncodeError:
            stream.write(self.english())
        stream.flush()


def platforms(env: Mapping[str, str]) -> list[str]:
    """The Qt platform plugins Qt will try, in order (QT_QPA_PLATFORM, e.g. `wayland;xcb` or `xcb:option`)."""
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [name.split(":")[0].strip() for name in chosen.split(";") if name.strip()]
    return ["wayland", "xcb"] if env.get("WAYLAND_DISPLAY") else ["xcb"]


def display_problem(env: Mapping[str, str], platform: str = sys.platform) -> Missing | None:
    """No display for any platform plugin Qt would use (Linux and other X11 systems; macOS/Windows always have one)."""
    if platform in ("win32", "darwin", "cygwin"):
        return None
    if any(not NEEDS_DISPLAY.get(name) or env.get(NEEDS_DISPLAY[name]) for name in platforms(env)):
        return None
    return Missing(
        what="there is no display (DISPLAY and WAYLAND_DISPLAY are not set).",
        fix=f"run it inside a desktop session (X11 or Wayland), or over `ssh -X`. {WITHOUT_DISPLAY[0]}",
        what_ar="لا توجد شاشة (المتغيران DISPLAY وWAYLAND_DISPLAY غير معرّفين).",
        fix_ar=f"شغّله داخل جلسة سطح مكتب (X11 أو Wayland) أو عبر `ssh -X`. {WITHOUT_DISPLAY[1]}",
    )


def install_hint(platform: str = sys.platform, os_release: Path = Path("/etc/os-release")) -> str:
    """The install command(s) for this system; on an unknown Linux, every Linux family's."""
    if platform in PACKAGES:
        return PACKAGES[platform]
    family = _linux_family(os_release)
    if family:
        return PACKAGES[family]
    return "; ".join(f"{LINUX_NAMES[name]}: {PACKAGES[name]}" for name in LINUX_NAMES)


def _linux_family(os_release: Path) -> str | None:
    try:
        fields = dict(line.split("=", 1) for line in os_release.read_text("utf-8").splitlines() if "=" in line)
    except OSError:
        return None
    ids = " ".join(fields.get(key, "").strip('"') for key in ("ID", "ID_LIKE")).split()
    return next((name for name in LINUX_NAMES if name in ids or (name == "fedora" and "rhel" in ids)), None)


def library_problem(error: BaseException, platform: str = sys.platform) -> Missing:
    """Qt (or one of its platform plugins) could not load a system library: name it and give the packages."""
    detail = str(error).strip() or type(error).__name__
    if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] in ("PySide6", "shiboken6"):
        return Missing(what=f"Qt for Python is not installed ({detail}).",
                       fix="pip install 'PySide6-Essentials>=6.6,<6.12' (or reinstall Qayd with pip).",
                       what_ar=f"مكتبة Qt للغة Python غير مثبتة ({detail}).",
                       fix_ar="ثبّتها بالأمر pip install 'PySide6-Essentials>=6.6,<6.12' (أو أعد تثبيت قيد).")
    hint = install_hint(platform)
    return Missing(
        what=f"a system library Qt needs is missing or broken ({detail}).",
        fix=f"{hint}. Then start qayd-desktop again.",
        what_ar=f"مكتبة نظام يحتاجها Qt مفقودة أو تالفة ({detail}).",
        fix_ar=f"ثبّت ما يلي ثم شغّل qayd-desktop مرة أخرى: {hint}.",
    )


def platform_problem(names: list[str], env: Mapping[str, str], plugin_dir: Path) -> Missing | None:
    """None when Qt can start one of these platforms (it tries them in order); else what stops the first."""
    first: Missing | None = None
    for name in names:
        problem = _platform(name, env, plugin_dir)
        if problem is None:
            return None
        first = first or problem
    return first


def _platform(name: str, env: Mapping[str, str], plugin_dir: Path) -> Missing | None:
    path = plugin_dir / f"libq{name}.so"
    if not path.is_file():
        return None  # a plugin Qayd cannot find is Qt's to judge
    try:
        ctypes.CDLL(str(path))  # what Qt does next; failing here names the missing .so instead of aborting
    except OSError as exc:
        return library_problem(exc)
    if name == "xcb":
        code = x_server_error(env.get("DISPLAY", ""))
        return no_server(f"DISPLAY={env.get('DISPLAY', '')}", X_ERRORS.get(code)) if code else None
    if name.startswith("wayland") and not wayland_answers(env.get("WAYLAND_DISPLAY")):
        return no_server(f"WAYLAND_DISPLAY={env.get('WAYLAND_DISPLAY', 'wayland-0')}", None)
    return None


def x_server_error(display: str) -> int | None:
    """xcb's error code when no X server answers at `display` (Qt's xcb plugin would abort), None when one does."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")  # already loaded by the xcb plugin checked just before
    except OSError:
        return None  # the plugin check names a missing library
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)  # never NULL: an error connection at worst
    try:
        code = int(xcb.xcb_connection_has_error(connection))
    finally:
        xcb.xcb_disconnect(connection)
    return code or None


def wayland_answers(name: str | None) -> bool:
    """Whether a Wayland compositor answers at `name` (None: libwayland's default, as Qt does)."""
    try:
        wayland = ctypes.CDLL("libwayland-client.so.0")
    except OSError:
        return True  # nothing to ask with: leave it to Qt
    wayland.wl_display_connect.restype = ctypes.c_void_p
    wayland.wl_display_connect.argtypes = [ctypes.c_char_p]
    wayland.wl_display_disconnect.argtypes = [ctypes.c_void_p]
    display = wayland.wl_display_connect(name.encode() if name else None)
    if not display:
        return False
    wayland.wl_display_disconnect(display)
    return True


def no_server(where: str, reason: tuple[str, str] | None) -> Missing:
    """No display server answers where the environment points (a stale DISPLAY, a session that has ended)."""
    en, ar = (f" ({reason[0]})", f" ({reason[1]})") if reason else ("", "")
    return Missing(
        what=f"no display server answers at {where}{en}.",
        fix=f"start the desktop session first, or correct {where.split('=')[0]} (`ssh -X` sets DISPLAY and the X "
            f"authority). {WITHOUT_DISPLAY[0]}",
        what_ar=f"لا يستجيب خادم عرض على {where}{ar}.",
        fix_ar=f"ابدأ جلسة سطح المكتب أولاً، أو صحّح {where.split('=')[0]} (الأمر `ssh -X` يضبط DISPLAY وتصريح X). "
               f"{WITHOUT_DISPLAY[1]}",
    )


def check(env: Mapping[str, str] | None = None, *, need_display: bool = True) -> Missing | None:
    """Everything Qt needs to open a window here, or what is missing (imports Qt's modules as a side effect)."""
    env = os.environ if env is None else env
    problem = display_problem(env) if need_display else None
    if problem is not None:
        return problem
    try:
        import PySide6
        import PySide6.QtGui
        import PySide6.QtWidgets  # the import is the check: it loads libEGL, libfontconfig, …
    except (ImportError, OSError) as exc:
        return library_problem(exc)
    if not sys.platform.startswith("linux"):
        return None
    names = platforms(env) if need_display else ["offscreen"]
    return platform_problem(names, env, Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms")
