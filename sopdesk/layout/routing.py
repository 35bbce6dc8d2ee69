"""Orthogonal arrow routing inside the Pelaksana block (format §5.3-§5.4).

Symbols sit centred in their actor column and row, which leaves two kinds of free space:
the gaps above and below the symbols of each row ("zones", where horizontal runs go) and
the corridors at the sides of every actor column (where vertical runs go). Corridors are
centred in the free gutter between the symbols and the column border, never along the
border; zone tracks keep clear of the row borders and leave room for the arrowhead.

Each flow is offered, in order, the patterns real SOPs use: a straight drop, an L from the
side facing the target, a Z through one gap; back-edges an L up into the target's bottom or
a U through a corridor into its side; then channel routes (gap, corridor, gap). Every
candidate is checked against the symbols and against the arrows already placed, so arrows
never cross a symbol and never run along one another; an arrow may cross another one only
at a clean right angle. Among the free candidates the cheapest is taken, by cost() =
crossings x CROSS_COST + runs along the grid x BORDER_COST + bends x BEND_COST + length, and
the page's routes that still cross another are searched again once all are placed (see
_FlowPage._improve in engine.py). Lines meet a decision only at its four vertices.
Everything is in a fixed order, so the same SOP always gets the same drawing.

Speed: symbols and placed runs are filed in bands along both axes (_Index), so a check looks only
at what lies where its run lies; segment checks and crossing counts are remembered until the
next route is placed or taken back; gutter tracks are worked out once per column shape.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from .nodes import BORDER_CLEAR, EPS, TRACK, Node, Point, Zone, simplify
from .page_model import ARROW_LENGTH_MM

CLEAR = 0.45
"""Parallel arrows closer than this would read as one line."""
PAD = 0.4
"""Symbols are inflated by this much when checking that an arrow passes them."""
EDGE_MARGIN = 1.4
"""Arrows keep this far from the column borders so they never run along a table line."""
BUDGET = 150
"""Pattern routes tried per arrow before the channel search."""
CHANNEL_BUDGET = 800
"""Channel route pieces checked per arrow before giving up on keeping clear of other arrows."""
CANDIDATES = 6
"""Free routes compared per arrow once one without crossings is among them (up to 4x as many otherwise)."""
CHANNEL_CANDIDATES = 3
"""Channel routes compared per arrow (each is costly to find)."""
CROSS_COST = 100.0
"""Cost of crossing another arrow: worth many bends and a long detour."""
BEND_COST = 4.0
LENGTH_COST = 0.05
"""Per mm of arrow."""
BORDER_COST = 30.0
"""A run beside a table border (closer than BORDER_CLEAR over more than BORDER_RUN)."""
BORDER_RUN = 5.0
SHORT_HEAD_COST = 40.0
"""A last run shorter than the arrowhead: the head would sit on the corner (and turn in some renderers)."""
MAX_LANE_STEPS = 4
"""Half-track steps tried either side of a gutter's centre."""
NEAR = CLEAR + 0.01
"""How far beyond a run a check looks for other arrows (a little more than CLEAR)."""
BAND = 6.0
"""Width of the bands the router files symbols and arrows in (mm)."""


