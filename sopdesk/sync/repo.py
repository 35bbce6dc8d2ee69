"""The git repository of a library: a bare repository in <library>/sync.git, with the library's files as its content.

Why a bare repository inside the library folder rather than the library folder as a git work tree:
the library writes its files itself (atomically, with history/ and the catalogue beside them), so a git
index would only go stale between syncs, and a git tool pointed at the folder could rewrite the user's
files. Here SOP Desk alone turns the files into trees and back: a snapshot is sops/*.json and
trash/*.json (the Sampah travels too), each place split in shards by the last two characters of the file
stem (sops/<stem[-2:]>/<stem>.json) so that one save rewrites three small trees, not one tree of every
SOP; and conflicts/ (versions kept aside until a person decides, so
every PC sees the conflict); catalog.json, library.lock, session.open, recovery/, history/ and revisions/
stay local. The repository sits in the library folder, so moving the library
(storage.move_library) moves its repository with it.

Only one branch, refs/heads/main, here and on the shared repository.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from dulwich.objects import Blob, Commit, Tree
from dulwich.repo import Repo

from ..atomic import is_temp_file, read_regular_file
from ..library_files import MAX_SOP_BYTES
from .folders import CONFLICTS, PLACES, REPO_DIR

BRANCH = b"refs/heads/main"
REMOTE_BRANCH = b"refs/remotes/origin/main"
TREE_MODE = 0o040000
FILE_MODE = 0o100644
PACK_AT = 100  # more new blobs than this are written as one pack, not one file each
TREES_KEPT = 256  # trees a LibraryRepo keeps in memory by id, the least used dropped (the head's trees, a walk's)


def shard_of(stem: str) -> str:
    """The folder of a file stem inside sops/ and trash/ in the repository's trees: its last two characters."""
    return stem[-2:]


@dataclass(frozen=True)
class Entry:
    """Where one SOP file is (sops or trash) and which blob holds its bytes."""

    place: str
    blob: bytes


Snapshot = dict[str, Entry]  # file stem -> entry
Kept = dict[tuple[str, str], bytes]  # (file stem, file name) under conflicts/ -> blob id


def init_bare(path: Path) -> Repo:
    """A new bare repository whose HEAD names main."""
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo.init_bare(str(path))
    repo.refs.set_symbolic_ref(b"HEAD", BRANCH)
    return repo


