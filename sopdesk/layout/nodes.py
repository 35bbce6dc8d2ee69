"""What arrows connect and run through: symbol ports on their outlines, row gaps, and path clean-up."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

EPS = 1e-6
TRACK = 0.9
"""Distance between parallel arrows sharing a gap or a corridor."""
BORDER_CLEAR = 2.05
"""Runs closer than this to a table border read as part of the grid (the quality measure's 2 mm)."""
MAX_TRACKS = 8

Point = tuple[float, float]

_BOX_OFFSETS = (("-1", -1), ("1", 1), ("-2", -2), ("2", 2))
"""The ports beside the centre of a box's top and bottom: name and multiple of the port spacing, in order."""
_TOP_NAMES = {name: "top" + name for name in ("0", "-1", "1", "-2", "2")}
_BOTTOM_NAMES = {name: "bottom" + name for name in ("0", "-1", "1", "-2", "2")}


@dataclass(eq=False)
class Zone:
    """A horizontal gap of one row, above or below its symbols, where arrows run sideways."""

    lo: float
    hi: float
    soft_lo: float | None = None
    soft_hi: float | None = None
    """Tracks between these keep clear of the row borders (BORDER_CLEAR); the others are a last resort."""
    head_lo: float | None = None
    head_hi: float | None = None
    """Tracks between these leave an arrow into the row's symbols a last run longer than its head."""
    _cache: dict = field(default_factory=dict, repr=False)

    def candidates(self, prefer_low: bool | None) -> list[float]:
        """Track positions: evenly spaced first, then finer ones in between.

        prefer_low True starts at the top of the gap, False at the bottom, None in the middle.
        """
        cached = self._cache.get(prefer_low)
        if cached is not None:
            return cached
        span = self.hi - self.lo
        middle = (self.lo + self.hi) / 2
        if span <= 0.05:
            result = [middle]
        else:
            count = max(2, int(span / TRACK) + 1)
            step = span / (count - 1)
            base = [self.lo + k * step for k in range(count)]

            def order(group: list[float]) -> list[float]:
                if prefer_low is None:
                    return sorted(group, key=lambda y: abs(y - middle))
                return group if prefer_low else group[::-1]

            # A tall row offers many tracks; the few nearest the preferred place are all a route needs.
            base = sorted(order(base)[:MAX_TRACKS])
            fine = [(a + b) / 2 for a, b in zip(base, base[1:])]
            finer = sorted(set(base + fine))
            finer = [(a + b) / 2 for a, b in zip(finer, finer[1:])]
            result = order(base) + order(fine) + order(finer)
        # First the tracks that leave room for an arrowhead, then those well clear of the row borders,
        # so no arrow ends in a head on its corner or reads as part of the table.
        for lo, hi in ((self.soft_lo, self.soft_hi), (self.head_lo, self.head_hi)):
            if lo is None or hi is None:
                continue
            lo, hi = lo - EPS, hi + EPS
            good = [y for y in result if lo <= y <= hi]
            if not good and lo <= middle <= hi:
                good = [middle]
            result = good + [y for y in result if not lo <= y <= hi]
        self._cache[prefer_low] = result
        return result


@dataclass(eq=False)
class Node:
    """Something an arrow starts or ends at: a symbol or an off-page pentagon."""

    key: str
    kind: str  # "terminator", "process", "decision" or "pentagon"
    x: float
    y: float
    w: float
    h: float
    column: int
    above: Zone | None
    below: Zone | None
    used: set[str] = field(default_factory=set)
    _ports: dict = field(default_factory=dict, repr=False)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def has_sides(self) -> bool:
        return self.kind != "pentagon"

    def _offsets(self) -> list[tuple[str, float]]:
        if self.kind == "pentagon":
            # Only the flat top takes offsets; the bottom is a point.
            step = min(1.5, self.w / 4)
            return [("0", 0.0)] + ([("-1", -step), ("1", step)] if self.w >= 4 else [])
        if self.kind == "decision":
            # Lines meet a diamond only at its four vertices: top and bottom here, the sides are left/right.
            return [("0", 0.0)]
        step = min(2.4, self.w / 5)
        reach = self.w / 2 - 0.5
        found = [("0", 0.0)]
        for name, times in _BOX_OFFSETS:
            dx = times * step
            if abs(dx) <= reach:
                found.append((name, dx))
        return found

    def _boundary_dy(self, dx: float) -> float:
        """How far below the top (or above the bottom) of the box the outline is at cx + dx."""
        half_w, half_h = self.w / 2, self.h / 2
        if self.kind == "decision":
            return abs(dx) / half_w * half_h if half_w > 0 else 0.0
        if self.kind == "terminator":
            r = min(self.w, self.h) / 2
            flat = half_w - r
            if abs(dx) <= flat:
                return 0.0
            inside = max(r * r - (abs(dx) - flat) ** 2, 0.0)
            return half_h - math.sqrt(inside)
        return 0.0

    def top_ports(self) -> list[tuple[str, float, float]]:
        found = self._ports.get("top")
        if found is None:
            cx, y = self.cx, self.y
            if self.kind == "process":  # a flat top: every port on it
                found = [(_TOP_NAMES[name], cx + dx, y) for name, dx in self._offsets()]
            else:
                found = [(_TOP_NAMES[name], cx + dx, y + self._boundary_dy(dx)) for name, dx in self._offsets()]
            self._ports["top"] = found
        return found

    def bottom_ports(self) -> list[tuple[str, float, float]]:
        found = self._ports.get("bottom")
        if found is None:
            if self.kind == "pentagon":
                found = [("bottom0", self.cx, self.y + self.h)]
            else:
                cx, bottom = self.cx, self.y + self.h
                if self.kind == "process":
                    found = [(_BOTTOM_NAMES[name], cx + dx, bottom) for name, dx in self._offsets()]
                else:
                    found = [(_BOTTOM_NAMES[name], cx + dx, bottom - self._boundary_dy(dx))
                             for name, dx in self._offsets()]
            self._ports["bottom"] = found
        return found

    def spare_ports(self) -> tuple[list[tuple[str, float, float]], list[tuple[str, float, float]],
                                   list[tuple[str, float, float]]]:
        """For a diamond whose four vertices are taken: the same vertices reached from another side.

        (top, bottom, side) ports like top_ports(), bottom_ports() and side_port(): the side
        vertices reached from above or below, the top and bottom vertices from the left or right.
        Lines still meet the diamond only at its vertices.
        """
        if self.kind != "decision":
            return [], [], []
        left, right, top, bottom = (self.x, self.cy), (self.x + self.w, self.cy), (self.cx, self.y), \
            (self.cx, self.y + self.h)
        return ([("top@left", *left), ("top@right", *right)], [("bottom@left", *left), ("bottom@right", *right)],
                [("right@top", *top), ("left@top", *top), ("right@bottom", *bottom), ("left@bottom", *bottom)])

    def side_port(self, direction: int) -> tuple[str, float, float]:
        if direction > 0:
            return "right", self.x + self.w, self.cy
        return "left", self.x, self.cy


def simplify(points: list[Point]) -> list[Point] | None:
    """Drop repeated points and merge straight runs; None when the path doubles back on itself.

    Most paths handed in are simple already (every run straight across or down, no point twice, a
    bend at every inner point): those come back as they are (the same list) after one look.
    """
    if len(points) >= 2:
        ax, ay = points[0]
        px = py = 0.0  # the previous run
        first = True
        for bx, by in points[1:]:
            dx, dy = bx - ax, by - ay
            wide, tall = abs(dx), abs(dy)
            if (wide > EPS and tall > EPS) or (wide < EPS and tall < EPS):
                break  # slanted, or a repeated point
            if not first and abs(px * dy - py * dx) < EPS:
                break  # straight on, or back
            px, py, ax, ay, first = dx, dy, bx, by, False
        else:
            return points
    return _simplify(points)


def _simplify(points: list[Point]) -> list[Point] | None:
    out: list[Point] = []
    lx = ly = 0.0
    for p in points:
        x, y = p
        if out and abs(lx - x) < EPS and abs(ly - y) < EPS:
            continue
        out.append(p)
        lx, ly = x, y
    if len(out) < 2:
        return None
    merged: list[Point] = out[:2]
    (ax, ay), (bx, by) = merged  # the last two points kept
    for p in out[2:]:
        px, py = p
        abx, aby, bpx, bpy = bx - ax, by - ay, px - bx, py - by
        if abs(abx * bpy - aby * bpx) < EPS:
            if abx * bpx + aby * bpy < 0:
                return None
            merged[-1] = p
            bx, by = px, py
        else:
            merged.append(p)
            ax, ay, bx, by = bx, by, px, py
    (ax, ay) = merged[0]
    for bx, by in merged[1:]:
        if abs(ax - bx) > EPS and abs(ay - by) > EPS:
            return None
        ax, ay = bx, by
    return merged


# Advance widths of Arial / Liberation Sans (metric-compatible) in 1/1000 em, for the label texts.
_ADVANCE = {
    **dict.fromkeys("abdeghnopqu0123456789", 556), **dict.fromkeys("ckszvxy", 500), **dict.fromkeys("ijl", 222),
    "f": 278, "t": 278, "r": 333, "m": 833, "w": 722,
    **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRU", 722), **dict.fromkeys("GOQ", 778),
    "F": 611, "T": 611, "Z": 611, "I": 278, "J": 500, "L": 556, "M": 833, "W": 944,
    " ": 278, ".": 278, ",": 278, "/": 278, ":": 278, ";": 278, "!": 278, "-": 333, "(": 333, ")": 333,
    "?": 556, "&": 667, "%": 889,
}
_UNKNOWN_ADVANCE = 1000
"""Letters not in the table (accented, other scripts) are taken as wide as an em, to be safe."""
PT_MM = 25.4 / 72


def label_width_mm(text: str, size_pt: float) -> float:
    """Printed width of a one-line label in Arial at size_pt (Liberation Sans measures the same)."""
    return sum(_ADVANCE.get(ch, _UNKNOWN_ADVANCE) for ch in text) / 1000 * size_pt * PT_MM
