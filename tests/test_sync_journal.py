"""Every save is a commit: author and message, conversion of an existing library, failing commits, crashes."""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sopdesk.interchange import sop_from_fixture, sop_to_native
from sopdesk.model import Sop
from sopdesk.storage import SESSION_MARKER, Library
from sopdesk.sync import journal
from sopdesk.sync.repo import REPO_DIR, LibraryRepo, shard_of

from .conftest import FIXTURES_DIR, ROOT, load_fixture
from .history_helpers import commit_count, commits_fail, head_message, legacy_library, snapshot_matches_files

WORKER = Path(__file__).with_name("storage_worker.py")
POSIX = os.name == "posix"


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "pustaka"


def arsip(nama: str = "", nomor: str = "") -> Sop:
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    if nama:
        sop.identity.nama = nama
    if nomor:
        sop.identity.nomor = nomor
    return sop


def test_a_save_is_one_commit_with_the_drafters_name_and_the_fields_changed(root):
    sop = arsip("Peminjaman Arsip", "BT.01")
    with Library.open(root) as lib:
        lib.save(sop, "Ani Lestari")
        before = commit_count(root)
        sop.steps[1].kegiatan = "Memeriksa berkas pinjaman"
        sop.identity.nama = "Peminjaman Arsip Inaktif"
        lib.save(sop, "Budi Santoso")
        assert commit_count(root) == before + 1
        author, message = head_message(root)
        assert author == "Budi Santoso <>"
        title = message.splitlines()[0]
        assert title.startswith("BT.01 Peminjaman Arsip Inaktif: disimpan (")
        assert "Nama SOP" in title and "Langkah 2" in title
        # The commit holds the file as it is on disk, in its shard.
        repo = lib.repo
        tree = repo.repo[repo.repo[repo.head()].tree]
        shard = repo.repo[repo.repo[tree[b"sops"][1]][shard_of(sop.id).encode()][1]]
        blob = repo.repo[shard[f"{sop.id}.json".encode()][1]]
        assert blob.data == (root / "sops" / f"{sop.id}.json").read_bytes()
    # No copy of the replaced version in history/: the repository holds it.
    assert not (root / "history" / sop.id).exists()


def test_trash_restore_and_purge_are_commits_and_purge_leaves_the_older_commits(root):
    sop = arsip("Dibuang", "BT.02")
    with Library.open(root) as lib:
        lib.save(sop, "Ani")
        lib.trash(sop.id)
        assert head_message(root) == ("Ani <>", "BT.02 Dibuang: dipindah ke Sampah\n")
        assert lib.repo.snapshot_of(lib.repo.head())[sop.id].place == "trash"
        lib.restore(sop.id, user="Budi")
        assert head_message(root)[0] == "Budi <>"
        assert lib.repo.snapshot_of(lib.repo.head())[sop.id].place == "sops"
        lib.trash(sop.id)
        lib.purge(sop.id)
        head = lib.repo.head()
        assert "dihapus permanen" in head_message(root)[1]
        assert sop.id not in lib.repo.snapshot_of(head)
        parent = lib.repo.repo[head].parents[0]
        assert sop.id in lib.repo.snapshot_of(parent)  # git keeps what was committed
        assert lib.history(sop.id) == []


def test_a_save_rewrites_only_the_trees_it_touches(root):
    sops = [arsip(f"SOP {i}") for i in range(40)]
    with Library.open(root) as lib:
        for sop in sops:
            lib.save(sop)
        repo = lib.repo
        before = repo.repo[repo.repo[repo.head()].tree]
        sops[7].identity.nama = "Diubah"
        lib.save(sops[7])
        after = repo.repo[repo.repo[repo.head()].tree]
        old_sops, new_sops = repo.repo[before[b"sops"][1]], repo.repo[after[b"sops"][1]]
        changed = {item.path for item in new_sops.items() if item not in old_sops.items()}
        assert changed == {shard_of(sops[7].id).encode()}
        assert repo.snapshot_of(repo.head()) == repo.snapshot_files()


