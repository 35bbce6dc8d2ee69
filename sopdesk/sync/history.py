"""Riwayat versi read from the repository: the versions of one SOP that its commits made.

A version is a commit where the SOP's blob differs from its blob in every parent: a save on this PC, a
save on another PC that came by a sync (with that drafter's name), a merge. Every parent is followed,
so nothing that reached main is missed, back to the commits where the SOP is absent (before it was
made on that line of history, or purged: "Hapus permanen" ends its Riwayat versi, though git keeps
the older commits).

Reading every commit's trees for every Riwayat versi would cost a second at a few thousand commits, so
an index (sync.git/sopdesk-riwayat.idx, one line per commit, local like the rest of sync.git's files
and never sent) keeps per commit its parents, author, time and the SOP files it changed against its
first parent. A save writes its line as it commits; a commit made elsewhere (a sync's merge, commits
received from other PCs) gets its line the first time a Riwayat versi walks over it, from a comparison
of its trees with its first parent's: a subtree whose id is the same on both sides is not read. The
index is only a cache of facts about commits that never change: a damaged line is read again from the
repository.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from dulwich.objects import Commit, Tree

from .repo import PLACES, TREE_MODE, Entry, LibraryRepo, shard_of

GIT_PREFIX = "git-"
INDEX_NAME = "sopdesk-riwayat.idx"
_GIT_REVISION = re.compile(r"git-([0-9a-f]{40})")
_HEX = re.compile(rb"[0-9a-f]{40}")

Changes = dict[str, Entry | None]  # file stem -> its entry after the commit (None: gone)


@dataclass(frozen=True)
class Version:
    """One version of an SOP in the repository."""

    commit: bytes  # hex id of the commit that made it
    blob: bytes  # hex id of its bytes
    place: str  # "sops" or "trash"
    author: str  # the commit's author name ("" for the SOP Desk default)
    when: dt.datetime  # the commit's time, aware

    @property
    def revision_id(self) -> str:
        return GIT_PREFIX + self.commit.decode("ascii")


@dataclass(frozen=True)
class _Known:
    """What the index keeps of one commit."""

    parents: tuple[bytes, ...]
    tree: bytes
    author: str
    time: int
    zone: int  # seconds east of UTC
    changes: Changes | None  # against the first parent; None for a commit without parents (read its tree)


def commit_of_revision(revision_id: str) -> bytes | None:
    """The commit a "git-<hex>" revision id names; None for a version kept in history/."""
    match = _GIT_REVISION.fullmatch(revision_id)
    return match.group(1).encode("ascii") if match else None


def author_name(commit: Commit) -> str:
    name = commit.author.decode("utf-8", "replace").split(" <", 1)[0].strip()
    return "" if name == "SOP Desk" else name


def _moment(time: int, zone: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(time, dt.timezone(dt.timedelta(seconds=zone)))


def commit_time(commit: Commit) -> dt.datetime:
    return _moment(commit.author_time, commit.author_timezone)


# ---- comparing trees ---------------------------------------------------------------------------------


def _files_of(repo: LibraryRepo, place_tree: bytes | None) -> dict[bytes, Any]:
    """A place tree's items: shard name -> shard tree id, or (for the first layout) file name -> blob."""
    if place_tree is None:
        return {}
    tree = repo.tree(place_tree)
    return {name: tree[name] for name in tree}  # unsorted: items() would sort and wrap every entry


def _shard_files(repo: LibraryRepo, tree_id: bytes | None) -> dict[bytes, bytes]:
    if tree_id is None:
        return {}
    tree = repo.tree(tree_id)
    return {name: tree[name][1] for name in tree}


