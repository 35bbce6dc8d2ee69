"""The folder import's shared core (sopdesk.importers.batch): finding files, reading, filing, the summary and CSV."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from sopdesk.importers import ImportReport, ImportResult, batch
from sopdesk.interchange import read_sop_json
from sopdesk.outputs import write_xlsx
from sopdesk.storage import Library

from .conftest import FIXTURES_DIR
from .import_folder_helpers import ARCHIVE_ORDER, ARSIP, NESTED, PK, RKT, STEPLESS, make_archive


@pytest.fixture
def library(tmp_path):
    with Library.open(tmp_path / "pustaka") as lib:
        yield lib


def run_all(library, folder, decision=batch.Decision.SKIP, protected=None):
    sources, problems = batch.find_files([folder], relative=True)
    asked = []

    def decide(sop, name, source):
        asked.append((name, source.shown))
        return decision

    filer = batch.Filer(library, decide, protected)
    filer.rows.extend(problems)
    for source in sources:
        filer.file(batch.read_source(source))
    return filer, asked


def by_file(rows):
    return {row.file: row for row in rows}


def test_files_are_found_recursively_in_name_order_and_non_sops_are_not_tried(tmp_path):
    folder = make_archive(tmp_path / "arsip")
    sources, problems = batch.find_files([folder], relative=True)
    assert [s.shown for s in sources] == ARCHIVE_ORDER
    assert problems == []
    # As typed on a command line: the folder given, joined to the path inside it.
    sources, _ = batch.find_files([folder])
    assert sources[0].shown == str(folder / "a-peminjaman.json")


def test_a_file_given_twice_is_read_once_and_bad_paths_get_a_row(tmp_path):
    folder = make_archive(tmp_path / "arsip")
    note = folder / "catatan.txt"
    sources, problems = batch.find_files([folder, folder / "b-rkt.xlsx", tmp_path / "tidak-ada", note])
    assert len(sources) == len(ARCHIVE_ORDER)
    assert [(p.file, p.outcome) for p in problems] == [(str(tmp_path / "tidak-ada"), batch.Outcome.FAILED),
                                                      (str(note), batch.Outcome.FAILED)]
    assert "tidak ditemukan" in problems[0].note
    assert "tidak dapat diimpor" in problems[1].note and ".pdf" in problems[1].note


def test_a_folder_goes_into_the_library_and_each_failure_is_its_own_row(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    filer, asked = run_all(library, folder)
    rows = by_file(filer.rows)
    assert list(rows) == ARCHIVE_ORDER and asked == []
    assert rows["a-peminjaman.json"].outcome is batch.Outcome.IMPORTED
    assert (rows["a-peminjaman.json"].steps, rows["a-peminjaman.json"].actors,
            rows["a-peminjaman.json"].decisions) == (12, 4, 4)
    assert rows["b-rkt.xlsx"].outcome is batch.Outcome.IMPORTED
    assert rows[NESTED].outcome is batch.Outcome.IMPORTED
    broken = rows["rusak.pdf"]
    assert broken.outcome is batch.Outcome.FAILED and "PDF" in broken.note
    assert "Error" not in broken.note  # a sentence for a person, never an exception's name
    stepless = rows[STEPLESS]
    assert stepless.outcome is batch.Outcome.FAILED and stepless.steps == 0
    assert "tidak ada langkah" in stepless.note and "Pengarsipan Surat Keluar" in stepless.note
    names = sorted(e.nama for e in library.entries())
    assert names == sorted(read_sop_json(p).identity.nama for p in (ARSIP, RKT, PK))
    assert batch.any_failed(filer.rows)


def test_importing_the_same_archive_again_skips_what_is_there(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    first, _ = run_all(library, folder)
    before = {e.id: e.updated_at for e in library.entries()}
    again, asked = run_all(library, folder)
    rows = by_file(again.rows)
    # Ids made from the file's bytes (fixture JSON has none), or carried by the file (our Excel export).
    assert {r.sop_id for r in first.rows if r.outcome is batch.Outcome.IMPORTED} == set(before)
    assert [rows[name].outcome for name in ("a-peminjaman.json", "b-rkt.xlsx", NESTED)] == [
        batch.Outcome.SKIPPED] * 3
    assert "sudah ada di pustaka" in rows["b-rkt.xlsx"].note
    assert len(asked) == 3
    assert {e.id: e.updated_at for e in library.entries()} == before


def test_replacing_keeps_the_old_version_in_history(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    run_all(library, folder)
    again, _ = run_all(library, folder, decision=batch.Decision.REPLACE)
    replaced = [r for r in again.rows if r.outcome is batch.Outcome.REPLACED]
    assert len(replaced) == 3 and "Riwayat versi" in replaced[0].note
    assert len(library.entries()) == 3
    assert all(len(library.history(r.sop_id)) == 1 for r in replaced)
    assert again.replaced == {r.sop_id for r in replaced}


def test_copy_makes_a_new_sop_and_protected_ids_are_never_touched(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    first, _ = run_all(library, folder)
    kept_id = by_file(first.rows)["a-peminjaman.json"].sop_id
    again, _ = run_all(library, folder, decision=batch.Decision.COPY,
                       protected={kept_id: "sedang dibuka dengan perubahan yang belum disimpan"})
    rows = by_file(again.rows)
    assert rows["a-peminjaman.json"].outcome is batch.Outcome.SKIPPED
    assert "belum disimpan" in rows["a-peminjaman.json"].note
    assert rows["b-rkt.xlsx"].outcome is batch.Outcome.COPIED
    assert len(library.entries()) == 5


def test_the_same_sop_twice_in_one_run_is_filed_once(library, tmp_path):
    folder = tmp_path / "arsip"
    (folder / "salinan").mkdir(parents=True)
    shutil.copy(ARSIP, folder / "peminjaman.json")
    shutil.copy(ARSIP, folder / "salinan" / "peminjaman.json")
    filer, asked = run_all(library, folder, decision=batch.Decision.REPLACE)
    assert [r.outcome for r in filer.rows] == [batch.Outcome.IMPORTED, batch.Outcome.SKIPPED]
    assert "peminjaman.json" in filer.rows[1].note and "pada impor ini" in filer.rows[1].note
    assert asked == [] and len(library.entries()) == 1


def test_a_trashed_sop_counts_as_there(library, tmp_path):
    folder = tmp_path / "arsip"
    folder.mkdir()
    write_xlsx(read_sop_json(RKT), folder / "rkt.xlsx")
    first, _ = run_all(library, folder)
    library.trash(first.rows[0].sop_id)
    again, asked = run_all(library, folder)
    assert again.rows[0].outcome is batch.Outcome.SKIPPED and "Sampah" in again.rows[0].note
    assert len(asked) == 1 and library.entries() == []


def test_every_sop_of_a_file_holding_several_gets_a_row(library, tmp_path):
    sops = [read_sop_json(p) for p in (ARSIP, RKT)]

    def two(path):
        return ImportResult([(sop, ImportReport(read=["baca"], guessed=["tebak"])) for sop in sops])

    source = batch.Source(tmp_path / "dua.json", "dua.json")
    source.path.write_text("{}", encoding="utf-8")  # its bytes make the ids
    filer = batch.Filer(library, lambda *_: batch.Decision.SKIP)
    rows = filer.file(batch.read_source(source, two))
    assert [r.note for r in rows] == ["SOP 1 dari 2", "SOP 2 dari 2"]
    assert [r.guessed for r in rows] == [1, 1]
    assert len({r.sop_id for r in rows}) == 2 and len(library.entries()) == 2


def test_a_reader_that_slips_still_gives_a_row_not_an_exception(tmp_path):
    def slips(path):
        raise KeyError("x")

    read = batch.read_source(batch.Source(tmp_path / "a.pdf", "a.pdf"), slips)
    assert read.sops == [] and "tidak dapat diimpor" in read.error and "KeyError" not in read.error


def test_summary_csv_has_a_row_per_sop_with_every_count(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    filer, _ = run_all(library, folder)
    text = batch.csv_text(filer.rows)
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0] == list(batch.COLUMNS)
    rows = {line[0]: line for line in table[1:]}
    assert list(rows) == ARCHIVE_ORDER
    assert rows["a-peminjaman.json"][1:8] == ["diimpor", "Peminjaman Arsip Dinamis Inaktif", "12", "4", "4", "0",
                                              "0"]
    assert rows["rusak.pdf"][1] == "gagal" and rows["rusak.pdf"][3:8] == [""] * 5 and rows["rusak.pdf"][8]
    assert rows[STEPLESS][1] == "gagal" and rows[STEPLESS][3] == "0"
    out = tmp_path / "laporan.csv"
    batch.write_csv(filer.rows, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with its mark
    assert raw.decode("utf-8-sig") == text


def test_summary_sentence_and_the_rows_of_a_cancelled_run(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    sources, _ = batch.find_files([folder], relative=True)
    filer = batch.Filer(library, lambda *_: batch.Decision.SKIP)
    for source in sources[:2]:
        filer.file(batch.read_source(source))
    filer.not_done(sources[2:])
    assert [r.outcome for r in filer.rows[2:]] == [batch.Outcome.NOT_DONE] * 3
    text = batch.summary_text(filer.rows, len(sources), cancelled=True)
    assert text == ("5 berkas: 2 SOP diimpor. Impor dibatalkan; 3 berkas tidak diproses. 2 SOP yang sudah "
                    "diimpor tetap ada di pustaka.")
    assert not batch.any_failed(filer.rows)


def test_an_id_the_file_carries_is_kept(library, tmp_path):
    sop = read_sop_json(RKT)
    path = tmp_path / "rkt.xlsx"
    write_xlsx(sop, path)
    read = batch.read_source(batch.Source(path, "rkt.xlsx"))
    assert read.sops[0][0].id == sop.id
    native = tmp_path / "native.json"
    from sopdesk.interchange import sop_to_native

    native.write_text(json.dumps(sop_to_native(sop)), encoding="utf-8")
    assert batch.read_source(batch.Source(native, "native.json")).sops[0][0].id == sop.id


def test_the_library_itself_is_never_walked(library, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    inside = folder / "pustaka"
    with Library.open(inside) as nested:
        nested.save(read_sop_json(ARSIP))
    sources, _ = batch.find_files([folder], relative=True, exclude=[inside])
    assert [s.shown for s in sources] == ARCHIVE_ORDER
    assert batch.find_files([inside], exclude=[inside]) == ([], [])
    # Without it, the library's SOP file and catalogue would be read as SOPs to import.
    assert len(batch.find_files([folder])[0]) > len(ARCHIVE_ORDER)


def test_an_imported_sop_is_saved_under_the_drafters_name_with_the_file_it_came_from(library, tmp_path):
    # Riwayat versi (and the shared history) tell who brought an SOP in and from which file.
    folder = tmp_path / "masuk"
    folder.mkdir()
    shutil.copy(FIXTURES_DIR / "000_dca99833c4e40ed1.json", folder / "lama.json")
    sources, _problems = batch.find_files([folder], relative=True)
    filer = batch.Filer(library, lambda *_: batch.Decision.SKIP, user="Budi Santoso")
    rows = filer.file(batch.read_source(sources[0]))
    assert [row.outcome for row in rows] == [batch.Outcome.IMPORTED]
    version = library.current_version(rows[0].sop_id)
    assert version.saved_by == "Budi Santoso"
    assert version.changes[0] == "Diimpor dari lama.json"
