"""From drawn shapes to the flow: each step's actors and symbol, each decision's Ya and Tidak targets."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import END, Symbol
from . import ImportReport
from .xlsx_cells import EMU_PER_MM, FlowTable, Grid
from .xlsx_shapes import SYMBOL_KINDS, Shape, branch_word

ATTACH_EMU = 5.5 * EMU_PER_MM
"""An arrow end this close to a symbol's outline belongs to that symbol."""
JOIN_EMU = 2.0 * EMU_PER_MM
"""Loose line ends this close together are one arrow drawn in pieces."""
LABEL_EMU = 8.0 * EMU_PER_MM
"""A "Ya"/"Tidak" label this close to where a decision's arrow starts names that branch."""


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
    changed = True
    while changed:
        changed = False
        for a in lines:
            if a.head or a.glue[1] or on_symbol(a.points[-1]):
                continue
            for b in lines:
                if b is a or b.glue[0]:
                    continue
                if math.dist(a.points[-1], b.points[0]) <= JOIN_EMU and not on_symbol(b.points[0]):
                    tail, glue_end = b.points, b.glue[1]
                elif not b.head and math.dist(a.points[-1], b.points[-1]) <= JOIN_EMU and not b.glue[1]:
                    tail, glue_end = list(reversed(b.points)), b.glue[0]
                else:
                    continue
                a.points = a.points + tail[1:]
                a.glue[1], a.head = glue_end, b.head
                a.text = a.text or b.text
                lines.remove(b)
                changed = True
                break
            if changed:
                break
    return lines


def _step_at(table: FlowTable, row: int) -> int | None:
    for i, step in enumerate(table.steps):
        if step.first_row <= row <= step.zone_last:
            return i
    return None


def _actor_at(table: FlowTable, col: int) -> int | None:
    for i, actor in enumerate(table.header.actors):
        if actor.first_col <= col <= actor.last_col:
            return i
    return None


def table_flows(grid: Grid, tables: list[FlowTable], shapes: list[Shape],
                reports: list[ImportReport]) -> list[list[StepFlow]]:
    """One StepFlow per step of each table on this sheet; what cannot be used goes to that table's report."""
    flows = [[StepFlow() for _ in t.steps] for t in tables]
    nodes: list[_Node] = []
    for shape in shapes:
        if shape.kind not in SYMBOL_KINDS and shape.kind != "offpage":
            continue
        row, col = grid.locate(*shape.centre)
        owner = next((i for i, t in enumerate(tables) if t.first_row <= row <= t.last_row + 3), None)
        if owner is None:
            continue
        table = tables[owner]
        node = _Node(shape, owner, _step_at(table, row) if shape.kind != "offpage" else None, _actor_at(table, col),
                     grid.addr(row, col), row)
        if shape.kind != "offpage" and (node.step is None or node.actor is None):
            place = "di luar baris langkah" if node.step is None else "di luar kolom pelaksana"
            reports[owner].unread.append(f"{node.where}: simbol {place}; tidak dibaca.")
            continue
        nodes.append(node)
    by_ref = {n.shape.ref: n for n in nodes if n.shape.ref}

    def nearest(point: tuple[float, float], glue: str | None, besides: _Node | None = None) -> _Node | None:
        if glue and glue in by_ref:
            return by_ref[glue]
        # An arrow's end is never its own start: a short exit arrow ends close to its decision.
        best = min((n for n in nodes if n is not besides),
                   key=lambda n: (_distance_to_box(point, n.shape.box), math.dist(point, n.shape.centre)), default=None)
        return best if best is not None and _distance_to_box(point, best.shape.box) <= ATTACH_EMU else None

    def on_symbol(point: tuple[float, float]) -> bool:
        return any(_distance_to_box(point, n.shape.box) <= JOIN_EMU for n in nodes)

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
    for owner, table in enumerate(tables):
        table_nodes = [n for n in nodes if n.table == owner]
        table_edges = [e for e in edges if e.src.table == owner]
        if any(n.step is not None for n in table_nodes):
            reports[owner].read.append(
                f"Gambar pada lembar {grid.sheet}: {sum(n.step is not None for n in table_nodes)} simbol, "
                f"{len(table_edges)} panah.")
        step_edges = _through_offpage(table, table_nodes, table_edges, reports[owner])
        _assign(grid, table, table_nodes, step_edges, flows[owner], reports[owner])
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
    candidates = []
    for e, edge in enumerate(edges):
        if edge.src.shape.kind != "decision" or edge.label:
            continue
        start, second = edge.line.points[0], edge.line.points[1]
        for k, (box, _) in enumerate(labels):
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
    free = list(entries)
    for node in exits:
        label = " ".join(node.shape.text.split())
        match = next((n for n in free if label and " ".join(n.shape.text.split()) == label), None)
        if match is None:
            below = [n for n in free if n.shape.centre[1] > node.shape.centre[1] and not n.shape.text.strip()]
            match = below[0] if below else next((n for n in free if not n.shape.text.strip()), None)
        if match is not None:
            free.remove(match)
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
            target = next((k for k, s in enumerate(table.steps) if s.first_row > edge.dst.row), None)
            result.append(_StepEdge(edge.src.step, target if target is not None else END, edge.label, downward,
                                    edge.src.where, note=f"{edge.dst.where}: penghubung antarhalaman tanpa pasangan; "
                                    "dianggap menuju langkah sesudahnya."))
    if exits or entries:
        report.read.append(f"Penghubung antarhalaman: {len(partner)} pasang.")
    return result