def _place_files(repo: LibraryRepo, old: bytes | None, new: bytes | None) -> tuple[dict[bytes, bytes], dict[bytes, bytes]]:
    """The files that differ between two trees of one place: (old name -> blob, new name -> blob)."""
    before, after = _files_of(repo, old), _files_of(repo, new)
    gone: dict[bytes, bytes] = {}
    came: dict[bytes, bytes] = {}
    for name in set(before) | set(after):
        b, a = before.get(name), after.get(name)
        if b == a:
            continue  # the same subtree (or file): nothing under it changed
        b_shard = b is not None and b[0] == TREE_MODE
        a_shard = a is not None and a[0] == TREE_MODE
        old_files = _shard_files(repo, b[1]) if b_shard else ({name: b[1]} if b is not None else {})
        new_files = _shard_files(repo, a[1]) if a_shard else ({name: a[1]} if a is not None else {})
        for file_name in set(old_files) | set(new_files):
            if old_files.get(file_name) != new_files.get(file_name):
                if file_name in old_files:
                    gone[file_name] = old_files[file_name]
                if file_name in new_files:
                    came[file_name] = new_files[file_name]
    return gone, came


def changed_files(repo: LibraryRepo, old_tree: bytes | None, new_tree: bytes) -> Changes:
    """The SOP files whose entry differs between two root trees: stem -> the entry in new_tree (None: gone)."""
    old_root = repo.tree(old_tree) if old_tree is not None else Tree()
    new_root = repo.tree(new_tree)
    changes: Changes = {}
    arrived: dict[str, Entry] = {}
    for place in PLACES:
        key = place.encode()
        old = old_root[key][1] if key in old_root else None
        new = new_root[key][1] if key in new_root else None
        if old == new:
            continue
        gone, came = _place_files(repo, old, new)
        for name in gone:
            stem = name.decode("utf-8", "surrogateescape")
            if stem.endswith(".json"):
                changes.setdefault(stem[:-5], None)
        for name, blob in came.items():
            stem = name.decode("utf-8", "surrogateescape")
            if stem.endswith(".json"):
                arrived.setdefault(stem[:-5], Entry(place, blob))
    changes.update(arrived)
    return changes


# ---- the index -----------------------------------------------------------------------------------------


class HistoryIndex:
    """Per commit: parents, tree, author, time and the SOP files changed against the first parent."""

    def __init__(self, repo: LibraryRepo, persist: bool = True) -> None:
        self.repo = repo
        self.path = repo.path / INDEX_NAME
        self.persist = persist  # False in a read-only window: it never writes into sync.git
        self._known: dict[bytes, _Known] = {}
        self._facts: dict[bytes, dict[str, Any]] = {}  # blob -> what Riwayat versi shows of that version
        self._loaded = False
        self._lock = threading.Lock()
        self._torn = False  # the file does not end with a line break (a kill during an append)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            raw = self.path.read_bytes()
        except OSError:
            return
        self._torn = bool(raw) and not raw.endswith(b"\n")
        for line in raw.splitlines():
            try:
                data = json.loads(line.decode("utf-8"))
                if "b" in data:
                    self._facts[_hex(data["b"])] = _checked_facts(data["f"])
                    continue
                commit_id, known = _parse_line(data)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError, UnicodeDecodeError):
                continue  # read again from the repository when needed
            self._known[commit_id] = known

    def facts(self, blob: bytes) -> dict[str, Any] | None:
        """What was kept of a version's JSON (nomor, nama, saved_at, saved_by, changes); None when not yet."""
        with self._lock:
            self._load()
            return self._facts.get(blob)

    def add_facts(self, blob: bytes, facts: dict[str, Any]) -> None:
        facts = _checked_facts(facts)
        with self._lock:
            self._load()
            if blob in self._facts:
                return
            self._facts[blob] = facts
            self._append(_facts_line(blob, facts))

    def _append(self, lines: bytes) -> None:
        if not self.persist:
            return
        try:
            with open(self.path, "ab") as out:
                out.write((b"\n" if self._torn else b"") + lines)
            self._torn = False
        except OSError:
            pass  # only a cache: the next walk reads the repository again

    def get(self, commit_id: bytes) -> _Known:
        """What the index knows of a commit, found in the repository (and kept) when it is not there yet."""
        with self._lock:
            self._load()
            known = self._known.get(commit_id)
        if known is not None:
            return known
        commit = self.repo.repo.object_store[commit_id]
        if not isinstance(commit, Commit):
            raise KeyError(commit_id)
        changes = None
        if commit.parents:
            parent = self.repo.repo.object_store[commit.parents[0]]
            changes = changed_files(self.repo, parent.tree, commit.tree)
        return self.add(commit, changes)

    def add(self, commit: Commit, changes: Changes | None,
            facts: dict[bytes, dict[str, Any]] | None = None) -> _Known:
        """Keep what a commit changed (its first commit: None), and the facts of versions it made, if given."""
        known = _Known(tuple(commit.parents), commit.tree, author_name(commit), commit.author_time,
                       commit.author_timezone, changes)
        with self._lock:
            self._load()
            self._known[commit.id] = known
            lines = [_line_of(commit.id, known)]
            for blob, item in (facts or {}).items():
                if blob not in self._facts:
                    self._facts[blob] = _checked_facts(item)
                    lines.append(_facts_line(blob, self._facts[blob]))
            self._append(b"".join(lines))
        return known


