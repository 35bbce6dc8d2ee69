"""Our own Excel export re-imports with every character of every field kept and reports no edit that was not made."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sopdesk.exporters.xlsx import write_xlsx
from sopdesk.importers.xlsx import import_xlsx
from sopdesk.interchange import sop_from_fixture, sop_to_native
from sopdesk.layout import estimate_measure, layout
from sopdesk.model import LIST_BOXES, Duration, IdLabel, Sop

from .conftest import FIXTURE_FILES


def odd_values(sop: Sop) -> Sop:
    """Values a cell reader is tempted to tidy: spaced NIPs, padding, repeated spaces, line breaks, number-like text."""
    ident = sop.identity
    ident.signer.id_number = "19800101 200501 1 001"
    ident.signer.id_label = IdLabel.NIP
    ident.signer.nama = "  Dra.  Siti   Aminah, M.Si.  "
    ident.signer.jabatan = "Kepala Biro\nUmum"
    ident.nomor = "  007/SOP/ 2024 "
    ident.nama = "=SUM(A1) Pelayanan\tArsip"
    ident.instansi = "KEMENTERIAN  CONTOH "
    ident.unit_lines = [" Sekretariat Jenderal", "Biro  Umum "]
    for box in LIST_BOXES:
        setattr(ident, box, [" 1. butir  pertama ", "-", "0012", "baris\ndua"])
    for index, step in enumerate(sop.steps):
        step.kegiatan = f"  {step.kegiatan}  \n  lanjutan "
        step.kelengkapan = "-" if index % 2 else " 0012 "
        step.output = "0"
        step.keterangan = "  catatan   ganda  "
        step.waktu = Duration(text=" 10  menit ") if index % 2 else Duration(value=1.5, unit="Jam")
    for actor in sop.actors:
        actor.name = f" {actor.name}  "
    return sop


def flat(value, where: str = "") -> dict[str, object]:
    """Every leaf of the native form by its path, so a failure names the field that changed."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flat(item, f"{where}.{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in flat(item, f"{where}[{i}]").items()}
    return {where: value}


def differences(a: Sop, b: Sop) -> dict[str, tuple]:
    left, right = flat(sop_to_native(a)), flat(sop_to_native(b))
    return {k: (left.get(k), right.get(k)) for k in left.keys() | right.keys() if left.get(k) != right.get(k)}


CASES = [(path, False) for path in FIXTURE_FILES] + [(path, True) for path in FIXTURE_FILES]


@pytest.mark.parametrize(("fixture", "odd"), CASES,
                         ids=[f"{p.stem}{'-odd' if odd else ''}" for p, odd in CASES])
def test_own_export_keeps_every_character_of_every_field(tmp_path: Path, fixture: Path, odd: bool):
    sop = sop_from_fixture(json.loads(fixture.read_text(encoding="utf-8")))
    if odd:
        odd_values(sop)
    path = tmp_path / "sop.xlsx"
    write_xlsx(layout(sop, estimate_measure), sop, path)
    result = import_xlsx(path)
    assert len(result.sops) == 1
    back, report = result.sops[0]
    assert differences(back, sop) == {}
    assert not [line for line in report.guessed + report.unread if "diubah di Excel" in line]
    assert report.unread == []


def _edit_cells(path: Path, old: str, new: str) -> None:
    """Replace a text in the visible sheets, as a user typing in Excel would."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet") and b"sopdesk/1" not in data:
                data = data.replace(old.encode("utf-8"), new.encode("utf-8"))
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize(("old", "new", "field"), [
    ("19800101 200501 1 001", "19800101 200501 1 002", "NIP/NRP pengesah"),
    ("Kepala Biro", "KEPALA BIRO", "Jabatan pengesah"),
])
def test_a_real_edit_in_excel_still_wins_and_is_reported(tmp_path, old, new, field):
    sop = sop_from_fixture(json.loads(FIXTURE_FILES[0].read_text(encoding="utf-8")))
    sop.identity.signer.id_number = "19800101 200501 1 001"
    sop.identity.signer.jabatan = "Kepala Biro Umum"
    path = tmp_path / "sop.xlsx"
    write_xlsx(layout(sop, estimate_measure), sop, path)
    _edit_cells(path, old, new)
    back, report = import_xlsx(path).sops[0]
    assert any(line.startswith(field) and "diubah di Excel" in line for line in report.guessed), report.guessed
    changed = differences(back, sop)
    assert len(changed) == 1
    (key, (got, _before)), = changed.items()
    assert new in got  # the edit as typed, spaces and case included