def test_an_existing_library_is_converted_once_at_a_writable_open(root):
    one, two = arsip("Satu"), arsip("Dua")
    legacy_library(root, [(one, "Ani"), (two, "Ani")])
    assert not (root / REPO_DIR).exists()
    with Library.open(root) as second_reader:  # first the writer
        assert second_reader.history_started
        with Library.open(root) as reader:
            assert reader.read_only and reader.repo is None and not reader.history_started
        author, message = head_message(root)
        assert message.startswith(f"{journal.START_TITLE}: 2 SOP")
        assert "history" in message
        assert commit_count(root) == 1
    assert snapshot_matches_files(root)
    with Library.open(root) as again:
        assert not again.history_started
    assert commit_count(root) == 1


def test_a_read_only_window_never_creates_the_repository(root):
    legacy_library(root, [(arsip("Satu"), "")])
    with Library.open(root) as holder:
        (root / REPO_DIR).rename(root / "sync-lama.git")  # as if the writer had not made it yet
        with Library.open(root) as reader:
            assert reader.read_only
            assert reader.history(reader.entries()[0].id) == []
        assert not (root / REPO_DIR).exists()
        holder.flush()


def test_a_failing_commit_keeps_the_save_and_the_old_version_and_the_next_open_catches_up(root):
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop, "Ani")
        sop.identity.nama = "Versi dua"
        with commits_fail():
            lib.save(sop, "Budi")  # no exception: the save stands
        assert "disk penuh" in lib.history_error
        assert lib.load(sop.id).identity.nama == "Versi dua"
        kept = list((root / "history" / sop.id).glob("*.json"))
        assert len(kept) == 1 and "Versi satu" in kept[0].read_text(encoding="utf-8")
        assert journal.Journal(root).stems() == {sop.id}
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]
    # The session closed cleanly, yet the pending list makes the next open commit what is missing.
    assert not snapshot_matches_files(root)
    with Library.open(root) as lib:
        assert lib.history_error == ""
        assert not journal.Journal(root).exists()
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]  # one version, not two
    assert snapshot_matches_files(root)
    assert head_message(root)[0] == "Budi <>"  # the one name the late file was saved by


def test_the_next_save_carries_what_a_failed_commit_missed(root):
    one, two = arsip("Satu"), arsip("Dua")
    with Library.open(root) as lib:
        lib.save(one)
        with commits_fail():
            lib.save(two, "Ani")
        one.identity.nama = "Satu diubah"
        lib.save(one, "Budi")
        assert "Menyusul 1 SOP lain" in head_message(root)[1]
        assert not journal.Journal(root).exists()
    assert snapshot_matches_files(root)


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="needs file permissions that bind (not root)")
def test_a_read_only_object_store_still_saves(root):
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop)
        objects = root / REPO_DIR / "objects"
        modes = {p: p.stat().st_mode for p in [objects, *objects.iterdir()]}
        for path in modes:
            path.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            sop.identity.nama = "Versi dua"
            lib.save(sop)
            assert lib.history_error
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        assert lib.load(sop.id).identity.nama == "Versi dua"
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]


def test_a_damaged_repository_does_not_stop_saving(root):
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop)
    (root / REPO_DIR / "HEAD").write_bytes(b"\x00rusak")
    for ref in (root / REPO_DIR / "refs" / "heads").iterdir():
        ref.write_bytes(b"bukan commit\n")
    with Library.open(root) as lib:
        sop.identity.nama = "Versi dua"
        lib.save(sop)
        assert "sync.git" in lib.history_error and "SOP tetap tersimpan" in lib.history_error
        assert lib.load(sop.id).identity.nama == "Versi dua"
        # The version it replaced is kept in history/, and listed.
        assert "Versi satu" in [r.nama for r in lib.history(sop.id)]


