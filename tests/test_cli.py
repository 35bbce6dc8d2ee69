"""The command line: convert and check work headless, and bad input ends in one Indonesian line and exit code 2."""
import errno
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from sopdesk import cli
from sopdesk.interchange import sop_from_data, sop_to_native

from .conftest import FIXTURE_FILES, FIXTURES_DIR, ROOT, load_fixture

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
ENDS_ON_DECISION = [
    "peringatan: Langkah 5: langkah terakhir sebaiknya bersimbol Terminator (sekarang Keputusan).",
    'peringatan: Langkah 5: cabang "Ya" keluar dari prosedur.',
]
EXPECTED_CHECK = {
    "000_dca99833c4e40ed1": [],
    "001_71e1f31e4a04122a": ENDS_ON_DECISION,
    "002_497329db9dcea2b8": ENDS_ON_DECISION,
    "contoh-peminjaman-arsip": [],
}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sopdesk", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def write_native(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def assert_unusable(code: int, err: str, *names) -> None:
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith("sopdesk: ") and err.count("\n") == 1  # one line, meant for a person
    for name in names:
        assert str(name) in err


# ---- convert --------------------------------------------------------------------------------------


def test_convert_json_to_json_keeps_every_fixture_field(capsys, fixture_path, tmp_path):
    out = tmp_path / "hasil.json"
    code, stdout, err = run(capsys, "convert", fixture_path, out)
    assert (code, err) == (0, "")
    assert str(out) in stdout
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(fixture_path.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["hasil.json"]  # no temporary file left behind


def test_convert_to_native_and_back(capsys, fixture_path, tmp_path):
    native, back = tmp_path / "sop.json", tmp_path / "kembali.json"
    assert run(capsys, "convert", fixture_path, native, "--format", "native")[0] == 0
    data = json.loads(native.read_text(encoding="utf-8"))
    assert data["format"] == "sopdesk/1"
    assert data["page"]["paper"] == "A4"
    assert run(capsys, "convert", native, back)[0] == 0
    assert json.loads(back.read_text(encoding="utf-8")) == json.loads(fixture_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("given, stored", [("F4", "F4"), ("legal", "Legal"), ("LETTER", "Letter")])
def test_paper_option_overrides_the_saved_paper(capsys, tmp_path, given, stored):
    out = tmp_path / "sop.json"
    assert run(capsys, "convert", ARSIP, out, "--format", "native", "--paper", given)[0] == 0
    assert json.loads(out.read_text(encoding="utf-8"))["page"]["paper"] == stored


def test_convert_replaces_an_existing_output(capsys, tmp_path):
    out = tmp_path / "hasil.json"
    out.write_text("isi lama", encoding="utf-8")
    assert run(capsys, "convert", ARSIP, out)[0] == 0
    assert json.loads(out.read_text(encoding="utf-8")) == load_fixture("contoh-peminjaman-arsip")


def test_a_new_format_is_one_table_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(cli.WRITERS, ".txt", "tests.test_cli:write_titles")
    out = tmp_path / "judul.txt"
    assert run(capsys, "convert", ARSIP, out)[0] == 0
    assert out.read_text(encoding="utf-8") == "Peminjaman Arsip Dinamis Inaktif\n"


def write_titles(sop, path, options):
    path.write_text(sop.identity.nama + "\n", encoding="utf-8")


# ---- check ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.stem)
def test_check_every_fixture_passes_with_its_warnings(capsys, path):
    code, out, err = run(capsys, "check", path)
    expected = EXPECTED_CHECK[path.stem]
    summary = f"{path}: 0 galat, {len(expected)} peringatan." if expected else f"{path}: tidak ada masalah."
    assert (code, err) == (0, "")
    assert out.splitlines() == [*expected, summary]


def test_check_a_broken_document_lists_errors_first_and_exits_1(capsys, tmp_path):
    data = sop_to_native(sop_from_data(load_fixture("contoh-peminjaman-arsip")))
    data["steps"][1]["kegiatan"] = ""
    data["steps"][2]["no_target"] = None
    data["steps"][3]["actors"] = []
    path = write_native(tmp_path / "rusak.json", data)
    code, out, err = run(capsys, "check", path)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        'galat: Langkah 3: keputusan belum punya tujuan "Tidak".',
        "galat: Langkah 4: belum ada pelaksana.",
        "peringatan: Langkah 2: uraian kegiatan masih kosong.",
        f"{path}: 2 galat, 1 peringatan.",
    ]


def test_check_does_not_load_qt():
    # Page formats will need Qt; the dispatch table imports a writer only when it is used.
    script = (
        "import sys\nfrom sopdesk.cli import main\n"
        f"code = main(['check', {str(ARSIP)!r}])\n"
        "print('QT' if 'PySide6' in sys.modules else 'tanpa Qt', code)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines()[-1] == "tanpa Qt 0"


# ---- bad input ------------------------------------------------------------------------------------


def broken_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Name -> (file, a word its message must contain)."""
    garbage = tmp_path / "sampah.json"
    garbage.write_bytes(bytes(range(256)) * 4)
    a_list = tmp_path / "daftar.json"
    a_list.write_text("[1, 2, 3]", encoding="utf-8")
    wrong_tag = tmp_path / "format-lain.json"
    wrong_tag.write_text('{"format": "sop-lain/7"}', encoding="utf-8")
    data = load_fixture("contoh-peminjaman-arsip")
    data["kegiatan"][2]["pelaksana"] = ["Satpam"]
    unknown_actor = tmp_path / "pelaksana-asing.json"
    unknown_actor.write_text(json.dumps(data), encoding="utf-8")
    data = load_fixture("contoh-peminjaman-arsip")
    data["revisi_ke"] = "dua"
    wrong_type = tmp_path / "tipe-salah.json"
    wrong_type.write_text(json.dumps(data), encoding="utf-8")
    return {
        "missing": (tmp_path / "tidak-ada.json", "tidak ditemukan"),
        "garbage": (garbage, "UTF-8"),
        "list": (a_list, "objek JSON"),
        "wrong tag": (wrong_tag, "sop-lain/7"),
        "unknown actor": (unknown_actor, 'kegiatan[3].pelaksana: "Satpam" tidak ada'),
        "wrong type": (wrong_type, "revisi_ke: harus berupa bilangan bulat"),
    }


@pytest.mark.parametrize("case", ["missing", "garbage", "list", "wrong tag", "unknown actor", "wrong type"])
@pytest.mark.parametrize("command", ["convert", "check"])
def test_unreadable_input_exits_2_naming_file_and_field(capsys, tmp_path, case, command):
    path, words = broken_inputs(tmp_path)[case]
    out = tmp_path / "hasil.json"
    args = ["convert", path, out] if command == "convert" else ["check", path]
    code, stdout, err = run(capsys, *args)
    assert_unusable(code, err, path, words)
    assert stdout == ""
    assert not out.exists()


@pytest.mark.parametrize("output", ["hasil.txt", "hasil"])
def test_unknown_output_extension_lists_the_supported_ones(capsys, tmp_path, output):
    code, _, err = run(capsys, "convert", ARSIP, tmp_path / output)
    assert_unusable(code, err, tmp_path / output, "tidak didukung", ".json")
    assert list(tmp_path.iterdir()) == []


def test_unknown_input_extension(capsys, tmp_path):
    source = tmp_path / "sop.odt"
    source.write_text("apa saja", encoding="utf-8")
    code, _, err = run(capsys, "check", source)
    assert_unusable(code, err, source, "tidak didukung sebagai masukan", ".json")


def test_output_into_a_missing_folder(capsys, tmp_path):
    out = tmp_path / "belum-ada" / "hasil.json"
    code, _, err = run(capsys, "convert", ARSIP, out)
    assert_unusable(code, err, out, "tidak ada")
    assert not out.parent.exists()


def test_output_onto_a_folder_leaves_it_alone(capsys, tmp_path):
    out = tmp_path / "folder.json"
    out.mkdir()
    code, _, err = run(capsys, "convert", ARSIP, out)
    assert_unusable(code, err, out)
    assert out.is_dir() and list(out.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["folder.json"]


@pytest.mark.parametrize(
    "failure, words",
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk penuh"),
        (PermissionError(errno.EACCES, "Permission denied"), "tidak ada izin"),
        (ValueError("nilai aneh"), "ValueError: nilai aneh"),
    ],
)
def test_failed_write_keeps_the_old_output_and_leaves_no_partial_file(capsys, tmp_path, monkeypatch, failure, words):
    def half_written(sop, path, options):
        path.write_text('{"format": "sop-fixture/1", "nama": "setengah', encoding="utf-8")
        raise failure

    monkeypatch.setattr(cli, "write_json", half_written)
    out = tmp_path / "hasil.json"
    out.write_text("versi sebelumnya\n", encoding="utf-8")
    code, stdout, err = run(capsys, "convert", ARSIP, out)
    assert_unusable(code, err, out, "tidak dapat ditulis", words)
    assert stdout == ""
    assert out.read_text(encoding="utf-8") == "versi sebelumnya\n"
    assert [p.name for p in tmp_path.iterdir()] == ["hasil.json"]


# ---- the command line itself ----------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["convert", "--help"], ["check", "-h"]])
def test_help_is_indonesian(capsys, args):
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert out.startswith("Pemakaian: sopdesk")
    for english in ("usage:", "show this help", "options:", "positional arguments"):
        assert english not in out
    assert "tampilkan bantuan ini lalu keluar" in out


def test_convert_help_names_the_formats_and_paper_sizes(capsys):
    out = run(capsys, "convert", "--help")[1]
    assert "A4|F4|Letter|Legal" in out and "sopdesk/1" in out and ".json" in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("SOP Desk ")


@pytest.mark.parametrize(
    "args, words",
    [
        (["convert", "a.json"], "argumen berikut wajib diisi: KELUARAN"),
        (["ubah", "a.json"], "pilihan 'ubah' tidak dikenal"),
        (["check", "a.json", "--rapi"], "argumen tidak dikenal: --rapi"),
        (["convert", "a.json", "b.json", "--paper", "A5"], 'ukuran kertas "A5" tidak dikenal'),
    ],
)
def test_usage_mistakes_exit_2_in_indonesian(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("Pemakaian: sopdesk")
    assert "kesalahan: " in err and words in err
    assert "error:" not in err and "usage:" not in err


def test_no_arguments_opens_the_window(capsys, monkeypatch):
    calls = []
    fake = types.ModuleType("ui.app")
    fake.run = lambda argv: calls.append(argv) or 7
    monkeypatch.setitem(sys.modules, "ui.app", fake)
    assert cli.main([]) == 7
    assert calls == [sys.argv[:1]]


# ---- as a real process ----------------------------------------------------------------------------


def test_process_check_and_convert(tmp_path):
    result = run_process("check", FIXTURES_DIR / "001_71e1f31e4a04122a.json")
    assert result.returncode == 0
    assert result.stdout.splitlines()[:2] == ENDS_ON_DECISION
    out = tmp_path / "hasil.json"
    result = run_process("convert", ARSIP, out, "--format", "native")
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "sopdesk/1"


def test_process_bad_input_has_no_traceback(tmp_path):
    garbage = tmp_path / "sampah.json"
    garbage.write_bytes(b"\x00\xff" * 100)
    for args in (["check", garbage], ["convert", tmp_path / "tidak-ada.json", tmp_path / "x.json"],
                 ["convert", ARSIP, tmp_path / "x.pdfx"], ["perintah-asing"]):
        result = run_process(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.strip()


def test_process_check_exit_1_on_errors(tmp_path):
    data = sop_to_native(sop_from_data(load_fixture("001_71e1f31e4a04122a")))
    data["steps"][4]["no_target"] = None
    result = run_process("check", write_native(tmp_path / "rusak.json", data))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == 'galat: Langkah 5: keputusan belum punya tujuan "Tidak".'


def _pdfinfo(path):
    import re
    import shutil
    import subprocess

    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return pages, (float(size.group(1)), float(size.group(2)))


@pytest.mark.parametrize("paper, size_pt", [("A4", (842, 595)), ("F4", (935, 609))])
def test_convert_to_pdf_headless(tmp_path, paper, size_pt):
    from sopdesk.cli import main as cli_main

    out = tmp_path / "sop.pdf"
    fixture = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
    assert cli_main(["convert", str(fixture), str(out), "--paper", paper]) == 0
    pages, size = _pdfinfo(out)
    assert pages >= 2
    assert (round(size[0]), round(size[1])) == size_pt


@pytest.mark.parametrize("extension", ["docx", "xlsx"])
def test_convert_to_office_formats_headless(tmp_path, extension):
    import zipfile

    from sopdesk.cli import main as cli_main

    out = tmp_path / f"sop.{extension}"
    fixture = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
    assert cli_main(["convert", str(fixture), str(out), "--paper", "F4"]) == 0
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert ("word/document.xml" if extension == "docx" else "xl/workbook.xml") in names
    assert not [p for p in tmp_path.iterdir() if p.name != out.name]  # no temp file left behind


def test_convert_excel_back_to_json(tmp_path):
    from sopdesk.cli import main as cli_main

    fixture = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
    sheet = tmp_path / "sop.xlsx"
    back = tmp_path / "kembali.json"
    assert cli_main(["convert", str(fixture), str(sheet)]) == 0
    assert cli_main(["convert", str(sheet), str(back)]) == 0
    assert json.loads(back.read_text(encoding="utf-8")) == json.loads(fixture.read_text(encoding="utf-8"))


def test_an_old_xls_is_refused_with_advice(tmp_path, capsys):
    from sopdesk.cli import main as cli_main

    old = tmp_path / "lama.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert cli_main(["convert", str(old), str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert "lama.xlsx" in err and "Traceback" not in err


def test_a_pipe_given_to_convert_is_refused_at_once_instead_of_hanging(tmp_path):
    import os
    import sys as _sys

    if not hasattr(os, "mkfifo") or _sys.platform.startswith("win"):
        pytest.skip("named pipes are a POSIX thing")
    for name in ("pipa.json", "pipa.xlsx"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        result = subprocess.run([_sys.executable, "-m", "sopdesk", "convert", str(fifo), str(tmp_path / "out.pdf")],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 2
        assert "bukan berkas" in result.stderr and "Traceback" not in result.stderr


# ---- convert from the importers: the report on stderr, no steps is no success ------------------------


def test_convert_prints_what_was_read_in_one_line(capsys, tmp_path):
    from sopdesk.interchange import read_sop_json
    from sopdesk.outputs import write_xlsx

    sheet = tmp_path / "arsip.xlsx"
    write_xlsx(read_sop_json(ARSIP), sheet)
    out = tmp_path / "kembali.json"
    code, stdout, err = run(capsys, "convert", sheet, out)
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [f"Tersimpan: {out}",
                                   "Dibaca: 12 langkah, 4 pelaksana, 4 keputusan; 0 tebakan, 0 tidak terbaca"]


def test_convert_lists_guessed_and_unread_lines_with_their_place(capsys, tmp_path):
    from sopdesk.importers.xlsx import import_xlsx
    from sopdesk.interchange import sop_from_fixture

    from .xlsx_builders import Style, build_workbook

    sheet = tmp_path / "buatan.xlsx"
    sheet.write_bytes(build_workbook([sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))],
                                     Style(drawing="loose", branch_labels="none", formula_waktu=True)))
    _sop, report = import_xlsx(sheet).sops[0]
    assert report.guessed and report.unread
    out = tmp_path / "hasil.json"
    code, stdout, err = run(capsys, "convert", sheet, out)
    assert code == 0 and out.exists()
    assert err.splitlines() == ([f"sopdesk: ditebak: {line}" for line in report.guessed]
                                + [f"sopdesk: tidak terbaca: {line}" for line in report.unread])
    assert all("!" in line for line in report.guessed + report.unread)  # each names its sheet and cell
    assert stdout.splitlines()[1].endswith(f"; {len(report.guessed)} tebakan, {len(report.unread)} tidak terbaca")


def test_convert_of_an_import_without_steps_is_not_a_success(capsys, tmp_path):
    from .import_folder_helpers import no_step_workbook

    sheet = no_step_workbook(tmp_path / "identitas.xlsx")
    out = tmp_path / "hasil.json"
    out.write_text("versi sebelumnya\n", encoding="utf-8")
    code, stdout, err = run(capsys, "convert", sheet, out)
    assert code == 2 and stdout == "" and "Traceback" not in err
    lines = err.splitlines()
    assert lines[-1] == (f'sopdesk: {sheet}: tidak ada langkah yang terbaca, jadi tidak ada yang ditulis. Yang '
                         'ditemukan: Nama SOP "Pengarsipan Surat Keluar", Nomor SOP "OT.01/002", 0 pelaksana, '
                         '1 bagian tidak terbaca.')
    assert any(line.startswith("sopdesk: tidak terbaca: Tabel flowchart") for line in lines[:-1])
    assert out.read_text(encoding="utf-8") == "versi sebelumnya\n"


def test_convert_of_a_file_with_several_sops_says_which_it_wrote(capsys, tmp_path, monkeypatch):
    from sopdesk.importers import IMPORTERS

    monkeypatch.setitem(IMPORTERS, ".json", "tests.test_cli:two_sops_first_without_steps")
    out = tmp_path / "hasil.json"
    code, _stdout, err = run(capsys, "convert", ARSIP, out)
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["nama"] == "Peminjaman Arsip Dinamis Inaktif"
    assert err.splitlines() == ['sopdesk: catatan: berkas ini berisi 2 SOP; yang ditulis SOP ke-2 ("Peminjaman Arsip '
                                f'Dinamis Inaktif"). Untuk mengimpor semuanya ke pustaka: sopdesk import "{ARSIP}".']


def two_sops_first_without_steps(path):
    from sopdesk.importers import ImportReport, ImportResult
    from sopdesk.interchange import read_sop_json
    from sopdesk.model import Sop

    return ImportResult([(Sop(), ImportReport()), (read_sop_json(path), ImportReport())])


def test_convert_when_an_importer_is_not_installed(capsys, tmp_path, monkeypatch):
    from sopdesk.importers import IMPORTERS

    monkeypatch.setitem(IMPORTERS, ".pdf", "sopdesk.importers.belum_ada:import_pdf")
    source = tmp_path / "sop.pdf"
    source.write_bytes(b"%PDF-1.4\n")
    code, stdout, err = run(capsys, "convert", source, tmp_path / "x.json")
    assert_unusable(code, err, source, "belum tersedia")
    assert stdout == ""


@pytest.mark.parametrize("extension", ["pdf", "docx"])
def test_convert_our_own_pdf_and_word_back_to_json(capsys, tmp_path, extension):
    from sopdesk import outputs
    from sopdesk.interchange import read_sop_json

    sop = read_sop_json(ARSIP)
    exported = tmp_path / f"sop.{extension}"
    getattr(outputs, f"write_{extension}")(sop, exported)
    out = tmp_path / "kembali.json"
    code, stdout, _err = run(capsys, "convert", exported, out)
    assert code == 0
    assert stdout.splitlines()[1].startswith("Dibaca: 12 langkah, 4 pelaksana, 4 keputusan;")
    back = json.loads(out.read_text(encoding="utf-8"))
    original = load_fixture("contoh-peminjaman-arsip")
    # The structure comes back (the PDF importer's own tests check the texts); Word carries the SOP itself.
    assert len(back["pelaksana"]) == len(original["pelaksana"])
    assert [len(k["pelaksana"]) for k in back["kegiatan"]] == [len(k["pelaksana"]) for k in original["kegiatan"]]
    if extension == "docx":
        assert back == original
