"""Qt's side of text: a headless application object, the shipped Liberation Sans, and the text measure."""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QImage, QTextLayout,
                           QTextOption)

from ..layout.measure import Measure

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT_FILES = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf",
              "LiberationSans-BoldItalic.ttf")
FALLBACK_FAMILY = "Arial"

REFERENCE_DPI = 1200
"""Text is laid out as on a 1200 dpi device, the resolution the PDF is written at; the painter draws
those same line layouts scaled to any device, so the preview, the PDF and the printout break lines
at the same words and the measured heights hold everywhere."""
REF_PX_PER_MM = REFERENCE_DPI / 25.4

_app: QGuiApplication | None = None
_family: str | None = None


def _needs_offscreen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform == "win32" or sys.platform == "darwin":
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ensure_app() -> QGuiApplication:
    """The running Qt application, or a new one (offscreen when there is no display) for headless commands."""
    global _app
    app = QGuiApplication.instance()
    if app is None:
        if _needs_offscreen():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _app = app = QGuiApplication([sys.argv[0] if sys.argv else "sopdesk"])
    font_family()
    return app


def font_family() -> str:
    """Register the shipped fonts once; the family every page is measured and painted with."""
    global _family
    if _family is None:
        families: list[str] = []
        for name in FONT_FILES:
            path = FONT_DIR / name
            if path.is_file():
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families.extend(QFontDatabase.applicationFontFamilies(font_id))
        # Without the shipped files the system's Arial (or its substitute) is the next best match.
        _family = families[0] if families else FALLBACK_FAMILY
    return _family


def make_font(size_pt: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont(font_family())
    font.setPointSizeF(max(size_pt, 0.1))
    font.setBold(bold)
    font.setItalic(italic)
    # Unhinted outlines scale linearly, so a measure at one resolution holds at every other one.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@lru_cache(maxsize=64)
def _layout_font(size_pt: float, bold: bool, italic: bool) -> QFont:
    """make_font() for text_layout, made once per style (a layout keeps its own copy of the font)."""
    return make_font(size_pt, bold, italic)


@lru_cache(maxsize=1)
def _reference_device() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    dots_per_metre = round(REFERENCE_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
          "right": Qt.AlignmentFlag.AlignRight, "justify": Qt.AlignmentFlag.AlignJustify}


@lru_cache(maxsize=8)
def _text_option(align: str) -> QTextOption:
    """The wrapping and alignment of a paragraph, made once per alignment (a layout keeps its own copy)."""
    option = QTextOption(_ALIGN.get(align, Qt.AlignmentFlag.AlignLeft))
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    return option


@lru_cache(maxsize=1024)  # a laid-out paragraph holds its glyphs (about 12 kB): keep what a repaint needs
def text_layout(text: str, size_pt: float, bold: bool, italic: bool, width_mm: float,
                align: str = "left") -> tuple[QTextLayout, float]:
    """The wrapped lines of a paragraph in reference pixels, and its height in mm.

    Lines break at spaces, at newlines, and inside a word only when the word alone is wider
    than the line, the way word processors do.
    """
    return _wrap(text, size_pt, bold, italic, width_mm, align, True)


def _wrap(text: str, size_pt: float, bold: bool, italic: bool, width_mm: float, align: str,
          place: bool) -> tuple[QTextLayout, float]:
    """text_layout(); with place False the lines are only broken and counted, not positioned (to measure)."""
    font = _layout_font(size_pt, bold, italic)
    text = text.replace("\r\n", "\n").replace("\n", "\u2028")
    layout = QTextLayout(text, font, _reference_device())
    layout.setTextOption(_text_option(align))
    width = max(width_mm, 0.5) * REF_PX_PER_MM
    slash = "/" in text  # only a "/" can need a break moved
    y = 0.0
    layout.beginLayout()
    line = layout.createLine()
    while line.isValid():
        line.setLineWidth(width)
        if slash:
            _no_break_after_slash(text, line, width)
        if place:
            line.setPosition(QPointF(0.0, y))
        y += line.height()
        line = layout.createLine()
    layout.endLayout()
    if y <= 0:
        y = QFontMetricsF(font, _reference_device()).height()
    return layout, y / REF_PX_PER_MM


def _no_break_after_slash(text: str, line, width: float) -> None:
    """Move a break that Qt put just after "/" inside a word back to the line's last space.

    Word and LibreOffice do not break after "/" ("rancangan/konsep"); Qt would, and a row measured
    one line short is cut off in their exact-height rows. Doing this per line, rather than with an
    invisible joiner in the text, keeps the PDF's text layer exactly what is printed.
    """
    start, count = line.textStart(), line.textLength()
    end = start + count
    if count <= 0 or end >= len(text) or text[end - 1] != "/" or text[end].isspace():
        return
    last_space = text.rfind(" ", start, end - 1)
    if last_space >= start:
        line.setNumColumns(last_space + 1 - start, width)


@lru_cache(maxsize=50_000)
def text_height(text: str, size_pt: float, width_mm: float, bold: bool) -> float:
    """Height in mm of a paragraph wrapped at width_mm; italic never changes where lines break here."""
    return _wrap(text, size_pt, bold, False, width_mm, "left", False)[1]


def qt_measure() -> Measure:
    """The Measure the layout engine needs, backed by Liberation Sans (see sopdesk.layout.measure)."""
    ensure_app()

    def measure(text: str, size_pt: float, width_mm: float, bold: bool = False) -> float:
        return text_height(text, size_pt, width_mm, bold)

    return measure