def _line_of(commit_id: bytes, known: _Known) -> bytes:
    data: dict[str, Any] = {"c": commit_id.decode(), "p": [p.decode() for p in known.parents],
                            "t": known.tree.decode(), "a": known.author, "w": known.time, "z": known.zone}
    if known.changes is not None:
        data["s"] = {stem: [e.place, e.blob.decode()] if e is not None else None
                     for stem, e in known.changes.items()}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


FACT_KEYS = ("nomor", "nama", "saved_at", "saved_by")


def _checked_facts(facts: Any) -> dict[str, Any]:
    if not isinstance(facts, dict):
        raise TypeError(facts)
    checked: dict[str, Any] = {key: facts[key] if isinstance(facts.get(key), str) else "" for key in FACT_KEYS}
    changes = facts.get("changes")
    checked["changes"] = [c for c in changes if isinstance(c, str)] if isinstance(changes, list) else []
    return checked


def _facts_line(blob: bytes, facts: dict[str, Any]) -> bytes:
    return json.dumps({"b": blob.decode(), "f": facts}, ensure_ascii=False, separators=(",", ":")).encode("utf-8",
                                                                                                       "replace") + b"\n"


def _hex(value: Any) -> bytes:
    raw = value.encode("ascii")
    if not _HEX.fullmatch(raw):
        raise ValueError(value)
    return raw


def _parse_line(data: dict[str, Any]) -> tuple[bytes, _Known]:
    changes = None
    if "s" in data:
        changes = {}
        for stem, entry in data["s"].items():
            if entry is None:
                changes[str(stem)] = None
            else:
                place, blob = entry
                if place not in PLACES:
                    raise ValueError(place)
                changes[str(stem)] = Entry(place, _hex(blob))
    known = _Known(tuple(_hex(p) for p in data["p"]), _hex(data["t"]), str(data["a"]), int(data["w"]),
                   int(data["z"]), changes)
    return _hex(data["c"]), known


def index_of(repo: LibraryRepo, persist: bool = True) -> HistoryIndex:
    """The index of a repository object (one per LibraryRepo)."""
    index = getattr(repo, "_history_index", None)
    if index is None:
        index = HistoryIndex(repo, persist)
        repo._history_index = index  # type: ignore[attr-defined]
    return index


def record_commit(repo: LibraryRepo, commit: Commit, changes: Changes | None,
                  facts: dict[bytes, dict[str, Any]] | None = None) -> None:
    """A commit just made, with the files it changed against its first parent (all of them: None for a first one),
    and what Riwayat versi shows of the versions it made (blob -> nomor, nama, saved_at, saved_by, changes)."""
    index_of(repo).add(commit, changes if commit.parents else None, facts)


# ---- the walk --------------------------------------------------------------------------------------------


