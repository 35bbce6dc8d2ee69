"""How the library reads and writes its files: bounded reads, Indonesian error messages, storable text.

Split from storage.py so the library class reads as what it does with SOPs; every message here names
the file and says what the user can do.
"""
from __future__ import annotations

import errno
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .atomic import FileTooLarge, NotRegularFile, read_regular_file
from .interchange import InterchangeError, dumps, parse_json_text, sop_from_data
from .model import Sop
from .textclean import clean_text

MAX_SOP_BYTES = 50 * 1024 * 1024
"""An SOP file bigger than this (a logo of tens of MB would still fit) is skipped at open and reported, never read."""

READ_ONLY_MESSAGE = (
    "Pustaka ini sedang dibuka di jendela SOP Desk lain, jadi di jendela ini hanya dapat dibaca. "
    "Lakukan perubahan di jendela tersebut, atau ekspor SOP sebagai JSON."
)



class StorageError(Exception):
    """A library operation failed; the message is Indonesian, names the file and says what to do."""


class LibraryReadOnly(StorageError):
    """A write was asked of a library another SOP Desk window holds."""

    def __init__(self, message: str = READ_ONLY_MESSAGE) -> None:
        super().__init__(message)



def os_message(verb: str, path: Path, exc: OSError) -> str:
    code = exc.errno
    if code == errno.ENOSPC or getattr(exc, "winerror", None) == 112:
        why = "disk penuh. Kosongkan ruang disk, lalu coba lagi"
    elif isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        why = ("akses ditolak. Periksa izin folder pustaka, tutup program lain yang memakai berkas itu, "
               "atau pindahkan pustaka lewat Preferensi")
    elif code == errno.EROFS:
        why = "disk atau folder ini hanya dapat dibaca. Pindahkan pustaka ke folder yang dapat ditulisi"
    elif isinstance(exc, FileNotFoundError):
        why = "berkas atau folder tidak ditemukan"
    else:
        why = exc.strerror or str(exc)
    return f"Gagal {verb} {path}: {why}."


@contextmanager
def failing_as(verb: str, path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise StorageError(os_message(verb, path, exc)) from exc


def damaged_message(path: Path, detail: str) -> str:
    return f"Berkas SOP rusak dan tidak dapat dibaca: {path} ({detail}). Berkas itu dibiarkan apa adanya."


def skipped_message(path: Path, why: str) -> str:
    return f"Berkas dilewati: {path} {why}. Berkas itu dibiarkan apa adanya."


NOT_REGULAR = "bukan berkas biasa (misalnya pipa, perangkat atau folder), jadi tidak dibaca"


def too_large(size: int) -> str:
    return (f"berukuran {size / (1024 * 1024):.0f} MB, melebihi batas {MAX_SOP_BYTES // (1024 * 1024)} MB "
            "untuk satu SOP, jadi tidak dibaca")


def read_library_bytes(path: Path) -> bytes:
    """A library file's bytes: only a regular file of bounded size, so a FIFO or /dev/zero cannot hang the app."""
    try:
        return read_regular_file(path, MAX_SOP_BYTES)
    except NotRegularFile:
        raise StorageError(skipped_message(path, NOT_REGULAR)) from None
    except FileTooLarge as exc:
        raise StorageError(skipped_message(path, too_large(exc.size))) from None
    except OSError as exc:
        raise StorageError(os_message("membaca", path, exc)) from exc


def read_document(path: Path) -> tuple[Sop, dict[str, Any]]:
    """An SOP file and its raw JSON; StorageError names the file when it cannot be read."""
    return parse_document(read_library_bytes(path), path)


def parse_document(raw: bytes, path: Path) -> tuple[Sop, dict[str, Any]]:
    """An SOP and its JSON from bytes (a file already read, or a version in the repository); StorageError names
    `path` when the bytes are not an SOP."""
    try:
        data = parse_json_text(raw.decode("utf-8-sig"), path.name)
        return sop_from_data(data), data
    except UnicodeDecodeError:
        raise StorageError(damaged_message(path, "bukan teks UTF-8")) from None
    except InterchangeError as exc:
        raise StorageError(damaged_message(path, str(exc))) from None
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        # The readers check what users get wrong; a file mangled some other way is just as damaged.
        raise StorageError(damaged_message(path, "isinya tidak berbentuk SOP")) from None



# ---- text that cannot be stored ----

_FIELD_LABELS = {"identity": "Identitas", "steps": "Langkah", "actors": "Pelaksana", "page": "Halaman"}


def _cleaned_tree(node: Any, where: list[str], found: list[str]) -> Any:
    """A copy of native JSON data with every string cleaned; `found` gets a label for each field that changed."""
    if isinstance(node, str):
        text, changed = clean_text(node)
        if changed:
            found.append(" › ".join(where) or "teks")
        return text
    if isinstance(node, dict):
        copy = {}
        for key, value in node.items():
            label = key
            if isinstance(key, str):
                key, changed = clean_text(key)
                label = _FIELD_LABELS.get(key, key)
                if changed:
                    found.append(" › ".join([*where, label]))
            copy[key] = _cleaned_tree(value, [*where, label], found)
        return copy
    if isinstance(node, list):
        name = where[-1] if where else ""
        return [_cleaned_tree(item, [*where[:-1], f"{name} {i + 1}".strip()], found) for i, item in enumerate(node)]
    return node


def encode_native(data: dict[str, Any]) -> tuple[bytes, list[str]]:
    """The file bytes of native data. Text UTF-8 cannot hold (a lone surrogate) is cleaned, never a failed save."""
    try:
        return dumps(data).encode("utf-8"), []
    except UnicodeEncodeError:
        found: list[str] = []
        cleaned = _cleaned_tree(data, [], found)
        return dumps(cleaned).encode("utf-8", "replace"), found