def test_a_kill_between_the_file_write_and_the_commit_loses_nothing(root):
    child = subprocess.run([sys.executable, str(WORKER), "save-die-before-commit", str(root),
                            str(FIXTURES_DIR / "contoh-peminjaman-arsip.json")], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert child.returncode == 9 and child.stdout.strip() == "written", child.stderr
    assert (root / SESSION_MARKER).exists()
    assert not snapshot_matches_files(root)
    with Library.open(root) as lib:
        sop_id = "matisebelumcommit"
        assert lib.load(sop_id).identity.nama == "Versi tiga"
        listed = lib.history(sop_id)
        assert [(r.nama, r.saved_by) for r in listed] == [("Versi dua", "Ani"), ("Versi satu", "Ani")]
        assert head_message(root)[0] == "Budi <>"
        # The repository goes on: the next save is a commit of its own.
        sop = lib.load(sop_id)
        sop.identity.nama = "Versi empat"
        lib.save(sop, "Citra")
        assert [r.nama for r in lib.history(sop_id)] == ["Versi tiga", "Versi dua", "Versi satu"]
    assert snapshot_matches_files(root)


def test_lock_files_a_killed_commit_left_are_removed_at_the_next_open(root):
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop)
    lock = root / REPO_DIR / "refs" / "heads" / "main.lock"
    lock.write_bytes(b"")
    (root / SESSION_MARKER).write_text("4242", encoding="utf-8")  # that session crashed
    with Library.open(root) as lib:
        assert not lock.exists()
        sop.identity.nama = "Versi dua"
        lib.save(sop)
        assert lib.history_error == ""
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]


def test_files_changed_by_hand_are_committed_at_open(root):
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop)
    path = root / "sops" / f"{sop.id}.json"
    changed = sop.clone()
    changed.identity.nama = "Diubah di luar aplikasi"
    import json

    data = sop_to_native(changed)
    path.write_text(json.dumps(data), encoding="utf-8")
    with Library.open(root) as lib:
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]
        assert lib.load(sop.id).identity.nama == "Diubah di luar aplikasi"
    assert snapshot_matches_files(root)
    assert head_message(root)[1].startswith(journal.CATCH_UP_TITLE)


def test_a_save_while_another_thread_holds_the_mutex_waits_for_it(root):
    import threading

    sop = arsip("Satu")
    with Library.open(root) as lib:
        lib.save(sop)
        done = threading.Event()
        with lib.mutex:
            worker = threading.Thread(target=lambda: (lib.save(sop, "Ani"), done.set()))
            worker.start()
            worker.join(0.3)
            assert not done.is_set()  # still waiting for the mutex
            head = lib.repo.head()
        worker.join(30)
        assert done.is_set() and lib.repo.head() != head


def test_rescan_picks_up_files_a_sync_wrote(root):
    one = arsip("Satu")
    with Library.open(root) as lib:
        lib.save(one)
        other = arsip("Dari PC lain")
        other.id = "daripclain01"
        data = sop_to_native(other)
        import json

        (root / "sops" / "daripclain01.json").write_text(json.dumps(data), encoding="utf-8")
        assert {e.nama for e in lib.entries()} == {"Satu"}
        lib.rescan()
        assert {e.nama for e in lib.entries()} == {"Satu", "Dari PC lain"}


def test_the_repository_object_is_one_per_library(root):
    with Library.open(root) as lib:
        assert lib.repo is lib.repo and isinstance(lib.repo, LibraryRepo)


