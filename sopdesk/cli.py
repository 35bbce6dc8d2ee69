"""The `sopdesk` command: opens the window with no arguments; `convert` and `check` work headless.

Exit codes: 0 done (check: no errors), 1 check found errors, 2 the input, output or
command line is unusable. Every failure is one Indonesian line on stderr, never a traceback.
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
# A reader takes a Path and returns a Sop, raising InterchangeError for unusable input.
# A writer takes (Sop, Path, WriteOptions) and writes that path, which is a temporary name
# (sopdesk.atomic.temp_path_for) without the final extension; the CLI then replaces the output.
READERS: dict[str, str] = {
    ".json": "sopdesk.interchange:read_sop_json",
    ".xlsx": "sopdesk.importers.xlsx:read_sop_xlsx",
    ".xlsm": "sopdesk.importers.xlsx:read_sop_xlsx",
}
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


def read_sop(path: Path, notes: list[str] | None = None) -> Sop:
    """The SOP in `path`; `notes` receives what the reader corrected or could not read (readers take notes=)."""
    spec = READERS.get(path.suffix.lower())
    if spec is None:
        raise _extension_error(path, READERS, "masukan")
    try:
        return _resolve(spec)(path, notes=notes)
    except InterchangeError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{path}: berkas tidak dapat dibaca ({_os_reason(exc)}).") from None
    except Exception as exc:  # a reader's slip on odd bytes must still end in one clear line
        raise CliError(f"{path}: berkas tidak dapat dibaca ({type(exc).__name__}: {exc}).") from None


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
        _flush_to_disk(temporary)
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


def _flush_to_disk(path: Path) -> None:
    # Writers close their file but do not fsync it; without this a power cut right after
    # the replace can leave an empty file under the final name.
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    notes: list[str] = []
    sop = read_sop(source, notes)
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
        epilog="Kode keluar: 0 berhasil, 1 pemeriksaan menemukan galat, 2 masukan, keluaran atau perintah tidak dapat "
        "dipakai. Bantuan tiap perintah: sopdesk PERINTAH --help.",
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
    return parser


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
