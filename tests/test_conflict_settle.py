"""Settling sync conflicts (sopdesk/sync/settle.py) on real conflicts: two libraries around one bare repository."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sopdesk.model import Actor, Duration, Sop, Status, Step
from sopdesk.storage import Library, StorageError
from sopdesk.sync import pending_conflicts, settle, sync_library

from .conflict_helpers import load, save, step_clash


def make_sop() -> Sop:
    sop = Sop()
    sop.identity.nomor = "OT.01/2026"
    sop.identity.nama = "Surat Masuk"
    sop.identity.dasar_hukum = ["UU 1/2000", "PP 2/2001", "Perpres 3/2002"]
    sop.identity.tanggal_efektif = dt.date(2026, 1, 5)
    sop.identity.signer.nama = "Siti"
    staff, chief = Actor("Staf"), Actor("Kepala Bagian")
    sop.actors = [staff, chief]
    sop.steps = [Step(kegiatan=f"Kegiatan {i + 1}", actors=[staff.id], waktu=Duration(10, "Menit")) for i in range(4)]
    return sop


@pytest.fixture
def pcs(tmp_path):
    """(a, b, shared): two PCs sharing one SOP through a bare repository in a folder."""
    a, b, shared = tmp_path / "pc-a", tmp_path / "pc-b", str(tmp_path / "bersama.git")
    return a, b, shared


def conflict_between(pcs, edit_a, edit_b, merging: str = "b") -> Sop:
    """The SOP shared, edited on both PCs, synced: A first then B (B merges), or B first (A merges)."""
    a, b, shared = pcs
    sop = make_sop()
    save(a, sop, "Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    mine = load(a, sop.id)
    edit_a(mine)
    save(a, mine, "Ani")
    theirs = load(b, sop.id)
    edit_b(theirs)
    save(b, theirs, "Budi")
    first, second = (a, b) if merging == "b" else (b, a)
    sync_library(first, shared, user="x")
    result = sync_library(second, shared, user="y")
    assert result.conflicts, "the edits were meant to conflict"
    return sop


def read(root: Path, sop_id: str) -> tuple[Library, settle.PendingConflict]:
    library = Library.open(root)
    return library, settle.read_conflict(library, sop_id)


def test_same_identity_field_three_values_then_the_other_one_is_saved(pcs):
    a, b, shared = pcs

    def on_a(s):
        s.identity.nama = "Surat Masuk Elektronik"

    def on_b(s):
        s.identity.nama = "Penerimaan Surat"
        s.steps[3].kegiatan = "Diarsipkan oleh B"  # merges by itself

    sop = conflict_between(pcs, on_a, on_b)
    library, conflict = read(b, sop.id)
    try:
        assert conflict.kind == "isian"
        assert [(c.path, c.base, c.ours, c.theirs) for c in conflict.choices] == [
            ("Identitas › Nama SOP", "Surat Masuk", "Penerimaan Surat", "Surat Masuk Elektronik")]
        # Nothing of A's merged into B's file (its only change clashed): the file is still B's own save.
        assert conflict.ours.saved_by == "Budi" and not conflict.ours.merged
        assert conflict.theirs.saved_by == "Ani"
        saved = settle.settle_fields(library, conflict, {0: settle.THEIRS}, user="Budi")
        assert saved.identity.nama == "Surat Masuk Elektronik"
        on_disk = library.load(sop.id)
        assert on_disk.identity.nama == "Surat Masuk Elektronik"
        assert on_disk.steps[3].kegiatan == "Diarsipkan oleh B"
        assert settle.pending_stems(b) == set() and not (b / "conflicts" / sop.id).exists()
        # Riwayat versi still holds both: B's own name and A's.
        names = [library.load_revision(sop.id, r.revision_id).identity.nama for r in library.history(sop.id)]
        assert "Penerimaan Surat" in names
        current = json.loads((b / "sops" / f"{sop.id}.json").read_text(encoding="utf-8"))
        assert current["changes"][0] == "Bentrok diselesaikan: Identitas › Nama SOP dari versi lain"
        assert current["saved_by"] == "Budi"
    finally:
        library.close()
    # The decision travels: A gets the result and no longer sees a conflict.
    sync_library(b, shared, user="Budi")
    sync_library(a, shared, user="Ani")
    assert pending_conflicts(a) == []
    assert load(a, sop.id).identity.nama == "Surat Masuk Elektronik"


def test_every_kind_of_field_takes_the_other_value_by_its_key(pcs):
    """Identity, a date, the signer, a list item, a step's fields and actors, an actor's name, page and status."""
    a, b, shared = pcs

    def on_a(s):
        s.identity.nomor = "OT.01/A"
        s.identity.tanggal_efektif = dt.date(2026, 2, 1)
        s.identity.signer.nama = "Siti Aminah"
        s.identity.dasar_hukum[1] = "PP 2/2001 tentang A"
        s.steps[1].kegiatan = "Memeriksa surat (A)"
        s.steps[1].waktu = Duration(15, "Menit")
        s.steps[2].actors = [s.actors[1].id]
        s.actors[1].name = "Kabag Umum"
        s.page.paper = "F4"
        s.lifecycle.status = Status.BERLAKU

    def on_b(s):
        s.identity.nomor = "OT.01/B"
        s.identity.tanggal_efektif = dt.date(2026, 3, 1)
        s.identity.signer.nama = "Siti Rahma"
        s.identity.dasar_hukum[1] = "PP 2/2001 tentang B"
        s.steps[1].kegiatan = "Memeriksa surat (B)"
        s.steps[1].waktu = Duration(1, "Jam")
        s.steps[2].actors = [s.actors[0].id, s.actors[1].id]
        s.actors[1].name = "Kepala Bagian Umum"
        s.page.paper = "Legal"
        s.lifecycle.status = Status.DICABUT
        s.steps[0].output = "Agenda"  # B only: merges by itself

    sop = conflict_between(pcs, on_a, on_b)
    staff, chief = sop.actors[0].id, sop.actors[1].id
    step2, step3 = sop.steps[1].id, sop.steps[2].id
    library, conflict = read(b, sop.id)
    try:
        keys = [c.key for c in conflict.choices]
        assert sorted(keys) == sorted([
            "identity.nomor", "identity.tanggal_efektif", "identity.signer.nama", "list.dasar_hukum",
            f"step.{step2}.kegiatan", f"step.{step2}.waktu", f"step.{step3}.pelaksana", f"actor.{chief}",
            "page.paper", "lifecycle.status"])
        # Every row defaults to the version in use: applying the defaults changes nothing B holds.
        kept = settle.resolve(conflict, {})
        assert kept.identity.nomor == "OT.01/B" and kept.steps[1].waktu == Duration(1, "Jam")
        result = settle.resolve(conflict, {i: settle.THEIRS for i in range(len(keys))})
    finally:
        library.close()
    assert result.identity.nomor == "OT.01/A"
    assert result.identity.tanggal_efektif == dt.date(2026, 2, 1)
    assert result.identity.signer.nama == "Siti Aminah"
    assert result.identity.dasar_hukum == ["UU 1/2000", "PP 2/2001 tentang A", "Perpres 3/2002"]
    assert [s.kegiatan for s in result.steps] == ["Kegiatan 1", "Memeriksa surat (A)", "Kegiatan 3", "Kegiatan 4"]
    assert result.steps[1].waktu == Duration(15, "Menit")
    assert result.steps[2].actors == [chief]
    assert [a.name for a in result.actors] == ["Staf", "Kabag Umum"]
    assert result.page.paper == "F4"
    assert result.lifecycle.status is Status.BERLAKU
    assert result.steps[0].output == "Agenda"  # what merged by itself stays
    assert result.steps[0].actors == [staff]


def test_a_mix_of_choices_and_the_other_pc_merging(pcs):
    """A merges this time (B synced first): the version in use on A is A's own, the other one B's."""
    a, b, shared = pcs

    def on_a(s):
        s.steps[0].kegiatan = "Menerima (A)"
        s.steps[3].keterangan = "Catatan A"

    def on_b(s):
        s.steps[0].kegiatan = "Menerima (B)"
        s.steps[3].keterangan = "Catatan B"

    sop = conflict_between(pcs, on_a, on_b, merging="a")
    library, conflict = read(a, sop.id)
    try:
        rows = {c.path: c for c in conflict.choices}
        assert set(rows) == {"Langkah 1 › Kegiatan", "Langkah 4 › Keterangan"}
        assert (rows["Langkah 1 › Kegiatan"].ours, rows["Langkah 1 › Kegiatan"].theirs) == ("Menerima (A)",
                                                                                           "Menerima (B)")
        picks = {i: settle.THEIRS if c.path == "Langkah 4 › Keterangan" else settle.OURS
                 for i, c in enumerate(conflict.choices)}
        settle.settle_fields(library, conflict, picks, user="Ani")
        now = library.load(sop.id)
    finally:
        library.close()
    assert now.steps[0].kegiatan == "Menerima (A)" and now.steps[3].keterangan == "Catatan B"
    # B, where the record arrived with the merge, has the same decision after syncing.
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    assert pending_conflicts(b) == []
    there = load(b, sop.id)
    assert there.steps[0].kegiatan == "Menerima (A)" and there.steps[3].keterangan == "Catatan B"


def test_list_with_two_clashing_parts_one_choice_each(pcs):
    def on_a(s):
        s.identity.dasar_hukum = ["UU 1/2000 (A)", "PP 2/2001", "Perpres 3/2002 (A)"]

    def on_b(s):
        s.identity.dasar_hukum = ["UU 1/2000 (B)", "PP 2/2001", "Perpres 3/2002 (B)"]

    sop = conflict_between(pcs, on_a, on_b)
    library, conflict = read(pcs[1], sop.id)
    try:
        assert [c.path for c in conflict.choices] == ["Dasar Hukum › butir 1", "Dasar Hukum › butir 3"]
        second_theirs = settle.resolve(conflict, {0: settle.OURS, 1: settle.THEIRS})
        first_theirs = settle.resolve(conflict, {0: settle.THEIRS, 1: settle.OURS})
    finally:
        library.close()
    assert second_theirs.identity.dasar_hukum == ["UU 1/2000 (B)", "PP 2/2001", "Perpres 3/2002 (A)"]
    assert first_theirs.identity.dasar_hukum == ["UU 1/2000 (A)", "PP 2/2001", "Perpres 3/2002 (B)"]


@pytest.mark.parametrize("merging", ["b", "a"])
def test_step_deleted_on_one_pc_and_changed_on_the_other_is_asked(pcs, merging):
    """A deletes step 3 while B rewrites it. Whichever PC merges, the step is kept and the question asked."""

    def on_a(s):
        del s.steps[2]
        s.identity.nama = "Surat Masuk (A)"

    def on_b(s):
        s.steps[2].kegiatan = "Kegiatan 3 ditulis ulang"
        s.identity.nama = "Surat Masuk (B)"

    sop = conflict_between(pcs, on_a, on_b, merging=merging)
    root = pcs[1] if merging == "b" else pcs[0]
    library, conflict = read(root, sop.id)
    try:
        step_rows = [c for c in conflict.choices if c.key == f"step.{sop.steps[2].id}"]
        assert len(step_rows) == 1
        row = step_rows[0]
        assert row.default == settle.KEEP  # nothing anyone typed goes unless a person says so
        index = conflict.choices.index(row)
        kept = settle.resolve(conflict, {})
        removed = settle.resolve(conflict, {index: settle.DELETE})
    finally:
        library.close()
    assert "Kegiatan 3 ditulis ulang" in [s.kegiatan for s in kept.steps]
    assert [s.kegiatan for s in removed.steps] == ["Kegiatan 1", "Kegiatan 2", "Kegiatan 4"]


def test_actor_renamed_on_one_pc_and_removed_on_the_other(pcs):
    def on_a(s):
        s.actors = [s.actors[0]]  # Kepala Bagian removed (no step uses it)

    def on_b(s):
        s.actors[1].name = "Kepala Bagian Umum"

    sop = conflict_between(pcs, on_a, on_b)
    library, conflict = read(pcs[1], sop.id)
    try:
        row = next(c for c in conflict.choices if c.key == f"actor.{sop.actors[1].id}")
        index = conflict.choices.index(row)
        assert row.options[0][0] == settle.KEEP
        removed = settle.resolve(conflict, {index: settle.DELETE})
        kept = settle.resolve(conflict, {index: settle.KEEP})
    finally:
        library.close()
    assert [a.name for a in removed.actors] == ["Staf"]
    assert [a.name for a in kept.actors] == ["Staf", "Kepala Bagian Umum"]


def test_a_whole_sop_edited_by_hand_settles_the_conflict(pcs):
    sop = conflict_between(pcs, lambda s: setattr(s.identity, "nama", "Nama A"),
                           lambda s: setattr(s.identity, "nama", "Nama B"))
    library, conflict = read(pcs[1], sop.id)
    try:
        edited = conflict.ours.sop.clone()
        edited.identity.nama = "Nama gabungan A dan B"
        settle.settle_with(library, conflict, edited, user="Budi", note="Bentrok diselesaikan: disunting")
        assert library.load(sop.id).identity.nama == "Nama gabungan A dan B"
        assert settle.pending_stems(pcs[1]) == set()
        names = {library.load_revision(sop.id, r.revision_id).identity.nama for r in library.history(sop.id)}
        assert {"Nama A", "Nama B"} <= names
    finally:
        library.close()


def _deleted_against_edited(pcs, delete_on: str, trash_only: bool) -> Sop:
    a, b, shared = pcs
    sop = make_sop()
    save(a, sop, "Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    deleter, editor = (a, b) if delete_on == "a" else (b, a)
    with Library.open(deleter) as library:
        library.trash(sop.id)
        if not trash_only:
            library.purge(sop.id)
    edited = load(editor, sop.id)
    edited.steps[0].kegiatan = "Diubah sesudah dibagikan"
    save(editor, edited, "Citra")
    sync_library(a, shared, user="Ani")
    result = sync_library(b, shared, user="Budi")
    assert [c.kind for c in result.conflicts] == ["hapus-ubah"]
    return sop


@pytest.mark.parametrize("delete_on,trash_only", [("a", False), ("b", False), ("a", True), ("b", True)])
def test_deleted_against_edited_is_a_question_both_ways(pcs, delete_on, trash_only):
    a, b, shared = pcs
    sop = _deleted_against_edited(pcs, delete_on, trash_only)
    library, conflict = read(b, sop.id)
    try:
        assert conflict.kind == "hapus-ubah"
        # Nothing was decided silently: the edited version is in the list until someone answers.
        assert sop.id in {e.id for e in library.entries()}
        assert library.load(sop.id).steps[0].kegiatan == "Diubah sesudah dibagikan"
        settle.keep_current(library, conflict, user="Budi")
        assert settle.pending_stems(b) == set()
        assert sop.id in {e.id for e in library.entries()}
    finally:
        library.close()


def test_deleted_against_edited_settled_as_deleted_goes_to_the_sampah(pcs):
    a, b, shared = pcs
    sop = _deleted_against_edited(pcs, "a", trash_only=False)
    library, conflict = read(b, sop.id)
    try:
        settle.delete_sop(library, conflict)
        assert sop.id not in {e.id for e in library.entries()}
        assert sop.id in {e.id for e in library.list_trash()}
        assert library.load(sop.id).steps[0].kegiatan == "Diubah sesudah dibagikan"  # restorable as edited
        assert settle.pending_stems(b) == set()
    finally:
        library.close()
    sync_library(b, shared, user="Budi")
    sync_library(a, shared, user="Ani")
    assert pending_conflicts(a) == []
    with Library.open(a) as there:
        assert sop.id not in {e.id for e in there.entries()}


def test_an_unreadable_other_version_can_only_be_kept(pcs):
    sop = conflict_between(pcs, lambda s: setattr(s.identity, "nama", "Nama A"),
                           lambda s: setattr(s.identity, "nama", "Nama B"))
    b = pcs[1]
    theirs = next((b / "conflicts" / sop.id).glob("*-theirs.json"))
    theirs.write_text("{ rusak", encoding="utf-8")
    library, conflict = read(b, sop.id)
    try:
        assert conflict.kind == "rusak" and conflict.theirs.sop is None and conflict.theirs.error
        with pytest.raises(StorageError):
            settle.take_other(library, conflict, user="Budi")
        settle.keep_current(library, conflict, user="Budi")
        assert library.load(sop.id).identity.nama == "Nama B"
        assert settle.pending_stems(b) == set()
    finally:
        library.close()


def test_a_record_that_is_gone_says_so():
    import tempfile

    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "pustaka") as library:
        with pytest.raises(StorageError) as caught:
            settle.read_conflict(library, "tidakada")
        assert "tidak" in str(caught.value)


def test_step_order_changed_differently_takes_the_other_order(pcs):
    def on_a(s):
        s.steps = s.steps[1:] + s.steps[:1]  # step 1 to the end

    def on_b(s):
        s.steps = s.steps[3:] + s.steps[:3]  # step 4 to the front

    sop = conflict_between(pcs, on_a, on_b)
    library, conflict = read(pcs[1], sop.id)
    try:
        assert [c.key for c in conflict.choices] == ["steps.order"]
        other = settle.resolve(conflict, {0: settle.THEIRS})
        used = settle.resolve(conflict, {0: settle.OURS})
    finally:
        library.close()
    assert [s.kegiatan for s in other.steps] == ["Kegiatan 2", "Kegiatan 3", "Kegiatan 4", "Kegiatan 1"]
    assert [s.kegiatan for s in used.steps] == ["Kegiatan 4", "Kegiatan 1", "Kegiatan 2", "Kegiatan 3"]


def test_keeping_the_version_in_use_keeps_it_and_the_other_stays_in_riwayat(pcs):
    sop = conflict_between(pcs, lambda s: setattr(s.identity, "nama", "Nama A"),
                           lambda s: setattr(s.identity, "nama", "Nama B"))
    library, conflict = read(pcs[1], sop.id)
    try:
        settle.keep_current(library, conflict, user="Budi")
        assert library.load(sop.id).identity.nama == "Nama B"
        names = {library.load_revision(sop.id, r.revision_id).identity.nama for r in library.history(sop.id)}
        assert "Nama A" in names
        assert settle.pending_stems(pcs[1]) == set()
    finally:
        library.close()


def test_a_change_while_deciding_stops_the_decision_and_loses_nothing(pcs):
    """The SOP was saved again (a sync, another save) after the record was read: nothing is applied."""
    sop = conflict_between(pcs, lambda s: setattr(s.identity, "nama", "Nama A"),
                           lambda s: setattr(s.identity, "nama", "Nama B"))
    b = pcs[1]
    library, conflict = read(b, sop.id)
    try:
        meanwhile = library.load(sop.id)
        meanwhile.steps[0].kegiatan = "Disimpan sementara itu"
        library.save(meanwhile, user="Budi")
        with pytest.raises(StorageError) as caught:
            settle.settle_fields(library, conflict, {0: settle.THEIRS}, user="Budi")
        assert "berubah" in str(caught.value)
        now = library.load(sop.id)
        assert now.identity.nama == "Nama B" and now.steps[0].kegiatan == "Disimpan sementara itu"
        assert settle.pending_stems(b) == {sop.id}
        # Read again, it can be settled.
        again = settle.read_conflict(library, sop.id)
        settle.settle_fields(library, again, {0: settle.THEIRS}, user="Budi")
        done = library.load(sop.id)
        assert done.identity.nama == "Nama A" and done.steps[0].kegiatan == "Disimpan sementara itu"
    finally:
        library.close()


def test_two_syncs_with_conflicts_are_settled_one_after_the_other(pcs):
    """A second round of clashing edits before the first was settled: two records, the oldest first."""
    a, b, shared = pcs
    sop = conflict_between(pcs, lambda s: setattr(s.identity, "nama", "Nama A"),
                           lambda s: setattr(s.identity, "nama", "Nama B"))
    sync_library(a, shared, user="Ani")  # A gets B's merge and the first record
    step_clash(a, b, shared, sop.id, 0, "Langkah 1 oleh A", "Langkah 1 oleh B")
    library, first = read(b, sop.id)
    try:
        assert first.records == 2
        assert [c.path for c in first.choices] == ["Identitas › Nama SOP"]
        settle.settle_fields(library, first, {0: settle.THEIRS}, user="Budi")
        assert settle.pending_stems(b) == {sop.id}  # the second one still waits
        second = settle.read_conflict(library, sop.id)
        assert second.records == 1
        assert [(c.path, c.ours, c.theirs) for c in second.choices] == [
            ("Langkah 1 › Kegiatan", "Langkah 1 oleh B", "Langkah 1 oleh A")]
        settle.settle_fields(library, second, {0: settle.OURS}, user="Budi")
        done = library.load(sop.id)
        assert done.identity.nama == "Nama A" and done.steps[0].kegiatan == "Langkah 1 oleh B"
        assert settle.pending_stems(b) == set()
    finally:
        library.close()
    sync_library(b, shared, user="Budi")
    sync_library(a, shared, user="Ani")
    assert pending_conflicts(a) == []
    there = load(a, sop.id)
    assert there.identity.nama == "Nama A" and there.steps[0].kegiatan == "Langkah 1 oleh B"


def test_a_date_typed_as_text_and_a_keterkaitan_link_take_the_other_value(pcs):
    """The two identity tables merged entry by entry: a date kept as typed, any other dated text the file
    carries, and a Keterkaitan item's link."""
    from sopdesk.model import SopLink

    def on_a(s):
        s.identity.keterkaitan = ["SOP Pengarsipan"]
        s.identity.date_texts["tanggal_pembuatan"] = "awal November"
        s.identity.date_texts["tanggal_rapat"] = "Senin pekan depan"
        s.identity.keterkaitan_links["SOP Pengarsipan"] = SopLink("arsip-a", "AR/01", "Pengarsipan (A)")

    def on_b(s):
        s.identity.keterkaitan = ["SOP Pengarsipan"]
        s.identity.date_texts["tanggal_pembuatan"] = "akhir November"
        s.identity.date_texts["tanggal_rapat"] = "Selasa pekan depan"
        s.identity.keterkaitan_links["SOP Pengarsipan"] = SopLink("arsip-b", "AR/02", "Pengarsipan (B)")

    a, b, shared = pcs
    sop = conflict_between(pcs, on_a, on_b)
    library, conflict = read(b, sop.id)
    try:
        keys = [c.key for c in conflict.choices]
        assert sorted(keys) == sorted(["identity.tanggal_pembuatan", "identity.date_texts.tanggal_rapat",
                                       "identity.keterkaitan_links.SOP Pengarsipan"])
        kept = settle.resolve(conflict, {})
        assert kept.identity.date_texts["tanggal_pembuatan"] == "akhir November"
        assert kept.identity.date_texts["tanggal_rapat"] == "Selasa pekan depan"
        assert kept.identity.keterkaitan_links["SOP Pengarsipan"].sop_id == "arsip-b"
        taken = settle.resolve(conflict, {i: settle.THEIRS for i in range(len(keys))})
    finally:
        library.close()
    assert taken.identity.date_texts["tanggal_pembuatan"] == "awal November"
    assert taken.identity.date_texts["tanggal_rapat"] == "Senin pekan depan"
    assert taken.identity.keterkaitan_links["SOP Pengarsipan"] == SopLink("arsip-a", "AR/01", "Pengarsipan (A)")