class Router:
    """Routes the arrows of one page; remembers what is placed so later arrows keep clear of it."""

    def __init__(self, columns: list[tuple[float, float]]):
        self.columns = columns  # (left, right) of each actor column
        self.obstacles: list[tuple[str, float, float, float, float]] = []
        self.horizontal: list[tuple[float, float, float]] = []
        self.vertical: list[tuple[float, float, float]] = []
        self.keepouts: list[tuple[str, float, float, float]] = []
        # The same, filed along both axes (see _Index): a horizontal run at height y looks only at
        # the items filed at y, a vertical run at x at those filed at x.
        self._obstacles_y, self._obstacles_x = _Index(), _Index()
        self._horizontal_y, self._horizontal_x = _Index(), _Index()
        self._vertical_y, self._vertical_x = _Index(), _Index()
        self._keepouts_x = _Index()
        # The bands of the indexes a segment check reads, by the axis it looks along.
        self._by_y = (self._obstacles_y._bands, self._horizontal_y._bands, self._vertical_y._bands)
        self._by_x = (self._obstacles_x._bands, self._vertical_x._bands, self._horizontal_x._bands,
                      self._keepouts_x._bands)
        self._keepout_owners: set[str] = set()
        self._lane_cache: dict[int, tuple[list[float], list[float], float]] = {}
        self._corridor_cache: dict[tuple[int, ...], list[float]] = {}
        self._checked: dict[tuple, bool] = {}
        """Segment checks against what is placed now (the searches ask about the same runs many times)
        and, below, crossing counts: emptied whenever something is placed or taken back."""
        self._crossed: dict[tuple[Point, Point], int] = {}
        self._beside_grid: dict[tuple[Point, Point], bool] = {}
        """Whether a run lies along the grid: the borders are fixed before the first route, so kept for the page."""
        self.column_lines = sorted({x for pair in columns for x in pair})
        self.row_lines: list[float] = []
        """Row borders of the page's step rows, top to bottom, which horizontal runs keep clear of (set before
        routing)."""
        self.block = (columns[0][0], columns[-1][1]) if columns else (0.0, 0.0)

    # ---- bookkeeping -------------------------------------------------------------------
    def _changed(self) -> None:
        self._checked.clear()
        self._crossed.clear()

    def add_obstacle(self, key: str, x: float, y: float, w: float, h: float) -> None:
        item = (key, x - PAD, y - PAD, x + w + PAD, y + h + PAD)
        self.obstacles.append(item)
        self._obstacles_y.add(item, item[2], item[4])
        self._obstacles_x.add(item, item[1], item[3])
        self._changed()

    def keep_out(self, owner: str, x: float, y0: float, y1: float) -> None:
        """Keep other arrows from running along the only way into (or out of) a pentagon."""
        item = (owner, x, min(y0, y1), max(y0, y1))
        self.keepouts.append(item)
        self._keepout_owners.add(owner)
        self._keepouts_x.add(item, x, x)
        self._changed()

    def reserve(self, points: list[Point]) -> None:
        self._file(points, True)

    def release(self, source: Node, target: Node, points: list[Point], ports: tuple[str, str]) -> None:
        """Take back a committed route (to try another one for it)."""
        self._file(points, False)
        source.used.discard(ports[0])
        target.used.discard(ports[1])

    def _file(self, points: list[Point], placing: bool) -> None:
        """File each run of a path (or take it out again) in its list and in its indexes along both axes."""
        self._changed()
        for a, b in zip(points, points[1:]):
            if abs(a[1] - b[1]) < EPS:
                item = (a[1], min(a[0], b[0]), max(a[0], b[0]))
                runs, by_y, by_x, y_span, x_span = (self.horizontal, self._horizontal_y, self._horizontal_x,
                                                    (item[0], item[0]), (item[1], item[2]))
            else:
                item = (a[0], min(a[1], b[1]), max(a[1], b[1]))
                runs, by_y, by_x, y_span, x_span = (self.vertical, self._vertical_y, self._vertical_x,
                                                    (item[1], item[2]), (item[0], item[0]))
            if placing:
                runs.append(item)
                by_y.add(item, *y_span)
                by_x.add(item, *x_span)
            else:
                runs.remove(item)
                by_y.remove(item, *y_span)
                by_x.remove(item, *x_span)

    # ---- cost --------------------------------------------------------------------------
    def crossings(self, points: list[Point]) -> int:
        """How many placed arrow segments the path crosses at a right angle."""
        count = 0
        for a, b in zip(points, points[1:]):
            count += self._run_crossings(a, b)
        return count

    def _run_crossings(self, a: Point, b: Point) -> int:
        """How many placed runs one run crosses at a right angle."""
        n = self._crossed.get((a, b))
        if n is None:
            n = self._crossed[(a, b)] = self._count_crossings(a, b, abs(a[1] - b[1]) < EPS)
        return n

    def _count_crossings(self, a: Point, b: Point, horizontal: bool) -> int:
        # Each placed run is filed once in a band, so none is counted twice.
        if horizontal:
            v, lo, hi = a[1], a[0], b[0]
            runs = self._vertical_y.at(v)
        else:
            v, lo, hi = a[0], a[1], b[1]
            runs = self._horizontal_x.at(v)
        if not runs:
            return 0
        if hi < lo:
            lo, hi = hi, lo
        lo, hi = lo + EPS, hi - EPS
        n = 0
        for at, s0, s1 in runs:
            if lo < at < hi and s0 + EPS < v < s1 - EPS:
                n += 1
        return n

    def border_runs(self, points: list[Point]) -> int:
        """Runs that lie beside a column or row border, close enough to read as part of the grid."""
        known = self._beside_grid
        count = 0
        for a, b in zip(points, points[1:]):
            beside = known.get((a, b))
            if beside is None:
                beside = known[(a, b)] = self._beside_border(a, b)
            count += beside
        return count

    def _beside_border(self, a: Point, b: Point) -> bool:
        if abs(a[1] - b[1]) < EPS:
            if not abs(a[0] - b[0]) > BORDER_RUN:
                return False
            v, lines = a[1], self.row_lines
        else:
            if not abs(a[1] - b[1]) > BORDER_RUN:
                return False
            v, lines = a[0], self.column_lines
        # Both lists run in order: only the lines a little either side of v can be that close.
        for k in range(bisect_left(lines, v - BORDER_CLEAR - 0.01), len(lines)):
            line = lines[k]
            if EPS < abs(v - line) < BORDER_CLEAR:
                return True
            if line > v + BORDER_CLEAR + 0.01:
                break
        return False

    def cost(self, points: list[Point]) -> float:
        """crossings * big + bends + length, and runs along the grid: what a careful drafter avoids, in order."""
        return self._rate(points)[0]

    def _rate(self, points: list[Point]) -> tuple[float, bool]:
        """cost(), and whether the path is clean: it crosses nothing and keeps clear of the grid."""
        beside_grid, crossed = self._beside_grid, self._crossed
        length = crossings = borders = 0
        a = points[0]
        for b in points[1:]:
            segment = (a, b)
            dy = abs(a[1] - b[1])
            length += abs(a[0] - b[0]) + dy
            n = crossed.get(segment)
            if n is None:
                n = crossed[segment] = self._count_crossings(a, b, dy < EPS)
            beside = beside_grid.get(segment)
            if beside is None:
                beside = beside_grid[segment] = self._beside_border(a, b)
            crossings += n
            borders += beside
            a = b
        (xa, ya), (xb, yb) = points[-2], points[-1]
        short = len(points) > 2 and abs(xa - xb) + abs(ya - yb) < ARROW_LENGTH_MM + 0.1
        return (CROSS_COST * crossings + BORDER_COST * borders + BEND_COST * (len(points) - 2) + LENGTH_COST * length
                + SHORT_HEAD_COST * short, not crossings and not borders and not short)

    # ---- checks ------------------------------------------------------------------------
    def _check_segment(self, a: Point, b: Point, horizontal: bool, skip: tuple[str, ...], strict: bool,
                       own: tuple[str, ...]) -> bool:
        """The segment passes every symbol (but those in skip) and, when strict, keeps clear of other
        arrows and of the keep-outs of all pentagons but those in own: what is filed where it runs,
        checked item by item."""
        # Every index files by the same bands: one band number serves them all (see _Index.at).
        if horizontal:
            y, lo, hi = a[1], a[0], b[0]
            if hi < lo:
                lo, hi = hi, lo
            band = int(y // BAND)
            for key, x0, y0, x1, y1 in self._by_y[0].get(band, ()):
                if y0 < y < y1 and (hi if hi < x1 else x1) - (lo if lo > x0 else x0) > EPS and key not in skip:
                    return False
            if not strict:
                return self._no_overlap(self._by_y[1].get(band, ()), y, lo, hi)
            parallel, across = self._by_y[1].get(band, ()), self._by_y[2].get(band, ())
        else:
            y, lo, hi = a[0], a[1], b[1]
            if hi < lo:
                lo, hi = hi, lo
            band = int(y // BAND)
            for key, x0, y0, x1, y1 in self._by_x[0].get(band, ()):
                if x0 < y < x1 and (hi if hi < y1 else y1) - (lo if lo > y0 else y0) > EPS and key not in skip:
                    return False
            if not strict:
                return self._no_overlap(self._by_x[1].get(band, ()), y, lo, hi)
            parallel, across = self._by_x[1].get(band, ()), self._by_x[2].get(band, ())
            for owner, at, s0, s1 in self._by_x[3].get(band, ()):
                if owner not in own and abs(at - y) < CLEAR and (hi if hi < s1 else s1) - (lo if lo > s0 else s0) > -CLEAR:
                    return False
        for at, s0, s1 in parallel:
            if abs(at - y) < CLEAR and (hi if hi < s1 else s1) - (lo if lo > s0 else s0) > -CLEAR:
                return False
        for at, s0, s1 in across:
            # Crossing at a right angle is fine; touching or ending on another arrow is not.
            if lo - CLEAR < at < hi + CLEAR and s0 - CLEAR < y < s1 + CLEAR:
                if not (lo + CLEAR < at < hi - CLEAR and s0 + CLEAR < y < s1 - CLEAR):
                    return False
        return True

    @staticmethod
    def _no_overlap(runs: list[tuple[float, float, float]], at: float, lo: float, hi: float) -> bool:
        """Crowded pages may cross and touch other arrows, but never run on top of one."""
        for x, s0, s1 in runs:
            if abs(x - at) < 0.05 and (hi if hi < s1 else s1) - (lo if lo > s0 else s0) > 0.05:
                return False
        return True

    def _parallel_free(self, x: float, lo: float, hi: float, own: tuple[str, ...]) -> bool:
        for owner, at, s0, s1 in self._keepouts_x.at(x):
            if owner not in own and abs(at - x) < CLEAR and (hi if hi < s1 else s1) - (lo if lo > s0 else s0) > -CLEAR:
                return False
        for at, s0, s1 in self._vertical_x.at(x):
            if abs(at - x) < CLEAR and (hi if hi < s1 else s1) - (lo if lo > s0 else s0) > -CLEAR:
                return False
        return True

    def _path_ok(self, points: list[Point], source: str, target: str, strict: bool) -> bool:
        """Every segment passes the symbols (but source at the first, target at the last) and, when
        strict, keeps clear of other arrows and of the keep-outs of other pentagons.

        Answers are kept per segment until something is placed or taken back.
        """
        last = len(points) - 2
        # Only a pentagon has a keep-out, and only strict checks look at keep-outs: the other names
        # change nothing, so checks that differ only in them share an answer.
        owners = self._keepout_owners
        if strict and owners:
            own = ((source,) if source in owners else ()) + ((target,) if target in owners else ())
        else:
            own = ()
        # No symbol is named "": a route piece checked without one of its ends skips nothing there.
        first, final = ((source,) if source else ()), ((target,) if target else ())
        checked = self._checked
        # The answers already known first: a piece known to be blocked settles the path at once.
        unknown = None
        a = points[0]
        for i in range(last + 1):
            b = points[i + 1]
            skip = ((first + final) if i == last else first) if i == 0 else (final if i == last else ())
            horizontal = abs(a[1] - b[1]) < EPS
            key = (a, b, skip, strict, () if horizontal else own)
            found = checked.get(key)
            if found is None:
                if unknown is None:
                    unknown = [(key, horizontal)]
                else:
                    unknown.append((key, horizontal))
            elif not found:
                return False
            a = b
        if unknown is not None:
            check = self._check_segment
            for key, horizontal in unknown:
                found = checked[key] = check(key[0], key[1], horizontal, key[2], strict, own)
                if not found:
                    return False
        return True

    # ---- search ------------------------------------------------------------------------
    def route(self, source: Node, target: Node) -> list[Point]:
        """The cheapest free route from source to target; reserves it and the ports it uses."""
        return self.route_ports(source, target)[0]

    def route_ports(self, source: Node, target: Node) -> tuple[list[Point], tuple[str, str], bool]:
        """route(), also giving the ports taken and whether the route keeps clear of every other arrow."""
        # A crowded page may leave no route clear of every other arrow; then keep clear of symbols at least.
        for strict, reuse in ((True, False), (False, True)):
            found = self._search(source, target, strict, reuse)
            if found is not None:
                return self._commit(source, target, *found), found[1], strict
        path = [(source.cx, source.y + source.h), (target.cx, target.y)]
        path = path if path[0][0] == path[1][0] else simplify([path[0], (path[0][0], path[1][1]), path[1]]) or path
        return self._commit(source, target, path, ("", "")), ("", ""), False

    def _search(self, s: Node, t: Node, strict: bool, reuse: bool) -> tuple[list[Point], tuple[str, str]] | None:
        """Compares the free candidates (familiar patterns first, then channel routes) by cost()."""
        ports = _Ports(self, s, t, reuse)
        best: tuple[float, list[Point], tuple[str, str], bool] | None = None
        tried = found = 0
        for points, names in self._templates(s, t, ports):
            path = simplify(points)
            if path is None:
                continue
            tried += 1
            if self._path_ok(path, s.key, t.key, strict):
                cost, clean = self._rate(path)
                found += 1
                if best is None or cost < best[0]:
                    best = (cost, path, names, clean)
                if clean:
                    # Patterns come fewest bends first: the first route that crosses nothing and keeps
                    # clear of the grid is as good as any later one.
                    break
                if found >= CANDIDATES:
                    break
            if tried >= BUDGET:
                break
        if best is None or not best[3]:
            # A channel route may avoid the crossing; when a route is already in hand, look briefly.
            # The last, lenient search must not give up early: after it only a bare line is left.
            budget = (CHANNEL_BUDGET if strict else 20 * CHANNEL_BUDGET) if best is None else CHANNEL_BUDGET // 60
            for path, names in self._channel(s, t, ports, strict, budget):
                cost, clean = self._rate(path)
                if best is None or cost < best[0]:
                    best = (cost, path, names, clean)
                if best[3]:
                    break
        return (best[1], best[2]) if best is not None else None

    def alternative(self, source: Node, target: Node) -> tuple[list[Point], tuple[str, str]] | None:
        """The cheapest route clear of every other arrow, with its ports, without reserving it."""
        return self._search(source, target, True, False)

    def commit(self, source: Node, target: Node, path: list[Point], ports: tuple[str, str]) -> list[Point]:
        """Reserve a route and the ports it uses."""
        return self._commit(source, target, path, ports)

    def _commit(self, source: Node, target: Node, path: list[Point], ports: tuple[str, str]) -> list[Point]:
        source.used.add(ports[0])
        target.used.add(ports[1])
        self.reserve(path)
        return path

    def _free(self, node: Node, ports: list[tuple[str, float, float]], reuse: bool) -> list[tuple[str, float, float]]:
        used = node.used
        if not used:
            return list(ports)
        free = [p for p in ports if p[0] not in used]
        return free + [p for p in ports if p[0] in used] if reuse else free

    def _lanes(self, column: int) -> tuple[list[float], list[float], float]:
        """Corridor positions right and left of the symbols of a column, and its centre.

        Centred in the free gutter between the symbols and the column border (the gutter beside
        the widest symbol and the one beside the usual symbol both count), then tracks around
        those; positions closer than BORDER_CLEAR to the border come last, as a last resort.
        """
        cached = self._lane_cache.get(column)
        if cached is not None:
            return cached
        left, right = self.columns[column]
        centre = (left + right) / 2
        # The gutters beside the widest and the second widest symbols (a decision and the usual box).
        halves = sorted({round(min(x1 - centre, centre - x0), 3) for _, x0, _, x1, _ in self.obstacles
                         if x0 < centre < x1}, reverse=True)[:2] or [0.0]
        self._lane_cache[column] = result = _gutter_tracks(left, right, tuple(halves))
        return result

    def _corridors(self, near: list[int], direction: int) -> list[float]:
        """Vertical track positions, columns in `near` first, starting on the `direction` side.

        The best three tracks of every gutter come before the other tracks of any gutter, so the
        routes compared for one arrow run through different gutters, not six neighbouring tracks.
        """
        cache_key = (*near, direction)
        cached = self._corridor_cache.get(cache_key)
        if cached is not None:
            return cached
        order = list(dict.fromkeys(near + sorted(range(len(self.columns)), key=lambda c: abs(c - near[0]))))
        first: list[float] = []
        rest: list[float] = []
        for column in order:
            if not 0 <= column < len(self.columns):
                continue
            rights, lefts, centre = self._lanes(column)
            first_side, second_side = (rights, lefts) if direction >= 0 else (lefts, rights)
            first.extend(first_side[:1] + second_side[:1])
            rest.extend(first_side[1:] + second_side[1:] + [centre])
        self._corridor_cache[cache_key] = found = first + rest
        return found

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
            direction = side_direction(sp[0])
            for tp in ports.t_sides:
                if side_direction(tp[0]) != direction:
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
        lo, hi = (y0 + 0.05, y1 - 0.05) if y0 <= y1 else (y1 + 0.05, y0 - 0.05)
        for _, x0, b0, x1, b1 in self._obstacles_x.at(x):
            if x0 < x < x1 and (hi if hi < b1 else b1) - (lo if lo > b0 else b0) > EPS \
                    and not (b0 < y0 < b1 or b0 < y1 < b1):
                return False
        return True

    def _channel(self, s: Node, t: Node, ports: _Ports, strict: bool,
                 budget: int = CHANNEL_BUDGET) -> Iterator[tuple[list[Point], tuple[str, str]]]:
        """Gap, corridor, gap: exists while the page has room, so it is the last resort.

        Chosen piece by piece: a corridor whose run is clear of symbols, then the first gap track
        that leaves the source cleanly, then the first that reaches the target cleanly.
        """
        down = ports.down
        exits = [("v", p, s.below) for p in ports.s_bottom] + [("v", p, s.above) for p in ports.s_top]
        exits += [("h", p, None) for p in ports.s_sides]
        if not down:  # going up: out of a side first, a bottom exit only goes round
            exits = exits[len(ports.s_bottom):] + exits[:len(ports.s_bottom)]
        entries = [("v", q, t.above) for q in ports.t_top] + [("h", q, None) for q in ports.t_sides]
        entries += [("v", q, t.below) for q in ports.t_bottom]
        if not down:
            entries = entries[len(ports.t_top):] + entries[:len(ports.t_top)]
        near = [t.column, s.column] if down else [s.column, t.column]
        corridors = self._corridors(near, ports.toward or 1)
        found = 0
        spent = [0]  # every path checked counts against the budget
        ends_named = (s.key, t.key)
        path_ok = self._path_ok

        def ok(points: list[Point], a: str, b: str) -> bool:
            spent[0] += 1
            path = simplify(points)
            return path is not None and path_ok(path, a, b, strict)
        for exit_kind, p, exit_zone in exits:
            p_at = p[1:]
            p_side = side_direction(p[0]) if exit_kind == "h" else 0
            for entry_kind, q, entry_zone in entries:
                if exit_kind == "v" and entry_kind == "v" and exit_zone is entry_zone:
                    for y in exit_zone.candidates(True):
                        path = simplify([p_at, (p[1], y), (q[1], y), q[1:]])
                        if path and path_ok(path, s.key, t.key, strict):
                            found += 1
                            yield path, (p[0], q[0])
                            if found >= CHANNEL_CANDIDATES:
                                return
                    continue
                q_at = q[1:]
                q_side = side_direction(q[0]) if entry_kind == "h" else 0
                shared = None  # what every corridor of this exit and entry shares, worked out at the first
                for xv in corridors:
                    if spent[0] >= budget:
                        return
                    if exit_kind == "h" and (xv - p[1]) * p_side <= 0.5:
                        continue
                    if entry_kind == "h" and (xv - q[1]) * q_side <= 0.5:
                        continue
                    if shared is None:
                        y_from = (exit_zone.lo + exit_zone.hi) / 2 if exit_kind == "v" else p[2]
                        y_to = (entry_zone.lo + entry_zone.hi) / 2 if entry_kind == "v" else q[2]
                        # The stretch between the two gaps is part of every route through a corridor.
                        core_lo, core_hi = sorted((_edge(exit_zone, y_to, p[2]), _edge(entry_zone, y_from, q[2])))
                        shared = (y_from, y_to, core_lo, core_hi,
                                  exit_zone.candidates(None) if exit_kind == "v" else (),
                                  entry_zone.candidates(entry_zone is t.above) if entry_kind == "v" else ())
                    y_from, y_to, core_lo, core_hi, from_tracks, to_tracks = shared
                    # Zones hold no symbols, so whether this corridor is blocked hardly depends on the
                    # exact tracks: test it once with the middle of each gap and skip it if it is.
                    if not path_ok([(xv, y_from), (xv, y_to)], "", "", False):
                        continue
                    if strict and not self._parallel_free(xv, core_lo, core_hi, ends_named):
                        continue
                    starts = ([p_at, (p[1], y1), (xv, y1)] for y1 in from_tracks) \
                        if exit_kind == "v" else [[p_at, (xv, p[2])]]
                    ends = [[(xv, q[2]), q_at]] if entry_kind == "h" else \
                        ([(xv, y2), (q[1], y2), q_at] for y2 in to_tracks)
                    # Each end of the route is checked on its own first; only good pairs are joined.
                    # Both lazily: most corridors are settled by their first free head.
                    heads = (h for h in starts if ok(h, s.key, ""))
                    tails = _Lazy(e for e in ends if ok(e, "", t.key))
                    for head in heads:
                        if not tails.any():
                            break
                        for tail in tails:
                            path = simplify(head + tail)
                            spent[0] += 1
                            if path and path_ok(path, s.key, t.key, strict):
                                found += 1
                                yield path, (p[0], q[0])
                                if found >= CHANNEL_CANDIDATES:
                                    return
                                break  # the next candidate through another corridor or exit
                            if spent[0] >= budget:
                                return
                        else:
                            continue
                        break


class _Index:
    """Items filed in bands along one axis of the page by the span they cover, widened by NEAR.

    Every check of a run at position v (a height for a horizontal run, an x for a vertical one)
    only concerns items whose span comes within CLEAR of v, and all of those are in v's band.
    """

    def __init__(self):
        self._bands: dict[int, list] = {}

    def _keys(self, lo: float, hi: float) -> range:
        return range(int((lo - NEAR) // BAND), int((hi + NEAR) // BAND) + 1)

    def add(self, item: tuple, lo: float, hi: float) -> None:
        bands = self._bands
        for key in range(int((lo - NEAR) // BAND), int((hi + NEAR) // BAND) + 1):
            found = bands.get(key)
            if found is None:
                bands[key] = [item]
            else:
                found.append(item)

    def remove(self, item: tuple, lo: float, hi: float) -> None:
        bands = self._bands
        for key in range(int((lo - NEAR) // BAND), int((hi + NEAR) // BAND) + 1):
            bands[key].remove(item)

    def at(self, v: float) -> list | tuple:
        """The items filed where v lies (each once), a few of them farther away than NEAR."""
        return self._bands.get(int(v // BAND), ())


class _Lazy:
    """A generator's items, worked out as they are first asked for and kept for the next loop."""

    def __init__(self, items: Iterator):
        self._items, self._seen = items, []

    def any(self) -> bool:
        if self._seen:
            return True
        for item in self._items:
            self._seen.append(item)
            return True
        return False

    def __iter__(self) -> Iterator:
        yield from self._seen[:]
        for item in self._items:
            self._seen.append(item)
            yield item



@lru_cache(maxsize=256)
def _gutter_tracks(left: float, right: float, halves: tuple[float, ...]) -> tuple[list[float], list[float], float]:
    """Router._lanes for a column from left to right whose symbols reach `halves` from its centre.

    The same on every page with the same symbols, so worked out once (the lists are shared: read only).
    """
    centre = (left + right) / 2
    scored: list[tuple[tuple[bool, int, int], float]] = []
    for rank, half in enumerate(halves):
        room = right - centre - half  # free width between these symbols and the border
        if room <= 0.1:
            continue
        gutter = right - room / 2
        inner, outer = centre + half + 0.05, right - min(EDGE_MARGIN * 0.7, room / 2)
        for j in range(0, 2 * MAX_LANE_STEPS + 1):
            offset = (j + 1) // 2 * (TRACK / 2) * (1 if j % 2 else -1)
            position = gutter + offset
            if inner - EPS <= position <= outer + EPS:
                near = right - position < min(BORDER_CLEAR, room / 2) - EPS
                scored.append(((near, (j + 1) // 2, rank), position))
    scored.sort(key=lambda item: item[0])
    rights: list[float] = []
    for _, position in scored:
        if all(abs(position - x) > 0.2 for x in rights):
            rights.append(position)
    lefts = [2 * centre - x for x in rights]
    return rights, lefts, centre


def side_direction(name: str) -> int:
    """Which way a side port is left (or reached): 1 to the right, -1 to the left."""
    return 1 if name.startswith("right") else -1


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
        # A diamond with every vertex taken is reached (or left) at a vertex from another side.
        for node, tops, bottoms, sides, is_source in ((s, "s_top", "s_bottom", "s_sides", True),
                                                      (t, "t_top", "t_bottom", "t_sides", False)):
            if node.kind != "decision":
                continue  # only a diamond has spare ports
            spare_top, spare_bottom, spare_sides = node.spare_ports()
            if not spare_sides:
                continue
            regular = getattr(self, bottoms if is_source else tops) + getattr(self, sides)
            if regular and not reuse:
                continue
            if is_source:
                self.s_bottom = self.s_bottom + [p for p in spare_bottom if p[0] not in node.used]
            else:
                self.t_top = self.t_top + [p for p in spare_top if p[0] not in node.used]
                if t.below:
                    self.t_bottom = self.t_bottom + [p for p in spare_bottom if p[0] not in node.used]
            setattr(self, sides, getattr(self, sides) + [p for p in spare_sides if p[0] not in node.used])
