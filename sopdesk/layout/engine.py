"""layout(): turns an SOP into pages (identity sheet, flowchart pages, symbols, arrows, off-page pairs).

Choices the format leaves open, made here:
- a decision branch that leaves the procedure (END) or has no target yet draws nothing; the
  Kegiatan text says what happens, and validation reports an unset target;
- a step without a known actor has no symbol, so its flows are not drawn (validation reports it);
- the symbols of a shared step are joined by plain lines without arrowheads: one activity, done together;
- forward flows across a break leave at the bottom of the source page and arrive at the top of
  the target's page; loop-backs leave at the top and arrive at the bottom; each pentagon sits in
  the column of its step that lies nearest the step at the other end;
- identity boxes longer than the first page go on, titled "(lanjutan)", on identity continuation
  pages (see identity.py); only a row taller than a page, an identity box item taller than a page,
  or identity rows taller than a page are cut to fit, and reported.
"""
from __future__ import annotations

import gc
import threading
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from heapq import heapify, heappop

from .. import labels
from ..model import PageSettings, Sop, successors
from .columns import MIN_ACTOR_COLUMN_MM, FlowColumns, content_box, flowchart_columns, paper_size_mm
from .flowchart import (BAND_MM, PENTAGON_MM, SYMBOL_H_MM, TRACK_MM, Header, StepRow, build_header, build_rows,
                        column_content, pentagon_size, row_cells)
from .identity import build_identity
from .measure import Measure, estimate_text_width_mm, line_height_mm
from .page_model import (Connector, Document, LayoutProblem, Margins, OffPageConnector, Page, PageText,
                         SymbolShape, Table, TextLabel)
from .nodes import BORDER_CLEAR, Node, Zone, label_width_mm
from .page_model import ARROW_LENGTH_MM
from .paginate import Crossing, Flow, crossings, paginate
from .routing import Router
from .total_row import append_total_row, build_total_row

COMBINED_GAP_MM = 5.0
ZONE_MARGIN_MM = 0.8
"""Room kept between an arrow and a symbol it runs past."""
ZONE_BORDER_MM = 1.2
"""Room kept between an arrow and a row border, so it never reads as part of the table."""
LABEL_PT = 7.0
PAGE_NUMBER_PT = 8.0
PENTAGON_INSET_MM = 1.0


def layout(sop: Sop, measure: Measure, settings: PageSettings | None = None) -> Document:
    """Lay out every page of the SOP. `settings` overrides sop.page (e.g. a print-time paper choice).

    Python's cycle collector is held back while it runs: a layout makes hundreds of thousands of
    small objects that the collector would go over again and again, for nothing (a layout frees what
    it drops by reference counting; any cycle left is collected once the collector is back). It is
    given back as found (see _collector_paused).
    """
    with _collector_paused():
        return _layout(sop, measure, settings)


