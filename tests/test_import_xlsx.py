"""Excel import: SOP Desk's own exports come back exactly; hand-made sheets give their steps, actors and branches."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from docx import Document as WordDocument
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sopdesk.exporters.xlsx import SOP_SHEET, write_xlsx
from sopdesk.exporters.xlsx_drawing import A_NS, XDR_NS
from sopdesk.importers import ImportReport
from sopdesk.importers import xlsx as importer
from sopdesk.importers.xlsx import XlsxImportError, import_xlsx
from sopdesk.importers.xlsx_cells import Grid, SheetMeta
from sopdesk.importers.xlsx_shapes import Shape, branch_word, read_drawing
from sopdesk.interchange import InterchangeError, sop_from_fixture, sop_to_fixture, sop_to_native
from sopdesk.layout import estimate_measure, layout
from sopdesk.model import END, Actor, Duration, IdLabel, Logo, Sop, Step, Symbol

from .conftest import FIXTURE_FILES, load_fixture
from .xlsx_builders import VARIANT_LABELS, Style, build_workbook, libreoffice_roundtrip

DATA = Path(__file__).parent / "data"
ARSIP = "contoh-peminjaman-arsip"


def fixture_sop(name: str = ARSIP) -> Sop:
    return sop_from_fixture(load_fixture(name))


def flow(sop: Sop) -> list[tuple]:
    """Per step: number, actor names, symbol, Ya and Tidak targets as step numbers (None = leaves)."""
    data = sop_to_fixture(sop)
    return [(s["no"], s["pelaksana"], s["simbol"], s["jika_ya"], s["jika_tidak"]) for s in data["kegiatan"]]


def texts(sop: Sop) -> list[tuple]:
    return [(s.kegiatan, s.kelengkapan, s.waktu.display(), s.output, s.keterangan) for s in sop.steps]


def write(tmp_path: Path, data: bytes, name: str = "sop.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def only(result) -> tuple[Sop, ImportReport]:
    assert len(result.sops) == 1
    return result.sops[0]


def export(sop: Sop, path: Path) -> Path:
    write_xlsx(layout(sop, estimate_measure), sop, path)
    return path


# ---- SOP Desk's own export ----------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_own_export_comes_back_identical(tmp_path, fixture):
    sop = sop_from_fixture(json.loads(fixture.read_text(encoding="utf-8")))
    got, report = only(import_xlsx(export(sop, tmp_path / "sop.xlsx")))
    assert sop_to_native(got) == sop_to_native(sop)
    assert report.guessed == [] and report.unread == []
    assert any("Data SOP Desk" in line for line in report.read)


def _without_hidden_copy(path: Path) -> Path:
    """The exported workbook with the hidden sheet renamed, so only the cells and shapes tell the SOP."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(f'name="{SOP_SHEET}"'.encode(), b'name="Lain"')
            target.writestr(info, data)
    stripped = path.with_name("tanpa-salinan.xlsx")
    stripped.write_bytes(out.getvalue())
    return stripped


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_own_export_read_from_cells_and_shapes_alone(tmp_path, fixture):
    sop = sop_from_fixture(json.loads(fixture.read_text(encoding="utf-8")))
    got, report = only(import_xlsx(_without_hidden_copy(export(sop, tmp_path / "sop.xlsx"))))
    assert flow(got) == flow(sop)
    assert texts(got) == texts(sop)
    expected, actual = sop_to_fixture(sop), sop_to_fixture(got)
    for key in ("nomor", "nama", "tanggal_pembuatan", "tanggal_efektif", "tanggal_pengesahan", "disahkan_oleh",
                "dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                "pencatatan_pendataan", "pelaksana", "jenis"):
        assert actual[key] == expected[key], key
    assert actual["instansi"].casefold() == expected["instansi"].casefold()
    # The export draws no arrow for a Ya that leaves the procedure; the import says it assumed one.
    assert all("keluar dari prosedur" in line for line in report.guessed)
    assert report.unread == ['Lembar tersembunyi "Lain" tidak dibaca.']


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([x * 5 % 256, 90, 200]) * width for x in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_logo_and_revision_read_from_the_sheet(tmp_path):
    sop = fixture_sop()
    sop.identity.revisi_ke = 2
    sop.identity.tanggal_revisi = dt.date(2026, 3, 4)
    sop.identity.logo = Logo(_png(40, 30), "png")
    got, report = only(import_xlsx(_without_hidden_copy(export(sop, tmp_path / "sop.xlsx"))))
    assert got.identity.revisi_ke == 2 and got.identity.tanggal_revisi == dt.date(2026, 3, 4)
    assert got.identity.logo == sop.identity.logo
    assert any(line.startswith("Logo: gambar PNG (Identitas!") for line in report.read)


def test_texts_edited_in_excel_after_export_win_and_are_named(tmp_path):
    sop = fixture_sop()
    path = export(sop, tmp_path / "sop.xlsx")
    book = openpyxl.load_workbook(path)
    flowchart, identity = book["Flowchart"], book["Identitas"]
    step3 = next(c for row in flowchart.iter_rows() for c in row if c.value == sop.steps[2].kegiatan)
    step3.value = "Menilai kelengkapan berkas permohonan (diubah di Excel)"
    nomor = next(c for row in identity.iter_rows() for c in row if c.value == sop.identity.nomor)
    nomor.value = "OT.01.02-099"
    book.save(path)  # openpyxl drops the shapes; the hidden copy still carries the flow

    got, report = only(import_xlsx(path))
    assert got.steps[2].kegiatan == "Menilai kelengkapan berkas permohonan (diubah di Excel)"
    assert got.identity.nomor == "OT.01.02-099"
    assert flow(got) == flow(sop)
    assert got.steps[1].kegiatan == sop.steps[1].kegiatan
    assert any(f"Flowchart!{step3.coordinate}" in line and "Kegiatan langkah 3" in line for line in report.guessed)
    assert any(f"Identitas!{nomor.coordinate}" in line and "Nomor SOP" in line for line in report.guessed)


def test_steps_added_in_excel_after_export_make_the_sheet_count(tmp_path):
    sop = fixture_sop()
    path = export(sop, tmp_path / "sop.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Flowchart"]
    last = max(c.row for row in sheet.iter_rows() for c in row if c.value == 12)
    sheet.cell(last + 1, 1, 13)
    sheet.cell(last + 1, 2, "Melaporkan peminjaman kepada Kepala Bagian Umum")
    book.save(path)

    got, report = only(import_xlsx(path))
    assert len(got.steps) == 13
    assert got.steps[12].kegiatan == "Melaporkan peminjaman kepada Kepala Bagian Umum"
    assert "berbeda dari data SOP Desk" in report.guessed[0]


def test_damaged_hidden_copy_is_reported_and_the_sheet_read(tmp_path):
    sop = fixture_sop()
    path = export(sop, tmp_path / "sop.xlsx")
    book = openpyxl.load_workbook(path)
    book[SOP_SHEET]["A2"] = '{"format": "sopdesk/1", "steps": [1, 2'
    book.save(path)

    got, report = only(import_xlsx(path))
    assert [s.kegiatan for s in got.steps] == [s.kegiatan for s in sop.steps]
    assert any("rusak" in line for line in report.unread)


# ---- hand-made sheets ---------------------------------------------------------------------------------

HAND_STYLES = {
    # One group inside mc:AlternateContent, children scaled, "Y"/"T" boxes without outline, the header
    # pasted again after step 7 with off-page pentagons, a numbering row and a step over two merged rows.
    "grup-legacy": Style(drawing="legacy", branch_labels="y-t", page_break_after=(7,), numbering_row=True,
                         merged_steps=(4,)),
    # Loose straight lines with flips (elbows in two pieces), label text boxes, identity and flowchart on
    # one sheet with upper-case label variants, dates typed without weekday, the signer over four rows.
    "garis-lepas": Style(drawing="loose", one_sheet=True, labels=dict(VARIANT_LABELS), dates="plain",
                         signer_rows=True, box_label_rows=True,
                         captions={"kegiatan": "Aktivitas", "keterangan": "Ket.",
                                   "kelengkapan": "Persyaratan/ Kelengkapan"}),
    # Glued bentConnector3 connectors, branch labels as text inside the connector, Excel dates,
    # numbered off-page pairs.
    "konektor-lekat": Style(drawing="glued", dates="excel", page_break_after=(7,), offpage_labels=True),
}


@pytest.mark.parametrize("style", HAND_STYLES.values(), ids=HAND_STYLES.keys())
def test_hand_made_sheet_gives_actors_symbols_and_branches(tmp_path, style):
    sop = fixture_sop()
    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, style))))
    assert flow(got) == flow(sop)
    assert texts(got) == texts(sop)
    assert [a.name for a in got.actors] == [a.name for a in sop.actors]
    assert report.guessed == [] and report.unread == []
    assert "Langkah 3 (keputusan" in " ".join(report.read)


