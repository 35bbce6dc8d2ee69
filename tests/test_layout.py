"""What the automatic layout promises the user: official pages, columns, symbols, arrows, page breaks, extremes."""
from __future__ import annotations

import datetime as dt
import gc
import struct
import zlib

import pytest

from sopdesk import labels
from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import (MIN_ACTOR_COLUMN_MM, actor_column_width_mm, content_box, estimate_measure,
                            flowchart_columns, layout, layout_problems)
from sopdesk.model import END, Actor, IdLabel, Logo, PageSettings, Sop, Step, Symbol

from .conftest import load_fixture
from .test_layout_invariants import check_document


def fixture(name: str) -> Sop:
    return sop_from_fixture(load_fixture(name))


def make_sop(step_count: int, actor_count: int = 3, text: str = "Memeriksa berkas permohonan") -> Sop:
    actors = [Actor(name=f"Pelaksana {i + 1}", id=f"a{i}") for i in range(actor_count)]
    steps = [Step(kegiatan=f"{text} {i + 1}", actors=[actors[i % actor_count].id] if actors else [], id=f"s{i}")
             for i in range(step_count)]
    return Sop(actors=actors, steps=steps)


def texts(table) -> list[str]:
    return [cell.text for cell in table.cells]


def connectors_of(document, source: int, target: int | None = None, kind: str | None = None):
    return [c for p in document.pages for c in p.connectors
            if c.source_step == source and (target is None or c.target_step == target)
            and (kind is None or c.kind == kind)]


# ---- columns and paper --------------------------------------------------------------------


def test_eight_actors_fit_a4_landscape_and_nine_get_the_warning_width():
    a4 = PageSettings(paper="A4", landscape=True)
    assert actor_column_width_mm(a4, 8) >= MIN_ACTOR_COLUMN_MM
    assert actor_column_width_mm(a4, 9) < MIN_ACTOR_COLUMN_MM


@pytest.mark.parametrize("actor_count", [0, 1, 4, 12])
def test_flowchart_columns_fill_the_page_width_in_the_official_order(actor_count):
    settings = PageSettings()
    columns = flowchart_columns(settings, [f"a{i}" for i in range(actor_count)])
    keys = [c.key for c in columns.columns]
    assert keys == ["no", "kegiatan"] + ["actor"] * max(actor_count, 1) + ["kelengkapan", "waktu", "output",
                                                                          "keterangan"]
    assert columns.width == pytest.approx(content_box(settings).width)
    assert columns.by_key("no").width >= 8.0 and columns.by_key("waktu").width >= 12.0


@pytest.mark.parametrize("paper, size", [("A4", (297, 210)), ("F4", (330, 215)), ("Letter", (279.4, 215.9)),
                                         ("Legal", (355.6, 215.9))])
def test_pages_have_the_exact_paper_size_in_both_orientations(paper, size):
    sop = fixture("contoh-peminjaman-arsip")
    sop.page.paper = paper
    for landscape in (True, False):
        sop.page.landscape = landscape
        document = layout(sop, estimate_measure)
        expected = size if landscape else size[::-1]
        assert {(p.width_mm, p.height_mm) for p in document.pages} == {expected}


def test_print_time_settings_override_the_sop_settings():
    sop = fixture("contoh-peminjaman-arsip")
    document = layout(sop, estimate_measure, PageSettings(paper="F4", landscape=True))
    assert (document.pages[0].width_mm, document.pages[0].height_mm) == (330, 215)


# ---- identity page -----------------------------------------------------------------------


def test_identity_page_shows_every_identity_field_in_one_table():
    sop = fixture("contoh-peminjaman-arsip")
    sop.identity.revisi_ke = 2
    sop.identity.tanggal_revisi = dt.date(2024, 3, 6)
    page = layout(sop, estimate_measure).pages[0]
    assert page.kind == "identity" and len(page.tables) == 1
    table = page.tables[0]
    cells = "\n".join(texts(table))
    ident = sop.identity
    for expected in (ident.instansi.upper(), *ident.unit_lines, ident.nomor, ident.nama, ident.signer.jabatan,
                     ident.signer.nama, f"NIP. {ident.signer.id_number}", "Revisi ke 2",
                     labels.format_date(ident.tanggal_pembuatan), labels.format_date(ident.tanggal_revisi),
                     labels.format_date(ident.tanggal_efektif), labels.title_label(ident.cakupan)):
        assert expected in cells
    logo = table.cell_at(0, 0)
    assert logo.kind == "logo" and logo.row_span == 6
    title = next(c for c in table.cells if c.kind == "title")
    assert title.paragraphs[0].bold


