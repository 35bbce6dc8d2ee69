"""The `sopdesk` command: opens the window with no arguments; `convert`, `check` and `import` work headless.

Exit codes: 0 done (check: no errors), 1 check found errors, 2 the input, output or
command line is unusable (import: some file failed). Every failure is one Indonesian line
on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from . import atomic
from .importers import IMPORTERS, ImportReport, ImportResult, found_without_steps, import_any, summary_line
from .interchange import InterchangeError, dumps, sop_to_fixture, sop_to_native
from .model import PAPER_SIZES_MM, Sop
from .sanity import UnprintableError, fix_page

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2


@dataclass(frozen=True)
class WriteOptions:
    """What the command line lets a writer choose; each writer uses the parts that concern it."""

    json_format: str = "fixture"  # "fixture" (sop-fixture/1) or "native" (sopdesk/1)


# Formats by extension, as "module:function", imported only when used so `check` stays fast.
# Readers are the importers' table (sopdesk.importers.IMPORTERS): each takes a Path and returns
# an ImportResult (every SOP of the file with its report), raising InterchangeError for unusable input.
# A writer takes (Sop, Path, WriteOptions) and writes that path, which is a temporary name
# (sopdesk.atomic.temp_path_for) without the final extension; the CLI then replaces the output.
READERS: dict[str, str] = IMPORTERS
WRITERS: dict[str, str] = {
    ".json": "sopdesk.cli:write_json",
    ".pdf": "sopdesk.outputs:write_pdf",
    ".docx": "sopdesk.outputs:write_docx",
    ".xlsx": "sopdesk.outputs:write_xlsx",
}


class CliError(Exception):
    """A failure the user can act on; the message is Indonesian and names the file."""


def write_json(sop: Sop, path: Path, options: WriteOptions) -> None:
    data = sop_to_native(sop) if options.json_format == "native" else sop_to_fixture(sop)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(dumps(data))


def _resolve(spec: str) -> Callable:
    module_name, _, function_name = spec.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def _extension_error(path: Path, table: dict[str, str], role: str) -> CliError:
    suffix = path.suffix or "(tanpa ekstensi)"
    supported = ", ".join(sorted(table))
    return CliError(f"{path}: jenis berkas {suffix} tidak didukung sebagai {role}; yang didukung: {supported}.")


def read_file(path: Path) -> ImportResult:
    """Every SOP in `path` with its report, through the importers' table; CliError for unusable input."""
    if path.suffix.lower() not in READERS:
        raise _extension_error(path, READERS, "masukan")
    try:
        result = import_any(path)
    except InterchangeError as exc:
        raise CliError(_named(str(exc), path)) from None
    except OSError as exc:
        raise CliError(f"{path}: berkas tidak dapat dibaca ({_os_reason(exc)}).") from None
    if not result.sops:
        raise CliError(f"{path}: tidak ada SOP yang ditemukan di berkas ini, jadi tidak ada yang ditulis.")
    return result


def _named(message: str, path: Path) -> str:
    # Importers name the file by its name alone; the command line names it as the user typed it.
    if message.startswith(f"{path}: "):
        return message
    if message.startswith(f"{path.name}: "):
        return f"{path}: {message[len(path.name) + 2:]}"
    return f"{path}: {message}"


def read_sop(path: Path, notes: list[str] | None = None) -> Sop:
    """The SOP in `path` (the first with steps, when it holds several); `notes` receives what its report
    guessed or could not read."""
    sop, report = choose_sop(read_file(path))[0]
    if notes is not None:
        notes.extend(report.guessed + report.unread)
    return sop


def choose_sop(result: ImportResult) -> tuple[tuple[Sop, ImportReport], int]:
    """The SOP a one-file command works on: the first that has steps (else the first), and its number."""
    for number, (sop, report) in enumerate(result.sops, start=1):
        if sop.steps:
            return (sop, report), number
    return result.sops[0], 1


