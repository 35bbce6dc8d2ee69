"""The local SOP library: one JSON file per SOP, a tinydb catalogue, revisions, Sampah, recovery copies and the lock.

How files are read and errors worded lives in library_files.py; the lock in library_lock.py.

Layout of a library folder (the SOP files are the truth; everything else can be rebuilt or is a copy):

    library.lock            OS lock held by the one window that may write
    catalog.json            tinydb catalogue (id, nomor, nama, unit, updated_at, file stat), flushed on demand
    sops/<stem>.json        current version of each SOP, sopdesk/1 plus "saved_at"
    trash/<stem>.json       SOPs in the Sampah
    sync.git/               a bare git repository: every save, move to the Sampah, restore and purge is a commit
                            (sopdesk/sync/journal.py), and Riwayat versi reads its history (sopdesk/sync/history.py);
                            a sync shares it (sopdesk/sync/engine.py)
    history/<stem>/<revision>.json   earlier versions from before the repository (kept and listed forever), and a
                            replaced version the repository does not hold (its commit failed)
    riwayat.tertunda        file stems saved while their commit failed; the next commit or open catches up
    revisions/<stem>/<revisi>.json   revisions that were in force, kept read-only ("Buat revisi"), sopdesk/1
    recovery/<stem>.json    unsaved edits, written while the user types
    session.open            present while a window has the library open for writing; left behind by a crash
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
import stat as stat_mode
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock
import platformdirs
from tinydb import TinyDB

from .atomic import (
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
    catalog_fields,
    entry_of,
    filter_entries,
    valid_doc,
)
from .interchange import NATIVE_FORMAT, InterchangeError, sop_from_data, sop_to_native
from .library_files import (  # noqa: F401 - StorageError, LibraryReadOnly and MAX_SOP_BYTES are part of this API
    MAX_SOP_BYTES,
    NOT_REGULAR,
    READ_ONLY_MESSAGE,
    LibraryReadOnly,
    StorageError,
    damaged_message,
    encode_native,
    failing_as,
    os_message,
    parse_document,
    read_document,
    read_library_bytes,
    skipped_message,
    too_large,
)
from .library_lock import LOCK_NAME, HeldLock, lock_error, os_lock, take_lock  # noqa: F401 - LOCK_NAME is API
from .lifecycle import RevisionRefused, changed_fields, start_revision
from .model import Sop, Status, new_id
from .textclean import clean_text

CATALOG_NAME = "catalog.json"
SESSION_MARKER = "session.open"
SOPS, TRASH, HISTORY, RECOVERY = "sops", "trash", "history", "recovery"
REVISIONS = "revisions"
MAX_USER_NAME = 120
UNREADABLE_PREVIOUS = "(versi sebelumnya tidak dapat dibaca, jadi perubahannya tidak diketahui)"
COPY_PREFIX = "Salinan "
DAMAGED_REVISION = "versi rusak, tidak dapat dibuka"

LOST_LOCK_MESSAGE = (
    "Berkas kunci pustaka ({lock}) dihapus atau diganti selagi jendela ini memakainya, dan kini dipegang "
    "jendela SOP Desk lain. Agar tidak saling menimpa, jendela ini sekarang hanya dapat membaca pustaka. "
    "Perubahan yang belum disimpan masih ada di jendela ini: ekspor sebagai JSON, lalu buka ulang SOP Desk."
)


@dataclass(frozen=True)
class Revision:
    """One earlier version. A version that cannot be read is still listed: nama says so and damaged says why."""

    revision_id: str
    saved_at: str  # ISO 8601: when that version was saved
    nomor: str
    nama: str
    damaged: str = ""  # Indonesian: why this version cannot be opened; "" when it can
    saved_by: str = ""  # the user's name from Preferensi at that save; "" when unknown
    changes: tuple[str, ...] = ()  # what that save changed against the version before it (Indonesian labels)


@dataclass(frozen=True)
class RevisionRecord:
    """A revision that was in force, kept read-only after "Buat revisi" started the next one."""

    key: str  # file name stem in revisions/<stem>/; pass it to Library.load_revision_record
    revisi_ke: int  # 0 for the first issue
    status: Status  # Berlaku while no later revision is in force, then Diganti (or Dicabut)
    status_date: dt.date | None
    recorded_at: str  # ISO 8601: when "Buat revisi" kept it
    nomor: str
    nama: str
    tanggal_efektif: dt.date | None
    damaged: str = ""  # Indonesian: why this record cannot be opened; "" when it can


def default_library_dir() -> Path:
    return platformdirs.user_data_path("SOP Desk", appauthor=False) / "pustaka"


_PLAIN_STEM = re.compile(r"[0-9a-z]{1,64}")
_REVISION_ID = re.compile(r"[0-9A-Za-z_-]{1,80}")
_RECORD_KEY = re.compile(r"(\d{3,9})(?:-[0-9A-Za-z]{1,40})?")
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


def _saved_at_of(data: Any, path: Path, mtime_ns: int | None = None) -> dt.datetime:
    """When a version was saved; a file from elsewhere, with no "saved_at", is dated by its mtime."""
    moment = _parse_iso(data.get("saved_at")) if isinstance(data, dict) else None
    if moment is None:
        if mtime_ns is None:
            with failing_as("membaca", path):
                mtime_ns = path.stat().st_mtime_ns
        moment = _from_mtime(mtime_ns)
    return moment


def _holding_mutex(method):
    """Run a method of Library while holding library.mutex (see Library.__init__)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.mutex:
            return method(self, *args, **kwargs)

    return wrapper


# ---- the library ---------------------------------------------------------------------------------


