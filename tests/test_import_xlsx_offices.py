"""Excel SOPs as offices really make them: one SOP over several sheets, lists numbered in their own column,
label and header variants, symbols pasted as pictures."""
from __future__ import annotations

from pathlib import Path

import pytest

from sopdesk.importers import vocabulary
from sopdesk.importers.xlsx import import_xlsx
from sopdesk.importers.xlsx_shapes import guess_picture_kind
from sopdesk.model import END, Symbol

from .test_import_xlsx import fixture_sop, flow
from .xlsx_builders import VARIANT_LABELS, Style, build_workbook, symbol_picture


def imported(tmp_path: Path, data: bytes) -> list:
    path = tmp_path / "kantor.xlsx"
    path.write_bytes(data)
    return import_xlsx(path).sops


# ---- the shared vocabulary ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("Nomor SOP", "nomor"), ("NO SOP", "nomor"), ("TGL. PEMBUATAN", "tanggal_pembuatan"),
    ("TANGGAL PENGESAHAN", "tanggal_pengesahan"), ("DISAHKAN OLEH", "disahkan"), ("Judul SOP", "nama"),
    ("NAMA SOP ", "nama"), ("KUALIFIKASI PELAKSANAAN", "kualifikasi_pelaksana"),
    ("PENCATATAN DAN PENDAFTARAN :", "pencatatan_pendataan"), ("Pencatatan dan Pendataan", "pencatatan_pendataan"),
    ("PERALATAN / PERLENGKAPAN :", "peralatan_perlengkapan"), ("Keterkaitan dengan SOP lain", "keterkaitan"),
    ("Pelaksana", None), ("Undang-Undang Nomor 29 Tahun 2014", None),
])
def test_identity_label_variants(text, kind):
    assert vocabulary.identity_kind(text) == kind


def test_identity_label_with_its_value_in_the_same_cell():
    assert vocabulary.identity_label("Nomor SOP : 01/ORT/2024") == ("nomor", "01/ORT/2024")
    assert vocabulary.identity_label("Dasar Hukum:\n1. UU 5/2014") == ("dasar_hukum", "1. UU 5/2014")
    # A long sentence that happens to start like a label is content, not a label.
    assert vocabulary.identity_label("Nomor SOP " + "x" * 500) is None


@pytest.mark.parametrize("text, kind", [
    ("No.", "no"), ("Aktivitas", "kegiatan"), ("Uraian Prosedur", "kegiatan"), ("Pelaksanaan", "pelaksana"),
    ("Mutu Baku", "mutu_baku"), ("Mutu Buku", "mutu_baku"), ("Persyaratan/ Kelengkapan", "kelengkapan"),
    ("Waktu (menit)", "waktu"), ("Output", "output"), ("Ket", "keterangan"), ("Kagahar", None),
])
def test_flowchart_header_variants(text, kind):
    assert vocabulary.header_kind(text) == kind


@pytest.mark.parametrize("text, word", [
    ("Ya", "ya"), ("Tidak", "tidak"), ("Y", "ya"), ("T", "tidak"), ("lengkap", "ya"), ("belum lengkap", "tidak"),
    ("Tidak Lengkap", "tidak"), ("valid", "ya"), ("belum valid", "tidak"), ("Setuju", "ya"), ("Ditolak", "tidak"),
    ("Elektronik", None), ("jika berita tidak lanjut dicatat di jurnal", None),
])
def test_decision_words(text, word):
    assert vocabulary.decision_word(text) == word


# ---- one SOP over several sheets -------------------------------------------------------------------------

def test_identity_sheet_and_a_flowchart_sheet_with_its_own_title_line_are_one_sop(tmp_path):
    sop = fixture_sop()
    sops = imported(tmp_path, build_workbook(sop, Style(title_above_flowchart=True)))
    assert len(sops) == 1
    got, report = sops[0]
    assert got.identity.nomor == sop.identity.nomor and got.identity.nama == sop.identity.nama
    assert got.identity.signer == sop.identity.signer
    assert flow(got) == flow(sop)
    assert any("di atas flowchart" in line for line in report.read)


def test_flowchart_going_on_in_another_sheet_is_one_sop(tmp_path):
    sop = fixture_sop()
    sops = imported(tmp_path, build_workbook(sop, Style(drawing="marks", split_after=6)))
    assert len(sops) == 1
    got, report = sops[0]
    assert [s.kegiatan for s in got.steps] == [s.kegiatan for s in sop.steps]
    assert [s[1] for s in flow(got)] == [s[1] for s in flow(sop)]
    assert any("berlanjut di lembar" in line and "(lanjutan)" in line for line in report.read)
    # Numbering carried on: nothing to say about step numbers.
    assert not any("nomor langkah tertulis" in line for line in report.guessed)


