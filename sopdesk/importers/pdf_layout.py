"""A PDF page seen as a form: text runs cut at the table rules, the rules themselves, and the flowchart shapes.

- Rules are the table's lines: thin filled rectangles (how Word-made signed PDFs draw them) or
  stroked straight segments. Only their position matters.
- A text run (Frag) is the characters of one line inside one cell: a line of text is cut where
  a vertical rule passes between two characters or where a wide gap opens.
- Shapes are the closed paths that are not rules, classified by geometry: a rounded outline is
  a terminator, a rectangle a process, a diamond a decision, a pentagon an off-page connector,
  a small circle an on-page connector, a small triangle an arrowhead. An outline drawn as a black
  shape under a white one (or as a ring of two subpaths) counts once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .pdf_read import Char, Page, Path, PdfTooComplex, TextBox

MAX_SHAPES_PER_PAGE = 3000
"""Closed shapes on one page beyond which the page is not a flowchart (a real SOP page holds under 100)."""
MAX_LINES_PER_PAGE = 30_000
RULE_THICKNESS = 2.6
"""A filled rectangle at most this thick (pt) is a line, not a box."""
MIN_RULE = 6.0


@dataclass
class Frag(TextBox):
    """A run of text between rules and wide gaps, with the letters it is made of."""

    chars: list[Char]

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def style(self) -> tuple[int, bool, bool]:
        """The style most of its letters are set in (size, bold, italic)."""
        styles = [c.style for c in self.chars if c.text != " "]
        return max(set(styles), key=styles.count) if styles else (0, False, False)


@dataclass
class Seg:
    """A straight line on the page: a table rule or a piece of a connector."""

    x0: float
    y0: float
    x1: float
    y1: float
    thin_rect: bool = False

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= 1.0 and abs(self.x1 - self.x0) > 1.0

    @property
    def vertical(self) -> bool:
        return abs(self.x1 - self.x0) <= 1.0 and abs(self.y1 - self.y0) > 1.0


@dataclass
class Shape:
    kind: str  # "terminator", "process", "decision", "offpage", "connector", "arrow"
    bbox: tuple[float, float, float, float]
    outline: list[tuple[float, float]]

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    def distance(self, p: tuple[float, float]) -> float:
        """Distance from a point to this shape's outline (0 inside)."""
        if self.kind == "decision" and len(self.outline) >= 4:
            if _inside(p, self.outline):
                return 0.0
            return min(_seg_dist(p, a, b) for a, b in zip(self.outline, self.outline[1:] + self.outline[:1]))
        x0, y0, x1, y1 = self.bbox
        dx = max(x0 - p[0], 0.0, p[0] - x1)
        dy = max(y0 - p[1], 0.0, p[1] - y1)
        return math.hypot(dx, dy)


SYMBOLS = ("terminator", "process", "decision")


def _seg_dist(p, a, b) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


def polyline_distance(p, points: list[tuple[float, float]]) -> float:
    if len(points) == 1:
        return math.hypot(p[0] - points[0][0], p[1] - points[0][1])
    return min(_seg_dist(p, a, b) for a, b in zip(points, points[1:]))


def _inside(p, polygon) -> bool:
    x, y = p
    inside = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / ((y2 - y1) or 1e-9) + x1:
            inside = not inside
    return inside


def _area(points) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:] + points[:1]))) / 2


