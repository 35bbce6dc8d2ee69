"""One sync of a library with its shared repository: commit local changes, fetch, merge per SOP, push.

Per SOP file (by file stem) against the common ancestor of the two heads:
  - changed on one side only: that side is taken (an edit, a move to or from the Sampah, a purge);
  - changed on both: the three versions are merged on their structure (sopdesk.merge.merge_sops);
    a clean merge is written as the new version, a conflict keeps our version in place (with whatever did
    merge) and theirs, with the ancestor, under conflicts/<stem>/ until a person decides (settle_conflict);
    conflicts/ travels with the commits, so every PC sees that the SOP waits for a decision;
  - deleted (or moved to the Sampah) on one side and edited on the other: the edited one is kept in the
    list, and a conflict is reported.
Every version a sync replaces on this PC goes to history/ first, as a save does. The sync holds the
library lock (Library.open) and reopens the library at the end so the catalogue matches the files.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dulwich.client import HTTPProxyUnauthorized, HTTPUnauthorized, LocalGitClient, get_transport_and_path
from dulwich.errors import GitProtocolError, HangupException, NotGitRepository
from dulwich.graph import find_merge_base

from ..atomic import atomic_write_bytes, fsync_dir
from ..interchange import sop_from_data, sop_to_native
from ..library_files import StorageError, encode_native, failing_as, os_message
from ..lifecycle import changed_fields
from ..storage import HISTORY, Library
from .repo import (
    BRANCH,
    CONFLICTS,
    REMOTE_BRANCH,
    Entry,
    Kept,
    LibraryRepo,
    Snapshot,
    init_bare,
    looks_like_bare_repo,
)

MESSAGE_LINES = 50
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


def prepare_remote(location: str) -> bool:
    """Make a folder remote usable: a bare repository there on first use. Returns True when one was created."""
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


def _unreachable(location: str, exc: BaseException) -> SyncError:
    location = shown_location(location)
    if isinstance(exc, NotGitRepository):
        return SyncError(f"{location} bukan pustaka bersama SOP Desk (bukan repositori git).")
    if isinstance(exc, (HTTPUnauthorized, HTTPProxyUnauthorized)):
        return SyncError(f"Server pustaka bersama {location} meminta nama pengguna dan kata sandi; tuliskan "
                         "keduanya di alamatnya (https://nama:sandi@server/...) atau mintalah akses tanpa sandi.")
    return SyncError(f"Pustaka bersama {location} tidak terjangkau; perubahan tetap tersimpan di PC ini dan "
                     "dikirim pada sinkronisasi berikutnya.", offline=True)


_REMOTE_ERRORS = (OSError, GitProtocolError, HangupException, NotGitRepository, HTTPUnauthorized,
                  HTTPProxyUnauthorized)


def _client(location: str):
    # A folder stays a folder: a drive letter (C:) or a server share must never be read as a host name.
    if _is_url(location):
        return get_transport_and_path(location)
    return LocalGitClient(), str(Path(location))


def _fetch(local: LibraryRepo, location: str) -> bytes | None:
    try:
        client, path = _client(location)
        result = client.fetch(path, local.repo)
    except _REMOTE_ERRORS as exc:
        raise _unreachable(location, exc) from None
    head = result.refs.get(BRANCH)
    if head is not None:
        local.repo.refs[REMOTE_BRANCH] = head
    return head


def _push(local: LibraryRepo, location: str, head: bytes, expected: bytes | None) -> bool:
    """Send main; False when the remote moved since the fetch (someone pushed in between)."""
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
        return local.repo.generate_pack_data(set(have), set(want), progress=progress, ofs_delta=ofs_delta)

    try:
        client, path = _client(location)
        result = client.send_pack(path.encode() if isinstance(path, str) else path, update_refs, pack_data)
    except _REMOTE_ERRORS as exc:
        raise _unreachable(location, exc) from None
    if moved:
        return False
    return not (result.ref_status or {}).get(BRANCH)


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


def _revision_name(raw: bytes) -> str:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        moment = dt.datetime.fromisoformat(data["saved_at"])
    except (ValueError, UnicodeDecodeError, KeyError, TypeError):
        moment = dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


class _Files:
    """Writes to the library's SOP files during a sync, each replaced version kept in history/ first."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, stem: str, place: str) -> Path:
        return self.root / place / f"{stem}.json"

    def keep_in_history(self, stem: str, raw: bytes) -> None:
        folder = self.root / HISTORY / stem
        kept = folder / f"{_revision_name(raw)}.json"
        if not kept.exists():
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(kept, raw)

    def apply(self, stem: str, current: Entry | None, current_raw: bytes | None, target: Entry | None,
              target_raw: bytes | None) -> None:
        if current == target:
            return
        if current is not None and current_raw is not None and (target is None or target.blob != current.blob):
            self.keep_in_history(stem, current_raw)
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


