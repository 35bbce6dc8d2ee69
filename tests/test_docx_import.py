"""Impor Word: SOP Desk's own .docx files come back exactly; every other file gets one clear Indonesian sentence."""
from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdesk.exporters.docx import docx_bytes
from sopdesk.exporters.docx_native import NATIVE_NS
from sopdesk.importers.docx import EDITED_IN_WORD, MAX_ITEMS, MAX_PART_BYTES, DocxImportError, import_docx
from sopdesk.interchange import InterchangeError, read_sop_json, sop_to_native
from sopdesk.layout import estimate_measure, layout
from sopdesk.model import Logo

from .conftest import FIXTURE_FILES, FIXTURES_DIR

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def exported(sop, path: Path) -> Path:
    path.write_bytes(docx_bytes(layout(sop, estimate_measure), sop))
    return path


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the package with change(name, data) -> data | None (None drops the part)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return target


def native_part_name(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return next(n for n in archive.namelist() if n.startswith("customXml/item")
                    and NATIVE_NS.encode() in archive.read(n))


def refusal(path: Path) -> str:
    with pytest.raises(DocxImportError) as caught:
        import_docx(path)
    message = str(caught.value)
    assert isinstance(caught.value, InterchangeError)
    assert "\n" not in message and "Error" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_every_fixture_comes_back_identical(tmp_path, fixture):
    sop = read_sop_json(fixture)
    path = exported(sop, tmp_path / "sop.docx")
    result = import_docx(path)
    assert len(result.sops) == 1
    back, report = result.sops[0]
    assert sop_to_native(back) == sop_to_native(sop)
    assert report.guessed == [] and report.unread == []
    assert any("dibaca utuh" in line for line in report.read)


def test_ids_logo_page_settings_and_odd_texts_survive(tmp_path):
    sop = read_sop_json(ARSIP)
    sop.identity.logo = Logo(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "png")
    sop.page.paper = "Legal"
    sop.page.landscape = False
    sop.steps[0].kegiatan = "Teks dengan \"kutip\", <tanda>, & dan ]]> serta emoji \U0001F600 dan tab\tdi tengah"
    sop.identity.date_texts = {"tanggal_efektif": "menunggu pengesahan"}
    path = exported(sop, tmp_path / "sop.docx")
    (back, _), = import_docx(path).sops
    assert sop_to_native(back) == sop_to_native(sop)
    assert back.id == sop.id and [s.id for s in back.steps] == [s.id for s in sop.steps]


def test_python_docx_resave_keeps_the_data_and_the_text(tmp_path):
    sop = read_sop_json(ARSIP)
    path = exported(sop, tmp_path / "sop.docx")
    again = tmp_path / "again.docx"
    docx.Document(str(path)).save(str(again))
    (back, report), = import_docx(again).sops
    assert sop_to_native(back) == sop_to_native(sop)
    assert report.guessed == []


def test_text_edited_after_export_is_reported_and_not_taken(tmp_path):
    sop = read_sop_json(ARSIP)
    path = exported(sop, tmp_path / "sop.docx")
    word = docx.Document(str(path))
    cell = next(c for t in word.tables for r in t.rows for c in r.cells if c.text == sop.steps[1].kegiatan)
    cell.paragraphs[0].add_run(" Ditambah di Word.")
    edited = tmp_path / "edited.docx"
    word.save(str(edited))
    (back, report), = import_docx(edited).sops
    assert back.steps[1].kegiatan == sop.steps[1].kegiatan  # the SOP as exported, never half of each
    assert sop_to_native(back) == sop_to_native(sop)
    assert report.guessed == [EDITED_IN_WORD]


def test_a_word_file_not_made_by_sop_desk_is_refused_plainly(tmp_path):
    path = tmp_path / "surat.docx"
    word = docx.Document()
    word.add_paragraph("Surat biasa, bukan SOP.")
    word.save(str(path))
    message = refusal(path)
    assert message.startswith("surat.docx:")
    assert "hanya dokumen Word buatan SOP Desk" in message


def test_an_export_without_its_data_part_is_refused(tmp_path):
    path = exported(read_sop_json(ARSIP), tmp_path / "sop.docx")
    name = native_part_name(path)
    stripped = rewrite(path, tmp_path / "tanpa.docx", lambda n, d: None if n == name else d)
    assert "hanya dokumen Word buatan SOP Desk" in refusal(stripped)


def _with_native(tmp_path: Path, body: bytes, name: str = "rusak.docx") -> Path:
    path = exported(read_sop_json(ARSIP), tmp_path / "sop.docx")
    part = native_part_name(path)
    return rewrite(path, tmp_path / name, lambda n, d: body if n == part else d)


def _native(payload: str, fmt: str = "sopdesk-docx/1") -> bytes:
    return (f'<sd:sopdesk xmlns:sd="{NATIVE_NS}" format="{fmt}" teks="x"><sd:sop>{payload}</sd:sop>'
            '</sd:sopdesk>').encode()


@pytest.mark.parametrize("body, expected", [
    (_native("{bukan json"), "bukan JSON yang utuh"),
    (_native("[" * 100_000 + "]" * 100_000), "rusak"),
    (_native('{"format": "sopdesk/1", "identity": "\\ud800"}'), "tidak dapat dibaca"),
    (_native('"teks saja"'), "tidak berformat sopdesk/1"),
    (_native('{"format": "sopdesk/1", "schema_version": 99}'), "tidak dapat dibaca"),
    (_native("{}", fmt="sopdesk-docx/9"), "perbarui SOP Desk"),
    (f'<sd:sopdesk xmlns:sd="{NATIVE_NS}"><sd:sop>'.encode(), "XML tidak utuh"),
    (f'<!DOCTYPE x [<!ENTITY a "{NATIVE_NS}">]><sd:sopdesk xmlns:sd="{NATIVE_NS}" format="sopdesk-docx/1">'
     '<sd:sop>&a;</sd:sop></sd:sopdesk>'.encode(), "rusak"),
], ids=["not-json", "deep", "surrogate-bad-shape", "not-object", "newer-schema", "newer-part", "broken-xml",
        "entity"])
def test_a_damaged_data_part_gets_one_clear_sentence(tmp_path, body, expected):
    assert expected in refusal(_with_native(tmp_path, body))


def test_a_lone_surrogate_in_the_data_is_cleaned_not_fatal(tmp_path):
    sop = read_sop_json(ARSIP)
    data = sop_to_native(sop)
    data["identity"]["nama"] = "Nama \ud800 rusak"
    payload = json.dumps(data, ensure_ascii=True)
    (back, report), = import_docx(_with_native(tmp_path, _native(payload))).sops
    assert back.identity.nama == "Nama \ufffd rusak"
    assert any("diganti" in line or "U+FFFD" in line or "nama" in line.lower() for line in report.read)


@pytest.mark.parametrize("data, expected", [
    (b"", "berkas kosong"),
    (b"bukan zip sama sekali", "bukan dokumen Word .docx"),
    (b"PK\x03\x04" + b"\x00" * 200, "berkas rusak"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "dokumen Word lama (.doc)"),
], ids=["empty", "random", "broken-zip", "ole"])
def test_files_that_are_no_docx_are_refused(tmp_path, data, expected):
    path = tmp_path / "x.docx"
    path.write_bytes(data)
    assert expected in refusal(path)


def test_an_excel_workbook_named_docx_is_refused(tmp_path):
    path = tmp_path / "buku.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    path.write_bytes(buffer.getvalue())
    assert "buku kerja Excel" in refusal(path)


def test_a_folder_and_a_missing_file_are_refused(tmp_path):
    assert "bukan berkas Word" in refusal(tmp_path)
    assert "tidak ditemukan" in refusal(tmp_path / "tidak-ada.docx")


def test_a_part_that_inflates_past_the_limit_is_not_inflated(tmp_path):
    # 60 MB of zeros compresses to about 60 KB: the directory's size is checked before inflating.
    path = exported(read_sop_json(ARSIP), tmp_path / "sop.docx")
    part = native_part_name(path)
    bomb = rewrite(path, tmp_path / "bom.docx", lambda n, d: b"<" + b"\x00" * (MAX_PART_BYTES + 1) if n == part else d)
    assert bomb.stat().st_size < 2_000_000
    assert "terlalu besar" in refusal(bomb)


def test_a_huge_document_part_is_refused_before_reading(tmp_path):
    path = exported(read_sop_json(ARSIP), tmp_path / "sop.docx")
    huge = rewrite(path, tmp_path / "besar.docx",
                   lambda n, d: d + b" " * (MAX_PART_BYTES + 1) if n == "word/document.xml" else d)
    assert "terlalu besar" in refusal(huge)


@settings(max_examples=40)
@given(data=st.binary(max_size=400), cut=st.integers(0, 100_000))
def test_truncated_and_mutated_exports_never_crash(tmp_path_factory, data, cut):
    folder = tmp_path_factory.mktemp("mut")
    original = exported(read_sop_json(ARSIP), folder / "sop.docx").read_bytes()
    damaged = original[:cut] + data + original[cut + len(data):] if cut < len(original) else original[:cut % 5000]
    path = folder / "mutasi.docx"
    path.write_bytes(damaged)
    try:
        import_docx(path)
    except DocxImportError as exc:
        assert "\n" not in str(exc) and "Error" not in str(exc)


def test_a_logo_larger_than_an_xml_text_node_may_be_still_comes_back(tmp_path):
    # 11 MB of logo is 15 MB of base64: more than libxml2 takes in one text node, so the data is in pieces.
    sop = read_sop_json(ARSIP)
    sop.identity.logo = Logo(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(11 * 2**20), "png")
    path = exported(sop, tmp_path / "sop.docx")
    (back, _), = import_docx(path).sops
    assert back.identity.logo.data == sop.identity.logo.data
    assert sop_to_native(back) == sop_to_native(sop)


def test_data_claiming_a_giant_sop_is_refused_before_it_is_read(tmp_path):
    data = sop_to_native(read_sop_json(ARSIP))
    data["steps"] = [dict(data["steps"][1], id=f"s{n}") for n in range(MAX_ITEMS + 1)]
    message = refusal(_with_native(tmp_path, _native(json.dumps(data, ensure_ascii=True))))
    assert f"lebih dari {MAX_ITEMS} langkah" in message


def test_a_damaged_page_text_still_gives_the_sop_and_says_what_could_not_be_checked(tmp_path):
    sop = read_sop_json(ARSIP)
    path = exported(sop, tmp_path / "sop.docx")
    nested = b'<w:document xmlns:w="' + W[1:-1].encode() + b'"><w:body>' + b"<w:p>" * 5000 + b"</w:p>" * 5000 + \
        b"</w:body></w:document>"
    damaged = rewrite(path, tmp_path / "rusak.docx", lambda n, d: nested if n == "word/document.xml" else d)
    (back, report), = import_docx(damaged).sops
    assert sop_to_native(back) == sop_to_native(sop)
    assert report.guessed == [] and len(report.unread) == 1 and "tidak dapat diperiksa" in report.unread[0]