def test_an_old_flat_tree_is_read_and_updated(root):
    """A repository made by the first SOP Desk with sync (one tree per place, no shards) still works."""
    from dulwich.objects import Tree

    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop)
        repo = lib.repo
        blob = repo.snapshot_of(repo.head())[sop.id].blob
        flat, top = Tree(), Tree()
        flat.add(f"{sop.id}.json".encode(), 0o100644, blob)
        repo.repo.object_store.add_object(flat)
        top.add(b"sops", 0o040000, flat.id)
        repo.repo.object_store.add_object(top)
        repo.set_head(repo.commit(top.id, [repo.head()], "", "lama"))
        assert repo.snapshot_of(repo.head()) == repo.snapshot_files()
        sop.identity.nama = "Versi dua"
        lib.save(sop)
        assert repo.snapshot_of(repo.head()) == repo.snapshot_files()
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]


def test_disk_full_message_names_the_repository(root):
    sop = arsip()
    with Library.open(root) as lib:
        lib.save(sop)
        with commits_fail(OSError(errno.ENOSPC, "No space left on device")):
            lib.save(sop)
        assert str(root / REPO_DIR) in lib.history_error and "(" not in lib.history_error.split(":")[0]


def test_an_object_store_that_refuses_writes_still_saves(root, monkeypatch):
    """As a read-only sync.git/objects does (the test above needs a user without root's rights)."""
    from dulwich.object_store import DiskObjectStore

    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop, "Ani")
        with monkeypatch.context() as patch:
            def refuse(self, *_args, **_kwargs):
                raise PermissionError(errno.EACCES, "Permission denied", str(root / REPO_DIR / "objects"))

            patch.setattr(DiskObjectStore, "add_object", refuse)
            patch.setattr(DiskObjectStore, "add_objects", refuse)
            sop.identity.nama = "Versi dua"
            lib.save(sop, "Budi")
            assert "akses ditolak" in lib.history_error
        assert lib.load(sop.id).identity.nama == "Versi dua"
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]
        assert len(list((root / "history" / sop.id).glob("*.json"))) == 1
    with Library.open(root) as lib:
        assert [(r.nama, r.saved_by) for r in lib.history(sop.id)] == [("Versi satu", "Ani")]
    assert snapshot_matches_files(root)


def test_commit_times_always_grow_along_the_history_even_within_one_second(root):
    """dulwich finds merge bases by commit time: a child never has the time of its parent."""
    sop = arsip("Cepat")
    with Library.open(root) as lib:
        for i in range(8):
            sop.identity.nama = f"Cepat {i}"
            lib.save(sop)
        repo = lib.repo
        commit = repo.repo[repo.head()]
        times = []
        while commit.parents:
            parent = repo.repo[commit.parents[0]]
            assert commit.commit_time > parent.commit_time
            assert commit.author_time <= commit.commit_time
            times.append(commit.commit_time)
            commit = parent
        assert len(times) == 8


def test_a_repository_made_by_the_first_sync_catches_up_once_at_open(root):
    """The first SOP Desk with sync committed only at sync time: saves since then are committed at the first open."""
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop, "Ani")
        sop.identity.nama = "Versi dua"
        with commits_fail():
            lib.save(sop, "Ani")  # as that SOP Desk saved: the file and a copy in history/, no commit
    (root / journal.PENDING_NAME).unlink()
    (root / REPO_DIR / journal.RECORDED_NAME).unlink()
    assert not snapshot_matches_files(root)
    with Library.open(root) as lib:
        assert [r.nama for r in lib.history(sop.id)] == ["Versi satu"]
    assert snapshot_matches_files(root) and journal.saves_recorded(root)
    commits = commit_count(root)
    Library.open(root).close()
    assert commit_count(root) == commits


def test_a_new_library_starts_its_history_without_a_word_about_earlier_versions(tmp_path):
    # Only a library that had SOPs before has earlier versions in its history folder to speak of.
    with Library.open(tmp_path / "baru"):
        pass
    _author, message = head_message(tmp_path / "baru")
    assert message.startswith("Awal riwayat bersama pustaka ini: 0 SOP")
    assert "history" not in message
    old = tmp_path / "lama"
    legacy_library(old, [(arsip("Versi satu"), "Ani")])
    with Library.open(old):
        pass
    assert "folder history" in head_message(old)[1]
