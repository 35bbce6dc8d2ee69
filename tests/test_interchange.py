"""JSON in and out: every fixture field survives, bad files give a clear Indonesian message."""
import json

import pytest

from sopdesk.interchange import (
    InterchangeError,
    read_sop_json,
    sop_from_data,
    sop_from_native,
    sop_to_fixture,
    sop_to_native,
)
from sopdesk.model import END, IdLabel, Logo

from .conftest import load_fixture


def test_every_fixture_round_trips_unchanged(fixture_data):
    assert sop_to_fixture(sop_from_data(fixture_data)) == fixture_data


def test_native_format_round_trips_every_field(fixture_data):
    sop = sop_from_data(fixture_data)
    sop.identity.logo = Logo(b"\x89PNG fake", "png")
    sop.identity.sifat = "Administratif"
    sop.steps[0].yes_label = "Setuju"
    sop.page.paper = "F4"
    native = json.loads(json.dumps(sop_to_native(sop)))
    again = sop_from_native(native)
    assert again == sop
    assert sop_to_fixture(again) == fixture_data


def test_fixture_details_land_in_the_model():
    sop = sop_from_data(load_fixture("002_497329db9dcea2b8"))
    assert sop.identity.signer.id_label is IdLabel.NRP
    last = sop.steps[-1]
    assert last.yes_target == END  # null Ya on a decision leaves the procedure
    assert sop.step_index(last.no_target) == 3
    arsip = sop_from_data(load_fixture("contoh-peminjaman-arsip"))
    assert [arsip.actor(a).name for a in arsip.steps[7].actors] == ["Pengelola Arsip", "Pemohon"]
    assert arsip.steps[0].waktu.value == 10 and arsip.steps[0].waktu.unit == "Menit"


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"{not json", "bukan JSON"),
        (b"[1, 2]", "objek JSON"),
        (b'{"format": "lain/9"}', "tidak dikenal"),
    ],
)
def test_damaged_files_say_what_is_wrong(tmp_path, content, words):
    path = tmp_path / "rusak.json"
    path.write_bytes(content)
    with pytest.raises(InterchangeError) as err:
        read_sop_json(path)
    assert words in str(err.value)
    assert str(path) in str(err.value)


def test_field_errors_name_the_field():
    data = load_fixture("contoh-peminjaman-arsip")
    data["kegiatan"][2]["pelaksana"] = ["Satpam"]
    with pytest.raises(InterchangeError, match=r"kegiatan\[3\]\.pelaksana.*Satpam"):
        sop_from_data(data)
    data = load_fixture("contoh-peminjaman-arsip")
    data["kegiatan"][2]["jika_ya"] = 99
    with pytest.raises(InterchangeError, match=r"kegiatan\[3\]\.jika_ya.*99"):
        sop_from_data(data)
    data = load_fixture("contoh-peminjaman-arsip")
    data["tanggal_efektif"] = "02-02-2026"
    with pytest.raises(InterchangeError, match="tanggal_efektif"):
        sop_from_data(data)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(InterchangeError, match="tidak ditemukan"):
        read_sop_json(tmp_path / "tidak-ada.json")
