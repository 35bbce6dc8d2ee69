"""A sync that goes wrong: killed half-way, a shared repository that vanishes or fills up, a full disk here,
a shared history rewritten by someone else. Each time: one clear Indonesian sentence, nothing lost, both
repositories still usable, and a later sync finishes the work."""
from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dulwich.object_store import PackBasedObjectStore
from dulwich.repo import Repo

import sopdesk.sync.engine as engine
from sopdesk.cli import main
from sopdesk.storage import Library, StorageError
from sopdesk.sync import SyncError, sync_library
from sopdesk.sync.repo import BRANCH, REPO_DIR, init_bare
from tests.test_sync import listing, load, make_sop, save
from tests.test_sync_http import GitServer

ROOT_DIR = Path(__file__).resolve().parent.parent
EXPECTED = ["Bersama", "Dari A 0", "Dari A 1", "Dari A 2", "Dari B"]
MERGED_STEPS = ["Oleh A", "Kegiatan 2", "Kegiatan 3", "Oleh B"]


def assert_usable(*repositories: Path) -> None:
    """Each repository opens and its main branch reads to the end; git itself finds nothing wrong."""
    for path in repositories:
        with Repo(str(path)) as repo:
            head = repo.refs[BRANCH]
            walked = sum(1 for _ in repo.get_walker([head]))
            assert walked >= 1
        if shutil.which("git"):
            checked = subprocess.run(["git", "--git-dir", str(path), "fsck", "--no-dangling"],
                                     capture_output=True, text=True, check=False)
            assert checked.returncode == 0, checked.stdout + checked.stderr


