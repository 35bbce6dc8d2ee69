"""Geometry every laid-out SOP must keep, checked on the real fixtures; check_document() is reused elsewhere."""
from __future__ import annotations

import pytest

from sopdesk import labels
from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import content_box, estimate_measure, layout
from sopdesk.layout.page_model import Connector, Document, OffPageConnector, Page, SymbolShape
from sopdesk.layout.quality import score
from sopdesk.model import Sop, successors

TOL = 0.01


def drawn_flows(sop: Sop) -> list[tuple[int, int, str]]:
    """(source, target, kind) of every flow that must appear: both steps have a known actor."""
    known = {a.id for a in sop.actors}
    drawn = [any(a in known for a in s.actors) for s in sop.steps]
    flows = []
    for i in range(len(sop.steps)):
        for kind, target_id in successors(sop, i):
            j = sop.step_index(target_id) if target_id is not None else -1
            if drawn[i] and j >= 0 and drawn[j]:
                flows.append((i, j, kind))
    return flows


def _on_outline(item: SymbolShape | OffPageConnector, point: tuple[float, float]) -> bool:
    x, y = point
    rect = item.rect
    if not rect.contains(x, y, TOL):
        return False
    near_edge = min(abs(x - rect.x), abs(x - rect.right), abs(y - rect.y), abs(y - rect.bottom)) < TOL
    if isinstance(item, SymbolShape) and item.kind == "decision":
        return abs(abs(x - item.cx) / (item.w / 2) + abs(y - item.cy) / (item.h / 2) - 1) < 0.01
    if isinstance(item, SymbolShape) and item.kind == "terminator" and not near_edge:
        r = min(item.w, item.h) / 2
        for cx in (rect.x + r, rect.right - r):
            if abs(((x - cx) ** 2 + (y - item.cy) ** 2) ** 0.5 - r) < 0.01:
                return True
        return False
    if isinstance(item, OffPageConnector):
        return near_edge or abs(x - item.x - item.w / 2) < TOL and abs(y - rect.bottom) < TOL
    return near_edge


def _segments(connector: Connector):
    return list(zip(connector.points, connector.points[1:]))


def _crosses(a, b, rect) -> bool:
    """True when segment a-b runs through the inside of rect."""
    (x0, y0), (x1, y1) = a, b
    lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    inside_x = min(hi_x, rect.right - TOL) - max(lo_x, rect.x + TOL)
    inside_y = min(hi_y, rect.bottom - TOL) - max(lo_y, rect.y + TOL)
    if abs(y0 - y1) < 1e-9:
        return rect.y + TOL < y0 < rect.bottom - TOL and inside_x > 0
    return rect.x + TOL < x0 < rect.right - TOL and inside_y > 0


def check_page_contents_inside_margins(doc: Document) -> None:
    box = content_box(doc.settings)
    for page in doc.pages:
        rects = [(t.x, t.y, t.width, t.height) for t in page.tables]
        rects += [(s.x, s.y, s.w, s.h) for s in page.shapes]
        rects += [(o.x, o.y, o.w, o.h) for o in page.offpage]
        rects += [(label.x, label.y, label.w, label.h) for label in page.labels]
        rects += [(i.x, i.y, i.w, i.h) for i in page.images]
        for x, y, w, h in rects:
            assert box.x - TOL <= x and x + w <= box.right + TOL, (page.index, x, w)
            assert box.y - TOL <= y and y + h <= box.bottom + TOL, (page.index, y, h)
        for c in page.connectors:
            for x, y in c.points:
                assert box.x - TOL <= x <= box.right + TOL and box.y - TOL <= y <= box.bottom + TOL


def check_header(page: Page, sop: Sop) -> None:
    table = page.flowchart
    assert table is not None and table.header_rows == (3 if page_numbering(table) else 2)
    texts = {c.text for c in table.cells if c.row < table.header_rows}
    for title in (labels.COLUMN_NO, labels.COLUMN_KEGIATAN, labels.COLUMN_PELAKSANA, labels.COLUMN_MUTU_BAKU,
                  labels.COLUMN_KELENGKAPAN, labels.COLUMN_WAKTU, labels.COLUMN_OUTPUT, labels.COLUMN_KETERANGAN):
        assert title in texts
    for actor in sop.actors:
        assert actor.name in texts
    assert table.row_steps[:table.header_rows] == [None] * table.header_rows


def page_numbering(table) -> bool:
    return any(c.kind == "numbering" for c in table.cells)