def looks_like_bare_repo(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


class LibraryRepo:
    """The repository of one library folder, made on first use."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / REPO_DIR
        self.created = False
        # Trees read or written lately, by id (a tree never changes): the next save finds the head's trees here.
        self._trees: OrderedDict[bytes, Tree] = OrderedDict()
        self._trees_lock = threading.Lock()  # a sync's thread and the window's share this object
        self.last_commit: Commit | None = None  # the commit this object made last
        if looks_like_bare_repo(self.path):
            self.repo = Repo(str(self.path))
        else:
            self.repo = init_bare(self.path)
            self.created = True

    def close(self) -> None:
        self.repo.close()

    # ---- the remote, remembered in the repository's config ----
    def remote_url(self) -> str:
        try:
            return self.repo.get_config().get((b"remote", b"origin"), b"url").decode("utf-8")
        except KeyError:
            return ""

    def set_remote_url(self, url: str) -> None:
        config = self.repo.get_config()
        config.set((b"remote", b"origin"), b"url", url.encode("utf-8"))
        config.write_to_path()

    # ---- heads ----
    def head(self) -> bytes | None:
        try:
            return self.repo.refs[BRANCH]  # one file read (as_dict() would read every ref)
        except KeyError:
            return None

    def set_head(self, commit_id: bytes) -> None:
        self.repo.refs[BRANCH] = commit_id

    # ---- snapshots ----
    def snapshot_of(self, commit_id: bytes | None) -> Snapshot:
        found: Snapshot = {}
        if commit_id is None:
            return found
        tree = self.repo[self.repo[commit_id].tree]
        for place in PLACES:
            if place.encode() not in tree:
                continue
            _mode, sub_id = tree[place.encode()]
            for item in self.repo[sub_id].items():
                if item.mode == TREE_MODE:  # a shard
                    for inner in self.repo[item.sha].items():
                        name = inner.path.decode("utf-8", "surrogateescape")
                        if name.endswith(".json"):
                            found.setdefault(name[:-5], Entry(place, inner.sha))
                    continue
                # A tree of the first layout (every file of the place in one tree), from an older SOP Desk.
                name = item.path.decode("utf-8", "surrogateescape")
                if name.endswith(".json"):
                    found.setdefault(name[:-5], Entry(place, item.sha))
        return found

    def blob_bytes(self, blob_id: bytes) -> bytes:
        return self.repo[blob_id].data

    def snapshot_files(self, known: set[bytes] | frozenset[bytes] = frozenset()) -> Snapshot:
        """The SOP files in the library now, each stored as a blob. A file in sops/ wins over one in trash/.

        `known`: blob ids already in the repository (those of main), so unchanged files cost no lookup;
        new blobs go in as one pack when there are many (the first sync of a big library).
        """
        found: Snapshot = {}
        store = self.repo.object_store
        fresh: dict[bytes, Blob] = {}
        for place in PLACES:
            folder = self.root / place
            if not folder.is_dir():
                continue
            with os.scandir(folder) as it:
                names = sorted(e.name for e in it if e.name.endswith(".json") and not is_temp_file(e.name)
                               and e.is_file())
            for name in names:
                stem = name[:-5]
                if stem in found:
                    continue
                try:
                    raw = read_regular_file(folder / name, MAX_SOP_BYTES)
                except OSError:
                    continue  # a damaged or odd file stays out of sync; the library's own report names it
                blob = Blob.from_string(raw)
                if blob.id not in known and blob.id not in fresh and blob.id not in store:
                    fresh[blob.id] = blob
                found[stem] = Entry(place, blob.id)
        if len(fresh) > PACK_AT:
            store.add_objects([(blob, None) for blob in fresh.values()])
        else:
            for blob in fresh.values():
                store.add_object(blob)
        return found

    def add_blob(self, raw: bytes) -> bytes:
        blob = Blob.from_string(raw)
        if blob.id not in self.repo.object_store:
            self.repo.object_store.add_object(blob)
        return blob.id

    def tree_of(self, snapshot: Snapshot, conflicts: Kept | None = None) -> bytes:
        objects: list[Tree] = []
        root = Tree()
        for place in PLACES:
            shards: dict[str, Tree] = {}
            for stem, entry in snapshot.items():
                if entry.place == place:
                    shards.setdefault(shard_of(stem), Tree()).add(
                        f"{stem}.json".encode("utf-8", "surrogateescape"), FILE_MODE, entry.blob)
            if shards:
                sub = Tree()
                for name, shard in shards.items():
                    objects.append(shard)
                    sub.add(name.encode("utf-8", "surrogateescape"), TREE_MODE, shard.id)
                objects.append(sub)
                root.add(place.encode(), TREE_MODE, sub.id)
        conflicts_tree = self._conflicts_tree(conflicts or {}, objects)
        if conflicts_tree is not None:
            root.add(CONFLICTS.encode(), TREE_MODE, conflicts_tree)
        objects.append(root)
        self.store_objects(objects)
        return root.id

    def _conflicts_tree(self, conflicts: Kept, objects: list[Tree]) -> bytes | None:
        by_stem: dict[str, Tree] = {}
        for (stem, name), blob in conflicts.items():
            by_stem.setdefault(stem, Tree()).add(name.encode("utf-8", "surrogateescape"), FILE_MODE, blob)
        if not by_stem:
            return None
        top = Tree()
        for stem, sub in by_stem.items():
            objects.append(sub)
            top.add(stem.encode("utf-8", "surrogateescape"), TREE_MODE, sub.id)
        objects.append(top)
        return top.id

    def store_objects(self, objects: list) -> None:
        """Add the objects the repository does not hold yet: one pack when there are many, else loose files."""
        store = self.repo.object_store
        fresh = {obj.id: obj for obj in objects if obj.id not in store}
        if len(fresh) > PACK_AT:
            store.add_objects([(obj, None) for obj in fresh.values()])
        else:
            for obj in fresh.values():
                store.add_object(obj)

    def tree(self, tree_id: bytes) -> Tree:
        """A tree by id, kept for the next save; do not change it (copy() it first)."""
        with self._trees_lock:
            found = self._trees.get(tree_id)
            if found is not None:
                self._trees.move_to_end(tree_id)
                return found
        found = self.repo[tree_id]
        if not isinstance(found, Tree):
            raise KeyError(tree_id)
        self._keep_tree(found)
        return found

    def _keep_tree(self, tree: Tree) -> None:
        with self._trees_lock:
            self._trees[tree.id] = tree
            self._trees.move_to_end(tree.id)
            while len(self._trees) > TREES_KEPT:
                self._trees.popitem(last=False)

    def updated_tree(self, tree_id: bytes | None, changes: dict[str, Entry | None],
                     conflicts: Kept | None = None) -> bytes:
        """The tree `tree_id` with some SOP files changed; only the shards they are in are rewritten.

        `changes`: file stem -> its entry now (it leaves the other place), or None when it is gone.
        `conflicts`: when given, the conflicts/ part is replaced by it; else it stays as it was.
        """
        root = self.tree(tree_id).copy() if tree_id is not None else Tree()
        objects: list[Tree] = []
        for place in PLACES:
            key = place.encode()
            sub = self.tree(root[key][1]).copy() if key in root else Tree()
            shards: dict[bytes, Tree] = {}
            for stem, entry in changes.items():
                name = f"{stem}.json".encode("utf-8", "surrogateescape")
                if name in sub:
                    del sub[name]  # the first layout, with no shards: the file leaves it for its shard
                shard_name = shard_of(stem).encode("utf-8", "surrogateescape")
                shard = shards.get(shard_name)
                if shard is None:
                    shard = self.tree(sub[shard_name][1]).copy() if shard_name in sub else Tree()
                    shards[shard_name] = shard
                if name in shard:
                    del shard[name]
                if entry is not None and entry.place == place:
                    shard.add(name, FILE_MODE, entry.blob)
            for shard_name, shard in shards.items():
                if len(shard):
                    objects.append(shard)
                    sub[shard_name] = (TREE_MODE, shard.id)
                elif shard_name in sub:
                    del sub[shard_name]
            if len(sub):
                objects.append(sub)
                root[key] = (TREE_MODE, sub.id)
            elif key in root:
                del root[key]
        if conflicts is not None:
            top = self._conflicts_tree(conflicts, objects)
            if top is not None:
                root[CONFLICTS.encode()] = (TREE_MODE, top)
            elif CONFLICTS.encode() in root:
                del root[CONFLICTS.encode()]
        objects.append(root)
        self.store_objects(objects)
        for tree in objects:
            self._keep_tree(tree)
        return root.id

    # ---- conflicts kept aside: conflicts/<stem>/<name>, shared so that every PC sees them ----
    def conflicts_of(self, commit_id: bytes | None) -> Kept:
        found: Kept = {}
        if commit_id is None:
            return found
        tree = self.repo[self.repo[commit_id].tree]
        if CONFLICTS.encode() not in tree:
            return found
        for stem_item in self.repo[tree[CONFLICTS.encode()][1]].items():
            stem = stem_item.path.decode("utf-8", "surrogateescape")
            for item in self.repo[stem_item.sha].items():
                found[(stem, item.path.decode("utf-8", "surrogateescape"))] = item.sha
        return found

    def conflicts_now(self) -> Kept:
        found: Kept = {}
        top = self.root / CONFLICTS
        if not top.is_dir():
            return found
        for folder in sorted(top.iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.is_file() and not is_temp_file(path.name):
                    try:
                        found[(folder.name, path.name)] = self.add_blob(read_regular_file(path, MAX_SOP_BYTES))
                    except OSError:
                        continue
        return found

    def commit(self, tree_id: bytes, parents: list[bytes], user: str, message: str) -> bytes:
        commit = Commit()
        commit.tree = tree_id
        commit.parents = parents
        commit.author = commit.committer = identity(user)
        now = int(time.time())
        offset = int((dt.datetime.now().astimezone().utcoffset() or dt.timedelta()).total_seconds())
        commit.author_time = now
        # Strictly later than every parent, even for several commits in one second or a PC whose clock is behind:
        # dulwich's merge-base and fast-forward checks walk commits by this time and go wrong on a tie.
        commit.commit_time = max([now, *(self._commit_time(parent) + 1 for parent in parents)])
        commit.author_timezone = commit.commit_timezone = offset
        commit.encoding = b"UTF-8"
        commit.message = message.encode("utf-8", "replace")
        self.repo.object_store.add_object(commit)
        self.last_commit = commit
        return commit.id

    def _commit_time(self, commit_id: bytes) -> int:
        last = self.last_commit
        if last is not None and last.id == commit_id:
            return last.commit_time
        return self.repo[commit_id].commit_time

    def tree_id(self, commit_id: bytes) -> bytes:
        return self.repo[commit_id].tree


def identity(user: str) -> bytes:
    """A git identity from the name in Preferensi; git allows no <, > or line breaks in it."""
    name = " ".join(user.replace("<", " ").replace(">", " ").split()) or "SOP Desk"
    return f"{name} <>".encode("utf-8", "replace")