def test_hand_made_identity_in_official_wording(tmp_path):
    sop = fixture_sop()
    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, HAND_STYLES["grup-legacy"]))))
    ident, expected = got.identity, sop.identity
    assert (ident.nomor, ident.nama) == (expected.nomor, expected.nama)
    assert ident.tanggal_pembuatan == expected.tanggal_pembuatan  # "Senin, 05 Januari 2026"
    assert ident.tanggal_efektif == expected.tanggal_efektif
    assert ident.tanggal_revisi is None  # "-"
    assert ident.signer == expected.signer
    assert ident.instansi == expected.instansi and ident.unit_lines == expected.unit_lines
    for box in ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                "pencatatan_pendataan"):
        assert getattr(ident, box) == getattr(expected, box), box
    assert any(line.startswith("Nomor SOP") and "Identitas!C1" in line for line in report.read)


def test_hand_made_identity_in_other_wordings(tmp_path):
    sop = fixture_sop("002_497329db9dcea2b8")  # the signer has an NRP
    got, _ = only(import_xlsx(write(tmp_path, build_workbook(sop, HAND_STYLES["garis-lepas"]))))
    ident = got.identity
    assert ident.nomor == sop.identity.nomor  # "NO SOP"
    assert ident.tanggal_pembuatan == sop.identity.tanggal_pembuatan  # "TGL. PEMBUATAN", "28 November 2017"
    assert ident.tanggal_pengesahan == sop.identity.tanggal_efektif and ident.use_pengesahan
    assert ident.cakupan == "Mikro"  # "JUDUL SOP MIKRO"
    assert (ident.signer.jabatan, ident.signer.nama) == (sop.identity.signer.jabatan, sop.identity.signer.nama)
    assert (ident.signer.id_label, ident.signer.id_number) == (IdLabel.NRP, "507778")
    assert ident.kualifikasi_pelaksana == sop.identity.kualifikasi_pelaksana  # "KUALIFIKASI PELAKSANAAN"
    assert ident.keterkaitan == sop.identity.keterkaitan  # "KETERKAITAN DENGAN SOP LAIN"
    assert ident.peralatan_perlengkapan == sop.identity.peralatan_perlengkapan  # "PERALATAN/ PERLENGKAPAN"
    assert flow(got) == flow(sop)


