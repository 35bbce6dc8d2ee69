"""Real office workbooks (the dev set in ../shared/corpus/xlsx) come in with their reference JSON's structure."""
import json
from pathlib import Path

import pytest

from sopdesk.importers.xlsx import import_xlsx
from sopdesk.interchange import sop_to_fixture

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "xlsx"
WORKBOOKS = sorted(CORPUS.glob("*.xlsx")) if CORPUS.is_dir() else []


def collapsed(value):
    """Texts compared with every whitespace run as one space, as the references are written."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [collapsed(v) for v in value]
    if isinstance(value, dict):
        return {k: collapsed(v) for k, v in value.items()}
    return value


@pytest.mark.skipif(not WORKBOOKS, reason="the real-file corpus is not beside the project")
@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.stem)
def test_real_workbook_is_one_sop_with_the_reference_structure(path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    result = import_xlsx(path)
    # An identity sheet and a flowchart sheet are one SOP, not two halves.
    assert len(result.sops) == 1
    sop, report = result.sops[0]
    actual = collapsed(sop_to_fixture(sop))
    expected = collapsed(expected)
    assert actual["pelaksana"] == expected["pelaksana"]
    for got, want in zip(actual["kegiatan"], expected["kegiatan"], strict=True):
        for key in ("no", "uraian", "pelaksana", "simbol", "jika_ya", "jika_tidak", "kelengkapan", "waktu", "output",
                    "keterangan"):
            assert got[key] == want[key], (want["no"], key)
    for key in ("instansi", "unit_organisasi", "jenis", "nomor", "tanggal_pembuatan", "tanggal_revisi", "revisi_ke",
                "tanggal_efektif", "tanggal_pengesahan", "disahkan_oleh", "nama", "dasar_hukum",
                "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
                "pencatatan_pendataan"):
        assert actual[key] == expected[key], key
    assert not any("Tabel flowchart" in line and "tidak ditemukan" in line for line in report.unread)


@pytest.mark.skipif(not (CORPUS / "basarnas-sop-0008.xlsx").exists(), reason="the real-file corpus is absent")
def test_basarnas_details_the_report_names():
    sop, report = import_xlsx(CORPUS / "basarnas-sop-0008.xlsx").sops[0]
    identity = sop.identity
    # "Oktober 2024" and "Novermber 2024" name no day: no date, but the text is kept as typed.
    assert identity.tanggal_pembuatan is None and identity.date_texts["tanggal_pembuatan"] == "Oktober 2024"
    assert identity.date_texts["tanggal_efektif"] == "Novermber 2024"
    # Dasar Hukum is numbered in its own column (A13 = 1, B13 = the text): the texts, not "1".."7".
    assert len(identity.dasar_hukum) == 7 and identity.dasar_hukum[1] == "UU Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara"
    # "Peralatan :" and "Perlengkapan" inside the Peralatan/Perlengkapan box are sub-headings, not new labels.
    assert [item.split()[0] for item in identity.peralatan_perlengkapan] == ["Peralatan", "Perlengkapan"]
    # Label variants: "Pelaksanaan" over the actors, "PENCATATAN DAN PENDAFTARAN" for the last box.
    assert identity.pencatatan_pendataan == ["Jurnal Emergency Call 115"]
    assert any("Penghubung antarhalaman: 1 pasang" in line for line in report.read)
    # The invisible rectangle beside the table (no line, no fill) is not a symbol out of place.
    assert not any("di luar kolom pelaksana" in line for line in report.unread)
    assert identity.logo is not None and identity.logo.extension == "png"
