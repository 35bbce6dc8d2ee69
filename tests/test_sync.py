"""Sharing a library through git: two and three libraries on one machine around one bare repository."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from dulwich.repo import Repo

from sopdesk.cli import main
from sopdesk.model import Actor, Sop, Step
from sopdesk.storage import Library, file_stem
from sopdesk.sync import SyncError, pending_conflicts, settle_conflict, sync_library
from sopdesk.sync.repo import BRANCH, REPO_DIR, LibraryRepo


def make_sop(nomor: str, nama: str, steps: int = 3) -> Sop:
    sop = Sop()
    sop.identity.nomor = nomor
    sop.identity.nama = nama
    actor = Actor("Pelaksana")
    sop.actors = [actor]
    sop.steps = [Step(kegiatan=f"Kegiatan {i + 1}", actors=[actor.id]) for i in range(steps)]
    return sop


def save(root: Path, sop: Sop, user: str = "Budi") -> None:
    with Library.open(root) as library:
        library.save(sop, user=user)


def share(a: Path, b: Path, shared: Path, sop: Sop) -> None:
    """The SOP saved on PC a and present on PC b through the shared library: where most cases start."""
    save(a, sop)
    sync_library(a, shared)
    sync_library(b, shared)


def load(root: Path, sop_id: str) -> Sop:
    with Library.open(root) as library:
        return library.load(sop_id)


def listing(root: Path) -> dict[str, str]:
    with Library.open(root) as library:
        return {e.id: e.nama for e in library.entries()}


def trash_listing(root: Path) -> set[str]:
    with Library.open(root) as library:
        return {e.id for e in library.list_trash()}


@pytest.fixture
def shared(tmp_path: Path) -> str:
    return str(tmp_path / "bersama.git")


@pytest.fixture
def pcs(tmp_path: Path) -> list[Path]:
    return [tmp_path / f"pc{i}" for i in (1, 2, 3)]


def test_first_sync_creates_the_shared_repository_and_keeps_history(tmp_path, shared, pcs):
    a = pcs[0]
    sop = make_sop("001", "Surat Masuk")
    save(a, sop)
    sop.steps[0].kegiatan = "Menerima surat"
    save(a, sop)  # one earlier version in history/
    history_before = sorted(p.name for p in (a / "history").rglob("*.json"))
    result = sync_library(a, shared, user="Budi")
    assert result.created_remote and (a / REPO_DIR).is_dir()
    assert result.sent == ["001 Surat Masuk"]
    assert (Path(shared) / "HEAD").is_file()
    assert sorted(p.name for p in (a / "history").rglob("*.json")) == history_before
    # The remote is remembered: a second sync needs no --remote and sends nothing new.
    again = sync_library(a, user="Budi")
    assert again.sent == [] and again.received == []


def test_every_save_ends_up_everywhere_in_any_order(shared, pcs):
    a, b, c = pcs
    one, two, three = make_sop("001", "Satu"), make_sop("002", "Dua"), make_sop("003", "Tiga")
    save(a, one)
    sync_library(a, shared)
    save(b, two)
    result = sync_library(b, shared)
    assert result.received == ["001 Satu"] and result.sent == ["002 Dua"]
    save(c, three)
    sync_library(c, shared)
    sync_library(a, shared)
    sync_library(b, shared)
    for root in pcs:
        assert listing(root) == {one.id: "Satu", two.id: "Dua", three.id: "Tiga"}
    # Edits on each side, in another order.
    edited = load(c, one.id)
    edited.identity.nama = "Satu diubah di C"
    save(c, edited, user="Citra")
    assert sync_library(c, shared).sent == ["001 Satu diubah di C"]
    sync_library(b, shared)
    gone = load(b, two.id)
    with Library.open(b) as library:
        library.trash(two.id)
    assert sync_library(b, shared).sent == ["002 Dua"]  # moved to the Sampah
    sync_library(a, shared)
    sync_library(c, shared)
    heads = set()
    for root in pcs:
        repo = LibraryRepo(root)
        heads.add(repo.head())
        repo.close()
    with Repo(shared) as remote:
        assert heads == {remote.refs[BRANCH]}  # one history everywhere
    for root in pcs:
        assert listing(root) == {one.id: "Satu diubah di C", three.id: "Tiga"}
        assert trash_listing(root) == {gone.id}
        assert load(root, one.id).identity.nama == "Satu diubah di C"
    # The version replaced on A by the one from C is in A's Riwayat versi.
    with Library.open(a) as library:
        names = [r.nama for r in library.history(one.id)]
    assert "Satu" in names


def test_purge_travels_and_both_sides_changing_different_sops(shared, pcs):
    a, b = pcs[:2]
    one, two = make_sop("001", "Satu"), make_sop("002", "Dua")
    save(a, one)
    save(a, two)
    sync_library(a, shared)
    sync_library(b, shared)
    with Library.open(a) as library:
        library.trash(two.id)
        library.purge(two.id)
    edited = load(b, one.id)
    edited.steps[1].kegiatan = "Diubah di B"
    save(b, edited)
    sync_library(a, shared)
    result = sync_library(b, shared)
    assert result.conflicts == []
    sync_library(a, shared)
    for root in (a, b):
        assert listing(root) == {one.id: "Satu"}
        assert load(root, one.id).steps[1].kegiatan == "Diubah di B"


def test_different_steps_of_one_sop_merge_by_themselves(shared, pcs):
    a, b = pcs[:2]
    sop = make_sop("001", "Satu", steps=4)
    share(a, b, shared, sop)
    mine = load(a, sop.id)
    mine.steps[0].kegiatan = "Langkah pertama oleh A"
    save(a, mine)
    theirs = load(b, sop.id)
    theirs.steps[3].kegiatan = "Langkah terakhir oleh B"
    save(b, theirs)
    sync_library(a, shared)
    result = sync_library(b, shared)
    assert result.merged == ["001 Satu"] and result.conflicts == [] and result.pending == 0
    sync_library(a, shared)
    for root in (a, b):
        steps = [s.kegiatan for s in load(root, sop.id).steps]
        assert steps == ["Langkah pertama oleh A", "Kegiatan 2", "Kegiatan 3", "Langkah terakhir oleh B"]


def test_same_field_conflict_keeps_both_versions(shared, pcs, capsys):
    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    share(a, b, shared, sop)
    mine = load(a, sop.id)
    mine.steps[1].kegiatan = "Versi A"
    save(a, mine)
    theirs = load(b, sop.id)
    theirs.steps[1].kegiatan = "Versi B"
    save(b, theirs)
    sync_library(a, shared)
    code = main(["sync", "--pustaka", str(b), "--remote", shared])
    out = capsys.readouterr().out
    assert code == 1
    assert "Bentrok: 001 Satu" in out and "Versi A" in out and "Versi B" in out
    # Ours stays in place, theirs is kept aside with the common ancestor.
    assert load(b, sop.id).steps[1].kegiatan == "Versi B"
    assert pending_conflicts(b) == [sop.id]
    folder = b / "conflicts" / sop.id
    kept_theirs = json.loads(next(folder.glob("*-theirs.json")).read_text(encoding="utf-8"))
    kept_base = json.loads(next(folder.glob("*-base.json")).read_text(encoding="utf-8"))
    assert kept_theirs["steps"][1]["kegiatan"] == "Versi A"
    assert kept_base["steps"][1]["kegiatan"] == "Kegiatan 2"
    # Still waiting for a person: the next sync says so again, and A, whose value is not in its list now, is told too.
    assert main(["sync", "--pustaka", str(b)]) == 1
    on_a = sync_library(a, shared)
    assert on_a.pending == 1 and pending_conflicts(a) == [sop.id] and on_a.pending_names == ["001 Satu"]
    assert load(a, sop.id).steps[1].kegiatan == "Versi B"
    with Library.open(a) as library:
        assert "Versi A" in [library.load_revision(sop.id, r.revision_id).steps[1].kegiatan
                             for r in library.history(sop.id)]
    # Settled by keeping B's version: A's becomes an earlier version in B's Riwayat versi, nothing is lost.
    assert settle_conflict(b, sop.id) == 1
    assert pending_conflicts(b) == [] and not (b / "conflicts" / sop.id).exists()
    with Library.open(b) as library:
        kept = [library.load_revision(sop.id, r.revision_id).steps[1].kegiatan for r in library.history(sop.id)]
    assert "Versi A" in kept
    assert main(["sync", "--pustaka", str(b)]) == 0
    with Repo(str(b / "sync.git")) as repo:  # the decision's commit says what it is
        messages = [entry.commit.message.decode("utf-8") for entry in repo.get_walker(max_entries=3)]
    assert any(m.startswith("Bentrok diputuskan di PC ini") for m in messages)
    settled_on_a = sync_library(a, shared)
    assert settled_on_a.pending == 0 and pending_conflicts(a) == []
    assert load(a, sop.id).steps[1].kegiatan == "Versi B"


def test_deleted_against_edited_keeps_the_edited_one_and_reports(shared, pcs):
    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    share(a, b, shared, sop)
    with Library.open(a) as library:
        library.trash(sop.id)
        library.purge(sop.id)
    edited = load(b, sop.id)
    edited.steps[0].kegiatan = "Diubah di B"
    save(b, edited)
    sync_library(b, shared)
    result = sync_library(a, shared)
    assert [c.kind for c in result.conflicts] == ["hapus-ubah"]
    assert "dihapus di PC ini" in result.conflicts[0].lines[0]
    assert result.pending == 1
    assert load(a, sop.id).steps[0].kegiatan == "Diubah di B"


def test_edited_here_deleted_there_keeps_ours(shared, pcs):
    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    share(a, b, shared, sop)
    with Library.open(b) as library:
        library.trash(sop.id)
        library.purge(sop.id)
    sync_library(b, shared)
    edited = load(a, sop.id)
    edited.steps[0].kegiatan = "Diubah di A"
    save(a, edited)
    result = sync_library(a, shared)
    assert [c.kind for c in result.conflicts] == ["hapus-ubah"]
    assert "dihapus di PC lain" in result.conflicts[0].lines[0]
    sync_library(b, shared)
    assert load(b, sop.id).steps[0].kegiatan == "Diubah di A"


def test_catalogue_follows_received_files(shared, pcs):
    a, b = pcs[:2]
    sync_library(b, shared)
    sop = make_sop("007", "Tujuh")
    share(a, b, shared, sop)
    catalog = json.loads((b / "catalog.json").read_text(encoding="utf-8"))
    assert [d["nama"] for d in catalog["sops"].values()] == ["Tujuh"]


def test_folder_that_is_not_a_repository_is_refused(tmp_path, pcs, capsys):
    a = pcs[0]
    save(a, make_sop("001", "Satu"))
    other = tmp_path / "dokumen"
    other.mkdir()
    (other / "catatan.txt").write_text("bukan pustaka", encoding="utf-8")
    assert main(["sync", "--pustaka", str(a), "--remote", str(other)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bukan pustaka bersama" in err[0]
    assert list(other.iterdir()) == [other / "catatan.txt"]


def test_unreachable_folder_is_offline_and_local_work_goes_next_time(tmp_path, pcs, capsys):
    a, b = pcs[:2]
    share = tmp_path / "server" / "bersama.git"  # the file server is not mounted: its folder is missing
    save(a, make_sop("001", "Satu"))
    assert main(["sync", "--pustaka", str(a), "--remote", str(share)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tidak terjangkau" in err[0] and "Traceback" not in err[0]
    with pytest.raises(SyncError) as raised:
        sync_library(a)
    assert raised.value.offline
    # The share comes back: what was saved meanwhile goes out, and reaches another PC.
    (tmp_path / "server").mkdir()
    result = sync_library(a)
    assert result.sent == ["001 Satu"]
    sync_library(b, str(share))
    assert list(listing(b).values()) == ["Satu"]


def test_no_remote_given_is_one_line(pcs, capsys):
    assert main(["sync", "--pustaka", str(pcs[0])]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--remote" in err[0]


def test_sync_refuses_while_another_window_writes(shared, pcs, capsys):
    a = pcs[0]
    with Library.open(a):
        assert main(["sync", "--pustaka", str(a), "--remote", shared]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sedang dipakai" in err[0]


def test_cli_counts_received_and_sent(shared, pcs, capsys):
    a, b = pcs[:2]
    for i in range(3):
        save(a, make_sop(f"00{i}", f"SOP {i}"))
    sync_library(a, shared)
    save(b, make_sop("100", "Dari B"))
    assert main(["sync", "--pustaka", str(b), "--remote", shared]) == 0
    out = capsys.readouterr().out
    assert "3 SOP diterima, 1 dikirim." in out
    assert (b / REPO_DIR).is_dir()


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_three_pcs_converge_in_every_order(tmp_path, order):
    shared = str(tmp_path / "bersama.git")
    pcs = [tmp_path / f"pc{i}" for i in range(3)]
    common = make_sop("000", "Bersama", steps=3)
    save(pcs[0], common)
    sync_library(pcs[0], shared)
    for root in pcs[1:]:
        sync_library(root, shared)
    own = []
    for i, root in enumerate(pcs):
        # Each PC adds an SOP of its own and changes its own step of the shared one.
        sop = make_sop(f"00{i + 1}", f"Milik PC {i + 1}")
        save(root, sop, user=f"Drafter {i + 1}")
        own.append(sop)
        shared_sop = load(root, common.id)
        shared_sop.steps[i].kegiatan = f"Langkah oleh PC {i + 1}"
        save(root, shared_sop, user=f"Drafter {i + 1}")
    for i in (*order, *order):  # two rounds: the first PCs of a round receive the rest in the second
        result = sync_library(pcs[i], shared)
        assert result.conflicts == []
    expected = {common.id: "Bersama", **{sop.id: sop.identity.nama for sop in own}}
    for root in pcs:
        assert listing(root) == expected
        assert [s.kegiatan for s in load(root, common.id).steps] == [
            "Langkah oleh PC 1", "Langkah oleh PC 2", "Langkah oleh PC 3"]


def test_shared_repository_replaced_by_another_history_loses_nothing(tmp_path, pcs):
    a, b = pcs[:2]
    first, second = tmp_path / "lama.git", tmp_path / "baru.git"
    one, two = make_sop("001", "Satu"), make_sop("002", "Dua")
    save(a, one)
    sync_library(a, str(first))
    save(b, two)
    sync_library(b, str(second))  # someone started a new shared library with other SOPs
    result = sync_library(a, str(second))
    assert result.received == ["002 Dua"] and result.sent == ["001 Satu"]
    sync_library(b)
    for root in (a, b):
        assert listing(root) == {one.id: "Satu", two.id: "Dua"}


def test_moved_to_sampah_against_edited_stays_listed_and_reports(shared, pcs):
    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    share(a, b, shared, sop)
    with Library.open(a) as library:
        library.trash(sop.id)
    edited = load(b, sop.id)
    edited.steps[2].kegiatan = "Diubah di B"
    save(b, edited)
    sync_library(a, shared)
    result = sync_library(b, shared)
    assert [c.kind for c in result.conflicts] == ["hapus-ubah"]
    assert "Sampah di PC lain" in result.conflicts[0].lines[0]
    sync_library(a, shared)
    for root in (a, b):
        assert listing(root) == {sop.id: "Satu"} and trash_listing(root) == set()
        assert load(root, sop.id).steps[2].kegiatan == "Diubah di B"


def test_edited_and_trashed_against_the_same_field_edited_keeps_both_questions(shared, pcs):
    # One PC changed the name and moved the SOP to the Sampah; the other changed the name too. Two questions
    # wait: the Sampah (asked, never silent) and the name. Neither record may overwrite the other.
    import json

    from sopdesk.sync.settle import read_conflict

    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    share(a, b, shared, sop)
    mine = load(a, sop.id)
    mine.identity.nama = "Satu versi A"
    save(a, mine)
    with Library.open(a) as library:
        library.trash(sop.id)
    theirs = load(b, sop.id)
    theirs.identity.nama = "Satu versi B"
    save(b, theirs)
    sync_library(a, shared)
    result = sync_library(b, shared)
    assert sorted(c.kind for c in result.conflicts) == ["hapus-ubah", "isian"]
    folder = b / "conflicts" / file_stem(sop.id)
    kinds = sorted(json.loads(p.read_text(encoding="utf-8"))["jenis"] for p in folder.glob("*-info.json"))
    assert kinds == ["hapus-ubah", "isian"]
    # Settling the first record leaves the second one waiting.
    with Library.open(b) as library:
        first = read_conflict(library, file_stem(sop.id))
        assert first.records == 2


def test_moved_to_sampah_on_one_side_travels(shared, pcs):
    a, b = pcs[:2]
    sop, other = make_sop("001", "Satu"), make_sop("002", "Dua")
    save(a, sop)
    save(a, other)
    sync_library(a, shared)
    sync_library(b, shared)
    with Library.open(a) as library:
        library.trash(sop.id)
    changed = load(b, other.id)
    changed.identity.nama = "Dua diubah"
    save(b, changed)
    sync_library(a, shared)
    assert sync_library(b, shared).conflicts == []
    sync_library(a, shared)
    for root in (a, b):
        assert listing(root) == {other.id: "Dua diubah"} and trash_listing(root) == {sop.id}


def test_commit_names_the_drafter_and_what_changed(shared, pcs):
    a = pcs[0]
    sop = make_sop("001", "Surat Masuk")
    save(a, sop)
    sync_library(a, shared, user="Budi Santoso")
    sop.steps[0].kegiatan = "Menerima surat"
    save(a, sop, user="Budi Santoso")
    sync_library(a, user="Budi <Santoso>")  # the name in Preferensi may hold anything
    with Repo(shared) as remote:
        commit = remote[remote.refs[BRANCH]]
        assert commit.author.decode() == "Budi Santoso <>"
        message = commit.message.decode()
    assert "001 Surat Masuk" in message and "kegiatan" in message  # the SOP and the field changed


def test_relative_remote_folder_is_remembered_absolute(tmp_path, pcs, monkeypatch):
    a = pcs[0]
    save(a, make_sop("001", "Satu"))
    monkeypatch.chdir(tmp_path)
    sync_library(a, "bersama.git")
    monkeypatch.chdir(a)
    repo = LibraryRepo(a)
    try:
        assert repo.remote_url() == str(tmp_path / "bersama.git")
    finally:
        repo.close()
    assert sync_library(a).sent == []


def test_many_loose_objects_are_packed_and_history_stays_readable(shared, pcs, monkeypatch):
    import sopdesk.sync.engine as engine

    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    for i in range(3):
        sop.steps[0].kegiatan = f"Versi {i}"
        save(a, sop)
    monkeypatch.setattr(engine, "LOOSE_LIMIT", 0)
    sync_library(a, shared)
    loose = [p for p in (a / REPO_DIR / "objects").iterdir() if len(p.name) == 2 and any(p.iterdir())]
    assert loose == []
    sop.steps[0].kegiatan = "Versi 3"
    save(a, sop)  # the window goes on committing after the pack
    sync_library(a)
    sync_library(b, shared)
    for root in (a, b):
        with Library.open(root) as library:
            kept = [library.load_revision(sop.id, r.revision_id).steps[0].kegiatan for r in library.history(sop.id)]
        assert {"Versi 0", "Versi 1", "Versi 2"} <= set(kept)
        assert load(root, sop.id).steps[0].kegiatan == "Versi 3"


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_renamed_sop_and_a_step_edited_elsewhere_meet_with_every_save_in_both_histories(shared, pcs, first):
    # A gives the SOP a new nomor and name while B edits a step: both changes arrive everywhere, and each PC's
    # Riwayat versi holds both saves under their drafters' names.
    a, b = pcs[:2]
    sop = make_sop("001", "Satu")
    share(a, b, shared, sop)
    renamed = load(a, sop.id)
    renamed.identity.nomor, renamed.identity.nama = "001/REV", "Satu (nama baru)"
    save(a, renamed, user="Ani")
    edited = load(b, sop.id)
    edited.steps[1].kegiatan = "Diubah di B"
    save(b, edited, user="Budi")
    order = (a, b, a) if first == "a" else (b, a, b)
    for root in order:
        assert sync_library(root, shared).conflicts == []
    for root in (a, b):
        now = load(root, sop.id)
        assert (now.identity.nomor, now.identity.nama, now.steps[1].kegiatan) == (
            "001/REV", "Satu (nama baru)", "Diubah di B")
        with Library.open(root) as library:
            earlier = [(r.saved_by, library.load_revision(sop.id, r.revision_id)) for r in library.history(sop.id)]
        assert any(by == "Ani" and s.identity.nama == "Satu (nama baru)" and s.steps[1].kegiatan != "Diubah di B"
                   for by, s in earlier)
        assert any(by == "Budi" and s.steps[1].kegiatan == "Diubah di B" and s.identity.nama == "Satu"
                   for by, s in earlier)
