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

import datetime as dt
import errno
import hashlib
import inspect
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import filelock
import platformdirs
from tinydb import TinyDB

from .atomic import atomic_write_bytes, fsync_dir, is_temp_file, remove_stale_temps, replace
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

LOCK_NAME = "library.lock"
CATALOG_NAME = "catalog.json"
SESSION_MARKER = "session.open"
SOPS, TRASH, HISTORY, RECOVERY = "sops", "trash", "history", "recovery"
LOCK_TIMEOUT = 0.3
COPY_PREFIX = "Salinan "

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


@dataclass(frozen=True)
class Revision:
    revision_id: str
    saved_at: str  # ISO 8601: when that version was saved
    nomor: str
    nama: str


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
    return "h-" + hashlib.sha256(sop_id.encode("utf-8")).hexdigest()[:40]


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


def _read_document(path: Path) -> tuple[Sop, dict[str, Any]]:
    """An SOP file and its raw JSON; StorageError names the file when it cannot be read."""
    with _failing_as("membaca", path):
        raw = path.read_bytes()
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


def _os_lock(root: Path) -> filelock.BaseFileLock:
    options: dict[str, Any] = {"timeout": LOCK_TIMEOUT, "thread_local": False}
    # A marker-file lock would outlive a crashed window and shut the user out; filelock 4 would fall back to
    # one on a filesystem without flock unless told not to (older versions refuse on their own).
    if "fallback_to_soft" in inspect.signature(filelock.FileLock.__init__).parameters:
        options["fallback_to_soft"] = False
    return filelock.FileLock(root / LOCK_NAME, **options)


def _lock_error(root: Path, exc: BaseException) -> StorageError:
    if isinstance(exc, NotImplementedError) or getattr(exc, "errno", None) == errno.ENOSYS:
        return StorageError(f"Folder {root} tidak mendukung penguncian berkas (misalnya sebagian folder jaringan), "
                            "sehingga dua jendela dapat saling merusak pustaka. Pilih folder di disk komputer ini.")
    assert isinstance(exc, OSError)
    return StorageError(_os_message("mengunci", root / LOCK_NAME, exc))


# ---- the library ---------------------------------------------------------------------------------


class Library:
    """One library folder, opened for writing by one window at a time (others get read_only)."""

    def __init__(self, root: Path, lock: filelock.BaseFileLock, read_only: bool) -> None:
        self.root = root
        self.read_only = read_only
        self.damaged: list[tuple[Path, str]] = []
        self._lock = lock
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
        lock = _os_lock(root)
        try:
            lock.acquire()
            read_only = False
        except filelock.Timeout:
            read_only = True
        except (OSError, NotImplementedError) as exc:
            raise _lock_error(root, exc) from exc
        library = cls(root, lock, read_only)
        try:
            library._start()
        except BaseException:
            if library._db is not None:
                library._db.storage.storage.read_only = True
                library._db.close()
            if not read_only:
                lock.release()
            raise
        return library

    def _start(self) -> None:
        if not self.read_only:
            self._remove_debris()
        catalog = self.root / CATALOG_NAME
        try:
            self._db = TinyDB(catalog, storage=FlushingCache(AtomicJSONStorage), read_only=self.read_only)
            docs = self._db.table("sops").all()
        except CatalogDamaged:
            self._db.close()
            if not self.read_only:
                try:
                    os.replace(catalog, catalog.with_name(f"{CATALOG_NAME}.rusak-{_revision_id(_now())}"))
                except OSError:
                    pass  # it holds nothing the SOP files do not; the next flush overwrites it
            self._db = TinyDB(catalog, storage=FlushingCache(AtomicJSONStorage), read_only=self.read_only,
                              start_empty=True)
            docs = []
        self._reconcile(docs)
        self.flush()

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
        with _failing_as("membuka", marker):
            atomic_write_bytes(marker, str(os.getpid()).encode("ascii"))

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
                    continue  # gone since the listing: the window that holds the lock moved it
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
            with _failing_as("menyimpan katalog", self.root / CATALOG_NAME):
                cache.flush()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.flush()
            if not self.read_only:
                try:
                    (self.root / SESSION_MARKER).unlink(missing_ok=True)
                except OSError:
                    pass  # a leftover marker only costs the next start a look through the history folders
        finally:
            if self._db is not None:
                self._db.storage.storage.read_only = True  # already flushed; close must not write a second time
                self._db.close()
            if not self.read_only:
                self._lock.release()

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
            raise LibraryReadOnly()
        if self._closed:
            raise StorageError(f"Pustaka {self.root} sudah ditutup.")

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
        with _failing_as("menyimpan", target):
            atomic_write_bytes(target, dumps(data).encode("utf-8"))
        if previous == in_trash:
            # Saving a trashed SOP (still open in the editor) takes it out of the Sampah.
            with _failing_as("menghapus", in_trash):
                in_trash.unlink(missing_ok=True)
                fsync_dir(in_trash.parent)
        with _failing_as("membaca", target):
            stat = target.stat()
        return self._record(sop, saved_at, stat, trashed=False)

    def _archive(self, sop_id: str, current: Path) -> dt.datetime:
        """Copy the current file into history; returns when that version was saved."""
        with _failing_as("membaca", current):
            raw = current.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
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
        """Earlier versions, newest first; unreadable ones are left out."""
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
            except StorageError:
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
    def write_recovery(self, sop: Sop) -> None:
        """Keep unsaved edits on disk so a crash does not lose them."""
        self._check_writable()
        path = self.root / RECOVERY / f"{file_stem(sop.id)}.json"
        data = sop_to_native(sop)
        data["saved_at"] = _iso(_now())
        with _failing_as("menyimpan salinan pemulihan", path):
            atomic_write_bytes(path, dumps(data).encode("utf-8"))

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
                data = source.read_bytes()
                stat = source.stat()
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