def one_sentence(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message and "Errno" not in message
    assert "Error" not in message and "(" + "OSError" not in message


def diverged(a: Path, b: Path, shared: str, both_id_holder: list) -> None:
    """A and B share "Bersama"; A then adds three SOPs and changes step 1 (and syncs), B adds one and changes step 4."""
    both = make_sop("001", "Bersama", steps=4)
    both_id_holder.append(both.id)
    save(a, both)
    sync_library(a, shared)
    sync_library(b, shared)
    for i in range(3):
        save(a, make_sop(f"01{i}", f"Dari A {i}"))
    mine = load(a, both.id)
    mine.steps[0].kegiatan = "Oleh A"
    save(a, mine)
    sync_library(a, shared)
    save(b, make_sop("020", "Dari B"))
    theirs = load(b, both.id)
    theirs.steps[3].kegiatan = "Oleh B"
    save(b, theirs)


def assert_converged(a: Path, b: Path, both_id: str) -> None:
    for root in (a, b):
        assert sorted(listing(root).values()) == EXPECTED
        assert [s.kegiatan for s in load(root, both_id).steps] == MERGED_STEPS


def back_together(a: Path, b: Path, both_id: str, shared: Path) -> None:
    """B sends what waited, A takes it in: both hold the same SOPs and the merged steps, every repository whole."""
    assert sync_library(b).sent
    sync_library(a)
    assert_converged(a, b, both_id)
    assert_usable(a / REPO_DIR, b / REPO_DIR, shared)


@pytest.fixture
def served_pair(tmp_path):
    """(a, b, server, path, both_id): as `pair`, with the shared repository at `path` behind an HTTP server."""
    path = tmp_path / "server.git"
    init_bare(path).close()
    server = GitServer(path)
    try:
        a, b = tmp_path / "pc1", tmp_path / "pc2"
        ids: list[str] = []
        diverged(a, b, server.url, ids)
        yield a, b, server, path, ids[0]
    finally:
        server.stop()


@pytest.fixture
def pair(tmp_path):
    a, b = tmp_path / "pc1", tmp_path / "pc2"
    shared = str(tmp_path / "bersama.git")
    ids: list[str] = []
    diverged(a, b, shared, ids)
    return a, b, shared, ids[0]


# ---- killed during a sync --------------------------------------------------------------------------


@pytest.mark.parametrize("point,count", [("write", 0), ("write", 1), ("write", 3), ("fetch", 1), ("fetch", 6),
                                         ("push", 0), ("push", 4), ("pushed", 0)])
def test_killed_during_sync_loses_nothing(pair, point, count):
    a, b, shared, both_id = pair
    done = subprocess.run([sys.executable, "-m", "tests.sync_kill_worker", str(b), point, str(count)],
                          cwd=ROOT_DIR, capture_output=True, timeout=120, check=False)
    assert done.returncode == 9, done.stderr.decode(errors="replace")
    assert_usable(b / REPO_DIR, Path(shared))
    again = sync_library(b)  # the next sync finishes the work
    assert again.pending == 0
    sync_library(a)
    assert_converged(a, b, both_id)
    assert_usable(a / REPO_DIR, b / REPO_DIR, Path(shared))


# ---- the shared repository goes away during the push -----------------------------------------------


def _during_push(monkeypatch, action, after: int = 2) -> None:
    real = engine._pack_data

    def pack(*args, **kwargs):
        count, records = real(*args, **kwargs)

        def stream():
            for i, record in enumerate(records):
                if i == after:
                    action()
                yield record

        return count, stream()

    monkeypatch.setattr(engine, "_pack_data", pack)


def test_shared_folder_moved_away_mid_push_is_offline_and_comes_back(pair, monkeypatch, tmp_path):
    a, b, shared, both_id = pair
    away = tmp_path / "dipindah.git"
    before = Repo(shared).refs[BRANCH]
    _during_push(monkeypatch, lambda: Path(shared).rename(away))
    with pytest.raises(SyncError) as raised:
        sync_library(b)
    assert raised.value.offline and "tidak terjangkau" in str(raised.value)
    one_sentence(str(raised.value))
    monkeypatch.undo()
    # B kept everything it had, with A's SOPs merged in; the shared repository was not changed.
    assert sorted(listing(b).values()) == EXPECTED
    with Repo(str(away)) as moved:
        assert moved.refs[BRANCH] == before
    # While the folder is gone, the sync refuses to make a new one there (that would split the library).
    with pytest.raises(SyncError) as gone:
        sync_library(b)
    assert not gone.value.offline and "tidak ada lagi" in str(gone.value)
    assert not Path(shared).exists()
    away.rename(shared)  # the share is back
    back_together(a, b, both_id, Path(shared))


@pytest.mark.parametrize("when", ["between syncs", "mid-push"])
def test_shared_folder_deleted_then_made_anew_empty_gets_the_library(pair, monkeypatch, when):
    a, b, shared, both_id = pair
    if when == "mid-push":
        _during_push(monkeypatch, lambda: shutil.rmtree(shared))
        with pytest.raises(SyncError) as raised:
            sync_library(b)
        assert raised.value.offline and "tidak terjangkau" in str(raised.value)
        monkeypatch.undo()
        assert sorted(listing(b).values()) == EXPECTED
    else:
        sync_library(b)
        shutil.rmtree(shared)
    save(b, make_sop("030", "Sesudah hilang"))
    with pytest.raises(SyncError) as gone:
        sync_library(b)
    assert not gone.value.offline and "folder kosong" in str(gone.value)
    Path(shared).mkdir()  # a person chose to start the shared library again at the same place
    result = sync_library(b)
    assert "Sesudah hilang" in " ".join(result.sent)
    sync_library(a)  # A's history is in B's: it merges with no question
    for root in (a, b):
        assert sorted(listing(root).values()) == sorted([*EXPECTED, "Sesudah hilang"])
    assert_usable(a / REPO_DIR, b / REPO_DIR, Path(shared))


def test_http_server_stopping_mid_push_is_offline_and_comes_back(served_pair):
    a, b, server, path, both_id = served_pair
    before = Repo(str(path)).refs[BRANCH]

    def going_down(environ):
        environ["wsgi.input"].read(64)  # half-way through receiving the pack
        server.down = True
        raise ConnectionAbortedError("server stopped")

    server.before_receive = going_down
    with pytest.raises(SyncError) as raised:
        sync_library(b)
    assert raised.value.offline and "tidak terjangkau" in str(raised.value)
    with pytest.raises(SyncError) as still:
        sync_library(b)  # the server is still down
    assert still.value.offline
    with Repo(str(path)) as remote:
        assert remote.refs[BRANCH] == before
    server.before_receive = None
    server.down = False
    back_together(a, b, both_id, path)


# ---- a full disk ------------------------------------------------------------------------------------


def _fill_store(monkeypatch, where: Path, after: int = 1) -> None:
    """The disk holding `where` fills up while a pack is written there."""
    real = PackBasedObjectStore.add_pack_data

    def add(store, count, records, *args, **kwargs):
        if Path(store.path).resolve().is_relative_to(where.resolve()):
            def filling(source):
                for i, record in enumerate(source):
                    if i == after:
                        raise OSError(errno.ENOSPC, "No space left on device")
                    yield record

            records = filling(records)
        return real(store, count, records, *args, **kwargs)

    monkeypatch.setattr(PackBasedObjectStore, "add_pack_data", add)


def test_full_disk_while_receiving_files_stops_cleanly(pair, monkeypatch, capsys):
    a, b, shared, both_id = pair
    real = engine.atomic_write_bytes
    written = []

    def filling(path, data):
        if len(written) == 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        real(path, data)

    monkeypatch.setattr(engine, "atomic_write_bytes", filling)
    assert main(["sync", "--pustaka", str(b)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "disk penuh" in err[0]
    monkeypatch.undo()
    assert "Dari B" in listing(b).values()
    assert main(["sync", "--pustaka", str(b)]) == 0
    sync_library(a)
    assert_converged(a, b, both_id)
    assert_usable(a / REPO_DIR, b / REPO_DIR, Path(shared))


def test_full_disk_here_while_fetching_is_not_called_offline(pair, monkeypatch):
    a, b, shared, both_id = pair
    _fill_store(monkeypatch, b)
    with pytest.raises(StorageError) as raised:
        sync_library(b)  # this PC's disk, not the remote: not a SyncError, never "offline"
    assert "disk penuh" in str(raised.value) and str(b) in str(raised.value)
    one_sentence(str(raised.value))
    monkeypatch.undo()
    assert sorted(listing(b).values()) == ["Bersama", "Dari B"]
    assert [s.kegiatan for s in load(b, both_id).steps][3] == "Oleh B"
    sync_library(b)
    sync_library(a)
    assert_converged(a, b, both_id)
    assert_usable(a / REPO_DIR, b / REPO_DIR, Path(shared))


def test_full_disk_on_the_shared_folder(pair, monkeypatch):
    a, b, shared, both_id = pair
    before = Repo(shared).refs[BRANCH]
    _fill_store(monkeypatch, Path(shared))
    with pytest.raises(SyncError) as raised:
        sync_library(b)
    assert not raised.value.offline and "Disk pustaka bersama" in str(raised.value) and "penuh" in str(raised.value)
    one_sentence(str(raised.value))
    monkeypatch.undo()
    with Repo(shared) as remote:
        assert remote.refs[BRANCH] == before
    assert sorted(listing(b).values()) == EXPECTED  # what came is here; what goes waits
    back_together(a, b, both_id, Path(shared))


def test_full_disk_on_the_http_server(served_pair, monkeypatch):
    a, b, server, path, both_id = served_pair
    from dulwich.object_store import DiskObjectStore

    real = DiskObjectStore.add_thin_pack  # where dulwich's server writes a pack it receives

    def full(store, *args, **kwargs):
        if Path(store.path).resolve().is_relative_to(path.resolve()):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(store, *args, **kwargs)

    monkeypatch.setattr(DiskObjectStore, "add_thin_pack", full)
    with pytest.raises(SyncError) as raised:
        sync_library(b)
    assert not raised.value.offline and "penuh" in str(raised.value)
    one_sentence(str(raised.value))
    monkeypatch.undo()
    back_together(a, b, both_id, path)


# ---- a shared history rewritten by someone else --------------------------------------------------


def _force(shared: str, source: Path) -> None:
    """What a force push does: the shared main now names the head of another library's history."""
    with Repo(str(source / REPO_DIR)) as other, Repo(shared) as remote:
        head = other.refs[BRANCH]
        count, records = other.generate_pack_data(set(), {head})
        remote.object_store.add_pack_data(count, records)
        remote.refs[BRANCH] = head


def test_unrelated_history_forced_onto_the_shared_repository_is_refused(pair, tmp_path, capsys):
    a, b, shared, both_id = pair
    sync_library(b)
    sync_library(a)
    stranger = tmp_path / "pc-lain"
    save(stranger, make_sop("900", "Milik orang lain"))
    sync_library(stranger, str(tmp_path / "lain.git"))
    _force(shared, stranger)
    forced = Repo(shared).refs[BRANCH]
    save(a, make_sop("040", "Disimpan sesudahnya"))
    heads_before = Repo(str(a / REPO_DIR)).refs[BRANCH]
    assert main(["sync", "--pustaka", str(a)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ditulis ulang" in err[0] and "folder atau alamat kosong" in err[0]
    # Never a silent overwrite: the shared repository still holds what was forced there, A all of its own.
    with Repo(shared) as remote:
        assert remote.refs[BRANCH] == forced
    assert sorted(listing(a).values()) == sorted([*EXPECTED, "Disimpan sesudahnya"])
    assert "Milik orang lain" not in listing(a).values()
    assert Repo(str(a / REPO_DIR)).refs[BRANCH] == heads_before
    with pytest.raises(SyncError) as raised:
        sync_library(a)
    assert not raised.value.offline
    # What the message says to do: a new, empty shared location gets this library whole.
    fresh = tmp_path / "baru.git"
    assert sorted(sync_library(a, str(fresh)).sent) == sorted(
        ["001 Bersama", "010 Dari A 0", "011 Dari A 1", "012 Dari A 2", "020 Dari B", "040 Disimpan sesudahnya"])
    sync_library(b, str(fresh))
    assert sorted(listing(b).values()) == sorted([*EXPECTED, "Disimpan sesudahnya"])
    assert_usable(a / REPO_DIR, b / REPO_DIR, Path(shared), fresh)


def test_our_pushed_commits_removed_from_the_shared_history_is_refused(pair):
    a, b, shared, both_id = pair
    result = sync_library(b)  # B's work reaches the shared repository
    assert result.sent
    with Repo(shared) as remote:
        # Someone resets main to before B's push and adds a commit of their own there.
        pushed = remote[remote.refs[BRANCH]]
        older = pushed.parents[0]
        from dulwich.objects import Commit

        other = Commit()
        other.tree = remote[older].tree
        other.parents = [older]
        other.author = other.committer = b"Orang lain <>"
        other.author_time = other.commit_time = pushed.commit_time + 60
        other.author_timezone = other.commit_timezone = 0
        other.message = b"Riwayat ditulis ulang\n"
        remote.object_store.add_object(other)
        remote.refs[BRANCH] = other.id
    with pytest.raises(SyncError) as raised:
        sync_library(b)
    assert not raised.value.offline and "ditulis ulang" in str(raised.value)
    one_sentence(str(raised.value))
    with Repo(shared) as remote:
        assert remote.refs[BRANCH] == other.id
    assert sorted(listing(b).values()) == EXPECTED
    # Restored from a backup by whoever keeps the shared repository: the next sync goes through.
    with Repo(shared) as remote:
        remote.refs[BRANCH] = pushed.id
    sync_library(b)
    sync_library(a)
    assert_converged(a, b, both_id)


def test_emptied_shared_repository_gets_this_library(pair):
    a, b, shared, both_id = pair
    sync_library(b)
    with Repo(shared) as remote:
        del remote.refs[BRANCH]
    assert sync_library(b).sent  # nothing there to lose: this PC's library goes in whole
    sync_library(a)
    assert_converged(a, b, both_id)


# ---- the window's own library ---------------------------------------------------------------------


def test_window_library_saves_while_the_sync_talks_to_the_remote(pair, monkeypatch):
    import threading

    a, b, shared, both_id = pair
    library = Library.open(b)
    try:
        with pytest.raises(StorageError):
            sync_library(b)  # the lock is the window's: a second opener is refused
        free = []
        real_fetch, real_push = engine._fetch, engine._push

        def mutex_free() -> bool:
            got = []

            def probe():
                got.append(library.mutex.acquire(blocking=False))
                if got[0]:
                    library.mutex.release()

            worker = threading.Thread(target=probe)
            worker.start()
            worker.join()
            return got[0]

        def fetch(*args, **kwargs):
            free.append(mutex_free())
            # The window saves while the sync fetches: that save must go out with this sync.
            edited = library.load(both_id)
            edited.identity.nama = "Bersama (diubah saat sinkron)"
            library.save(edited, user="Budi")
            return real_fetch(*args, **kwargs)

        def push(*args, **kwargs):
            free.append(mutex_free())
            return real_push(*args, **kwargs)

        monkeypatch.setattr(engine, "_fetch", fetch)
        monkeypatch.setattr(engine, "_push", push)
        phases = []
        result = sync_library(b, library=library, progress=lambda text, done, total: phases.append(text))
        assert free == [True, True]
        assert phases[0] == "Menyiapkan perubahan" and "Mengambil dari pustaka bersama" in phases
        assert "Menggabungkan" in phases and phases[-1] == "Mengirim"
        assert result.changed_stems and result.finished_at.tzinfo is not None
        assert "001 Bersama (diubah saat sinkron)" in result.sent
        # The window's catalogue follows what came, without reopening the library.
        assert sorted(e.nama for e in library.entries()) == sorted(
            ["Bersama (diubah saat sinkron)", "Dari A 0", "Dari A 1", "Dari A 2", "Dari B"])
    finally:
        library.close()
    monkeypatch.undo()
    sync_library(a)
    assert load(a, both_id).identity.nama == "Bersama (diubah saat sinkron)"
    assert [s.kegiatan for s in load(a, both_id).steps] == MERGED_STEPS
