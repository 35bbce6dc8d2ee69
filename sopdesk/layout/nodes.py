"""What arrows connect and run through: symbol ports on their outlines, row gaps, and path clean-up."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

EPS = 1e-6
TRACK = 0.9
"""Distance between parallel arrows sharing a gap or a corridor."""
MAX_TRACKS = 8

Point = tuple[float, float]


@dataclass(eq=False)
class Zone:
    """A horizontal gap of one row, above or below its symbols, where arrows run sideways."""

    lo: float
    hi: float
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
        step = min(2.4, self.w / 5)
        found = [("0", 0.0)]
        for k in (1, 2):
            for sign in (-1, 1):
                dx = sign * k * step
                if abs(dx) <= self.w / 2 - 0.5:
                    found.append((f"{sign * k}", dx))
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
        return [(f"top{name}", self.cx + dx, self.y + self._boundary_dy(dx)) for name, dx in self._offsets()]

    def bottom_ports(self) -> list[tuple[str, float, float]]:
        if self.kind == "pentagon":
            return [("bottom0", self.cx, self.y + self.h)]
        return [(f"bottom{name}", self.cx + dx, self.y + self.h - self._boundary_dy(dx))
                for name, dx in self._offsets()]

    def side_port(self, direction: int) -> tuple[str, float, float]:
        if direction > 0:
            return "right", self.x + self.w, self.cy
        return "left", self.x, self.cy


def simplify(points: list[Point]) -> list[Point] | None:
    """Drop repeated points and merge straight runs; None when the path doubles back on itself."""
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < EPS and abs(out[-1][1] - p[1]) < EPS:
            continue
        out.append(p)
    merged: list[Point] = out[:2]
    for p in out[2:]:
        a, b = merged[-2], merged[-1]
        ab = (b[0] - a[0], b[1] - a[1])
        bp = (p[0] - b[0], p[1] - b[1])
        if abs(ab[0] * bp[1] - ab[1] * bp[0]) < EPS:
            if ab[0] * bp[0] + ab[1] * bp[1] < 0:
                return None
            merged[-1] = p
        else:
            merged.append(p)
    if len(merged) < 2:
        return None
    for a, b in zip(merged, merged[1:]):
        if abs(a[0] - b[0]) > EPS and abs(a[1] - b[1]) > EPS:
            return None
    return merged
