"""An orthogonal arrow as one of Word's preset connectors (straight, bent with 1-4 bends), when it can be one.

A glued connector keeps its ends on its symbols only when the reader can re-route it, and
readers re-route the preset connector kinds (straightConnector1, bentConnector2-5), not free
paths. The page model's polylines are orthogonal with up to five segments, which is exactly
what these presets draw: their path starts horizontally at the box's top-left corner, bends at
positions given by adj1..adj3 (in 1/100000 of the box width or height) and ends at the
bottom-right corner; flips and a quarter turn give every other start direction.

fit_preset() works the preset out and then draws it again with preset_points(), the rules of
presetShapeDefinitions.xml, and keeps it only when every corner lands within 0.02 mm of the
model's; otherwise the caller writes the polyline as a free path.
"""
from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]

PRESET_BY_SEGMENTS = {1: "straightConnector1", 2: "bentConnector2", 3: "bentConnector3", 4: "bentConnector4",
                      5: "bentConnector5"}
ADJ_UNIT = 100000
_TOLERANCE_MM = 0.02


@dataclass
class PresetConnector:
    """A preset connector: its unrotated box on the page (mm), quarter turn, flips and adjust values."""

    prst: str
    x: float
    y: float
    w: float
    h: float
    rot90: bool = False
    flip_h: bool = False
    flip_v: bool = False
    adj: list[int] = field(default_factory=list)


def _local_path(prst: str, w: float, h: float, adj: list[int]) -> list[Point]:
    a = [value / ADJ_UNIT for value in adj] + [0.5] * 3
    if prst == "straightConnector1":
        return [(0, 0), (w, h)]
    if prst == "bentConnector2":
        return [(0, 0), (w, 0), (w, h)]
    if prst == "bentConnector3":
        x1 = w * a[0]
        return [(0, 0), (x1, 0), (x1, h), (w, h)]
    if prst == "bentConnector4":
        x1, y2 = w * a[0], h * a[1]
        return [(0, 0), (x1, 0), (x1, y2), (w, y2), (w, h)]
    if prst == "bentConnector5":
        x1, y2, x3 = w * a[0], h * a[1], w * a[2]
        return [(0, 0), (x1, 0), (x1, y2), (x3, y2), (x3, h), (w, h)]
    raise ValueError(prst)


def preset_points(connector: PresetConnector) -> list[Point]:
    """The page points a reader draws for `connector`: path, then flips, then the turn about the box centre."""
    c = connector
    cx, cy = c.x + c.w / 2, c.y + c.h / 2
    points = []
    for u, v in _local_path(c.prst, c.w, c.h, c.adj):
        u = c.w - u if c.flip_h else u
        v = c.h - v if c.flip_v else v
        px, py = c.x + u, c.y + v
        if c.rot90:  # a quarter turn clockwise on the page (y grows downwards)
            px, py = cx - (py - cy), cy + (px - cx)
        points.append((px, py))
    return points


def _simplified(points: list[Point]) -> list[Point]:
    """The same line without zero-length segments or corners that do not turn."""
    kept: list[Point] = []
    for point in points:
        if kept and abs(point[0] - kept[-1][0]) < 1e-6 and abs(point[1] - kept[-1][1]) < 1e-6:
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            if (abs(ax - bx) < 1e-6 and abs(bx - point[0]) < 1e-6) or (abs(ay - by) < 1e-6
                                                                      and abs(by - point[1]) < 1e-6):
                kept[-1] = point
                continue
        kept.append(point)
    return kept


def fit_preset(points: list[Point]) -> PresetConnector | None:
    """The preset connector that draws `points` (an orthogonal polyline), or None when none does."""
    line = _simplified(points)
    segments = len(line) - 1
    prst = PRESET_BY_SEGMENTS.get(segments)
    if prst is None:
        return None
    (x0, y0), (xn, yn) = line[0], line[-1]
    vertical_start = abs(line[1][0] - x0) < 1e-6
    rot90 = vertical_start and segments > 1
    if rot90:
        # Work in the frame turned back a quarter about the middle of the two ends: there the line starts across.
        cx, cy = (x0 + xn) / 2, (y0 + yn) / 2
        frame = [(cx + (py - cy), cy - (px - cx)) for px, py in line]
    else:
        frame = line
    (q0x, q0y), (qnx, qny) = frame[0], frame[-1]
    left, top = min(q0x, qnx), min(q0y, qny)
    w, h = abs(qnx - q0x), abs(qny - q0y)
    flip_h, flip_v = q0x > qnx, q0y > qny

    def u(point: Point) -> float:
        value = point[0] - left
        return w - value if flip_h else value

    def v(point: Point) -> float:
        value = point[1] - top
        return h - value if flip_v else value

    adj: list[int] = []
    try:
        if segments >= 3:
            adj.append(round(u(frame[1]) / w * ADJ_UNIT))
        if segments >= 4:
            adj.append(round(v(frame[2]) / h * ADJ_UNIT))
        if segments == 5:
            adj.append(round(u(frame[3]) / w * ADJ_UNIT))
    except ZeroDivisionError:
        return None  # a U-turn back to its own column or row: no box to measure the bend in
    preset = PresetConnector(prst, left, top, w, h, rot90, flip_h, flip_v, adj)
    drawn = preset_points(preset)
    if len(drawn) != len(line) or any(abs(a[0] - b[0]) > _TOLERANCE_MM or abs(a[1] - b[1]) > _TOLERANCE_MM
                                      for a, b in zip(drawn, line)):
        return None
    return preset
