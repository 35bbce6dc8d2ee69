"""The local SOP library: one JSON file per SOP, a tinydb catalogue, revisions, Sampah, recovery copies and the lock.

How files are read and errors worded lives in library_files.py; the lock in library_lock.py.

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
import hashlib
import json
import os
import re
import shutil
import stat as stat_mode
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
    entry_of,
    filter_entries,
    valid_doc,
)
from .interchange import sop_to_native
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
    read_document,
    skipped_message,
    too_large,
)
from .library_lock import LOCK_NAME, HeldLock, lock_error, os_lock, take_lock  # noqa: F401 - LOCK_NAME is API
from .model import Sop, new_id
from .textclean import clean_text

CATALOG_NAME = "catalog.json"
SESSION_MARKER = "session.open"
SOPS, TRASH, HISTORY, RECOVERY = "sops", "trash", "history", "recovery"
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


def _saved_at_of(data: Any, path: Path, mtime_ns: int | None = None) -> dt.datetime:
    """When a version was saved; a file from elsewhere, with no "saved_at", is dated by its mtime."""
    moment = _parse_iso(data.get("saved_at")) if isinstance(data, dict) else None
    if moment is None:
        if mtime_ns is None:
            with failing_as("membaca", path):
                mtime_ns = path.stat().st_mtime_ns
        moment = _from_mtime(mtime_ns)
    return moment


# ---- the library ---------------------------------------------------------------------------------


class Library:
    """One library folder, opened for writing by one window at a time (others get read_only)."""

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
        self._doc_ids: dict[str, int] = {}  # SOP id -> tinydb doc id, so a save updates one document directly

    # ---- opening and closing ----------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path) -> Library:
        root = Path(root)
        with failing_as("membuka folder pustaka", root):
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
                stem, path = entry.name[:-5], Path(entry.path)
                if stem in seen:
                    self._settle_duplicate(path)
                    continue
                try:
                    stat = entry.stat()
                except OSError:
                    if entry.is_symlink():
                        self.damaged.append((path, skipped_message(path, "adalah tautan ke berkas yang tidak ada")))
                    continue  # else gone since the listing: the window that holds the lock moved it
                # stat follows symlinks: a link to a regular SOP file is read, a link to a device is not.
                if not stat_mode.S_ISREG(stat.st_mode):
                    self.damaged.append((path, skipped_message(path, NOT_REGULAR)))
                    continue
                if stat.st_size > MAX_SOP_BYTES:
                    self.damaged.append((path, skipped_message(path, too_large(stat.st_size))))
                    continue
                doc = by_stem.get(stem)
                if doc and (doc["trashed"], doc["mtime_ns"], doc["size"]) == (place == TRASH, stat.st_mtime_ns,
                                                                              stat.st_size):
                    seen.add(stem)
                    continue
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
            raise StorageError(os_message("membaca", current, exc)) from exc
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None  # a damaged file is still kept, byte for byte
        saved_at = _saved_at_of(data, current)
        folder = self.root / HISTORY / file_stem(sop_id)
        kept = folder / f"{_revision_id(saved_at)}.json"
        # Already there when an earlier save died after archiving: same version, same name.
        if not kept.exists():
            with failing_as("menyimpan riwayat", kept):
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
            with failing_as("menghapus", history):
                shutil.rmtree(history)
        with failing_as("menghapus", path):
            path.unlink()
            fsync_dir(path.parent)
        doc_id = self._doc_ids.pop(sop_id, None)
        if doc_id is not None:
            self._table().remove(doc_ids=[doc_id])

    def _move(self, source: Path, target: Path) -> None:
        if not source.exists():
            raise StorageError(f"SOP tidak ditemukan: {source} sudah tidak ada.")
        with failing_as("memindahkan", source):
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
                sop, data = read_document(path)
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
        sop, _data = read_document(path)
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

    def discard_recovery(self, sop_id: str) -> None:
        self._check_writable()
        path = self.root / RECOVERY / f"{file_stem(sop_id)}.json"
        with failing_as("menghapus", path):
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