def test_identity_boxes_are_numbered_lists_split_at_the_logo_block_edge():
    sop = fixture("002_497329db9dcea2b8")
    table = layout(sop, estimate_measure).pages[0].tables[0]
    boxes = [c for c in table.cells if c.kind == "box"]
    assert [c.paragraphs[0].text for c in boxes] == [f"{labels.BOX_TITLES[k]}:" for row in labels.BOX_ROWS
                                                     for k in row]
    assert all(c.paragraphs[0].bold for c in boxes)
    dasar = boxes[0]
    assert [p.number for p in dasar.paragraphs[1:]] == [f"{n}." for n in range(1, len(sop.identity.dasar_hukum) + 1)]
    assert [p.text for p in dasar.paragraphs[1:]] == sop.identity.dasar_hukum
    logo_edge = table.cell_rect(table.cell_at(0, 0)).right
    for right_box in boxes[1::2]:
        assert table.cell_rect(right_box).x == pytest.approx(logo_edge)


def test_signer_shows_nrp_or_no_number_as_chosen():
    sop = fixture("002_497329db9dcea2b8")
    signature = next(c for c in layout(sop, estimate_measure).pages[0].tables[0].cells if c.kind == "signature")
    assert signature.text.splitlines()[-1] == f"NRP. {sop.identity.signer.id_number}"
    assert any(p.space_before_mm >= 20 for p in signature.paragraphs), "room for signature and stamp"
    sop.identity.signer.id_label = IdLabel.NONE
    signature = next(c for c in layout(sop, estimate_measure).pages[0].tables[0].cells if c.kind == "signature")
    assert "NRP" not in signature.text and signature.text.splitlines()[-1] == sop.identity.signer.nama


def test_tanggal_pengesahan_replaces_tanggal_efektif_when_chosen():
    sop = fixture("contoh-peminjaman-arsip")
    sop.identity.use_pengesahan = True
    sop.identity.tanggal_pengesahan = dt.date(2020, 1, 2)
    cells = texts(layout(sop, estimate_measure).pages[0].tables[0])
    assert "Tanggal Pengesahan" in cells and "Tanggal Efektif" not in cells
    assert labels.format_date(dt.date(2020, 1, 2)) in cells