_collector_lock = threading.Lock()
_collector_users = 0
_collector_was_on = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off from the first running layout's start to the last one's end.

    The switch is the whole program's, so layouts running at once in several threads share one
    pause: the first to begin notes whether the collector was on and turns it off, the last to end
    turns it back on, only if it was on (a program that keeps it off finds it off). Also when a
    layout fails halfway.
    """
    global _collector_users, _collector_was_on
    with _collector_lock:
        if _collector_users == 0:
            _collector_was_on = gc.isenabled()
            if _collector_was_on:
                gc.disable()
        _collector_users += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_users -= 1
            if _collector_users == 0 and _collector_was_on:
                gc.enable()


def _layout(sop: Sop, measure: Measure, settings: PageSettings | None) -> Document:
    settings = settings or sop.page
    box = content_box(settings)
    page_w, page_h = paper_size_mm(settings)
    margins = Margins(box.y, page_h - box.bottom, box.x, page_w - box.right)
    problems: list[LayoutProblem] = []

    columns = flowchart_columns(settings, [a.id for a in sop.actors])
    if sop.actors and columns.actor_columns[0].width < MIN_ACTOR_COLUMN_MM:
        width = f"{columns.actor_columns[0].width:.1f}".replace(".", ",")
        problems.append(LayoutProblem(
            "actor-column-narrow",
            f"Kolom pelaksana hanya {width} mm (minimal 15 mm); simbol dan panah menjadi sempit."))

    flows = _flows(sop, columns)
    in_degree = [0] * len(sop.steps)
    out_degree = [0] * len(sop.steps)
    for flow in flows:
        out_degree[flow.source] += 1
        in_degree[flow.target] += 1
    # The text columns take the widths that make this SOP's table shortest (the actor columns stay).
    columns = flowchart_columns(settings, [a.id for a in sop.actors],
                                content=column_content(sop, columns, in_degree, out_degree))
    header = build_header(sop, columns, measure, settings.numbering_row)
    rows = build_rows(sop, columns, measure, in_degree, out_degree)
    total_row = build_total_row(sop, columns, measure) if settings.total_time_row else None
    tail = total_row.height if total_row is not None else 0.0

    identity = build_identity(sop.identity, measure, box.x, box.y, box.width, max_height=box.height,
                              weekday=settings.date_weekday)
    problems.extend(identity.problems)

    capacity = box.height - header.height
    combined_top = identity.height + COMBINED_GAP_MM
    combine = (settings.combine_pages and not identity.continued
               and combined_top + header.height + sum(r.height for r in rows) + tail <= box.height + 1e-6)
    pages: list[Page] = []
    if combine:
        page = Page(0, page_w, page_h, margins, "combined", tables=[identity.table], images=identity.images)
        pages.append(page)
        breaks = [list(range(len(rows)))]
        band = BAND_MM
        crossed: list[Crossing] = []  # one page: no flow goes between pages
    else:
        pages.append(Page(0, page_w, page_h, margins, "identity", tables=[identity.table], images=identity.images))
        for table in identity.continued:  # boxes too long for one page go on, never cut
            pages.append(Page(len(pages), page_w, page_h, margins, "identity", tables=[table]))
        breaks, band, crossed = _paginate(rows, flows, capacity, settings.offpage_labels, tail)
        tallest = max(capacity - 2 * band, 5.0)
        for row in rows:
            if row.height > tallest:
                row.height = tallest
                row.clipped = True
                problems.append(LayoutProblem(
                    "row-too-tall",
                    f"Langkah {row.step_index + 1} terlalu panjang untuk satu halaman; teksnya terpotong. "
                    "Persingkat teks atau pecah menjadi beberapa langkah.", row.step_index))

    page_of = {step: number for number, steps in enumerate(breaks) for step in steps}
    # Each page gets its own flows and the crossings that touch it, each list in its first order.
    page_flows: list[list[Flow]] = [[] for _ in breaks]
    for flow in flows:
        number = page_of[flow.source]
        if number == page_of[flow.target]:
            page_flows[number].append(flow)
    page_crossed: list[list[Crossing]] = [[] for _ in breaks]
    for crossing in crossed:
        source, target = page_of[crossing.flow.source], page_of[crossing.flow.target]
        page_crossed[source].append(crossing)
        if target != source:
            page_crossed[target].append(crossing)
    for number, steps in enumerate(breaks):
        if combine:
            page, top = pages[0], box.y + combined_top
        else:
            page = Page(len(pages), page_w, page_h, margins, "flowchart")
            pages.append(page)
            top = box.y
        _FlowPage(sop, page, columns, header, rows, steps, top, band, page_flows[number],
                  page_crossed[number]).build()
        if total_row is not None and steps is breaks[-1]:
            append_total_row(page.flowchart, total_row)
    if settings.page_numbers:
        for page in pages:
            page.furniture.append(_page_number(page, len(pages)))
    return Document(pages, settings, problems)


def _page_number(page: Page, count: int) -> PageText:
    """"Halaman x dari y" at the left margin, centred in the bottom margin (format §4.5, R-SUMBAR)."""
    text = labels.page_number_text(page.index + 1, count)
    h = line_height_mm(PAGE_NUMBER_PT)
    w = estimate_text_width_mm(text, PAGE_NUMBER_PT) + 2.0
    bottom = page.height_mm - page.margins.bottom
    y = min(bottom + max((page.margins.bottom - h) / 2, 0.0), page.height_mm - h)
    return PageText(text, page.margins.left, y, w, h, PAGE_NUMBER_PT, "left", number=page.index + 1, count=count)


def layout_problems(sop: Sop, document: Document) -> list[LayoutProblem]:
    """What the layout of `document` had to give up on, for validation to report (Indonesian messages).

    Codes: "actor-column-narrow" (actor columns under 15 mm), "row-too-tall" (a step's texts
    are taller than a page and were cut; step_index set) and "identity-too-tall" (an identity
    box item, or the identity rows, are taller than a page and were cut; long boxes themselves
    go on on identity continuation pages and are no problem).
    """
    known = {s.id for s in sop.steps}
    return [p for p in document.problems
            if p.step_index is None or (p.step_index < len(sop.steps) and sop.steps[p.step_index].id in known)]


def _paginate(rows: list[StepRow], flows: list[Flow], capacity: float, style: str,
              tail: float = 0.0) -> tuple[list[list[int]], float, list[Crossing]]:
    """Page breaks (see paginate.paginate), the band height kept for off-page connectors, and the
    crossings (paginate.crossings) of those breaks.

    Many flows across one break need more room for their legs than the usual band; the band
    grows and the breaks are chosen again until it is enough (a few rounds at most). `tail` is the
    height of the "Jumlah waktu" row, which must stay on the page of the last step.
    """
    band = BAND_MM
    breaks: list[list[int]] = [[]]
    crossed: list[Crossing] = []
    links = [(f.source, f.target) for f in flows]
    for _ in range(6):
        tallest = max(capacity - 2 * band, 5.0)
        heights = [min(r.height, tallest) for r in rows]
        if heights:
            heights[-1] += tail
        breaks = paginate(heights, capacity, band, links)
        page_of = {step: number for number, steps in enumerate(breaks) for step in steps}
        crowd: dict[tuple[int, bool], int] = {}
        crossed = crossings(flows, page_of, style)
        for crossing in crossed:
            source, target = page_of[crossing.flow.source], page_of[crossing.flow.target]
            for key in ((source, not crossing.forward), (target, crossing.forward)):
                crowd[key] = crowd.get(key, 0) + 1
        need = BAND_MM + TRACK_MM * max([n - 3 for n in crowd.values()] + [0])
        if need <= band + 1e-6:
            break
        band = need
    return breaks, band, crossed


def _flows(sop: Sop, columns: FlowColumns) -> list[Flow]:
    """The flows that can be drawn: both steps have a symbol (an actor), the target is a step."""
    known = {c.actor_id for c in columns.actor_columns if c.actor_id is not None}
    drawn = [any(a in known for a in step.actors) for step in sop.steps]
    position: dict[str, int] = {}
    for index, step in enumerate(sop.steps):
        position.setdefault(step.id, index)  # as Sop.step_index: the first step with that id
    flows = []
    for index in range(len(sop.steps)):
        if not drawn[index]:
            continue
        for kind, target_id in successors(sop, index):
            target = position.get(target_id, -1) if target_id is not None else -1
            if target >= 0 and drawn[target]:
                flows.append(Flow(index, target, kind))
    return flows


@dataclass
class _Row:
    """A step row placed on its page, with the gaps its arrows use."""

    step: StepRow
    grid_row: int
    top: float
    height: float
    band_top: float
    band_bottom: float
    shape_y: float
    zone_above: Zone
    zone_below: Zone


class _FlowPage:
    """Builds the flowchart table, symbols, off-page connectors and arrows of one page.

    `flows` are the flows between two steps of this page, `crossed` the crossings (flows between
    pages) with one end on it, each in the order of the document's lists.
    """

    LABEL_SIZES = (7.0, 6.5, 6.0)
    """Ya/Tidak label sizes tried in turn where a label finds no free room; never below 6 pt."""
    LABEL_GAP = 0.5
    """Between a label and the vertical line it stands beside."""
    LABEL_GAP_Y = 0.4
    """Between a label and the horizontal line it stands on."""
    LABEL_CLEAR = 0.15
    """Least room between a label and any line, symbol or other label."""
    LABEL_SLIDE = 12.0
    """How far along its line a label may slide from the vertex (mm)."""

    def __init__(self, sop: Sop, page: Page, columns: FlowColumns, header: Header, all_rows: list[StepRow],
                 steps: list[int], top: float, band: float, flows: list[Flow], crossed: list[Crossing]):
        self.sop, self.page, self.columns, self.header = sop, page, columns, header
        self.all_rows, self.step_rows = all_rows, [all_rows[i] for i in steps]
        self.top, self.band = top, band
        self.flows, self.crossed = flows, crossed
        self.placed: dict[int, _Row] = {}
        self.nodes: dict[int, list[Node]] = {}
        self.router = Router([(c.x, c.right) for c in columns.actor_columns])
        self._cells: tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]] | None = None
        """Actor column and step row spans a label must stay inside, as (starts, ends) each, left to right and
        top to bottom (set when the first label is placed)."""
        self._fixed: tuple[list, list, list] | None = None
        """What a label must keep clear of besides the other labels, taken once per page when the first
        label is placed (every line is known by then): symbol and pentagon boxes (x0, y0, x1, y1),
        horizontal runs (x low, x high, y low, y high, y) and the other runs (the same, x last)."""

    def build(self) -> None:
        mine = {r.step_index for r in self.step_rows}
        top_band = any((c.forward and c.flow.target in mine) or (not c.forward and c.flow.source in mine)
                       for c in self.crossed)
        bottom_band = any((c.forward and c.flow.source in mine) or (not c.forward and c.flow.target in mine)
                          for c in self.crossed)
        self._table(top_band, bottom_band)
        self._shapes()
        pentagon_edges = self._pentagons(mine)
        self._joints()
        self._arrows(pentagon_edges)

    # ---- table and rows ------------------------------------------------------------------
    def _table(self, top_band: bool, bottom_band: bool) -> None:
        header_rows = len(self.header.heights)
        heights = list(self.header.heights)
        cells = self.header.copy_cells()
        y = self.top + self.header.height
        last = len(self.step_rows) - 1
        band, placed, columns, row_lines = self.band, self.placed, self.columns, self.router.row_lines
        head = ARROW_LENGTH_MM + 0.15
        for k, row in enumerate(self.step_rows):
            band_top = band if (k == 0 and top_band) else 0.0
            band_bottom = band if (k == last and bottom_band) else 0.0
            height = row.height + band_top + band_bottom
            inner_top, inner_bottom = y + band_top, y + height - band_bottom
            shape_h = row.shape_h if row.actor_columns else SYMBOL_H_MM
            shape_y = (inner_top + inner_bottom - shape_h) / 2
            # Arrows may also run in the part of a band below (or above) its pentagons.
            above_lo = y + PENTAGON_INSET_MM + PENTAGON_MM + ZONE_MARGIN_MM if band_top else inner_top + ZONE_BORDER_MM
            soft = (y + BORDER_CLEAR, y + height - BORDER_CLEAR)
            above = Zone(above_lo, max(shape_y - ZONE_MARGIN_MM, above_lo), *soft, above_lo, shape_y - head)
            below_lo = shape_y + shape_h + ZONE_MARGIN_MM
            below_hi = (y + height - PENTAGON_INSET_MM - PENTAGON_MM - ZONE_MARGIN_MM if band_bottom
                        else inner_bottom - ZONE_BORDER_MM)
            below = Zone(below_lo, max(below_hi, below_lo), *soft, shape_y + shape_h + head, max(below_hi, below_lo))
            grid_row = header_rows + k
            placed[row.step_index] = _Row(row, grid_row, y, height, band_top, band_bottom, shape_y, above, below)
            cells.extend(row_cells(row, grid_row, columns, height))
            heights.append(height)
            row_lines.append(y)
            y += height
        row_lines.append(y)
        self.page.tables.append(Table(self.columns.x, self.top, self.columns.widths, heights, cells,
                                      header_rows=header_rows, role="flowchart",
                                      row_steps=[None] * header_rows + [r.step_index for r in self.step_rows]))

    def _shapes(self) -> None:
        actor_columns = self.columns.actor_columns
        add_shape, add_obstacle = self.page.shapes.append, self.router.add_obstacle
        for step, placed in self.placed.items():
            row = placed.step
            kind, w, h, y = row.shape_kind, row.shape_w, row.shape_h, placed.shape_y
            above, below = placed.zone_above, placed.zone_below
            nodes = []
            for position in row.actor_columns:
                column = actor_columns[position]
                x = column.centre - w / 2
                key = f"s{step}-{position}"
                add_shape(SymbolShape(kind, x, y, w, h, step, column.actor_id, "", key))
                nodes.append(Node(key, kind, x, y, w, h, position, above, below))
                add_obstacle(key, x, y, w, h)
            self.nodes[step] = nodes

    def _pentagons(self, mine: set[int]) -> list[tuple[Node, Node, Flow, bool]]:
        """Off-page connectors of this page and the on-page legs they need."""
        order = {step: k for k, step in enumerate(r.step_index for r in self.step_rows)}
        last = len(self.step_rows) - 1

        def nearest_band_first(crossing: Crossing) -> int:
            # The connector whose step is closest to the band gets the spot straight above (or below) it.
            flow = crossing.flow
            here = flow.source if flow.source in mine else flow.target
            in_top = (here == flow.target) == crossing.forward
            return order[here] if in_top else last - order[here]

        here_crossings = sorted(self.crossed, key=nearest_band_first)
        crowd = {True: 0, False: 0}
        for crossing in here_crossings:
            crowd[(crossing.flow.target in mine) == crossing.forward] += 1
        block = self.columns.pelaksana_right - self.columns.pelaksana_left - 1.0
        specs = []
        if here_crossings:
            full_width, height = pentagon_size(self.columns.actor_columns[0].width)
            # Many flows across one break: narrower pentagons, so they still sit side by side in the band.
            band_width = {top: max(min(full_width, block / max(n, 1) - 1.0), 1.5) for top, n in crowd.items()}
        for crossing in here_crossings:
            flow = crossing.flow
            leaving = flow.source in mine
            here = flow.source if leaving else flow.target
            other = flow.target if leaving else flow.source
            # Forward flows leave at the bottom and arrive at the top; back-edges the reverse.
            in_top = leaving != crossing.forward
            # In the column of this page's symbol that lies nearest the step on the other page.
            theirs = self.all_rows[other].actor_columns or [0]
            ours = self.placed[here].step.actor_columns or [0]
            if len(ours) == 1:
                column = ours[0]
            else:
                column = min((abs(a - b), a) for a in ours for b in theirs)[1]
            specs.append([crossing, leaving, here, other, in_top, column, band_width[in_top], height, 0.0])
        for band in (True, False):
            self._place_in_band([spec for spec in specs if spec[4] is band])

        edges = []
        for crossing, leaving, here, other, in_top, column, width, height, x in specs:
            edge_row = self.placed[self.step_rows[0 if in_top else -1].step_index]
            y = edge_row.top + PENTAGON_INSET_MM if in_top else \
                edge_row.top + edge_row.height - PENTAGON_INSET_MM - height
            direction = "out" if leaving else "in"
            key = f"o{crossing.pair_key}-{direction}"
            self.page.offpage.append(OffPageConnector(x, y, width, height, crossing.label, crossing.pair_key,
                                                      direction, here, other, key))
            self.router.add_obstacle(key, x, y, width, height)
            node = Node(key, "pentagon", x, y, width, height, column,
                        None if in_top else edge_row.zone_below, edge_row.zone_above if in_top else None)
            if in_top:
                self.router.keep_out(key, x + width / 2, y + height, edge_row.zone_above.hi)
            else:
                self.router.keep_out(key, x + width / 2, y, edge_row.zone_below.lo)
            edges.append((node, node, crossing.flow, leaving))
        return edges

    def _place_in_band(self, specs: list[list]) -> None:
        """Each pentagon inside one actor column, as near its column's centre line as the others allow, 1 mm apart.

        A pentagon that finds no room in its own column goes to the nearest column with room (and
        its arrow leg with it); when a band is too crowded for that, they are packed in column order,
        narrower if need be, never across a column border.
        """
        columns = self.columns.actor_columns
        count = len(columns)
        taken: list[tuple[float, float]] = []
        for spec in specs:
            width = spec[6]
            spec[8] = None
            home = spec[5]
            # Its own column first, then the others nearest first (of two as near, the left one).
            if 0 <= home < count:
                nearest = [home]
                for k in range(1, max(home + 1, count - home)):
                    if home - k >= 0:
                        nearest.append(home - k)
                    if home + k < count:
                        nearest.append(home + k)
            else:
                nearest = sorted(range(count), key=lambda c: (abs(c - home), c))
            for col in nearest:
                column = columns[col]
                left, right = column.x + 0.5, column.right - 0.5 - width
                if right < left - 1e-9:
                    continue
                wanted = min(max(column.centre - width / 2, left), right)
                for x in _outward(wanted, left, right, 0.25):
                    end = x + width + 1.0
                    for a, b in taken:
                        if not (end <= a or x >= b + 1.0):
                            break
                    else:
                        spec[8] = x
                        break
                if spec[8] is not None:
                    spec[5] = col
                    break
            if spec[8] is None:
                break
            taken.append((spec[8], spec[8] + width))
        else:
            return
        self._pack_in_band(specs)

    def _pack_in_band(self, specs: list[list]) -> None:
        """Too crowded for first come, first served: column slots in order, pentagons as wide as the slots allow."""
        columns = self.columns.actor_columns
        ordered = sorted(specs, key=lambda spec: (columns[spec[5]].centre, spec[5]))
        width = max(spec[6] for spec in specs)

        def slots(w: float) -> list[int]:
            return [max(int((c.width - 1.0 + 1.0) // (w + 1.0)), 0) for c in columns]

        while width > 1.0 and sum(slots(width)) < len(ordered):
            width -= 0.25
        capacity = slots(width)
        flat = [col for col, n in enumerate(capacity) for _ in range(n)]
        chosen: list[int] = []
        start = 0
        for i, spec in enumerate(ordered):
            last = len(flat) - (len(ordered) - i)
            if last < start:  # no slot left at all: share the last column (cannot happen above 1 mm pentagons)
                chosen.append(len(flat) - 1 if flat else 0)
                continue
            k = min(range(start, last + 1), key=lambda k: (abs(flat[k] - spec[5]), k))
            chosen.append(k)
            start = k + 1
        by_column: dict[int, list[list]] = {}
        for spec, k in zip(ordered, chosen):
            col = flat[k] if flat else spec[5]
            spec[5], spec[6] = col, width
            by_column.setdefault(col, []).append(spec)
        for col, group in by_column.items():
            total = len(group) * width + (len(group) - 1) * 1.0
            x = max(columns[col].centre - total / 2, columns[col].x + 0.5)
            for spec in group:
                spec[8] = x
                x += width + 1.0

    # ---- arrows --------------------------------------------------------------------------
    def _joints(self) -> None:
        for step, nodes in self.nodes.items():
            for a, b in zip(nodes, nodes[1:]):
                points = [(a.x + a.w, a.cy), (b.x, b.cy)]
                a.used.add("right")
                b.used.add("left")
                self.router.reserve(points)
                self.page.connectors.append(Connector(points, "joint", step, step, a.key, b.key, arrow=False))

    def _arrows(self, pentagon_edges: list[tuple[Node, Node, Flow, bool]]) -> None:
        jobs = []
        nodes = self.nodes
        for flow in self.flows:  # both ends on this page
            source, target = _nearest(nodes[flow.source], nodes[flow.target])
            jobs.append((source, target, flow))
        for pentagon, _, flow, leaving in pentagon_edges:
            if leaving:
                jobs.append((_nearest(self.nodes[flow.source], [pentagon])[0], pentagon, flow))
            else:
                jobs.append((pentagon, _nearest([pentagon], self.nodes[flow.target])[1], flow))

        def priority(job):
            source, target, flow = job
            backward = target.y < source.y + source.h - 1e-6
            # An off-page connector has a single way out (or in), so its leg goes before the others.
            offpage = "pentagon" in (source.kind, target.kind)
            return (not offpage, backward, abs(target.y - source.y), source.y, _KIND_RANK[flow.kind])

        jobs.sort(key=priority)
        router = self.router
        # Straight drops claim their lanes first: they are the backbone the eye follows.
        straight = [router.straight(source, target) for source, target, _ in jobs]
        routes: list[list] = []  # [points, ports, may be improved]
        for (source, target, _), points in zip(jobs, straight):
            if points is not None:
                routes.append([points, ("bottom0", "top0"), False])
            else:
                routes.append(list(router.route_ports(source, target)))
        self._improve(jobs, routes)
        exits = []
        for (source, target, flow), (points, _, _) in zip(jobs, routes):
            self.page.connectors.append(Connector(points, flow.kind, flow.source, flow.target, source.key, target.key))
            if flow.kind in ("ya", "tidak") and source.kind != "pentagon":
                exits.append((points, flow))
        # Labels last, when every line of the page is known, so none is drawn over a later arrow.
        for points, flow in exits:
            self._exit_label(points, flow)

    def _improve(self, jobs: list, routes: list[list]) -> None:
        """Second look at every route that crosses another arrow.

        Greedy routing fixes early arrows before the later ones exist; with all of them placed,
        each route that crosses one is taken up and searched again against all the others, and
        the new route is kept only when it costs less (crossings first). In page order, so the
        result is deterministic.
        """
        router = self.router
        for (source, target, _), route in zip(jobs, routes):
            points, ports, free = route
            if not free or not router.crossings(points):
                continue
            router.release(source, target, points, ports)
            old = router.cost(points)
            found = router.alternative(source, target)
            if found is not None and router.cost(found[0]) < old - 1e-6:
                route[0], route[1] = found
            router.commit(source, target, route[0], route[1])

    def _exit_label(self, points: list[tuple[float, float]], flow: Flow) -> None:
        """The Ya/Tidak text in free space beside its exit: the first free candidate, never below 6 pt.

        Beside the first runs of the line at 7 pt, then smaller, down to 6 pt; only then anywhere
        in the step's row, nearest the exit first, again from 7 pt down.
        """
        step = self.sop.steps[flow.source]
        text = (step.yes_label or labels.YES) if flow.kind == "ya" else (step.no_label or labels.NO)
        first = None
        if self._cells is None:
            columns = self.columns.actor_columns
            rows = list(self.placed.values())
            self._cells = (([c.x + 0.2 for c in columns], [c.right - 0.2 for c in columns]),
                           ([r.top + 0.2 for r in rows], [r.top + r.height - 0.2 for r in rows]))
        near = self._label_obstacles(points, flow.source)
        (column_starts, column_ends), (row_starts, row_ends) = self._cells
        for spots in (self._beside_exit, self._in_row):
            for size in self.LABEL_SIZES:
                w = _label_width(text, size)
                h = line_height_mm(size)
                for x, y in spots(points, flow.source, w, h):
                    if first is None:
                        first = (x, y, w, h, size)
                    # Inside one cell of the Pelaksana block (about half the spots reach over a border).
                    # Columns and rows run left to right and top to bottom without overlapping: only
                    # the last one starting at or before the label can hold it.
                    k = bisect_right(column_starts, x) - 1
                    if k < 0 or x + w > column_ends[k]:
                        continue
                    k = bisect_right(row_starts, y) - 1
                    if k < 0 or y + h > row_ends[k]:
                        continue
                    if self._label_clear(x, y, w, h, near):
                        self.page.labels.append(TextLabel(text, x, y, w, h, size))
                        return
        # Nowhere free on a crowded page: the usual spot, which the quality report will show.
        x, y, w, h, size = first if first is not None else (points[0][0], points[0][1], 1.0, 1.0, LABEL_PT)
        self.page.labels.append(TextLabel(text, x, y, w, h, size))

    def _beside_exit(self, points: list[tuple[float, float]], source: int, w: float,
                     h: float) -> Iterator[tuple[float, float]]:
        """Top-left corners beside the first run of the line, sliding away from the vertex, then beside the next."""
        for (x0, y0), (x1, y1) in zip(points[:2], points[1:3]):
            length = min(abs(x1 - x0) + abs(y1 - y0), self.LABEL_SLIDE)
            slide = [0.35 + 0.5 * k for k in range(int(max(length - 0.35, 0.0) / 0.5) + 1)]
            if abs(x0 - x1) < 1e-6:
                down = y1 > y0
                for t in slide:
                    y = y0 + t if down else y0 - t - h
                    yield x0 + self.LABEL_GAP, y
                    yield x0 - self.LABEL_GAP - w, y
            else:
                right = x1 > x0
                for t in slide:
                    x = x0 + t if right else x0 - t - w
                    yield x, y0 - self.LABEL_GAP_Y - h
                    yield x, y0 + self.LABEL_GAP_Y

    def _in_row(self, points: list[tuple[float, float]], source: int, w: float,
                h: float) -> Iterator[tuple[float, float]]:
        """Top-left corners anywhere in the decision's row, within two columns of the exit, nearest first.

        Nearest by the distance of the label's centre to the exit along x plus along y (ties: left,
        then top). The first free spot is usually among the first few of thousands, so they come
        off a heap one by one rather than from a sorted list.
        """
        placed = self.placed[source]
        x0, y0 = points[0]
        half_w, half_h = w / 2, h / 2
        top = placed.top + 0.3
        rows = [(abs(y + half_h - y0), y)
                for y in (top + 0.5 * j for j in range(int(max(placed.height - h - 0.6, 0.0) / 0.5) + 1))]
        spots = []
        for column in self.columns.actor_columns:
            if abs(column.centre - x0) > 2 * column.width:
                continue
            left = column.x + 0.3
            for x in (left + 0.5 * i for i in range(int(max(column.width - w - 0.6, 0.0) / 0.5) + 1)):
                dx = abs(x + half_w - x0)
                spots.extend([(dx + dy, x, y) for dy, y in rows])
        heapify(spots)
        while spots:
            _, x, y = heappop(spots)
            yield x, y

    def _label_clear(self, x: float, y: float, w: float, h: float, near: tuple[list, list, list]) -> bool:
        """Clear of every line, symbol, pentagon and other label in `near` (see _label_obstacles)."""
        m = self.LABEL_CLEAR
        x0, y0, x1, y1 = x - m, y - m, x + w + m, y + h + m
        boxes, horizontal, vertical = near
        for bx0, by0, bx1, by1 in boxes:
            if bx1 > x0 and bx0 < x1 and by1 > y0 and by0 < y1:
                return False
        for y, lo, hi in horizontal:
            if y0 < y < y1 and min(hi, x1) - max(lo, x0) > 0:
                return False
        for x, lo, hi in vertical:
            if x0 < x < x1 and min(hi, y1) - max(lo, y0) > 0:
                return False
        return True

    def _label_obstacles(self, points: list[tuple[float, float]], source: int) -> tuple[list, list, list]:
        """Boxes (symbols, pentagons, labels) and line runs near an exit: all a label beside it can meet.

        As (boxes, horizontal runs as (y, x low, x high), other runs as (x of their start, y low, y high)).
        """
        page = self.page
        if self._fixed is None:
            horizontal, vertical = [], []
            for connector in page.connectors:
                for a, b in zip(connector.points, connector.points[1:]):
                    ax, ay = a
                    bx, by = b
                    lx, hx = (ax, bx) if ax <= bx else (bx, ax)
                    ly, hy = (ay, by) if ay <= by else (by, ay)
                    if abs(ay - by) < 1e-9:
                        horizontal.append((lx, hx, ly, hy, ay))
                    else:
                        vertical.append((lx, hx, ly, hy, ax))
            self._fixed = ([(i.x, i.y, i.x + i.w, i.y + i.h) for i in [*page.shapes, *page.offpage]],
                           horizontal, vertical)
        fixed, horizontal, vertical = self._fixed
        column = self.columns.actor_columns[0].width if self.columns.actor_columns else 20.0
        xs, ys = [p[0] for p in points[:3]], [p[1] for p in points[:3]]
        lo_x, hi_x = min(xs) - 2.5 * column, max(xs) + 2.5 * column
        row = self.placed[source]
        lo_y, hi_y = min(min(ys) - 10.0, row.top), max(max(ys) + 10.0, row.top + row.height)
        boxes = [b for b in fixed if b[0] < hi_x and b[2] > lo_x and b[1] < hi_y and b[3] > lo_y]
        boxes += [(i.x, i.y, i.x + i.w, i.y + i.h) for i in page.labels
                  if i.x < hi_x and i.x + i.w > lo_x and i.y < hi_y and i.y + i.h > lo_y]
        return (boxes,
                [(at, lx, hx) for lx, hx, ly, hy, at in horizontal if lx < hi_x and hx > lo_x and ly < hi_y and hy > lo_y],
                [(at, ly, hy) for lx, hx, ly, hy, at in vertical if lx < hi_x and hx > lo_x and ly < hi_y and hy > lo_y])


_KIND_RANK = {"next": 0, "ya": 1, "tidak": 2}
"""Of two arrows otherwise alike, the plain flow is routed first, then Ya, then Tidak."""


def _label_width(text: str, size: float) -> float:
    """Room for a label's text: its width in Arial, plus a little for renderers that set text a hair wider."""
    return label_width_mm(text, size) * 1.04 + 0.5


def _outward(start: float, low: float, high: float, step: float) -> Iterator[float]:
    """start, then start +- step, +- 2 step … while inside [low, high]."""
    yield start
    k = 1
    while start - k * step >= low - 1e-9 or start + k * step <= high + 1e-9:
        for x in (start + k * step, start - k * step):
            if low - 1e-9 <= x <= high + 1e-9:
                yield x
        k += 1


def _nearest(sources: list[Node], targets: list[Node]) -> tuple[Node, Node]:
    """The pair of symbols, one from each step, whose columns are closest (ties: leftmost)."""
    if len(sources) == 1 and len(targets) == 1:
        return sources[0], targets[0]
    return min(((s, t) for s in sources for t in targets), key=lambda p: (abs(p[0].column - p[1].column),
                                                                         p[0].column, p[1].column))
