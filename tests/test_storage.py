"""The SOP library: round trips, history, Sampah, crashes mid-save, a second window, recovery and damaged files."""
from __future__ import annotations

import errno
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdesk import atomic
from sopdesk.interchange import read_sop_json, sop_from_fixture, sop_to_native
from sopdesk.model import LIST_BOXES, Sop
from sopdesk.storage import (
    CATALOG_NAME,
    SESSION_MARKER,
    CatalogEntry,
    Library,
    LibraryReadOnly,
    StorageError,
    default_library_dir,
    file_stem,
    filter_entries,
    move_library,
)

from .conftest import FIXTURES_DIR, ROOT, load_fixture
from .history_helpers import commits_fail, legacy_library, snapshot_matches_files

WORKER = Path(__file__).with_name("storage_worker.py")
ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"


def arsip(nama: str = "") -> Sop:
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    if nama:
        sop.identity.nama = nama
    return sop


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if atomic.is_temp_file(p.name)]


def run_worker(mode: str, root: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), mode, str(root), str(ARSIP)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


# ---- the basics a user relies on ---------------------------------------------------------------


def test_every_fixture_comes_back_unchanged_after_save_and_reopen(fixture_path, root):
    sop = read_sop_json(fixture_path)
    with Library.open(root) as lib:
        entry = lib.save(sop)
    assert entry.id == sop.id and entry.nomor == sop.identity.nomor and entry.nama == sop.identity.nama
    with Library.open(root) as lib:
        assert [e.id for e in lib.entries()] == [sop.id]
        assert sop_to_native(lib.load(sop.id)) == sop_to_native(sop)


def test_catalogue_shows_nomor_nama_and_the_last_unit_line(library):
    sop = arsip()
    library.save(sop)
    (entry,) = library.entries()
    assert (entry.nomor, entry.nama, entry.unit) == (sop.identity.nomor, sop.identity.nama, sop.identity.unit_lines[-1])
    sop.identity.unit_lines = []
    library.save(sop)
    assert library.entries()[0].unit == sop.identity.instansi


def test_each_save_keeps_the_previous_version_and_restoring_brings_it_back(library):
    sop = arsip("Versi satu")
    library.save(sop)
    first = sop_to_native(sop)
    sop.identity.nama = "Versi dua"
    sop.steps.pop()
    library.save(sop)
    sop.identity.nama = "Versi tiga"
    library.save(sop)

    revisions = library.history(sop.id)
    assert [r.nama for r in revisions] == ["Versi dua", "Versi satu"]  # newest first
    assert revisions[0].saved_at > revisions[1].saved_at
    assert sop_to_native(library.load_revision(sop.id, revisions[1].revision_id)) == first

    restored = library.restore_revision(sop.id, revisions[1].revision_id)
    assert sop_to_native(restored) == first
    assert sop_to_native(library.load(sop.id)) == first
    assert library.entries()[0].nama == "Versi satu"
    # The version that was replaced by the restore is itself kept.
    assert [r.nama for r in library.history(sop.id)] == ["Versi tiga", "Versi dua", "Versi satu"]


def test_trash_restore_and_purge(library, root):
    keep, gone = arsip("Tetap"), arsip("Dibuang")
    library.save(keep)
    library.save(gone)
    gone.identity.nama = "Dibuang (revisi)"
    library.save(gone)

    library.trash(gone.id)
    assert [e.id for e in library.entries()] == [keep.id]
    assert [e.nama for e in library.list_trash()] == ["Dibuang (revisi)"]

    library.restore(gone.id)
    assert {e.id for e in library.entries()} == {keep.id, gone.id}
    assert library.list_trash() == []

    with pytest.raises(StorageError, match="Sampah"):
        library.purge(gone.id)  # only from the Sampah
    library.trash(gone.id)
    library.purge(gone.id)
    assert library.list_trash() == [] and [e.id for e in library.entries()] == [keep.id]
    assert library.history(gone.id) == []
    with pytest.raises(StorageError):
        library.load(gone.id)
    library.close()
    with Library.open(root) as again:
        assert [e.id for e in again.entries()] == [keep.id] and again.list_trash() == []


