"""Every save is a commit: the library's changes recorded in its repository (sync.git), one commit per save.

The SOP file is written first and stays the truth; the commit follows. A commit only rewrites the trees of
the shards it touches (see repo.updated_tree), so it costs the same at 5 SOPs as at 5,000.

When a commit cannot be made (a damaged repository, a full disk), the save still stands and the file stem
is written to the pending list (riwayat.tertunda in the library folder): the next commit, the next
Library.open or the next sync catches up with every file that differs from the head. After a crash
between the file write and its commit, the next Library.open does the same (it sees session.open).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from dulwich.objects import Blob

from ..atomic import atomic_write_bytes, is_temp_file, read_regular_file
from ..library_files import MAX_SOP_BYTES
from .repo import PLACES, REPO_DIR, Entry, LibraryRepo, shard_of

PENDING_NAME = "riwayat.tertunda"  # file stems whose save is not in the repository yet, one a line
RECORDED_NAME = "sopdesk-setiap-simpan"  # in sync.git: every save is a commit there (absent: made by the first sync)
MESSAGE_LINES = 50  # a catch-up names at most this many SOPs in its message
TITLE_CHANGES = 160  # the fields changed are listed in the first line of a message up to this many characters
START_TITLE = "Awal riwayat bersama pustaka ini"
START_NOTE = ("Versi-versi sebelumnya tetap ada di Riwayat versi, dari folder history pustaka; "
              "sejak commit ini setiap simpan dicatat di sini.")
CATCH_UP_TITLE = "Menyusul perubahan yang belum tercatat di riwayat"


class Journal:
    """The pending list: file stems saved while their commit could not be made."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / PENDING_NAME

    def stems(self) -> set[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return set()
        return {line.strip() for line in text.splitlines() if line.strip()}

    def exists(self) -> bool:
        return self.path.exists()

    def add(self, stems: Iterable[str]) -> None:
        """Remember stems to commit later; OSError when even this cannot be written (the save still stands)."""
        every = self.stems() | set(stems)
        atomic_write_bytes(self.path, "".join(f"{stem}\n" for stem in sorted(every)).encode("utf-8"))

    def clear(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # the next open catches up once more, which commits nothing new


def blob_id(raw: bytes) -> bytes:
    """The git id of a file's bytes (as the repository names it), without storing it."""
    return Blob.from_string(raw).id


def entry_in(repo: LibraryRepo, tree_id: bytes | None, stem: str) -> Entry | None:
    """Where a file stem is in one tree: its place and blob, or None. Reads three small trees."""
    if tree_id is None:
        return None
    root = repo.tree(tree_id)
    name = f"{stem}.json".encode("utf-8", "surrogateescape")
    shard = shard_of(stem).encode("utf-8", "surrogateescape")
    for place in PLACES:
        key = place.encode()
        if key not in root:
            continue
        sub = repo.tree(root[key][1])
        if shard in sub:
            inner = repo.tree(sub[shard][1])
            if name in inner:
                return Entry(place, inner[name][1])
        if name in sub:  # the first layout, without shards
            return Entry(place, sub[name][1])
    return None


def head_tree(repo: LibraryRepo) -> bytes | None:
    head = repo.head()
    return repo.tree_id(head) if head is not None else None


def read_entry(repo: LibraryRepo, root: Path, stem: str) -> Entry | None:
    """The file of a stem in the library now (sops/ before trash/), stored as a blob; None when there is none.

    A file that cannot be read is left where it was in the repository: the caller sees KeyError.
    """
    for place in PLACES:
        path = Path(root) / place / f"{stem}.json"
        try:
            raw = read_regular_file(path, MAX_SOP_BYTES)
        except FileNotFoundError:
            continue
        except OSError:
            raise KeyError(stem) from None  # damaged or odd: the library's own report names it
        return Entry(place, repo.add_blob(raw))
    return None


def commit_changes(repo: LibraryRepo, changes: dict[str, Entry | None], user: str, message: str,
                   facts: dict[bytes, dict] | None = None) -> bytes | None:
    """Commit the head's tree with `changes` (file stem -> entry, None for gone) on main; returns the new head.

    Returns the head unchanged (no commit) when the tree would be the same. conflicts/ follows the folder.
    """
    head = repo.head()
    base = repo.tree_id(head) if head is not None else None
    tree = repo.updated_tree(base, changes, repo.conflicts_now())
    if tree == base:
        return head
    commit = repo.commit(tree, [head] if head is not None else [], user, message)
    repo.set_head(commit)
    if repo.last_commit is not None and repo.last_commit.id == commit:
        from .history import record_commit

        record_commit(repo, repo.last_commit, changes, facts)  # Riwayat versi then needs no look at the trees
    return commit


def message_for(title: str, changes: Iterable[str] = ()) -> str:
    """A commit message: the title (the SOP's nomor and nama, and what was done) with the fields changed in
    brackets, so that a one-line log says it all; when that line would be long, every field follows on a line."""
    title = " ".join(title.split())
    listed = [" ".join(str(change).split()) for change in changes]
    listed = [line for line in listed if line]
    if not listed:
        return title + "\n"
    summary = "; ".join(listed)
    if len(summary) <= TITLE_CHANGES:
        return f"{title} ({summary})\n"
    shown = summary[:TITLE_CHANGES].rsplit("; ", 1)[0] if "; " in summary[:TITLE_CHANGES] else listed[0][:TITLE_CHANGES]
    more = len(listed) - shown.count("; ") - 1
    head = f"{title} ({shown}" + (f"; dan {more} lainnya)" if more > 0 else ")")
    return "\n".join([head, "", *(f"- {line}" for line in listed)]) + "\n"


def _data_of(raw: bytes) -> dict:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def shown_name(raw: bytes | None, stem: str) -> str:
    """ "nomor nama" of an SOP's bytes, for messages; the file stem when it has neither."""
    data = _data_of(raw) if raw else {}
    identity = data.get("identity") if isinstance(data.get("identity"), dict) else {}
    parts = [str(identity.get(key) or "").strip() for key in ("nomor", "nama")]
    return " ".join(part for part in parts if part) or stem


def catch_up(repo: LibraryRepo, root: Path, user: str = "", stems: Iterable[str] | None = None,
             title: str = CATCH_UP_TITLE) -> bytes | None:
    """Commit the library's files that differ from the head: all of them, or only `stems`. Returns the head.

    Used once at conversion (no head yet), after a crash, after a commit that failed, and for files
    changed by hand. The author is `user`, else the one name every changed file was saved by.
    """
    root = Path(root)
    head = repo.head()
    if stems is None:
        before = repo.snapshot_of(head)
        now = repo.snapshot_files({entry.blob for entry in before.values()})
        changes: dict[str, Entry | None] = {stem: now.get(stem) for stem in set(now) | set(before)
                                            if now.get(stem) != before.get(stem)}
    else:
        base = repo.tree_id(head) if head is not None else None
        changes = {}
        for stem in set(stems):
            try:
                entry = read_entry(repo, root, stem)
            except KeyError:
                continue
            if entry != entry_in(repo, base, stem):
                changes[stem] = entry
    if head is not None and not changes and repo.conflicts_now() == repo.conflicts_of(head):
        return head
    lines, authors = [], set()
    for stem in sorted(changes)[:MESSAGE_LINES]:
        entry = changes[stem]
        raw = repo.blob_bytes(entry.blob) if entry is not None else None
        name = shown_name(raw, stem)
        if entry is None:
            lines.append(f"{name}: dihapus")
            continue
        data = _data_of(raw or b"")
        saved_by = data.get("saved_by")
        authors.add(saved_by if isinstance(saved_by, str) else "")
        what = "di Sampah" if entry.place == "trash" else "disimpan"
        done = data.get("changes")
        if isinstance(done, list) and done:
            what += " (" + "; ".join(str(item) for item in done[:12]) + ")"
        lines.append(f"{name}: {what}")
    if len(changes) > MESSAGE_LINES:
        lines.append(f"dan {len(changes) - MESSAGE_LINES} SOP lain")
    if not user and len(authors) == 1:
        user = authors.pop()
    if head is None:
        # The note about earlier versions only where there were SOPs to have them (not for a new, empty library).
        message = message_for(f"{START_TITLE}: {len(changes)} SOP", [START_NOTE] if changes else [])
    else:
        message = message_for(f"{title}: {len(changes)} SOP", lines)
    return commit_changes(repo, changes, user, message)


def has_repository(root: Path) -> bool:
    from .repo import looks_like_bare_repo

    return looks_like_bare_repo(Path(root) / REPO_DIR)


def saves_recorded(root: Path) -> bool:
    """True once this SOP Desk commits every save to the library's repository (see mark_saves_recorded)."""
    return (Path(root) / REPO_DIR / RECORDED_NAME).exists()


def mark_saves_recorded(root: Path) -> None:
    """Say in sync.git that every save is committed from now on; written once the catch-up made it true."""
    atomic_write_bytes(Path(root) / REPO_DIR / RECORDED_NAME, b"1\n")


def has_head(root: Path) -> bool:
    """True when main names a commit (a loose ref, or one in packed-refs); read without opening the repository."""
    top = Path(root) / REPO_DIR
    try:
        if (top / "refs" / "heads" / "main").stat().st_size > 0:
            return True
    except OSError:
        pass
    try:
        return any(line.endswith(b" refs/heads/main") for line in (top / "packed-refs").read_bytes().splitlines())
    except OSError:
        return False


def remove_repository_debris(root: Path) -> None:
    """After a crash: the lock files and half-written temp files a killed commit can leave in sync.git.

    Only called while the library lock is held, so no other writer of this repository is at work. A lock
    file left behind would make every later commit fail ("main.lock exists"); a half-written object or
    pack is never named by any ref (dulwich renames a file into place only once it is whole).
    """
    top = Path(root) / REPO_DIR
    if not top.is_dir():
        return
    for folder, _dirs, names in os.walk(top / "refs"):
        for name in names:
            if name.endswith(".lock"):
                _remove(Path(folder) / name)
    for name in ("packed-refs.lock", "config.lock", "HEAD.lock"):
        _remove(top / name)
    objects = top / "objects"
    if not objects.is_dir():
        return
    with os.scandir(objects) as it:
        for entry in it:
            if entry.name.startswith("tmp_pack_") or entry.name.startswith("tmp_"):
                _remove(Path(entry.path))
            elif len(entry.name) == 2 and entry.is_dir(follow_symlinks=False):
                with os.scandir(entry.path) as inner:
                    for item in inner:
                        if item.name.endswith(".lock") or is_temp_file(item.name):
                            _remove(Path(item.path))
    pack = objects / "pack"
    if pack.is_dir():
        with os.scandir(pack) as it:
            for entry in it:
                if entry.name.startswith("tmp_") or entry.name.endswith(".lock"):
                    _remove(Path(entry.path))


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
