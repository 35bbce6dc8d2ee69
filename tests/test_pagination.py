"""Page breaks chosen for the whole SOP: fewest pages, then whole loops and few off-page pairs, then even fill."""
from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import content_box, estimate_measure, flowchart_columns, layout
from sopdesk.layout.engine import _flows
from sopdesk.layout.paginate import paginate
from sopdesk.model import Actor, Sop, Step, Symbol

from .conftest import load_fixture
from .pagination_helpers import natural_heights
from .test_layout_invariants import check_document


def issue_sop() -> Sop:
    """30 steps, tall and short rows in turn, a loop-back 18 -> 12: the shape of the SOP in the issue."""
    actors = [Actor(name=f"Pelaksana {i + 1}", id=f"a{i}") for i in range(3)]
    steps = [Step(kegiatan="Memeriksa kelengkapan berkas permohonan " * (1 if i % 2 else 5),
                  actors=[actors[i % 3].id], id=f"s{i}") for i in range(30)]
    sop = Sop(actors=actors, steps=steps)
    decision = sop.steps[17]
    decision.symbol = Symbol.DECISION
    decision.yes_target, decision.no_target = sop.steps[18].id, sop.steps[11].id
    return sop


def test_no_page_is_wasted_on_a_few_rows_to_keep_a_loop_whole():
    # Before: pages of 9, 2, 8, 8 and 3 rows; the page of 2 rows held 35 mm of rows in 170 mm of room.
    sop = issue_sop()
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    pages = document.flowchart_pages
    assert len(pages) == 4
    assert min(len(p.step_indices) for p in pages) >= 7
    assert [s for p in pages for s in p.step_indices] == list(range(30))


def test_every_page_holds_its_rows_and_connector_bands_below_the_header():
    sop = issue_sop()
    # Many flows across the breaks: every step also points at the first step of the next page's rows.
    for index in range(2, 28, 3):
        step = sop.steps[index]
        step.symbol = Symbol.DECISION
        step.yes_target, step.no_target = sop.steps[index + 1].id, sop.steps[index + 2].id
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    box = content_box(document.settings)
    for page in document.flowchart_pages:
        table = page.flowchart
        assert table.y + table.height <= box.bottom + 1e-6
        first, last = table.row_y(table.header_rows), table.row_y(len(table.row_heights) - 1)
        for connector in page.offpage:
            # Each pentagon sits in the first or the last row of its page, in the band kept there.
            assert connector.y >= first - 1e-6 and connector.y + connector.h <= table.y + table.height + 1e-6
            assert connector.y + connector.h <= table.row_y(table.header_rows + 1) + 1e-6 or connector.y >= last


def test_breaks_do_not_depend_on_the_run():
    sop = issue_sop()
    first = [p.step_indices for p in layout(sop, estimate_measure).flowchart_pages]
    assert all([p.step_indices for p in layout(sop, estimate_measure).flowchart_pages] == first for _ in range(3))


# ---- against every possible set of breaks ----------------------------------------------------------


def cost(pages: list[list[int]], heights, capacity, band, links):
    """(pages, cut loops, pairs, unevenness) of a set of breaks, or None when a page does not fit."""
    page_of = {row: k for k, page in enumerate(pages) for row in page}
    cut = pairs = 0
    uneven = 0.0
    for source, target in links:
        if source != target and page_of[source] != page_of[target]:
            pairs += 1
            cut += target < source
    for k, page in enumerate(pages):
        top = any(page_of[a] == k and page_of[b] < k or page_of[b] == k and page_of[a] < k for a, b in links)
        bottom = any(page_of[a] == k and page_of[b] > k or page_of[b] == k and page_of[a] > k for a, b in links)
        used = sum(heights[r] for r in page) + band * top + band * bottom
        if len(page) > 1 and used > capacity + 1e-6:
            return None
        uneven += (max(capacity - used, 0.0) / capacity) ** 2
    return len(pages), cut, pairs, uneven


@given(st.lists(st.sampled_from([15.0, 20.0, 30.0, 45.0, 70.0]), min_size=1, max_size=9),
       st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=5),
       st.booleans())
