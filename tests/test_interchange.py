"""JSON in and out: every fixture field survives, bad files give a clear Indonesian message."""
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---- odd and hostile JSON: one Indonesian line, never an exception's text -----------------------------------

EXCEPTION_WORDS = re.compile(r"Error|Exception|Traceback|\((Value|Type|Key|Attribute|Recursion|Index|Overflow)")


def refusal(tmp_path, content: bytes) -> str:
    path = tmp_path / "aneh.json"
    path.write_bytes(content)
    with pytest.raises(InterchangeError) as err:
        read_sop_json(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert "\n" not in message and len(message) < 800
    assert not EXCEPTION_WORDS.search(message), message
    message.encode("utf-8")  # printable: no lone surrogate in the message itself
    return message


@pytest.mark.parametrize("content, words", [
    (b"[" * 1000 + b"]" * 1000, "bersarang terlalu dalam"),
    (b"[" * 100_000, "bersarang terlalu dalam"),
    (b'{"a":' * 3000 + b"1" + b"}" * 3000, "bersarang terlalu dalam"),
    (b'{"format": "sop-fixture/1", "revisi_ke": 1' + b"0" * 5000 + b"}", "angka yang terlalu panjang"),
    (b'{"format": "sop-fixture/1",, }', "nama kunci harus diapit tanda kutip"),
    (b'{"format": "sop-fixture/1" "nama": 1}', "kurang tanda koma"),
    (b'{"nama": "tanpa penutup', "tidak ditutup"),
    (b'{"nama": "a\\qb"}', "garis miring terbalik"),
    (b'{"format": "sop-fixture/1"} sisa', "isi lain setelah akhir"),
    (b"", "nilai yang diharapkan tidak ada"),
    (b'{"nama": "x"}', "tidak punya tanda \"format\""),
    (b'{"format": ["sop-fixture/1"]}', "tidak dikenal"),
    (b'{"format": "\\ud800"}', "tidak dikenal"),
])
def test_malformed_json_is_one_indonesian_line(tmp_path, content, words):
    assert words in refusal(tmp_path, content)


@pytest.mark.parametrize("change", [
    lambda d: d.update(kegiatan="bukan daftar"),
    lambda d: d.update(kegiatan=[1, 2, 3]),
    lambda d: d.update(kegiatan=[{"no": "satu"}]),
    lambda d: d.update(pelaksana={"a": 1}),
    lambda d: d.update(disahkan_oleh=["Kepala"]),
    lambda d: d.update(dasar_hukum=[{"x": 1}]),
    lambda d: d.update(tanggal_pembuatan=20260101),
    lambda d: d.update(revisi_ke=1e308 * 10),
    lambda d: d["kegiatan"][0].update(waktu={"menit": 5}),
    lambda d: d["kegiatan"][0].update(pelaksana=None),
    lambda d: d["kegiatan"][1].update(jika_ya=[2]),
])
def test_fixture_with_odd_types_is_refused_in_one_line(tmp_path, change):
    data = load_fixture("contoh-peminjaman-arsip")
    change(data)
    path = tmp_path / "aneh.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        read_sop_json(path)
    except InterchangeError as exc:
        message = str(exc)
        assert "\n" not in message and not EXCEPTION_WORDS.search(message), message
        message.encode("utf-8")


def test_native_reader_refuses_odd_shapes_with_interchange_errors_only():
    native = sop_to_native(sop_from_data(load_fixture("contoh-peminjaman-arsip")))
    for broken in ({**native, "steps": "x"}, {**native, "actors": [None]}, {**native, "identity": []},
                   {**native, "steps": [{"id": 5, "kegiatan": []}]}, {**native, "page": {"margins": "a"}}, []):
        try:
            sop_from_native(broken)
        except InterchangeError as exc:
            assert "\n" not in str(exc) and not EXCEPTION_WORDS.search(str(exc)), str(exc)


def test_a_lone_surrogate_in_a_text_is_cleaned_and_said(tmp_path):
    data = load_fixture("contoh-peminjaman-arsip")
    text = json.dumps(data).replace(json.dumps(data["nama"]), '"Peminjaman \\ud800 Arsip"')
    path = tmp_path / "surrogate.json"
    path.write_text(text, encoding="utf-8")
    notes: list[str] = []
    sop = read_sop_json(path, notes)
    sop.identity.nama.encode("utf-8")
    assert "Peminjaman" in sop.identity.nama and notes


_ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                     max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from(["nama", "nomor", "kegiatan", "pelaksana", "disahkan_oleh", "dasar_hukum", "revisi_ke",
                            "tanggal_efektif", "unit_organisasi", "jenis"]),
       step_key=st.sampled_from(["no", "uraian", "pelaksana", "simbol", "jika_ya", "jika_tidak", "waktu"]),
       value=_ANY_JSON)
def test_any_value_anywhere_gives_an_sop_or_one_indonesian_line(key, step_key, value):
    top = dict(load_fixture("contoh-peminjaman-arsip"), **{key: value})
    step = load_fixture("contoh-peminjaman-arsip")
    step["kegiatan"][0][step_key] = value
    for candidate in (top, step):
        try:
            sop_from_data(json.loads(json.dumps(candidate)))
        except InterchangeError as exc:
            assert "\n" not in str(exc) and not EXCEPTION_WORDS.search(str(exc)), str(exc)