def png_bytes(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_logo_keeps_its_proportions_inside_the_logo_block():
    sop = fixture("contoh-peminjaman-arsip")
    sop.identity.logo = Logo(png_bytes(40, 20), "png")
    page = layout(sop, estimate_measure).pages[0]
    (image,) = page.images
    assert image.w / image.h == pytest.approx(2.0)
    block = page.tables[0].cell_rect(page.tables[0].cell_at(0, 0))
    assert block.contains(image.x, image.y) and block.contains(image.x + image.w, image.y + image.h)


# ---- flowchart -----------------------------------------------------------------------------


def test_symbols_follow_the_model_and_sit_in_each_performers_column():
    sop = fixture("contoh-peminjaman-arsip")
    document = layout(sop, estimate_measure)
    shapes = [s for p in document.pages for s in p.shapes]
    kinds = {s.step_index: s.kind for s in shapes}
    assert kinds[0] == kinds[len(sop.steps) - 1] == "terminator"
    assert {i for i, k in kinds.items() if k == "decision"} == {
        i for i, s in enumerate(sop.steps) if s.symbol is Symbol.DECISION}
    for index, step in enumerate(sop.steps):
        assert sorted(s.actor_id for s in shapes if s.step_index == index) == sorted(step.actors)


def test_a_shared_step_has_a_symbol_per_actor_joined_inside_its_row():
    sop = fixture("contoh-peminjaman-arsip")
    shared = next(i for i, s in enumerate(sop.steps) if len(s.actors) == 2)
    document = layout(sop, estimate_measure)
    (joint,) = [c for c in connectors_of(document, shared, shared) if c.kind == "joint"]
    assert not joint.arrow and len(joint.points) == 2 and joint.points[0][1] == joint.points[1][1]


def test_next_step_in_the_same_column_is_a_straight_drop_and_across_columns_an_l():
    sop = make_sop(3, 2)
    sop.steps[1].actors = ["a0"]
    document = layout(sop, estimate_measure)
    (down,) = connectors_of(document, 0, 1)
    assert len(down.points) == 2 and down.points[0][0] == down.points[1][0]
    sop.steps[1].actors = ["a1"]
    document = layout(sop, estimate_measure)
    (bend,) = connectors_of(document, 0, 1)
    assert len(bend.points) == 3, "leave by the side facing the target, turn once, enter from the top"


def test_decision_exits_are_labelled_with_the_steps_own_words():
    sop = make_sop(4, 2)
    decision = sop.steps[2]
    decision.symbol = Symbol.DECISION
    decision.yes_target, decision.no_target = sop.steps[3].id, sop.steps[0].id
    decision.yes_label = "Sesuai"
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert {label.text for p in document.pages for label in p.labels} == {"Sesuai", labels.NO}
    assert connectors_of(document, 2, 0, "tidak") and connectors_of(document, 2, 3, "ya")


def test_a_decision_pointing_at_itself_loops_back_into_its_own_symbol():
    sop = make_sop(3, 2)
    loop = sop.steps[1]
    loop.symbol = Symbol.DECISION
    loop.yes_target, loop.no_target = sop.steps[2].id, loop.id
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    (back,) = connectors_of(document, 1, 1, "tidak")
    assert back.source_key == back.target_key and len(back.points) >= 4


def test_unset_targets_and_branches_leaving_the_procedure_draw_nothing():
    sop = make_sop(3, 2)
    sop.steps[1].symbol = Symbol.DECISION
    sop.steps[1].yes_target, sop.steps[1].no_target = END, None
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert connectors_of(document, 1) == []
    assert not [label for p in document.pages for label in p.labels]


def test_hit_testing_finds_the_step_under_a_symbol_or_its_row():
    sop = fixture("contoh-peminjaman-arsip")
    document = layout(sop, estimate_measure)
    page = document.pages[1]
    shape = page.shapes[3]
    assert page.step_at(shape.cx, shape.cy) == shape.step_index
    table = page.flowchart
    row = table.row_of_step(2)
    kegiatan = table.cell_rect(table.cell_at(row, 1))
    assert page.step_at(kegiatan.x + 2, kegiatan.y + 2) == 2
    assert page.step_at(table.x + 5, table.y + 1) is None, "the header is no step"
    assert document.pages[0].step_at(50, 50) is None


# ---- pages --------------------------------------------------------------------------------


def test_long_procedures_break_into_pages_with_headers_and_continuous_numbers():
    sop = make_sop(300, 8)
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert len(document.flowchart_pages) > 10
    numbers = [int(c.text) for p in document.flowchart_pages for c in p.flowchart.cells if c.kind == "no"]
    assert numbers == list(range(1, 301))


def test_a_break_between_two_steps_gets_a_matching_pair_of_offpage_connectors():
    sop = make_sop(40, 2)
    document = layout(sop, estimate_measure)
    first, second = document.flowchart_pages[:2]
    last_step = first.step_indices[-1]
    (out,) = [o for o in first.offpage if o.direction == "out"]
    (into,) = [o for o in second.offpage if o.direction == "in"]
    assert (out.step_index, into.step_index) == (last_step, last_step + 1)
    assert out.pair_key == into.pair_key and out.label == into.label == "1"
    body_top = first.flowchart.row_y(first.flowchart.header_rows)
    assert out.y > first.flowchart.row_y(len(first.flowchart.row_heights) - 1), "at the bottom of the source page"
    assert into.y < second.flowchart.row_y(second.flowchart.header_rows + 1) and body_top > 0


def test_a_loop_back_across_a_break_leaves_from_the_top_and_arrives_at_the_bottom():
    sop = make_sop(40, 2)
    last = sop.steps[-2]
    last.symbol = Symbol.DECISION
    last.yes_target, last.no_target = sop.steps[-1].id, sop.steps[0].id
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    back = [o for p in document.pages for o in p.offpage if o.other_step_index in (0, len(sop.steps) - 2)
            and {o.step_index, o.other_step_index} == {0, len(sop.steps) - 2}]
    out = next(o for o in back if o.direction == "out")
    into = next(o for o in back if o.direction == "in")
    out_page = document.pages[document.page_of_step(len(sop.steps) - 2)].flowchart
    in_page = document.pages[document.page_of_step(0)].flowchart
    assert out.y < out_page.row_y(out_page.header_rows + 1)
    assert into.y > in_page.row_y(len(in_page.row_heights) - 1)


@pytest.mark.parametrize("style, expected", [("kosong", ["", ""]), ("angka", ["1", "2"]), ("huruf", ["A", "B"])])
def test_offpage_labels_follow_the_chosen_style(style, expected):
    sop = make_sop(40, 2)
    sop.page.offpage_labels = style
    document = layout(sop, estimate_measure)
    outs = [o for p in document.pages for o in p.offpage if o.direction == "out"]
    assert [o.label for o in outs[:2]] == expected


def test_short_sops_share_one_page_with_the_identity_when_asked():
    sop = make_sop(3, 2)
    sop.page.combine_pages = True
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    (page,) = document.pages
    assert page.kind == "combined" and [t.role for t in page.tables] == ["identity", "flowchart"]
    assert page.flowchart.y >= page.tables[0].y + page.tables[0].height
    long_sop = make_sop(30, 2)
    long_sop.page.combine_pages = True
    assert [p.kind for p in layout(long_sop, estimate_measure).pages][:2] == ["identity", "flowchart"]


def test_the_numbering_row_counts_every_column_under_the_header():
    sop = make_sop(3, 4)
    sop.page.numbering_row = True
    table = layout(sop, estimate_measure).pages[1].flowchart
    assert table.header_rows == 3
    numbers = [c for c in table.cells if c.kind == "numbering"]
    assert [c.text for c in numbers] == [str(n) for n in range(1, 4 + 7)]
    assert all(c.paragraphs[0].italic for c in numbers)


# ---- extremes and problems -------------------------------------------------------------------


def test_an_empty_sop_still_has_an_identity_page_and_an_empty_flowchart():
    sop = Sop()
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert [p.kind for p in document.pages] == ["identity", "flowchart"]
    assert document.pages[1].flowchart.row_steps == [None, None]


def test_a_step_taller_than_a_page_is_cut_to_fit_and_reported():
    sop = make_sop(3, 2)
    sop.steps[1].kegiatan = "Memeriksa berkas dengan sangat teliti " * 400
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    problems = layout_problems(sop, document)
    assert [(p.code, p.step_index) for p in problems] == [("row-too-tall", 1)]
    assert "Langkah 2" in str(problems[0])
    cell = next(c for p in document.pages if p.flowchart for c in p.flowchart.cells
                if c.kind == "kegiatan" and c.step_index == 1)
    assert cell.clipped


def test_twelve_actors_lay_out_and_report_narrow_columns():
    sop = make_sop(30, 12)
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert [p.code for p in layout_problems(sop, document)] == ["actor-column-narrow"]


def box_items(document, title: str) -> list[tuple[int, str, str]]:
    """(page index, number, text) of every numbered item printed in the box titled `title`, in print order."""
    found = []
    for page in document.pages:
        for table in page.tables:
            if table.role != "identity":
                continue
            for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
                if cell.kind == "box" and cell.paragraphs and cell.paragraphs[0].text.startswith(title):
                    found += [(page.index, p.number, p.text) for p in cell.paragraphs if p.number]
    return found


@pytest.mark.parametrize("count", [33, 80, 300])
def test_long_identity_boxes_go_on_on_continuation_pages_and_nothing_is_cut(count):
    # Before: the box rows were squeezed onto page 1 and items 16-33 of 33 were cut without a word.
    sop = fixture("contoh-peminjaman-arsip")
    sop.identity.peralatan_perlengkapan = [f"Peralatan nomor {n} untuk pekerjaan arsip" for n in range(1, count + 1)]
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert layout_problems(sop, document) == []
    kinds = [p.kind for p in document.pages]
    continued = kinds.count("identity") - 1
    assert kinds[:continued + 1] == ["identity"] * (continued + 1) and continued >= 1
    items = box_items(document, "Peralatan/Perlengkapan")
    assert [(number, text) for _, number, text in items] == [
        (f"{n}.", f"Peralatan nomor {n} untuk pekerjaan arsip") for n in range(1, count + 1)]
    assert {page for page, _, _ in items} == set(range(continued + 1))
    box = content_box(document.settings)
    for page in document.pages[:continued + 1]:
        (table,) = page.tables
        assert not any(c.clipped for c in table.cells)
        assert table.y + table.height <= box.bottom + 1e-6
        titles = [c.paragraphs[0].text for c in table.cells if c.kind == "box" and c.paragraphs]
        if page.index:
            # Only box rows go on: the identity rows are not repeated; the box says it continues.
            assert not any(c.kind in ("logo", "label", "value", "signature", "title") for c in table.cells)
            assert titles[0] == "Peralatan/Perlengkapan (lanjutan):"
    # The boxes after the long one follow it, with their own titles, on the last identity page.
    last = document.pages[continued].tables[0]
    assert {"Peringatan:", "Pencatatan dan Pendataan:"} <= {c.paragraphs[0].text for c in last.cells if c.paragraphs}


def test_an_identity_sheet_that_fits_stays_one_page_with_all_six_boxes():
    sop = fixture("contoh-peminjaman-arsip")
    document = layout(sop, estimate_measure)
    assert [p.kind for p in document.pages].count("identity") == 1
    assert len(document.pages[0].tables[0].row_heights) == 9


def test_an_identity_item_taller_than_a_page_is_cut_and_reported():
    sop = fixture("contoh-peminjaman-arsip")
    sop.identity.dasar_hukum = ["Peraturan yang sangat panjang sekali " * 600, "Peraturan kedua"]
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    assert [p.code for p in layout_problems(sop, document)] == ["identity-too-tall"]
    assert "Dasar Hukum" in str(layout_problems(sop, document)[0])
    assert any(c.clipped for p in document.pages for t in p.tables if t.role == "identity" for c in t.cells)
    assert [text for _, _, text in box_items(document, "Dasar Hukum")][-1] == "Peraturan kedua"


@pytest.mark.parametrize("combine", [False, True])
def test_every_page_says_halaman_x_dari_y_in_its_bottom_margin(combine):
    sop = make_sop(40, 3)
    sop.page.combine_pages = combine
    document = layout(sop, estimate_measure)
    count = len(document.pages)
    assert count > 2
    box = content_box(document.settings)
    for page in document.pages:
        (text,) = page.furniture
        assert text.text == f"Halaman {page.index + 1} dari {count}"
        assert (text.kind, text.number, text.count) == ("page-number", page.index + 1, count)
        assert text.x == pytest.approx(box.x)
        assert box.bottom <= text.y and text.y + text.h <= page.height_mm
    sop.page.page_numbers = False
    assert not any(p.furniture for p in layout(sop, estimate_measure).pages)


def test_a_terminator_ending_a_branch_mid_table_has_no_arrow_to_the_next_step():
    # Steps: 1 start, 2 decision (Ya -> 3, Tidak -> 4), 3 ends the Ya branch, 4 and 5 go on.
    sop = make_sop(5, 2)
    sop.steps[1].symbol = Symbol.DECISION
    sop.steps[1].yes_target = sop.steps[2].id
    sop.steps[1].no_target = sop.steps[3].id
    sop.steps[2].symbol = Symbol.TERMINATOR
    document = layout(sop, estimate_measure)
    check_document(sop, document)
    shapes = [s for p in document.pages for s in p.shapes if s.step_index == 2]
    assert shapes and all(s.kind == "terminator" for s in shapes)
    assert connectors_of(document, 2) == []
    assert connectors_of(document, 1, 2, "ya") and connectors_of(document, 3, 4, "next")
    # The first step is a terminator too, and it does lead on.
    assert connectors_of(document, 0, 1, "next")


def chain(count: int) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(count - 1)]


