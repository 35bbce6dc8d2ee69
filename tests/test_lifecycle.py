"""The life of an SOP: status, Buat revisi and its chain of records, who changed what, and review dates."""
from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sopdesk import atomic
from sopdesk.interchange import InterchangeError, sop_from_fixture, sop_from_native, sop_to_native
from sopdesk.lifecycle import (
    ReviewState,
    RevisionRefused,
    add_months,
    changed_fields,
    due_from_parts,
    review_due,
    review_state,
    review_text,
    start_revision,
)
from sopdesk.model import Actor, Duration, Lifecycle, Sop, Status, Step, delete_steps, insert_step, rename_actor
from sopdesk.storage import Library, StorageError, move_library

from .conftest import FIXTURES_DIR, ROOT, load_fixture

WORKER = Path(__file__).with_name("lifecycle_worker.py")
ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"
DAY = dt.date(2024, 3, 1)


def arsip() -> Sop:
    return sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))


def in_force(sop: Sop, day: dt.date = DAY) -> Sop:
    sop.lifecycle.status = Status.BERLAKU
    sop.lifecycle.status_date = day
    return sop


# ---- the data and its file format -----------------------------------------------------------------


def test_status_and_review_plan_survive_the_native_format_and_old_files_load_as_draf():
    sop = arsip()
    sop.lifecycle = Lifecycle(Status.DIGANTI, dt.date(2024, 5, 6), review_months=6, review_on_tanggal_revisi=True,
                              status_date_text="")
    back = sop_from_native(json.loads(json.dumps(sop_to_native(sop))))
    assert back.lifecycle == sop.lifecycle
    old = sop_to_native(sop)
    del old["lifecycle"]  # a file written before statuses existed
    assert sop_from_native(old).lifecycle == Lifecycle()
    assert sop.clone().lifecycle == sop.lifecycle and sop.clone().lifecycle is not sop.lifecycle


@pytest.mark.parametrize("lifecycle, words", [({"status": "Aktif"}, "Aktif"), ({"review_months": 0}, "0 bulan"),
                                              ({"status_date": "kemarin"}, "kemarin")])
def test_a_bad_status_in_a_file_is_one_indonesian_sentence(lifecycle, words):
    data = sop_to_native(arsip())
    data["lifecycle"] = lifecycle
    with pytest.raises(InterchangeError) as caught:
        sop_from_native(data)
    assert words in str(caught.value) and "lifecycle" in str(caught.value) and "\n" not in str(caught.value)


# ---- review dates ---------------------------------------------------------------------------------


def test_review_is_due_the_interval_after_tanggal_efektif_only_while_in_force():
    sop = arsip()
    sop.identity.tanggal_efektif = dt.date(2023, 1, 31)
    assert review_due(sop, DAY, 12) is None  # a Draf is not reviewed
    in_force(sop)
    assert review_due(sop, DAY, 12) == dt.date(2024, 1, 31)
    assert review_due(sop, DAY, 1) == dt.date(2023, 2, 28)  # 31 January + 1 month
    sop.lifecycle.review_months = 6  # the SOP's own interval beats Preferensi
    assert review_due(sop, DAY, 12) == dt.date(2023, 7, 31)
    sop.identity.use_pengesahan, sop.identity.tanggal_pengesahan = True, dt.date(2023, 3, 1)
    assert review_due(sop, DAY, 12) == dt.date(2023, 9, 1)
    for status in (Status.DRAF, Status.DIGANTI, Status.DICABUT):
        sop.lifecycle.status = status
        assert review_due(sop, DAY, 12) is None and review_state(sop, DAY, 12) is ReviewState.NONE


def test_tanggal_revisi_can_hold_the_planned_review_date():
    sop = in_force(arsip())
    sop.identity.tanggal_efektif = dt.date(2020, 1, 1)
    sop.identity.tanggal_revisi = dt.date(2024, 4, 15)
    assert review_due(sop, DAY, 12) == dt.date(2021, 1, 1)
    sop.lifecycle.review_on_tanggal_revisi = True
    assert review_due(sop, DAY, 12) == dt.date(2024, 4, 15)


