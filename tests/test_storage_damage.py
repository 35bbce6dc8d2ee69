"""The library in damaged states: a deleted lock, a full disk, odd files, a broken catalogue, untypable text."""
from __future__ import annotations

import errno
import json
import os
import threading
from pathlib import Path

import pytest

from sopdesk import atomic
from sopdesk.model import Sop
from sopdesk.storage import (
    CATALOG_NAME,
    LOCK_NAME,
    MAX_SOP_BYTES,
    Library,
    LibraryReadOnly,
    StorageError,
)

from sopdesk.sync.history import commit_of_revision, version_at

from .history_helpers import arsip, legacy_library

POSIX = os.name == "posix"


@pytest.fixture
def root(tmp_path) -> Path:
    return tmp_path / "pustaka"


def saved_library(root: Path, *names: str) -> list[Sop]:
    sops = [arsip(nama) for nama in names]
    with Library.open(root) as lib:
        for sop in sops:
            lib.save(sop)
    return sops


# ---- 1. the lock cannot be bypassed by deleting its file ------------------------------------------------


@pytest.mark.skipif(not POSIX, reason="Windows refuses to delete a lock file that is held open")
def test_a_deleted_lock_file_does_not_let_two_copies_write(root):
    first = Library.open(root)
    second = None
    try:
        first.save(arsip("Sebelum"))
        (root / LOCK_NAME).unlink()
        second = Library.open(root)
        assert not second.read_only  # the new lock file is free, so the new copy holds it
        lost = arsip("Dari jendela pertama")
        with pytest.raises(LibraryReadOnly, match="kunci") as raised:
            first.save(lost)
        assert "jendela SOP Desk lain" in str(raised.value)
        assert first.read_only and "kunci" in first.read_only_reason
        assert not (root / "sops" / f"{lost.id}.json").exists()
        for write in (lambda: first.write_recovery(arsip()), lambda: first.trash(lost.id)):
            with pytest.raises(LibraryReadOnly):
                write()
        second.save(arsip("Dari jendela kedua"))
        first.close()  # must leave the second copy's lock alone
        with Library.open(root) as third:
            assert third.read_only
    finally:
        first.close()
        if second is not None:
            second.close()
    with Library.open(root) as again:
        assert sorted(e.nama for e in again.entries()) == ["Dari jendela kedua", "Sebelum"]


@pytest.mark.skipif(not POSIX, reason="Windows refuses to delete a lock file that is held open")
def test_a_deleted_lock_file_is_taken_again_when_no_other_copy_holds_it(root):
    with Library.open(root) as lib:
        lib.save(arsip("Pertama"))
        (root / LOCK_NAME).unlink()
        lib.save(arsip("Kedua"))
        assert not lib.read_only and (root / LOCK_NAME).exists()
        with Library.open(root) as other:
            assert other.read_only


# ---- 2. a full disk at start -----------------------------------------------------------------------------


def full_disk(monkeypatch) -> None:
    """Every write and every new file fails with ENOSPC, as on a disk with no byte left."""
    real_open = os.open

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    def open_(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and not os.path.exists(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "write", no_space)
    monkeypatch.setattr(os, "open", open_)


def test_a_full_disk_at_start_still_opens_the_library_and_says_why(root, monkeypatch):
    saved_library(root, "Satu", "Dua")
    (root / CATALOG_NAME).unlink()  # the start has to write a fresh catalogue, and cannot
    with monkeypatch.context() as patch:
        full_disk(patch)
        lib = Library.open(root)
        try:
            assert sorted(e.nama for e in lib.entries()) == ["Dua", "Satu"]
            assert lib.load(lib.entries()[0].id).identity.nama
            assert any("disk penuh" in note for note in lib.notes)
            with pytest.raises(StorageError, match="disk penuh"):
                lib.save(arsip("Tidak muat"))
        finally:
            lib.close()  # the catalogue cannot be written: close still ends cleanly
    with Library.open(root) as lib:  # space freed
        assert lib.notes == [] and not lib.read_only
        lib.save(arsip("Tiga"))
        assert len(lib.entries()) == 3


def test_a_full_disk_with_no_lock_file_opens_read_only_and_says_why(root, monkeypatch):
    saved_library(root, "Satu")
    (root / LOCK_NAME).unlink(missing_ok=True)
    with monkeypatch.context() as patch:
        full_disk(patch)
        with Library.open(root) as lib:
            assert lib.read_only
            assert "disk penuh" in lib.read_only_reason
            assert [e.nama for e in lib.entries()] == ["Satu"]
            with pytest.raises(LibraryReadOnly, match="disk penuh"):
                lib.save(arsip())


# ---- 3. only regular files of bounded size are read -------------------------------------------------------


def open_in_thread(root: Path) -> dict:
    """Library.open in a thread, so a FIFO that blocks it cannot hang the whole test run."""
    result: dict = {}

    def run():
        try:
            result["library"] = Library.open(root)
        except BaseException as exc:  # noqa: BLE001 - handed to the test to fail on
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)  # a generous bound on a hang, not a speed goal
    result["blocked"] = thread.is_alive()
    return result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("place", ["sops", "trash", "recovery", "history", "catalog"])