def check_document(sop: Sop, doc: Document) -> None:
    """Every invariant the writers and the reader of the printout rely on."""
    check_page_contents_inside_margins(doc)
    flow_pages = doc.flowchart_pages
    assert flow_pages, "an SOP always has at least one flowchart table"
    order = [s for p in flow_pages for s in p.step_indices]
    assert order == list(range(len(sop.steps))), "every step once, in order, numbering continuous"

    pairs: dict[str, list[tuple[int, OffPageConnector]]] = {}
    for page in doc.pages:
        table = page.flowchart
        if table is None:
            continue
        check_header(page, sop)
        for cell in table.cells:
            if cell.kind == "no":
                assert cell.text == str(cell.step_index + 1)
        covered = set()
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    assert (r, c) not in covered
                    covered.add((r, c))
        assert len(covered) == len(table.row_heights) * len(table.col_widths)
        actor_col = {c.actor_id: c.col for c in table.cells if c.kind == "actor_header"}
        first_actor = min(actor_col.values()) if actor_col else 2
        block_left = table.col_x(first_actor)
        block_right = table.col_x(first_actor + max(len(sop.actors), 1))
        keys = {}
        for shape in page.shapes:
            keys[shape.key] = shape
            col = actor_col[shape.actor_id]
            assert table.col_x(col) - TOL <= shape.x and shape.x + shape.w <= table.col_x(col + 1) + TOL
            row = table.row_of_step(shape.step_index)
            assert row is not None
            assert table.row_y(row) - TOL <= shape.y and shape.y + shape.h <= table.row_y(row + 1) + TOL
            assert shape.actor_id in sop.steps[shape.step_index].actors
        for off in page.offpage:
            keys[off.key] = off
            pairs.setdefault(off.pair_key, []).append((page.index, off))
            assert block_left - TOL <= off.x and off.x + off.w <= block_right + TOL
        for connector in page.connectors:
            assert connector.source_key in keys and connector.target_key in keys
            assert _on_outline(keys[connector.source_key], connector.points[0]), connector
            assert _on_outline(keys[connector.target_key], connector.points[-1]), connector
            for a, b in _segments(connector):
                assert abs(a[0] - b[0]) < 1e-9 or abs(a[1] - b[1]) < 1e-9, "only horizontal or vertical"
                assert block_left - TOL <= min(a[0], b[0]) and max(a[0], b[0]) <= block_right + TOL
            for i, (a, b) in enumerate(_segments(connector)):
                for key, item in keys.items():
                    own = (i == 0 and key == connector.source_key) or \
                        (i == len(connector.points) - 2 and key == connector.target_key)
                    if not own:
                        assert not _crosses(a, b, item.rect), (connector, key)
        _check_no_overlaps(page)

    for key, ends in pairs.items():
        assert len(ends) == 2, key
        (page_a, a), (page_b, b) = ends
        assert {a.direction, b.direction} == {"out", "in"} and page_a != page_b and a.label == b.label

    for source, target, kind in drawn_flows(sop):
        found = [(p, c) for p in doc.pages for c in p.connectors
                 if c.source_step == source and c.target_step == target and c.kind == kind]
        same_page = doc.page_of_step(source) == doc.page_of_step(target)
        if same_page:
            assert any(c.source_key.startswith("s") and c.target_key.startswith("s") for _, c in found), \
                (source, target, kind)
        else:
            outs = [c for p, c in found if p.index == doc.page_of_step(source) and c.target_key.startswith("o")]
            ins = [c for p, c in found if p.index == doc.page_of_step(target) and c.source_key.startswith("o")]
            assert outs and ins, (source, target, kind)
            assert outs[0].target_key.split("-")[0] == ins[0].source_key.split("-")[0]

    # Zero tolerance (sopdesk/layout/quality.py): no label on a label, line, symbol or grid line, none
    # below 6 pt; decision lines only at the four vertices; symbols and connectors inside their column.
    quality = score(doc)
    assert quality.zero_tolerance == 0, "\n".join(quality.offenders)


def _check_no_overlaps(page: Page) -> None:
    runs = []
    for n, connector in enumerate(page.connectors):
        for a, b in _segments(connector):
            if abs(a[1] - b[1]) < 1e-9:
                runs.append((n, "h", a[1], min(a[0], b[0]), max(a[0], b[0])))
            else:
                runs.append((n, "v", a[0], min(a[1], b[1]), max(a[1], b[1])))
    for i, (n, d, at, lo, hi) in enumerate(runs):
        for m, d2, at2, lo2, hi2 in runs[i + 1:]:
            if m != n and d == d2 and abs(at - at2) < TOL:
                assert min(hi, hi2) - max(lo, lo2) <= TOL, f"connectors {n} and {m} overlap on page {page.index}"


@pytest.fixture
def fixture_sop(fixture_data) -> Sop:
    return sop_from_fixture(fixture_data)


def test_every_fixture_keeps_the_geometry_invariants(fixture_sop):
    check_document(fixture_sop, layout(fixture_sop, estimate_measure))


@pytest.mark.parametrize("paper", ["A4", "F4", "Letter", "Legal"])
@pytest.mark.parametrize("landscape", [True, False])
def test_invariants_hold_on_every_paper(fixture_sop, paper, landscape):
    fixture_sop.page.paper = paper
    fixture_sop.page.landscape = landscape
    check_document(fixture_sop, layout(fixture_sop, estimate_measure))


def test_invariants_hold_with_the_numbering_row_and_combined_pages(fixture_sop):
    fixture_sop.page.numbering_row = True
    fixture_sop.page.combine_pages = True
    check_document(fixture_sop, layout(fixture_sop, estimate_measure))