def settle_conflict(root: str | Path, stem: str) -> int:
    """A person kept the version in the library: the other versions kept aside go to its Riwayat versi.

    Returns how many versions were moved there. Nothing is deleted: each becomes an earlier version of
    that SOP (history/), where Riwayat versi shows it and can restore it. Holds the library lock while it works.
    """
    root = Path(root)
    folder = root / CONFLICTS / stem
    library = Library.open(root)
    try:
        if library.read_only:
            raise StorageError(f"Pustaka {root} sedang dipakai jendela SOP Desk lain: {library.read_only_reason}")
        files = _Files(root)
        moved = 0
        with failing_as("menyimpan riwayat", root / HISTORY / stem):
            for kept in sorted(folder.glob("*-theirs.json")):
                files.keep_in_history(stem, kept.read_bytes())
                moved += 1
            for leftover in sorted(folder.iterdir()) if folder.is_dir() else []:
                leftover.unlink()
            if folder.is_dir():
                folder.rmdir()
        return moved
    finally:
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
        files.keep_conflict(stem, tag, theirs_raw, base_raw, {**info, "jenis": "hapus-ubah",
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
    bases = find_merge_base(local.repo, [ours_head, theirs_head])
    base_head = bases[0] if bases else None
    if base_head == theirs_head:
        return ours_head  # nothing new there
    base, ours, theirs = (local.snapshot_of(base_head), local.snapshot_of(ours_head),
                          local.snapshot_of(theirs_head))
    merged: Snapshot = {}
    tag = theirs_head.decode()[:12]
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
    else:
        title = f"{len(changed)} SOP diubah di PC ini"
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


def sync_library(root: str | Path, remote: str = "", user: str = "", attempts: int = 3) -> SyncResult:
    """Sync the library at root with the remote (a folder or a git URL; remembered once given).

    Raises SyncError when the remote cannot be used: local changes are committed first either way,
    so an offline PC loses nothing and sends it next time (SyncError.offline tells that case apart).
    StorageError when the library cannot be opened for writing, or a file of it cannot be written.
    """
    root = Path(root)
    library = Library.open(root)
    result = SyncResult()
    try:
        if library.read_only:
            raise StorageError(f"Pustaka {root} sedang dipakai jendela SOP Desk lain: {library.read_only_reason}")
        try:
            _sync(root, remote, user, attempts, result)
        except OSError as exc:
            # The remote's failures are SyncError already: this is the library's own disk (full, read-only).
            raise StorageError(os_message("menulis", Path(exc.filename or root), exc)) from None
    finally:
        library.close()
        waiting = pending_conflicts(root)
        result.pending = len(waiting)
        result.pending_names = [_pending_name(root, stem) for stem in waiting]
        # The catalogue follows the files that changed (Library.open reconciles them by file stat),
        # also when the sync stopped half-way, after some files were written.
        if result.received or result.merged or result.conflicts:
            Library.open(root).close()
    return result


def _sync(root: Path, remote: str, user: str, attempts: int, result: SyncResult) -> None:
    local = LibraryRepo(root)
    try:
        result.created_local = local.created
        if remote and not _is_url(remote):
            remote = str(Path(remote).absolute())  # remembered: must not depend on the folder it was typed in
        location = remote or local.remote_url()
        if not location:
            raise SyncError("Belum ada pustaka bersama; sebutkan foldernya atau alamatnya dengan --remote.")
        if remote and remote != local.remote_url():
            local.set_remote_url(remote)
        result.location = shown_location(location)
        ours = _commit_local(local, user)
        result.created_remote = prepare_remote(location)
        files = _Files(root)
        for _attempt in range(attempts):
            theirs = _fetch(local, location)
            head = ours if theirs is None else _merge(local, files, ours, theirs, user, result)
            if head != ours:
                local.set_head(head)
            ours = head
            if head == theirs:
                return
            sent = _sent(local, theirs, head)
            if _push(local, location, head, theirs):
                result.sent = sent
                return
        raise SyncError(f"Pustaka bersama {result.location} terus berubah selama sinkronisasi; ulangi sebentar lagi.")
    finally:
        local.close()
