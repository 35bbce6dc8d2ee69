"""Orthogonal arrow routing inside the Pelaksana block (format §5.3-§5.4).

Symbols sit centred in their actor column and row, which leaves two kinds of free space:
the gaps above and below the symbols of each row ("zones", where horizontal runs go) and
the corridors at the sides of every actor column (where vertical runs go). Each flow tries,
in order, the patterns real SOPs use: a straight drop, an L from the side facing the
target, a Z through one gap; back-edges first try an L up into the target's bottom or a
U through a corridor into its side. When none of those is free, a channel route (gap,
corridor, gap) is searched. Every candidate is checked against the symbols and against the
arrows already placed, so arrows never cross a symbol and never run along one another; an
arrow may cross another one only at a clean right angle.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

EPS = 1e-6
CLEAR = 0.45
"""Parallel arrows closer than this would read as one line."""
PAD = 0.4
"""Symbols are inflated by this much when checking that an arrow passes them."""
EDGE_MARGIN = 1.4
"""Arrows keep this far from the column borders so they never run along a table line."""
TRACK = 0.9
BUDGET = 500

Point = tuple[float, float]


@dataclass(eq=False)
class Zone:
    """A horizontal gap of one row, above or below its symbols, where arrows run sideways."""

    lo: float
    hi: float
    _cache: dict = field(default_factory=dict, repr=False)

    def candidates(self, prefer_low: bool) -> list[float]:
        """Track positions: evenly spaced first, starting at the preferred end, then finer ones."""
        cached = self._cache.get(prefer_low)
        if cached is not None:
            return cached
        span = self.hi - self.lo
        if span <= 0.05:
            result = [(self.lo + self.hi) / 2]
        else:
            count = max(2, int(span / TRACK) + 1)
            step = span / (count - 1)
            base = [self.lo + k * step for k in range(count)]
            fine = [(a + b) / 2 for a, b in zip(base, base[1:])]
            finer = sorted(set(base + fine))
            finer = [(a + b) / 2 for a, b in zip(finer, finer[1:])]
            result = []
            for group in (base, fine, finer):
                result.extend(group if prefer_low else reversed(group))
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
            return [("0", 0.0)]
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


class Router:
    """Routes the arrows of one page; remembers what is placed so later arrows keep clear of it."""

    def __init__(self, columns: list[tuple[float, float]]):
        self.columns = columns  # (left, right) of each actor column
        self.obstacles: list[tuple[str, float, float, float, float]] = []
        self.horizontal: list[tuple[float, float, float]] = []
        self.vertical: list[tuple[float, float, float]] = []

    # ---- bookkeeping -------------------------------------------------------------------
    def add_obstacle(self, key: str, x: float, y: float, w: float, h: float) -> None:
        self.obstacles.append((key, x - PAD, y - PAD, x + w + PAD, y + h + PAD))

    def reserve(self, points: list[Point]) -> None:
        for a, b in zip(points, points[1:]):
            if abs(a[1] - b[1]) < EPS:
                self.horizontal.append((a[1], min(a[0], b[0]), max(a[0], b[0])))
            else:
                self.vertical.append((a[0], min(a[1], b[1]), max(a[1], b[1])))

    # ---- checks ------------------------------------------------------------------------
    def _segment_ok(self, a: Point, b: Point, skip: tuple[str, ...], strict: bool) -> bool:
        horizontal = abs(a[1] - b[1]) < EPS
        if horizontal:
            y, lo, hi = a[1], min(a[0], b[0]), max(a[0], b[0])
            for key, x0, y0, x1, y1 in self.obstacles:
                if y0 < y < y1 and min(hi, x1) - max(lo, x0) > EPS and key not in skip:
                    return False
            if not strict:
                return True
            parallel, across = self.horizontal, self.vertical
        else:
            y, lo, hi = a[0], min(a[1], b[1]), max(a[1], b[1])
            for key, x0, y0, x1, y1 in self.obstacles:
                if x0 < y < x1 and min(hi, y1) - max(lo, y0) > EPS and key not in skip:
                    return False
            if not strict:
                return True
            parallel, across = self.vertical, self.horizontal
        for at, s0, s1 in parallel:
            if abs(at - y) < CLEAR and min(hi, s1) - max(lo, s0) > -CLEAR:
                return False
        for at, s0, s1 in across:
            # Crossing at a right angle is fine; touching or ending on another arrow is not.
            if lo - CLEAR < at < hi + CLEAR and s0 - CLEAR < y < s1 + CLEAR:
                if not (lo + CLEAR < at < hi - CLEAR and s0 + CLEAR < y < s1 - CLEAR):
                    return False
        return True

    def _path_ok(self, points: list[Point], source: str, target: str, strict: bool) -> bool:
        last = len(points) - 2
        for i, (a, b) in enumerate(zip(points, points[1:])):
            skip = ((source,) if i == 0 else ()) + ((target,) if i == last else ())
            if not self._segment_ok(a, b, skip, strict):
                return False
        return True

    # ---- search ------------------------------------------------------------------------
    def route(self, source: Node, target: Node) -> list[Point]:
        """The first free route from source to target; reserves it and the ports it uses."""
        tried = 0
        first: tuple[list[Point], tuple[str, str]] | None = None
        for points, ports in self._candidates(source, target, reuse=False):
            path = simplify(points)
            if path is None:
                continue
            if first is None:
                first = (path, ports)
            tried += 1
            if self._path_ok(path, source.key, target.key, strict=True):
                return self._commit(source, target, path, ports)
            if tried >= BUDGET:
                break
        # Crowded page: keep clear of symbols at least, even if arrows must share a run.
        tried = 0
        for points, ports in self._candidates(source, target, reuse=True):
            path = simplify(points)
            if path is None:
                continue
            if first is None:
                first = (path, ports)
            tried += 1
            if self._path_ok(path, source.key, target.key, strict=False) or tried >= BUDGET:
                return self._commit(source, target, path, ports)
        if first is None:
            first = ([(source.cx, source.y + source.h), (target.cx, target.y)], ("", ""))
        return self._commit(source, target, *first)

    def _commit(self, source: Node, target: Node, path: list[Point], ports: tuple[str, str]) -> list[Point]:
        source.used.add(ports[0])
        target.used.add(ports[1])
        self.reserve(path)
        return path

    def _free(self, node: Node, ports: list[tuple[str, float, float]], reuse: bool) -> list[tuple[str, float, float]]:
        free = [p for p in ports if p[0] not in node.used]
        return free + [p for p in ports if p[0] in node.used] if reuse else free

    def _corridors(self, near: list[int], direction: int) -> list[float]:
        """Vertical track positions, columns in `near` first, starting on the `direction` side."""
        order = list(dict.fromkeys(near + sorted(range(len(self.columns)), key=lambda c: abs(c - near[0]))))
        result: list[float] = []
        for column in order:
            if not 0 <= column < len(self.columns):
                continue
            left, right = self.columns[column]
            centre = (left + right) / 2
            rights, lefts = [], []
            k = 0
            while right - EDGE_MARGIN - k * TRACK > centre + 0.5:
                rights.append(right - EDGE_MARGIN - k * TRACK)
                lefts.append(left + EDGE_MARGIN + k * TRACK)
                k += 1
            first_side, second_side = (rights, lefts) if direction >= 0 else (lefts, rights)
            result.extend(first_side + second_side + [centre])
        return result

    def _candidates(self, s: Node, t: Node, reuse: bool) -> Iterator[tuple[list[Point], tuple[str, str]]]:
        down = t.y >= s.y + s.h - EPS
        toward = 1 if t.cx > s.cx + EPS else -1 if t.cx < s.cx - EPS else 0
        s_bottom = self._free(s, s.bottom_ports(), reuse) if s.below else []
        s_top = self._free(s, s.top_ports(), reuse) if (s.kind == "pentagon" and s.above) else []
        t_top = self._free(t, t.top_ports(), reuse) if t.above else []
        t_bottom = self._free(t, t.bottom_ports(), reuse) if t.below else []
        s_sides = [s.side_port(d) for d in ((toward or 1), -(toward or 1))] if s.has_sides else []
        s_sides = [p for p in s_sides if reuse or p[0] not in s.used]
        t_sides = [t.side_port(d) for d in ((-toward or 1), (toward or -1))] if t.has_sides else []
        t_sides = [p for p in t_sides if reuse or p[0] not in t.used]
        if down:
            centre_p = [p for p in s_bottom if p[0] == "bottom0"]
            centre_q = [q for q in t_top if q[0] == "top0"]
            yield from self._forward(s, t, toward, centre_p, centre_q, s_sides, t_sides, facing_side=True)
            yield from self._forward(s, t, toward, s_bottom, t_top, s_sides, t_sides, facing_side=False)
        else:
            if toward and s_sides:  # L up into the bottom of an earlier symbol
                side = s.side_port(toward)
                if side in s_sides:
                    for q in t_bottom:
                        if (q[1] - side[1]) * toward > 0.5:
                            yield [side[1:], (q[1], side[2]), q[1:]], (side[0], q[0])
            for p in s_top:
                for q in t_bottom:
                    if abs(p[1] - q[1]) < EPS:
                        yield [p[1:], q[1:]], (p[0], q[0])
                    for zone, low in ((t.below, False), (s.above, True)):
                        if zone is not None:
                            for y in zone.candidates(low):
                                yield [p[1:], (p[1], y), (q[1], y), q[1:]], (p[0], q[0])
            for sp in s_sides:  # U through a corridor into the side
                direction = 1 if sp[0] == "right" else -1
                for tp in t_sides:
                    if tp[0] != sp[0]:
                        continue
                    for xv in self._corridors([s.column, t.column], direction):
                        if (xv - sp[1]) * direction > 0.5 and (xv - tp[1]) * direction > 0.5:
                            yield [sp[1:], (xv, sp[2]), (xv, tp[2]), tp[1:]], (sp[0], tp[0])
        yield from self._channels(s, t, down, toward, s_bottom, s_top, s_sides, t_top, t_bottom, t_sides)

    def straight(self, source: Node, target: Node) -> list[Point] | None:
        """A straight drop from the bottom centre of source to the top centre of target, if free."""
        if not (source.below and target.above) or "bottom0" in source.used or "top0" in target.used:
            return None
        if abs(source.cx - target.cx) > EPS or target.y < source.y + source.h - EPS:
            return None
        p, q = source.bottom_ports()[0], target.top_ports()[0]
        path = [p[1:], q[1:]]
        if self._path_ok(path, source.key, target.key, strict=True):
            return self._commit(source, target, path, (p[0], q[0]))
        return None

    def _forward(self, s, t, toward, s_bottom, t_top, s_sides, t_sides, facing_side):
        for p in s_bottom:  # straight drop
            for q in t_top:
                if abs(p[1] - q[1]) < EPS:
                    yield [p[1:], q[1:]], (p[0], q[0])
        if toward and s_sides:  # L from the side facing the target
            side = s.side_port(toward)
            if side in s_sides:
                for q in t_top:
                    if (q[1] - side[1]) * toward > 0.5:
                        yield [side[1:], (q[1], side[2]), q[1:]], (side[0], q[0])
        if facing_side and toward and t_sides:  # down, then into the side of the target facing the source
            side = t.side_port(-toward)
            if side in t_sides:
                for p in s_bottom:
                    if (side[1] - p[1]) * toward > 0.5:
                        yield [p[1:], (p[1], side[2]), side[1:]], (p[0], side[0])
        for p in s_bottom:  # Z through one gap
            for q in t_top:
                for zone, low in ((t.above, True), (s.below, False)):
                    for y in zone.candidates(low):
                        yield [p[1:], (p[1], y), (q[1], y), q[1:]], (p[0], q[0])

    def _channels(self, s, t, down, toward, s_bottom, s_top, s_sides, t_top, t_bottom, t_sides):
        """Gap, corridor, gap: always exists while the page has room, so it is the last resort."""
        exits = [("v", p, s.below) for p in s_bottom] + [("v", p, s.above) for p in s_top]
        exits += [("h", p, None) for p in s_sides]
        entries = [("v", q, t.above) for q in t_top] + [("h", q, None) for q in t_sides]
        entries += [("v", q, t.below) for q in t_bottom]
        if not down:
            entries = entries[len(t_top):] + entries[:len(t_top)]
        near = [t.column, s.column] if down else [s.column, t.column]
        corridors = self._corridors(near, toward or 1)
        for exit_kind, p, exit_zone in exits:
            for entry_kind, q, entry_zone in entries:
                if exit_kind == "v" and entry_kind == "v" and exit_zone is entry_zone:
                    for y in exit_zone.candidates(True):
                        yield [p[1:], (p[1], y), (q[1], y), q[1:]], (p[0], q[0])
                    continue
                for xv in corridors:
                    if exit_kind == "h" and (xv - p[1]) * (1 if p[0] == "right" else -1) <= 0.5:
                        continue
                    if entry_kind == "h" and (xv - q[1]) * (1 if q[0] == "right" else -1) <= 0.5:
                        continue
                    # Zones hold no symbols, so whether this corridor is blocked hardly depends on the
                    # exact tracks: test it once with the middle of each gap and skip it if it is.
                    y_from = (exit_zone.lo + exit_zone.hi) / 2 if exit_kind == "v" else p[2]
                    y_to = (entry_zone.lo + entry_zone.hi) / 2 if entry_kind == "v" else q[2]
                    if not self._segment_ok((xv, y_from), (xv, y_to), (), strict=False):
                        continue
                    starts = [[p[1:], (p[1], y1), (xv, y1)] for y1 in exit_zone.candidates(down)[:6]] \
                        if exit_kind == "v" else [[p[1:], (xv, p[2])]]
                    for start in starts:
                        if entry_kind == "h":
                            yield start + [(xv, q[2]), q[1:]], (p[0], q[0])
                            continue
                        for y2 in entry_zone.candidates(entry_zone is t.above)[:6]:
                            yield start + [(xv, y2), (q[1], y2), q[1:]], (p[0], q[0])