def test_ticks_in_actor_cells_stand_for_actors_when_nothing_is_drawn(tmp_path):
    sop = fixture_sop()
    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, Style(drawing="marks")))))
    assert [s[1] for s in flow(got)] == [s[1] for s in flow(sop)]
    assert all(s.symbol is Symbol.AUTO for s in got.steps)
    assert any("tanda" in line for line in report.read)


def test_unlabelled_branches_take_the_downward_one_as_ya_and_say_so(tmp_path):
    sop = fixture_sop()
    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, Style(drawing="loose",
                                                                             branch_labels="none")))))
    assert flow(got) == flow(sop)
    guessed = [line for line in report.guessed if "tanpa label" in line]
    assert len(guessed) == 4 and "Langkah 3 (Flowchart!E5)" in guessed[0]


def test_yes_and_no_words_and_domain_labels(tmp_path):
    sop = fixture_sop()
    got, _ = only(import_xlsx(write(tmp_path, build_workbook(sop, Style(branch_labels="words")))))
    assert flow(got) == flow(sop)
    assert (got.steps[2].yes_label, got.steps[2].no_label) == ("Setuju", "Ditolak")

    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, Style(branch_labels="custom")))))
    assert flow(got) == flow(sop)
    assert (got.steps[4].yes_label, got.steps[4].no_label) == ("Elektronik", "Tercetak")
    assert any("Elektronik" in line and "bukan Ya/Tidak" in line for line in report.guessed)


