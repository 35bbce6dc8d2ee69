"""Chart quality of a laid-out document, in numbers: what a careful drafter checks by eye.

score(document) measures the page model only (it needs no SOP), so it applies to any layout:

- label overlaps: a Ya/Tidak label on another label, on a flow line, on a symbol or off-page
  connector, or cut by a grid line (a table column or row border through the label's box);
- border runs: a flow line running parallel to a column or row border, closer than 2 mm, over
  more than 5 mm (it reads as part of the table);
- crossings: pairs of connector segments that cross (the "crossing number" of graph drawing);
- bends: corners per arrow (the "bend count" of orthogonal graph drawing), and the total and
  mean edge length (the drawn length of the arrows, off-page legs counted on their page);
- short heads: arrows whose last run is shorter than the arrowhead (the head sits on the corner);
- decision ports: ends of lines on a diamond that are not one of its four vertices;
- outside column: symbols and off-page connectors that are not wholly inside one actor column;
- page fill: used height over usable height per flowchart page, and the flowchart page count
  against a lower bound (the height of all step rows over one page's room, rounded up).

Every count comes with the list of the items behind it, worded for test messages.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .columns import content_box
from .page_model import (ARROW_LENGTH_MM, Connector, Document, OffPageConnector, Page, Rect, SymbolShape, Table,
                         TextLabel)

EPS = 0.01
"""Touching within this is not overlapping (mm)."""
BORDER_NEAR_MM = 2.0
BORDER_RUN_MM = 5.0
VERTEX_TOL_MM = 0.05
MIN_LABEL_PT = 6.0


@dataclass
class Quality:
    """The figures of one document (or, added up with `+`, of many)."""

    documents: int = 0
    pages: int = 0
    flowchart_pages: int = 0
    page_lower_bound: int = 0
    labels: int = 0
    label_label: int = 0
    label_line: int = 0
    label_symbol: int = 0
    label_grid: int = 0
    label_small: int = 0
    border_runs: int = 0
    crossings: int = 0
    arrows: int = 0
    bends: int = 0
    edge_length_mm: float = 0.0
    short_heads: int = 0
    decision_ends: int = 0
    decision_off_vertex: int = 0
    symbols: int = 0
    outside_column: int = 0
    fills: list[float] = field(default_factory=list)
    offenders: list[str] = field(default_factory=list)

    @property
    def label_overlaps(self) -> int:
        return self.label_label + self.label_line + self.label_symbol + self.label_grid

    @property
    def bends_per_arrow(self) -> float:
        return self.bends / self.arrows if self.arrows else 0.0

    @property
    def mean_edge_length_mm(self) -> float:
        return self.edge_length_mm / self.arrows if self.arrows else 0.0

    @property
    def mean_fill(self) -> float:
        return sum(self.fills) / len(self.fills) if self.fills else 0.0

    @property
    def extra_pages(self) -> int:
        """Flowchart pages beyond the lower bound."""
        return self.flowchart_pages - self.page_lower_bound

    @property
    def zero_tolerance(self) -> int:
        """Everything that must never happen: label overlaps, off-vertex decision lines, items outside columns."""
        return self.label_overlaps + self.label_small + self.decision_off_vertex + self.outside_column

    def __add__(self, other: Quality) -> Quality:
        total = Quality()
        for name in self.__dataclass_fields__:
            setattr(total, name, getattr(self, name) + getattr(other, name))
        return total


def score(document: Document) -> Quality:
    quality = Quality(documents=1, pages=len(document.pages))
    box = content_box(document.settings)
    rows_total, room = 0.0, None
    for page in document.pages:
        table = page.flowchart
        if table is None:
            continue
        quality.flowchart_pages += 1
        header = sum(table.row_heights[:table.header_rows])
        rows_total += sum(table.row_heights[table.header_rows:])
        room = max(room or 0.0, box.height - header)
        quality.fills.append((table.y + table.height - box.y) / box.height if box.height > 0 else 0.0)
        _score_page(page, table, quality)
    if room and rows_total > EPS:
        quality.page_lower_bound = max(1, math.ceil(rows_total / room - 1e-6))
    elif quality.flowchart_pages:
        quality.page_lower_bound = 1
    return quality


# ---- geometry helpers ------------------------------------------------------------------------

def _segments(connector: Connector) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    return [(a, b) for a, b in zip(connector.points, connector.points[1:])
            if abs(a[0] - b[0]) > 1e-9 or abs(a[1] - b[1]) > 1e-9]


def _rects_overlap(a: Rect, b: Rect, tol: float = EPS) -> bool:
    return min(a.right, b.right) - max(a.x, b.x) > tol and min(a.bottom, b.bottom) - max(a.y, b.y) > tol


def segment_hits_rect(a: tuple[float, float], b: tuple[float, float], rect: Rect, tol: float = EPS) -> bool:
    """True when an orthogonal segment runs through the inside of rect (touching its edge is not)."""
    lo_x, hi_x = min(a[0], b[0]), max(a[0], b[0])
    lo_y, hi_y = min(a[1], b[1]), max(a[1], b[1])
    if abs(a[1] - b[1]) < 1e-9:
        return rect.y + tol < a[1] < rect.bottom - tol and min(hi_x, rect.right) - max(lo_x, rect.x) > tol
    return rect.x + tol < a[0] < rect.right - tol and min(hi_y, rect.bottom) - max(lo_y, rect.y) > tol


def grid_lines(table: Table) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """The table's drawn borders: (x, y0, y1) vertical and (y, x0, x1) horizontal, merged cells respected."""
    vertical: set[tuple[float, float, float]] = set()
    horizontal: set[tuple[float, float, float]] = set()
    for cell in table.cells:
        r = table.cell_rect(cell)
        vertical.add((round(r.x, 4), round(r.y, 4), round(r.bottom, 4)))
        vertical.add((round(r.right, 4), round(r.y, 4), round(r.bottom, 4)))
        horizontal.add((round(r.y, 4), round(r.x, 4), round(r.right, 4)))
        horizontal.add((round(r.bottom, 4), round(r.x, 4), round(r.right, 4)))
    return sorted(vertical), sorted(horizontal)


