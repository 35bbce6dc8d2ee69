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

from collections.abc import Iterator

from .nodes import EPS, TRACK, Node, Point, Zone, simplify

CLEAR = 0.45
"""Parallel arrows closer than this would read as one line."""
PAD = 0.4
"""Symbols are inflated by this much when checking that an arrow passes them."""
EDGE_MARGIN = 1.4
"""Arrows keep this far from the column borders so they never run along a table line."""
BUDGET = 300
"""Pattern routes tried per arrow before the channel search."""
CHANNEL_BUDGET = 3000
"""Joined channel routes checked per arrow before giving up on keeping clear of other arrows."""


class Router:
    """Routes the arrows of one page; remembers what is placed so later arrows keep clear of it."""

    def __init__(self, columns: list[tuple[float, float]]):
        self.columns = columns  # (left, right) of each actor column
        self.obstacles: list[tuple[str, float, float, float, float]] = []
        self.horizontal: list[tuple[float, float, float]] = []
        self.vertical: list[tuple[float, float, float]] = []
        self._lane_cache: dict[int, tuple[list[float], list[float], float]] = {}
        self.keepouts: list[tuple[str, float, float, float]] = []

    # ---- bookkeeping -------------------------------------------------------------------
    def add_obstacle(self, key: str, x: float, y: float, w: float, h: float) -> None:
        self.obstacles.append((key, x - PAD, y - PAD, x + w + PAD, y + h + PAD))

    def keep_out(self, owner: str, x: float, y0: float, y1: float) -> None:
        """Keep other arrows from running along the only way into (or out of) a pentagon."""
        self.keepouts.append((owner, x, min(y0, y1), max(y0, y1)))

    def reserve(self, points: list[Point]) -> None:
        for a, b in zip(points, points[1:]):
            if abs(a[1] - b[1]) < EPS:
                self.horizontal.append((a[1], min(a[0], b[0]), max(a[0], b[0])))
            else:
                self.vertical.append((a[0], min(a[1], b[1]), max(a[1], b[1])))

    # ---- checks ------------------------------------------------------------------------
    def _segment_ok(self, a: Point, b: Point, skip: tuple[str, ...], strict: bool, own: tuple[str, ...] = ()) -> bool:
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
            for owner, at, s0, s1 in self.keepouts:
                if owner not in own and abs(at - y) < CLEAR and min(hi, s1) - max(lo, s0) > -CLEAR:
                    return False
        for at, s0, s1 in parallel:
            if abs(at - y) < CLEAR and min(hi, s1) - max(lo, s0) > -CLEAR:
                return False
        for at, s0, s1 in across:
            # Crossing at a right angle is fine; touching or ending on another arrow is not.
            if lo - CLEAR < at < hi + CLEAR and s0 - CLEAR < y < s1 + CLEAR:
                if not (lo + CLEAR < at < hi - CLEAR and s0 + CLEAR < y < s1 - CLEAR):
                    return False
        return True

    def _parallel_free(self, x: float, lo: float, hi: float, own: tuple[str, ...]) -> bool:
        runs = [(at, s0, s1) for owner, at, s0, s1 in self.keepouts if owner not in own] + self.vertical
        return not any(abs(at - x) < CLEAR and min(hi, s1) - max(lo, s0) > -CLEAR for at, s0, s1 in runs)

    def _path_ok(self, points: list[Point], source: str, target: str, strict: bool) -> bool:
        last = len(points) - 2
        for i, (a, b) in enumerate(zip(points, points[1:])):
            skip = ((source,) if i == 0 else ()) + ((target,) if i == last else ())
            if not self._segment_ok(a, b, skip, strict, (source, target)):
                return False
        return True

    # ---- search ------------------------------------------------------------------------
    def route(self, source: Node, target: Node) -> list[Point]:
        """The first free route from source to target; reserves it and the ports it uses."""
        # A crowded page may leave no route clear of every other arrow; then keep clear of symbols at least.
        for strict, reuse in ((True, False), (False, True)):
            found = self._search(source, target, strict, reuse)
            if found is not None:
                return self._commit(source, target, *found)
        path = [(source.cx, source.y + source.h), (target.cx, target.y)]
        return self._commit(source, target, path if path[0][0] == path[1][0] else simplify(
            [path[0], (path[0][0], path[1][1]), path[1]]) or path, ("", ""))

    def _search(self, s: Node, t: Node, strict: bool, reuse: bool) -> tuple[list[Point], tuple[str, str]] | None:
        ports = _Ports(self, s, t, reuse)
        tried = 0
        for points, names in self._templates(s, t, ports):
            path = simplify(points)
            if path is None:
                continue
            tried += 1
            if self._path_ok(path, s.key, t.key, strict):
                return path, names
            if tried >= BUDGET:
                break
        return self._channel(s, t, ports, strict)

    def _commit(self, source: Node, target: Node, path: list[Point], ports: tuple[str, str]) -> list[Point]:
        source.used.add(ports[0])
        target.used.add(ports[1])
        self.reserve(path)
        return path

    def _free(self, node: Node, ports: list[tuple[str, float, float]], reuse: bool) -> list[tuple[str, float, float]]:
        free = [p for p in ports if p[0] not in node.used]
        return free + [p for p in ports if p[0] in node.used] if reuse else free

    def _lanes(self, column: int) -> tuple[list[float], list[float], float]:
        """Corridor positions right and left of the symbols of a column (outermost first), and its centre."""
        cached = self._lane_cache.get(column)
        if cached is not None:
            return cached
        left, right = self.columns[column]
        centre = (left + right) / 2
        half = max((min(x1 - centre, centre - x0) for _, x0, _, x1, _ in self.obstacles
                    if x0 < centre < x1), default=0.0)
        room = right - centre - half  # free width between the widest symbol and the border
        rights: list[float] = []
        if room > 0.1:
            margin = min(EDGE_MARGIN, room / 2)
            position = right - margin
            while position >= right - room + 0.05 - EPS:
                rights.append(position)
                position -= TRACK
            # Between the even tracks, for crowded columns.
            rights += [(a + b) / 2 for a, b in zip(rights, rights[1:])]
        lefts = [2 * centre - x for x in rights]
        self._lane_cache[column] = result = (rights, lefts, centre)
        return result

    def _corridors(self, near: list[int], direction: int) -> list[float]:
        """Vertical track positions, columns in `near` first, starting on the `direction` side."""
        order = list(dict.fromkeys(near + sorted(range(len(self.columns)), key=lambda c: abs(c - near[0]))))
        result: list[float] = []
        for column in order:
            if not 0 <= column < len(self.columns):
                continue
            rights, lefts, centre = self._lanes(column)
            first_side, second_side = (rights, lefts) if direction >= 0 else (lefts, rights)
            result.extend(first_side + second_side + [centre])
        return result

    def _templates(self, s: Node, t: Node, ports: _Ports) -> Iterator[tuple[list[Point], tuple[str, str]]]:
        """The routes real SOPs draw, most familiar first."""
        toward = ports.toward
        if ports.down:
            centre_p = [p for p in ports.s_bottom if p[0] == "bottom0"]
            centre_q = [q for q in ports.t_top if q[0] == "top0"]
            yield from self._forward(s, t, toward, centre_p, centre_q, ports.s_sides, ports.t_sides, True)
            yield from self._forward(s, t, toward, ports.s_bottom, ports.t_top, ports.s_sides, ports.t_sides, False)
            return
        if toward and ports.s_sides:  # L up into the bottom of an earlier symbol
            side = s.side_port(toward)
            if side in ports.s_sides:
                for q in ports.t_bottom:
                    if (q[1] - side[1]) * toward > 0.5:
                        yield [side[1:], (q[1], side[2]), q[1:]], (side[0], q[0])
        for p in ports.s_top:
            for q in ports.t_bottom:
                if abs(p[1] - q[1]) < EPS:
                    yield [p[1:], q[1:]], (p[0], q[0])
                for zone, low in ((t.below, False), (s.above, True)):
                    if zone is None:
                        continue
                    middle = (zone.lo + zone.hi) / 2
                    if self._clear(p[1], p[2], middle) and self._clear(q[1], middle, q[2]):
                        for y in zone.candidates(low):
                            yield [p[1:], (p[1], y), (q[1], y), q[1:]], (p[0], q[0])
        for sp in ports.s_sides:  # U through a corridor into the side
            direction = 1 if sp[0] == "right" else -1
            for tp in ports.t_sides:
                if tp[0] != sp[0]:
                    continue
                for xv in self._corridors([s.column, t.column], direction):
                    if (xv - sp[1]) * direction > 0.5 and (xv - tp[1]) * direction > 0.5 \
                            and self._clear(xv, sp[2], tp[2]):
                        yield [sp[1:], (xv, sp[2]), (xv, tp[2]), tp[1:]], (sp[0], tp[0])

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
                    middle = (zone.lo + zone.hi) / 2
                    if self._clear(p[1], p[2], middle) and self._clear(q[1], middle, q[2]):
                        for y in zone.candidates(low):
                            yield [p[1:], (p[1], y), (q[1], y), q[1:]], (p[0], q[0])

    def _clear(self, x: float, y0: float, y1: float) -> bool:
        """No symbol on a vertical run, apart from the one a port sits on (touched, never crossed)."""
        lo, hi = min(y0, y1) + 0.05, max(y0, y1) - 0.05
        return not any(x0 < x < x1 and min(hi, b1) - max(lo, b0) > EPS and not (b0 < y0 < b1 or b0 < y1 < b1)
                       for _, x0, b0, x1, b1 in self.obstacles)

    def _channel(self, s: Node, t: Node, ports: _Ports, strict: bool) -> tuple[list[Point], tuple[str, str]] | None:
        """Gap, corridor, gap: exists while the page has room, so it is the last resort.

        Chosen piece by piece: a corridor whose run is clear of symbols, then the first gap track
        that leaves the source cleanly, then the first that reaches the target cleanly.
        """
        down = ports.down
        exits = [("v", p, s.below) for p in ports.s_bottom] + [("v", p, s.above) for p in ports.s_top]
        exits += [("h", p, None) for p in ports.s_sides]
        entries = [("v", q, t.above) for q in ports.t_top] + [("h", q, None) for q in ports.t_sides]
        entries += [("v", q, t.below) for q in ports.t_bottom]
        if not down:
            entries = entries[len(ports.t_top):] + entries[:len(ports.t_top)]
        near = [t.column, s.column] if down else [s.column, t.column]
        corridors = self._corridors(near, ports.toward or 1)
        checks = 0
        for exit_kind, p, exit_zone in exits:
            for entry_kind, q, entry_zone in entries:
                if exit_kind == "v" and entry_kind == "v" and exit_zone is entry_zone:
                    for y in exit_zone.candidates(True):
                        path = simplify([p[1:], (p[1], y), (q[1], y), q[1:]])
                        if path and self._path_ok(path, s.key, t.key, strict):
                            return path, (p[0], q[0])
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
                    # The stretch between the two gaps is part of every route through this corridor.
                    core = sorted((_edge(exit_zone, y_to, p[2]), _edge(entry_zone, y_from, q[2])))
                    if strict and not self._parallel_free(xv, *core, (s.key, t.key)):
                        continue
                    starts = [[p[1:], (p[1], y1), (xv, y1)] for y1 in exit_zone.candidates(None)] \
                        if exit_kind == "v" else [[p[1:], (xv, p[2])]]
                    ends = [[(xv, q[2]), q[1:]]] if entry_kind == "h" else \
                        [[(xv, y2), (q[1], y2), q[1:]] for y2 in entry_zone.candidates(entry_zone is t.above)]
                    # Each end of the route is checked on its own first; only good pairs are joined.
                    heads = [h for h in starts if (path := simplify(h)) and self._path_ok(path, s.key, "", strict)]
                    if not heads:
                        continue
                    tails = [e for e in ends if (path := simplify(e)) and self._path_ok(path, "", t.key, strict)]
                    for head in heads:
                        for tail in tails:
                            path = simplify(head + tail)
                            checks += 1
                            if path and self._path_ok(path, s.key, t.key, strict):
                                return path, (p[0], q[0])
                            if checks >= CHANNEL_BUDGET:
                                return None
        return None


