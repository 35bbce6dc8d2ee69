"""Riwayat versi reads the repository's history: saves, restores, converted libraries, versions from other PCs."""
from __future__ import annotations

from pathlib import Path

import pytest

from sopdesk.interchange import sop_to_native
from sopdesk.model import Sop
from sopdesk.storage import _REVISION_ID, Library, StorageError
from sopdesk.sync.engine import sync_library
from sopdesk.sync.history import commit_of_revision

from .history_helpers import arsip, commit_count, head_message, legacy_library


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "pustaka"


def sent_from_a_to_b(tmp_path: Path, sop: Sop) -> tuple[str, Path, Path]:
    """(shared, a, b): Ani saves `sop` on PC A and syncs; PC B syncs and has it too."""
    shared = str(tmp_path / "bersama.git")
    a, b = tmp_path / "pc-a", tmp_path / "pc-b"
    with Library.open(a) as lib:
        lib.save(sop, "Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    return shared, a, b


def step_saved(root: Path, sop_id: str, index: int, kegiatan: str, user: str) -> None:
    """On the PC whose library is `root`, `user` changes one step's kegiatan of the SOP and saves it."""
    with Library.open(root) as lib:
        sop = lib.load(sop_id)
        sop.steps[index].kegiatan = kegiatan
        lib.save(sop, user)


def test_five_saves_are_five_versions_with_their_authors_and_changes(root):
    sop = arsip("Versi 1")
    people = ["Ani", "Budi", "Citra", "Dewi", "Eko"]
    with Library.open(root) as lib:
        lib.save(sop, people[0])
        for i, who in enumerate(people[1:], start=2):
            sop.identity.nama = f"Versi {i}"
            if i == 3:
                sop.steps[0].kegiatan = "Kegiatan yang diubah"
            lib.save(sop, who)
        earlier = lib.history(sop.id)
        current = lib.current_version(sop.id)
        assert current is not None and (current.nama, current.saved_by) == ("Versi 5", "Eko")
        assert [(r.nama, r.saved_by) for r in earlier] == [
            ("Versi 4", "Dewi"), ("Versi 3", "Citra"), ("Versi 2", "Budi"), ("Versi 1", "Ani")]
        assert all(_REVISION_ID.fullmatch(r.revision_id) and r.revision_id.startswith("git-") for r in earlier)
        assert all(not r.damaged for r in earlier)
        assert earlier[1].changes[0] == "Nama SOP" and any("Langkah 1" in c for c in earlier[1].changes)
        assert earlier[2].changes == ("Nama SOP",)
        assert [r.saved_at for r in earlier] == sorted((r.saved_at for r in earlier), reverse=True)
        assert lib.load_revision(sop.id, earlier[3].revision_id).identity.nama == "Versi 1"
    # A second window (read-only) reads the same history without writing anything.
    with Library.open(root) as lib, Library.open(root) as reader:
        assert reader.read_only
        assert [r.revision_id for r in reader.history(sop.id)] == [r.revision_id for r in lib.history(sop.id)]


def test_restoring_a_version_is_a_new_commit_and_it_is_current(root):
    sop = arsip("Versi satu")
    with Library.open(root) as lib:
        lib.save(sop, "Ani")
        first = sop_to_native(sop)
        sop.identity.nama = "Versi dua"
        sop.steps.pop()
        lib.save(sop, "Budi")
        oldest = lib.history(sop.id)[-1]
        commits = commit_count(root)
        restored = lib.restore_revision(sop.id, oldest.revision_id, "Citra")
        assert commit_count(root) == commits + 1
        assert sop_to_native(restored) == first and sop_to_native(lib.load(sop.id)) == first
        author, message = head_message(root)
        assert author == "Citra <>" and "dipulihkan" in message.splitlines()[0]
        assert lib.entries()[0].nama == "Versi satu"
        # Both earlier versions stay listed; the restored one is current, a new version of its own.
        assert [r.nama for r in lib.history(sop.id)] == ["Versi dua", "Versi satu"]
        current = lib.current_version(sop.id)
        assert current.saved_by == "Citra" and "dipulihkan" in current.changes[0]


def test_a_converted_library_lists_its_history_folder_and_its_commits(root):
    sop = arsip("Versi 1")
    versions = []
    for i in (1, 2, 3):
        sop.identity.nama = f"Versi {i}"
        versions.append((sop.clone(), "Lama"))
    legacy_library(root, versions)
    legacy = sorted(p.name for p in (root / "history" / sop.id).iterdir())
    assert len(legacy) == 2
    with Library.open(root) as lib:
        for i, who in ((4, "Ani"), (5, "Budi")):
            sop.identity.nama = f"Versi {i}"
            lib.save(sop, who)
        listed = lib.history(sop.id)
        assert [r.nama for r in listed] == ["Versi 4", "Versi 3", "Versi 2", "Versi 1"]
        assert [r.revision_id.startswith("git-") for r in listed] == [True, True, False, False]
        assert [r.saved_by for r in listed] == ["Ani", "Lama", "Lama", "Lama"]
        # Both kinds open and restore.
        assert lib.load_revision(sop.id, listed[1].revision_id).identity.nama == "Versi 3"
        assert lib.load_revision(sop.id, listed[3].revision_id).identity.nama == "Versi 1"
        lib.restore_revision(sop.id, listed[3].revision_id, "Citra")
        assert lib.load(sop.id).identity.nama == "Versi 1"
        assert [r.nama for r in lib.history(sop.id)][:2] == ["Versi 5", "Versi 4"]
    # The history folder is left as it was: readable forever, never rewritten.
    assert sorted(p.name for p in (root / "history" / sop.id).iterdir()) == legacy


def test_an_unknown_or_vanished_git_version_says_so(root):
    sop = arsip()
    with Library.open(root) as lib:
        lib.save(sop)
        with pytest.raises(StorageError, match="tidak ada lagi"):
            lib.load_revision(sop.id, "git-" + "0" * 40)
        with pytest.raises(StorageError, match="tidak dikenal"):
            lib.load_revision(sop.id, "git-../../x")
        assert commit_of_revision("git-" + "a" * 40) == b"a" * 40
        assert commit_of_revision("20260101T000000000000Z") is None


def test_a_version_from_another_pc_shows_with_that_drafters_name(tmp_path):
    sop = arsip("Surat Masuk")
    shared, a, b = sent_from_a_to_b(tmp_path, sop)
    with Library.open(b) as lib:
        theirs = lib.load(sop.id)
        theirs.steps[0].kegiatan = "Diubah oleh Budi"
        lib.save(theirs, "Budi")
        theirs.identity.nama = "Surat Masuk (Budi)"
        lib.save(theirs, "Budi")
    sync_library(b, shared, user="Budi")
    received = sync_library(a, shared, user="Ani")
    assert received.received
    with Library.open(a) as lib:
        current = lib.current_version(sop.id)
        assert (current.nama, current.saved_by) == ("Surat Masuk (Budi)", "Budi")
        listed = lib.history(sop.id)
        # Budi's intermediate save came with his commit, and A's first version is there too.
        assert [(r.nama, r.saved_by) for r in listed] == [("Surat Masuk", "Budi"), ("Surat Masuk", "Ani")]
        assert lib.load_revision(sop.id, listed[0].revision_id).steps[0].kegiatan == "Diubah oleh Budi"


def test_versions_on_both_sides_of_a_merge_are_listed(tmp_path):
    sop = arsip("Surat Masuk")
    shared, a, b = sent_from_a_to_b(tmp_path, sop)
    step_saved(a, sop.id, 0, "Langkah 1 oleh Ani", "Ani")
    step_saved(b, sop.id, 1, "Langkah 2 oleh Budi", "Budi")
    sync_library(b, shared, user="Budi")
    result = sync_library(a, shared, user="Ani")
    assert result.conflicts == []
    with Library.open(a) as lib:
        now = lib.load(sop.id)
        assert (now.steps[0].kegiatan, now.steps[1].kegiatan) == ("Langkah 1 oleh Ani", "Langkah 2 oleh Budi")
        kegiatan = {(lib.load_revision(sop.id, r.revision_id).steps[0].kegiatan,
                     lib.load_revision(sop.id, r.revision_id).steps[1].kegiatan, r.saved_by)
                    for r in lib.history(sop.id)}
        original = (sop.steps[0].kegiatan, sop.steps[1].kegiatan, "Ani")
        assert kegiatan == {original, ("Langkah 1 oleh Ani", sop.steps[1].kegiatan, "Ani"),
                            (sop.steps[0].kegiatan, "Langkah 2 oleh Budi", "Budi")}


def test_the_history_index_is_only_a_cache(root):
    """Riwayat versi is the same with its index deleted, torn by a kill, or garbled; a reader never writes it."""
    from sopdesk.sync.history import INDEX_NAME
    from sopdesk.sync.repo import REPO_DIR

    sop = arsip("Versi 1")
    saved = []
    with Library.open(root) as lib:
        for i, who in enumerate(["Ani", "Budi", "Citra"], start=1):
            sop.identity.nama = f"Versi {i}"
            lib.save(sop, who)
            saved.append((f"Versi {i}", who))
    index = root / REPO_DIR / INDEX_NAME
    for round_, damage in enumerate(["deleted", "torn", "garbled", "empty"], start=4):
        whole = index.read_bytes()
        if damage == "deleted":
            index.unlink()
        else:
            index.write_bytes({"torn": whole[:-7], "garbled": b"{rusak\n\x00\xff\n" + whole[: len(whole) // 2],
                               "empty": b""}[damage])
        expected = list(reversed(saved[:-1]))  # earlier versions, newest first
        with Library.open(root) as lib, Library.open(root) as reader:
            before = index.read_bytes() if index.exists() else None
            assert [(r.nama, r.saved_by) for r in reader.history(sop.id)] == expected, damage
            assert (index.read_bytes() if index.exists() else None) == before  # the reader wrote nothing
            listed = lib.history(sop.id)
            assert [(r.nama, r.saved_by) for r in listed] == expected, damage
            assert [r.revision_id for r in listed] == [r.revision_id for r in reader.history(sop.id)]
            sop.identity.nama = f"Versi {round_}"
            lib.save(sop, "Dewi")  # an append after a torn line still reads back
            saved.append((f"Versi {round_}", "Dewi"))
        with Library.open(root) as lib:
            assert [(r.nama, r.saved_by) for r in lib.history(sop.id)] == list(reversed(saved[:-1]))


def test_index_history_after_a_sync_puts_the_received_commits_in_the_index(tmp_path):
    from sopdesk.sync.history import INDEX_NAME
    from sopdesk.sync.repo import REPO_DIR

    shared = str(tmp_path / "bersama.git")
    a, b = tmp_path / "pc-a", tmp_path / "pc-b"
    sop = arsip("Surat Masuk")
    with Library.open(a) as lib:
        lib.save(sop, "Ani")
        for i in range(3):
            sop.steps[0].kegiatan = f"Diubah {i}"
            lib.save(sop, "Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    index = b / REPO_DIR / INDEX_NAME
    before = index.read_bytes().count(b'"c":')
    with Library.open(b) as lib:
        lib.index_history()
        assert index.read_bytes().count(b'"c":') >= before + 4  # A's four commits, seen from B
        assert [r.saved_by for r in lib.history(sop.id)] == ["Ani", "Ani", "Ani"]