def write_sop(sop: Sop, path: Path, options: WriteOptions) -> object:
    """Write through a temporary file beside `path`, so a failure leaves `path` as it was.

    Returns what the writer returned: the page model for the page formats, None for JSON.
    """
    spec = WRITERS.get(path.suffix.lower())
    if spec is None:
        raise _extension_error(path, WRITERS, "keluaran")
    writer = _resolve(spec)
    folder = path.parent
    if not folder.is_dir():
        raise CliError(f"{path}: folder tujuan {folder} tidak ada.")
    temporary = atomic.temp_path_for(path)
    try:
        written = writer(sop, temporary, options)
        atomic.fsync_file(temporary)
        atomic.replace(temporary, path)
    except OSError as exc:
        raise CliError(f"{path}: berkas tidak dapat ditulis ({_os_reason(exc)}).") from None
    except UnprintableError as exc:
        raise CliError(f"{path}: berkas tidak dapat ditulis: {exc}") from None
    except Exception as exc:  # see read_sop
        raise CliError(f"{path}: berkas tidak dapat ditulis ({type(exc).__name__}: {exc}).") from None
    finally:
        # After a successful replace the name is gone; otherwise this removes the partial file.
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
    atomic.fsync_dir(folder)
    return written


_OS_REASONS = {
    errno.ENOENT: "folder atau berkas tidak ada",
    errno.EACCES: "tidak ada izin",
    errno.EPERM: "tidak ada izin",
    errno.ENOSPC: "disk penuh",
    errno.EROFS: "disk hanya dapat dibaca",
    errno.EISDIR: "ini folder, bukan berkas",
    errno.ENOTDIR: "bagian dari jalurnya bukan folder",
    errno.ENAMETOOLONG: "nama terlalu panjang",
}


def _os_reason(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno)
    if reason is None:
        return exc.strerror or str(exc)
    return reason


# ---- the commands -------------------------------------------------------------------------------


def run_convert(args: argparse.Namespace) -> int:
    source, destination = Path(args.input), Path(args.output)
    # Check the output kind first: reading a large file only to refuse its output is a waste.
    if destination.suffix.lower() not in WRITERS:
        raise _extension_error(destination, WRITERS, "keluaran")
    result = read_file(source)
    (sop, report), number = choose_sop(result)
    # What the import guessed or could not read, with its place in the file, before anything is written.
    for line in report.guessed:
        print(f"sopdesk: ditebak: {line}", file=sys.stderr)
    for line in report.unread:
        print(f"sopdesk: tidak terbaca: {line}", file=sys.stderr)
    if not sop.steps:
        # An SOP without steps is not what the user asked to convert: say what was found, write nothing.
        found = found_without_steps(sop, report)
        if len(result.sops) > 1:
            found = "; ".join(f"SOP {n}: {found_without_steps(s, r)}" for n, (s, r) in enumerate(result.sops, 1))
        raise CliError(f"{source}: tidak ada langkah yang terbaca, jadi tidak ada yang ditulis. Yang ditemukan: "
                       f"{found}.")
    notes: list[str] = []
    if len(result.sops) > 1:
        notes.append(f"berkas ini berisi {len(result.sops)} SOP; yang ditulis SOP ke-{number} "
                     f"(\"{sop.identity.nama or 'tanpa nama'}\"). Untuk mengimpor semuanya ke pustaka: "
                     f"sopdesk import \"{source}\".")
    if args.paper:
        sop.page.paper = args.paper
        # Margins that fitted the stored paper may leave too little of a smaller one.
        notes.extend(fix_page(sop.page))
    for note in notes:
        print(f"sopdesk: catatan: {note}", file=sys.stderr)
    if args.flatten:
        sop.page.flatten_chart = True
    written = write_sop(sop, destination, WriteOptions(json_format=args.json_format))
    print(f"Tersimpan: {destination}")
    print(summary_line(sop, report))
    # What the layout had to give up on (a step taller than a page, cut) must not pass in silence.
    for problem in _layout_problems_of(sop, written):
        print(f"sopdesk: peringatan: {problem}", file=sys.stderr)
    return EXIT_OK


