"""import_any: one door to every importer, chosen by extension, each failure one Indonesian sentence."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sopdesk import importers
from sopdesk.importers import IMPORTERS, ImportReport, UnsupportedFile, import_any, summary_line
from sopdesk.interchange import InterchangeError, read_sop_json, sop_to_fixture

from .conftest import ROOT, load_fixture
from .import_folder_helpers import ARSIP, no_step_workbook


def test_json_comes_in_as_one_sop_with_a_report(tmp_path):
    [(sop, report)] = import_any(ARSIP).sops
    assert sop_to_fixture(sop) == load_fixture("contoh-peminjaman-arsip")
    assert report.read == ["Berkas JSON dibaca utuh: 12 langkah, 4 pelaksana, 4 keputusan."]
    assert report.guessed == report.unread == []


def test_what_reading_json_corrected_is_reported(tmp_path):
    data = load_fixture("contoh-peminjaman-arsip")
    data["nama"] = "Peminjaman\\ud800"
    path = tmp_path / "kotor.json"
    path.write_text(json.dumps(data).replace("\\\\u", "\\u"), encoding="utf-8")
    [(_sop, report)] = import_any(path).sops
    assert any("Nama SOP" in line for line in report.guessed)


@pytest.mark.parametrize("extension", ["xlsx", "docx", "pdf"])
def test_each_kind_goes_to_its_importer(tmp_path, extension):
    from sopdesk import outputs

    exported = tmp_path / f"sop.{extension}"
    getattr(outputs, f"write_{extension}")(read_sop_json(ARSIP), exported)
    [(sop, report)] = import_any(exported).sops
    assert len(sop.steps) == 12 and len(sop.actors) == 4
    assert isinstance(report, ImportReport)


def test_upper_case_extensions_are_the_same_kind(tmp_path):
    path = tmp_path / "SOP.JSON"
    path.write_bytes(ARSIP.read_bytes())
    assert len(import_any(path).sops) == 1


@pytest.mark.parametrize("name", ["sop.odt", "sop", "sop.xls.bak"])
def test_an_unknown_kind_names_the_kinds_that_can_be_imported(tmp_path, name):
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    with pytest.raises(UnsupportedFile) as caught:
        import_any(path)
    message = str(caught.value)
    assert str(path) in message and "tidak dapat diimpor" in message
    assert all(extension in message for extension in (".xlsx", ".pdf", ".docx", ".json"))


def test_a_missing_importer_module_is_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setitem(IMPORTERS, ".pdf", "sopdesk.importers.tidak_ada:import_pdf")
    path = tmp_path / "sop.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(UnsupportedFile, match=r"sop\.pdf: impor berkas PDF belum tersedia di SOP Desk versi ini\."):
        import_any(path)


def test_a_missing_library_of_an_importer_is_named(tmp_path, monkeypatch):
    (tmp_path / "pembaca_uji.py").write_text("import paket_yang_tidak_terpasang\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(IMPORTERS, ".pdf", "pembaca_uji:import_pdf")
    path = tmp_path / "sop.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(UnsupportedFile, match="paket_yang_tidak_terpasang"):
        import_any(path)


def slipping_reader(path):
    raise ValueError("tidak terduga")


def test_an_importer_that_slips_still_gives_one_indonesian_sentence(tmp_path, monkeypatch):
    monkeypatch.setitem(IMPORTERS, ".json", "tests.test_import_any:slipping_reader")
    with pytest.raises(InterchangeError) as caught:
        import_any(ARSIP)
    message = str(caught.value)
    assert message.startswith(f"{ARSIP.name}: ") and message.count(".") >= 1
    assert "ValueError" not in message and "tidak terduga" not in message
    assert caught.value.__cause__ is not None  # kept for a developer, not shown to the user


def test_bad_files_of_every_kind_fail_with_an_interchange_error(tmp_path):
    for extension in IMPORTERS:
        path = tmp_path / f"rusak{extension}"
        path.write_bytes(bytes(range(256)) * 4)
        with pytest.raises(InterchangeError) as caught:
            import_any(path)
        assert "Error" not in str(caught.value) and "\n" not in str(caught.value), extension


def test_summary_line():
    sop = read_sop_json(ARSIP)
    report = ImportReport(read=["a"], guessed=["b"], unread=["c", "d"])
    assert summary_line(sop, report) == "Dibaca: 12 langkah, 4 pelaksana, 4 keputusan; 1 tebakan, 2 tidak terbaca"


def test_what_an_import_without_steps_found(tmp_path):
    [(sop, report)] = import_any(no_step_workbook(tmp_path / "identitas.xlsx")).sops
    assert sop.steps == []
    assert importers.found_without_steps(sop, report) == ('Nama SOP "Pengarsipan Surat Keluar", Nomor SOP '
                                                          '"OT.01/002", 0 pelaksana, 1 bagian tidak terbaca')


def test_reading_json_loads_no_other_importer():
    script = ("import sys\nfrom sopdesk.importers import import_any\n"
              f"import_any({str(ARSIP)!r})\n"
              "print(sorted(m for m in sys.modules if m.startswith('sopdesk.importers.')))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]"


def test_a_file_without_ids_gives_the_same_ids_each_time(tmp_path):
    from .import_folder_helpers import PK

    first = import_any(ARSIP).sops[0][0].id
    assert import_any(ARSIP).sops[0][0].id == first  # sop-fixture/1 carries no id: made from the bytes
    assert import_any(PK).sops[0][0].id != first
    sheet = no_step_workbook(tmp_path / "buatan.xlsx")  # a hand-made sheet carries none either
    assert import_any(sheet).sops[0][0].id == import_any(sheet).sops[0][0].id


def test_an_id_our_own_files_carry_is_kept(tmp_path):
    from sopdesk import outputs

    sop = read_sop_json(ARSIP)
    for extension in ("xlsx", "docx"):
        path = tmp_path / f"sop.{extension}"
        getattr(outputs, f"write_{extension}")(sop, path)
        assert import_any(path).sops[0][0].id == sop.id, extension
