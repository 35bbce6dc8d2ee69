"""The library's catalogue: tinydb with atomic writes and app-controlled flushes, and the search-box filter.

The catalogue only speeds up listing; the SOP files are the truth and the library rebuilds it from them.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from .atomic import FileTooLarge, NotRegularFile, atomic_write_bytes, read_regular_file

MAX_CATALOG_BYTES = 200 * 1024 * 1024
"""Far above a catalogue of 100,000 SOPs; anything bigger is not ours and is rebuilt rather than read."""


class CatalogDamaged(Exception):
    """catalog.json is not a tinydb file; the library rebuilds it from the SOP files."""


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    nomor: str
    nama: str
    unit: str
    updated_at: str  # ISO 8601 with time zone
    # After a save: the fields whose text could not be stored as typed and was cleaned (labels in Indonesian).
    cleaned: tuple[str, ...] = field(default=(), compare=False)


def filter_entries(entries: list[CatalogEntry], text: str) -> list[CatalogEntry]:
    """Entries whose nomor, nama or unit contain every word of `text`, ignoring case."""
    words = text.casefold().split()
    found = []
    for entry in entries:
        haystack = f"{entry.nomor}\n{entry.nama}\n{entry.unit}".casefold()
        if all(word in haystack for word in words):
            found.append(entry)
    return found


# ---- file names ---------------------------------------------------------------------------


class AtomicJSONStorage(Storage):
    """tinydb storage that replaces its file atomically instead of rewriting it in place."""

    def __init__(self, path: str | Path, read_only: bool = False, start_empty: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.start_empty = start_empty

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self.start_empty:
            return None
        try:
            raw = read_regular_file(self.path, MAX_CATALOG_BYTES)
        except FileNotFoundError:
            return None
        except NotRegularFile:
            raise CatalogDamaged("bukan berkas biasa") from None
        except FileTooLarge as exc:
            raise CatalogDamaged(f"terlalu besar, {exc.size} bita") from None
        except OSError as exc:
            raise CatalogDamaged(exc.strerror or str(exc)) from None
        if not raw.strip():
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise CatalogDamaged(str(exc)) from None
        except RecursionError:
            raise CatalogDamaged("susunan JSON terlalu dalam") from None
        # tinydb turns every document key into an int and trusts every table to be a dict of dicts.
        if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(doc, dict) and key.isdigit() and key.isascii()
                                            for key, doc in table.items())
            for table in data.values()
        ):
            raise CatalogDamaged("bukan katalog tinydb")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            return  # a read-only window keeps its reconciled view in memory only
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        # "replace": a lone surrogate the library did not clean must not stop the catalogue (only a cache) from saving.
        atomic_write_bytes(self.path, text.encode("utf-8", "replace"))

    def close(self) -> None:
        pass


class FlushingCache(CachingMiddleware):
    """Holds every catalogue change in memory until the library calls flush()."""

    WRITE_CACHE_SIZE = sys.maxsize

    def pending(self) -> bool:
        return self._cache_modified_count > 0


_DOC_TYPES = {"id": str, "file": str, "nomor": str, "nama": str, "unit": str, "updated_at": str,
              "mtime_ns": int, "size": int, "trashed": bool}


def valid_doc(doc: Any) -> bool:
    return all(isinstance(doc.get(key), kind) for key, kind in _DOC_TYPES.items())


def entry_of(doc: dict[str, Any]) -> CatalogEntry:
    return CatalogEntry(id=doc["id"], nomor=doc["nomor"], nama=doc["nama"], unit=doc["unit"],
                        updated_at=doc["updated_at"])