def _layout_problems_of(sop: Sop, written: object) -> list:
    from .layout.page_model import Document

    if not isinstance(written, Document):
        return []
    from .layout import layout_problems

    return layout_problems(sop, written)


def run_check(args: argparse.Namespace) -> int:
    from .layout import estimate_measure, layout, layout_problems
    from .validation import Severity, from_layout, sorted_problems, validate

    source = Path(args.input)
    notes: list[str] = []
    sop = read_sop(source, notes)
    # The layout's own problems too (a step taller than a page is cut in every format). Measured
    # with the Qt-free estimate, so check stays light; it is a little generous, never lenient.
    problems = validate(sop)
    try:
        problems += from_layout(sop, layout_problems(sop, layout(sop, estimate_measure)))
    except Exception as exc:  # check must still list the rest, in one clear line, never a traceback
        print(f"sopdesk: tata letak tidak dapat dihitung ({type(exc).__name__}: {exc}).", file=sys.stderr)
    problems = sorted_problems(problems)
    for problem in problems:
        print(f"{problem.severity.value}: {problem.message}")
    # What reading had to correct (texts that cannot be stored, unprintable margins) is a warning too.
    for note in notes:
        print(f"{Severity.WARNING.value}: {note}")
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) + len(notes) - errors
    if problems or notes:
        print(f"{source}: {errors} galat, {warnings} peringatan.")
    else:
        print(f"{source}: tidak ada masalah.")
    return EXIT_PROBLEMS if errors else EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """Every importable file under the paths into the library; a row per SOP, exit 2 when any failed."""
    from .importers import batch
    from .library_location import user_library_dir
    from .storage import Library, StorageError

    if args.csv is not None:
        # Checked before anything is imported: a typo here must not cost the user the report of a long run.
        if Path(args.csv).suffix.lower() != ".csv":
            raise CliError(f"{args.csv}: laporan CSV harus berekstensi .csv.")
        if not Path(args.csv).absolute().parent.is_dir():
            raise CliError(f"{args.csv}: folder tujuan {Path(args.csv).absolute().parent} tidak ada.")
    root = Path(args.pustaka) if args.pustaka else user_library_dir()
    # The library's own files are never imported into itself, even when a whole disk is given.
    sources, rows = batch.find_files(args.paths, exclude=[root])
    if not sources and not rows:
        known = ", ".join(sorted(READERS))
        raise CliError(f"{', '.join(args.paths)}: tidak ada berkas yang dapat diimpor ({known}).")
    try:
        library = Library.open(root)
    except StorageError as exc:
        raise CliError(f"pustaka {root} tidak dapat dibuka: {exc}") from None
    decision = batch.Decision.REPLACE if args.replace else batch.Decision.SKIP
    cancelled = False
    try:
        if library.read_only:
            raise CliError(f"pustaka {root} tidak dapat diisi: {library.read_only_reason} Tutup jendela SOP Desk "
                           "yang memakainya, lalu ulangi.")
        filer = batch.Filer(library, lambda _sop, _name, _source: decision)
        filer.rows.extend(rows)
        progress = sys.stderr.isatty()
        for number, source in enumerate(sources, start=1):
            if progress:
                print(f"[{number}/{len(sources)}] {source.shown}", file=sys.stderr, flush=True)
            try:
                filer.file(batch.read_source(source))
            except KeyboardInterrupt:
                # Ctrl+C: what is filed stays filed; the rest is listed as not done.
                cancelled = True
                filer.not_done(sources[number - 1:])
                break
    finally:
        library.close()
    _print_table(filer.rows)
    print(batch.summary_text(filer.rows, len(sources) + len(rows), cancelled))
    print(f"Pustaka: {root}")
    if args.csv is not None:
        try:
            batch.write_csv(filer.rows, Path(args.csv))
        except OSError as exc:
            raise CliError(f"{args.csv}: laporan CSV tidak dapat ditulis ({_os_reason(exc)}).") from None
        print(f"Laporan CSV: {args.csv}")
    if cancelled:
        return 130
    return EXIT_UNUSABLE if batch.any_failed(filer.rows) else EXIT_OK