def test_the_chosen_breaks_are_the_best_of_all_possible_breaks(heights, extra, with_chain):
    count = len(heights)
    links = [(i, i + 1) for i in range(count - 1)] if with_chain else []
    links += [(a % count, b % count) for a, b in extra]
    capacity, band = 110.0, 10.0
    chosen = paginate(heights, capacity, band, links)
    assert [r for page in chosen for r in page] == list(range(count))
    best = None
    for cuts in itertools.product([False, True], repeat=count - 1):
        pages, page = [], [0]
        for row, cut in enumerate(cuts, start=1):
            if cut:
                pages.append(page)
                page = []
            page.append(row)
        pages.append(page)
        value = cost(pages, heights, capacity, band, links)
        if value is not None and (best is None or value[:3] < best[:3]
                                  or value[:3] == best[:3] and value[3] < best[3] - 1e-9):
            best = value
    mine = cost(chosen, heights, capacity, band, links)
    assert mine is not None, "every page fits"
    assert mine[:3] == best[:3]
    assert abs(mine[3] - best[3]) < 1e-9


# ---- no two neighbouring pages could have been one ----------------------------------------------------


def natural_rows(sop: Sop, document) -> tuple[list[float], float]:
    """The rows' heights before any band, at the widths the layout chose, and the band the layout kept."""
    heights, _ = natural_heights(sop, document, estimate_measure)
    band = 0.0
    for page in document.flowchart_pages:
        t = page.flowchart
        for row, step in enumerate(t.row_steps):
            if step is not None:
                band = max(band, t.row_heights[row] - heights[step])
    return heights, band


def varied_sop(count: int, seed: int) -> Sop:
    actors = [Actor(name=f"Pelaksana {i + 1}", id=f"a{i}") for i in range(4)]
    steps = [Step(kegiatan="Menyusun konsep surat dan memeriksa lampiran " * (1 + (i * seed) % 5),
                  actors=[actors[(i * 7 + seed) % 4].id], output="Konsep surat " * ((i + seed) % 4), id=f"s{i}")
             for i in range(count)]
    sop = Sop(actors=actors, steps=steps)
    for index in range(3, count - 1, 5 + seed % 3):
        step = sop.steps[index]
        step.symbol = Symbol.DECISION
        step.yes_target = sop.steps[index + 1].id
        step.no_target = sop.steps[max(0, index - 1 - (index * seed) % 6)].id
    return sop


def repeated(sop: Sop, times: int) -> Sop:
    """The SOP's steps `times` over, each copy with its own step ids and decisions inside the copy."""
    steps = []
    for copy in range(times):
        ids = {step.id: f"{step.id}-{copy}" for step in sop.steps}
        steps += [replace(step, id=ids[step.id], actors=list(step.actors), yes_target=ids.get(step.yes_target,
                          step.yes_target), no_target=ids.get(step.no_target, step.no_target))
                  for step in sop.steps]
    sop.steps = steps
    return sop


CASES = [("fixture", name, reps) for name in ("000_dca99833c4e40ed1", "contoh-peminjaman-arsip") for reps in (1, 3)]
CASES += [("varied", count, seed) for count, seed in ((25, 1), (40, 2), (60, 3), (80, 4))]


@pytest.mark.parametrize("kind, what, number", CASES)
def test_no_two_neighbouring_pages_would_fit_on_one(kind, what, number):
    if kind == "fixture":
        sop = repeated(sop_from_fixture(load_fixture(what)), number)
    else:
        sop = varied_sop(what, number)
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    pages = document.flowchart_pages
    table = pages[0].flowchart
    room = content_box(document.settings).height - sum(table.row_heights[:table.header_rows])
    heights, band = natural_rows(sop, document)
    links = [(f.source, f.target) for f in _flows(sop, flowchart_columns(document.settings,
                                                                         [a.id for a in sop.actors]))]
    for first, second in zip(pages, pages[1:]):
        rows = set(first.step_indices) | set(second.step_indices)
        low, high = min(rows), max(rows)
        above = any((a in rows) != (b in rows) and min(a, b) < low for a, b in links)
        below = any((a in rows) != (b in rows) and max(a, b) > high for a, b in links)
        merged = sum(heights[r] for r in rows) + band * above + band * below
        assert merged > room + 1e-6, (first.index, second.index)