def test_an_sop_in_force_without_any_date_counts_from_its_status_date():
    sop = in_force(arsip(), dt.date(2024, 2, 29))
    sop.identity.tanggal_efektif = sop.identity.tanggal_pengesahan = None
    assert review_due(sop, DAY, 12) == dt.date(2025, 2, 28)
    sop.lifecycle.status_date = None
    assert review_due(sop, DAY, 12) is None
    assert "Tanggal Efektif" in review_text(sop, DAY, 12)


@pytest.mark.parametrize("days_left, state", [(-1, ReviewState.OVERDUE), (0, ReviewState.DUE_SOON),
                                              (30, ReviewState.DUE_SOON), (31, ReviewState.SCHEDULED)])
def test_review_states_at_the_edges_of_thirty_days(days_left, state):
    sop = in_force(arsip())
    sop.identity.tanggal_efektif = dt.date(2023, 6, 10)
    due = dt.date(2024, 6, 10)
    today = due - dt.timedelta(days=days_left)
    assert review_state(sop, today, 12) is state
    assert review_text(sop, today, 12) == f"Tinjau ulang: 10 Juni 2024 ({state.value})"
    assert state.value in ("lewat jatuh tempo", "jatuh tempo dalam 30 hari", "terjadwal")


def test_the_catalogue_parts_give_the_same_due_date(library):
    sop = in_force(arsip())
    sop.identity.tanggal_efektif = dt.date(2023, 8, 31)
    sop.lifecycle.review_months = 18
    library.save(sop)
    doc = library._table().all()[0]
    assert doc["status"] == "Berlaku" and doc["status_date"] == DAY.isoformat()
    assert due_from_parts(doc["status"], doc["review_basis"] or None, doc["review_months"],
                          doc["review_planned"] or None, 12) == review_due(sop, DAY, 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 12, 15), 2) == dt.date(2025, 2, 15)


# ---- Buat revisi ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAF, Status.DIGANTI, Status.DICABUT])
def test_buat_revisi_is_refused_unless_the_sop_is_in_force(library, root, status):
    sop = arsip()
    sop.lifecycle.status = status
    library.save(sop)
    with pytest.raises(RevisionRefused) as caught:
        library.begin_revision(sop, DAY)
    assert status.value in str(caught.value) and "Berlaku" in str(caught.value)
    assert library.revisions(sop.id) == []
    assert library.load(sop.id).identity.revisi_ke == sop.identity.revisi_ke
    assert not (root / "revisions").exists() or not any((root / "revisions").iterdir())


def test_buat_revisi_keeps_the_revision_in_force_and_starts_the_next_as_draf(library):
    sop = in_force(arsip())
    sop.identity.revisi_ke = 2
    sop.identity.tanggal_revisi = dt.date(2022, 1, 1)
    library.save(sop, "Budi")
    today = DAY + dt.timedelta(days=3)
    draft = library.begin_revision(sop, today, "Budi")
    assert draft.identity.revisi_ke == 3 and draft.identity.tanggal_revisi == today
    assert draft.lifecycle.status is Status.DRAF and draft.id == sop.id
    assert library.load(sop.id) == draft  # the draft is the SOP's current version now
    [record] = library.revisions(sop.id)
    assert (record.revisi_ke, record.status, record.nama) == (2, Status.BERLAKU, sop.identity.nama)
    assert library.load_revision_record(sop.id, record.key) == sop  # byte for byte what was in force
    assert library.current_version(sop.id).changes == ("Tanggal Revisi", "Revisi ke", "Status", "Tanggal status")
    # While the draft is drafted, the old revision stays in force; once the draft is in force, it is replaced.
    draft.identity.nama = "Peminjaman Arsip (revisi)"
    library.save(draft)
    assert library.revisions(sop.id)[0].status is Status.BERLAKU
    library.save(in_force(draft, dt.date(2024, 4, 1)))
    [record] = library.revisions(sop.id)
    assert record.status is Status.DIGANTI and record.status_date == dt.date(2024, 4, 1)
    assert library.load_revision_record(sop.id, record.key).lifecycle.status is Status.DIGANTI
    with pytest.raises(StorageError):
        library.load_revision_record(sop.id, "../sops/x")


