"""What every importer does the same way: read the file without blocking, look at its first bytes, open
its zip archive within limits, and say in one Indonesian sentence why a file could not be read.

Each importer passes its own error class and the words that name its kind of file, so a refusal
names the file and the program it belongs to ("sedang dibuka di Word", "... di Excel").
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..atomic import FileTooLarge, NotRegularFile, read_regular_file
from . import ImportResult, os_error_sentence

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Start of an old Office file (.doc, .xls) and of a password-protected new one."""
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
"""Start of a zip archive (an empty one starts with its end record)."""


def guarded_import(path: Path, error: type[Exception], run: Callable[[Path], ImportResult],
                   damaged: Callable[[], str]) -> ImportResult:
    """`run(path)`, with every failure but the importer's own `error` turned into one: memory running
    out says the file is too large, anything else (odd bytes deep in zipfile, lxml or openpyxl) says
    the file is damaged, in the sentence `damaged()` gives."""
    try:
        return run(path)
    except error:
        raise
    except MemoryError:
        raise error(f"{path.name}: berkas terlalu besar untuk dibaca.") from None
    except Exception as exc:
        raise error(damaged()) from exc


def read_input(path: Path, limit: int, error: type[Exception], *, kind: str, program: str, too_large: str) -> bytes:
    """The file's bytes, at most `limit`; anything else raises `error` with one sentence naming the file.

    `kind` names the file ("Word"), `program` the program that may hold it open, `too_large` ends the
    sentence for a file over the limit.
    """
    try:
        # Opened without blocking and checked on the descriptor: a pipe or a device never hangs the import.
        return read_regular_file(path, limit)
    except NotRegularFile:
        raise error(f"{path.name}: bukan berkas {kind} (folder, pipa atau perangkat).") from None
    except FileTooLarge as exc:
        raise error(f"{path.name}: berkas terlalu besar ({exc.size // 2**20} MB){too_large}") from None
    except OSError as exc:
        raise error(os_error_sentence(path, exc, f"{program} atau program lain. Tutup dulu, lalu coba lagi.")) \
            from None


def is_encrypted_office(data: bytes) -> bool:
    """An Office file saved with a password: an OLE file holding the encrypted package."""
    return data.startswith(OLE_MAGIC) and ("EncryptedPackage".encode("utf-16-le") in data
                                           or "EncryptionInfo".encode("utf-16-le") in data)


def open_zip(name: str, data: bytes, error: type[Exception], *, ext: str, holds: str,
             max_entries: int) -> zipfile.ZipFile:
    """The archive in `data`, refused as damaged or as holding more than `max_entries` parts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise error(f"{name}: berkas rusak (arsip {ext} tidak utuh).") from None
    count = len(archive.infolist())
    if count > max_entries:
        raise error(f"{name}: berkas berisi {count} bagian; terlalu banyak untuk {holds}.")
    return archive


__all__ = ["OLE_MAGIC", "ZIP_MAGICS", "guarded_import", "is_encrypted_office", "open_zip", "read_input"]