def test_saving_an_sop_that_was_trashed_meanwhile_takes_it_out_of_the_sampah(library):
    sop = arsip("Masih dibuka")
    library.save(sop)
    library.trash(sop.id)
    sop.identity.nama = "Masih dibuka, disimpan lagi"
    library.save(sop)
    assert library.list_trash() == []
    assert library.entries()[0].nama == "Masih dibuka, disimpan lagi"
    assert [r.nama for r in library.history(sop.id)] == ["Masih dibuka"]


def test_duplicate_is_an_unsaved_copy_with_a_new_id(library):
    sop = arsip()
    library.save(sop)
    twin = library.duplicate(sop.id)
    assert twin.id != sop.id
    assert twin.identity.nama == "Salinan " + sop.identity.nama
    assert [s.kegiatan for s in twin.steps] == [s.kegiatan for s in sop.steps]
    assert len(library.entries()) == 1
    library.save(twin)
    assert len(library.entries()) == 2
    assert library.load(sop.id).identity.nama == sop.identity.nama


def test_an_id_that_is_no_safe_file_name_still_saves_and_loads(library, root):
    sop = arsip()
    sop.id = "../Bukan Nama/Berkas:CON"
    library.save(sop)
    assert [e.id for e in library.entries()] == [sop.id]
    assert library.load(sop.id).id == sop.id
    assert [p.parent for p in root.rglob("*.json") if p.parent.name == "sops"] == [root / "sops"]
    assert file_stem("con") != "con" and file_stem("abc123") == "abc123"


def test_filter_entries_needs_every_word_in_nomor_nama_or_unit_ignoring_case():
    entries = [
        CatalogEntry("1", "OT.01/001", "Peminjaman Arsip Inaktif", "Biro Umum", "2024-01-01T00:00:00+00:00"),
        CatalogEntry("2", "KP.02/017", "Penyusunan Penetapan Kinerja", "Biro Perencanaan", "2024-01-02T00:00:00+00:00"),
        CatalogEntry("3", "KU.03/002", "Usulan RKT", "Biro Umum", "2024-01-03T00:00:00+00:00"),
    ]
    assert [e.id for e in filter_entries(entries, "arsip")] == ["1"]
    assert [e.id for e in filter_entries(entries, "BIRO umum")] == ["1", "3"]
    assert [e.id for e in filter_entries(entries, "umum rkt")] == ["3"]
    assert [e.id for e in filter_entries(entries, "kp.02 kinerja")] == ["2"]
    assert [e.id for e in filter_entries(entries, "pen")] == ["2"]
    assert filter_entries(entries, "arsip rkt") == []
    assert filter_entries(entries, "  ") == entries


def test_the_catalogue_is_written_on_flush_not_on_every_save(library, root):
    library.save(arsip())
    library.flush()
    catalog = root / CATALOG_NAME
    before = catalog.read_bytes()
    sop = arsip("Baru")
    library.save(sop)
    assert catalog.read_bytes() == before
    library.flush()
    assert sop.id in catalog.read_text(encoding="utf-8")


def test_default_library_dir_is_the_users_data_folder():
    path = default_library_dir()
    assert path.name == "pustaka" and "SOP Desk" in str(path)


# ---- crashes --------------------------------------------------------------------------------


KILL_ROUNDS = 32