@pytest.mark.parametrize("drawing, after", [("glued", 8), ("loose", 9), ("legacy", 8)])
def test_drawn_flowchart_going_on_in_another_sheet_through_off_page_connectors(tmp_path, drawing, after):
    sop = fixture_sop()
    got, report = imported(tmp_path, build_workbook(sop, Style(drawing=drawing, split_after=after)))[0]
    assert flow(got) == flow(sop)
    assert [s.kegiatan for s in got.steps] == [s.kegiatan for s in sop.steps]
    assert report.unread == []


@pytest.mark.parametrize("drawing", ["glued", "loose"])
def test_a_decision_whose_ya_goes_on_to_the_next_sheet(tmp_path, drawing):
    sop = fixture_sop()
    sop.steps[5].no_target = END  # no branch back across the sheets (the builder draws none)
    got, report = imported(tmp_path, build_workbook(sop, Style(drawing=drawing, split_after=3)))[0]
    assert flow(got) == flow(sop)
    assert flow(got)[2][3] == 4  # step 3's Ya: through the connector at the foot of the first sheet, to step 4
    # The second sheet's lines name the steps by their numbers in the whole SOP.
    assert any(line.startswith("Langkah 10 (keputusan, 'Flowchart (lanjutan)'!") and "langkah 12" in line
               for line in report.read)
    assert any("penghubung antarhalaman tanpa pasangan" in line for line in report.guessed)


def test_a_second_sop_numbered_from_one_on_another_sheet_stays_a_second_sop(tmp_path):
    sops = [fixture_sop(), fixture_sop("001_71e1f31e4a04122a")]
    result = imported(tmp_path, build_workbook(sops, Style(drawing="marks")))
    assert [s.identity.nama for s, _ in result] == [s.identity.nama for s in sops]
    assert [len(s.steps) for s, _ in result] == [len(s.steps) for s in sops]


@pytest.mark.parametrize("drawing", ["loose", "glued"])
def test_pentagon_pairs_in_unnumbered_spacer_rows_are_not_steps(tmp_path, drawing):
    sop = fixture_sop()
    decision = next(i for i, s in enumerate(sop.steps) if s.symbol is Symbol.DECISION)
    after = (2, decision + 1, 9)  # after a process step, after a decision (its Ya path), and further down
    got, report = imported(tmp_path, build_workbook(sop, Style(drawing=drawing, spacer_pair_after=after)))[0]
    assert flow(got) == flow(sop)
    assert any("Penghubung antarhalaman: 3 pasang" in line for line in report.read)
    assert report.unread == []


# ---- lists numbered in their own column -------------------------------------------------------------------

def test_box_items_numbered_in_their_own_column_read_as_their_texts(tmp_path):
    sop = fixture_sop()
    got, report = imported(tmp_path, build_workbook(sop, Style(boxes_in_columns=True)))[0]
    for box in ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                "pencatatan_pendataan"):
        assert getattr(got.identity, box) == getattr(sop.identity, box), box
    assert not any(item.isdigit() for item in got.identity.dasar_hukum)
    assert flow(got) == flow(sop)


def test_variant_labels_and_headers_together(tmp_path):
    sop = fixture_sop("002_497329db9dcea2b8")
    labels = dict(VARIANT_LABELS, pencatatan_pendataan="PENCATATAN DAN PENDAFTARAN",
                  kualifikasi_pelaksana="KUALIFIKASI PELAKSANAAN", nama="JUDUL SOP")
    style = Style(drawing="glued", labels=labels, branch_labels="y-t",
                  captions={"no": "No.", "kegiatan": "Aktivitas", "pelaksana": "Pelaksanaan", "mutu": "Mutu Buku",
                            "keterangan": "Ket"})
    got, report = imported(tmp_path, build_workbook(sop, style))[0]
    assert [a.name for a in got.actors] == [a.name for a in sop.actors]
    assert flow(got) == flow(sop)
    assert got.identity.pencatatan_pendataan == sop.identity.pencatatan_pendataan
    assert got.identity.nama == sop.identity.nama
    assert [s.waktu.display() for s in got.steps] == [s.waktu.display() for s in sop.steps]