def test_a_fifo_in_the_library_is_skipped_and_reported(root, place):
    (sop,) = saved_library(root, "Baik")
    folder = root / "history" / sop.id if place == "history" else root / place
    folder.mkdir(parents=True, exist_ok=True)
    fifo = root / CATALOG_NAME if place == "catalog" else folder / "pipa.json"
    if place == "catalog":
        fifo.unlink()
    os.mkfifo(fifo)
    result = open_in_thread(root)
    if result["blocked"]:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # let the stuck thread go
        pytest.fail("a FIFO blocked Library.open")
    assert "error" not in result, result.get("error")
    lib = result["library"]
    try:
        assert [e.nama for e in lib.entries()] == ["Baik"]
        lib.history(sop.id)
        lib.list_recovery()
        if place in ("sops", "trash", "recovery"):
            assert [p for p, _m in lib.damaged] == [fifo]
            assert "bukan berkas biasa" in lib.damaged[0][1]
        if place == "catalog":
            assert any("katalog" in note.lower() for note in lib.notes)
        if place == "history":
            assert [r.damaged != "" for r in lib.history(sop.id)] == [True]
    finally:
        lib.close()


@pytest.mark.skipif(not POSIX, reason="needs /dev/null and /dev/zero")
@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_symlink_to_a_device_is_skipped_and_reported(root, device):
    saved_library(root, "Baik")
    link = root / "sops" / "perangkat.json"
    link.symlink_to(device)
    with Library.open(root) as lib:
        assert [e.nama for e in lib.entries()] == ["Baik"]
        assert [p for p, _m in lib.damaged] == [link]
        assert "bukan berkas biasa" in lib.damaged[0][1]


def test_a_symlink_to_a_regular_sop_file_is_read(root, tmp_path):
    (sop,) = saved_library(root, "Lewat tautan")
    outside = tmp_path / "di-luar.json"
    os.replace(root / "sops" / f"{sop.id}.json", outside)
    try:
        (root / "sops" / f"{sop.id}.json").symlink_to(outside)
    except OSError:
        pytest.skip("this system does not let us make symlinks")
    with Library.open(root) as lib:
        assert [e.nama for e in lib.entries()] == ["Lewat tautan"] and lib.damaged == []


def test_an_oversized_sop_file_is_skipped_and_reported(root):
    saved_library(root, "Baik")
    big = root / "sops" / "raksasa.json"
    with open(big, "wb") as stream:
        stream.truncate(MAX_SOP_BYTES + 1)  # sparse: no real disk space used
    with Library.open(root) as lib:
        assert [e.nama for e in lib.entries()] == ["Baik"]
        assert [p for p, _m in lib.damaged] == [big]
        assert "50 MB" in lib.damaged[0][1]
    assert big.stat().st_size == MAX_SOP_BYTES + 1  # left as it was


def test_a_folder_named_like_an_sop_file_is_reported(root):
    saved_library(root, "Baik")
    (root / "sops" / "folder.json").mkdir()
    with Library.open(root) as lib:
        assert [e.nama for e in lib.entries()] == ["Baik"]
        assert [p for p, _m in lib.damaged] == [root / "sops" / "folder.json"]


# ---- 4. a catalogue that is no file, or too deep to parse -------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("kind", ["folder", "deep", "odd-doc-ids"])
def test_a_catalogue_that_cannot_be_read_is_rebuilt_with_a_note(root, kind):
    saved_library(root, "Satu", "Dua")
    catalog = root / CATALOG_NAME
    catalog.unlink()
    if kind == "folder":
        catalog.mkdir()
        (catalog / "isi.txt").write_text("milik pengguna", encoding="utf-8")
    elif kind == "deep":
        catalog.write_text(DEEP, encoding="utf-8")
    else:
        catalog.write_text(json.dumps({"sops": {"bukan-angka": {"id": "x"}}}), encoding="utf-8")
    with Library.open(root) as lib:
        assert sorted(e.nama for e in lib.entries()) == ["Dua", "Satu"]
        assert any("katalog" in note.lower() for note in lib.notes)
    with Library.open(root) as lib:
        assert sorted(e.nama for e in lib.entries()) == ["Dua", "Satu"]
    if kind == "folder":
        (kept,) = root.glob(f"{CATALOG_NAME}.rusak-*")
        assert (kept / "isi.txt").read_text(encoding="utf-8") == "milik pengguna"


