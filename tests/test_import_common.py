"""What the Word, Excel and any-kind imports share: a file that cannot be read is one sentence naming it and the
program that may be holding it, never a raw system message."""
from __future__ import annotations

import pytest

from sopdesk import importers
from sopdesk.importers import common, import_any
from sopdesk.importers.docx import import_docx
from sopdesk.importers.xlsx import import_xlsx
from sopdesk.interchange import InterchangeError

OLE = common.OLE_MAGIC


def _refusal(reader, path) -> str:
    with pytest.raises(InterchangeError) as caught:
        reader(path)
    message = str(caught.value)
    assert "\n" not in message and "Error" not in message and "Traceback" not in message
    return message


def _failing_read(error: OSError):
    def read(path, limit):
        raise error
    return read


@pytest.mark.parametrize("reader, program", [(import_docx, "Word"), (import_xlsx, "Excel")])
def test_a_file_held_by_another_program_names_the_file_and_its_program(tmp_path, monkeypatch, reader, program):
    # On Windows, a file open in Word or Excel cannot be read by another program: PermissionError.
    path = tmp_path / f"sop.{'docx' if program == 'Word' else 'xlsx'}"
    path.write_bytes(b"PK\x03\x04")
    monkeypatch.setattr(common, "read_regular_file", _failing_read(PermissionError(13, "Permission denied")))
    message = _refusal(reader, path)
    assert message == (f"{path.name}: berkas tidak dapat dibuka; mungkin sedang dibuka di {program} atau program "
                       "lain. Tutup dulu, lalu coba lagi.")


@pytest.mark.parametrize("reader, extension", [(import_docx, "docx"), (import_xlsx, "xlsx")])
def test_a_system_error_without_its_own_words_is_still_a_sentence(tmp_path, monkeypatch, reader, extension):
    path = tmp_path / f"sop.{extension}"
    path.write_bytes(b"PK\x03\x04")
    monkeypatch.setattr(common, "read_regular_file", _failing_read(OSError("EIO raw detail")))
    message = _refusal(reader, path)
    assert message == f"sop.{extension}: berkas tidak dapat dibaca (galat sistem)."
    assert "raw detail" not in message


def test_a_read_error_from_any_importer_ends_in_the_same_sentences(tmp_path, monkeypatch):
    path = tmp_path / "sop.json"
    path.write_text("{}", encoding="utf-8")
    held = ("sop.json: berkas tidak dapat dibuka; mungkin sedang dibuka di program lain atau tidak ada izin "
            "membacanya.")
    cases = [(PermissionError(13, "Permission denied"), held),
             (FileNotFoundError(2, "No such file"), f"{path}: berkas tidak ditemukan."),
             (OSError(5, "Input/output error"), "sop.json: berkas tidak dapat dibaca (Input/output error).")]
    for error, expected in cases:
        def reader(_path, error=error):
            raise error
        monkeypatch.setattr(importers, "_importer_for", lambda _path, reader=reader: reader)
        assert _refusal(import_any, path) == expected


@pytest.mark.parametrize("stream", ["EncryptedPackage", "EncryptionInfo"])
@pytest.mark.parametrize("reader, extension", [(import_docx, "docx"), (import_xlsx, "xlsx")])
def test_a_password_protected_file_is_named_as_such(tmp_path, reader, extension, stream):
    path = tmp_path / f"rahasia.{extension}"
    path.write_bytes(OLE + stream.encode("utf-16-le") + bytes(600))
    assert "dilindungi kata sandi" in _refusal(reader, path)


@pytest.mark.parametrize("reader, extension, kind", [(import_docx, "docx", "Word"), (import_xlsx, "xlsx", "Excel")])
def test_a_folder_named_like_a_file_is_refused(tmp_path, reader, extension, kind):
    path = tmp_path / f"folder.{extension}"
    path.mkdir()
    assert _refusal(reader, path) == f"folder.{extension}: bukan berkas {kind} (folder, pipa atau perangkat)."


@pytest.mark.parametrize("reader, extension", [(import_docx, "docx"), (import_xlsx, "xlsx")])
def test_a_broken_archive_names_its_kind(tmp_path, reader, extension):
    path = tmp_path / f"rusak.{extension}"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert _refusal(reader, path) == f"rusak.{extension}: berkas rusak (arsip .{extension} tidak utuh)."