# ---- symbols pasted as pictures -------------------------------------------------------------------------

@pytest.mark.parametrize("symbol, kind", [(Symbol.PROCESS, "process"), (Symbol.DECISION, "decision"),
                                          (Symbol.TERMINATOR, "terminator")])
def test_a_pictures_outline_tells_its_symbol(symbol, kind):
    pytest.importorskip("PIL")
    box = (0, 0, 400_000, 200_000)  # twice as wide as high: proportions alone would say "box"
    assert guess_picture_kind(symbol_picture(symbol), box, end_step=False)[0] == kind


def test_undecodable_pictures_are_guessed_from_their_proportions():
    assert guess_picture_kind(b"\x01\x00EMF", (0, 0, 300_000, 290_000), end_step=False)[0] == "decision"
    assert guess_picture_kind(None, (0, 0, 400_000, 180_000), end_step=False)[0] == "process"
    assert guess_picture_kind(None, (0, 0, 400_000, 180_000), end_step=True)[0] == "terminator"


def test_symbols_pasted_as_pictures_give_actors_symbols_and_branches(tmp_path):
    pytest.importorskip("PIL")
    sop = fixture_sop()
    got, report = imported(tmp_path, build_workbook(sop, Style(drawing="pictures")))[0]
    assert flow(got) == flow(sop)
    guesses = [line for line in report.guessed if "gambar (bukan bentuk" in line]
    # Every picture placed as a symbol is named in the report with its cell and how it was read.
    assert len(guesses) == sum(len(s.actors) for s in sop.steps)
    assert all("garis bentuk" in line for line in guesses)
    assert any("Flowchart!" in line and "keputusan" in line for line in guesses)
    assert got.identity.logo is None  # a picture in a step's row is a symbol, never the logo


def test_pictures_that_cannot_be_decoded_still_count_for_their_actor(tmp_path):
    sop = fixture_sop()
    got, report = imported(tmp_path, build_workbook(sop, Style(drawing="pictures", picture_format="emf")))[0]
    assert [s[1] for s in flow(got)] == [s[1] for s in flow(sop)]
    decisions = [i for i, s in enumerate(sop.steps) if s.symbol is Symbol.DECISION]
    assert [i for i, s in enumerate(got.steps) if s.symbol is Symbol.DECISION] == decisions
    assert any("perbandingan lebar:tinggi" in line for line in report.guessed)


@pytest.mark.parametrize("nomor, sops", [("same", 1), ("other", 2)])
def test_number_and_title_above_the_flowchart_join_the_identity_page_unless_they_differ(tmp_path, nomor, sops):
    import io

    import openpyxl

    sop = fixture_sop()
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(sop, Style(drawing="marks", title_above_flowchart=True))))
    book["Flowchart"]["A2"] = f"Nomor SOP : {sop.identity.nomor if nomor == 'same' else 'B/999/2020'}"
    out = io.BytesIO()
    book.save(out)
    result = imported(tmp_path, out.getvalue())
    assert len(result) == sops
    with_steps = [s for s, _ in result if s.steps]
    assert len(with_steps) == 1 and len(with_steps[0].steps) == len(sop.steps)
    if sops == 1:
        assert with_steps[0].identity.signer == sop.identity.signer


def test_a_whole_flowchart_pasted_as_one_picture_is_not_a_symbol(tmp_path):
    pytest.importorskip("PIL")
    from .xlsx_builders import NS_DECL, inject_drawing

    sop = fixture_sop()
    sop_plain = build_workbook(sop, Style(drawing="marks"))
    anchor = ('<xdr:twoCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
              '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff>'
              '<xdr:row>13</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" '
              'name="Bagan"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rIdImg2"/></xdr:blipFill>'
              '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="6000000" cy="7000000"/></a:xfrm>'
              '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
              '</xdr:twoCellAnchor>')
    drawing = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr {NS_DECL}>{anchor}</xdr:wsDr>'
    data = inject_drawing(sop_plain, "xl/worksheets/sheet2.xml", drawing, 1,
                          {"rIdImg2": (symbol_picture(Symbol.PROCESS, 600, 700), "png")})
    got, report = imported(tmp_path, data)[0]
    # The ticks still say who does each step; the picture is named as unreadable, not taken as a box.
    assert [s[1] for s in flow(got)] == [s[1] for s in flow(sop)]
    assert any("gambar besar di atas tabel flowchart" in line for line in report.unread)
    assert not any("gambar (bukan bentuk" in line for line in report.guessed)