def test_branch_that_leaves_the_procedure(tmp_path):
    sop = fixture_sop("001_71e1f31e4a04122a")  # the last step decides; its Ya leaves the procedure
    for style in (Style(drawing="legacy"), Style(drawing="loose"), Style(drawing="glued")):
        got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, style))))
        assert got.steps[4].yes_target == END and got.steps[4].no_target == got.steps[3].id
        assert flow(got) == flow(sop)
        assert report.guessed == []


def test_odd_shapes_are_read_as_process_or_reported(tmp_path):
    sop = fixture_sop()
    path = write(tmp_path, build_workbook(sop, Style(drawing="glued")))
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/drawings/drawing"):
                # Step 2 drawn as a "document" shape; a stray box drawn over the Kegiatan column.
                data = data.replace(b'prst="flowChartProcess"', b'prst="flowChartDocument"', 1)
                stray = (b'<xdr:oneCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff>'
                         b'<xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="360000" '
                         b'cy="180000"/><xdr:sp><xdr:nvSpPr><xdr:cNvPr id="900" name="x"/><xdr:cNvSpPr/>'
                         b'</xdr:nvSpPr><xdr:spPr><a:prstGeom prst="rect"/></xdr:spPr></xdr:sp>'
                         b'<xdr:clientData/></xdr:oneCellAnchor>')
                data = data.replace(b"</xdr:wsDr>", stray + b"</xdr:wsDr>")
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    got, report = only(import_xlsx(path))
    assert flow(got) == flow(sop)
    assert any("flowChartDocument" in line and "proses" in line for line in report.guessed)
    assert any(line.startswith("Flowchart!B6") and "di luar kolom pelaksana" in line for line in report.unread)


