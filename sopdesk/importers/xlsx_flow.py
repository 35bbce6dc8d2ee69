"""From drawn shapes to the flow: each step's actors and symbol, each decision's Ya and Tidak targets."""
from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..model import END, Symbol
from . import ImportReport
from .xlsx_cells import EMU_PER_MM, FlowTable, Grid
from .xlsx_shapes import SYMBOL_KINDS, Shape, branch_word, guess_picture_kind

ATTACH_EMU = 5.5 * EMU_PER_MM
"""An arrow end this close to a symbol's outline belongs to that symbol."""
JOIN_EMU = 2.0 * EMU_PER_MM
"""Loose line ends this close together are one arrow drawn in pieces."""
LABEL_EMU = 8.0 * EMU_PER_MM
"""A "Ya"/"Tidak" label this close to where a decision's arrow starts names that branch."""


NEXT_TABLE = "lembar-berikutnya"
"""Target of an arrow into an off-page connector at the end of a table with no partner on its sheet: the
first step of the table continuing it on a later sheet, or out of the procedure when none does."""


@dataclass
class StepFlow:
    """What the drawing says about one step; None fields mean the drawing did not say."""

    actors: list[int] = field(default_factory=list)  # actor indexes, in column order
    symbol: Symbol | None = None
    yes: int | str | None = None  # step index, END or None
    no: int | str | None = None
    yes_label: str = ""
    no_label: str = ""


@dataclass(eq=False)
class _Node:
    shape: Shape
    table: int
    step: int | None  # None for off-page connectors
    actor: int | None
    where: str
    row: int


@dataclass
class _Line:
    points: list[tuple[float, float]]
    text: str
    glue: list[str | None]
    shape: Shape
    head: bool  # an arrowhead at the end


@dataclass
class _Edge:
    src: _Node
    dst: _Node | None
    line: _Line
    label: str = ""


def _distance_to_box(point: tuple[float, float], box: tuple[float, float, float, float]) -> float:
    x, y = point
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return math.hypot(dx, dy)


def _distance_to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    length = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length))
    return math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)))


BIN_EMU = 10 * EMU_PER_MM
"""Side of the square cells used to find shapes near a point without looking at every shape."""
_MAX_CELLS_PER_ITEM = 400