class _Finder:
    """Where one file stem is in root trees, each tree read once (for commits without a parent)."""

    def __init__(self, repo: LibraryRepo, stem: str) -> None:
        self.repo = repo
        self.name = f"{stem}.json".encode("utf-8", "surrogateescape")
        self.shard = shard_of(stem).encode("utf-8", "surrogateescape")

    def in_root(self, tree_id: bytes) -> Entry | None:
        objects = self.repo.repo.object_store
        root = objects[tree_id]
        for place in PLACES:
            key = place.encode()
            if key not in root:
                continue
            sub = objects[root[key][1]]
            if self.shard in sub:
                shard = objects[sub[self.shard][1]]
                if self.name in shard:
                    return Entry(place, shard[self.name][1])
            if self.name in sub:  # the first layout, without shards
                return Entry(place, sub[self.name][1])
        return None


def versions(repo: LibraryRepo, stem: str, head: bytes | None = None, persist: bool = True) -> list[Version]:
    """The versions of one SOP that commits reachable from main made, newest commit first; one per blob.

    A version that left and came back (the same bytes) is listed once, at its newest commit.
    `persist`: False in a read-only window (the index is kept in memory only).
    """
    head = repo.head() if head is None else head
    if head is None:
        return []
    index = index_of(repo, persist)
    finder = _Finder(repo, stem)
    at: dict[bytes, Entry | None] = {}  # commit -> the stem's entry there

    def entry_at(commit_id: bytes) -> Entry | None:
        path = []
        current = commit_id
        while True:
            if current in at:
                found = at[current]
                break
            known = index.get(current)
            if known.changes is None:
                found = finder.in_root(known.tree)
                break
            if stem in known.changes:
                found = known.changes[stem]
                break
            path.append(current)
            current = known.parents[0]
        at[current] = found
        for passed in path:
            at[passed] = found
        return found

    seen: set[bytes] = set()
    queue = deque([head])
    found: list[Version] = []
    while queue:
        commit_id = queue.popleft()
        if commit_id in seen:
            continue
        seen.add(commit_id)
        entry = entry_at(commit_id)
        if entry is None:
            # Where the SOP is absent (before it was made or came by a sync, after "Hapus permanen") the walk
            # stops: what came before belongs to no version of the SOP as it now stands.
            continue
        known = index.get(commit_id)
        parents = known.parents
        queue.extend(parent for parent in parents if parent not in seen)
        before = [entry_at(parent) for parent in parents]
        if any(other is not None and other.blob == entry.blob for other in before):
            continue
        found.append(Version(commit_id, entry.blob, entry.place, known.author, _moment(known.time, known.zone)))
    found.sort(key=lambda v: (v.when, v.commit), reverse=True)
    kept: set[bytes] = set()
    unique = []
    for version in found:
        if version.blob not in kept:
            kept.add(version.blob)
            unique.append(version)
    return unique


def prepare(repo: LibraryRepo, head: bytes | None = None) -> int:
    """Put every commit reachable from main in the index (those a sync brought); returns how many were new.

    For a sync's thread, after it: the next Riwayat versi then walks the index alone. Reads only.
    """
    head = repo.head() if head is None else head
    index = index_of(repo)
    with index._lock:
        index._load()
        before = len(index._known)
    seen: set[bytes] = set()
    todo = [head] if head is not None else []
    while todo:
        commit_id = todo.pop()
        if commit_id in seen:
            continue
        seen.add(commit_id)
        todo.extend(index.get(commit_id).parents)
    with index._lock:
        return len(index._known) - before


def version_at(repo: LibraryRepo, commit_id: bytes, stem: str) -> tuple[Version, bytes]:
    """The version of a stem a commit holds, with its bytes; KeyError when the commit or the SOP is not there."""
    commit = repo.repo.object_store[commit_id]
    if not isinstance(commit, Commit):
        raise KeyError(commit_id)
    entry = _Finder(repo, stem).in_root(commit.tree)
    if entry is None:
        raise KeyError(stem)
    version = Version(commit_id, entry.blob, entry.place, author_name(commit), commit_time(commit))
    return version, repo.blob_bytes(entry.blob)