def label_crosses_grid(rect: Rect, vertical, horizontal, tol: float = EPS) -> bool:
    for x, y0, y1 in vertical:
        if rect.x + tol < x < rect.right - tol and min(y1, rect.bottom) - max(y0, rect.y) > tol:
            return True
    for y, x0, x1 in horizontal:
        if rect.y + tol < y < rect.bottom - tol and min(x1, rect.right) - max(x0, rect.x) > tol:
            return True
    return False


def diamond_vertices(shape: SymbolShape) -> list[tuple[float, float]]:
    return [(shape.cx, shape.y), (shape.cx, shape.y + shape.h), (shape.x, shape.cy), (shape.x + shape.w, shape.cy)]


def actor_column_spans(table: Table) -> list[tuple[float, float]]:
    """(left, right) of every actor column of a flowchart table, left to right."""
    cols = sorted({c.col for c in table.cells if c.kind == "actor"})
    return [(table.col_x(c), table.col_x(c + 1)) for c in cols]


def _label_rect(label: TextLabel) -> Rect:
    return Rect(label.x, label.y, label.w, label.h)


def _name(label: TextLabel) -> str:
    return f"label {label.text!r} at ({label.x:.1f}, {label.y:.1f})"


# ---- one page -------------------------------------------------------------------------------