def test_a_deeply_nested_sop_file_is_reported_and_saving_over_it_keeps_its_bytes(root):
    (sop,) = saved_library(root, "Dalam")
    path = root / "sops" / f"{sop.id}.json"
    path.write_text(DEEP, encoding="utf-8")
    with Library.open(root) as lib:
        assert [p for p, _m in lib.damaged] == [path]
        sop.identity.nama = "Disimpan ulang"
        lib.save(sop)
        assert lib.load(sop.id).identity.nama == "Disimpan ulang"
        # The file changed by hand was committed at open: Riwayat versi lists it as damaged, its bytes kept.
        (damaged,) = [r for r in lib.history(sop.id) if r.damaged]
        with pytest.raises(StorageError, match="rusak"):
            lib.load_revision(sop.id, damaged.revision_id)
        commit = commit_of_revision(damaged.revision_id)
        assert commit is not None
        _version, raw = version_at(lib.repo, commit, sop.id)
    assert raw.decode("utf-8") == DEEP


# ---- 5. text that UTF-8 cannot hold ------------------------------------------------------------------------


def test_a_lone_surrogate_is_cleaned_on_save_and_recovery_and_reported(root):
    sop = arsip("Nama \ud800 rusak")
    sop.steps[1].kegiatan = "Kegiatan\udfff"
    with Library.open(root) as lib:
        entry = lib.save(sop)
        assert entry.nama == "Nama \ufffd rusak"
        assert any("nama" in field for field in entry.cleaned)
        assert any("Langkah 2" in field and "kegiatan" in field for field in entry.cleaned)
        cleaned = lib.write_recovery(sop)
        assert any("nama" in field for field in cleaned)
        assert [s.identity.nama for s in lib.list_recovery()] == ["Nama \ufffd rusak"]
    with Library.open(root) as lib:
        again = lib.load(sop.id)
        assert again.identity.nama == "Nama \ufffd rusak" and again.steps[1].kegiatan == "Kegiatan\ufffd"
        assert [e.nama for e in lib.entries()] == ["Nama \ufffd rusak"]


def test_a_clean_save_reports_nothing_cleaned(root):
    with Library.open(root) as lib:
        assert lib.save(arsip()).cleaned == ()


# ---- 6. damaged recovery copies and history versions are listed, never dropped -------------------------


def test_a_damaged_recovery_copy_is_reported_at_start_and_kept(root):
    (sop,) = saved_library(root, "Baik")
    broken = root / "recovery" / f"{sop.id}.json"
    broken.write_bytes(b'{"schema_version": 1, "identity": {')
    with Library.open(root) as lib:
        assert [p for p, _m in lib.damaged] == [broken]
        message = lib.damaged[0][1]
        assert "pemulihan" in message and str(broken) in message
        assert lib.list_recovery() == []
        lib.write_recovery(sop)  # a new copy for the same SOP must not overwrite the damaged one
        lib.discard_recovery(sop.id)
    kept = [p for p in (root / "recovery").iterdir() if p.read_bytes() == b'{"schema_version": 1, "identity": {']
    assert len(kept) == 1 and kept[0].name in message


def test_a_damaged_history_version_is_listed_not_dropped(root):
    sop = arsip("Versi satu")
    versions = []
    for nama in ("Versi satu", "Versi dua", "Versi tiga"):
        sop.identity.nama = nama
        versions.append((sop.clone(), ""))
    legacy_library(root, versions)  # the versions in history/, as before the repository
    with Library.open(root) as lib:
        (older, oldest) = lib.history(sop.id)
        path = root / "history" / sop.id / f"{oldest.revision_id}.json"
        path.write_bytes(b"\x00rusak")
        listed = lib.history(sop.id)
        assert [r.revision_id for r in listed] == [older.revision_id, oldest.revision_id]
        assert listed[0].damaged == "" and listed[0].nama == "Versi dua"
        assert "versi rusak, tidak dapat dibuka" in listed[1].nama
        assert listed[1].damaged and str(path) in listed[1].damaged
        with pytest.raises(StorageError, match="rusak"):
            lib.restore_revision(sop.id, oldest.revision_id)
    assert path.read_bytes() == b"\x00rusak"


def test_temp_files_never_count_as_damaged(root):
    (sop,) = saved_library(root, "Baik")
    for folder in (root / "sops", root / "recovery", root / "history" / sop.id):
        folder.mkdir(parents=True, exist_ok=True)
        atomic.temp_path_for(folder / "x.json").write_bytes(b"{")
    with Library.open(root) as lib:
        assert lib.damaged == [] and lib.history(sop.id) == []
