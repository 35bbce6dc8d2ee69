"""`sopdesk diff A B`: the changes as Indonesian text; exit 0 when equal, 1 when different, 2 on unusable input."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sopdesk import cli, model
from sopdesk.interchange import dumps, sop_from_data, sop_to_native

from .conftest import FIXTURES_DIR, ROOT
from .test_cli import run, run_process

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"


def _native_pair(tmp_path):
    old = sop_from_data(json.loads(ARSIP.read_text(encoding="utf-8")))
    new = old.clone()
    new.identity.revisi_ke = 1
    new.steps[2].kegiatan = new.steps[2].kegiatan + " melalui aplikasi"
    model.move_step(new, 0, 3)
    model.insert_step(new, 1, model.Step(kegiatan="Mencatat permohonan di buku agenda"))
    a, b = tmp_path / "lama.json", tmp_path / "baru.json"
    a.write_text(dumps(sop_to_native(old)), encoding="utf-8")
    b.write_text(dumps(sop_to_native(new)), encoding="utf-8")
    return old, new, a, b


def test_same_file_is_equal_exit_0(capsys):
    code, out, err = run(capsys, "diff", ARSIP, ARSIP)
    assert code == cli.EXIT_OK
    assert out.splitlines()[-1] == "Tidak ada perbedaan."
    assert err == ""


def test_changes_are_listed_and_exit_1(capsys, tmp_path):
    old, _new, a, b = _native_pair(tmp_path)
    code, out, _err = run(capsys, "diff", a, b)
    assert code == cli.EXIT_PROBLEMS
    lines = out.splitlines()
    assert lines[:2] == [f"Versi A: {a}", f"Versi B: {b}"]
    assert "  Revisi ke: (kosong) → \"1\"" in lines
    assert "  Langkah 2 ditambah: \"Mencatat permohonan di buku agenda\"" in lines
    moved = old.steps[0].kegiatan
    assert f"  Langkah 1 (kini 5) dipindah dari urutan 1 ke 5: \"{moved}\"" in lines
    assert any(line.startswith("      Kegiatan: ") and "{+ melalui aplikasi+}" in line for line in lines)
    assert lines[-1] == "Ringkasan: 1 langkah ditambah, 1 langkah dipindah, 1 langkah diubah, 1 isian identitas diubah."
    # The other way round, the added step is removed.
    code, out, _err = run(capsys, "diff", b, a)
    assert code == cli.EXIT_PROBLEMS
    assert "  Langkah 2 dihapus: \"Mencatat permohonan di buku agenda\"" in out.splitlines()


@pytest.mark.parametrize("second", ["hilang.json", "rusak.json", "catatan.txt"])
def test_unreadable_input_is_exit_2_with_one_line(capsys, tmp_path, second):
    (tmp_path / "rusak.json").write_text("{ bukan json", encoding="utf-8")
    (tmp_path / "catatan.txt").write_text("halo", encoding="utf-8")
    code, out, err = run(capsys, "diff", ARSIP, tmp_path / second)
    assert code == cli.EXIT_UNUSABLE
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"sopdesk: {tmp_path / second}") and "Traceback" not in err


def test_office_file_against_its_json_is_equal(capsys, tmp_path):
    """A Word export read back holds no step ids: the steps are matched by content and nothing differs."""
    assert run(capsys, "convert", ARSIP, tmp_path / "arsip.docx")[0] == cli.EXIT_OK
    code, out, _err = run(capsys, "diff", ARSIP, tmp_path / "arsip.docx")
    assert code == cli.EXIT_OK, out
    assert out.splitlines()[-1] == "Tidak ada perbedaan."


def test_change_sheet_from_the_command_line(capsys, tmp_path):
    _old, _new, a, b = _native_pair(tmp_path)
    sheet = tmp_path / "lembar.pdf"
    code, out, _err = run(capsys, "diff", a, b, "--lembar", sheet)
    assert code == cli.EXIT_PROBLEMS
    assert out.splitlines()[-1] == f"Lembar Perubahan tersimpan: {sheet}"
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "LEMBAR PERUBAHAN SOP" in text and "Diperiksa oleh" in text and "Mencatat permohonan di buku" in text
    code, _out, err = run(capsys, "diff", a, b, "--lembar", tmp_path / "lembar.docx")
    assert code == cli.EXIT_UNUSABLE and "PDF" in err


def test_help_names_the_exit_codes():
    result = run_process("diff", "--help")
    assert result.returncode == 0
    assert "Kode keluar: 0 bila kedua versi sama, 1 bila berbeda, 2 bila salah satu berkas" in " ".join(
        result.stdout.split())


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    # `sopdesk diff A B | head -1`: the pipe closes before the changes are printed.
    _old, _new, a, b = _native_pair(tmp_path)
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "sopdesk", "diff", str(a), str(b)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    with process.stderr:
        err = process.stderr.read().decode("utf-8")
    process.wait(timeout=120)
    assert "Traceback" not in err
    assert err == ""