def _score_page(page: Page, table: Table, q: Quality) -> None:
    where = f"page {page.index + 1}"
    vertical, horizontal = grid_lines(table)
    for other in page.tables:
        if other is not table:
            v, h = grid_lines(other)
            vertical += v
            horizontal += h
    segments = [(n, a, b) for n, c in enumerate(page.connectors) for a, b in _segments(c)]
    items: list[tuple[str, Rect]] = [(s.key, s.rect) for s in page.shapes] + [(o.key, o.rect) for o in page.offpage]

    # Labels.
    rects = [_label_rect(label) for label in page.labels]
    q.labels += len(page.labels)
    for i, (label, rect) in enumerate(zip(page.labels, rects)):
        if label.size_pt < MIN_LABEL_PT - 1e-6:
            q.label_small += 1
            q.offenders.append(f"{where}: {_name(label)} is {label.size_pt} pt")
        for j in range(i + 1, len(rects)):
            if _rects_overlap(rect, rects[j]):
                q.label_label += 1
                q.offenders.append(f"{where}: {_name(label)} overlaps {_name(page.labels[j])}")
        hit = next((n for n, a, b in segments if segment_hits_rect(a, b, rect)), None)
        if hit is not None:
            q.label_line += 1
            c = page.connectors[hit]
            q.offenders.append(f"{where}: {_name(label)} is crossed by the {c.kind} line {c.source_key}->{c.target_key}")
        symbol = next((key for key, r in items if _rects_overlap(rect, r)), None)
        if symbol is not None:
            q.label_symbol += 1
            q.offenders.append(f"{where}: {_name(label)} overlaps {symbol}")
        if label_crosses_grid(rect, vertical, horizontal):
            q.label_grid += 1
            q.offenders.append(f"{where}: {_name(label)} is cut by a grid line")

    # Lines along borders, bends and length.
    xs = sorted({x for x, _, _ in vertical})
    for n, connector in enumerate(page.connectors):
        segs = _segments(connector)
        if connector.arrow:
            q.arrows += 1
            q.bends += max(len(segs) - 1, 0)
            q.edge_length_mm += sum(abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in segs)
            last = abs(segs[-1][0][0] - segs[-1][1][0]) + abs(segs[-1][0][1] - segs[-1][1][1]) if segs else 0.0
            if len(segs) > 1 and last < ARROW_LENGTH_MM - EPS:
                q.short_heads += 1
                q.offenders.append(f"{where}: {connector.source_key}->{connector.target_key} ends in a run of "
                                   f"{last:.1f} mm, shorter than its head")
        for a, b in segs:
            if abs(a[0] - b[0]) < 1e-9:
                lo, hi = min(a[1], b[1]), max(a[1], b[1])
                for x in xs:
                    if 1e-6 < abs(a[0] - x) < BORDER_NEAR_MM:
                        run = sum(max(0.0, min(hi, y1) - max(lo, y0)) for vx, y0, y1 in vertical if vx == x)
                        if run > BORDER_RUN_MM:
                            q.border_runs += 1
                            q.offenders.append(f"{where}: {connector.source_key}->{connector.target_key} runs "
                                               f"{abs(a[0] - x):.2f} mm beside a column border for {run:.1f} mm")
                            break
            else:
                lo, hi = min(a[0], b[0]), max(a[0], b[0])
                for y, x0, x1 in horizontal:
                    if 1e-6 < abs(a[1] - y) < BORDER_NEAR_MM and min(hi, x1) - max(lo, x0) > BORDER_RUN_MM:
                        q.border_runs += 1
                        q.offenders.append(f"{where}: {connector.source_key}->{connector.target_key} runs "
                                           f"{abs(a[1] - y):.2f} mm beside a row border for "
                                           f"{min(hi, x1) - max(lo, x0):.1f} mm")
                        break

    # Crossings: one per pair of segments of two connectors that cross at a right angle.
    horiz = [(n, a[1], min(a[0], b[0]), max(a[0], b[0])) for n, a, b in segments if abs(a[1] - b[1]) < 1e-9]
    vert = [(n, a[0], min(a[1], b[1]), max(a[1], b[1])) for n, a, b in segments if abs(a[0] - b[0]) < 1e-9]
    for n, y, x0, x1 in horiz:
        for m, x, y0, y1 in vert:
            if n != m and x0 + EPS < x < x1 - EPS and y0 + EPS < y < y1 - EPS:
                q.crossings += 1
                q.offenders.append(f"{where}: {page.connectors[n].source_key}->{page.connectors[n].target_key} "
                                   f"crosses {page.connectors[m].source_key}->{page.connectors[m].target_key} "
                                   f"at ({x:.1f}, {y:.1f})")

    # Decision ends at the vertices.
    shapes = {s.key: s for s in page.shapes}
    for connector in page.connectors:
        for key, point in ((connector.source_key, connector.points[0]), (connector.target_key, connector.points[-1])):
            shape = shapes.get(key)
            if shape is None or shape.kind != "decision":
                continue
            q.decision_ends += 1
            if not any(abs(point[0] - vx) <= VERTEX_TOL_MM and abs(point[1] - vy) <= VERTEX_TOL_MM
                       for vx, vy in diamond_vertices(shape)):
                distance = min(math.hypot(point[0] - vx, point[1] - vy) for vx, vy in diamond_vertices(shape))
                q.decision_off_vertex += 1
                q.offenders.append(f"{where}: {connector.kind} line {connector.source_key}->{connector.target_key} "
                                   f"meets {key} {distance:.1f} mm from a vertex")

    # Symbols and off-page connectors inside one actor column.
    spans = actor_column_spans(table)
    for item in list(page.shapes) + list(page.offpage):
        q.symbols += 1
        if not any(left - EPS <= item.x and item.x + item.w <= right + EPS for left, right in spans):
            q.outside_column += 1
            kind = "off-page connector" if isinstance(item, OffPageConnector) else item.kind
            q.offenders.append(f"{where}: {kind} {item.key} at x {item.x:.1f}-{item.x + item.w:.1f} "
                               "straddles a column border")
