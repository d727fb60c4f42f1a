"""One visual language: the palette, status badges and the Qt style sheet (icons: `desktop.icons`).

The style sheet, `resources/style/qayd.qss`, names palette colours as
`@name` and icon files as `@icon(name)`; `style_sheet()` fills both in. Everything is drawn by Qt itself (Fusion
plus the sheet), so it looks the same offscreen, on every platform and mirrored in Arabic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDateTimeEdit

from core.resources import resource_path

# The palette: calm neutrals, one green accent (the colour of "done" in a finance team's eyes), clear status hues.
PALETTE = {
    "window": "#f4f6f8",
    "surface": "#ffffff",
    "border": "#d9e0e6",
    "text": "#1f2a33",
    "muted": "#5b6b79",
    "accent": "#0e7c66",
    "accent_dark": "#0a5e4d",
    "accent_soft": "#e2f3ee",
    "danger": "#b42318",
    "selection": "#cfe9e1",
}


@dataclass(frozen=True)
class Badge:
    """A status as a coloured pill: its text colour and its fill."""

    foreground: str
    background: str


# Invoice and submission states, one colour each (see `invoice_badge` and `submission_badge`).
BADGES: dict[str, Badge] = {
    "draft": Badge("#475467", "#eaecf0"),
    "issued": Badge("#3538cd", "#e0e7ff"),
    "waiting": Badge("#93370d", "#fef0c7"),
    "sending": Badge("#026aa2", "#e0f2fe"),
    "cleared": Badge("#067647", "#d1fadf"),
    "reported": Badge("#107569", "#ccfbef"),
    "rejected": Badge("#b42318", "#fee4e2"),
    # Paid states (issue 15): overpaid is a finding, in the alert colour.
    "outstanding": Badge("#b93815", "#ffead5"),
    "partly_paid": Badge("#6941c6", "#f4ebff"),
    "paid": Badge("#3b7c0f", "#e3fbcc"),
    "overpaid": Badge("#ffffff", "#d92d20"),
}


def invoice_badge(status: str, zatca_state: str, kind: str) -> str:
    """The one status a clerk reads for a document: its own (draft) or ZATCA's answer (cleared, reported, …)."""
    if status == "draft":
        return "draft"
    if zatca_state == "done":
        return "cleared" if kind == "standard" else "reported"
    return {"pending": "waiting", "sending": "sending", "rejected": "rejected"}.get(zatca_state, "issued")


def submission_badge(state: str, kind: str) -> str:
    """The badge of a ZATCA queue item (`kind` is "clearance" or "reporting")."""
    if state == "done":
        return "cleared" if kind == "clearance" else "reported"
    return {"pending": "waiting", "sending": "sending", "rejected": "rejected"}.get(state, state)


# --- the style sheet ----------------------------------------------------------------------------------------------


def style_sheet() -> str:
    """The style sheet with its `@icon(name)` paths and `@colour` names filled in."""
    text = re.sub(r"/\*.*?\*/", "", resource_path("style", "qayd.qss").read_text("utf-8"), flags=re.DOTALL)
    text = re.sub(r"@icon\(([\w-]+)\)",
                  lambda m: resource_path("icons", "style", f"{m.group(1)}.svg").as_posix(), text)
    for name in sorted(PALETTE, key=len, reverse=True):  # "accent_dark" before "accent"
        text = text.replace(f"@{name}", PALETTE[name])
    unknown = re.findall(r"@[a-z_]+", text)
    if unknown:
        raise ValueError(f"qayd.qss names unknown palette colours: {', '.join(sorted(set(unknown)))}")
    return text


def palette() -> QPalette:
    """Fusion's palette in Qayd's colours (what the sheet does not reach: menus' disabled text, tooltips …)."""
    p = QPalette()
    roles = {QPalette.ColorRole.Window: "window", QPalette.ColorRole.Base: "surface",
             QPalette.ColorRole.AlternateBase: "window", QPalette.ColorRole.Button: "surface",
             QPalette.ColorRole.Text: "text", QPalette.ColorRole.WindowText: "text",
             QPalette.ColorRole.ButtonText: "text", QPalette.ColorRole.Highlight: "selection",
             QPalette.ColorRole.HighlightedText: "text", QPalette.ColorRole.ToolTipBase: "surface",
             QPalette.ColorRole.ToolTipText: "text", QPalette.ColorRole.PlaceholderText: "muted"}
    for role, name in roles.items():
        p.setColor(role, QColor(PALETTE[name]))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#98a2b3"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#98a2b3"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#98a2b3"))
    return p


def apply_style(app: QApplication) -> None:
    """Fusion, Qayd's palette and style sheet on the whole application (every window and dialog)."""
    # Replacing the style under live widgets can crash Qt, so only when it is not Fusion already; with a style
    # sheet set, app.style() is the sheet's proxy (class QStyleSheetStyle, no name), which only Qayd's sheet sets.
    style = app.style()
    if style.name().lower() != "fusion" and style.metaObject().className() != "QStyleSheetStyle":
        app.setStyle("Fusion")
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())


def latin_date(edit: QDateTimeEdit, display_format: str) -> None:
    """A date or time field that reads left to right in both languages, year first with Latin digits.

    Qayd writes dates as the printed invoice and the reports do (2026-12-07 17:51). A QDateTimeEdit laid out right
    to left reverses its sections (17:51 shows as 51:17, the date as 07-12-2026) and keeps them reversed when its
    direction changes later, so the direction is fixed before the format is parsed. Every date field uses this.
    """
    edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    edit.setDisplayFormat(display_format)


def clear_style(app: QApplication) -> None:
    """Back to Qt's defaults (tests that apply the style undo it)."""
    app.setStyleSheet("")
    app.setPalette(QPalette())