def _edge(zone: Zone | None, toward: float, exact: float) -> float:
    """The border of a gap on the side facing `toward` (a side port has no gap: its own height)."""
    if zone is None:
        return exact
    return zone.hi if toward > zone.hi else zone.lo


class _Ports:
    """The ports of both ends a search may use, and which way the target lies."""

    def __init__(self, router: Router, s: Node, t: Node, reuse: bool):
        self.down = t.y >= s.y + s.h - EPS
        self.toward = toward = 1 if t.cx > s.cx + EPS else -1 if t.cx < s.cx - EPS else 0
        free = router._free
        self.s_bottom = free(s, s.bottom_ports(), reuse) if s.below else []
        self.s_top = free(s, s.top_ports(), reuse) if (s.kind == "pentagon" and s.above) else []
        self.t_top = free(t, t.top_ports(), reuse) if t.above else []
        self.t_bottom = free(t, t.bottom_ports(), reuse) if t.below else []
        s_sides = [s.side_port(d) for d in ((toward or 1), -(toward or 1))] if s.has_sides else []
        self.s_sides = [p for p in s_sides if reuse or p[0] not in s.used]
        t_sides = [t.side_port(d) for d in ((-toward or 1), (toward or -1))] if t.has_sides else []
        self.t_sides = [p for p in t_sides if reuse or p[0] not in t.used]
