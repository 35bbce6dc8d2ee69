"""How the layout measures text: the Measure contract and a Qt-free estimate of it."""
from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str, float, float, bool], float]
"""measure(text, size_pt, width_mm, bold) -> height in mm of the text word-wrapped at width_mm.

Lines break at spaces (and at explicit newlines); a word longer than the width breaks
anywhere. An empty text is one empty line high. The Qt adapter (sopdesk.qt.qt_measure)
measures with Liberation Sans, metric-compatible with the Arial the documents name; the
estimate below is for tests and for headless use where Qt is not wanted.
"""

PT_MM = 25.4 / 72
LINE_FACTOR = 1.15
"""Line height as a multiple of the font size, what Arial/Liberation Sans single spacing gives."""

# Average advance of a character as a share of the font size.
_AVERAGE_ADVANCE = 0.53
_BOLD_ADVANCE = 0.58


def line_height_mm(size_pt: float) -> float:
    return size_pt * PT_MM * LINE_FACTOR


def estimate_text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of a single line, estimated from an average character advance."""
    return len(text) * size_pt * PT_MM * (_BOLD_ADVANCE if bold else _AVERAGE_ADVANCE)


def wrap_line_count(text: str, size_pt: float, width_mm: float, bold: bool = False) -> int:
    """Lines the estimate needs: greedy wrapping by words with a fixed character advance."""
    advance = size_pt * PT_MM * (_BOLD_ADVANCE if bold else _AVERAGE_ADVANCE)
    per_line = max(1, int(max(width_mm, 0.0) / advance))
    count = 0
    for raw_line in text.split("\n"):
        used = 0
        lines = 1
        for word in raw_line.split():
            length = len(word)
            if used and used + 1 + length <= per_line:
                used += 1 + length
                continue
            if used:
                lines += 1
            # A word longer than a line takes as many lines as it needs.
            extra, used = divmod(length, per_line)
            if used == 0 and extra:
                extra, used = extra - 1, per_line
            lines += extra
        count += lines
    return count


def estimate_measure(text: str, size_pt: float, width_mm: float, bold: bool = False) -> float:
    """A deterministic Measure that needs no fonts; slightly generous so layouts stay safe."""
    return wrap_line_count(text, size_pt, width_mm, bold) * line_height_mm(size_pt)
