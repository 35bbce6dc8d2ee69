"""The local SOP library: one JSON file per SOP, a tinydb catalogue, revisions, Sampah, recovery copies and the lock.

Layout of a library folder (the SOP files are the truth; everything else can be rebuilt or is a copy):

    library.lock            OS lock held by the one window that may write
    catalog.json            tinydb catalogue (id, nomor, nama, unit, updated_at, file stat), flushed on demand
    sops/<stem>.json        current version of each SOP, sopdesk/1 plus "saved_at"
    trash/<stem>.json       SOPs in the Sampah
    history/<stem>/<revision>.json   earlier versions, one per save
    recovery/<stem>.json    unsaved edits, written while the user types
    session.open            present while a window has the library open for writing; left behind by a crash
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import hashlib
import inspect
import json
import os
import re
import shutil
import stat as stat_mode
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import filelock
import platformdirs
from tinydb import TinyDB

from .atomic import (
    IS_WINDOWS,
    FileTooLarge,
    NotRegularFile,
    atomic_write_bytes,
    fsync_dir,
    is_temp_file,
    read_regular_file,
    remove_stale_temps,
    replace,
)
from .catalog import (  # noqa: F401 - CatalogEntry and filter_entries are part of this module's API
    AtomicJSONStorage,
    CatalogDamaged,
    CatalogEntry,
    FlushingCache,
    entry_of,
    filter_entries,
    valid_doc,
)
from .interchange import InterchangeError, dumps, parse_json_text, sop_from_data, sop_to_native
from .model import Sop, new_id
from .textclean import clean_text

LOCK_NAME = "library.lock"
CATALOG_NAME = "catalog.json"
SESSION_MARKER = "session.open"
SOPS, TRASH, HISTORY, RECOVERY = "sops", "trash", "history", "recovery"
LOCK_TIMEOUT = 0.3
COPY_PREFIX = "Salinan "
MAX_SOP_BYTES = 50 * 1024 * 1024
"""An SOP file bigger than this (a logo of tens of MB would still fit) is skipped at open and reported, never read."""
DAMAGED_REVISION = "versi rusak, tidak dapat dibuka"

READ_ONLY_MESSAGE = (
    "Pustaka ini sedang dibuka di jendela SOP Desk lain, jadi di jendela ini hanya dapat dibaca. "
    "Lakukan perubahan di jendela tersebut, atau ekspor SOP sebagai JSON."
)


LOST_LOCK_MESSAGE = (
    "Berkas kunci pustaka ({lock}) dihapus atau diganti selagi jendela ini memakainya, dan kini dipegang "
    "jendela SOP Desk lain. Agar tidak saling menimpa, jendela ini sekarang hanya dapat membaca pustaka. "
    "Perubahan yang belum disimpan masih ada di jendela ini: ekspor sebagai JSON, lalu buka ulang SOP Desk."
)


class StorageError(Exception):
    """A library operation failed; the message is Indonesian, names the file and says what to do."""


class LibraryReadOnly(StorageError):
    """A write was asked of a library another SOP Desk window holds."""

    def __init__(self, message: str = READ_ONLY_MESSAGE) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Revision:
    """One earlier version. A version that cannot be read is still listed: nama says so and damaged says why."""

    revision_id: str
    saved_at: str  # ISO 8601: when that version was saved
    nomor: str
    nama: str
    damaged: str = ""  # Indonesian: why this version cannot be opened; "" when it can


def default_library_dir() -> Path:
    return platformdirs.user_data_path("SOP Desk", appauthor=False) / "pustaka"


_PLAIN_STEM = re.compile(r"[0-9a-z]{1,64}")
_REVISION_ID = re.compile(r"[0-9A-Za-z_-]{1,80}")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)}


def file_stem(sop_id: str) -> str:
    """The file name of an SOP: its id when that is safe everywhere, else a digest of it.

    Ids made by SOP Desk are lowercase hex and stay readable; an id from a hand-written
    JSON file may hold any character, or differ from another only by case, which
    Windows file names cannot tell apart.
    """
    if _PLAIN_STEM.fullmatch(sop_id) and sop_id not in _WINDOWS_RESERVED:
        return sop_id
    # surrogatepass: an id read from a hand-written file may hold a lone surrogate, which must not crash a save.
    return "h-" + hashlib.sha256(sop_id.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _parse_iso(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _from_mtime(mtime_ns: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(mtime_ns / 1e9, dt.timezone.utc)


def _moment_of_revision(path: Path) -> dt.datetime:
    """When a version that cannot be read was saved: its name says so, else its file's mtime."""
    try:
        return dt.datetime.strptime(path.stem, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        pass
    try:
        return _from_mtime(path.stat().st_mtime_ns)
    except OSError:
        return dt.datetime.fromtimestamp(0, dt.timezone.utc)


def _move_aside(path: Path) -> Path | None:
    """Rename a damaged file to <name>.rusak-<time> so it is kept but no longer read; None if that fails."""
    aside = path.with_name(f"{path.name}.rusak-{_revision_id(_now())}")
    try:
        os.replace(path, aside)
    except OSError:
        return None
    return aside


def _revision_id(saved_at: dt.datetime) -> str:
    # Sorts like the time it names; no ":" so it is a valid Windows file name.
    return saved_at.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _unit_of(sop: Sop) -> str:
    lines = [line for line in sop.identity.unit_lines if line.strip()]
    return lines[-1] if lines else sop.identity.instansi


# ---- error messages -------------------------------------------------------------------------


def _os_message(verb: str, path: Path, exc: OSError) -> str:
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
def _failing_as(verb: str, path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise StorageError(_os_message(verb, path, exc)) from exc


def _damaged_message(path: Path, detail: str) -> str:
    return f"Berkas SOP rusak dan tidak dapat dibaca: {path} ({detail}). Berkas itu dibiarkan apa adanya."


def _skipped_message(path: Path, why: str) -> str:
    return f"Berkas dilewati: {path} {why}. Berkas itu dibiarkan apa adanya."


NOT_REGULAR = "bukan berkas biasa (misalnya pipa, perangkat atau folder), jadi tidak dibaca"


def _too_large(size: int) -> str:
    return (f"berukuran {size / (1024 * 1024):.0f} MB, melebihi batas {MAX_SOP_BYTES // (1024 * 1024)} MB "
            "untuk satu SOP, jadi tidak dibaca")


def _read_bytes(path: Path) -> bytes:
    """A library file's bytes: only a regular file of bounded size, so a FIFO or /dev/zero cannot hang the app."""
    try:
        return read_regular_file(path, MAX_SOP_BYTES)
    except NotRegularFile:
        raise StorageError(_skipped_message(path, NOT_REGULAR)) from None
    except FileTooLarge as exc:
        raise StorageError(_skipped_message(path, _too_large(exc.size))) from None
    except OSError as exc:
        raise StorageError(_os_message("membaca", path, exc)) from exc


def _read_document(path: Path) -> tuple[Sop, dict[str, Any]]:
    """An SOP file and its raw JSON; StorageError names the file when it cannot be read."""
    raw = _read_bytes(path)
    try:
        data = parse_json_text(raw.decode("utf-8-sig"), path.name)
        return sop_from_data(data), data
    except UnicodeDecodeError:
        raise StorageError(_damaged_message(path, "bukan teks UTF-8")) from None
    except InterchangeError as exc:
        raise StorageError(_damaged_message(path, str(exc))) from None
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError):
        # The readers check what users get wrong; a file mangled some other way is just as damaged.
        raise StorageError(_damaged_message(path, "isinya tidak berbentuk SOP")) from None


def _saved_at_of(data: Any, path: Path, mtime_ns: int | None = None) -> dt.datetime:
    """When a version was saved; a file from elsewhere, with no "saved_at", is dated by its mtime."""
    moment = _parse_iso(data.get("saved_at")) if isinstance(data, dict) else None
    if moment is None:
        if mtime_ns is None:
            with _failing_as("membaca", path):
                mtime_ns = path.stat().st_mtime_ns
        moment = _from_mtime(mtime_ns)
    return moment


# ---- the lock -----------------------------------------------------------------------------------


def _os_lock(root: Path, on_acquired: Any = None) -> filelock.BaseFileLock:
    options: dict[str, Any] = {"timeout": LOCK_TIMEOUT, "thread_local": False}
    parameters = inspect.signature(filelock.FileLock.__init__).parameters
    # A marker-file lock would outlive a crashed window and shut the user out; filelock 4 would fall back to
    # one on a filesystem without flock unless told not to (older versions refuse on their own).
    if "fallback_to_soft" in parameters:
        options["fallback_to_soft"] = False
    # Release must never unlink the path: after our file was deleted, that name may be another copy's lock.
    if "preserve_lock_file" in parameters:
        options["preserve_lock_file"] = True
    if on_acquired is not None and "on_acquired" in parameters:
        options["on_acquired"] = on_acquired
    return filelock.FileLock(root / LOCK_NAME, **options)


class _HeldLock:
    """The OS lock on library.lock, and the identity of the very file it locks.

    flock locks a file, not a name: when someone deletes library.lock, a second copy creates a new
    file under the same name and locks that one too. So before every write the holder checks that
    the name still leads to the file it locked. Windows refuses to delete a file that filelock holds
    open, so there the check is skipped (its file ids are not worth the risk of a false alarm).
    """

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_NAME
        self.identity: tuple[int, int] | None = None
        self.lock = _os_lock(root, self._on_acquired)

    def _on_acquired(self, fd: int) -> None:
        info = os.fstat(fd)
        self.identity = (info.st_dev, info.st_ino)

    def acquire(self) -> None:
        self.lock.acquire()
        if self.identity is None:  # a filelock without on_acquired: the name, just after locking, is the next best
            try:
                self._on_acquired_path()
            except OSError:
                pass

    def _on_acquired_path(self) -> None:
        info = os.stat(self.path)
        self.identity = (info.st_dev, info.st_ino)

    def still_ours(self) -> bool:
        if IS_WINDOWS or self.identity is None or self.identity[1] == 0:
            return True  # nothing to compare (or, on Windows, nothing that could have happened)
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == self.identity

    def release(self) -> None:
        self.lock.release()


def _lock_error(root: Path, exc: BaseException) -> StorageError:
    if isinstance(exc, NotImplementedError) or getattr(exc, "errno", None) == errno.ENOSYS:
        return StorageError(f"Folder {root} tidak mendukung penguncian berkas (misalnya sebagian folder jaringan), "
                            "sehingga dua jendela dapat saling merusak pustaka. Pilih folder di disk komputer ini.")
    assert isinstance(exc, OSError)
    return StorageError(_os_message("mengunci", root / LOCK_NAME, exc))


def _take_lock(root: Path) -> tuple[_HeldLock | None, str]:
    """The lock, or None and why this window may only read (Indonesian): never an error that keeps the library shut."""
    held = _HeldLock(root)
    try:
        held.acquire()
    except filelock.Timeout:
        return None, READ_ONLY_MESSAGE
    except (OSError, NotImplementedError) as exc:
        # A full disk, a read-only folder or a share without locking: reading is still safe, writing is not.
        return None, f"{_lock_error(root, exc)} Karena itu pustaka dibuka hanya-baca."
    return held, ""


# ---- text that cannot be stored --------------------------------------------------------------------

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


def _encode(data: dict[str, Any]) -> tuple[bytes, list[str]]:
    """The file bytes of native data. Text UTF-8 cannot hold (a lone surrogate) is cleaned, never a failed save."""
    try:
        return dumps(data).encode("utf-8"), []
    except UnicodeEncodeError:
        found: list[str] = []
        cleaned = _cleaned_tree(data, [], found)
        return dumps(cleaned).encode("utf-8", "replace"), found


# ---- the library ---------------------------------------------------------------------------------


class Library:
    """One library folder, opened for writing by one window at a time (others get read_only)."""

    def __init__(self, root: Path, lock: _HeldLock | None, read_only_reason: str = "") -> None:
        self.root = root
        # Why this window may not write (Indonesian), "" while it holds the lock.
        self.read_only_reason = read_only_reason
        self.read_only = bool(read_only_reason)
        # Files that could not be read or were skipped, with why: the damaged-files report at start.
        self.damaged: list[tuple[Path, str]] = []
        # Other things the user should hear about at start (a rebuilt catalogue, a full disk), Indonesian.
        self.notes: list[str] = []
        self._lock = lock  # None when this window does not hold the lock
        self._closed = False
        self._db: TinyDB | None = None
        self._doc_ids: dict[str, int] = {}  # SOP id -> tinydb doc id, so a save updates one document directly

    # ---- opening and closing ----------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path) -> Library:
        root = Path(root)
        with _failing_as("membuka folder pustaka", root):
            for folder in (root, root / SOPS, root / TRASH, root / HISTORY, root / RECOVERY):
                folder.mkdir(parents=True, exist_ok=True)
        lock, reason = _take_lock(root)
        library = cls(root, lock, reason)
        try:
            library._start()
        except BaseException:
            if library._db is not None:
                library._db.storage.storage.read_only = True
                library._db.close()
            library._drop_lock()
            raise
        return library

    def _drop_lock(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            try:
                lock.release()
            except OSError:
                pass  # the descriptor is closed either way; the OS drops the lock with it

    def _start(self) -> None:
        if not self.read_only:
            self._remove_debris()
        catalog = self.root / CATALOG_NAME
        try:
            self._db = TinyDB(catalog, storage=FlushingCache(AtomicJSONStorage), read_only=self.read_only)
            docs = self._db.table("sops").all()
        except CatalogDamaged as exc:
            if self._db is not None:
                self._db.close()
            kept = ""
            # It holds nothing the SOP files do not; when it cannot be moved, the next flush overwrites it.
            aside = None if self.read_only else _move_aside(catalog)
            if aside is not None:
                kept = f" Berkas lamanya disimpan sebagai {aside}."
            self.notes.append(f"Katalog pustaka {catalog} tidak dapat dibaca ({exc}), jadi disusun ulang dari "
                              f"berkas SOP. Tidak ada SOP yang hilang.{kept}")
            self._db = TinyDB(catalog, storage=FlushingCache(AtomicJSONStorage), read_only=self.read_only,
                              start_empty=True)
            docs = []
        self._reconcile(docs)
        self._check_recovery_copies()
        try:
            self.flush()
        except StorageError as exc:
            # The catalogue only speeds up listing: the library opens, and the next flush tries again.
            self.notes.append(f"{exc} Pustaka tetap dibuka; daftar SOP disusun dari berkasnya.")

    def _remove_debris(self) -> None:
        # We hold the lock, so no other writer can be half-way through: every temp file is debris.
        for folder in (self.root, self.root / SOPS, self.root / TRASH, self.root / RECOVERY):
            remove_stale_temps(folder)
        marker = self.root / SESSION_MARKER
        if marker.exists():
            # The last session crashed. Only then are the thousands of history folders worth a look:
            # reading them all on every start would cost seconds on a cold hard disk.
            with os.scandir(self.root / HISTORY) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        remove_stale_temps(Path(entry.path))
        try:
            atomic_write_bytes(marker, str(os.getpid()).encode("ascii"))
        except OSError as exc:
            # A full disk must not keep the user from the library. Without the marker, a crash in this
            # session only leaves temp files in history/ until some later start after a crash.
            self.notes.append(f"{_os_message('menulis', marker, exc)} Pustaka tetap dibuka, tetapi menyimpan "
                              "dapat gagal sampai masalah itu teratasi.")

    def _reconcile(self, docs: list[Any]) -> None:
        """Bring the catalogue in line with the SOP files: a crash before a flush, or files copied in by hand."""
        table = self._table()
        by_stem: dict[str, Any] = {}
        broken = []
        for doc in docs:
            if valid_doc(doc) and doc["file"] not in by_stem and doc["file"] == file_stem(doc["id"]):
                by_stem[doc["file"]] = doc
            else:
                broken.append(doc.doc_id)
        if broken:
            table.remove(doc_ids=broken)
        self._doc_ids = {doc["id"]: doc.doc_id for doc in by_stem.values()}
        seen: set[str] = set()
        for place in (SOPS, TRASH):
            with os.scandir(self.root / place) as it:
                files = sorted((e for e in it if e.name.endswith(".json") and not is_temp_file(e.name)),
                               key=lambda e: e.name)
            for entry in files:
                stem, path = entry.name[:-5], Path(entry.path)
                if stem in seen:
                    self._settle_duplicate(path)
                    continue
                try:
                    stat = entry.stat()
                except OSError:
                    if entry.is_symlink():
                        self.damaged.append((path, _skipped_message(path, "adalah tautan ke berkas yang tidak ada")))
                    continue  # else gone since the listing: the window that holds the lock moved it
                # stat follows symlinks: a link to a regular SOP file is read, a link to a device is not.
                if not stat_mode.S_ISREG(stat.st_mode):
                    self.damaged.append((path, _skipped_message(path, NOT_REGULAR)))
                    continue
                if stat.st_size > MAX_SOP_BYTES:
                    self.damaged.append((path, _skipped_message(path, _too_large(stat.st_size))))
                    continue
                doc = by_stem.get(stem)
                if doc and (doc["trashed"], doc["mtime_ns"], doc["size"]) == (place == TRASH, stat.st_mtime_ns,
                                                                              stat.st_size):
                    seen.add(stem)
                    continue
                try:
                    sop, data = _read_document(path)
                except StorageError as exc:
                    if path.exists():
                        self.damaged.append((path, str(exc)))
                    continue
                sop_id = stem if _PLAIN_STEM.fullmatch(stem) else sop.id
                if file_stem(sop_id) != stem:
                    self.damaged.append((path, f"{path}: nama berkas ini bukan nama berkas pustaka SOP Desk. "
                                               "Impor berkas itu lewat menu Impor JSON."))
                    continue
                sop.id = sop_id
                seen.add(stem)
                self._record(sop, _saved_at_of(data, path, stat.st_mtime_ns), stat, trashed=place == TRASH)
        gone = [doc.doc_id for stem, doc in by_stem.items() if stem not in seen]
        if gone:
            table.remove(doc_ids=gone)
            self._doc_ids = {sop_id: doc_id for sop_id, doc_id in self._doc_ids.items() if doc_id not in gone}

    def _settle_duplicate(self, trashed: Path) -> None:
        # A save of a trashed SOP died before removing the Sampah copy: the saved one wins, the other becomes history.
        if self.read_only:
            return
        try:
            _sop, data = _read_document(trashed)
            moment = _saved_at_of(data, trashed)
        except StorageError:
            moment = _now()
        folder = self.root / HISTORY / trashed.stem
        with _failing_as("memindahkan", trashed):
            folder.mkdir(exist_ok=True)
            replace(trashed, folder / f"{_revision_id(moment)}.json")
            fsync_dir(folder)
            fsync_dir(trashed.parent)

    def flush(self) -> None:
        """Write the catalogue now (the SOP files are always written at once)."""
        if self.read_only or self._db is None:
            return
        cache = self._db.storage
        if cache.pending():
            if not self._still_holding():
                return  # now read-only; the SOP files are the truth and the holder keeps its own catalogue
            with _failing_as("menyimpan katalog", self.root / CATALOG_NAME):
                cache.flush()

    def close(self) -> None:
        if self._closed:
            return
        try:
            try:
                self.flush()
            except StorageError:
                pass  # a full disk, say: the catalogue is only a cache, and the next open rebuilds it from the files
            self._closed = True
            # Only while the lock is still ours: after a deleted lock file the marker may be another copy's.
            if self._lock is not None and not self.read_only and self._lock.still_ours():
                try:
                    (self.root / SESSION_MARKER).unlink(missing_ok=True)
                except OSError:
                    pass  # a leftover marker only costs the next start a look through the history folders
        finally:
            self._closed = True
            if self._db is not None:
                self._db.storage.storage.read_only = True  # already flushed; close must not write a second time
                self._db.close()
            self._drop_lock()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- the catalogue ----------------------------------------------------------------------
    def _table(self):
        assert self._db is not None
        return self._db.table("sops")

    def _record(self, sop: Sop, saved_at: dt.datetime, stat: os.stat_result, trashed: bool) -> CatalogEntry:
        fields = {"id": sop.id, "file": file_stem(sop.id), "nomor": sop.identity.nomor, "nama": sop.identity.nama,
                  "unit": _unit_of(sop), "updated_at": _iso(saved_at), "mtime_ns": stat.st_mtime_ns,
                  "size": stat.st_size, "trashed": trashed}
        for key in ("nomor", "nama", "unit"):
            fields[key] = clean_text(fields[key])[0]  # the catalogue is UTF-8 too
        table = self._table()
        doc_id = self._doc_ids.get(sop.id)
        if doc_id is not None and table.contains(doc_id=doc_id):
            table.update(fields, doc_ids=[doc_id])
        else:
            self._doc_ids[sop.id] = table.insert(fields)
        return entry_of(fields)

    def _set_trashed(self, sop_id: str, trashed: bool) -> None:
        doc_id = self._doc_ids.get(sop_id)
        if doc_id is not None:
            self._table().update({"trashed": trashed}, doc_ids=[doc_id])

    def entries(self) -> list[CatalogEntry]:
        """SOPs in the library (not the Sampah), most recently saved first."""
        return self._entries(trashed=False)

    def list_trash(self) -> list[CatalogEntry]:
        return self._entries(trashed=True)

    def _entries(self, trashed: bool) -> list[CatalogEntry]:
        found = [entry_of(doc) for doc in self._table().all() if doc["trashed"] is trashed]
        found.sort(key=lambda e: e.updated_at, reverse=True)
        return found

    # ---- SOPs ----------------------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise LibraryReadOnly(self.read_only_reason)
        if self._closed:
            raise StorageError(f"Pustaka {self.root} sudah ditutup.")
        if not self._still_holding():
            raise LibraryReadOnly(self.read_only_reason)

    def _still_holding(self) -> bool:
        """True while this window holds the lock on the file named library.lock; re-taken when that file was lost.

        A window that finds another copy holding the new lock file turns read-only for good. The check
        and the write that follows are not one step: a deletion in between goes unseen for that one write.
        """
        if self._lock is None:
            return False
        if self._lock.still_ours():
            return True
        self._drop_lock()
        lock, reason = _take_lock(self.root)
        if lock is None:
            self.read_only = True
            self.read_only_reason = (LOST_LOCK_MESSAGE.format(lock=self.root / LOCK_NAME)
                                     if reason == READ_ONLY_MESSAGE else reason)
            if self._db is not None:
                self._db.storage.storage.read_only = True
            return False
        self._lock = lock
        # Another copy may have written while the name was free: the files are the truth, catch up with them.
        self._reconcile(self._table().all())
        try:
            atomic_write_bytes(self.root / SESSION_MARKER, str(os.getpid()).encode("ascii"))
        except OSError:
            pass  # only an aid to the next start's clean-up
        return True

    def _sop_path(self, sop_id: str) -> Path:
        return self.root / SOPS / f"{file_stem(sop_id)}.json"

    def _trash_path(self, sop_id: str) -> Path:
        return self.root / TRASH / f"{file_stem(sop_id)}.json"

    def load(self, sop_id: str) -> Sop:
        path = self._sop_path(sop_id)
        if not path.exists():
            path = self._trash_path(sop_id)
            if not path.exists():
                raise StorageError(f"SOP tidak ditemukan di pustaka {self.root}: berkasnya sudah tidak ada.")
        sop, _data = _read_document(path)
        sop.id = sop_id  # the file name is the identity: a file copied by hand must not save over its original
        return sop

    def save(self, sop: Sop) -> CatalogEntry:
        """Write the SOP as its current version; the version it replaces goes to its history first."""
        self._check_writable()
        target = self._sop_path(sop.id)
        in_trash = self._trash_path(sop.id)
        previous = target if target.exists() else in_trash if in_trash.exists() else None
        saved_at = _now()
        if previous is not None:
            old_saved_at = self._archive(sop.id, previous)
            # Strictly later than the version it replaces: revision ids are made from these times.
            saved_at = max(saved_at, old_saved_at + dt.timedelta(microseconds=1))
        data = sop_to_native(sop)
        data["saved_at"] = _iso(saved_at)
        raw, cleaned = _encode(data)
        with _failing_as("menyimpan", target):
            atomic_write_bytes(target, raw)
        if previous == in_trash:
            # Saving a trashed SOP (still open in the editor) takes it out of the Sampah.
            with _failing_as("menghapus", in_trash):
                in_trash.unlink(missing_ok=True)
                fsync_dir(in_trash.parent)
        with _failing_as("membaca", target):
            stat = target.stat()
        entry = self._record(sop, saved_at, stat, trashed=False)
        return dataclasses.replace(entry, cleaned=tuple(cleaned)) if cleaned else entry

    def _archive(self, sop_id: str, current: Path) -> dt.datetime:
        """Copy the current file into history; returns when that version was saved."""
        try:
            # No size limit here: whatever the user has under this name is kept, however big.
            raw = read_regular_file(current, 1 << 40)
        except NotRegularFile:
            return _now()  # a FIFO or a device holds no earlier version to keep
        except OSError as exc:
            raise StorageError(_os_message("membaca", current, exc)) from exc
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None  # a damaged file is still kept, byte for byte
        saved_at = _saved_at_of(data, current)
        folder = self.root / HISTORY / file_stem(sop_id)
        kept = folder / f"{_revision_id(saved_at)}.json"
        # Already there when an earlier save died after archiving: same version, same name.
        if not kept.exists():
            with _failing_as("menyimpan riwayat", kept):
                folder.mkdir(exist_ok=True)
                atomic_write_bytes(kept, raw)
        return saved_at

    def duplicate(self, sop_id: str) -> Sop:
        """A copy under a new id, named "Salinan …", not saved: the editor opens it as a new SOP."""
        twin = self.load(sop_id).clone()
        twin.id = new_id()
        twin.identity.nama = (COPY_PREFIX + twin.identity.nama).strip()
        return twin

    # ---- Sampah ---------------------------------------------------------------------------
    def trash(self, sop_id: str) -> None:
        self._check_writable()
        self._move(self._sop_path(sop_id), self._trash_path(sop_id))
        self._set_trashed(sop_id, True)

    def restore(self, sop_id: str) -> None:
        self._check_writable()
        target = self._sop_path(sop_id)
        if target.exists():
            raise StorageError(f"SOP ini sudah ada di pustaka ({target}); salinan di Sampah tidak dipulihkan.")
        self._move(self._trash_path(sop_id), target)
        self._set_trashed(sop_id, False)

    def purge(self, sop_id: str) -> None:
        """Delete for good an SOP in the Sampah, with its history."""
        self._check_writable()
        path = self._trash_path(sop_id)
        if not path.exists():
            raise StorageError("Hanya SOP di Sampah yang dapat dihapus permanen; pindahkan ke Sampah dulu.")
        history = self.root / HISTORY / file_stem(sop_id)
        # History first: a crash half-way leaves the SOP in the Sampah, never an orphaned history.
        if history.exists():
            with _failing_as("menghapus", history):
                shutil.rmtree(history)
        with _failing_as("menghapus", path):
            path.unlink()
            fsync_dir(path.parent)
        doc_id = self._doc_ids.pop(sop_id, None)
        if doc_id is not None:
            self._table().remove(doc_ids=[doc_id])

    def _move(self, source: Path, target: Path) -> None:
        if not source.exists():
            raise StorageError(f"SOP tidak ditemukan: {source} sudah tidak ada.")
        with _failing_as("memindahkan", source):
            replace(source, target)
            fsync_dir(target.parent)
            fsync_dir(source.parent)

    # ---- history ----------------------------------------------------------------------------
    def history(self, sop_id: str) -> list[Revision]:
        """Earlier versions, newest first; one that cannot be read is listed as such (see Revision)."""
        folder = self.root / HISTORY / file_stem(sop_id)
        if not folder.is_dir():
            return []
        revisions = []
        for path in folder.glob("*.json"):
            if is_temp_file(path.name):
                continue
            try:
                sop, data = _read_document(path)
                saved_at = _saved_at_of(data, path)
            except StorageError as exc:
                moment = _moment_of_revision(path)
                revisions.append(Revision(path.stem, _iso(moment), "", f"({DAMAGED_REVISION})", damaged=str(exc)))
                continue
            revisions.append(Revision(path.stem, _iso(saved_at), sop.identity.nomor, sop.identity.nama))
        revisions.sort(key=lambda r: (r.saved_at, r.revision_id), reverse=True)
        return revisions

    def load_revision(self, sop_id: str, revision_id: str) -> Sop:
        if not _REVISION_ID.fullmatch(revision_id):
            raise StorageError(f"Versi \"{revision_id}\" tidak dikenal.")
        path = self.root / HISTORY / file_stem(sop_id) / f"{revision_id}.json"
        if not path.exists():
            raise StorageError(f"Versi {revision_id} tidak ada lagi di riwayat ({path}).")
        sop, _data = _read_document(path)
        sop.id = sop_id
        return sop

    def restore_revision(self, sop_id: str, revision_id: str) -> Sop:
        """Make an earlier version current again; the version it replaces stays in the history."""
        self._check_writable()
        sop = self.load_revision(sop_id, revision_id)
        self.save(sop)
        return sop

    # ---- recovery copies ---------------------------------------------------------------------
    def write_recovery(self, sop: Sop) -> list[str]:
        """Keep unsaved edits on disk so a crash does not lose them; returns the fields whose text was cleaned."""
        self._check_writable()
        path = self.root / RECOVERY / f"{file_stem(sop.id)}.json"
        data = sop_to_native(sop)
        data["saved_at"] = _iso(_now())
        raw, cleaned = _encode(data)
        with _failing_as("menyimpan salinan pemulihan", path):
            atomic_write_bytes(path, raw)
        return cleaned

    def _check_recovery_copies(self) -> None:
        """At start: a recovery copy that cannot be read is reported, and moved aside so no later copy overwrites it."""
        try:
            with os.scandir(self.root / RECOVERY) as it:
                names = sorted(e.name for e in it if e.name.endswith(".json") and not is_temp_file(e.name))
        except OSError:
            return
        for name in names:
            path = self.root / RECOVERY / name
            try:
                _read_document(path)
                continue
            except StorageError as exc:
                detail = str(exc)
            kept = " Berkas itu dibiarkan di tempatnya."
            aside = None if self.read_only else _move_aside(path)
            if aside is not None:
                kept = f" Berkas itu disimpan sebagai {aside}; hapuslah sendiri bila tidak diperlukan."
            self.damaged.append((path, f"Salinan pemulihan (perubahan yang belum disimpan) tidak dapat dipulihkan. "
                                       f"{detail}{kept}"))

    def list_recovery(self) -> list[Sop]:
        """Recovery copies left by a session that did not end cleanly, newest first; unreadable ones skipped."""
        found = []
        for path in (self.root / RECOVERY).glob("*.json"):
            if is_temp_file(path.name):
                continue
            try:
                sop, data = _read_document(path)
                found.append((_saved_at_of(data, path), sop))
            except StorageError:
                continue
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [sop for _moment, sop in found]

    def discard_recovery(self, sop_id: str) -> None:
        self._check_writable()
        path = self.root / RECOVERY / f"{file_stem(sop_id)}.json"
        with _failing_as("menghapus", path):
            path.unlink(missing_ok=True)


# ---- moving a library --------------------------------------------------------------------------


def move_library(src_root: str | Path, dst_root: str | Path) -> None:
    """Copy a closed library to an empty folder and verify every byte; the source is left in place."""
    src, dst = Path(src_root).resolve(), Path(dst_root).resolve()
    if not (src / SOPS).is_dir():
        raise StorageError(f"{src} bukan folder pustaka SOP Desk.")
    if dst == src or src in dst.parents:
        raise StorageError(f"Folder tujuan {dst} berada di dalam pustaka itu sendiri; pilih folder lain.")
    if dst.exists() and (not dst.is_dir() or any(dst.iterdir())):
        raise StorageError(f"Folder tujuan {dst} tidak kosong. "
                           "Pilih folder kosong agar tidak ada berkas yang tertimpa.")
    lock = _os_lock(src)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise StorageError(READ_ONLY_MESSAGE.replace("hanya dapat dibaca", "tidak dapat dipindahkan")) from None
    except (OSError, NotImplementedError) as exc:
        raise _lock_error(src, exc) from exc
    created = not dst.exists()
    try:
        _copy_verified(src, dst)
    except BaseException:
        _remove_copy(dst, created)
        raise
    finally:
        lock.release()


def _copy_verified(src: Path, dst: Path) -> None:
    digests: dict[Path, str] = {}
    for folder, _dirs, names in os.walk(src):
        for name in names:
            source = Path(folder) / name
            if (name == LOCK_NAME and source.parent == src) or is_temp_file(name):
                continue
            target = dst / source.relative_to(src)
            with _failing_as("membaca", source):
                stat = source.stat()
                if not stat_mode.S_ISREG(stat.st_mode):
                    continue  # a FIFO or a device holds no SOP, and reading it could block the move
                data = read_regular_file(source, 1 << 40)
            with _failing_as("menyalin ke", target):
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(target, data)
                # Same mtime as the source so the copied catalogue still matches its files.
                os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            digests[target] = hashlib.sha256(data).hexdigest()
    for target, digest in digests.items():
        with _failing_as("memeriksa salinan", target):
            if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                raise StorageError(f"Salinan {target} tidak sama dengan aslinya; pustaka tidak dipindahkan.")


def _remove_copy(dst: Path, created: bool) -> None:
    if created:
        shutil.rmtree(dst, ignore_errors=True)
    elif dst.exists():
        for child in dst.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