def _corners(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The vertices of a straight polygon: repeated points and points on a straight run dropped."""
    pts: list[tuple[float, float]] = []
    for p in points:
        if not pts or math.hypot(p[0] - pts[-1][0], p[1] - pts[-1][1]) > 0.5:
            pts.append(p)
    if len(pts) > 1 and math.hypot(pts[0][0] - pts[-1][0], pts[0][1] - pts[-1][1]) <= 0.5:
        pts.pop()
    changed = True
    while changed and len(pts) > 3:
        changed = False
        for i in range(len(pts)):
            a, b, c = pts[i - 1], pts[i], pts[(i + 1) % len(pts)]
            cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
            span = math.hypot(c[0] - a[0], c[1] - a[1]) or 1.0
            if abs(cross) / span < 0.6:
                pts.pop(i)
                changed = True
                break
    return pts


def classify(points: list[tuple[float, float]], curved: bool) -> str | None:
    """The flowchart symbol a closed outline is, or None for anything else."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if w < 3 or h < 3:
        return None
    box = w * h
    ratio = _area(points) / box if box else 0
    distinct = {(round(x * 2), round(y * 2)) for x, y in points}
    if curved and len(distinct) <= 4:
        curved = False  # a "curve" through three or four points: an arrowhead or a corner drawn with Bézier pieces
    if not curved and len(distinct) >= 16:
        curved = True  # a curve the PDF writer already flattened into many short lines
    if curved:
        if ratio > 0.975:
            return "process"  # a rectangle with slightly rounded corners
        left = [p[1] for p in points if p[0] - min(xs) <= 0.25]
        right = [p[1] for p in points if max(xs) - p[0] <= 0.25]
        if left and right and min(max(left) - min(left), max(right) - min(right)) > 0.6 * h:
            # Straight sides with a curved edge: a document (or stacked documents), not a step symbol.
            return "document"
        if abs(w - h) <= 0.25 * max(w, h) and max(w, h) <= 40:
            return "connector"
        return "terminator"
    corners = _corners(points)
    n = len(corners)
    if n == 3:
        return "arrow" if max(w, h) <= 14 else None
    if n == 4:
        if ratio > 0.9:
            return "process"
        if 0.4 < ratio < 0.6:
            return "decision"
        return "arrow" if max(w, h) <= 14 else None
    if n == 5 and 0.6 < ratio < 0.95:
        return "offpage"
    if n >= 6 and ratio > 0.8 and w > 20:
        return "terminator"  # a capsule drawn with straight pieces
    return None


@dataclass
class PageLayout:
    page: Page
    hrules: list[Seg]
    vrules: list[Seg]
    polylines: list[list[tuple[float, float]]]
    shapes: list[Shape]
    frags: list[Frag]


def analyse(page: Page) -> PageLayout:
    hrules: list[Seg] = []
    vrules: list[Seg] = []
    polylines: list[list[tuple[float, float]]] = []
    shapes: list[Shape] = []
    for path in page.paths:
        _split_path(path, hrules, vrules, polylines, shapes)
        if len(shapes) > MAX_SHAPES_PER_PAGE or len(polylines) > MAX_LINES_PER_PAGE:
            raise PdfTooComplex("terlalu banyak bentuk gambar pada satu halaman")
    shapes = _dedupe(shapes)
    frags = make_frags(page.chars, vrules)
    return PageLayout(page, hrules, vrules, polylines, shapes, frags)


def _split_path(path: Path, hrules, vrules, polylines, shapes) -> None:
    outer = None
    for points, closed, curved in zip(path.subpaths, path.closed, path.curved):
        if not points:
            continue
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        w, h = x1 - x0, y1 - y0
        is_closed = closed or (len(points) > 2 and math.hypot(points[0][0] - points[-1][0],
                                                                points[0][1] - points[-1][1]) < 0.5)
        if is_closed and (w <= RULE_THICKNESS or h <= RULE_THICKNESS) and path.fill and not curved:
            # A thin filled rectangle: a rule (or, inside the chart, a drawn connector piece).
            if w >= MIN_RULE and h <= RULE_THICKNESS:
                hrules.append(Seg(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2, True))
                polylines.append([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)])
            elif h >= MIN_RULE and w <= RULE_THICKNESS:
                vrules.append(Seg((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, True))
                polylines.append([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)])
            elif w >= 2.0 and w > h:
                polylines.append([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)])  # a short connector piece
            elif h >= 2.0:
                polylines.append([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)])
            continue
        if is_closed and len(points) >= 4 and path.fill:
            line = _thin_outline(points)
            if line is not None:
                # A connector drawn as a thin filled outline (an elbow line from a word processor).
                polylines.append(line)
                continue
        if is_closed and len(points) >= 3:
            kind = classify(points, curved)
            if kind is not None and not path.stroke and min(path.fill_rgb) >= 235:
                continue  # a white fill without an outline: a text background, or the inside of a drawn outline
            if kind == "process" and not curved and path.stroke:
                # A rectangle may be a table cell drawn as a box: its sides count as rules as well.
                _add_segments(points + [points[0]], hrules, vrules, polylines, rule_only=True)
            if kind is not None:
                area = w * h
                if outer is None or area > outer[0]:
                    outer = (area, Shape(kind, (x0, y0, x1, y1), _corners(points) if not curved else points))
                continue
            if path.stroke:
                _add_segments(points + [points[0]], hrules, vrules, polylines, rule_only=True)
            continue
        if path.stroke or not path.fill:
            if len(points) == 3 and max(w, h) <= 12 and not closed:
                # An open arrowhead "<" drawn with two strokes.
                shapes.append(Shape("arrow", (x0, y0, x1, y1), list(points)))
                continue
            _add_segments(points, hrules, vrules, polylines, rule_only=False)
    if outer is not None:
        shapes.append(outer[1])


def _thin_outline(points: list[tuple[float, float]]) -> list[tuple[float, float]] | None:
    """The centre line of a closed outline that is a line drawn as a thin filled shape, else None."""
    perimeter = sum(math.dist(a, b) for a, b in zip(points, points[1:] + points[:1]))
    if perimeter < 24:
        return None
    thickness = 2 * _area(points) / perimeter
    if thickness > 1.6:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if max(xs) - min(xs) <= RULE_THICKNESS or max(ys) - min(ys) <= RULE_THICKNESS:
        return None  # a straight rule: handled as one
    # The outline runs out along one side and back along the other. Points closer than the line's width
    # are one point of the centre line; the two ends are where the outline turns back on itself.
    merged: list[tuple[float, float]] = []
    for p in points:
        if merged and math.dist(p, merged[-1]) <= 1.6:
            merged[-1] = ((merged[-1][0] + p[0]) / 2, (merged[-1][1] + p[1]) / 2)
        else:
            merged.append(p)
    if len(merged) > 2 and math.dist(merged[0], merged[-1]) <= 1.6:
        last = merged.pop()
        merged[0] = ((merged[0][0] + last[0]) / 2, (merged[0][1] + last[1]) / 2)
    n = len(merged)
    if n < 2:
        return None
    if n == 2:
        return merged
    ends = [k for k in range(n) if math.dist(merged[k - 1], merged[(k + 1) % n]) <= 2.5]
    if len(ends) != 2:
        return None
    first, second = ends
    return merged[first:second + 1]


