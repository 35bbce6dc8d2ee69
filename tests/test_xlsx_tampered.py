"""A tampered hidden SOP sheet never fails an Excel import: the cells are read instead, and the report says so."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from sopdesk import sanity
from sopdesk.exporters.xlsx import write_xlsx
from sopdesk.importers.xlsx import import_xlsx
from sopdesk.interchange import sop_from_fixture, sop_to_native
from sopdesk.layout import estimate_measure, layout

from .conftest import load_fixture

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def exported(tmp_path: Path):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    path = tmp_path / "sop.xlsx"
    write_xlsx(layout(sop, estimate_measure), sop, path)
    return sop, path


def replace_stored_json(path: Path, change) -> None:
    """Rewrite the stored JSON text (an inline string starting with the native format tag) with change(text)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    found = []
    for name in source.namelist():
        if name.startswith("xl/worksheets/sheet"):
            root = etree.fromstring(source.read(name))
            found += [(name, root, t) for t in root.iter(f"{{{MAIN}}}t")
                      if (t.text or "").startswith('{"format":"sopdesk/1"')]
    assert len(found) == 1
    part, root, text = found[0]
    text.text = change(text.text)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def edit(**changes):
    def change(text: str) -> str:
        data = json.loads(text)
        for dotted, value in changes.items():
            *parents, last = dotted.split("__")
            node = data
            for key in parents:
                node = node[int(key)] if isinstance(node, list) else node[key]
            if value is KeyError:
                del node[last]
            else:
                node[last] = value
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return change


TAMPERINGS = {
    "invalid-json": lambda text: "{bukan json" + text[20:],
    "truncated": lambda text: text[: len(text) // 2],
    "a-list": lambda text: "[1, 2, 3]",
    "null": lambda text: "null",
    "margin-a-list": edit(page__margin_top=[1]),
    "margin-nan": edit(page__margin_left=float("nan")),
    "margin-too-wide": edit(page__margin_right=400),
    "margin-a-dict": edit(page__margin_left={"a": 1}),
    "steps-a-text": edit(steps="langkah"),
    "step-a-number": edit(steps=[1, 2]),
    "actor-a-text": edit(actors=["Kepala"]),
    "name-a-number": edit(identity__nama=5),
    "identity-a-list": edit(identity=[1]),
    "waktu-value-a-text": edit(steps__0__waktu={"value": "sepuluh"}),
    "target-a-number": edit(steps__1__yes_target=7),
    "logo-a-number": edit(identity__logo=5),
    "logo-data-bad": edit(identity__logo={"data": "@@@", "extension": "png"}),
    "unit-lines-dict": edit(identity__unit_lines={"a": 1}),
    "date-texts-list": edit(identity__date_texts=[1]),
    "signer-label": edit(identity__signer__id_label=3),
    "paper-a-list": edit(page__paper=[1]),
    "labels-a-dict": edit(page__offpage_labels={"x": 1}),
    "version-a-text": edit(schema_version="1"),
    "missing-steps": edit(steps=KeyError),
    "missing-identity": edit(identity=KeyError, actors=KeyError),
}


@pytest.mark.parametrize("tamper", sorted(TAMPERINGS))
def test_tampered_hidden_sheet_falls_back_to_the_cells(tmp_path, tamper):
    sop, path = exported(tmp_path)
    replace_stored_json(path, TAMPERINGS[tamper])
    result = import_xlsx(path)
    assert len(result.sops) == 1
    back, report = result.sops[0]
    lines = report.read + report.guessed + report.unread
    assert sanity.page_problems(back.page) == []
    if tamper.startswith("margin"):
        assert any(line.startswith("Margin ") and "tidak dapat dicetak" in line for line in lines), lines
    if any("dipulihkan seperti saat diekspor" in line for line in report.read):
        # The tampering left a usable SOP: it must then be the stored one, checked against the cells.
        assert [s.kegiatan for s in back.steps] == [s.kegiatan for s in sop.steps]
    else:
        assert any("dibaca seperti" in line and "buatan tangan" in line for line in lines), lines
        assert [s.kegiatan for s in back.steps] == [s.kegiatan for s in sop.steps]
        assert back.identity.nama == sop.identity.nama


def test_untampered_export_uses_the_stored_copy(tmp_path):
    sop, path = exported(tmp_path)
    replace_stored_json(path, lambda text: text)
    back, report = import_xlsx(path).sops[0]
    assert sop_to_native(back) == sop_to_native(sop)
    assert not any("buatan tangan" in line for line in report.guessed + report.unread)



def test_control_characters_in_the_stored_copy_are_cleaned_and_reported(tmp_path):
    sop, path = exported(tmp_path)
    start = sop.steps[0].kegiatan[:20]
    replace_stored_json(path, lambda text: text.replace(start, start + "\\u0007"))
    back, report = import_xlsx(path).sops[0]
    assert back.steps[0].kegiatan == sop.steps[0].kegiatan
    assert any("Kegiatan langkah 1" in line and "tidak dapat disimpan" in line for line in report.guessed)