def test_header_variants_lanes_of_two_columns_and_ticks(tmp_path):
    """"Uraian Prosedur" over No and Kegiatan, "NO." under it, each actor's lane two merged columns wide,
    "Persyaratan/Kelengkapan", "Ket", a numbering row, ticks in either column of a lane."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "SOP Mikro"
    sheet["A3"] = "URAIAN PROSEDUR"
    sheet.merge_cells("A3:B3")
    sheet["A4"], sheet["B4"] = "NO.", "Kegiatan"
    sheet["C3"] = "PELAKSANA"
    sheet.merge_cells("C3:H3")
    for col, name in ((3, "Kepala Biro"), (5, "Kepala Bagian"), (7, "Staf")):
        sheet.cell(4, col, name)
        sheet.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + 1)
    sheet["I3"] = "MUTU BAKU"
    sheet.merge_cells("I3:K3")
    sheet["I4"], sheet["J4"], sheet["K4"] = "Persyaratan/ Kelengkapan", "Waktu", "Output"
    sheet["L3"] = "Ket"
    sheet.merge_cells("L3:L4")
    for col in range(1, 13):
        sheet.cell(5, col, col)
    steps = [("Menerima surat", "H", "5 menit"), ("Mendisposisi surat", "C", "1 Jam"),
             ("Menelaah surat", "E", "1 Hari"), ("Mengarsipkan surat", "G", "10 Menit")]
    for row, (text, col, waktu) in enumerate(steps, start=6):
        sheet[f"A{row}"], sheet[f"B{row}"], sheet[f"{col}{row}"], sheet[f"J{row}"] = row - 5, text, "v", waktu
    sheet["D9"] = "√"  # the same actor's other column: still one actor
    path = tmp_path / "varian.xlsx"
    book.save(path)

    got, report = only(import_xlsx(path))
    assert [a.name for a in got.actors] == ["Kepala Biro", "Kepala Bagian", "Staf"]
    assert [s.kegiatan for s in got.steps] == [text for text, _, _ in steps]
    names = {a.id: a.name for a in got.actors}
    assert [[names[a] for a in s.actors] for s in got.steps] == [["Staf"], ["Kepala Biro"], ["Kepala Bagian"],
                                                                 ["Kepala Biro", "Staf"]]
    assert got.steps[0].waktu.text == "5 menit" and got.steps[1].waktu.value == 1.0
    assert got.identity.nomor == "" and any("Identitas SOP tidak ditemukan" in line for line in report.unread)


def test_several_sops_in_one_workbook(tmp_path):
    sops = [fixture_sop(), fixture_sop("001_71e1f31e4a04122a"), fixture_sop("002_497329db9dcea2b8")]
    for stacked, style in ((False, Style()), (False, Style(one_sheet=True)), (True, Style(drawing="loose"))):
        result = import_xlsx(write(tmp_path, build_workbook(sops, style, stacked=stacked)))
        assert [s.identity.nama for s, _ in result.sops] == [s.identity.nama for s in sops]
        for (got, report), sop in zip(result.sops, sops):
            assert flow(got) == flow(sop)
            assert report.unread == []


def test_formulas_without_saved_results_are_named(tmp_path):
    sop = fixture_sop()
    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, Style(formula_waktu=True)))))
    assert got.steps[0].waktu.is_empty()
    formula_lines = [line for line in report.unread if "rumus tanpa nilai" in line]
    assert len(formula_lines) == len(sop.steps)
    assert formula_lines[0].startswith("Flowchart!H3:")


def test_a_file_libreoffice_wrote(tmp_path):
    """tests/data/peminjaman-libreoffice.xlsx: the "grup-legacy" workbook (Y/T labels, repeated header,
    numbering row, merged step 4, Waktu as formulas, signer over four rows) opened and saved by
    LibreOffice Calc 7.4 (`soffice --headless --convert-to xlsx`): LibreOffice keeps the group with its
    own chOff, drops mc:AlternateContent and the glue, writes rotations, and stores formula results."""
    sop = fixture_sop()
    got, report = only(import_xlsx(DATA / "peminjaman-libreoffice.xlsx"))
    assert flow(got) == flow(sop)
    assert texts(got) == texts(sop)
    assert got.identity.signer == sop.identity.signer
    assert report.unread == [] and report.guessed == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("style", [Style(drawing="legacy", branch_labels="y-t", page_break_after=(7,),
                                         formula_waktu=True),
                                   Style(drawing="glued", page_break_after=(7,), offpage_labels=True)],
                         ids=["grup-legacy", "konektor-lekat"])
def test_libreoffice_round_trip(tmp_path, style):
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice (soffice) tidak terpasang")
    sop = fixture_sop()
    converted = libreoffice_roundtrip(write(tmp_path, build_workbook(sop, style), "buatan.xlsx"), tmp_path)
    assert converted is not None
    got, report = only(import_xlsx(converted))
    assert flow(got) == flow(sop)
    assert texts(got) == texts(sop)
    assert report.unread == []


@st.composite
def drawn_sops(draw) -> tuple[Sop, Style]:
    """A random flowchart (joint steps, decisions looping back, forward or out) and a drawing style."""
    count = draw(st.integers(min_value=3, max_value=18))
    actors = [Actor(name=f"Pelaksana {k + 1}") for k in range(draw(st.integers(min_value=1, max_value=5)))]
    sop = Sop(actors=actors)
    sop.identity.nomor, sop.identity.nama = "SOP-001/17000/2025", "Contoh acak"
    for i in range(count):
        who = draw(st.lists(st.sampled_from(range(len(actors))), min_size=1, max_size=2, unique=True))
        sop.steps.append(Step(kegiatan=f"Kegiatan {i + 1}", actors=[actors[k].id for k in sorted(who)],
                              waktu=Duration.from_text(f"{i + 1} Menit")))
    for i in range(1, count - 1):
        if draw(st.booleans()) and draw(st.booleans()):
            step = sop.steps[i]
            step.symbol = Symbol.DECISION
            step.yes_target = sop.steps[i + 1].id
            step.no_target = draw(st.one_of(st.just(END), st.sampled_from([s.id for s in sop.steps[:i]]),
                                            st.sampled_from([s.id for s in sop.steps[i + 2:]] or [END])))
    breaks = tuple(draw(st.lists(st.integers(min_value=2, max_value=count - 2), max_size=2, unique=True))) \
        if count > 4 else ()
    style = draw(st.sampled_from([Style(drawing="legacy", branch_labels="y-t"), Style(drawing="loose"),
                                  Style(drawing="glued", offpage_labels=True)]))
    style.page_break_after = breaks
    return sop, style


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=drawn_sops())
def test_random_drawn_flowcharts_come_back(tmp_path, case):
    sop, style = case
    got, report = only(import_xlsx(write(tmp_path, build_workbook(sop, style))))
    assert flow(got) == flow(sop)
    assert texts(got) == texts(sop)
    assert report.unread == []


# ---- the drawing parser's geometry ------------------------------------------------------------------------


def _drawing(body: str) -> list[Shape]:
    meta = SheetMeta(col_widths={c: 10.0 for c in range(1, 30)}, row_heights={r: 30.0 for r in range(1, 60)})
    grid = Grid("Flowchart", meta, {})
    xml = (f'<xdr:wsDr xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}" xmlns:mc="http://schemas.openxmlformats.org/'
           f'markup-compatibility/2006" xmlns:x="urn:unknown">{body}</xdr:wsDr>').encode()
    return read_drawing(xml, grid, lambda data: etree.fromstring(data))


def _sp(prst: str, x: int, y: int, w: int, h: int, extra: str = "", tag: str = "sp", ln: str = "") -> str:
    return (f'<xdr:{tag}><xdr:nvSpPr><xdr:cNvPr id="{x}{y}" name="s"/></xdr:nvSpPr><xdr:spPr>'
            f'<a:xfrm{extra}><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
            f'<a:prstGeom prst="{prst}"/>{ln}</xdr:spPr></xdr:{tag}>')


FLIPPED = ' flipH="1" flipV="1"'
TURNED = ' rot="5400000"'


def test_drawing_anchors_groups_flips_and_rotation():
    col_px = 70  # width 10 -> 70 px at a 7-px digit
    shapes = _drawing(
        f'<xdr:absoluteAnchor><xdr:pos x="100000" y="200000"/><xdr:ext cx="400000" cy="200000"/>'
        f'{_sp("flowChartDecision", 0, 0, 1, 1)}<xdr:clientData/></xdr:absoluteAnchor>'
        # a group at (1 000 000, 0) 2 000 000 wide whose children are drawn at half scale from (500, 500),
        # mirrored left to right; inside it a nested group shifted by its own chOff.
        f'<xdr:absoluteAnchor><xdr:pos x="1000000" y="0"/><xdr:ext cx="2000000" cy="1000000"/>'
        f'<xdr:grpSp><xdr:grpSpPr><a:xfrm flipH="1"><a:off x="0" y="0"/><a:ext cx="2000000" cy="1000000"/>'
        f'<a:chOff x="500" y="500"/><a:chExt cx="1000000" cy="500000"/></a:xfrm></xdr:grpSpPr>'
        f'{_sp("rect", 500, 500, 100000, 100000)}'
        f'<xdr:grpSp><xdr:grpSpPr><a:xfrm><a:off x="500500" y="250500"/><a:ext cx="100000" cy="100000"/>'
        f'<a:chOff x="0" y="0"/><a:chExt cx="200000" cy="200000"/></a:xfrm></xdr:grpSpPr>'
        f'{_sp("ellipse", 0, 0, 200000, 200000)}</xdr:grpSp></xdr:grpSp><xdr:clientData/></xdr:absoluteAnchor>'
        # a straight connector drawn right-to-left and upwards; a line turned a quarter round.
        f'<xdr:oneCellAnchor><xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
        f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="300000" cy="100000"/>'
        f'{_sp("straightConnector1", 0, 0, 300000, 100000, FLIPPED, "cxnSp")}'
        f'<xdr:clientData/></xdr:oneCellAnchor>'
        f'<xdr:absoluteAnchor><xdr:pos x="0" y="3000000"/><xdr:ext cx="400000" cy="0"/>'
        f'{_sp("line", 0, 3000000, 400000, 0, TURNED)}<xdr:clientData/></xdr:absoluteAnchor>')
    decision, rect, ellipse, connector, turned = shapes
    assert (decision.kind, decision.centre) == ("decision", (300000, 300000))
    # Child (500, 500)-(100 500, 100 500) at scale 2, mirrored inside 1 000 000 .. 3 000 000.
    assert rect.kind == "process" and rect.box == (2800000, 0, 3000000, 200000)
    assert ellipse.kind == "terminator" and ellipse.centre == (pytest.approx(1900000), pytest.approx(600000))
    x0, y0 = 2 * col_px * 9525, 2 * 30 * 12700
    assert connector.points[0] == (x0 + 300000, y0 + 100000) and connector.points[-1] == (x0, y0)
    assert [tuple(round(v) for v in p) for p in turned.points] == [(200000, 2800000), (200000, 3200000)]


def test_drawing_alternate_content_freeform_arrows_and_labels():
    shapes = _drawing(
        '<mc:AlternateContent><mc:Choice Requires="x"><x:unknown/></mc:Choice><mc:Fallback>'
        f'<xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext cx="100" cy="100"/>{_sp("rect", 0, 0, 100, 100)}'
        '<xdr:clientData/></xdr:absoluteAnchor></mc:Fallback></mc:AlternateContent>'
        '<xdr:absoluteAnchor><xdr:pos x="1000" y="1000"/><xdr:ext cx="2000" cy="4000"/>'
        '<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="7" name="panah"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>'
        '<a:xfrm><a:off x="1000" y="1000"/><a:ext cx="2000" cy="4000"/></a:xfrm><a:custGeom><a:pathLst>'
        '<a:path w="20" h="40"><a:moveTo><a:pt x="20" y="0"/></a:moveTo><a:lnTo><a:pt x="0" y="0"/></a:lnTo>'
        '<a:lnTo><a:pt x="0" y="40"/></a:lnTo></a:path></a:pathLst></a:custGeom><a:ln><a:headEnd type="arrow"/>'
        '</a:ln></xdr:spPr></xdr:sp><xdr:clientData/></xdr:absoluteAnchor>'
        '<xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext cx="200000" cy="100000"/><xdr:sp><xdr:nvSpPr>'
        '<xdr:cNvPr id="8" name="t"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="200000" cy="100000"/></a:xfrm><a:prstGeom prst="rect"/></xdr:spPr><xdr:txBody><a:p><a:r>'
        '<a:t>Tidak</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:absoluteAnchor>')
    fallback, freeform, label = shapes
    assert fallback.kind == "process"
    assert freeform.kind == "line" and freeform.head_start and not freeform.head_end
    assert freeform.points == [(3000, 1000), (1000, 1000), (1000, 5000)]
    assert (label.kind, label.text, branch_word(label.text)) == ("label", "Tidak", "tidak")


# ---- files that are not usable --------------------------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(XlsxImportError) as caught:
        import_xlsx(path)
    return str(caught.value)


def test_xlsx_import_error_is_an_interchange_error():
    assert issubclass(XlsxImportError, InterchangeError)


def test_not_a_spreadsheet(tmp_path):
    assert "bukan berkas Excel" in _error(write(tmp_path, os.urandom(2000), "acak.xlsx"))
    assert "kosong" in _error(write(tmp_path, b"", "kosong.xlsx"))
    assert "tidak ditemukan" in _error(tmp_path / "tidak-ada.xlsx")
    assert "folder" in _error(tmp_path)
    assert "HTML" in _error(write(tmp_path, b"<html><table><tr><td>1</td></tr></table></html>", "tabel.xlsx"))


def test_word_document_renamed(tmp_path):
    path = tmp_path / "surat.xlsx"
    WordDocument().save(path)
    assert "Word" in _error(path)


def test_old_xls_and_password_protected_workbooks(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    message = _error(write(tmp_path, ole + "Workbook".encode("utf-16-le") + bytes(3000), "lama.xls"))
    assert ".xls" in message and "simpan sebagai .xlsx" in message and "soffice" in message
    message = _error(write(tmp_path, ole + "EncryptedPackage".encode("utf-16-le") + bytes(3000), "rahasia.xlsx"))
    assert "kata sandi" in message


def test_other_containers(tmp_path):
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert ".ods" in _error(write(tmp_path, ods.getvalue(), "calc.xlsx"))
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("catatan.txt", "bukan buku kerja")
    assert "bukan buku kerja Excel" in _error(write(tmp_path, plain.getvalue(), "arsip.xlsx"))
    assert "rusak" in _error(write(tmp_path, b"PK\x03\x04" + bytes(100), "patah.xlsx"))


def test_workbook_without_an_sop(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "Daftar hadir rapat"
    book.active["B2"] = 42
    book.save(tmp_path / "lain.xlsx")
    assert "tidak ada SOP" in _error(tmp_path / "lain.xlsx")


def test_zip_bombs_are_refused_before_reading(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as entry:
            for _ in range(64):
                entry.write(bytes(1 << 20))  # 64 MB of zeros, about 64 KB packed
    assert "demi keamanan" in _error(write(tmp_path, bomb.getvalue(), "bom.xlsx"))


def test_size_caps(tmp_path, monkeypatch):
    path = write(tmp_path, build_workbook(fixture_sop()))
    monkeypatch.setattr(importer, "MAX_UNCOMPRESSED_BYTES", 20_000)
    assert "demi keamanan" in _error(path)
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 1000)
    assert "terlalu besar" in _error(path)


def test_hidden_sheets_are_skipped_and_reported(tmp_path):
    path = write(tmp_path, build_workbook(fixture_sop()))
    book = openpyxl.load_workbook(path)
    extra = book.create_sheet("Catatan")
    extra["A1"] = "Nomor SOP"
    extra["B1"] = "X-1"
    extra.sheet_state = "hidden"
    book.save(path)
    got, report = only(import_xlsx(path))
    assert got.identity.nomor == fixture_sop().identity.nomor
    assert 'Lembar tersembunyi "Catatan" tidak dibaca.' in report.unread

    # Excel refuses to hide every sheet, but other programs write such files.
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = re.sub(rb' state="\w+"', b"", data).replace(b"<sheet ", b'<sheet state="hidden" ')
            target.writestr(info, data)
    path.write_bytes(out.getvalue())
    got, report = only(import_xlsx(path))
    assert len(got.steps) == 12
    assert any("Semua lembar tersembunyi" in line for line in report.guessed)


# ---- nothing but XlsxImportError, whatever the bytes ------------------------------------------------------

_VALID: dict[str, bytes] = {}


def _valid_workbook() -> bytes:
    if "book" not in _VALID:
        _VALID["book"] = build_workbook(fixture_sop("001_71e1f31e4a04122a"),
                                        Style(drawing="legacy", page_break_after=(2,), numbering_row=True))
    return _VALID["book"]


def _import_bytes(data: bytes, folder: Path) -> None:
    path = folder / "acak.xlsx"
    path.write_bytes(data)
    try:
        result = import_xlsx(path)
    except XlsxImportError as exc:
        # What is wrong, in one Indonesian line; never "(ValueError)" or "(AttributeError: ...)".
        message = str(exc)
        assert message.startswith(path.name) and "\n" not in message
        assert "Error" not in message and not re.search(r"\([A-Z][A-Za-z]+(Error|Exception)\b", message)
    else:
        assert all(isinstance(sop, Sop) and isinstance(report, ImportReport) for sop, report in result.sops)


_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_FUZZ
@given(data=st.binary(max_size=4000))
def test_random_bytes_never_crash(tmp_path, data):
    _import_bytes(data, tmp_path)


@_FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1,
                      max_size=12),
       cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_corrupted_workbook_bytes_never_crash(tmp_path, edits, cut):
    data = bytearray(_valid_workbook())
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    _import_bytes(bytes(data), tmp_path)


@_FUZZ
@given(part=st.sampled_from(["xl/worksheets/sheet2.xml", "xl/drawings/drawing1.xml", "xl/workbook.xml",
                             "xl/sharedStrings.xml", "xl/worksheets/_rels/sheet2.xml.rels"]),
       edits=st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(list(b'<>"=/ 0-9aAzZ&;:\x00'))),
                      min_size=1, max_size=8))
def test_corrupted_xml_inside_a_valid_zip_never_crashes(tmp_path, part, edits):
    source = zipfile.ZipFile(io.BytesIO(_valid_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                changed = bytearray(data)
                for position, value in edits:
                    changed[position % len(changed)] = value
                data = bytes(changed)
            target.writestr(info, data)
    _import_bytes(out.getvalue(), tmp_path)


CORPUS_XLSX = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "xlsx" / "basarnas-sop-0008.xlsx"


@pytest.mark.skipif(not CORPUS_XLSX.exists(), reason="the real-file corpus is not beside the project")
def test_an_unreadable_date_in_a_real_sheet_is_kept_as_typed_not_dropped():
    # The office typed "Oktober 2024" and "Novermber 2024": not days, so not dates, but what they wrote.
    identity = next(sop.identity for sop, _ in import_xlsx(CORPUS_XLSX).sops if sop.identity.nomor)
    kept = identity.date_texts
    assert kept.get("tanggal_pembuatan") == "Oktober 2024"
    assert kept.get("tanggal_efektif") == "Novermber 2024"