def test_killing_the_app_mid_save_never_loses_a_saved_sop(root):
    """Each child is killed once it has reported some finished saves and the start of another.

    No clock decides when: the child's own reports do, so a busy machine only changes where in
    that save (or in a later one) the kill lands, never whether the children really were saving.
    """
    rng = random.Random(35_2012)
    saved: dict[str, int] = {}
    temps_found_after_kill = 0
    for _round in range(KILL_ROUNDS):
        child = run_worker("save-loop", root)
        ready = child.stdout.readline()
        if ready.strip() != "ready":
            child.kill()
            pytest.fail(f"worker did not start: {ready!r} {child.communicate()[1]}")
        wanted, finished = rng.randint(1, 6), 0
        while True:
            line = child.stdout.readline()
            if not line:
                child.kill()
                pytest.fail(f"worker stopped on its own: {child.communicate()[1]}")
            kind, sop_id, version = line.split()
            if kind == "saved":
                finished += 1
                saved[sop_id] = max(saved.get(sop_id, 0), int(version))
            elif finished >= wanted:
                break  # a save has begun: kill it somewhere in its course
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        out, _err = child.communicate()
        for line in out.splitlines(keepends=True):
            kind, sop_id, version = line.split() if line.endswith("\n") else ("cut", "", "")
            if kind == "saved":  # a line the child finished printing: that save had returned
                saved[sop_id] = max(saved.get(sop_id, 0), int(version))
        temps_found_after_kill += bool(temp_files(root))

        with Library.open(root) as lib:
            assert not lib.read_only
            assert temp_files(root) == []
            assert lib.damaged == []
            for path in root.rglob("*.json"):
                json.loads(path.read_text(encoding="utf-8"))
            for sop_id, version in saved.items():
                assert lib.load(sop_id).identity.revisi_ke >= version, (sop_id, version)
            shown = {e.id: e for e in lib.entries()}
            assert set(saved) <= set(shown)
            for sop_id, entry in shown.items():
                assert entry.nama == lib.load(sop_id).identity.nama
                # Riwayat versi still reads the repository, wherever in a commit the kill landed.
                assert all(not r.damaged for r in lib.history(sop_id))
        # The open after the kill caught up: the repository's head holds every file as it is.
        assert snapshot_matches_files(root)
    print(f"{temps_found_after_kill} of {KILL_ROUNDS} kills left a temp file behind, all cleaned at open")


def test_saves_survive_a_crash_before_the_catalogue_is_flushed(root):
    child = run_worker("save-exit", root)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0 and out.strip() == "saved", err
    with Library.open(root) as lib:
        assert sorted(e.nama for e in lib.entries()) == ["SOP tanpa flush 0", "SOP tanpa flush 1"]
        assert [e.nama for e in lib.list_trash()] == ["SOP tanpa flush 2"]
        assert [s.identity.nama for s in lib.list_recovery()] == ["SOP tanpa flush 2"]


