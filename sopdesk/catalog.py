"""The library's catalogue: tinydb with atomic writes and app-controlled flushes, and what each entry holds.

The catalogue only speeds up listing; the SOP files are the truth and the library rebuilds it from them.
Besides nomor, nama and unit, an entry keeps what the library panel filters and sorts by (status, years,
the parts of the review date) and the SOP's searchable words (search.py), so the window lists, filters
and searches the whole library without reading one SOP file.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, fields
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage

from .atomic import FileTooLarge, NotRegularFile, atomic_write_bytes, read_regular_file
from .lifecycle import review_basis
from .links import catalog_link_refs
from .search import normalise, query_words, sop_search_text
from .textclean import clean_text

if TYPE_CHECKING:
    from .model import Sop

MAX_CATALOG_BYTES = 500 * 1024 * 1024
"""Far above a catalogue of 100,000 SOPs (about 2.5 KB each with their searchable words); anything bigger is
not ours and is rebuilt rather than read."""


class CatalogDamaged(Exception):
    """catalog.json is not a tinydb file; the library rebuilds it from the SOP files."""


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    nomor: str
    nama: str
    unit: str
    updated_at: str  # ISO 8601 with time zone
    status: str = "Draf"  # model.Status value
    tahun_pembuatan: int | None = None  # year of Tanggal Pembuatan
    tahun_efektif: int | None = None  # year of Tanggal Efektif (of Tanggal Pengesahan where that is printed)
    # The parts lifecycle.due_from_parts() needs; the interval left to Preferensi (None) is only known in the window.
    review_basis: str = ""  # ISO date the review interval counts from, or ""
    review_months: int | None = None
    review_planned: str = ""  # ISO date of Tanggal Revisi when it holds the planned review, or ""
    search_text: str = field(default="", repr=False)  # search.search_words() of every text of the SOP
    # links.catalog_link_refs(): the SOP's Keterkaitan items and Keterangan as [where, text, linked id], for back-links.
    link_refs: tuple = field(default=(), compare=False, repr=False)
    # After a save: the fields whose text could not be stored as typed and was cleaned (labels in Indonesian).
    cleaned: tuple[str, ...] = field(default=(), compare=False)


def filter_entries(entries: list[CatalogEntry], text: str) -> list[CatalogEntry]:
    """Entries holding every word of `text` in any of their texts, ignoring case and accents.

    The words are looked for in the entry's search_text (every text of the SOP) and in its nomor, nama and
    unit, so an entry made without search_text is still found by those. The window keeps a
    search.SearchIndex instead, which answers a keystroke from the last one's result.
    """
    words = query_words(text)
    found = []
    for entry in entries:
        haystack = f"{entry.search_text}\n{normalise(entry.nomor)}\n{normalise(entry.nama)}\n{normalise(entry.unit)}"
        if all(word in haystack for word in words):
            found.append(entry)
    return found


def _year(day) -> int | None:
    return day.year if day is not None else None


def _iso_or_empty(day) -> str:
    return day.isoformat() if day is not None else ""


def catalog_fields(sop: Sop) -> dict[str, Any]:
    """What an entry keeps beyond nomor, nama and unit: status, years, review parts and the searchable words."""
    ident, life = sop.identity, sop.lifecycle
    effective = ident.tanggal_pengesahan if ident.use_pengesahan else ident.tanggal_efektif
    return {
        "status": life.status.value,
        "tahun_pembuatan": _year(ident.tanggal_pembuatan),
        "tahun_efektif": _year(effective or (ident.tanggal_efektif or ident.tanggal_pengesahan)),
        "review_basis": _iso_or_empty(review_basis(sop)),
        "review_months": life.review_months,
        "review_planned": _iso_or_empty(ident.tanggal_revisi) if life.review_on_tanggal_revisi else "",
        "search_text": clean_text(sop_search_text(sop))[0],  # the catalogue is UTF-8 too
        "link_refs": catalog_link_refs(sop),
    }


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


_YEAR = (int, type(None))
# A catalogue written before a key existed lacks it: its entries are not valid, and the library reads
# those SOP files again once (then the catalogue holds the new keys).
_DOC_TYPES = {"id": str, "file": str, "nomor": str, "nama": str, "unit": str, "updated_at": str,
              "mtime_ns": int, "size": int, "trashed": bool,
              "status": str, "tahun_pembuatan": _YEAR, "tahun_efektif": _YEAR, "review_basis": str,
              "review_months": _YEAR, "review_planned": str, "search_text": str,
              "link_refs": list}


def valid_doc(doc: Any) -> bool:
    # JSON true is a Python bool, which is an int too: only "trashed" may be one.
    return all(key in doc and isinstance(doc[key], kind) and (kind is bool or not isinstance(doc[key], bool))
               for key, kind in _DOC_TYPES.items())


_ENTRY_FIELDS = tuple(f.name for f in fields(CatalogEntry) if f.name != "cleaned")
_entry_values = itemgetter(*_ENTRY_FIELDS)


def entry_of(doc: dict[str, Any]) -> CatalogEntry:
    """The entry of a valid catalogue document.

    Library.entries() builds one per SOP on every call, so this skips the frozen dataclass's __init__ (one
    object.__setattr__ per field, four times slower) and fills the same attributes directly.
    """
    entry = object.__new__(CatalogEntry)
    entry.__dict__.update(zip(_ENTRY_FIELDS, _entry_values(doc)), cleaned=())
    return entry
