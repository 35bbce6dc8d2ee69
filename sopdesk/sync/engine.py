"""One sync of a library with its shared repository: commit local changes, fetch, merge per SOP, push.

Per SOP file (by file stem) against the common ancestor of the two heads:
  - changed on one side only: that side is taken (an edit, a move to or from the Sampah, a purge);
  - changed on both: the three versions are merged on their structure (sopdesk.merge.merge_sops);
    a clean merge is written as the new version, a conflict keeps our version in place (with whatever did
    merge) and theirs, with the ancestor, under conflicts/<stem>/ until a person decides (settle_conflict);
    conflicts/ travels with the commits, so every PC sees that the SOP waits for a decision;
  - deleted (or moved to the Sampah) on one side and edited on the other: the edited one is kept in the
    list, and a conflict is reported.
A version a sync replaces stays in the repository's history (the commit before the merge, and the merge
commit's second parent for the other PC's), where Riwayat versi finds it.

The library: the window's own (`library=`), or one the sync opens and locks itself (the command line).
Its mutex is held only while the sync reads or writes the library's files, commits or moves the head;
never while it talks to the shared repository, so the window keeps saving meanwhile. The network part
uses a Repo object of its own on the same folder, so it never shares dulwich's caches with the window's.

A shared repository whose history was rewritten by someone else (the commits this PC received or sent
from it are gone: a force push, a repository re-created with other content at the same place) is refused
with a message: nothing is changed on either side, and a person decides (restore the shared repository,
or choose a new empty one, which then gets this PC's library whole). An empty repository at the
remembered place gets this PC's library; a remembered folder that is gone is refused, not re-created.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dulwich.client import HTTPProxyUnauthorized, HTTPUnauthorized, LocalGitClient, get_transport_and_path
from dulwich.errors import GitProtocolError, HangupException, NotGitRepository, SendPackError
from dulwich.graph import find_merge_base
from dulwich.object_store import MissingObjectFinder
from dulwich.pack import generate_unpacked_objects
from dulwich.repo import Repo

from ..atomic import atomic_write_bytes, fsync_dir, fsync_file
from ..interchange import sop_from_data, sop_to_native
from ..library_files import StorageError, encode_native, failing_as, os_message
from ..lifecycle import changed_fields
from ..storage import Library
from .journal import Journal
from .repo import (
    BRANCH,
    CONFLICTS,
    REMOTE_BRANCH,
    REPO_DIR,
    Entry,
    Kept,
    LibraryRepo,
    Snapshot,
    init_bare,
    looks_like_bare_repo,
)

MESSAGE_LINES = 50
PHASE_PREPARE = "Menyiapkan perubahan"
PHASE_FETCH = "Mengambil dari pustaka bersama"
PHASE_MERGE = "Menggabungkan"
PHASE_PUSH = "Mengirim"
MERGED_NOTE = "Digabung otomatis dengan versi dari PC lain"


class SyncError(Exception):
    """The shared repository cannot be used; the message is one Indonesian sentence."""

    def __init__(self, message: str, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


@dataclass
class SopConflict:
    stem: str
    name: str
    kind: str  # "isian" (fields changed on both), "hapus-ubah" (deleted against edited), "rusak" (unreadable)
    lines: list[str]


@dataclass
class SyncResult:
    received: list[str] = field(default_factory=list)  # names of SOPs this PC took from the remote
    sent: list[str] = field(default_factory=list)  # names of SOPs the remote got from this PC
    merged: list[str] = field(default_factory=list)  # names merged automatically
    conflicts: list[SopConflict] = field(default_factory=list)  # found by this sync
    pending: int = 0  # SOPs with conflicts waiting for a person (this sync and earlier ones, on any PC)
    pending_names: list[str] = field(default_factory=list)  # their names, as the conflict records give them
    offline: str = ""  # why the remote could not be reached ("" when it was)
    created_remote: bool = False
    location: str = ""  # the shared repository, as shown to the user (no password)
    created_local: bool = False
    changed_stems: set[str] = field(default_factory=set)  # SOP file stems whose sops/ or trash/ file this sync wrote
    finished_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())  # set when it ends

    def summary(self) -> str:
        text = f"{len(self.received)} SOP diterima, {len(self.sent)} dikirim"
        if self.merged:
            text += f", {len(self.merged)} digabung otomatis"
        if self.pending:
            text += f", {self.pending} SOP bentrok menunggu keputusan"
        return text + "."


# ---- the remote ------------------------------------------------------------------------------


def _is_url(location: str) -> bool:
    return "://" in location or location.startswith("git@")


def prepare_remote(location: str, known: bool = False) -> bool:
    """Make a folder remote usable: a bare repository there on first use. Returns True when one was created.

    `known`: this PC synced with that folder before; then a missing folder is refused rather than made
    anew (it was moved or deleted, and a new one there would split the office's library in two).
    """
    if _is_url(location):
        return False
    folder = Path(location)
    if folder.is_dir():
        if looks_like_bare_repo(folder):
            return False
        try:
            empty = not any(folder.iterdir())
        except OSError as exc:
            raise SyncError(f"Folder pustaka bersama {folder} tidak dapat dibuka ({exc.strerror}).") from None
        if not empty:
            raise SyncError(f"Folder {folder} bukan pustaka bersama SOP Desk (bukan repositori git dan tidak "
                            "kosong); pilih folder kosong atau folder pustaka bersama yang sudah ada.")
    elif folder.exists():
        raise SyncError(f"{folder} adalah berkas, bukan folder; pilih folder untuk pustaka bersama.")
    elif not folder.parent.is_dir():
        raise SyncError(f"Pustaka bersama {folder} tidak terjangkau (foldernya tidak ada); perubahan tetap "
                        "tersimpan di PC ini dan dikirim pada sinkronisasi berikutnya.", offline=True)
    elif known:
        raise SyncError(f"Pustaka bersama {folder} tidak ada lagi, padahal PC ini pernah bersinkron dengannya "
                        "(foldernya dipindah atau dihapus); perubahan tetap tersimpan di PC ini. Pilih letak "
                        "barunya di Preferensi, Pustaka bersama, atau buat folder kosong di sana untuk memulai "
                        "pustaka bersama baru dari pustaka ini.")
    try:
        init_bare(folder).close()
    except OSError as exc:
        raise SyncError(f"Pustaka bersama tidak dapat dibuat di {folder} ({exc.strerror}).") from None
    return True


def shown_location(location: str) -> str:
    """A remote as the user may see it: a password written into the address is left out."""
    match = re.match(r"([a-z][a-z0-9+.-]*://)([^/@]*)@(.*)", location, re.IGNORECASE)
    if not match:
        return location
    user = match.group(2).split(":", 1)[0]
    return f"{match.group(1)}{user}@{match.group(3)}" if user else f"{match.group(1)}{match.group(3)}"


def _remote_full(location: str) -> SyncError:
    return SyncError(f"Disk pustaka bersama {shown_location(location)} penuh; perubahan tetap tersimpan di PC ini "
                     "dan dikirim setelah ruang di sana dikosongkan.")


def _unreachable(location: str, exc: BaseException, password: str = "") -> SyncError:
    gone = not _is_url(location) and not Path(location).exists()  # the folder went away while the sync used it
    location = shown_location(location)
    if isinstance(exc, NotGitRepository) and not gone:
        return SyncError(f"{location} bukan pustaka bersama SOP Desk (bukan repositori git).")
    if isinstance(exc, HTTPProxyUnauthorized):
        return SyncError(f"Proxy jaringan menolak sambungan ke pustaka bersama {location}; periksa pengaturan "
                         "proxy PC ini bersama pengelola jaringan.")
    if isinstance(exc, HTTPUnauthorized):
        if password:
            return SyncError(f"Server pustaka bersama {location} menolak nama pengguna atau kata sandinya; "
                             "periksa keduanya di Preferensi, Pustaka bersama.")
        return SyncError(f"Server pustaka bersama {location} meminta nama pengguna dan kata sandi; isikan keduanya "
                         "di Preferensi, Pustaka bersama (pada sopdesk sync: --akun dan SOPDESK_SYNC_PASSWORD).")
    if isinstance(exc, GitProtocolError) and re.search(r"\bresp 403\b", str(exc)):
        return SyncError(f"Server pustaka bersama {location} menolak akses akun ini; mintalah hak tulis kepada "
                         "pengelola server.")
    return SyncError(f"Pustaka bersama {location} tidak terjangkau; perubahan tetap tersimpan di PC ini dan "
                     "dikirim pada sinkronisasi berikutnya.", offline=True)


_REMOTE_ERRORS = (OSError, GitProtocolError, HangupException, NotGitRepository, HTTPUnauthorized,
                  HTTPProxyUnauthorized)
_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and (exc.errno in _DISK_FULL or getattr(exc, "winerror", None) == 112)


@dataclass
class _Remote:
    """Where to sync with, and how to log in there; the password lives only in this object."""

    location: str
    username: str = ""
    password: str = ""

    @contextmanager
    def client(self):
        # A folder stays a folder: a drive letter (C:) or a server share must never be read as a host name.
        if not _is_url(self.location):
            yield LocalGitClient(), str(Path(self.location))
            return
        client, path = get_transport_and_path(self.location, username=self.username or None,
                                              password=self.password or None)
        try:
            yield client, path
        finally:
            client.close()
            pool = getattr(client, "pool_manager", None)
            if pool is not None:
                pool.clear()  # its connections: a sync in the window's thread must not leave sockets open


def _split_credentials(location: str) -> tuple[str, str, str]:
    """An address with a user name and password in it: (address without the password, user, password)."""
    match = re.match(r"([a-z][a-z0-9+.-]*://)([^/@]*)@(.*)", location, re.IGNORECASE)
    if not match:
        return location, "", ""
    user, _colon, password = match.group(2).partition(":")
    from urllib.parse import unquote

    return shown_location(location), unquote(user), unquote(password)


def _close_responses(exc: BaseException) -> None:
    """dulwich raises on an HTTP error (401, 404, ...) without closing the response it got: close it here.

    Else its socket stays open until the garbage collector finds it, in a window that syncs every few minutes.
    """
    try:
        from urllib3.response import BaseHTTPResponse
    except ImportError:
        return
    tb = exc.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, BaseHTTPResponse):
                value.close()
        tb = tb.tb_next


def _fetch(net: Repo, remote: _Remote) -> bytes | None:
    """Bring the remote's objects into the library's repository; the remote's head (None when it has none).

    A full disk here is this PC's (the objects are written into sync.git): that OSError goes up as it is.
    """
    try:
        with remote.client() as (client, path):
            # The remote's head first: when this PC has it already (nothing new there, the usual case for
            # a sync every few minutes), no fetch is needed, and a fetch would still walk the whole history.
            head = client.get_refs(path).refs.get(BRANCH)
            if head is None or head in net.object_store:
                return head
            if isinstance(client, LocalGitClient):
                _fetch_folder(path, net, head)
                return head
            result = client.fetch(path, net)
    except _REMOTE_ERRORS as exc:
        _close_responses(exc)
        if _disk_full(exc):
            raise
        raise _unreachable(remote.location, exc, remote.password) from None
    return result.refs.get(BRANCH)


def _fetch_folder(path: str, net: Repo, head: bytes) -> None:
    """A fetch from a folder: the objects of `head` this repository lacks, as a pack (see _pack_data)."""
    with Repo(path) as remote:
        have = {sha for sha in net.refs.as_dict().values() if sha in remote.object_store}
        count, records = _pack_data(remote, have, {head})
        net.object_store.add_pack_data(count, records)


def _pack_data(repo: Repo, have, want, *, ofs_delta=False, progress=None):
    """The objects a push sends (a seam the kill-during-push tests wrap).

    As Repo.generate_pack_data, but each object whole: looking for deltas to reuse reads every object of
    every pack of the repository (seconds at 5,000 SOPs), for SOP files of a few kilobytes.
    """
    missing = MissingObjectFinder(repo.object_store, haves=set(have), wants=set(want), shallow=repo.get_shallow(),
                                  progress=progress)
    remote_has = missing.get_remote_has()
    object_ids = list(missing)
    return len(object_ids), generate_unpacked_objects(repo.object_store, object_ids, reuse_deltas=False,
                                                      ofs_delta=ofs_delta, other_haves=remote_has,
                                                      progress=progress)


def _push(net: Repo, remote: _Remote, head: bytes, expected: bytes | None) -> bool:
    """Send main; False when the remote moved since the fetch (someone pushed in between).

    A full disk here is the shared repository's: reported as such, nothing changes on this PC.
    """
    moved = False

    def update_refs(refs: dict) -> dict:
        nonlocal moved
        if refs.get(BRANCH) != expected:
            moved = True
            return {ref: sha for ref, sha in refs.items() if ref != b"HEAD"}  # nothing changes
        # HEAD is left out: it names main, and setting both would fail on the second.
        new = {ref: sha for ref, sha in refs.items() if ref != b"HEAD"}
        new[BRANCH] = head
        return new

    def pack_data(have, want, *, ofs_delta=False, progress=None):
        return _pack_data(net, have, want, ofs_delta=ofs_delta, progress=progress)

    try:
        with remote.client() as (client, path):
            result = client.send_pack(path.encode() if isinstance(path, str) else path, update_refs, pack_data)
    except _REMOTE_ERRORS as exc:
        _close_responses(exc)
        if _disk_full(exc) or (isinstance(exc, SendPackError) and _FULL_TEXT.search(str(exc))):
            raise _remote_full(remote.location) from None
        if isinstance(exc, SendPackError):
            # The server took the connection but refused what came (a hook, a protected branch, a damaged pack).
            raise SyncError(f"Server pustaka bersama {shown_location(remote.location)} menolak kiriman dari PC "
                            "ini; perubahan tetap tersimpan di PC ini. Tanyakan kepada pengelola server apakah "
                            "akun ini boleh menulis ke sana.") from None
        raise _unreachable(remote.location, exc, remote.password) from None
    if moved:
        return False
    status = (result.ref_status or {}).get(BRANCH)
    if status and _FULL_TEXT.search(str(status)):
        raise _remote_full(remote.location)
    return not status  # refused, most likely because the branch moved meanwhile: fetch and merge again


_FULL_TEXT = re.compile(r"no space left|disk full|errno 28|quota", re.IGNORECASE)


# ---- the library side ------------------------------------------------------------------------


def _name_of(raw: bytes | None, stem: str) -> str:
    try:
        data = json.loads(raw.decode("utf-8-sig")) if raw else None
        identity = data.get("identity", {}) if isinstance(data, dict) else {}
        nomor, nama = str(identity.get("nomor", "") or ""), str(identity.get("nama", "") or "")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return stem
    shown = " ".join(part for part in (nomor.strip(), nama.strip()) if part)
    return shown or stem


def _parse(raw: bytes | None):
    if raw is None:
        return None
    return sop_from_data(json.loads(raw.decode("utf-8-sig")))


class _Files:
    """Writes to the library's SOP files during a sync. A version it replaces is in the repository already
    (the commit of this PC's changes comes first), so Riwayat versi finds it there: nothing goes to history/."""

    def __init__(self, root: Path, progress: Callable[[str, int, int], None] | None = None) -> None:
        self.root = root
        self.changed: set[str] = set()  # stems whose sops/ or trash/ file was written or removed
        self.progress = progress
        self.total = 0  # SOPs the merge may write, for progress

    def path(self, stem: str, place: str) -> Path:
        return self.root / place / f"{stem}.json"

    def apply(self, stem: str, current: Entry | None, current_raw: bytes | None, target: Entry | None,
              target_raw: bytes | None) -> None:
        if current == target:
            return
        self.changed.add(stem)
        if self.progress is not None:
            self.progress(PHASE_MERGE, len(self.changed), self.total)
        if target is not None:
            assert target_raw is not None
            destination = self.path(stem, target.place)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if current is None or current.blob != target.blob or current.place != target.place:
                atomic_write_bytes(destination, target_raw)
        if current is not None and (target is None or target.place != current.place):
            old = self.path(stem, current.place)
            old.unlink(missing_ok=True)
            fsync_dir(old.parent)

    def keep_conflict(self, stem: str, tag: str, theirs: bytes | None, base: bytes | None,
                      info: dict[str, Any]) -> None:
        folder = self.root / CONFLICTS / stem
        folder.mkdir(parents=True, exist_ok=True)
        if theirs is not None:
            atomic_write_bytes(folder / f"{tag}-theirs.json", theirs)
        if base is not None:
            atomic_write_bytes(folder / f"{tag}-base.json", base)
        atomic_write_bytes(folder / f"{tag}-info.json",
                           json.dumps(info, ensure_ascii=False, indent=1).encode("utf-8"))


def pending_conflicts(root: Path) -> list[str]:
    """The file stems of SOPs with a conflict kept under conflicts/ that no one has settled yet."""
    folder = Path(root) / CONFLICTS
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*-info.json")))


def settle_conflict(root: str | Path, stem: str, *, library: Library | None = None) -> int:
    """A person kept the version in the library: the other versions kept aside under conflicts/ are removed.

    Returns how many other versions there were. Nothing is lost: each is in the repository's history (the
    merge commit's second parent, or this PC's commit before the merge), where Riwayat versi lists it and
    can restore it. The next sync sends the decision. `library`: the window's own; else it is opened here.
    """
    own = library is None
    if library is None:
        library = Library.open(Path(root))
    root = Path(library.root)
    folder = root / CONFLICTS / stem
    try:
        if library.read_only:
            raise StorageError(f"Pustaka {root} sedang dipakai jendela SOP Desk lain: {library.read_only_reason}")
        with library.mutex, failing_as("menghapus", folder):
            others = len(list(folder.glob("*-theirs.json"))) if folder.is_dir() else 0
            for leftover in sorted(folder.iterdir()) if folder.is_dir() else []:
                leftover.unlink()
            if folder.is_dir():
                folder.rmdir()
                fsync_dir(folder.parent)
        return others
    finally:
        if own:
            library.close()


def _pending_name(root: Path, stem: str) -> str:
    for info in sorted((root / CONFLICTS / stem).glob("*-info.json"), reverse=True):
        try:
            name = json.loads(info.read_text(encoding="utf-8")).get("nama")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(name, str) and name:
            return name
    return stem


# ---- the merge ---------------------------------------------------------------------------------


def _merged_bytes(sop, ours_sop, user: str) -> bytes:
    data = sop_to_native(sop)
    data["saved_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    data["saved_by"] = " ".join(user.split())[:120]
    data["changes"] = [MERGED_NOTE, *changed_fields(ours_sop, sop)]
    return encode_native(data)[0]


def _merge_one(local: LibraryRepo, files: _Files, stem: str, base: Entry | None, ours: Entry | None,
               theirs: Entry | None, user: str, tag: str, result: SyncResult) -> Entry | None:
    """The entry the merged snapshot holds for one SOP changed on both sides; writes the library file."""
    read = local.blob_bytes
    base_raw = read(base.blob) if base else None
    ours_raw = read(ours.blob) if ours else None
    theirs_raw = read(theirs.blob) if theirs else None
    name = _name_of(ours_raw or theirs_raw or base_raw, stem)
    info = {"sop": stem, "nama": name, "dari_commit": tag, "waktu": dt.datetime.now().astimezone().isoformat()}
    if ours is None or theirs is None:
        # Deleted on one side, edited on the other: the edited version stays, and a person is asked.
        kept = ours or theirs
        assert kept is not None
        where = "PC ini" if ours is None else "PC lain"
        other = "PC lain" if ours is None else "PC ini"
        line = f"SOP ini dihapus di {where} tetapi diubah di {other}; versi yang diubah disimpan."
        result.conflicts.append(SopConflict(stem, name, "hapus-ubah", [line]))
        files.apply(stem, ours, ours_raw, kept, read(kept.blob))
        files.keep_conflict(stem, tag, theirs_raw, base_raw, {**info, "jenis": "hapus-ubah", "bentrok": [line]})
        if ours is None:
            result.received.append(name)
        return kept
    # Both present. The Sampah: a side that moved it wins over one that left it where it was.
    place = theirs.place if (base is not None and ours.place == base.place) else ours.place
    if ours.blob == theirs.blob:
        target = Entry(place, ours.blob)
        files.apply(stem, ours, ours_raw, target, ours_raw)
        return target
    trashed_line = _trashed_against_edited(base, ours, theirs)
    if trashed_line:
        place = "sops"  # the edit stays in the list; a person decides whether it goes to the Sampah
        result.conflicts.append(SopConflict(stem, name, "hapus-ubah", [trashed_line]))
        # A record of its own ("s" + tag): the same sync may also meet a field clash on this SOP, and neither
        # question may overwrite the other. Not "<tag>-…", so removing one record never takes the other along.
        files.keep_conflict(stem, f"s{tag}", theirs_raw, base_raw, {**info, "jenis": "hapus-ubah",
                                                                   "bentrok": [trashed_line]})
    from ..merge import merge_sops

    try:
        base_sop, ours_sop, theirs_sop = _parse(base_raw), _parse(ours_raw), _parse(theirs_raw)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError, UnicodeDecodeError):
        line = "Salah satu versi SOP ini tidak dapat dibaca; versi PC ini tetap dipakai, versi PC lain disimpan."
        result.conflicts.append(SopConflict(stem, name, "rusak", [line]))
        files.keep_conflict(stem, tag, theirs_raw, base_raw, {**info, "jenis": "rusak", "bentrok": [line]})
        return Entry(place, ours.blob)
    merged = merge_sops(base_sop, ours_sop, theirs_sop)
    sop = merged.sop if merged.sop is not None else ours_sop
    if sop_to_native(sop) == sop_to_native(ours_sop):
        raw = ours_raw
    else:
        raw = _merged_bytes(sop, ours_sop, user)
    target = Entry(place, local.add_blob(raw))
    files.apply(stem, ours, ours_raw, target, raw)
    if merged.clean:
        result.merged.append(name)
    else:
        lines = [f"{c.path}: PC ini \u201c{c.ours}\u201d, PC lain \u201c{c.theirs}\u201d, semula \u201c{c.base}\u201d"
                 for c in merged.conflicts]
        result.conflicts.append(SopConflict(stem, name, "isian", lines))
        files.keep_conflict(stem, tag, theirs_raw, base_raw, {
            **info, "jenis": "isian", "bentrok": lines,
            "kunci": [c.key for c in merged.conflicts]})
    return target


def _merge_kept(local: LibraryRepo, files: _Files, base: Kept, ours: Kept, theirs: Kept) -> None:
    """The versions kept aside under conflicts/: a new one from either side is added, a settled one removed."""
    for key in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o == t or t == b or (o is not None and t is None):
            continue  # ours stands; a file settled there but changed here stays, so nothing is lost
        path = files.root / CONFLICTS / key[0] / key[1]
        if t is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, local.blob_bytes(t))
    for key in sorted(set(base) & set(ours)):
        if key not in theirs and ours[key] == base[key]:
            path = files.root / CONFLICTS / key[0] / key[1]
            path.unlink(missing_ok=True)
            try:
                path.parent.rmdir()
            except OSError:
                pass  # other versions of that SOP are still waiting


def _trashed_against_edited(base: Entry | None, ours: Entry, theirs: Entry) -> str:
    """The line to report when one side moved the SOP to the Sampah and the other changed it; else ""."""
    if base is None or base.place != "sops":
        return ""
    for mover, editor, where, other in ((ours, theirs, "PC ini", "PC lain"), (theirs, ours, "PC lain", "PC ini")):
        if mover.place == "trash" and editor.place == "sops" and editor.blob != base.blob:
            return (f"SOP ini dipindah ke Sampah di {where} tetapi diubah di {other}; SOP tetap di daftar "
                    "dengan perubahannya.")
    return ""


def _merge(local: LibraryRepo, files: _Files, ours_head: bytes, theirs_head: bytes, user: str,
           result: SyncResult) -> bytes:
    """Merge the remote's head into ours: the library files end as the merge; returns the new head."""
    base_head = _quick_base(local.repo, ours_head, theirs_head)
    if base_head is None:
        bases = find_merge_base(local.repo, [ours_head, theirs_head])
        base_head = bases[0] if bases else None
    if base_head == theirs_head:
        return ours_head  # nothing new there
    base, ours, theirs = (local.snapshot_of(base_head), local.snapshot_of(ours_head),
                          local.snapshot_of(theirs_head))
    merged: Snapshot = {}
    tag = theirs_head.decode()[:12]
    files.total = sum(1 for stem in set(base) | set(ours) | set(theirs)
                      if ours.get(stem) != theirs.get(stem) and theirs.get(stem) != base.get(stem))
    for stem in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(stem), ours.get(stem), theirs.get(stem)
        if o == t or t == b:
            entry = o
        elif o == b:
            entry = t
            raw = local.blob_bytes(t.blob) if t else None
            current_raw = local.blob_bytes(o.blob) if o else None
            files.apply(stem, o, current_raw, t, raw)
            result.received.append(_name_of(raw or current_raw, stem))
        else:
            entry = _merge_one(local, files, stem, b, o, t, user, tag, result)
        if entry is not None:
            merged[stem] = entry
    _merge_kept(local, files, *(local.conflicts_of(c) for c in (base_head, ours_head, theirs_head)))
    kept = local.conflicts_now()  # with the ones this merge added
    if base_head == ours_head and merged == theirs and kept == local.conflicts_of(theirs_head):
        return theirs_head  # a fast-forward: this PC had nothing of its own
    tree = local.tree_of(merged, kept)
    message = f"Sinkronisasi: gabungan dengan pustaka bersama ({len(result.received)} diterima"
    message += f", {len(result.merged)} digabung, {len(result.conflicts)} bentrok)"
    return local.commit(tree, [ours_head, theirs_head], user, message)


def _changes_of(raw: bytes | None) -> list[str]:
    """What the last save of a file changed, as the library wrote it ("changes"); [] when unknown."""
    try:
        data = json.loads(raw.decode("utf-8-sig")) if raw else None
    except (ValueError, UnicodeDecodeError):
        return []
    changes = data.get("changes") if isinstance(data, dict) else None
    return [str(c) for c in changes[:12]] if isinstance(changes, list) else []


def _commit_local(local: LibraryRepo, user: str) -> bytes:
    """Commit the library's SOP files when they differ from main; returns the head."""
    head = local.head()
    before = local.snapshot_of(head)
    now = local.snapshot_files({entry.blob for entry in before.values()})
    kept_before, kept_now = local.conflicts_of(head), local.conflicts_now()
    if head is not None and now == before and kept_now == kept_before:
        return head
    changed = sorted(stem for stem in set(now) | set(before) if now.get(stem) != before.get(stem))
    if head is None:
        title = f"Pustaka dimulai di PC ini: {len(now)} SOP"
        title += " (Riwayat versi yang sudah ada tetap di folder history pustaka)"
    elif changed:
        title = f"{len(changed)} SOP diubah di PC ini"
    else:
        title = "Bentrok diputuskan di PC ini"  # only records under conflicts/ were settled or added
    lines = []
    for stem in changed[:MESSAGE_LINES]:
        entry, old = now.get(stem), before.get(stem)
        raw = local.blob_bytes(entry.blob) if entry else None
        shown = _name_of(raw or (local.blob_bytes(old.blob) if old else None), stem)
        if entry is None:
            what = "dihapus"
        elif entry.place == "trash":
            what = "dipindah ke Sampah"
        else:
            changes = _changes_of(raw)
            what = "disimpan" + (f" ({'; '.join(changes)})" if changes else "")
        lines.append(f"- {shown}: {what}")
    if len(changed) > MESSAGE_LINES:
        lines.append(f"- dan {len(changed) - MESSAGE_LINES} SOP lain")
    settled = sorted({stem for stem, _name in kept_before} - {stem for stem, _name in kept_now})
    lines.extend(f"- bentrok {stem} sudah diputuskan" for stem in settled)
    commit = local.commit(local.tree_of(now, kept_now), [head] if head else [], user,
                          "\n".join([title, "", *lines]) + "\n")
    local.set_head(commit)
    return commit


def _sent(local: LibraryRepo, remote_head: bytes | None, new_head: bytes) -> list[str]:
    before, after = local.snapshot_of(remote_head), local.snapshot_of(new_head)
    names = []
    for stem in sorted(set(before) | set(after)):
        if before.get(stem) != after.get(stem):
            entry = after.get(stem) or before.get(stem)
            names.append(_name_of(local.blob_bytes(entry.blob), stem))
    return names


def sync_library(root: str | Path, remote: str = "", user: str = "", attempts: int = 3, *,
                 library: Library | None = None, username: str = "", password: str = "",
                 progress: Callable[[str, int, int], None] | None = None) -> SyncResult:
    """Sync the library at root with the remote (a folder or a git URL; remembered once given, never its password).

    `library`: the window's open, writable library (it holds the lock); without it the sync opens the library
    itself, and refuses while a window holds it. `username`/`password`: for an http(s) remote; a password
    written into the address is used too, but only the address without it is remembered.
    `progress(text, done, total)`: called from this thread at each phase (total 0 when unknown).

    Raises SyncError when the remote cannot be used (SyncError.offline: it cannot be reached now, a
    normal state); nothing saved on this PC is lost either way, and it goes out with a later sync.
    StorageError when the library cannot be opened for writing, or a file of it cannot be written.
    """
    own = library is None
    if library is None:
        library = Library.open(Path(root))
    root = Path(library.root)
    result = SyncResult()
    try:
        if library.read_only:
            raise StorageError(f"Pustaka {root} sedang dipakai jendela SOP Desk lain: {library.read_only_reason}")
        try:
            _sync(library, remote, user, attempts, username, password, progress, result)
        except OSError as exc:
            # The remote's failures are SyncError already: this is the library's own disk (full, read-only).
            raise StorageError(os_message("menulis", Path(exc.filename or root / REPO_DIR), exc)) from None
    finally:
        try:
            # The catalogue follows the files that changed, also when the sync stopped half-way.
            if result.changed_stems and not library.read_only:
                with library.mutex:
                    library.rescan()
        finally:
            if own:
                library.close()
            waiting = pending_conflicts(root)
            result.pending = len(waiting)
            result.pending_names = [_pending_name(root, stem) for stem in waiting]
            result.finished_at = dt.datetime.now().astimezone()
    return result


def _sync(library: Library, remote: str, user: str, attempts: int, username: str, password: str,
          progress: Callable[[str, int, int], None] | None, result: SyncResult) -> None:
    root = Path(library.root)
    report = progress or (lambda _text, _done, _total: None)
    report(PHASE_PREPARE, 0, 0)
    with library.mutex:
        local = _repo_of(library)
        # The repository is made when the library is opened (every save is a commit): say so on that day.
        result.created_local = local.created or bool(getattr(library, "history_started", False))
        if remote and not _is_url(remote):
            remote = str(Path(remote).absolute())  # remembered: must not depend on the folder it was typed in
        remote, in_address_user, in_address_password = _split_credentials(remote)
        location = remote or local.remote_url()
        if not location:
            raise SyncError("Belum ada pustaka bersama; sebutkan foldernya atau alamatnya dengan --remote.")
        if remote and remote != local.remote_url():
            local.set_remote_url(remote)
            # Another shared repository: what this PC knew of the old one says nothing about this one.
            local.repo.refs.remove_if_equals(REMOTE_BRANCH, None)
        known = local.repo.refs.as_dict().get(REMOTE_BRANCH)
    result.location = shown_location(location)
    target = _Remote(location, username or in_address_user, password or in_address_password)
    result.created_remote = prepare_remote(location, known=known is not None)
    files = _Files(root, progress=progress)
    # The network side has a Repo object of its own: the window's saves use library.repo meanwhile.
    net = Repo(str(root / REPO_DIR))
    try:
        for _attempt in range(attempts):
            report(PHASE_FETCH, 0, 0)
            theirs = _fetch(net, target)
            if known is not None and theirs is not None and not _contains(net, theirs, known):
                raise SyncError(
                    f"Riwayat pustaka bersama {result.location} telah ditulis ulang dari tempat lain: versi yang "
                    "sudah diterima atau dikirim PC ini tidak ada lagi di sana. Tidak ada yang diubah, di PC ini "
                    "maupun di pustaka bersama; mintalah pengelolanya memulihkan pustaka bersama, atau pilih "
                    "folder atau alamat kosong sebagai pustaka bersama baru agar pustaka ini dikirim utuh ke sana.")
            report(PHASE_MERGE, 0, 0)
            with library.mutex:
                local = _repo_of(library)  # the window may have closed its library meanwhile: then stop here
                ours = _commit_local(local, user)  # with whatever the window saved meanwhile
                Journal(root).clear()  # a save whose commit had failed is in that commit now
                head = ours if theirs is None else _merge(local, files, ours, theirs, user, result)
                result.changed_stems |= files.changed
                if head != ours:
                    local.set_head(head)
                if theirs is not None:
                    local.repo.refs[REMOTE_BRANCH] = theirs
                sent = [] if head == theirs else _sent(local, theirs, head)
            known = theirs
            if head == theirs:
                break
            report(PHASE_PUSH, 0, 0)
            if _push(net, target, head, theirs):
                net.refs[REMOTE_BRANCH] = head
                result.sent = sent
                break
        else:
            raise SyncError(f"Pustaka bersama {result.location} terus berubah selama sinkronisasi; ulangi sebentar "
                            "lagi.")
        _tidy(net, library.mutex)
    finally:
        net.close()


LOOSE_LIMIT = 2000  # loose objects (one file each: every save makes four) before they are packed into one file


def _tidy(repo: Repo, mutex) -> None:
    """Pack the loose objects once there are many: reading thousands of small files makes every sync slower.

    The pack is written without the library's mutex (it only adds a file); the loose files it holds are
    removed with it held, after the pack is complete, so every reader finds each object in one or the other.
    """
    objects = Path(repo.controldir()) / "objects"
    loose: list[bytes] = []
    try:
        with os.scandir(objects) as it:
            for entry in it:
                if len(entry.name) == 2 and entry.is_dir():
                    loose.extend((entry.name + name).encode("ascii") for name in os.listdir(entry.path)
                                 if len(name) == 38 and not name.startswith("tmp"))
    except OSError:
        return
    if len(loose) <= LOOSE_LIMIT:
        return
    store = repo.object_store
    packs = objects / "pack"
    try:
        before = set(os.listdir(packs)) if packs.is_dir() else set()
        store.add_objects([(store[sha], None) for sha in loose])
        # dulwich does not flush a pack to the disk: it must be there for good before the loose files go.
        for name in sorted(set(os.listdir(packs)) - before):
            fsync_file(packs / name)
        fsync_dir(packs)
        with mutex:
            for sha in loose:
                store.delete_loose_object(sha)
    except (OSError, KeyError, ValueError):
        pass  # a full disk or an odd file: what is loose stays loose, and a later sync tries again


QUICK_WALK = 400  # commits walked back from each head to find the other there before a full merge-base search


def _quick_base(repo: Repo, ours: bytes, theirs: bytes) -> bytes | None:
    """The merge base when one head is a recent ancestor of the other (a sync with nothing new on one side,
    most syncs); None when that is not so, and find_merge_base decides."""
    for head, other in ((ours, theirs), (theirs, ours)):
        if _contains(repo, head, other, limit=QUICK_WALK):
            return other
    return None


def _repo_of(library: Library) -> LibraryRepo:
    """The library's own repository object; StorageError once the library was closed or turned read-only."""
    repo = library.repo
    if repo is None:
        raise StorageError(f"Pustaka {library.root} sudah ditutup atau tidak dapat ditulisi lagi; sinkronisasi "
                           "dihentikan sebelum mengubah apa pun di pustaka.")
    return repo


def _contains(repo: Repo, head: bytes, earlier: bytes, limit: int | None = None) -> bool:
    """True when `earlier` is in the history of `head` (the remote moved on from what this PC knew of it).

    A walk of the parents, without the commit-time shortcut of dulwich's can_fast_forward: the PCs of an
    office do not share one clock, so a later commit may carry an earlier time.
    """
    seen, todo = {head}, deque([head])
    while todo:
        commit_id = todo.popleft()  # breadth first: a recent ancestor is found after few commits
        if commit_id == earlier:
            return True
        if limit is not None and len(seen) > limit:
            return False
        try:
            parents = repo[commit_id].parents
        except KeyError:
            continue  # not fetched: a shallow history is never made here, so this is a damaged repository
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return False