def test_the_same_revisi_ke_with_other_content_keeps_both_records(library):
    sop = in_force(arsip())
    library.save(sop)
    library.begin_revision(sop, DAY)
    again = in_force(library.load(sop.id))
    again.identity.revisi_ke = sop.identity.revisi_ke  # typed back by hand
    again.identity.nama = "Teks lain"
    library.save(again)
    library.begin_revision(again, DAY)
    records = library.revisions(sop.id)
    assert len(records) == 2 and records[0].key != records[1].key
    assert {library.load_revision_record(sop.id, r.key).identity.nama for r in records} == {sop.identity.nama,
                                                                                            "Teks lain"}


def make_chain(library: Library, rounds: int = 3) -> list[Sop]:
    """Revisions 0..rounds, each in force in turn; returns each revision as it was in force."""
    sop = arsip()
    sop.identity.revisi_ke = 0
    kept = []
    for number in range(rounds + 1):
        sop.identity.nama = f"Peminjaman Arsip revisi {number}"
        sop.steps[0].kegiatan = f"Langkah pertama versi {number}"
        in_force(sop, DAY + dt.timedelta(days=number))
        library.save(sop, f"Penyusun {number}")
        kept.append(sop.clone())
        if number < rounds:
            sop = library.begin_revision(sop, DAY + dt.timedelta(days=number), f"Penyusun {number}")
    return kept


def assert_chain(library: Library, sop_id: str, kept: list[Sop]) -> None:
    records = library.revisions(sop_id)
    assert [r.revisi_ke for r in records] == list(range(len(kept) - 1))
    assert [r.status for r in records] == [Status.DIGANTI] * (len(kept) - 1)
    for record, was in zip(records, kept, strict=False):
        assert not record.damaged
        old = library.load_revision_record(sop_id, record.key)
        assert old.identity.nama == was.identity.nama and old.steps[0].kegiatan == was.steps[0].kegiatan
        assert old.lifecycle.status_date == was.lifecycle.status_date + dt.timedelta(days=1)  # replaced that day
    current = library.load(sop_id)
    assert current.lifecycle.status is Status.BERLAKU and current.identity.nama == kept[-1].identity.nama


def test_a_chain_of_revisions_survives_reopen_and_a_library_move(root, tmp_path):
    with Library.open(root) as lib:
        kept = make_chain(lib)
        sop_id = kept[0].id
        assert_chain(lib, sop_id, kept)
    with Library.open(root) as lib:
        assert_chain(lib, sop_id, kept)
    target = tmp_path / "pustaka-baru"
    move_library(root, target)
    with Library.open(target) as lib:
        assert_chain(lib, sop_id, kept)
        assert lib.current_version(sop_id).saved_by == "Penyusun 3"
        assert lib.history(sop_id)[0].saved_by == "Penyusun 2"  # the draft Buat revisi saved
        # Deleting for good takes the records too.
        lib.trash(sop_id)
        lib.purge(sop_id)
        assert lib.revisions(sop_id) == [] and not (target / "revisions" / sop_id).exists()


KILL_ROUNDS = 10