def _shortened(cells: tuple[str, ...]) -> tuple[str, ...]:
    # A long Nama SOP would push every number off the screen; the CSV keeps it whole.
    name = cells[2]
    return (*cells[:2], name if len(name) <= 40 else name[:39] + "…", *cells[3:])


def _print_table(rows: list) -> None:
    from .importers.batch import COLUMNS, row_cells

    table = [COLUMNS, *(_shortened(row_cells(row)) for row in rows)]
    # Every column but the last is padded; the last (Keterangan) runs on as long as it needs.
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS) - 1)]
    numeric = range(3, 8)
    for line in table:
        cells = [cell.rjust(widths[i]) if i in numeric and line is not table[0] else cell.ljust(widths[i])
                 for i, cell in enumerate(line[:-1])]
        print("  ".join([*cells, line[-1]]).rstrip())


def run_diff(args: argparse.Namespace) -> int:
    """The changes from version A to version B as text: exit 0 when they are the same, 1 when they differ."""
    from .diff import diff_sops, format_diff

    notes: list[str] = []
    old = read_sop(Path(args.old), notes)
    new = read_sop(Path(args.new), notes)
    for note in notes:
        print(f"sopdesk: catatan: {note}", file=sys.stderr)
    difference = diff_sops(old, new)
    print(f"Versi A: {args.old}")
    print(f"Versi B: {args.new}")
    for line in format_diff(difference):
        print(line)
    if args.sheet:
        sheet = Path(args.sheet)
        if sheet.suffix.lower() != ".pdf":
            raise CliError(f"{sheet}: Lembar Perubahan ditulis sebagai PDF; beri nama berakhiran .pdf.")
        from .qt.change_sheet import write_change_sheet

        try:
            write_change_sheet(sheet, old, new, difference, Path(args.old).name, Path(args.new).name)
        except OSError as exc:
            raise CliError(f"{sheet}: berkas tidak dapat ditulis ({_os_reason(exc)}).") from None
        print(f"Lembar Perubahan tersimpan: {sheet}")
    return EXIT_OK if difference.is_empty() else EXIT_PROBLEMS


# ---- the command line, in Indonesian ---------------------------------------------------------------


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Pemakaian: " if prefix is None else prefix)


# argparse writes its own complaints in English; these cover the ones this command line can raise.
_ARGPARSE_PHRASES = (
    (re.compile(r"the following arguments are required: (.*)"), r"argumen berikut wajib diisi: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"argumen tidak dikenal: \1"),
    (re.compile(r"invalid choice: (\S+) \(choose from (.*)\)"), r"pilihan \1 tidak dikenal (pilih salah satu: \2)"),
    (re.compile(r"expected one argument"), r"perlu satu nilai"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), r"opsi \1 ambigu; bisa berarti \2"),
    (re.compile(r"not allowed with argument (.*)"), r"tidak boleh bersama argumen \1"),
    (re.compile(r"^argument "), r"argumen "),
)


def _translate(message: str) -> str:
    for pattern, replacement in _ARGPARSE_PHRASES:
        message = pattern.sub(replacement, message)
    return message


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"{self.prog}: kesalahan: {_translate(message)}\n")


def _paper(value: str) -> str:
    for name in PAPER_SIZES_MM:
        if value.lower() == name.lower():
            return name
    raise argparse.ArgumentTypeError(f"ukuran kertas \"{value}\" tidak dikenal (pilih {', '.join(PAPER_SIZES_MM)})")