def test_a_loop_back_is_kept_on_one_page_when_that_costs_no_page():
    from sopdesk.layout.paginate import paginate

    heights = [20.0] * 8
    # Rows 0-7 take two pages either way; without a loop the fill is even: 0-3 | 4-7.
    assert paginate(heights, 110, 5, chain(8)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    # The loop 3 <- 6 would be cut there; 0-2 | 3-7 keeps it whole on the same two pages.
    assert paginate(heights, 110, 5, chain(8) + [(6, 3)]) == [[0, 1, 2], [3, 4, 5, 6, 7]]


def test_fewest_pages_come_before_a_whole_loop():
    from sopdesk.layout.paginate import paginate

    heights = [20.0] * 10
    # Before: the page ended before the loop's target (0-2 | 3-7 | 8-9), one page more than needed.
    assert paginate(heights, 110, 5, chain(10) + [(6, 3)]) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_among_equal_page_counts_the_break_with_fewest_offpage_pairs_wins():
    from sopdesk.layout.paginate import paginate

    # A Ya branch 3 -> 5 crosses breaks after rows 3 and 4: the break after row 2 needs one pair, not two.
    assert paginate([20.0] * 8, 110, 5, chain(8) + [(3, 5)]) == [[0, 1, 2], [3, 4, 5, 6, 7]]


def test_a_break_that_no_flow_crosses_keeps_no_room_for_connectors():
    from sopdesk.layout.paginate import paginate

    heights = [55.0] * 4
    assert paginate(heights, 110, 5, []) == [[0, 1], [2, 3]]
    # With flows across every break each page needs its bands, and two rows no longer fit.
    assert paginate(heights, 110, 5, chain(4)) == [[0], [1], [2], [3]]


def test_a_row_taller_than_a_page_gets_a_page_of_its_own():
    from sopdesk.layout.paginate import paginate

    assert paginate([30.0, 500.0, 30.0], 110, 5, chain(3)) == [[0], [1], [2]]
    assert paginate([], 110, 5, []) == [[]]


def test_a_cut_item_that_ends_its_box_leaves_no_empty_row_on_the_next_page():
    sop = fixture("contoh-peminjaman-arsip")
    sop.identity.dasar_hukum = ["Peraturan yang sangat panjang sekali " * 600]  # the box's only item, cut
    document = layout(sop, estimate_measure)
    for page in document.pages:
        for table in page.tables:
            if table.role != "identity":
                continue
            for row in range(len(table.row_heights)):
                cells = [c for c in table.cells if c.row == row]
                assert any(p.text.strip() for c in cells for p in c.paragraphs), (page.kind, row)


def test_layout_leaves_pythons_garbage_collector_as_it_found_it():
    # The layout holds the cycle collector back while it runs; the rest of the app must get it back,
    # also when a layout fails halfway, and a program that had turned it off must find it still off.
    def broken_measure(text, size_pt, width_mm, bold=False):
        raise RuntimeError("pengukur rusak")

    was = gc.isenabled()
    try:
        gc.enable()
        document = layout(make_sop(12), estimate_measure)
        assert len(document.pages) >= 2 and gc.isenabled()
        with pytest.raises(RuntimeError):
            layout(make_sop(12), broken_measure)
        assert gc.isenabled()
        gc.disable()
        layout(make_sop(12), estimate_measure)
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


@pytest.mark.parametrize("first_ends_first", [True, False], ids=["first-ends-first", "first-ends-last"])
def test_layouts_running_at_once_in_two_threads_give_the_collector_back(first_ends_first):
    # The collector switch is the whole program's: with two layouts overlapping in two threads it must
    # stay off while either still runs, and be on again once both have ended, whichever ends first.
    import threading

    seen: list[bool] = []  # the collector's state each time a running layout measures a text
    errors: list[BaseException] = []

    def start(name: str):
        inside, release = threading.Event(), threading.Event()

        def waiting_measure(text, size_pt, width_mm, bold=False):
            seen.append(gc.isenabled())
            inside.set()
            assert release.wait(60), f"layout {name} was never let go on"
            return estimate_measure(text, size_pt, width_mm, bold)

        def run():
            try:
                layout(make_sop(3), waiting_measure)
            except BaseException as error:  # reported below, in the test's own thread
                errors.append(error)
                inside.set()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        assert inside.wait(60), f"layout {name} never started measuring"
        return thread, release

    def finish(thread, release):
        release.set()
        thread.join(60)
        assert not thread.is_alive()

    was = gc.isenabled()
    runs = []
    try:
        gc.enable()
        runs.append(start("pertama"))
        assert not gc.isenabled()
        runs.append(start("kedua"))  # begins while the first is still running
        assert not gc.isenabled()
        first, second = runs if first_ends_first else runs[::-1]
        finish(*first)
        assert not gc.isenabled(), "the collector came back while a layout was still running"
        finish(*second)
        assert not errors, errors
        assert gc.isenabled()
        assert seen and not any(seen)
    finally:
        for _, release in runs:
            release.set()
        for thread, _ in runs:
            thread.join(60)
        if was:
            gc.enable()
        else:
            gc.disable()
