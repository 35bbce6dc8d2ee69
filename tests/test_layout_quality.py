"""Chart quality: the measure itself (sopdesk/layout/quality.py) and the zero-tolerance rules on real layouts.

Zero tolerance, over every fixture and random SOPs: no Ya/Tidak label on another label, a line, a
symbol or a grid line, none below 6 pt; decision lines only at a diamond's four vertices; every
symbol and off-page connector inside one actor column. Loop-backs keep off the column borders and
routes avoid needless crossings on plain SOPs.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import estimate_measure, layout
from sopdesk.layout.page_model import (Cell, Connector, Document, Margins, OffPageConnector, Page, SymbolShape, Table,
                                       TextLabel)
from sopdesk.layout.quality import score
from sopdesk.model import Actor, PageSettings, Sop, Step, Symbol

from .test_layout_invariants import check_document
from .test_layout_properties import sops


# ---- the measure, on hand-made pages -----------------------------------------------------------

def _page(**items) -> Document:
    """One flowchart page: columns No | Kegiatan | two actor columns of 30 mm; two step rows of 30 mm."""
    widths = [10.0, 40.0, 30.0, 30.0]
    cells = [Cell(0, c, kind="header") for c in range(4)]
    for r in (1, 2):
        cells += [Cell(r, 0, kind="no", step_index=r - 1), Cell(r, 1, kind="kegiatan", step_index=r - 1),
                  Cell(r, 2, kind="actor", step_index=r - 1), Cell(r, 3, kind="actor", step_index=r - 1)]
    table = Table(10.0, 10.0, widths, [10.0, 30.0, 30.0], cells, header_rows=1, row_steps=[None, 0, 1])
    page = Page(0, 210.0, 297.0, Margins(10, 10, 10, 10), "flowchart", tables=[table], **items)
    return Document([page], PageSettings(paper="A4", margin_top=10, margin_bottom=10, margin_left=10,
                                         margin_right=10))


def _decision(x=67.0, y=25.0) -> SymbolShape:
    return SymbolShape("decision", x, y, 16.0, 10.0, 0, None, key="s0-0")  # centre (75, 30), actor column 60-90


def test_a_clean_page_scores_zero():
    shape = _decision()
    line = Connector([(75.0, 35.0), (75.0, 60.0)], "ya", 0, 1, "s0-0", "s1-0")
    label = TextLabel("Ya", 76.0, 36.0, 3.5, 3.0)
    q = score(_page(shapes=[shape], connectors=[line], labels=[label]))
    assert q.zero_tolerance == 0 and q.border_runs == 0 and q.crossings == 0, q.offenders
    assert q.arrows == 1 and q.bends == 0 and q.edge_length_mm == pytest.approx(25.0)
    assert q.decision_ends == 1 and q.flowchart_pages == 1 and q.page_lower_bound == 1


def test_labels_on_lines_labels_symbols_and_grid_lines_are_counted():
    shape = _decision()
    line = Connector([(75.0, 35.0), (75.0, 60.0)], "ya", 0, 1, "s0-0", "s1-0")
    on_line = TextLabel("Ya", 74.0, 40.0, 3.5, 3.0)
    on_label = TextLabel("Tidak", 76.0, 41.0, 6.0, 3.0)
    on_grid = TextLabel("Tidak", 88.0, 45.0, 6.0, 3.0)  # across the border at x = 90
    on_symbol = TextLabel("Ya", 70.0, 28.0, 3.5, 3.0)
    tiny = TextLabel("Ya", 62.0, 55.0, 3.0, 2.0, size_pt=5.0)
    q = score(_page(shapes=[shape], connectors=[line], labels=[on_line, on_label, on_grid, on_symbol, tiny]))
    assert q.label_line == 1 and q.label_label == 1 and q.label_grid == 1 and q.label_symbol == 1
    assert q.label_small == 1
    assert q.zero_tolerance == 5
    assert any("cut by a grid line" in o for o in q.offenders)


def test_decision_ends_off_a_vertex_and_items_across_borders_are_counted():
    shape = _decision()
    off_vertex = Connector([(78.0, 34.0), (78.0, 60.0)], "tidak", 0, 1, "s0-0", "s1-0")  # on the edge, not a vertex
    at_vertex = Connector([(83.0, 30.0), (87.0, 30.0), (87.0, 60.0)], "ya", 0, 1, "s0-0", "s1-0")
    straddling = OffPageConnector(86.0, 62.0, 7.0, 7.0, "1", "p1", "out", 1, 5, key="op1-out")
    q = score(_page(shapes=[shape], connectors=[off_vertex, at_vertex], offpage=[straddling]))
    assert q.decision_ends == 2 and q.decision_off_vertex == 1
    assert q.outside_column == 1 and q.symbols == 2
    assert q.bends == 1


def test_crossings_bends_and_runs_along_a_border_are_counted():
    # A loop-back 1 mm beside the column border at x = 90 over 40 mm, crossed by a sideways arrow.
    loop = Connector([(83.0, 60.0), (89.0, 60.0), (89.0, 20.0), (83.0, 20.0)], "tidak", 1, 0, "a", "b")
    across = Connector([(80.0, 45.0), (95.0, 45.0)], "next", 0, 1, "c", "d")
    q = score(_page(connectors=[loop, across]))
    assert q.crossings == 1
    assert q.bends == 2 and q.bends_per_arrow == pytest.approx(1.0)
    assert q.border_runs == 1
    assert "beside a column border" in " ".join(q.offenders)


# ---- the rules on real layouts --------------------------------------------------------------------

def _assert_zero_tolerance(doc: Document) -> None:
    q = score(doc)
    assert q.zero_tolerance == 0, "\n".join(q.offenders)


@pytest.mark.parametrize("paper,landscape", [("A4", True), ("F4", False), ("Letter", True)])
def test_fixtures_keep_the_zero_tolerance_rules(fixture_data, paper, landscape):
    sop = sop_from_fixture(fixture_data)
    sop.page.paper, sop.page.landscape = paper, landscape
    _assert_zero_tolerance(layout(sop, estimate_measure))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sops())
def test_random_sops_keep_the_zero_tolerance_rules(sop):
    _assert_zero_tolerance(layout(sop, estimate_measure))


def _loop_sop(yes_label: str = "", no_label: str = "", actors: int = 3, steps: int = 8) -> Sop:
    people = [Actor(name=f"Pelaksana {i + 1}", id=f"a{i}") for i in range(actors)]
    sop = Sop(actors=people, page=PageSettings(paper="A4", landscape=True))
    for i in range(steps):
        sop.steps.append(Step(kegiatan=f"Langkah {i + 1}", actors=[people[i % actors].id], id=f"s{i}"))
    return sop


def test_both_exit_labels_of_a_decision_find_free_room_even_when_long():
    sop = _loop_sop()
    decision = sop.steps[4]
    decision.symbol = Symbol.DECISION
    decision.yes_target, decision.no_target = "s5", "s1"
    decision.yes_label, decision.no_label = "Lengkap dan sah", "Belum lengkap"
    doc = layout(sop, estimate_measure)
    check_document(sop, doc)
    _assert_zero_tolerance(doc)
    texts = sorted(label.text for page in doc.pages for label in page.labels)
    assert texts == ["Belum lengkap", "Lengkap dan sah"]
    assert all(label.size_pt >= 6.0 for page in doc.pages for label in page.labels)


def test_decision_lines_meet_the_diamond_only_at_its_vertices_with_many_flows_in():
    # Three loop-backs and the step before all arrive at one decision that also has two exits.
    sop = _loop_sop(steps=10)
    for index, target in ((3, "s6"), (7, "s6"), (8, "s6")):
        step = sop.steps[index]
        step.symbol = Symbol.DECISION
        step.yes_target, step.no_target = f"s{index + 1}", target
    hub = sop.steps[6]
    hub.symbol = Symbol.DECISION
    hub.yes_target, hub.no_target = "s7", "s2"
    doc = layout(sop, estimate_measure)
    check_document(sop, doc)
    q = score(doc)
    assert q.decision_ends > 10 and q.decision_off_vertex == 0, q.offenders


def test_loop_backs_keep_off_the_column_borders_and_nested_loops_do_not_cross():
    sop = _loop_sop(steps=9)
    for index, target in ((5, "s2"), (7, "s1")):
        step = sop.steps[index]
        step.symbol = Symbol.DECISION
        step.yes_target, step.no_target = f"s{index + 1}", target
    doc = layout(sop, estimate_measure)
    check_document(sop, doc)
    q = score(doc)
    assert q.border_runs == 0, q.offenders
    assert q.crossings == 0, q.offenders
    assert q.zero_tolerance == 0, q.offenders


def test_shared_steps_keep_their_joint_lines_and_the_rules():
    sop = _loop_sop(actors=4, steps=7)
    sop.steps[2].actors = ["a0", "a2", "a3"]
    sop.steps[4].symbol = Symbol.DECISION
    sop.steps[4].yes_target, sop.steps[4].no_target = "s5", "s2"
    doc = layout(sop, estimate_measure)
    check_document(sop, doc)
    joints = [c for page in doc.pages for c in page.connectors if c.kind == "joint"]
    assert len(joints) == 2
    _assert_zero_tolerance(doc)