@pytest.mark.parametrize("ending", ["killed", "closed"])
def test_a_second_copy_opens_read_only_until_the_first_one_ends(root, ending):
    holder = run_worker("hold", root, stdin=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "ready False"
        with Library.open(root) as second:
            assert second.read_only
            assert [e.id for e in second.entries()] == ["dipegang"]
            assert second.load("dipegang").identity.nama
            with pytest.raises(LibraryReadOnly, match="jendela SOP Desk lain") as raised:
                second.save(arsip())
            assert "ekspor" in str(raised.value)
            for write in (lambda: second.trash("dipegang"), lambda: second.write_recovery(arsip()),
                          lambda: second.restore_revision("dipegang", "20240101T000000000000Z")):
                with pytest.raises(LibraryReadOnly):
                    write()
    finally:
        if ending == "killed":
            holder.kill()
        holder.communicate(timeout=30)
    with Library.open(root) as again:
        assert not again.read_only
        again.save(arsip())
        assert len(again.entries()) == 2


def test_the_same_folder_opened_twice_in_one_process_is_read_only_the_second_time(library, root):
    with Library.open(root) as second:
        assert second.read_only


# ---- recovery copies ---------------------------------------------------------------------------


def test_recovery_copies_are_written_listed_and_discarded(library, root):
    first, second = arsip("Belum disimpan"), arsip("Juga belum")
    library.write_recovery(first)
    library.write_recovery(second)
    (root / "recovery" / "rusak.json").write_text("{ bukan json", encoding="utf-8")
    listed = {sop.id: sop for sop in library.list_recovery()}
    assert set(listed) == {first.id, second.id}
    assert sop_to_native(listed[first.id]) == sop_to_native(first)
    library.discard_recovery(first.id)
    assert [s.id for s in library.list_recovery()] == [second.id]
    library.discard_recovery(first.id)  # discarding twice is harmless


# ---- failures ------------------------------------------------------------------------------------


def fail_writes_after(monkeypatch, good_calls: int, error: OSError) -> None:
    """os.write succeeds `good_calls` times (the first failing call writes half its bytes), then raises."""
    real_write = os.write
    calls = {"n": 0}

    def write(fd, data):
        calls["n"] += 1
        if calls["n"] <= good_calls:
            return real_write(fd, data)
        if calls["n"] == good_calls + 1 and len(data) > 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise error

    monkeypatch.setattr(os, "write", write)


@pytest.mark.parametrize("committed, good_calls", [(True, 0), (False, 0), (False, 1)],
                         ids=["new-version-fails", "history-copy-fails", "new-version-fails-after-history-copy"])
def test_a_full_disk_keeps_the_previous_version_and_leaves_no_temp_file(library, root, monkeypatch, committed,
                                                                         good_calls):
    sop = arsip("Versi tersimpan")
    if committed:
        library.save(sop)  # the repository holds this version: nothing is copied to history/ first
    else:
        with commits_fail():
            library.save(sop)  # not in the repository: the next save copies it to history/ before writing
    sop.identity.nama = "Versi yang gagal"
    with monkeypatch.context() as patch:
        fail_writes_after(patch, good_calls, OSError(errno.ENOSPC, "No space left on device"))
        with pytest.raises(StorageError) as raised:
            library.save(sop)
    message = str(raised.value)
    assert "disk penuh" in message and str(root) in message
    assert library.load(sop.id).identity.nama == "Versi tersimpan"
    assert library.entries()[0].nama == "Versi tersimpan"
    assert temp_files(root) == []
    library.save(sop)  # space freed: the same save now works
    assert library.load(sop.id).identity.nama == "Versi yang gagal"
    assert [r.nama for r in library.history(sop.id)] == ["Versi tersimpan"]


def test_a_new_sop_that_cannot_be_written_is_not_listed(library, root, monkeypatch):
    with monkeypatch.context() as patch:
        fail_writes_after(patch, 0, OSError(errno.ENOSPC, "No space left on device"))
        with pytest.raises(StorageError, match="disk penuh"):
            library.save(arsip())
    assert library.entries() == [] and temp_files(root) == []
    assert list((root / "sops").iterdir()) == []


def test_permission_denied_names_the_file_and_keeps_the_old_version(library, root, monkeypatch):
    sop = arsip("Versi tersimpan")
    library.save(sop)
    sop.identity.nama = "Tidak boleh ditulis"

    def refuse(source, target):
        raise PermissionError(errno.EACCES, "Permission denied", str(target))

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", refuse)
        with pytest.raises(StorageError) as raised:
            library.save(sop)
    assert "akses ditolak" in str(raised.value) and str(root) in str(raised.value)
    assert library.load(sop.id).identity.nama == "Versi tersimpan"
    assert temp_files(root) == []


@pytest.mark.parametrize("garbage", [b'{"sops": {"1": {"id": "pot', b"[1, 2, 3]", b"\xff\xfe\x00"])
def test_a_damaged_catalogue_is_rebuilt_from_the_sop_files_and_kept_aside(root, garbage):
    names = ["Satu", "Dua", "Tiga"]
    with Library.open(root) as lib:
        for nama in names:
            lib.save(arsip(nama))
        lib.trash(lib.entries()[0].id)
    (root / CATALOG_NAME).write_bytes(garbage)
    with Library.open(root) as lib:
        assert sorted(e.nama for e in lib.entries()) == ["Dua", "Satu"]
        assert [e.nama for e in lib.list_trash()] == ["Tiga"]
        assert lib.damaged == []
    (kept,) = root.glob(f"{CATALOG_NAME}.rusak-*")
    assert kept.read_bytes() == garbage
    json.loads((root / CATALOG_NAME).read_text(encoding="utf-8"))


def test_a_damaged_sop_file_is_skipped_and_reported(root):
    with Library.open(root) as lib:
        good, bad = arsip("Baik"), arsip("Rusak")
        lib.save(good)
        lib.save(bad)
    bad_path = root / "sops" / f"{bad.id}.json"
    bad_path.write_bytes(bad_path.read_bytes()[:500])
    with Library.open(root) as lib:
        assert [e.nama for e in lib.entries()] == ["Baik"]
        assert [path for path, _message in lib.damaged] == [bad_path]
        assert "rusak" in lib.damaged[0][1] and str(bad_path) in lib.damaged[0][1]
        with pytest.raises(StorageError, match="rusak"):
            lib.load(bad.id)
        bad.identity.nama = "Rusak, disimpan ulang"
        lib.save(bad)  # saving again over a damaged file works, and keeps its bytes in history
        assert {e.nama for e in lib.entries()} == {"Baik", "Rusak, disimpan ulang"}
    assert bad_path.read_bytes() != b""


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _slots(node, found):
    """Every (container, key) in a JSON tree, so any value in it can be swapped."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append((node, key))
        _slots(child, found)
    return found


def small_sop() -> Sop:
    """Every kind of field, but few of each, so a random pick lands on each kind often."""
    sop = arsip()
    sop.steps, sop.actors = sop.steps[:3], sop.actors[:2]
    for box in LIST_BOXES:
        setattr(sop.identity, box, getattr(sop.identity, box)[:1])
    return sop


@settings(max_examples=100, deadline=None)
@given(where=st.integers(min_value=0), value=JSON_VALUES)
def test_a_mangled_sop_file_never_stops_the_library_from_opening(where, value):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sop = small_sop()
        with Library.open(root) as lib:
            lib.save(sop)
        path = root / "sops" / f"{sop.id}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        slots = _slots(data, [])
        container, key = slots[where % len(slots)]
        container[key] = value
        path.write_text(json.dumps(data), encoding="utf-8")
        with Library.open(root) as lib:
            listed = [e.id for e in lib.entries()]
            assert listed == [sop.id] or [p for p, _ in lib.damaged] == [path]
            if listed:
                lib.load(sop.id)


def test_files_changed_or_removed_by_hand_are_picked_up_at_open(root):
    with Library.open(root) as lib:
        edited, removed = arsip("Asli"), arsip("Dihapus")
        lib.save(edited)
        lib.save(removed)
    path = root / "sops" / f"{edited.id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["identity"]["nama"] = "Diubah di luar aplikasi, lebih panjang"
    path.write_text(json.dumps(data), encoding="utf-8")
    (root / "sops" / f"{removed.id}.json").unlink()
    with Library.open(root) as lib:
        assert [e.nama for e in lib.entries()] == ["Diubah di luar aplikasi, lebih panjang"]


def test_stale_temp_files_are_removed_at_open_and_nothing_else(root):
    sop = arsip()
    legacy_library(root, [(sop, ""), (sop, "")])  # history/ as a library from before the repository has it
    with Library.open(root) as lib:
        lib.save(sop)
    (history_dir,) = (root / "history").iterdir()
    stale = [atomic.temp_path_for(root / "sops" / "x.json"), atomic.temp_path_for(history_dir / "y.json"),
             atomic.temp_path_for(root / CATALOG_NAME)]
    for path in stale:
        path.write_bytes(b"{setengah")
    (root / SESSION_MARKER).write_text("4242", encoding="utf-8")  # that session crashed
    mine = root / "sops" / ".catatan-saya.txt"
    mine.write_text("milik pengguna", encoding="utf-8")
    with Library.open(root) as lib:
        assert temp_files(root) == []
        assert mine.exists() and len(lib.entries()) == 1


def test_a_read_only_window_never_cleans_or_rewrites_anything(library, root):
    library.save(arsip())
    stale = atomic.temp_path_for(root / "sops" / "z.json")
    stale.write_bytes(b"{")  # could be the writer's save in progress
    with Library.open(root) as second:
        assert second.read_only
    assert stale.exists()


# ---- moving a library ----------------------------------------------------------------------------


def test_move_library_copies_everything_and_refuses_a_non_empty_folder(root, tmp_path):
    with Library.open(root) as lib:
        sop = arsip("Pindah")
        lib.save(sop)
        sop.identity.nama = "Pindah (revisi)"
        lib.save(sop)
        lib.write_recovery(sop)
    full = tmp_path / "berisi"
    full.mkdir()
    (full / "dokumen.txt").write_text("jangan ditimpa", encoding="utf-8")
    with pytest.raises(StorageError, match="tidak kosong"):
        move_library(root, full)
    assert (full / "dokumen.txt").read_text(encoding="utf-8") == "jangan ditimpa"

    target = tmp_path / "baru" / "pustaka"
    move_library(root, target)
    with Library.open(target) as moved:
        assert [e.nama for e in moved.entries()] == ["Pindah (revisi)"]
        assert [r.nama for r in moved.history(sop.id)] == ["Pindah"]
        assert [s.id for s in moved.list_recovery()] == [sop.id]
    assert (root / "sops" / f"{sop.id}.json").exists()  # the source is left for the user to delete


def test_move_library_refuses_while_another_window_holds_it(library, root, tmp_path):
    with pytest.raises(StorageError, match="jendela SOP Desk lain"):
        move_library(root, tmp_path / "tujuan")
    assert not (tmp_path / "tujuan").exists()
