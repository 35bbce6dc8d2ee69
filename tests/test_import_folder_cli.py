"""`sopdesk import PATH... [--pustaka DIR] [--ganti] [--csv FILE]`: a whole archive into the library, headless."""
from __future__ import annotations

import csv
import shutil

import pytest

from sopdesk import cli
from sopdesk.library_location import ini_value, user_library_dir
from sopdesk.storage import Library

from .import_folder_helpers import ARCHIVE_ORDER, ARSIP, make_archive, no_step_workbook


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(out: str) -> dict[str, list[str]]:
    """File -> the printed words of its row (columns split on two or more spaces)."""
    import re

    lines = out.splitlines()
    assert lines[0].split()[:2] == ["Berkas", "Hasil"]
    rows = {}
    for line in lines[1:]:
        if line.startswith(("Pustaka:", "Laporan CSV:")) or "berkas:" in line:
            continue
        cells = re.split(r"\s{2,}", line.strip())
        rows[cells[0]] = cells
    return rows


def entries(root):
    with Library.open(root) as library:
        return sorted(e.nama for e in library.entries())


def test_a_folder_with_good_broken_and_nested_files(capsys, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    library = tmp_path / "pustaka"
    code, out, err = run(capsys, "import", folder, "--pustaka", library)
    assert code == 2  # some files failed; the others are in
    assert err == ""
    rows = table_rows(out)
    assert list(rows) == [str(folder / name) for name in ARCHIVE_ORDER]
    assert rows[str(folder / "a-peminjaman.json")][1:3] == ["diimpor", "Peminjaman Arsip Dinamis Inaktif"]
    assert rows[str(folder / "a-peminjaman.json")][3:8] == ["12", "4", "4", "0", "0"]
    assert rows[str(folder / "rusak.pdf")][1] == "gagal"
    assert rows[str(folder / "sub" / "tanpa-langkah.xlsx")][1] == "gagal"
    assert "5 berkas: 3 SOP diimpor, 2 gagal." in out
    assert f"Pustaka: {library}" in out
    assert len(entries(library)) == 3


def test_all_good_is_exit_0_and_a_second_run_skips_unless_ganti(capsys, tmp_path):
    folder = tmp_path / "arsip"
    (folder / "lama").mkdir(parents=True)
    shutil.copy(ARSIP, folder / "peminjaman.json")
    library = tmp_path / "pustaka"
    assert run(capsys, "import", folder, "--pustaka", library)[0] == 0
    code, out, _ = run(capsys, "import", folder, "--pustaka", library)
    assert code == 0  # already there is not a failure
    assert table_rows(out)[str(folder / "peminjaman.json")][1] == "dilewati"
    assert "1 berkas: 0 SOP diimpor, 1 dilewati." in out
    code, out, _ = run(capsys, "import", folder / "peminjaman.json", "--pustaka", library, "--ganti")
    assert code == 0
    assert table_rows(out)[str(folder / "peminjaman.json")][1] == "diganti"
    with Library.open(library) as opened:
        [entry] = opened.entries()
        assert len(opened.history(entry.id)) == 1  # the replaced version is kept


def test_csv_report(capsys, tmp_path):
    folder = make_archive(tmp_path / "arsip")
    report = tmp_path / "laporan.csv"
    code, out, _ = run(capsys, "import", folder, "--pustaka", tmp_path / "pustaka", "--csv", report)
    assert code == 2 and f"Laporan CSV: {report}" in out
    with open(report, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[0] == ["Berkas", "Hasil", "Nama SOP", "Langkah", "Pelaksana", "Keputusan", "Tebakan",
                        "Tidak terbaca", "Keterangan"]
    assert [line[0] for line in table[1:]] == [str(folder / name) for name in ARCHIVE_ORDER]
    assert [line[1] for line in table[1:]] == ["diimpor", "diimpor", "gagal", "gagal", "diimpor"]
    assert "tidak ada langkah" in table[4][8]


@pytest.mark.parametrize("name, words", [("x.txt", ".csv"), ("belum-ada/x.csv", "tidak ada")])
def test_a_bad_csv_name_is_refused_before_anything_is_imported(capsys, tmp_path, name, words):
    folder = make_archive(tmp_path / "arsip")
    code, out, err = run(capsys, "import", folder, "--pustaka", tmp_path / "pustaka", "--csv", tmp_path / name)
    assert code == 2 and out == "" and words in err and err.count("\n") == 1
    assert not (tmp_path / "pustaka").exists()


def test_missing_paths_and_unsupported_files_are_rows_not_a_stop(capsys, tmp_path):
    good = tmp_path / "sop.json"
    shutil.copy(ARSIP, good)
    other = tmp_path / "sop.odt"
    other.write_text("x", encoding="utf-8")
    code, out, _ = run(capsys, "import", tmp_path / "hilang", other, good, "--pustaka", tmp_path / "pustaka")
    assert code == 2
    rows = table_rows(out)
    assert rows[str(tmp_path / "hilang")][1:] == ["gagal", "berkas atau folder tidak ditemukan."]
    assert rows[str(other)][1] == "gagal" and "tidak dapat diimpor" in rows[str(other)][2]
    assert rows[str(good)][1] == "diimpor"


def test_nothing_to_import_is_one_line(capsys, tmp_path):
    empty = tmp_path / "kosong"
    empty.mkdir()
    code, out, err = run(capsys, "import", empty, "--pustaka", tmp_path / "pustaka")
    assert (code, out) == (2, "")
    assert err.startswith("sopdesk: ") and err.count("\n") == 1 and "tidak ada berkas" in err


def test_a_library_held_by_the_window_is_not_written(capsys, tmp_path):
    folder = tmp_path / "arsip"
    folder.mkdir()
    shutil.copy(ARSIP, folder / "sop.json")
    with Library.open(tmp_path / "pustaka"):  # the window holds it
        code, out, err = run(capsys, "import", folder, "--pustaka", tmp_path / "pustaka")
    assert (code, out) == (2, "")
    assert "tidak dapat diisi" in err and "Traceback" not in err
    assert entries(tmp_path / "pustaka") == []


def test_the_default_library_is_the_windows_one(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SOPDESK_HOME", str(tmp_path / "home"))
    assert user_library_dir() == tmp_path / "home" / "pustaka"
    moved = tmp_path / "pindahan, baru"
    (tmp_path / "home").mkdir()
    from ui.ui_state import UiState  # the window's own writer of the setting

    state = UiState(tmp_path / "home" / "sopdesk.ini")
    state.set_library_dir(str(moved))
    state.sync()
    assert user_library_dir() == moved
    folder = tmp_path / "arsip"
    folder.mkdir()
    shutil.copy(ARSIP, folder / "sop.json")
    code, out, _ = run(capsys, "import", folder)
    assert code == 0 and f"Pustaka: {moved}" in out
    assert entries(moved) == ["Peminjaman Arsip Dinamis Inaktif"]


@pytest.mark.parametrize("value", [r"C:\Users\Budi Santoso\Dokumen SOP", "/srv/arsip; bagian \"umum\", 2024 #1",
                                   "  spasi di tepi  ", "Pustaka ÜÉ 漢字", "@awalan"])
def test_the_library_setting_is_read_as_qt_wrote_it(tmp_path, value):
    from ui.ui_state import UiState

    state = UiState(tmp_path / "sopdesk.ini")
    state.set_library_dir(value)
    state.sync()
    assert ini_value(tmp_path / "sopdesk.ini", "pustaka", "folder") == state.library_dir() == value


def test_import_help_names_the_exit_codes(capsys):
    code, out, _ = run(capsys, "import", "--help")
    assert code == 0
    assert "--pustaka" in out and "--ganti" in out and "--csv" in out
    assert "0 bila semua berkas berhasil diimpor" in out and "2 bila ada" in out


def test_a_stepless_file_alone_fails(capsys, tmp_path):
    path = no_step_workbook(tmp_path / "identitas.xlsx")
    code, out, _ = run(capsys, "import", path, "--pustaka", tmp_path / "pustaka")
    assert code == 2
    row = table_rows(out)[str(path)]
    assert row[1:4] == ["gagal", "Pengarsipan Surat Keluar", "0"]
    assert entries(tmp_path / "pustaka") == []


def test_as_a_real_process_into_the_sopdesk_home_library(tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    folder = make_archive(tmp_path / "arsip")
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(ROOT), "SOPDESK_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-m", "sopdesk", "import", str(folder)], cwd=ROOT, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"Pustaka: {tmp_path / 'home' / 'pustaka'}" in result.stdout
    assert len(entries(tmp_path / "home" / "pustaka")) == 3
