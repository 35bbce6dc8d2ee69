"""`sopdesk buku`: a Buku SOP of the library (or of one unit, one status) as PDF or Word, headless.

Kept apart from cli.py so that the other commands stay light; its parser is added by
cli.build_parser and everything heavy is imported when the command runs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .book import STATUSES, BookCancelled, BookError, BookInfo, BookJob, BookOutput, matches, sop_status, sop_unit

BOOK_FORMATS = (".pdf", ".docx")


def add_book_command(commands, add_help) -> None:
    buku = commands.add_parser(
        "buku",
        help="tulis Buku SOP (sampul, penetapan, daftar isi, lalu tiap SOP) dari pustaka",
        description="Menulis satu Buku SOP dari SOP di pustaka, urut menurut Nomor SOP: sampul, halaman penetapan "
        "(bila diminta), daftar isi dengan nomor halaman, lalu lembar identitas dan bagan alir tiap SOP, dengan "
        "nomor halaman bersambung. Tanpa --unit dan --status, semua SOP di pustaka (kecuali Sampah) masuk. Jenis "
        "berkas menurut ekstensi KELUARAN (.pdf atau .docx). Berkas yang sudah ada diganti utuh, atau tidak "
        "disentuh bila penulisan gagal atau dibatalkan.",
        epilog="Kode keluar: 0 berhasil, 2 tidak ada SOP yang cocok atau berkas tidak dapat ditulis, 130 bila "
        "dihentikan dengan Ctrl+C (tidak ada berkas yang ditulis).",
    )
    args = buku.add_argument_group("argumen")
    args.add_argument("output", metavar="KELUARAN", help="berkas buku yang ditulis (.pdf atau .docx)")
    options = buku.add_argument_group("opsi")
    add_help(options)
    options.add_argument("--unit", action="append", metavar="UNIT",
                         help="hanya SOP unit ini (salah satu baris unit organisasi atau instansinya; huruf besar "
                         "kecil tidak dibedakan); boleh diulang")
    options.add_argument("--status", action="append", metavar="STATUS",
                         help=f"hanya SOP berstatus ini ({', '.join(STATUSES)}); boleh diulang")
    options.add_argument("--pustaka", metavar="FOLDER",
                         help="folder pustaka; bawaannya pustaka yang dibuka jendela SOP Desk (SOPDESK_HOME dihormati)")
    options.add_argument("--judul", metavar="TEKS", help="judul di sampul (\\n untuk baris baru)")
    options.add_argument("--tahun", metavar="TAHUN", help="tahun di sampul; bawaannya tahun ini")
    options.add_argument("--alamat", metavar="TEKS", help="alamat di kaki sampul (\\n untuk baris baru)")
    options.add_argument("--penetapan", metavar="TEMPLAT",
                         help="sertakan halaman penetapan dari TEMPLAT (.txt atau .docx), atau \"bawaan\" untuk "
                         "templat yang disertakan SOP Desk")
    buku.set_defaults(handler=run_book)


def _status(value: str) -> str:
    from .cli import CliError

    for known in STATUSES:
        if value.strip().casefold() == known.casefold():
            return known
    raise CliError(f"status \"{value}\" tidak dikenal; pilih {', '.join(STATUSES)}.")


def run_book(args: argparse.Namespace) -> int:
    from .book import DEFAULT_TEMPLATE, read_template
    from .cli import EXIT_OK, CliError, _os_reason
    from .library_location import user_library_dir
    from .storage import Library, StorageError

    destination = Path(args.output)
    suffix = destination.suffix.lower()
    if suffix not in BOOK_FORMATS:
        raise CliError(f"{destination}: buku hanya dapat ditulis sebagai .pdf atau .docx.")
    if not destination.absolute().parent.is_dir():
        raise CliError(f"{destination}: folder tujuan {destination.absolute().parent} tidak ada.")
    statuses = [_status(s) for s in args.status or []]
    info = BookInfo(tahun=args.tahun or "", alamat=(args.alamat or "").replace("\\n", "\n"))
    if args.judul:
        info.judul = args.judul.replace("\\n", "\n")
    if args.penetapan:
        template = DEFAULT_TEMPLATE if args.penetapan.strip().casefold() == "bawaan" else Path(args.penetapan)
        try:
            info.penetapan = read_template(template)
        except BookError as exc:
            raise CliError(str(exc)) from None

    root = Path(args.pustaka) if args.pustaka else user_library_dir()
    if not (root / "sops").is_dir():
        raise CliError(f"pustaka {root} tidak ada atau belum berisi SOP.")
    try:
        library = Library.open(root)
    except StorageError as exc:
        raise CliError(f"pustaka {root} tidak dapat dibuka: {exc}") from None
    sops = []
    try:
        for entry in library.entries():
            try:
                sops.append(library.load(entry.id))
            except StorageError as exc:
                print(f"sopdesk: peringatan: {entry.nomor or entry.nama or entry.id} dilewati: {exc}",
                      file=sys.stderr)
    finally:
        library.close()
    if not sops:
        raise CliError(f"pustaka {root} belum berisi SOP, jadi tidak ada buku yang ditulis.")
    chosen = [s for s in sops
              if (not args.unit or any(matches(s, unit=u) for u in args.unit))
              and (not statuses or any(matches(s, status=st) for st in statuses))]
    if not chosen:
        units = sorted({sop_unit(s) for s in sops if sop_unit(s)}, key=str.casefold)
        wanted = "; ".join(filter(None, [
            f"unit {', '.join(args.unit)}" if args.unit else "", f"status {', '.join(statuses)}" if statuses else ""]))
        present = sorted({sop_status(s) or "tanpa status" for s in sops}, key=str.casefold)
        raise CliError(f"tidak ada SOP di pustaka {root} dengan {wanted}, jadi tidak ada buku yang ditulis. Unit yang "
                       f"ada: {', '.join(units) or '(tidak ada)'}. Status yang ada: {', '.join(present)}.")

    from .outputs import laid_out
    from .qt.fonts import ensure_app, qt_measure

    ensure_app()
    if suffix == ".pdf":
        from .qt.book_pdf import PdfBookWriter

        writer = PdfBookWriter()
    else:
        from .exporters.docx_book import DocxBookWriter
        from .qt.raster import rasterize_image, render_flowchart_layer

        writer = DocxBookWriter(render_flowchart_layer, rasterize_image)
    try:
        job = BookJob(chosen, info, [BookOutput(destination, writer)], laid_out, qt_measure())
    except BookError as exc:
        raise CliError(str(exc)) from None
    shown = sys.stderr.isatty()

    def progress(step) -> None:
        if shown:
            print(f"[{step.done}/{step.total}] {step.text}", file=sys.stderr, flush=True)

    try:
        plan = job.run(progress)
    except BookCancelled as exc:
        raise CliError(str(exc)) from None
    except BookError as exc:
        raise CliError(f"{destination}: {exc}") from None
    except KeyboardInterrupt:
        print("sopdesk: dibatalkan; tidak ada berkas yang ditulis.", file=sys.stderr)
        return 130
    except OSError as exc:
        raise CliError(f"{destination}: berkas tidak dapat ditulis ({_os_reason(exc)}).") from None
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
        raise CliError(f"{destination}: buku tidak dapat ditulis ({type(exc).__name__}: {exc}).") from None
    print(f"Tersimpan: {destination}")
    print(f"{len(plan.sop_parts)} SOP, {plan.total_pages} halaman (sampul 1, penetapan {plan.penetapan_pages}, "
          f"daftar isi {plan.toc_pages}).")
    for part in plan.sop_parts:
        nomor = part.sop.identity.nomor.strip() or "(tanpa nomor)"
        print(f"  hlm {part.first_page:>4}  {nomor}  {' '.join(part.sop.identity.nama.split())}")
    return EXIT_OK