class Library:
    """One library folder, opened for writing by one window at a time (others get read_only)."""

    # Riwayat versi reads the repository's history (sync.git): a sync need not copy replaced versions to history/.
    HISTORY_FROM_GIT = True

    def __init__(self, root: Path, lock: HeldLock | None, read_only_reason: str = "") -> None:
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
        self._listing: dict[bool, tuple[CatalogEntry, ...]] = {}  # see _entries
        self._doc_ids: dict[str, int] = {}  # SOP id -> tinydb doc id, so a save updates one document directly
        # Revision records read from an imported JSON file, written with that SOP's first save (stage_revisions).
        self._staged_records: dict[str, list[dict[str, Any]]] = {}
        # The version last saved or loaded per SOP, with its file's (mtime, size): the change log of the next
        # save compares with it instead of reading that file back, while the file is still the one it names.
        self._saved_copies: dict[str, tuple[tuple[int, int], Sop]] = {}
        # Held by every method that writes the library's files, its catalogue or its repository's head; a sync
        # running in another thread holds it while it touches them, so a save never interleaves with it.
        self.mutex = threading.RLock()
        self._repo: Any = None  # the LibraryRepo, opened on first use (see repo)
        self._reader: Any = None  # a read-only window's look at sync.git, for Riwayat versi (never written)
        self._crashed = False  # the last session that wrote did not end cleanly (session.open was left)
        self._touched: set[str] | None = None  # at open: file stems reconcile found changed or gone since the catalogue
        self._last_user = ""  # the name the last save was given: the author of a move to the Sampah
        # Why the last commit to the repository failed (Indonesian), "" while commits go through.
        self.history_error = ""
        self.history_started = False  # this open made the repository's first commit (an existing library converted)

    # ---- opening and closing ----------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path) -> Library:
        root = Path(root)
        with failing_as("membuka folder pustaka", root):
            # revisions/ is made at the first Buat revisi: an older library on a read-only disk still opens.
            for folder in (root, root / SOPS, root / TRASH, root / HISTORY, root / RECOVERY):
                folder.mkdir(parents=True, exist_ok=True)
        lock, reason = take_lock(root)
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
        self._touched = set()
        self._reconcile(docs)
        touched, self._touched = self._touched, None
        self._check_recovery_copies()
        if not self.read_only:
            self._start_history(touched)
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
            self._crashed = True
            # The last session crashed. Only then are the thousands of history folders worth a look:
            # reading them all on every start would cost seconds on a cold hard disk.
            for kept in (HISTORY, REVISIONS):
                if not (self.root / kept).is_dir():
                    continue
                with os.scandir(self.root / kept) as it:
                    for entry in it:
                        if entry.is_dir(follow_symlinks=False):
                            remove_stale_temps(Path(entry.path))
        try:
            atomic_write_bytes(marker, str(os.getpid()).encode("ascii"))
        except OSError as exc:
            # A full disk must not keep the user from the library. Without the marker, a crash in this
            # session only leaves temp files in history/ until some later start after a crash.
            self.notes.append(f"{os_message('menulis', marker, exc)} Pustaka tetap dibuka, tetapi menyimpan "
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
                stem = entry.name[:-5]  # a Path only where a file needs more than its stat (5,000 at start)
                if stem in seen:
                    self._settle_duplicate(Path(entry.path))
                    continue
                try:
                    stat = entry.stat()
                except OSError:
                    if entry.is_symlink():
                        path = Path(entry.path)
                        self.damaged.append((path, skipped_message(path, "adalah tautan ke berkas yang tidak ada")))
                    continue  # else gone since the listing: the window that holds the lock moved it
                # stat follows symlinks: a link to a regular SOP file is read, a link to a device is not.
                if not stat_mode.S_ISREG(stat.st_mode):
                    path = Path(entry.path)
                    self.damaged.append((path, skipped_message(path, NOT_REGULAR)))
                    continue
                if stat.st_size > MAX_SOP_BYTES:
                    path = Path(entry.path)
                    self.damaged.append((path, skipped_message(path, too_large(stat.st_size))))
                    continue
                doc = by_stem.get(stem)
                if doc and (doc["trashed"], doc["mtime_ns"], doc["size"]) == (place == TRASH, stat.st_mtime_ns,
                                                                              stat.st_size):
                    seen.add(stem)
                    continue
                if self._touched is not None:
                    self._touched.add(stem)
                path = Path(entry.path)
                try:
                    sop, data = read_document(path)
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
        if self._touched is not None:
            self._touched.update(stem for stem in by_stem if stem not in seen)
        if gone:
            table.remove(doc_ids=gone)
            self._doc_ids = {sop_id: doc_id for sop_id, doc_id in self._doc_ids.items() if doc_id not in gone}

    def _settle_duplicate(self, trashed: Path) -> None:
        # A save of a trashed SOP died before removing the Sampah copy: the saved one wins, the other becomes history.
        if self.read_only:
            return
        try:
            _sop, data = read_document(trashed)
            moment = _saved_at_of(data, trashed)
        except StorageError:
            moment = _now()
        folder = self.root / HISTORY / trashed.stem
        with failing_as("memindahkan", trashed):
            folder.mkdir(exist_ok=True)
            replace(trashed, folder / f"{_revision_id(moment)}.json")
            fsync_dir(folder)
            fsync_dir(trashed.parent)

    @_holding_mutex
    def rescan(self) -> None:
        """Bring the catalogue in line with sops/ and trash/, as opening does (after a sync wrote files)."""
        if self._db is None or self._closed:
            return
        self.damaged = [item for item in self.damaged if item[0].parent.name not in (SOPS, TRASH)]
        self._reconcile(self._table().all())
        try:
            self.flush()
        except StorageError:
            pass  # the catalogue only speeds up listing; the next flush tries again

    @property
    def repo(self):
        """The library's repository (sopdesk.sync.repo.LibraryRepo, in sync.git); None while read-only.

        One object per library: the sync engine uses this one. Made on first use when it is not there yet
        (OSError, or a dulwich error for a damaged repository, when that fails).
        """
        if self.read_only or self._closed:
            return None
        with self.mutex:
            if self._repo is None:
                from .sync.repo import LibraryRepo

                self._repo = LibraryRepo(self.root)
            return self._repo

    @_holding_mutex
    def flush(self) -> None:
        """Write the catalogue now (the SOP files are always written at once)."""
        if self.read_only or self._db is None:
            return
        cache = self._db.storage
        if cache.pending():
            if not self._still_holding():
                return  # now read-only; the SOP files are the truth and the holder keeps its own catalogue
            with failing_as("menyimpan katalog", self.root / CATALOG_NAME):
                cache.flush()

    @_holding_mutex
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
            for repo in (self._repo, self._reader):
                if repo is not None:
                    repo.close()
            self._repo = self._reader = None
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
        """The catalogue table, for code that may change it: the listing kept by _entries is dropped."""
        assert self._db is not None
        self._listing.clear()
        return self._db.table("sops")

    def _record(self, sop: Sop, saved_at: dt.datetime, stat: os.stat_result, trashed: bool) -> CatalogEntry:
        fields = {"id": sop.id, "file": file_stem(sop.id), "nomor": sop.identity.nomor, "nama": sop.identity.nama,
                  "unit": _unit_of(sop), "updated_at": _iso(saved_at), "mtime_ns": stat.st_mtime_ns,
                  "size": stat.st_size, "trashed": trashed}
        fields.update(catalog_fields(sop))  # status, years, review parts, searchable words (catalog.py)
        fields.update({"status_date": _iso_date(sop.lifecycle.status_date), "revisi_ke": sop.identity.revisi_ke})
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

    @_holding_mutex
    def _entries(self, trashed: bool) -> list[CatalogEntry]:
        # The window asks for the listing several times per change (library panel, links, duplicate
        # nomor); it is built once per change of the catalogue, since only this object writes it.
        if trashed not in self._listing:
            assert self._db is not None
            found: dict[bool, list[CatalogEntry]] = {False: [], True: []}
            for doc in self._db.table("sops").all():  # one pass fills both lists
                found[doc["trashed"] is True].append(entry_of(doc))
            for key, listing in found.items():
                listing.sort(key=lambda e: e.updated_at, reverse=True)
                self._listing[key] = tuple(listing)
        return list(self._listing[trashed])

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
        lock, reason = take_lock(self.root)
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
        sop, _data = read_document(path)
        sop.id = sop_id  # the file name is the identity: a file copied by hand must not save over its original
        try:
            self._keep_copy(sop, path.stat())
        except OSError:
            pass
        return sop

    def _keep_copy(self, sop: Sop, stat: os.stat_result, cleaned: bool = False) -> None:
        if cleaned:  # the file holds other text than `sop`: the next save reads it back instead
            self._saved_copies.pop(sop.id, None)
        else:
            self._saved_copies[sop.id] = ((stat.st_mtime_ns, stat.st_size), sop.clone())

    def _saved_copy(self, sop_id: str, path: Path) -> Sop | None:
        kept = self._saved_copies.get(sop_id)
        if kept is None or path != self._sop_path(sop_id):
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        return kept[1] if kept[0] == (stat.st_mtime_ns, stat.st_size) else None

    @_holding_mutex
    def save(self, sop: Sop, user: str = "", note: str = "") -> CatalogEntry:
        """Write the SOP as its current version, then commit it to the library's repository (Riwayat versi).

        The file records who saved it (`user`, the name in Preferensi) and which fields changed against the
        version it replaces; the commit has that name as its author and those fields in its message. The
        version it replaces is kept: in the repository (the head holds it), else copied to history/ first.
        When the commit cannot be made the save still stands (see sopdesk/sync/journal.py). Saving a revision
        in force (Berlaku) marks the earlier revisions kept in revisions/ that were still in force as Diganti.
        """
        self._check_writable()
        target = self._sop_path(sop.id)
        in_trash = self._trash_path(sop.id)
        previous = target if target.exists() else in_trash if in_trash.exists() else None
        saved_at = _now()
        changes = changed_fields(None, sop)
        replaced: tuple[bytes, dt.datetime] | None = None  # the version this save replaces, held by the head
        if previous is not None:
            known = self._saved_copy(sop.id, previous)
            old_raw, old_saved_at, old_data = self._read_previous(previous)
            if old_raw is not None and not self._head_holds(sop.id, old_raw):
                self._keep_in_history(sop.id, old_raw, old_saved_at)
            elif old_raw is not None:
                replaced = (old_raw, old_saved_at)
            # Strictly later than the version it replaces: revision ids are made from these times.
            saved_at = max(saved_at, old_saved_at + dt.timedelta(microseconds=1))
            changes = changed_fields(known, sop) if known is not None else _changes_since(old_data, sop)
        if note:
            changes.insert(0, note)
        data = sop_to_native(sop)
        data["saved_at"] = _iso(saved_at)
        data["saved_by"] = " ".join(user.split())[:MAX_USER_NAME]
        data["changes"] = changes
        raw, cleaned = encode_native(data)
        with failing_as("menyimpan", target):
            atomic_write_bytes(target, raw)
        if previous == in_trash:
            # Saving a trashed SOP (still open in the editor) takes it out of the Sampah.
            with failing_as("menghapus", in_trash):
                in_trash.unlink(missing_ok=True)
                fsync_dir(in_trash.parent)
        with failing_as("membaca", target):
            stat = target.stat()
        self._keep_copy(sop, stat, cleaned=bool(cleaned))
        entry = self._record(sop, saved_at, stat, trashed=False)
        self._last_user = user
        title = f"{_shown(sop)}: {'disimpan' if previous is not None else 'SOP baru'}"
        facts = None if cleaned else {"nomor": sop.identity.nomor, "nama": sop.identity.nama,
                                      "saved_at": data["saved_at"], "saved_by": data["saved_by"], "changes": changes}
        if not self._commit(sop.id, SOPS, raw, user, title, changes, facts) and replaced is not None:
            # The head still holds the replaced version, but a repository that cannot commit may be damaged.
            try:
                self._keep_in_history(sop.id, *replaced)
            except StorageError:
                pass  # the save stands; the head holds that version all the same
        for record in self._staged_records.pop(sop.id, []):
            self._write_record(sop.id, record)
        if sop.lifecycle.status is Status.BERLAKU:
            self._supersede_records(sop)
        return dataclasses.replace(entry, cleaned=tuple(cleaned)) if cleaned else entry

    def _read_previous(self, current: Path) -> tuple[bytes | None, dt.datetime, Any]:
        """The version a save replaces: its bytes (None for a FIFO or device), when it was saved, its JSON (or None)."""
        try:
            # No size limit here: whatever the user has under this name is kept, however big.
            raw = read_regular_file(current, 1 << 40)
        except NotRegularFile:
            return None, _now(), None  # a FIFO or a device holds no earlier version to keep
        except OSError as exc:
            raise StorageError(os_message("membaca", current, exc)) from exc
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None  # a damaged file is still kept, byte for byte
        return raw, _saved_at_of(data, current), data

    def _keep_in_history(self, sop_id: str, raw: bytes, saved_at: dt.datetime) -> None:
        """Copy a version into history/ (the folder of Riwayat versi before the repository, and its fallback)."""
        folder = self.root / HISTORY / file_stem(sop_id)
        kept = folder / f"{_revision_id(saved_at)}.json"
        # Already there when an earlier save died after archiving: same version, same name.
        if not kept.exists():
            with failing_as("menyimpan riwayat", kept):
                folder.mkdir(exist_ok=True)
                atomic_write_bytes(kept, raw)

    def duplicate(self, sop_id: str) -> Sop:
        """A copy under a new id, named "Salinan …", not saved: the editor opens it as a new SOP."""
        twin = self.load(sop_id).clone()
        twin.id = new_id()
        twin.identity.nama = (COPY_PREFIX + twin.identity.nama).strip()
        # A new SOP starts as a draft, whatever the status of the one it was copied from.
        twin.lifecycle = dataclasses.replace(twin.lifecycle, status=Status.DRAF, status_date=None, status_date_text="")
        return twin

    # ---- Sampah ---------------------------------------------------------------------------
    @_holding_mutex
    def trash(self, sop_id: str, user: str = "") -> None:
        """Move an SOP to the Sampah: a commit (author `user`, else the name of this session's last save)."""
        self._check_writable()
        self._move(self._sop_path(sop_id), self._trash_path(sop_id))
        self._set_trashed(sop_id, True)
        self._commit_moved(sop_id, TRASH, user, "dipindah ke Sampah")

    @_holding_mutex
    def restore(self, sop_id: str, user: str = "") -> None:
        """Take an SOP out of the Sampah: a commit, as trash()."""
        self._check_writable()
        target = self._sop_path(sop_id)
        if target.exists():
            raise StorageError(f"SOP ini sudah ada di pustaka ({target}); salinan di Sampah tidak dipulihkan.")
        self._move(self._trash_path(sop_id), target)
        self._set_trashed(sop_id, False)
        self._commit_moved(sop_id, SOPS, user, "dipulihkan dari Sampah")

    @_holding_mutex
    def purge(self, sop_id: str, user: str = "") -> None:
        """Delete for good an SOP in the Sampah, with its history/ folder and its revision records.

        The commit takes it out of the repository's current tree; the earlier commits still hold its versions
        (and the shared repository's, once it was synced): git keeps what was committed.
        """
        self._check_writable()
        path = self._trash_path(sop_id)
        if not path.exists():
            raise StorageError("Hanya SOP di Sampah yang dapat dihapus permanen; pindahkan ke Sampah dulu.")
        history = self.root / HISTORY / file_stem(sop_id)
        records = self.root / REVISIONS / file_stem(sop_id)
        # History first: a crash half-way leaves the SOP in the Sampah, never an orphaned history.
        for folder in (records, history):
            if folder.exists():
                with failing_as("menghapus", folder):
                    shutil.rmtree(folder)
        try:
            _sop, data = read_document(path)
            title = f"{_shown(_sop)}: dihapus permanen"
        except StorageError:
            title = f"{file_stem(sop_id)}: dihapus permanen"
        with failing_as("menghapus", path):
            path.unlink()
            fsync_dir(path.parent)
        doc_id = self._doc_ids.pop(sop_id, None)
        if doc_id is not None:
            self._table().remove(doc_ids=[doc_id])
        self._commit(sop_id, None, None, user or self._last_user, title, ())

    def _move(self, source: Path, target: Path) -> None:
        if not source.exists():
            raise StorageError(f"SOP tidak ditemukan: {source} sudah tidak ada.")
        with failing_as("memindahkan", source):
            replace(source, target)
            fsync_dir(target.parent)
            fsync_dir(source.parent)

    # ---- the repository: every save is a commit (sopdesk/sync/journal.py) ------------------------
    def _start_history(self, touched: set[str]) -> None:
        """At a writable open: make the repository once (a first commit of every file); catch up when needed.

        A full catch-up after a crash (session.open was left) or after a commit that failed (the pending list);
        else only the files the catalogue did not know (changed or removed by hand, or written by a sync).
        """
        from .sync import journal

        pending = journal.Journal(self.root)
        try:
            if self._crashed:
                journal.remove_repository_debris(self.root)
            fresh = not journal.has_repository(self.root)
            # A repository from before every save was a commit (made by the first sync) lacks the saves since.
            upgraded = not fresh and not journal.saves_recorded(self.root)
            if not (fresh or upgraded or self._crashed or touched or pending.exists()) and journal.has_head(self.root):
                return  # nothing to catch up: the repository (and dulwich) is opened at the first save
            repo = self.repo
            if fresh or repo.head() is None:
                began = _now()
                journal.catch_up(repo, self.root)
                self.history_started = True
                seconds = (_now() - began).total_seconds()
                if seconds >= 2:
                    self.notes.append(f"Riwayat versi pustaka ini kini dicatat di {repo.path} ({seconds:.0f} detik, "
                                      "sekali saja). Versi sebelumnya tetap ada di Riwayat versi.")
            elif self._crashed or upgraded or pending.exists():
                journal.catch_up(repo, self.root)
            elif touched:
                journal.catch_up(repo, self.root, stems=touched)
            else:
                return
            if fresh or upgraded:
                journal.mark_saves_recorded(self.root)
            pending.clear()
        except Exception as exc:  # noqa: BLE001 - whatever the repository does, the library opens and saves
            try:
                pending.add([])  # the next open tries the whole catch-up again
            except OSError:
                pass
            self._history_failed(exc)

    def _history_failed(self, exc: BaseException) -> None:
        """A commit could not be made: the files stand, the replaced versions go to history/, and the user hears why."""
        if isinstance(exc, OSError):
            why = os_message("menulis", self.root / "sync.git", exc)
        else:
            why = f"Repositori riwayat {self.root / 'sync.git'} rusak atau tidak dapat dibaca."
        self.history_error = (f"{why} SOP tetap tersimpan, dan versi yang diganti disimpan di folder history; "
                              "riwayat menyusul pada pembukaan atau sinkronisasi berikutnya.")
        if self.history_error not in self.notes:
            self.notes.append(self.history_error)

    def _head_holds(self, sop_id: str, raw: bytes) -> bool:
        """True when the repository's head holds these bytes for this SOP (so they need no copy in history/)."""
        from .sync import journal

        try:
            repo = self.repo
            found = journal.entry_in(repo, journal.head_tree(repo), file_stem(sop_id))
            return found is not None and found.blob == journal.blob_id(raw)
        except Exception:  # noqa: BLE001 - a repository that cannot answer holds nothing we can count on
            return False

    def _commit(self, sop_id: str, place: str | None, raw: bytes | None, user: str, title: str,
                changes: Any, facts: dict[str, Any] | None = None) -> bool:
        """Commit one SOP's file as it now is (in `place`, with these bytes; None: gone); False when that failed.

        Files whose commit failed earlier in this session (the pending list) go in the same commit.
        """
        from .sync import journal
        from .sync.repo import Entry

        stem = file_stem(sop_id)
        pending = journal.Journal(self.root)
        try:
            repo = self.repo
            if repo.head() is None:
                journal.catch_up(repo, self.root, user)  # the first commit was never made: all files at once
            else:
                entries = {stem: Entry(place, repo.add_blob(raw)) if place is not None and raw is not None else None}
                lines = list(changes)
                late = pending.stems() - {stem} if pending.exists() else set()
                for other in sorted(late):
                    try:
                        entries[other] = journal.read_entry(repo, self.root, other)
                    except KeyError:
                        continue
                if late:
                    lines.append(f"Menyusul {len(late)} SOP lain yang belum tercatat di riwayat")
                new = entries[stem]
                known = {new.blob: facts} if facts is not None and new is not None else None
                journal.commit_changes(repo, entries, user, journal.message_for(title, lines), known)
            if pending.exists():
                pending.clear()
            self.history_error = ""
            return True
        except Exception as exc:  # noqa: BLE001 - the save stands whatever the repository does (see journal.py)
            try:
                pending.add([stem])
            except OSError:
                pass  # the next open after this session sees the head differ only if it crashed; the files stand
            self._history_failed(exc)
            return False

    def _commit_moved(self, sop_id: str, place: str, user: str, what: str) -> None:
        path = self.root / place / f"{file_stem(sop_id)}.json"
        try:
            raw = read_regular_file(path, MAX_SOP_BYTES)
        except OSError:
            return  # not an SOP file we can store; the library's own report names it
        from .sync.journal import shown_name

        self._commit(sop_id, place, raw, user or self._last_user, f"{shown_name(raw, file_stem(sop_id))}: {what}", ())

    def _history_repo(self):
        """The repository to read Riwayat versi from: this window's, or a read-only look at it; None if none."""
        if not self.read_only:
            try:
                return self.repo
            except Exception:  # noqa: BLE001 - a damaged repository: history/ alone is listed
                return None
        if self._reader is None:
            from .sync.journal import has_repository
            from .sync.repo import LibraryRepo

            if has_repository(self.root):
                try:
                    self._reader = LibraryRepo(self.root)
                except Exception:  # noqa: BLE001
                    return None
        return self._reader

    def index_history(self) -> None:
        """Index the commits a sync brought, so that the next Riwayat versi opens at once (sopdesk/sync/history.py).

        For the sync's thread, after the sync; it only reads the repository (and appends to its index file), so it
        does not hold the mutex. A failure only leaves the work to the next Riwayat versi.
        """
        repo = self._history_repo()
        if repo is None or self.read_only:
            return
        from .sync.history import prepare

        try:
            prepare(repo)
        except Exception:  # noqa: BLE001 - only a cache
            pass

    # ---- history ----------------------------------------------------------------------------
    def history(self, sop_id: str) -> list[Revision]:
        """Earlier versions, newest first: the repository's (git-<commit>) and history/'s (see Revision).

        A version equal to the current file is not an earlier one. One that cannot be read is listed as such.
        """
        from .sync import history as git_history
        from .sync.journal import blob_id

        stem = file_stem(sop_id)
        current = None
        for path in (self._sop_path(sop_id), self._trash_path(sop_id)):
            try:
                current = blob_id(read_regular_file(path, MAX_SOP_BYTES))
                break
            except OSError:
                continue
        revisions: list[Revision] = []
        seen = {current}
        repo = self._history_repo()
        if repo is not None:
            try:
                versions = git_history.versions(repo, stem, persist=not self.read_only)
            except Exception:  # noqa: BLE001 - a damaged repository: what history/ holds is still listed
                versions = []
            for version in versions:
                if version.blob in seen:
                    continue
                seen.add(version.blob)
                revisions.append(self._git_revision(repo, version))
        folder = self.root / HISTORY / stem
        if folder.is_dir():
            for path in folder.glob("*.json"):
                if is_temp_file(path.name):
                    continue
                try:
                    raw = read_library_bytes(path)
                    if blob_id(raw) in seen:
                        continue  # the same version is listed from the repository
                    sop, data = parse_document(raw, path)
                    saved_at = _saved_at_of(data, path)
                except StorageError as exc:
                    moment = _moment_of_revision(path)
                    revisions.append(Revision(path.stem, _iso(moment), "", f"({DAMAGED_REVISION})", damaged=str(exc)))
                    continue
                revisions.append(Revision(path.stem, _iso(saved_at), sop.identity.nomor, sop.identity.nama,
                                          saved_by=_saved_by(data), changes=_changes_of(data)))
        revisions.sort(key=lambda r: (r.saved_at, r.revision_id), reverse=True)
        return revisions

    def _git_revision(self, repo: Any, version: Any) -> Revision:
        from .sync.history import index_of

        index = index_of(repo, persist=not self.read_only)
        facts = index.facts(version.blob)
        if facts is not None:
            saved_at = _parse_iso(facts["saved_at"]) or version.when.astimezone(dt.timezone.utc)
            return Revision(version.revision_id, _iso(saved_at), facts["nomor"], facts["nama"],
                            saved_by=facts["saved_by"] or version.author, changes=tuple(facts["changes"]))
        label = self._git_label(version.commit)
        try:
            sop, data = parse_document(repo.blob_bytes(version.blob), label)
        except Exception as exc:  # noqa: BLE001 - a missing or damaged object is a damaged version
            detail = str(exc) if isinstance(exc, StorageError) else damaged_message(label, "datanya tidak ada")
            return Revision(version.revision_id, _iso(version.when), "", f"({DAMAGED_REVISION})", damaged=detail,
                            saved_by=version.author)
        saved_at = _parse_iso(data.get("saved_at")) or version.when.astimezone(dt.timezone.utc)
        # Kept by blob id (a version never changes): the next Riwayat versi reads nothing for it.
        index.add_facts(version.blob, {"nomor": sop.identity.nomor, "nama": sop.identity.nama,
                                       "saved_at": data.get("saved_at"), "saved_by": _saved_by(data),
                                       "changes": list(_changes_of(data))})
        return Revision(version.revision_id, _iso(saved_at), sop.identity.nomor, sop.identity.nama,
                        saved_by=_saved_by(data) or version.author, changes=_changes_of(data))

    def _git_label(self, commit: bytes) -> Path:
        return self.root / "sync.git" / f"commit-{commit.decode('ascii')[:12]}"

    def _load_git_version(self, sop_id: str, commit: bytes) -> tuple[Sop, dict[str, Any], Any]:
        from .sync.history import version_at

        repo = self._history_repo()
        if repo is None:
            raise StorageError(f"Riwayat versi pustaka ini ({self.root / 'sync.git'}) tidak dapat dibuka.")
        try:
            version, raw = version_at(repo, commit, file_stem(sop_id))
        except Exception:  # noqa: BLE001 - not there, or the repository is damaged
            raise StorageError(f"Versi {commit.decode('ascii')[:12]} tidak ada lagi di riwayat pustaka "
                               f"({self.root / 'sync.git'}).") from None
        sop, data = parse_document(raw, self._git_label(commit))
        sop.id = sop_id
        return sop, data, version

    def load_revision(self, sop_id: str, revision_id: str) -> Sop:
        if not _REVISION_ID.fullmatch(revision_id):
            raise StorageError(f"Versi \"{revision_id}\" tidak dikenal.")
        from .sync.history import commit_of_revision

        commit = commit_of_revision(revision_id)
        if commit is not None:
            return self._load_git_version(sop_id, commit)[0]
        path = self.root / HISTORY / file_stem(sop_id) / f"{revision_id}.json"
        if not path.exists():
            raise StorageError(f"Versi {revision_id} tidak ada lagi di riwayat ({path}).")
        sop, _data = read_document(path)
        sop.id = sop_id
        return sop

    @_holding_mutex
    def restore_revision(self, sop_id: str, revision_id: str, user: str = "") -> Sop:
        """Make an earlier version current again: a new save, so a new commit; the version it replaces stays."""
        self._check_writable()
        from .sync.history import commit_of_revision

        commit = commit_of_revision(revision_id) if _REVISION_ID.fullmatch(revision_id) else None
        if commit is not None:
            sop, data, version = self._load_git_version(sop_id, commit)
            saved_at = _parse_iso(data.get("saved_at")) or version.when
        else:
            sop = self.load_revision(sop_id, revision_id)
            saved_at = _moment_of_revision(self.root / HISTORY / file_stem(sop_id) / f"{revision_id}.json")
        when = f" tersimpan {saved_at.astimezone():%d-%m-%Y %H.%M}"
        self.save(sop, user, note=f"Versi{when} dipulihkan")
        return sop

    def current_version(self, sop_id: str) -> Revision | None:
        """The saved version now in the library (or the Sampah), as a history entry; None when there is none."""
        path = self._sop_path(sop_id)
        if not path.exists():
            path = self._trash_path(sop_id)
            if not path.exists():
                return None
        try:
            sop, data = read_document(path)
            saved_at = _saved_at_of(data, path)
        except StorageError as exc:
            return Revision(path.stem, _iso(_moment_of_revision(path)), "", f"({DAMAGED_REVISION})", damaged=str(exc))
        return Revision(path.stem, _iso(saved_at), sop.identity.nomor, sop.identity.nama,
                        saved_by=_saved_by(data), changes=_changes_of(data))

    # ---- revisions in force, kept read-only -----------------------------------------------------
    def _records_folder(self, sop_id: str) -> Path:
        return self.root / REVISIONS / file_stem(sop_id)

    @_holding_mutex
    def begin_revision(self, sop: Sop, today: dt.date, user: str = "") -> Sop:
        """ "Buat revisi": keep `sop` (in force) as a read-only record and save the draft of its next revision.

        Returns the draft (Revisi ke + 1, Tanggal Revisi `today`, status Draf), now the SOP's current version.
        The record is written before the draft, so a crash in between leaves the SOP in force as it was, with
        its record already kept; doing it again writes the same record under the same name.
        """
        self._check_writable()
        draft = start_revision(sop, today)  # RevisionRefused unless Berlaku
        self.record_revision(sop)
        self.save(draft, user)
        return draft

    @_holding_mutex
    def record_revision(self, sop: Sop) -> str:
        """Keep `sop` as the record of its revision; returns the record's key. The same content is kept once."""
        self._check_writable()
        if sop.lifecycle.status is Status.DRAF:
            raise RevisionRefused("Hanya revisi yang pernah berlaku yang disimpan sebagai catatan revisi.")
        return self._write_record(sop.id, sop_to_native(sop))

    def _write_record(self, sop_id: str, data: dict[str, Any]) -> str:
        """Write native data as a record of `sop_id`, named by its Revisi ke; the same content is kept once."""
        folder = self._records_folder(sop_id)
        number = data.get("identity", {}).get("revisi_ke")
        number = number if isinstance(number, int) and not isinstance(number, bool) and 0 <= number < 10**9 else 0
        data = dict(data)
        recorded_at = data.pop("recorded_at", None)
        key = f"{number:03d}"
        path = folder / f"{key}.json"
        if path.exists():
            try:
                _old, old_data = read_document(path)
                same = {k: v for k, v in old_data.items() if k != "recorded_at"} == json.loads(encode_native(data)[0])
            except StorageError:
                same = False
            if same:
                return key
            # Another text under the same Revisi ke (the number was typed back by hand): both are kept.
            key = f"{number:03d}-{_revision_id(_now())}"
            path = folder / f"{key}.json"
        data["recorded_at"] = recorded_at if isinstance(recorded_at, str) else _iso(_now())
        raw, _cleaned = encode_native(data)
        with failing_as("menyimpan catatan revisi", path):
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, raw)
        return key

    def export_revisions(self, sop_id: str) -> list[dict[str, Any]]:
        """The records as JSON data, oldest first, to travel inside an exported sopdesk/1 file ("revisions")."""
        out = []
        for record in self._stored_records(sop_id):
            if not record.damaged:
                _sop, data = read_document(self._records_folder(sop_id) / f"{record.key}.json")
                out.append(data)
        return out

    def stage_revisions(self, sop_id: str, data: Any) -> tuple[int, int]:
        """Keep the "revisions" of an imported sopdesk/1 file for `sop_id`; they are written at its first save.

        Returns (records kept, records skipped because they are not SOP data). Nothing is written now: an
        import reaches the library only when the user saves it.
        """
        raw = data.get("revisions") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            return 0, 0
        kept, skipped = [], 0
        for item in raw:
            try:
                sop_from_data(item)
            except (InterchangeError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
                skipped += 1
                continue
            if isinstance(item, dict) and item.get("format") == NATIVE_FORMAT:
                kept.append(item)
            else:
                skipped += 1
        if kept:
            self._staged_records[sop_id] = kept
        else:
            self._staged_records.pop(sop_id, None)
        return len(kept), skipped

    def revisions(self, sop_id: str) -> list[RevisionRecord]:
        """The revisions of an SOP that were in force, oldest first; one that cannot be read is listed as such."""
        return self._settled(sop_id, self._stored_records(sop_id))

    def _stored_records(self, sop_id: str) -> list[RevisionRecord]:
        """The records with the status their files hold."""
        folder = self._records_folder(sop_id)
        if not folder.is_dir():
            return []
        found = []
        for path in folder.glob("*.json"):
            match = _RECORD_KEY.fullmatch(path.stem)
            if is_temp_file(path.name) or match is None:
                continue
            try:
                sop, data = read_document(path)
            except StorageError as exc:
                found.append(RevisionRecord(path.stem, int(match.group(1)), Status.DIGANTI, None, "", "",
                                            f"({DAMAGED_REVISION})", None, damaged=str(exc)))
                continue
            recorded = data.get("recorded_at") if isinstance(data.get("recorded_at"), str) else ""
            found.append(RevisionRecord(path.stem, int(match.group(1)), sop.lifecycle.status,
                                        sop.lifecycle.status_date, recorded, sop.identity.nomor, sop.identity.nama,
                                        sop.identity.tanggal_efektif))
        found.sort(key=lambda r: (r.revisi_ke, r.key))
        return found

    def _settled(self, sop_id: str, found: list[RevisionRecord]) -> list[RevisionRecord]:
        """A record still marked Berlaku under a later revision that was in force is shown as Diganti.

        save() rewrites such records; this covers a crash between writing the SOP and rewriting them.
        """
        later: int | None = None  # the highest later revision that came into force
        try:
            current = self.load(sop_id)
            if current.lifecycle.status in (Status.BERLAKU, Status.DIGANTI):
                later = current.identity.revisi_ke or 0
        except StorageError:
            pass
        settled = []
        for record in reversed(found):  # newest first
            if record.status is Status.BERLAKU and later is not None and record.revisi_ke < later:
                record = dataclasses.replace(record, status=Status.DIGANTI)
            if not record.damaged:
                later = record.revisi_ke if later is None else max(later, record.revisi_ke)
            settled.append(record)
        settled.reverse()
        return settled

    def load_revision_record(self, sop_id: str, key: str) -> Sop:
        """A kept revision as it was in force (its status as it stands now); open it read-only."""
        if not _RECORD_KEY.fullmatch(key):
            raise StorageError(f"Catatan revisi \"{key}\" tidak dikenal.")
        path = self._records_folder(sop_id) / f"{key}.json"
        if not path.exists():
            raise StorageError(f"Catatan revisi {key} tidak ada lagi ({path}).")
        sop, _data = read_document(path)
        sop.id = sop_id
        listed = next((r for r in self.revisions(sop_id) if r.key == key), None)
        if listed is not None and not listed.damaged:
            sop.lifecycle.status = listed.status
        return sop

    def _supersede_records(self, in_force: Sop) -> None:
        """Earlier revisions still marked Berlaku become Diganti, dated as the revision now in force."""
        number = in_force.identity.revisi_ke or 0
        when = in_force.lifecycle.status_date or _now().date()
        for record in self._stored_records(in_force.id):
            if record.damaged or record.status is not Status.BERLAKU or record.revisi_ke >= number:
                continue
            path = self._records_folder(in_force.id) / f"{record.key}.json"
            sop, data = read_document(path)
            sop.lifecycle.status = Status.DIGANTI
            sop.lifecycle.status_date = when
            new = sop_to_native(sop)
            new["recorded_at"] = data.get("recorded_at")
            raw, _cleaned = encode_native(new)
            with failing_as("menyimpan catatan revisi", path):
                atomic_write_bytes(path, raw)

    # ---- recovery copies ---------------------------------------------------------------------
    @_holding_mutex
    def write_recovery(self, sop: Sop) -> list[str]:
        """Keep unsaved edits on disk so a crash does not lose them; returns the fields whose text was cleaned."""
        self._check_writable()
        path = self.root / RECOVERY / f"{file_stem(sop.id)}.json"
        data = sop_to_native(sop)
        data["saved_at"] = _iso(_now())
        raw, cleaned = encode_native(data)
        with failing_as("menyimpan salinan pemulihan", path):
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
                read_document(path)
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
                sop, data = read_document(path)
                found.append((_saved_at_of(data, path), sop))
            except StorageError:
                continue
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [sop for _moment, sop in found]

    @_holding_mutex
    def discard_recovery(self, sop_id: str) -> None:
        self._check_writable()
        path = self.root / RECOVERY / f"{file_stem(sop_id)}.json"
        with failing_as("menghapus", path):
            path.unlink(missing_ok=True)


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _saved_by(data: Any) -> str:
    value = data.get("saved_by") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _changes_of(data: Any) -> tuple[str, ...]:
    value = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _shown(sop: Sop) -> str:
    """ "nomor nama" of an SOP, for commit messages."""
    parts = [sop.identity.nomor.strip(), sop.identity.nama.strip()]
    return " ".join(part for part in parts if part) or "SOP tanpa nama"


def _changes_since(old_data: Any, sop: Sop) -> list[str]:
    """changed_fields() against the version a save replaces, read from its JSON."""
    if old_data is None:
        return [UNREADABLE_PREVIOUS]
    try:
        old = sop_from_data(old_data)
    except (InterchangeError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return [UNREADABLE_PREVIOUS]
    return changed_fields(old, sop)


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
    lock = os_lock(src)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise StorageError(READ_ONLY_MESSAGE.replace("hanya dapat dibaca", "tidak dapat dipindahkan")) from None
    except (OSError, NotImplementedError) as exc:
        raise lock_error(src, exc) from exc
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
            with failing_as("membaca", source):
                stat = source.stat()
                if not stat_mode.S_ISREG(stat.st_mode):
                    continue  # a FIFO or a device holds no SOP, and reading it could block the move
                data = read_regular_file(source, 1 << 40)
            with failing_as("menyalin ke", target):
                target.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(target, data)
                # Same mtime as the source so the copied catalogue still matches its files.
                os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            digests[target] = hashlib.sha256(data).hexdigest()
    for target, digest in digests.items():
        with failing_as("memeriksa salinan", target):
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