def test_killing_the_app_during_buat_revisi_never_breaks_the_chain(root):
    """Each child is killed once it has begun some Buat revisi (its own reports decide when, not a clock)."""
    rng = random.Random(2012)
    drafted = -1
    for _round in range(KILL_ROUNDS):
        child = subprocess.Popen([sys.executable, str(WORKER), str(root), str(ARSIP)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = child.stdout.readline()
        if ready.strip() != "ready":
            child.kill()
            pytest.fail(f"worker did not start: {ready!r} {child.communicate()[1]}")
        wanted, begun = rng.randint(1, 3), 0
        while begun < wanted:
            line = child.stdout.readline()
            if not line:
                child.kill()
                pytest.fail(f"worker stopped on its own: {child.communicate()[1]}")
            kind, number = line.split()
            begun += kind == "begin"
            if kind == "drafted":
                drafted = max(drafted, int(number))
        child.kill()
        out, _err = child.communicate()
        for line in out.splitlines(keepends=True):
            parts = line.split() if line.endswith("\n") else []
            if len(parts) == 2 and parts[0] == "drafted":
                drafted = max(drafted, int(parts[1]))

        with Library.open(root) as lib:
            assert lib.damaged == []
            assert [p for p in root.rglob("*") if atomic.is_temp_file(p.name)] == []
            current = lib.load("berantai")
            records = lib.revisions("berantai")
            numbers = [r.revisi_ke for r in records]
            # Every Buat revisi that returned left its record; none is missing, none doubled.
            assert numbers == list(range(len(numbers))) and len(numbers) > drafted
            assert all("-" not in r.key for r in records)
            for record in records:
                assert lib.load_revision_record("berantai", record.key).identity.nama == f"revisi {record.revisi_ke}"
            # Exactly one revision in force, the newest one that was put in force.
            in_force_now = [r for r in records if r.status is Status.BERLAKU]
            if current.lifecycle.status is Status.BERLAKU:
                # Killed after keeping the record, before the draft was saved: that record is of this very
                # revision (the next Buat revisi writes it again under the same name).
                assert all(r.revisi_ke == current.identity.revisi_ke for r in in_force_now)
                assert current.identity.revisi_ke >= len(numbers) - len(in_force_now)
            else:
                assert [r.revisi_ke for r in in_force_now] == [len(numbers) - 1]
                assert current.identity.revisi_ke == len(numbers)
    assert drafted >= 1


# ---- who changed what ---------------------------------------------------------------------------------


def test_changed_fields_lists_exactly_the_fields_changed():
    old = arsip()
    new = old.clone()
    assert changed_fields(old, new) == []
    new.identity.nama = "Nama baru"
    new.identity.tanggal_efektif = dt.date(2030, 1, 1)
    new.identity.signer.nama = "Pejabat Baru"
    new.identity.dasar_hukum.append("Peraturan baru")
    rename_actor(new, new.actors[0].id, "Kasubbag Baru")
    new.actors.append(Actor("Sekretaris"))
    new.steps[1].kegiatan = "Kegiatan diubah"
    new.steps[1].waktu = Duration(2, "Jam")
    delete_steps(new, [new.steps[7].id])  # no decision points at step 8
    insert_step(new, 2, Step(kegiatan="Langkah sisipan"))
    new.page.paper = "F4"
    new.lifecycle.status = Status.BERLAKU
    old_first = old.actors[0].name
    assert changed_fields(old, new) == [
        "Tanggal Efektif", "Nama SOP", "Nama pengesah", "Dasar Hukum",
        "Pelaksana ditambahkan: \"Sekretaris\"",
        f"Pelaksana diganti nama: \"{old_first}\" menjadi \"Kasubbag Baru\"",
        "Langkah 2 diubah: kegiatan, waktu", "Langkah 3 ditambahkan", "Langkah dihapus: 8 (nomor lama)",
        "Pengaturan halaman", "Status",
    ]


def test_moved_and_removed_steps_and_actors_are_named():
    old = arsip()
    new = old.clone()
    new.steps.insert(0, new.steps.pop(2))
    new.actors.reverse()
    gone = new.actors.pop()
    for step in new.steps:
        if gone.id in step.actors:
            step.actors.remove(gone.id)
    changes = changed_fields(old, new)
    assert "Urutan langkah" in changes and "Urutan pelaksana" in changes
    assert f"Pelaksana dihapus: \"{gone.name}\"" in changes
    assert changed_fields(None, new) == ["SOP baru"]


def test_every_save_records_when_who_and_what_and_history_keeps_it(library, root):
    sop = arsip()
    library.save(sop, "  Budi   Santoso ")
    sop.identity.nomor = "B/2/2024"
    sop.steps[0].output = "Surat"
    library.save(sop, "Ani")
    sop.identity.peringatan = []
    library.save(sop, "")
    current = library.current_version(sop.id)
    assert (current.saved_by, current.changes) == ("", ("Peringatan",))
    second, first = library.history(sop.id)
    assert (first.saved_by, first.changes) == ("Budi Santoso", ("SOP baru",))
    assert (second.saved_by, second.changes) == ("Ani", ("Nomor SOP", "Langkah 1 diubah: output"))
    assert first.saved_at < second.saved_at < current.saved_at
    library.close()
    with Library.open(root) as again:
        assert [r.changes for r in again.history(sop.id)] == [second.changes, first.changes]
        restored = again.restore_revision(sop.id, first.revision_id, "Citra")
        now = again.current_version(sop.id)
        assert now.saved_by == "Citra" and now.changes[0].startswith("Versi tersimpan ")
        assert set(now.changes[1:]) == {"Nomor SOP", "Langkah 1 diubah: output", "Peringatan"}
        assert restored.identity.nomor == arsip().identity.nomor


def test_a_previous_version_that_cannot_be_read_is_said_so_in_the_change_log(library, root):
    sop = arsip()
    library.save(sop)
    (root / "sops" / f"{sop.id}.json").write_text("{ rusak", encoding="utf-8")
    library.save(sop, "Budi")
    assert "tidak dapat dibaca" in library.current_version(sop.id).changes[0]


def test_a_chain_of_revisions_travels_in_an_exported_json_file(root, tmp_path):
    from sopdesk.interchange import dumps, read_sop_json

    with Library.open(root) as lib:
        kept = make_chain(lib, rounds=2)
        sop_id = kept[0].id
        data = sop_to_native(lib.load(sop_id))
        data["revisions"] = lib.export_revisions(sop_id)
    exported = tmp_path / "ekspor.json"
    exported.write_text(dumps(data), encoding="utf-8")
    data["revisions"].append({"format": "sopdesk/1", "identity": "rusak"})
    with Library.open(tmp_path / "lain") as other:
        sop = read_sop_json(exported)
        assert other.stage_revisions(sop.id, data) == (2, 1)
        assert other.revisions(sop.id) == []  # nothing is written before the import is saved
        other.save(sop)
        assert_chain(other, sop_id, kept)
        # Recorded when Buat revisi ran in the first library, not when it was imported.
        assert [r.recorded_at for r in other.revisions(sop_id)] == [d["recorded_at"] for d in data["revisions"][:2]]
    with Library.open(tmp_path / "lain") as other:
        assert_chain(other, sop_id, kept)


def test_the_change_log_compares_with_the_file_when_it_was_changed_by_hand(library, root):
    sop = arsip()
    library.save(sop)
    path = root / "sops" / f"{sop.id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["identity"]["nama"] = "Diubah di luar SOP Desk"
    path.write_text(json.dumps(data), encoding="utf-8")
    sop.identity.nomor = "C/3"
    library.save(sop)
    assert library.current_version(sop.id).changes == ("Nomor SOP", "Nama SOP")


def test_start_revision_leaves_the_revision_in_force_untouched():
    sop = in_force(arsip())
    sop.identity.revisi_ke = None
    sop.identity.date_texts["tanggal_revisi"] = "akan ditinjau"
    sop.lifecycle.review_on_tanggal_revisi = True
    before = sop.clone()
    draft = start_revision(sop, dt.date(2025, 7, 1))
    assert sop == before
    assert draft.identity.revisi_ke == 1 and draft.identity.tanggal_revisi == dt.date(2025, 7, 1)
    assert "tanggal_revisi" not in draft.identity.date_texts and not draft.lifecycle.review_on_tanggal_revisi
    assert draft.steps == sop.steps and draft.identity.nama == sop.identity.nama


def test_a_duplicate_of_an_sop_in_force_starts_as_a_draf_without_its_records(library):
    sop = in_force(arsip())
    sop.lifecycle.review_months = 6
    library.save(sop)
    library.begin_revision(sop, DAY)
    twin = library.duplicate(sop.id)
    assert twin.lifecycle.status is Status.DRAF and twin.lifecycle.status_date is None
    assert twin.lifecycle.review_months == 6  # the review plan is content, and stays
    library.save(twin)
    assert library.revisions(twin.id) == [] and len(library.revisions(sop.id)) == 1


def test_links_between_sops_are_named_in_the_change_log():
    from sopdesk.model import SopLink

    old = arsip()
    new = old.clone()
    new.identity.keterkaitan_links[new.identity.keterkaitan[0]] = SopLink("lain", "B/1", "SOP lain")
    new.steps[2].keterangan_link = SopLink("mikro", "B/2", "SOP Mikro")
    assert changed_fields(old, new) == ["Tautan Keterkaitan", "Langkah 3 diubah: tautan keterangan"]