def _add_help(group: argparse._ArgumentGroup) -> None:
    # add_help=False on every parser: argparse's own -h says "show this help message" in English.
    group.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                       help="tampilkan bantuan ini lalu keluar")


class _VersionAction(argparse.Action):
    """--version that looks the version up only when asked: importlib.metadata costs every `check` 20 ms."""

    def __init__(self, option_strings, dest, help=None):
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version())
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"SOP Desk {version('sopdesk')}"
    except PackageNotFoundError:
        return "SOP Desk (versi pengembangan, belum dipasang)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sopdesk",
        description="SOP Desk: penyusun SOP Administrasi Pemerintahan (Permenpan-RB 35/2012). "
        "Tanpa argumen, jendela aplikasi dibuka.",
        epilog="Kode keluar: 0 berhasil, 1 pemeriksaan menemukan galat (diff: kedua versi berbeda), 2 masukan, keluaran atau perintah tidak dapat "
        "dipakai (import: ada berkas yang gagal). Bantuan tiap perintah: sopdesk PERINTAH --help.",
    )
    options = parser.add_argument_group("opsi")
    _add_help(options)
    options.add_argument("--version", action=_VersionAction, help="tampilkan versi lalu keluar")
    commands = parser.add_subparsers(title="perintah", dest="command", metavar="PERINTAH", parser_class=_Parser)

    readable = ", ".join(sorted(READERS))
    writable = ", ".join(sorted(WRITERS))
    convert = commands.add_parser(
        "convert",
        help="ubah SOP dari satu jenis berkas ke jenis lain",
        description=f"Membaca MASUKAN lalu menulis KELUARAN; jenisnya dipilih menurut ekstensi. "
        f"Masukan: {readable}. Keluaran: {writable}. Berkas keluaran yang sudah ada diganti utuh, "
        "atau tidak disentuh sama sekali bila penulisan gagal.",
    )
    convert_args = convert.add_argument_group("argumen")
    convert_args.add_argument("input", metavar="MASUKAN", help="berkas SOP yang dibaca")
    convert_args.add_argument("output", metavar="KELUARAN", help="berkas yang ditulis")
    convert_options = convert.add_argument_group("opsi")
    _add_help(convert_options)
    convert_options.add_argument(
        "--paper", type=_paper, metavar="KERTAS",
        help=f"ukuran kertas ({'|'.join(PAPER_SIZES_MM)}); menggantikan ukuran yang tersimpan di SOP",
    )
    convert_options.add_argument(
        "--format", dest="json_format", choices=("fixture", "native"), default="fixture", metavar="FORMAT",
        help="bentuk keluaran .json: fixture (sop-fixture/1, bawaan) atau native (sopdesk/1, lengkap)",
    )
    convert_options.add_argument(
        "--ratakan", dest="flatten", action="store_true",
        help="Word: tiap halaman bagan alir sebagai gambar, bukan bentuk yang dapat diubah (ratakan bagan)",
    )
    convert.set_defaults(handler=run_convert)

    check = commands.add_parser(
        "check",
        help="periksa SOP dan tampilkan galat serta peringatannya",
        description="Menampilkan galat dan peringatan SOP, satu per baris, galat lebih dahulu, lalu ringkasannya. "
        "Kode keluar 0 bila tidak ada galat (peringatan boleh), 1 bila ada galat, 2 bila berkas tidak terbaca.",
    )
    check_args = check.add_argument_group("argumen")
    check_args.add_argument("input", metavar="MASUKAN", help=f"berkas SOP yang diperiksa ({readable})")
    _add_help(check.add_argument_group("opsi"))
    check.set_defaults(handler=run_check)

    importing = commands.add_parser(
        "import",
        help="impor berkas atau folder SOP ke pustaka",
        description=f"Mengimpor setiap berkas {', '.join(sorted(READERS))} di JALUR (folder ditelusuri sampai ke "
        "subfoldernya) ke pustaka sebagai SOP baru; buku kerja yang berisi beberapa SOP memberi semuanya. SOP yang "
        "sudah ada di pustaka dilewati, kecuali dengan --ganti. Berkas yang gagal tidak menghentikan yang lain. "
        "Setelahnya tercetak tabel per SOP (berkas, hasil, langkah, pelaksana, keputusan, tebakan, tidak terbaca).",
        epilog="Kode keluar: 0 bila semua berkas berhasil diimpor (atau dilewati karena sudah ada), 2 bila ada "
        "berkas yang gagal (tidak terbaca atau tanpa langkah) atau pustaka tidak dapat dibuka, 130 bila dihentikan "
        "dengan Ctrl+C (yang sudah diimpor tetap di pustaka).",
    )
    import_args = importing.add_argument_group("argumen")
    import_args.add_argument("paths", nargs="+", metavar="JALUR", help="berkas atau folder yang diimpor")
    import_options = importing.add_argument_group("opsi")
    _add_help(import_options)
    import_options.add_argument(
        "--pustaka", metavar="FOLDER",
        help="folder pustaka tujuan; bawaannya pustaka yang dibuka jendela SOP Desk (SOPDESK_HOME dihormati)",
    )
    import_options.add_argument(
        "--ganti", dest="replace", action="store_true",
        help="ganti SOP yang sudah ada di pustaka (versi lamanya tetap di Riwayat versi)",
    )
    import_options.add_argument(
        "--csv", metavar="BERKAS",
        help="tulis juga tabel hasilnya sebagai CSV (pemisah titik koma, UTF-8) ke BERKAS.csv",
    )
    importing.set_defaults(handler=run_import)

    from .book_cli import add_book_command  # `buku`: its own module, heavy parts imported only when it runs

    add_book_command(commands, _add_help)

    diffing = commands.add_parser(
        "diff",
        help="bandingkan dua versi SOP dan tampilkan perubahannya",
        description="Menampilkan apa yang berubah dari versi A ke versi B: isian identitas dan butir daftar (kata yang "
        "dihapus dalam [-…-], yang ditambah dalam {+…+}), pelaksana, langkah (ditambah, dihapus, dipindah, diubah per "
        "kolom) dan pengaturan halaman. Langkah dicocokkan menurut tanda pengenalnya (berkas sopdesk/1 dan riwayat "
        f"pustaka); bila kedua versi tidak berbaginya, menurut isinya. Masukan: {readable}.",
        epilog="Kode keluar: 0 bila kedua versi sama, 1 bila berbeda, 2 bila salah satu berkas tidak terbaca.",
    )
    diff_args = diffing.add_argument_group("argumen")
    diff_args.add_argument("old", metavar="A", help="versi lama")
    diff_args.add_argument("new", metavar="B", help="versi baru")
    diff_options = diffing.add_argument_group("opsi")
    _add_help(diff_options)
    diff_options.add_argument("--lembar", dest="sheet", metavar="BERKAS.pdf",
                              help="tulis juga Lembar Perubahan (PDF dengan kolom tanda tangan pemeriksa)")
    diffing.set_defaults(handler=run_diff)

    syncing = commands.add_parser(
        "sync",
        help="sinkronkan pustaka dengan pustaka bersama (git)",
        description="Menyimpan perubahan pustaka di PC ini, mengambil yang disimpan PC lain dari pustaka bersama, "
        "menggabungkannya per SOP, lalu mengirim hasilnya. Pustaka bersama berupa folder (di server berkas kantor; "
        "dibuat pada pemakaian pertama) atau alamat server git; sekali disebut, alamat itu diingat.",
        epilog="Kode keluar: 0 berhasil, 1 ada SOP bentrok yang menunggu keputusan (kedua versi disimpan), 2 pustaka "
        "bersama tidak dapat dipakai atau tidak terjangkau (perubahan tetap tersimpan di PC ini) atau pustaka tidak "
        "dapat dibuka.",
    )
    sync_options = syncing.add_argument_group("opsi")
    _add_help(sync_options)
    sync_options.add_argument(
        "--pustaka", metavar="FOLDER",
        help="folder pustaka; bawaannya pustaka yang dibuka jendela SOP Desk (SOPDESK_HOME dihormati)",
    )
    sync_options.add_argument("--remote", metavar="FOLDER|URL", help="pustaka bersama: folder atau alamat git")
    sync_options.add_argument("--pengguna", metavar="NAMA",
                              help="nama penyusun yang dicatat pada perubahan; bawaannya nama di Preferensi")
    sync_options.add_argument(
        "--akun", metavar="NAMA",
        help="nama pengguna di server git (alamat http/https; bawaannya akun di Preferensi untuk pustaka "
        f"jendela); kata sandinya dibaca dari variabel lingkungan {SYNC_PASSWORD_ENV} atau ditanyakan bila "
        "dijalankan di terminal, tidak pernah dari baris perintah",
    )
    syncing.set_defaults(handler=run_sync)
    return parser