def _assign(grid: Grid, table: FlowTable, nodes: list[_Node], edges: list[_StepEdge], flows: list[StepFlow],
            report: ImportReport) -> None:
    count = len(table.steps)
    for i, step in enumerate(table.steps):
        flow = flows[i]
        mine = [n for n in nodes if n.step == i]
        where = grid.addr(step.first_row, table.header.columns["no"])
        if mine:
            flow.actors = sorted({n.actor for n in mine if n.actor is not None})
            kinds = {n.shape.kind for n in mine}
            if "decision" in kinds:
                flow.symbol = Symbol.DECISION
            elif kinds & {"process", "other"}:
                flow.symbol = Symbol.PROCESS
                if "terminator" in kinds and i in (0, count - 1):
                    flow.symbol = Symbol.TERMINATOR
                    report.guessed.append(f"Langkah {i + 1} ({where}): kapsul dan kotak pada satu baris; dibaca "
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
                report.unread.append(f"Langkah {i + 1} ({where}): tidak ada simbol atau tanda (✓) di kolom "
                                     "pelaksana; pelaksananya belum diisi.")
        outgoing = [e for e in edges if e.src == i and e.dst != i]
        if flow.symbol is Symbol.DECISION:
            _branches(i, count, outgoing, flow, report)
            continue
        for e in outgoing:
            if e.note:
                report.guessed.append(e.note)
            if e.dst not in (i + 1, END):
                report.unread.append(f"Panah dari langkah {i + 1} ke langkah {e.dst + 1} ({e.where}): hanya keputusan "
                                     "yang boleh bercabang; panah ini tidak disimpan.")


def _target_text(target: int | str | None) -> str:
    if target is None:
        return "belum ditentukan"
    return "keluar dari prosedur" if target == END else f"langkah {target + 1}"


def _branches(i: int, count: int, outgoing: list[_StepEdge], flow: StepFlow, report: ImportReport) -> None:
    """Ya and Tidak of a decision from its labelled arrows; unlabelled or oddly labelled ones by direction."""
    seen: set[tuple] = set()
    unique = []
    for e in outgoing:
        if (e.dst, e.label) not in seen:
            seen.add((e.dst, e.label))
            unique.append(e)
        if e.note:
            report.guessed.append(e.note)
    where = unique[0].where if unique else f"langkah {i + 1}"
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
            report.guessed.append(f"Langkah {i + 1} ({where}): label cabang \"{chosen.label}\" bukan Ya/Tidak; "
                                  f"cabang {way} dianggap Ya.")
        else:
            report.guessed.append(f"Langkah {i + 1} ({where}): cabang keputusan tanpa label; cabang {way} "
                                  "dianggap Ya.")
    if not no and rest:
        no.append(rest.pop(0))
    for e in rest + yes[1:] + no[1:]:
        report.unread.append(f"Langkah {i + 1} ({e.where}): panah keputusan ketiga ke {_target_text(e.dst)} tidak "
                             "disimpan; keputusan hanya punya Ya dan Tidak.")
    if yes:
        flow.yes, flow.yes_label = yes[0].dst, _custom_label(yes[0].label, "ya")
    else:
        flow.yes = i + 1 if i + 1 < count else END
        report.guessed.append(f"Langkah {i + 1} ({where}): keputusan tanpa panah Ya; Ya dianggap "
                              f"{_target_text(flow.yes)}.")
    if no:
        flow.no, flow.no_label = no[0].dst, _custom_label(no[0].label, "tidak")
    else:
        report.unread.append(f"Langkah {i + 1} ({where}): cabang Tidak dari keputusan tidak ditemukan.")
    report.read.append(f"Langkah {i + 1} (keputusan, {where}): Ya → {_target_text(flow.yes)}, "
                       f"Tidak → {_target_text(flow.no)}")


def _custom_label(text: str, word: str) -> str:
    """The label as printed, kept only when it differs from the default "Ya"/"Tidak"."""
    text = " ".join(text.split())
    return "" if text.lower() == word else text