class _Bins:
    """Items placed in the square cells their box (grown by `reach`) touches; near(point) gives a superset of
    the items within `reach` of the point. Odd boxes (huge or not finite) are kept aside and always given."""

    def __init__(self, reach: float) -> None:
        self.reach = reach
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.always: list[int] = []

    def add(self, box: tuple[float, float, float, float], item: int) -> None:
        x0, y0, x1, y1 = box[0] - self.reach, box[1] - self.reach, box[2] + self.reach, box[3] + self.reach
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
            self.always.append(item)
            return
        c0, c1, r0, r1 = int(x0 // BIN_EMU), int(x1 // BIN_EMU), int(y0 // BIN_EMU), int(y1 // BIN_EMU)
        if (c1 - c0 + 1) * (r1 - r0 + 1) > _MAX_CELLS_PER_ITEM:
            self.always.append(item)
            return
        for c in range(c0, c1 + 1):
            for r in range(r0, r1 + 1):
                self.cells.setdefault((c, r), []).append(item)

    def near(self, point: tuple[float, float]) -> list[int]:
        x, y = point
        if not (math.isfinite(x) and math.isfinite(y)):
            return list(self.always)
        return self.cells.get((int(x // BIN_EMU), int(y // BIN_EMU)), []) + self.always

    def along(self, a: tuple[float, float], b: tuple[float, float]) -> set[int]:
        """Items near any point of the segment a-b (a superset), the segment taken no longer than 150 mm."""
        length = math.dist(a, b) if all(math.isfinite(v) for v in a + b) else 0.0
        limit = 150 * EMU_PER_MM
        if length > limit:
            b = (a[0] + (b[0] - a[0]) * limit / length, a[1] + (b[1] - a[1]) * limit / length)
        if not all(math.isfinite(v) for v in a + b):
            return set(self.always)
        c0, c1 = sorted((int(a[0] // BIN_EMU), int(b[0] // BIN_EMU)))
        r0, r1 = sorted((int(a[1] // BIN_EMU), int(b[1] // BIN_EMU)))
        found = set(self.always)
        for c in range(c0, c1 + 1):
            for r in range(r0, r1 + 1):
                found.update(self.cells.get((c, r), ()))
        return found


def _point_box(p: tuple[float, float]) -> tuple[float, float, float, float]:
    return p[0], p[1], p[0], p[1]


def _lines(shapes: list[Shape]) -> list[_Line]:
    """Arrows pointing at their end; unattached pieces are joined later."""
    lines = []
    for s in shapes:
        if s.kind != "line" or len(s.points) < 2:
            continue
        points, glue = list(s.points), [s.glue_start, s.glue_end]
        if s.head_start and not s.head_end:
            points.reverse()
            glue.reverse()
        lines.append(_Line(points=points, text=s.text, glue=glue, shape=s, head=s.head_end or s.head_start))
    return lines


def _join_pieces(lines: list[_Line], on_symbol: Callable[[tuple[float, float]], bool]) -> list[_Line]:
    """Arrows drawn as several loose lines (an elbow from two straight pieces) become one.

    A piece continues another where the first has no arrowhead and ends, away from any
    symbol, at the point where the second starts (or, for a piece without arrowheads, ends).
    """
    starts, ends = _Bins(JOIN_EMU), _Bins(JOIN_EMU)
    for k, line in enumerate(lines):
        starts.add(_point_box(line.points[0]), k)
        ends.add(_point_box(line.points[-1]), k)
    alive = [True] * len(lines)
    for ai, a in enumerate(lines):
        while alive[ai] and not (a.head or a.glue[1] or on_symbol(a.points[-1])):
            end = a.points[-1]
            match = None
            for bi in sorted(set(starts.near(end)) | set(ends.near(end))):
                b = lines[bi]
                if bi == ai or not alive[bi] or b.glue[0]:
                    continue
                if math.dist(end, b.points[0]) <= JOIN_EMU and not on_symbol(b.points[0]):
                    match = bi, b.points, b.glue[1]
                elif not b.head and math.dist(end, b.points[-1]) <= JOIN_EMU and not b.glue[1]:
                    match = bi, list(reversed(b.points)), b.glue[0]
                else:
                    continue
                break
            if match is None:
                break
            bi, tail, glue_end = match
            b = lines[bi]
            a.points = a.points + tail[1:]
            a.glue[1], a.head = glue_end, b.head
            a.text = a.text or b.text
            alive[bi] = False
            ends.add(_point_box(a.points[-1]), ai)
    return [line for line, keep in zip(lines, alive) if keep]


class _StepFinder:
    """The step of one table whose zone holds a row (steps run down the sheet, their zones never overlap)."""

    def __init__(self, table: FlowTable) -> None:
        self.table = table
        self.firsts = [step.first_row for step in table.steps]

    def __call__(self, row: int) -> int | None:
        i = bisect.bisect_right(self.firsts, row) - 1
        if i >= 0 and self.table.steps[i].first_row <= row <= self.table.steps[i].zone_last:
            return i
        return None


def _actor_at(table: FlowTable, col: int) -> int | None:
    for i, actor in enumerate(table.header.actors):
        if actor.first_col <= col <= actor.last_col:
            return i
    return None


class _TableFinder:
    """The first table (top to bottom) whose rows, or the three rows under it, hold a given row."""

    def __init__(self, tables: list[FlowTable]) -> None:
        self.tables = tables
        self.firsts = [t.first_row for t in tables]
        self.ordered = self.firsts == sorted(self.firsts)

    def __call__(self, row: int) -> int | None:
        if not self.ordered:
            return next((i for i, t in enumerate(self.tables) if t.first_row <= row <= t.last_row + 3), None)
        k = bisect.bisect_right(self.firsts, row) - 1
        for j in (k - 1, k):
            if 0 <= j < len(self.tables) and self.tables[j].first_row <= row <= self.tables[j].last_row + 3:
                return j
        return None


def _in_tables(grid: Grid, shapes: list[Shape], owner_of: _TableFinder,
               wanted: Callable[[Shape], bool]) -> Iterator[tuple[Shape, int, int, int]]:
    """(shape, row, column, table index) for each wanted shape whose centre sits in one of the tables."""
    for shape in shapes:
        if not wanted(shape):
            continue
        row, col = grid.locate(*shape.centre)
        owner = owner_of(row)
        if owner is not None:
            yield shape, row, col, owner


def _place_pictures(grid: Grid, tables: list[FlowTable], shapes: list[Shape],
                    images: dict[str, tuple[bytes, str]], finders: list[_StepFinder],
                    owner_of: _TableFinder, reports: list[ImportReport], bases: list[int]) -> None:
    """Pictures sitting in a step's row and an actor's column stand for that step's symbol; guess which.

    A picture much taller than its step's rows or much wider than its actor's column is not a symbol: most
    often the whole flowchart pasted as one image, whose actors and symbols cannot be read.
    """
    for shape, row, col, owner in _in_tables(grid, shapes, owner_of, lambda shape: shape.kind == "picture"):
        table = tables[owner]
        step, actor = finders[owner](row), _actor_at(table, col)
        if step is None or actor is None:
            continue
        band = table.steps[step]
        lane = table.header.actors[actor]
        height = grid.row_top(band.zone_last + 1) - grid.row_top(band.first_row)
        width = grid.col_left(lane.last_col + 1) - grid.col_left(lane.first_col)
        box_w, box_h = shape.box[2] - shape.box[0], shape.box[3] - shape.box[1]
        if box_h > 1.5 * height + 4 * EMU_PER_MM or box_w > 2.5 * width + 4 * EMU_PER_MM:
            reports[owner].unread.append(f"{grid.addr(row, col)}: gambar besar di atas tabel flowchart (bukan simbol "
                                         "satu langkah); pelaksana dan simbol di dalam gambar tidak dapat dibaca.")
            shape.kind = "ignored"
            continue
        data = images.get(shape.image_rel or "", (None, ""))[0]
        kind, how = guess_picture_kind(data, shape.box, step in (0, len(table.steps) - 1))
        shape.kind, shape.as_symbol, shape.geometry = kind, True, "gambar"
        shape.guess = (f"{grid.addr(row, col)}: gambar (bukan bentuk gambar Excel) dibaca sebagai simbol "
                       f"{_KIND_NAMES[kind]} langkah {bases[owner] + step + 1}, {how}.")


_KIND_NAMES = {"terminator": "terminator (kapsul)", "process": "proses (kotak)", "decision": "keputusan (belah ketupat)"}


def table_flows(grid: Grid, tables: list[FlowTable], shapes: list[Shape],
                reports: list[ImportReport], images: dict[str, tuple[bytes, str]] | None = None,
                bases: list[int] | None = None) -> list[list[StepFlow]]:
    """One StepFlow per step of each table on this sheet; what cannot be used goes to that table's report.

    `bases` gives, per table, how many steps of its SOP come before it (a table going on from an earlier
    sheet), so that report lines name the steps by their numbers in the whole SOP.
    """
    flows = [[StepFlow() for _ in t.steps] for t in tables]
    nodes: list[_Node] = []
    finders = [_StepFinder(t) for t in tables]
    owner_of = _TableFinder(tables)
    _place_pictures(grid, tables, shapes, images or {}, finders, owner_of, reports, bases or [0] * len(tables))
    symbols = _in_tables(grid, shapes, owner_of, lambda shape: shape.kind in SYMBOL_KINDS or shape.kind == "offpage")
    for shape, row, col, owner in symbols:
        table = tables[owner]
        node = _Node(shape, owner, finders[owner](row) if shape.kind != "offpage" else None, _actor_at(table, col),
                     grid.addr(row, col), row)
        if shape.kind != "offpage" and (node.step is None or node.actor is None):
            place = "di luar baris langkah" if node.step is None else "di luar kolom pelaksana"
            reports[owner].unread.append(f"{node.where}: simbol {place}; tidak dibaca.")
            continue
        nodes.append(node)
    by_ref = {n.shape.ref: n for n in nodes if n.shape.ref}
    bins = _Bins(ATTACH_EMU)
    for k, n in enumerate(nodes):
        bins.add(n.shape.box, k)

    def nearest(point: tuple[float, float], glue: str | None, besides: _Node | None = None) -> _Node | None:
        if glue and glue in by_ref:
            return by_ref[glue]
        # An arrow's end is never its own start: a short exit arrow ends close to its decision.
        best = min((nodes[k] for k in sorted(set(bins.near(point))) if nodes[k] is not besides),
                   key=lambda n: (_distance_to_box(point, n.shape.box), math.dist(point, n.shape.centre)), default=None)
        return best if best is not None and _distance_to_box(point, best.shape.box) <= ATTACH_EMU else None

    def on_symbol(point: tuple[float, float]) -> bool:
        return any(_distance_to_box(point, nodes[k].shape.box) <= JOIN_EMU for k in bins.near(point))

    lines = _join_pieces(_lines(shapes), on_symbol)
    edges = []
    for line in lines:
        src = nearest(line.points[0], line.glue[0])
        dst = nearest(line.points[-1], line.glue[1], besides=src)
        if src is None or (dst is not None and dst.table != src.table):
            continue
        if dst is None and not line.head:
            continue  # a loose piece, not an arrow out of the procedure
        edges.append(_Edge(src, dst, line, line.text))
    _label_branches(grid, tables, shapes, edges)
    nodes_of: dict[int, list[_Node]] = {}
    edges_of: dict[int, list[_Edge]] = {}
    for n in nodes:
        nodes_of.setdefault(n.table, []).append(n)
    for e in edges:
        edges_of.setdefault(e.src.table, []).append(e)
    for owner, table in enumerate(tables):
        table_nodes = nodes_of.get(owner, [])
        table_edges = edges_of.get(owner, [])
        if any(n.step is not None for n in table_nodes):
            reports[owner].read.append(
                f"Gambar pada lembar {grid.sheet}: {sum(n.step is not None for n in table_nodes)} simbol, "
                f"{len(table_edges)} panah.")
        step_edges = _through_offpage(table, table_nodes, table_edges, reports[owner])
        _assign(grid, table, table_nodes, step_edges, flows[owner], reports[owner],
                (bases or [0] * len(tables))[owner])
    return flows


def _label_branches(grid: Grid, tables: list[FlowTable], shapes: list[Shape], edges: list[_Edge]) -> None:
    """Give each arrow leaving a decision the nearest free label: a text box, or "Ya"/"Tidak" typed in a cell."""
    labels = [(s.box, s.text) for s in shapes if s.kind == "label"]
    for table in tables:
        for step in table.steps:
            for _, text, r, c in step.other_marks:
                if branch_word(text):
                    r0, c0, r1, c1 = grid.span(r, c)
                    labels.append(((grid.col_left(c0), grid.row_top(r0), grid.col_left(c1 + 1), grid.row_top(r1 + 1)),
                                   text))
    bins = _Bins(LABEL_EMU)
    for k, (box, _) in enumerate(labels):
        bins.add(box, k)
    candidates = []
    for e, edge in enumerate(edges):
        if edge.src.shape.kind != "decision" or edge.label:
            continue
        start, second = edge.line.points[0], edge.line.points[1]
        for k in sorted(bins.along(start, second)):
            box = labels[k][0]
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            d = min(_distance_to_box(start, box), _distance_to_segment(centre, start, second))
            if d <= LABEL_EMU:
                candidates.append((d, e, k))
    used_edges, used_labels = set(), set()
    for _, e, k in sorted(candidates):
        if e not in used_edges and k not in used_labels:
            edges[e].label = labels[k][1]
            used_edges.add(e)
            used_labels.add(k)


@dataclass
class _StepEdge:
    src: int
    dst: int | str  # step index or END
    label: str
    downward: bool
    where: str
    note: str = ""


def _through_offpage(table: FlowTable, nodes: list[_Node], edges: list[_Edge],
                     report: ImportReport) -> list[_StepEdge]:
    """Step-to-step flows, with each off-page connector pair replaced by the link it stands for."""
    ins: dict[int, list[_Edge]] = {}
    outs: dict[int, list[_Edge]] = {}
    for edge in edges:
        if edge.dst is not None and edge.dst.step is None and edge.src.step is not None:
            ins.setdefault(id(edge.dst), []).append(edge)
        if edge.src.step is None and edge.dst is not None and edge.dst.step is not None:
            outs.setdefault(id(edge.src), []).append(edge)
    offpage = sorted((n for n in nodes if n.step is None), key=lambda n: n.shape.centre[1])
    exits = [n for n in offpage if id(n) in ins and id(n) not in outs]
    entries = [n for n in offpage if id(n) in outs and id(n) not in ins]
    partner: dict[int, _Node] = {id(n): n for n in offpage if id(n) in ins and id(n) in outs}
    labelled: dict[str, list[_Node]] = {}
    for n in entries:  # in order down the sheet
        labelled.setdefault(" ".join(n.shape.text.split()), []).append(n)
    blank = labelled.pop("", [])  # entries without a label, top to bottom
    blank_y = [n.shape.centre[1] for n in blank]
    for node in exits:
        label = " ".join(node.shape.text.split())
        match = labelled[label].pop(0) if label and labelled.get(label) else None
        if match is None and blank:
            # The first unlabelled entry below the exit, else the first unlabelled one at all.
            k = bisect.bisect_right(blank_y, node.shape.centre[1])
            k = k if k < len(blank) else 0
            match = blank.pop(k)
            blank_y.pop(k)
        if match is not None:
            partner[id(node)] = match
    result: list[_StepEdge] = []
    for edge in edges:
        if edge.src.step is None:
            continue
        first = edge.line.points
        downward = (first[1][1] - first[0][1]) > abs(first[1][0] - first[0][0])
        if edge.dst is None:
            result.append(_StepEdge(edge.src.step, END, edge.label, downward, edge.src.where))
        elif edge.dst.step is not None:
            result.append(_StepEdge(edge.src.step, edge.dst.step, edge.label, downward, edge.src.where))
        elif id(edge.dst) in partner:
            for out in outs.get(id(partner[id(edge.dst)]), []):
                result.append(_StepEdge(edge.src.step, out.dst.step, edge.label, downward, edge.src.where))
        else:
            k = bisect.bisect_right([s.first_row for s in table.steps], edge.dst.row)
            target = k if k < len(table.steps) else None
            result.append(_StepEdge(edge.src.step, target if target is not None else NEXT_TABLE, edge.label, downward,
                                    edge.src.where, note=f"{edge.dst.where}: penghubung antarhalaman tanpa pasangan; "
                                    "dianggap menuju langkah sesudahnya."))
    if exits or entries:
        report.read.append(f"Penghubung antarhalaman: {len(partner)} pasang.")
    return result


def _assign(grid: Grid, table: FlowTable, nodes: list[_Node], edges: list[_StepEdge], flows: list[StepFlow],
            report: ImportReport, base: int = 0) -> None:
    """Each step's actors, symbol and branches; report lines number the steps from `base` + 1."""
    count = len(table.steps)
    nodes_at: dict[int, list[_Node]] = {}
    edges_from: dict[int, list[_StepEdge]] = {}
    for n in nodes:
        nodes_at.setdefault(n.step, []).append(n)
    for e in edges:
        edges_from.setdefault(e.src, []).append(e)
    for i, step in enumerate(table.steps):
        flow = flows[i]
        mine = nodes_at.get(i, [])
        where = grid.addr(step.first_row, table.header.columns["no"])
        if mine:
            flow.actors = sorted({n.actor for n in mine if n.actor is not None})
            report.guessed.extend(n.shape.guess for n in mine if n.shape.guess)
            kinds = {n.shape.kind for n in mine}
            if "decision" in kinds:
                flow.symbol = Symbol.DECISION
            elif kinds & {"process", "other"}:
                flow.symbol = Symbol.PROCESS
                if "terminator" in kinds and i in (0, count - 1):
                    flow.symbol = Symbol.TERMINATOR
                    report.guessed.append(f"Langkah {base + i + 1} ({where}): kapsul dan kotak pada satu baris; dibaca "
                                          "sebagai terminator.")
                for n in mine:
                    if n.shape.kind == "other":
                        report.guessed.append(f"{n.where}: bentuk \"{n.shape.geometry or 'tanpa nama'}\" bukan "
                                              "simbol SOP AP; dibaca sebagai proses.")
            else:
                flow.symbol = Symbol.TERMINATOR
        else:
            flow.actors = sorted(set(step.marks))
            typed = [(a, text, r, c) for a, text, r, c in step.other_marks if not branch_word(text)]
            if not flow.actors and typed:
                flow.actors = sorted({a for a, _, _, _ in typed})
                for _, text, r, c in typed:
                    report.guessed.append(f"{grid.addr(r, c)}: isi \"{text}\" di kolom pelaksana dianggap tanda "
                                          "pelaksana.")
            if not flow.actors:
                report.unread.append(f"Langkah {base + i + 1} ({where}): tidak ada simbol atau tanda (✓) di kolom "
                                     "pelaksana; pelaksananya belum diisi.")
        outgoing = [e for e in edges_from.get(i, []) if e.dst != i]
        if flow.symbol is Symbol.DECISION:
            _branches(i, count, outgoing, flow, report, base)
            continue
        for e in outgoing:
            if e.note:
                report.guessed.append(e.note)
            if e.dst not in (i + 1, END, NEXT_TABLE):
                report.unread.append(f"Panah dari langkah {base + i + 1} ke langkah {base + e.dst + 1} ({e.where}): hanya keputusan "
                                     "yang boleh bercabang; panah ini tidak disimpan.")


def _target_text(target: int | str | None, base: int = 0) -> str:
    if target is None:
        return "belum ditentukan"
    if target == NEXT_TABLE:
        return "langkah sesudahnya"
    return "keluar dari prosedur" if target == END else f"langkah {base + target + 1}"


def _branches(i: int, count: int, outgoing: list[_StepEdge], flow: StepFlow, report: ImportReport,
              base: int = 0) -> None:
    """Ya and Tidak of a decision from its labelled arrows; unlabelled or oddly labelled ones by direction."""
    seen: set[tuple] = set()
    unique = []
    for e in outgoing:
        if (e.dst, e.label) not in seen:
            seen.add((e.dst, e.label))
            unique.append(e)
        if e.note:
            report.guessed.append(e.note)
    where = unique[0].where if unique else f"langkah {base + i + 1}"
    yes = [e for e in unique if branch_word(e.label) == "ya"]
    no = [e for e in unique if branch_word(e.label) == "tidak"]
    rest = [e for e in unique if e not in yes and e not in no]
    # Ya usually goes on down the page, or at least to the next step.
    rest.sort(key=lambda e: (not e.downward, e.dst != i + 1, not (isinstance(e.dst, int) and e.dst > i)))
    if not yes and rest:
        yes.append(rest.pop(0))
        chosen = yes[0]
        way = "ke bawah" if chosen.downward else "ke langkah berikutnya" if chosen.dst == i + 1 else "pertama"
        if chosen.label:
            report.guessed.append(f"Langkah {base + i + 1} ({where}): label cabang \"{chosen.label}\" bukan Ya/Tidak; "
                                  f"cabang {way} dianggap Ya.")
        else:
            report.guessed.append(f"Langkah {base + i + 1} ({where}): cabang keputusan tanpa label; cabang {way} "
                                  "dianggap Ya.")
    if not no and rest:
        no.append(rest.pop(0))
    for e in rest + yes[1:] + no[1:]:
        report.unread.append(f"Langkah {base + i + 1} ({e.where}): panah keputusan ketiga ke "
                             f"{_target_text(e.dst, base)} tidak disimpan; keputusan hanya punya Ya dan Tidak.")
    if yes:
        flow.yes, flow.yes_label = yes[0].dst, _custom_label(yes[0].label, "ya")
    else:
        flow.yes = i + 1 if i + 1 < count else END
        report.guessed.append(f"Langkah {base + i + 1} ({where}): keputusan tanpa panah Ya; Ya dianggap "
                              f"{_target_text(flow.yes, base)}.")
    if no:
        flow.no, flow.no_label = no[0].dst, _custom_label(no[0].label, "tidak")
    else:
        report.unread.append(f"Langkah {base + i + 1} ({where}): cabang Tidak dari keputusan tidak ditemukan.")
    report.read.append(f"Langkah {base + i + 1} (keputusan, {where}): Ya → {_target_text(flow.yes, base)}, "
                       f"Tidak → {_target_text(flow.no, base)}")


def _custom_label(text: str, word: str) -> str:
    """The label as printed, kept only when it differs from the default "Ya"/"Tidak"."""
    text = " ".join(text.split())
    return "" if text.lower() == word else text