SYNC_PASSWORD_ENV = "SOPDESK_SYNC_PASSWORD"


def run_sync(args: argparse.Namespace) -> int:
    """One sync of the library (sopdesk/sync/); what came and went, then the conflicts waiting."""
    from .library_location import ini_value, settings_file, user_library_dir
    from .storage import StorageError
    from .sync import SyncError, sync_library

    root = Path(args.pustaka) if args.pustaka else user_library_dir()
    user = args.pengguna if args.pengguna is not None else ini_value(settings_file(), "pengguna", "nama")
    account = args.akun or ""
    if args.akun is None and (not args.pustaka or root.resolve() == user_library_dir().resolve()):
        # The window's library: the server account set in Preferensi (Pustaka bersama) serves here too.
        account = ini_value(settings_file(), "bersama", "akun")
    password = os.environ.get(SYNC_PASSWORD_ENV, "")
    if account and not password and sys.stdin is not None and sys.stdin.isatty():
        import getpass

        try:
            password = getpass.getpass(f"Kata sandi {account} untuk pustaka bersama: ")
        except EOFError:
            password = ""
    try:
        result = sync_library(root, remote=args.remote or "", user=user, username=account, password=password)
    except SyncError as exc:
        raise CliError(str(exc)) from None
    except StorageError as exc:
        raise CliError(f"pustaka {root} tidak dapat disinkronkan: {exc}") from None
    if result.created_remote:
        print(f"Pustaka bersama dibuat di {result.location}.")
    if result.created_local:
        print("Pustaka di PC ini mulai dicatat untuk sinkronisasi; Riwayat versi yang sudah ada tetap seperti semula.")
    for name in result.received:
        print(f"Diterima: {name}")
    for name in result.sent:
        print(f"Dikirim: {name}")
    for name in result.merged:
        print(f"Digabung otomatis: {name}")
    for conflict in result.conflicts:
        print(f"Bentrok: {conflict.name}")
        for line in conflict.lines:
            print(f"  {line}")
    for name in result.pending_names:
        print(f"Menunggu keputusan: {name} (kedua versi disimpan)")
    print(result.summary())
    return EXIT_PROBLEMS if result.pending else EXIT_OK


def _tolerant_streams() -> None:
    # Redirected output on Windows uses the ANSI code page; a name with letters outside it
    # must print as "?" rather than end the command with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else list(argv)
    if not args_list:
        # The one place the core reaches the window, and only when asked to open it.
        from ui.app import run  # noqa: TID251

        return run(sys.argv[:1])
    _tolerant_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        # --help, --version and usage errors end here; callers in-process get the code back.
        return exc.code if isinstance(exc.code, int) else EXIT_UNUSABLE
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_UNUSABLE
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"sopdesk: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("sopdesk: dibatalkan.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`sopdesk diff A B | head`): stop quietly, as other
        # command-line tools do. Python would otherwise print a traceback when it flushes stdout at exit.
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