def _add_segments(points, hrules, vrules, polylines, rule_only: bool) -> None:
    if not rule_only:
        polylines.append(list(points))
    for a, b in zip(points, points[1:]):
        if abs(a[1] - b[1]) <= 0.8 and abs(a[0] - b[0]) >= MIN_RULE:
            hrules.append(Seg(min(a[0], b[0]), a[1], max(a[0], b[0]), a[1]))
        elif abs(a[0] - b[0]) <= 0.8 and abs(a[1] - b[1]) >= MIN_RULE:
            vrules.append(Seg(a[0], min(a[1], b[1]), a[0], max(a[1], b[1])))


def _dedupe(shapes: list[Shape]) -> list[Shape]:
    """One shape per symbol: an outline painted as a dark shape under a lighter one is one symbol."""
    shapes = sorted(shapes, key=lambda s: -(s.bbox[2] - s.bbox[0]) * (s.bbox[3] - s.bbox[1]))
    kept: list[Shape] = []
    for s in shapes:
        if s.kind == "arrow":
            kept.append(s)
            continue
        dup = False
        for k in kept:
            if k.kind == "arrow":
                continue
            if (k.bbox[0] - 0.5 <= s.bbox[0] and s.bbox[2] <= k.bbox[2] + 0.5 and k.bbox[1] - 0.5 <= s.bbox[1]
                    and s.bbox[3] <= k.bbox[3] + 0.5 and abs(k.cx - s.cx) < 3 and abs(k.cy - s.cy) < 3
                    and (k.bbox[2] - k.bbox[0]) - (s.bbox[2] - s.bbox[0]) < 8):
                dup = True
                break
        if not dup:
            kept.append(s)
    return kept


def make_frags(chars: list[Char], vrules: list[Seg]) -> list[Frag]:
    """Lines of text cut into runs at vertical rules and wide gaps, top to bottom, left to right."""
    if not chars:
        return []
    rows: list[list[tuple[int, Char]]] = []
    for index, c in sorted(enumerate(chars), key=lambda ic: ic[1].cy):
        placed = False
        for row in rows[-6:]:
            ref = row[0][1]
            h = max(ref.y1 - ref.y0, c.y1 - c.y0, 1.0)
            if abs(ref.cy - c.cy) <= 0.35 * h:
                row.append((index, c))
                placed = True
                break
        if not placed:
            rows.append([(index, c)])
    frags: list[Frag] = []
    for row in rows:
        # Runs in drawing order: a text drawn over another one (going back to the left) is a run of its own.
        runs: list[list[Char]] = []
        for _, c in sorted(row, key=lambda ic: ic[0]):
            if runs and c.text != " " and runs[-1] and c.x0 < runs[-1][-1].x0 - 1.0:
                runs.append([])
            if not runs:
                runs.append([])
            runs[-1].append(c)
        for run in runs:
            run.sort(key=lambda c: c.x0)
            current: list[Char] = []
            for c in run:
                if current:
                    prev = current[-1]
                    h = max(prev.y1 - prev.y0, 1.0)
                    gap = c.x0 - prev.x1
                    # Letters that touch belong together even when a line is drawn through them.
                    cut = gap > 2.2 * h or (gap > 0.25 and any(
                        prev.cx < v.x0 < c.cx and v.y0 - 1 <= c.cy <= v.y1 + 1 for v in vrules))
                    if cut:
                        frags.append(_frag(current))
                        current = []
                current.append(c)
            if current:
                frags.append(_frag(current))
    frags = [f for f in frags if f.text.strip()]
    frags.sort(key=lambda f: (f.y0, f.x0))
    return frags


def _frag(chars: list[Char]) -> Frag:
    parts: list[str] = []
    prev = None
    for k, c in enumerate(chars):
        if c.text == " " and c.x0 == c.x1 and prev is not None:
            # A word break PDFium inferred: kept only when the letters around it really stand apart.
            after = next((d for d in chars[k + 1:] if d.text != " "), None)
            if after is not None and after.x0 - prev.x1 < 0.1 * max(prev.y1 - prev.y0, 1.0):
                continue
        if prev is not None and c.text != " " and prev.text != " ":
            h = max(prev.y1 - prev.y0, 1.0)
            if c.x0 - prev.x1 > 0.25 * h:
                parts.append(" ")
        parts.append(c.text)
        prev = c
    text = " ".join("".join(parts).split())
    solid = [c for c in chars if c.text != " "] or chars
    return Frag(text, min(c.x0 for c in solid), min(c.y0 for c in solid), max(c.x1 for c in solid),
                max(c.y1 for c in solid), chars)
