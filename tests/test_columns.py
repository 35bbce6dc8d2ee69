"""Text column widths chosen for each SOP's content, and one header size for every actor name."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import content_box, estimate_measure, flowchart_columns, layout
from sopdesk.layout.columns import (COLUMN_BOUNDS, FITTED_KEYS, FIXED_COLUMN_SHARES, ColumnContent, FlowColumns,
                                   pelaksana_width_mm)
from sopdesk.layout.engine import _flows
from sopdesk.layout.flowchart import build_rows
from sopdesk.model import Actor, PageSettings, Sop, Step

from .conftest import FIXTURE_FILES, load_fixture
from .test_layout_invariants import check_document
from .test_pagination import repeated

LONG_NOTE = ("Berkas yang diterima setelah pukul 15.00 diproses pada hari kerja berikutnya; permohonan yang "
             "tidak lengkap dikembalikan kepada pemohon disertai catatan kekurangan dokumen, dan salinan surat "
             "pengembalian disimpan dalam arsip unit pengolah sesuai jadwal retensi arsip yang berlaku untuk "
             "jenis berkas tersebut lalu dilaporkan rutin.")


def sop_with(actor_count: int, step_count: int = 6, **texts: str) -> Sop:
    actors = [Actor(name=f"Pelaksana {i + 1}", id=f"a{i}") for i in range(actor_count)]
    steps = [Step(kegiatan=f"Memeriksa berkas permohonan {i + 1}", actors=[actors[i % actor_count].id], id=f"s{i}")
             for i in range(step_count)]
    for key, text in texts.items():
        setattr(steps[2], key, text)
    return Sop(actors=actors, steps=steps)


def widths(document) -> dict[str, float]:
    table = document.flowchart_pages[0].flowchart
    keys = ["no", "kegiatan"] + ["actor"] * (len(table.col_widths) - 6) + ["kelengkapan", "waktu", "output",
                                                                            "keterangan"]
    return {k: w for k, w in zip(keys, table.col_widths) if k != "actor"}


def row_height(document, step: int) -> float:
    page = document.pages[document.page_of_step(step)]
    table = page.flowchart
    return table.row_heights[table.row_of_step(step)]


def test_a_long_keterangan_beside_empty_mutu_baku_cells_takes_their_width():
    # Before: 330 characters in a fixed 22.5 mm Keterangan made an 89 mm row; Kelengkapan and Output were empty.
    assert len(LONG_NOTE) == 330
    sop = sop_with(5, keterangan=LONG_NOTE)
    fixed = flowchart_columns(sop.page, [a.id for a in sop.actors])
    assert fixed.by_key("keterangan").width == pytest.approx(22.5, abs=0.1)
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    before = natural_heights(sop, fixed)[2]
    assert before > 85.0
    assert row_height(document, 2) < 0.8 * before
    chosen = widths(document)
    assert chosen["keterangan"] > 29.0
    assert chosen["kelengkapan"] < fixed.by_key("kelengkapan").width
    assert chosen["output"] < fixed.by_key("output").width
    # Nothing is lost: the whole remark is in its cell, and the table still fills the width exactly.
    cell = next(c for c in document.flowchart_pages[0].flowchart.cells if c.kind == "keterangan" and c.step_index == 2)
    assert cell.text == LONG_NOTE and not cell.clipped
    assert sum(document.flowchart_pages[0].flowchart.col_widths) == pytest.approx(content_box(sop.page).width)


def test_widths_stay_inside_the_format_bounds_and_the_actor_columns_keep_theirs():
    sop = sop_with(5, keterangan=LONG_NOTE * 3, kelengkapan="Surat permohonan", output="Disposisi")
    document = layout(sop, estimate_measure)
    table_width = content_box(sop.page).width
    unit = (table_width - pelaksana_width_mm(table_width, 5)) / sum(share for _, share in FIXED_COLUMN_SHARES)
    chosen = widths(document)
    for key, (low, high) in COLUMN_BOUNDS.items():
        assert low * unit - 1e-6 <= chosen[key] <= high * unit + 1e-6, key
    actor_widths = document.flowchart_pages[0].flowchart.col_widths[2:7]
    assert actor_widths == pytest.approx([pelaksana_width_mm(table_width, 5) / 5] * 5)


def test_an_sop_without_long_texts_keeps_the_recommended_widths():
    sop = sop_with(4)
    fixed = flowchart_columns(sop.page, [a.id for a in sop.actors])
    assert layout(sop, estimate_measure).flowchart_pages[0].flowchart.col_widths == pytest.approx(fixed.widths)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_every_flowchart_page_has_the_same_columns_and_the_table_is_no_taller(path):
    sop = repeated(sop_from_fixture(load_fixture(path.name)), 3)  # long enough for several pages
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    pages = document.flowchart_pages
    assert len(pages) > 1
    assert all(p.flowchart.col_widths == pages[0].flowchart.col_widths for p in pages)
    assert sum(pages[0].flowchart.col_widths) == pytest.approx(content_box(sop.page).width)
    fixed = flowchart_columns(sop.page, [a.id for a in sop.actors])
    assert natural_height(sop, columns_of(document, fixed)) <= natural_height(sop, fixed) + 1e-6


def columns_of(document, fixed: FlowColumns) -> FlowColumns:
    table = document.flowchart_pages[0].flowchart
    return FlowColumns([replace(c, x=table.col_x(k), width=w) for k, (c, w) in
                        enumerate(zip(fixed.columns, table.col_widths))])


def natural_height(sop: Sop, columns: FlowColumns) -> float:
    return sum(natural_heights(sop, columns))


def natural_heights(sop: Sop, columns: FlowColumns) -> list[float]:
    flows = _flows(sop, columns)
    in_degree, out_degree = [0] * len(sop.steps), [0] * len(sop.steps)
    for flow in flows:
        out_degree[flow.source] += 1
        in_degree[flow.target] += 1
    return [r.height for r in build_rows(sop, columns, estimate_measure, in_degree, out_degree)]


def test_the_chosen_widths_do_not_depend_on_the_run():
    sop = sop_with(6, keterangan=LONG_NOTE, output="Nota dinas " * 12)
    first = layout(sop, estimate_measure).flowchart_pages[0].flowchart.col_widths
    assert all(layout(sop, estimate_measure).flowchart_pages[0].flowchart.col_widths == first for _ in range(3))


# ---- header sizes ----------------------------------------------------------------------------


def header_sizes(document, kind: str) -> set[float]:
    table = document.flowchart_pages[0].flowchart
    return {p.size_pt for c in table.cells if c.kind == kind for p in c.paragraphs}


def test_every_actor_name_has_one_size_the_largest_at_which_no_word_breaks():
    # 8 actors: 15.3 mm columns. "Sekretaris" fits at 6.5 pt; before, the names dropped to 6 pt.
    sop = sop_with(8)
    for number, actor in enumerate(sop.actors, start=1):
        actor.name = f"Staf Umum {number}"
    sop.actors[3].name = "Sekretaris"
    sop.actors[5].name = "Kepala Bagian Umum dan Hukum"
    document = layout(sop, estimate_measure)
    assert header_sizes(document, "actor_header") == {6.5}
    # The column titles do not shrink with the actor names.
    assert header_sizes(document, "header") == {8.0}
    # A long name of short words wraps onto more lines instead of shrinking.
    sop.actors[3].name = "Kasubbag"
    document = layout(sop, estimate_measure)
    assert header_sizes(document, "actor_header") == {8.0}
    cell = next(c for c in document.flowchart_pages[0].flowchart.cells
                if c.kind == "actor_header" and c.actor_id == sop.actors[5].id)
    assert cell.paragraphs[0].height_mm > 2 * estimate_measure("X", 8.0, 100.0, True)


def test_narrowed_empty_columns_keep_their_titles_at_full_size():
    sop = sop_with(5, step_count=12, keterangan=LONG_NOTE)
    for step in sop.steps:
        step.kelengkapan = step.output = ""
    document = layout(sop, estimate_measure)
    assert widths(document)["kelengkapan"] < flowchart_columns(sop.page, [a.id for a in sop.actors]).by_key(
        "kelengkapan").width
    assert header_sizes(document, "header") == {8.0}


def test_portrait_pages_keep_a_table_that_fills_the_width():
    sop = sop_with(5, keterangan=LONG_NOTE)
    settings = PageSettings(landscape=False)
    document = layout(sop, estimate_measure, settings)
    check_document(sop, document)
    assert sum(document.flowchart_pages[0].flowchart.col_widths) == pytest.approx(content_box(settings).width)


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 120), st.integers(0, 30), st.integers(0, 120),
                          st.integers(0, 400)), min_size=1, max_size=25),
       st.integers(1, 12), st.booleans())
def test_chosen_widths_always_fill_the_table_inside_their_bounds(lengths, actor_count, landscape):
    words = "memeriksa berkas surat permohonan dan disposisi kepala bagian umum".split()

    def text(n: int) -> str:
        return " ".join(words[k % len(words)] for k in range(n // 8))

    texts = {key: [text(row[k]) for row in lengths] for k, key in enumerate(FITTED_KEYS)}
    content = ColumnContent(texts, [15.0] * len(lengths), {k: k.capitalize() for k in FITTED_KEYS})
    settings = PageSettings(landscape=landscape)
    ids = [f"a{i}" for i in range(actor_count)]
    fixed = flowchart_columns(settings, ids)
    chosen = flowchart_columns(settings, ids, content=content)
    assert chosen.width == pytest.approx(fixed.width)
    assert [c.width for c in chosen.actor_columns] == [c.width for c in fixed.actor_columns]
    assert chosen.by_key("no").width == fixed.by_key("no").width
    table_width = content_box(settings).width
    unit = (table_width - pelaksana_width_mm(table_width, actor_count)) / sum(s for _, s in FIXED_COLUMN_SHARES)
    for key, (low, high) in COLUMN_BOUNDS.items():
        width, start = chosen.by_key(key).width, fixed.by_key(key).width
        empty = not any(t.strip() for t in texts[key])
        # Only an empty column may go under its lower bound (to what its title needs); never above the upper one.
        assert width >= min(low * unit, start) - 1e-6 or empty, key
        assert width <= max(high * unit, start) + 1e-6, key
    assert flowchart_columns(settings, ids, content=content).widths == chosen.widths
