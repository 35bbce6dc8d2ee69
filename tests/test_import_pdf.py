"""PDF import: the real signed SOP PDFs of the dev set, SOP Desk's own PDFs, and hostile files."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from sopdesk.importers.pdf import PdfImportError, import_pdf, join_lines
from sopdesk.interchange import InterchangeError, sop_from_fixture
from sopdesk.model import END, resolved_symbol
from sopdesk.sanity import logo_problem

from . import pdf_builders

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf-bps"
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
DEV = sorted(CORPUS.glob("*.pdf"))
RASTER = sorted((CORPUS / "raster-chart").glob("*.pdf"))
needs_corpus = pytest.mark.skipif(not DEV, reason="dev set not present")

BOXES = ("dasar_hukum", "kualifikasi_pelaksana", "keterkaitan", "peralatan_perlengkapan", "peringatan",
         "pencatatan_pendataan")


def _n(text: str | None) -> str:
    """Texts compared as the reference allows: whitespace and hyphenation may differ."""
    text = re.sub(r"\s*/\s*", "/", (text or "").replace("- ", "-"))
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    return re.sub(r"\s+", " ", text).strip().lower()


def differences(sop, ref: dict) -> set[str]:
    """Keys of every structural field where the import disagrees with the reference JSON."""
    out: set[str] = set()
    if [_n(a.name) for a in sop.actors] != [_n(x) for x in ref["pelaksana"]]:
        out.add("actors")
    if len(sop.steps) != len(ref["kegiatan"]):
        out.add("steps")
    names = {a.id: a.name for a in sop.actors}

    def number(target):
        # The reference names targets by the number printed in the No column (some tables skip one).
        if target is None or target == END:
            return None if target is None else "END"
        index = sop.step_index(target)
        return ref["kegiatan"][index]["no"] if index < len(ref["kegiatan"]) else index + 1

    for i, (step, want) in enumerate(zip(sop.steps, ref["kegiatan"])):
        k = i + 1
        if _n(step.kegiatan) != _n(want["uraian"]):
            out.add(f"{k}.kegiatan")
        if [_n(names[a]) for a in step.actors] != [_n(x) for x in want["pelaksana"]]:
            out.add(f"{k}.actors")
        if resolved_symbol(sop, i).value != want["simbol"]:
            out.add(f"{k}.symbol")
        if want["simbol"] == "keputusan" and (number(step.yes_target), number(step.no_target)) != (
                want["jika_ya"], want["jika_tidak"]):
            out.add(f"{k}.targets")
        for name in ("kelengkapan", "output", "keterangan"):
            if _n(getattr(step, name)) != _n(want[name]):
                out.add(f"{k}.{name}")
        if _n(step.waktu.display()) != _n(want["waktu"]) and not (want["waktu"] in ("-", "")
                                                                   and not step.waktu.display()):
            out.add(f"{k}.waktu")
    ident = sop.identity
    for name in ("nomor", "nama"):
        if _n(getattr(ident, name)) != _n(ref[name]):
            out.add(name)
    for name in ("tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "tanggal_pengesahan"):
        value = getattr(ident, name)
        if (value.isoformat() if value else None) != ref[name]:
            out.add(name)
    if ident.revisi_ke != ref["revisi_ke"]:
        out.add("revisi_ke")
    if _n(ident.instansi) != _n(ref["instansi"]) or [_n(x) for x in ident.unit_lines] != [
            _n(x) for x in ref["unit_organisasi"]]:
        out.add("instansi")
    signer = ref["disahkan_oleh"]
    if (_n(ident.signer.jabatan), _n(ident.signer.nama), ident.signer.id_number.replace(" ", "")) != (
            _n(signer["jabatan"]), _n(signer["nama"]), signer["nip"] or ""):
        out.add("signer")
    for box in BOXES:
        # Items compared as one text in order: where the printed list has no numbers the split into items
        # is a reading, and the reference's own split is machine-made. A trailing ";" is list punctuation.
        ours = " ".join(_n(x).rstrip(";").strip() for x in getattr(ident, box))
        theirs = " ".join(_n(x).rstrip(";").strip() for x in ref[box])
        if ours != theirs:
            out.add(box)
    return out


# Where the reference JSON is wrong (it is machine-extracted, and the drawing is the truth), the import
# follows the PDF and the field is named here:
REFERENCE_WRONG: dict[str, set[str]] = {
    # Step 3's diamond: the line marked "Tidak" runs from its top vertex up and right into the box of the same
    # row (step 3), the line marked "Ya" from its bottom vertex down to step 4's diamond. The reference gives
    # no targets at all; the import reads Ya -> 4, Tidak -> 3.
    "073-sop-penghitungan-pmtb-atas-dasar-harga-konstan.pdf": {"3.targets"},
    # Step 3's Keterangan ends "... barang yang mudah rusak." in the PDF (pdftotext shows the full stop too);
    # the reference lost the final full stop.
    "313-pelaporan-gratifikasi-melalui-unit-pengendalian-gratifikasi.pdf": {"3.keterangan"},
}


@needs_corpus
@pytest.mark.parametrize("path", DEV, ids=[p.name[:3] for p in DEV])
def test_dev_set_matches_reference(path: Path):
    ref = json.loads((CORPUS / "expected" / (path.stem + ".json")).read_text(encoding="utf-8"))
    result = import_pdf(path)
    assert len(result.sops) == 1
    sop, report = result.sops[0]
    assert len(sop.steps) == len(ref["kegiatan"]), "every step row is read"
    assert [_n(a.name) for a in sop.actors] == [_n(x) for x in ref["pelaksana"]]
    assert differences(sop, ref) == REFERENCE_WRONG.get(path.name, set())
    assert any("Tabel flowchart" in line for line in report.read)
    assert sop.source.endswith(path.name)
    assert sop.identity.logo is not None and logo_problem(sop.identity.logo) is None


@needs_corpus
def test_reference_exceptions_are_what_the_drawing_says():
    sop, _ = import_pdf(CORPUS / "073-sop-penghitungan-pmtb-atas-dasar-harga-konstan.pdf").sops[0]
    step = sop.steps[2]
    assert (sop.step_index(step.yes_target), sop.step_index(step.no_target)) == (3, 2)
    sop, _ = import_pdf(CORPUS / "313-pelaporan-gratifikasi-melalui-unit-pengendalian-gratifikasi.pdf").sops[0]
    assert sop.steps[2].keterangan.endswith("barang yang mudah rusak.")


@needs_corpus
def test_decision_targets_and_labels_read_from_the_drawing():
    sop, report = import_pdf(CORPUS / "030-sop-pengajuan-uang-persediaan-ke-kppn.pdf").sops[0]
    step = sop.steps[3]
    assert resolved_symbol(sop, 3).value == "keputusan"
    assert sop.step_index(step.yes_target) == 4 and sop.step_index(step.no_target) == 2
    assert any("cabang" in line and "langkah 5" in line for line in report.read)


@needs_corpus
def test_identity_dates_to_iso_and_signer():
    sop, report = import_pdf(CORPUS / "025-sop-pengelolaan-surat-masuk.pdf").sops[0]
    ident = sop.identity
    assert ident.nomor == "SOP-025/17000/2025"
    assert ident.tanggal_pembuatan.isoformat() == "2025-06-02"
    assert ident.tanggal_revisi is None
    assert ident.signer.nama == "Ir. Win Rizal, M.E."
    assert ident.signer.id_number == "196608251988021001"
    assert ident.peralatan_perlengkapan == ["Alat Tulis", "PC/Laptop", "Printer", "Scanner", "Jaringan Internet",
                                            "Aplikasi perkantoran"]
    assert any(line.startswith("Nomor SOP") and "hal. 1" in line for line in report.read)


@needs_corpus
@pytest.mark.parametrize("path", RASTER, ids=[p.name[:3] for p in RASTER])
def test_flowchart_pasted_as_picture_is_reported(path: Path):
    """These flowchart pages are one picture, table text included: the identity comes in, and the report
    says the steps, actors and symbols could not be read (no OCR)."""
    sop, report = import_pdf(path).sops[0]
    assert sop.identity.nomor and sop.identity.nama
    assert not sop.steps
    assert any("berupa gambar" in line and "pelaksana dan simbol" in line for line in report.unread)


def test_join_lines_joins_hyphenated_words():
    assert join_lines(["petugas non-", "organik"]) == "petugas non-organik"
    assert join_lines(["Undang-", "Undang Nomor 1"]) == "Undang-Undang Nomor 1"
    assert join_lines(["File/", "Hardfile", "surat  masuk"]) == "File/Hardfile surat masuk"


# ---- SOP Desk's own PDFs come back with the same structure ---------------------------------------------


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem[:12])
def test_own_pdf_round_trip(fixture: Path, tmp_path: Path):
    from sopdesk.outputs import write_pdf

    original = sop_from_fixture(json.loads(fixture.read_text(encoding="utf-8")))
    out = tmp_path / "sop.pdf"
    write_pdf(original, out)
    sop, _ = import_pdf(out).sops[0]
    assert [a.name for a in sop.actors] == [a.name for a in original.actors]
    assert len(sop.steps) == len(original.steps)
    names_in = {a.id: a.name for a in original.actors}
    names_out = {a.id: a.name for a in sop.actors}
    for i, (got, want) in enumerate(zip(sop.steps, original.steps)):
        assert " ".join(got.kegiatan.split()) == " ".join(want.kegiatan.split())
        assert [names_out[a] for a in got.actors] == [names_in[a] for a in want.actors]
        assert resolved_symbol(sop, i) == resolved_symbol(original, i)
        if resolved_symbol(original, i).value == "keputusan":
            for ours, theirs in ((got.yes_target, want.yes_target), (got.no_target, want.no_target)):
                if theirs == END or theirs is None:
                    assert ours == theirs
                else:
                    assert sop.step_index(ours) == original.step_index(theirs)
    assert sop.identity.nomor == original.identity.nomor
    assert sop.identity.nama == original.identity.nama


# ---- hostile input --------------------------------------------------------------------------------------


def _refused(tmp_path: Path, data: bytes, name: str = "x.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(PdfImportError) as info:
        import_pdf(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing is written"
    message = str(info.value)
    assert name in message and "\n" not in message and "Error" not in message
    return message


def test_random_bytes_refused(tmp_path: Path):
    assert "bukan PDF" in _refused(tmp_path, bytes(random.Random(1).randrange(256) for _ in range(5000)))


def test_scan_without_text_refused(tmp_path: Path):
    assert "pindaian" in _refused(tmp_path, pdf_builders.scan_pdf())


def test_two_thousand_pages_refused(tmp_path: Path):
    assert "2000 halaman" in _refused(tmp_path, pdf_builders.many_pages_pdf(2000))


def test_stream_bomb_refused(tmp_path: Path):
    assert "bom PDF" in _refused(tmp_path, pdf_builders.bomb_pdf(100))


def test_deep_nesting_and_form_loop_refused(tmp_path: Path):
    _refused(tmp_path, pdf_builders.nested_pdf())


def test_encrypted_refused(tmp_path: Path):
    assert "kata sandi" in _refused(tmp_path, pdf_builders.encrypted_pdf())


def test_not_an_sop_refused(tmp_path: Path):
    assert "tidak berisi tabel" in _refused(tmp_path, pdf_builders.text_pdf(["Surat undangan rapat", "Yth."]))


def test_missing_file_and_folder_refused(tmp_path: Path):
    with pytest.raises(PdfImportError, match="tidak ditemukan"):
        import_pdf(tmp_path / "tidak-ada.pdf")
    with pytest.raises(PdfImportError, match="bukan berkas biasa"):
        import_pdf(tmp_path)


@needs_corpus
def test_truncated_files_refused_or_read(tmp_path: Path):
    data = DEV[1].read_bytes()
    for cut in (100, 5000, len(data) // 3, len(data) - 10):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        try:
            import_pdf(path)
        except InterchangeError as exc:
            assert str(exc) and "\n" not in str(exc)


@needs_corpus
def test_fuzz_mutated_dev_files(tmp_path: Path):
    """Mutated dev-set files: always a result or one Indonesian sentence, never a raw exception."""
    rng = random.Random(20260)
    sources = [p.read_bytes() for p in DEV[:6]]
    for k in range(60):
        data = pdf_builders.mutate(rng.choice(sources), rng, edits=rng.randrange(1, 12))
        path = tmp_path / f"m{k}.pdf"
        path.write_bytes(data)
        try:
            result = import_pdf(path)
        except InterchangeError as exc:
            message = str(exc)
            assert f"m{k}.pdf" in message and "\n" not in message and "Error" not in message
        else:
            assert result.sops


# ---- PDFs made with LibreOffice Writer by tests/pdf_office_maker.py (another template, another program) ---

MADE = Path(__file__).parent / "data" / "pdf_made"


def _check_against_spec(path: Path, spec) -> None:
    import datetime as dt

    from sopdesk.dates import parse_date

    sop, report = import_pdf(path).sops[0]
    ident = sop.identity
    assert ident.nomor == spec.identity["nomor"]
    assert ident.nama == spec.identity["nama"]
    kinds = {"tanggal_pembuatan": "tanggal_pembuatan", "tanggal_revisi": "tanggal_revisi",
             "tanggal_efektif": "tanggal_pengesahan" if "Pengesahan" in spec.labels["tanggal_efektif"]
             else "tanggal_efektif"}
    for key, field_name in kinds.items():
        printed = spec.identity[key]
        want = None if printed == "-" else parse_date(printed).value
        assert isinstance(want, (dt.date, type(None)))
        assert getattr(ident, field_name) == want, field_name
    assert ident.signer.jabatan == spec.signer[0]
    assert ident.signer.nama == spec.signer[1]
    assert ident.signer.id_number.replace(" ", "") == spec.signer[2].split(".", 1)[1].replace(" ", "")
    assert ident.instansi == " ".join(spec.instansi)
    assert ident.unit_lines == spec.unit
    for box in BOXES:
        assert getattr(ident, box) == spec.boxes.get(box, []), box
    assert [a.name for a in sop.actors] == spec.actors
    assert len(sop.steps) == len(spec.steps)
    for i, (step, want) in enumerate(zip(sop.steps, spec.steps)):
        assert step.kegiatan == join_lines(want.text)
        assert [sop.actors.index(next(a for a in sop.actors if a.id == x)) for x in step.actors] == sorted(
            want.actors)
        assert resolved_symbol(sop, i).value == {"terminator": "terminator", "process": "proses",
                                                 "decision": "keputusan"}[want.kind]
        if want.kind == "decision":
            assert sop.step_index(step.yes_target) == want.yes
            assert sop.step_index(step.no_target) == want.no
            assert (step.yes_label or "Ya") == want.yes_label
            assert (step.no_label or "Tidak") == want.no_label
        assert step.kelengkapan == want.kelengkapan
        assert step.waktu.display().lower() == want.waktu.lower()
        assert step.output == want.output
        assert step.keterangan == want.keterangan
    assert not report.unread or all("Logo" in line for line in report.unread)


def _specs():
    from . import pdf_office_maker

    return {spec.name: spec for spec in pdf_office_maker.samples()}


MADE_NAMES = ["dinas-perizinan", "biro-umum-ringkas", "dinas-judul-berulang", "tabel-writer"]


@pytest.mark.parametrize("name", MADE_NAMES)
def test_office_made_pdf_committed_copy(name: str):
    """The PDFs in tests/data/pdf_made were made by LibreOffice Writer from tests/pdf_office_maker.py (run it with
    an output folder to make them again): other labels, stroked or thin-rectangle rules, white, blue or black
    shapes, two-column lists, a flowchart over two or three pages with or without its header repeated, and a
    flowchart that is a real Writer table (merged header cells, cell borders)."""
    _check_against_spec(MADE / f"{name}.pdf", _specs()[name])


@pytest.fixture(scope="module")
def freshly_made(tmp_path_factory):
    from . import pdf_office_maker

    if pdf_office_maker.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    return pdf_office_maker.build(tmp_path_factory.mktemp("pdf-made"))


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", MADE_NAMES)
def test_office_made_pdf_fresh_from_libreoffice(freshly_made, name: str):
    _check_against_spec(freshly_made[name], _specs()[name])


def test_dense_file_under_the_caps_is_read_or_refused_in_one_sentence(tmp_path: Path):
    path = tmp_path / "padat.pdf"
    path.write_bytes(pdf_builders.dense_pdf(pages=60, lines_per_page=300, diamonds_per_page=30))
    try:
        result = import_pdf(path)
    except InterchangeError as exc:
        assert "padat.pdf" in str(exc) and "\n" not in str(exc)
    else:
        assert result.sops


def test_too_many_drawing_objects_refused(tmp_path: Path):
    message = _refused(tmp_path, pdf_builders.dense_pdf(pages=3, lines_per_page=30_000), "garis.pdf")
    assert "objek gambar" in message


# ---- property-based fuzzing: random drawings with the form's own words -----------------------------------

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = ["No", "Kegiatan", "Aktivitas", "Pelaksana", "Mutu Baku", "Kelengkapan", "Waktu", "Output", "Keterangan",
         "Nomor SOP", "Nama SOP", "Disahkan oleh", "NIP. 1980", "Ya", "Tidak", "Y", "T", "1", "2", "3", "A",
         "Dasar Hukum", "1. Undang-", "Undang", "Tgl. Pembuatan", "2 Juni 2025", "32-13-2025", "(", ")", "\\"]

coordinate = st.floats(min_value=-50, max_value=850, allow_nan=False, allow_infinity=False)
size = st.floats(min_value=0, max_value=300, allow_nan=False, allow_infinity=False)
op = st.one_of(
    st.builds(lambda x, y, w, h: f"{x:.1f} {y:.1f} {w:.1f} {h:.1f} re f", coordinate, coordinate, size,
              st.sampled_from([0.5, 1, 15, 40])),
    st.builds(lambda x, y, w, h: f"{x:.1f} {y:.1f} {w:.1f} {h:.1f} re S", coordinate, coordinate, size, size),
    st.builds(lambda pts: " ".join(f"{x:.1f} {y:.1f} {'m' if i == 0 else 'l'}" for i, (x, y) in enumerate(pts))
              + " h f", st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=6)),
    st.builds(lambda pts: " ".join(f"{x:.1f} {y:.1f} {'m' if i == 0 else 'l'}" for i, (x, y) in enumerate(pts))
              + " S", st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=5)),
    st.builds(lambda x, y, r: f"{x:.1f} {y:.1f} m {x + r:.1f} {y + r:.1f} {x + 2 * r:.1f} {y - r:.1f} "
                              f"{x + 3 * r:.1f} {y:.1f} c h S", coordinate, coordinate, size),
    st.builds(lambda x, y, s, word: f"BT /F1 {s} Tf {x:.1f} {y:.1f} Td ({word.replace(chr(92), '')}) Tj ET",
              coordinate, coordinate, st.sampled_from([1, 6, 9, 14]), st.sampled_from(WORDS)),
)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          database=None)
@given(st.lists(op, min_size=0, max_size=60))
def test_fuzz_random_drawings(tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("fuzz") / "acak.pdf"
    path.write_bytes(pdf_builders.page_pdf(ops))
    try:
        result = import_pdf(path)
    except InterchangeError as exc:
        message = str(exc)
        assert "acak.pdf" in message and "\n" not in message and "Error" not in message
    else:
        for sop, report in result.sops:
            for step in sop.steps:
                assert step.yes_target is None or step.yes_target == END or sop.step_index(step.yes_target) >= 0
            assert all(isinstance(line, str) for line in report.read + report.guessed + report.unread)


@needs_corpus
def test_unlabelled_branches_reported_not_guessed():
    sop, report = import_pdf(CORPUS / "025-sop-pengelolaan-surat-masuk.pdf").sops[0]
    step = sop.steps[7]
    assert resolved_symbol(sop, 7).value == "keputusan"
    assert step.yes_target is None and step.no_target is None
    assert any("baris 8" in line and "tanpa tulisan Ya/Tidak" in line and "langkah 9" in line
               for line in report.unread)


@needs_corpus
def test_bundle_of_several_sops_gives_each(tmp_path: Path):
    import pypdfium2 as pdfium

    names = ["025-sop-pengelolaan-surat-masuk",
             "303-sop-pelaksanaan-kontrak-jasa-konsultansi-konstruksi-pekerjaan-konstruksi",
             "178-sop-evaluasi-data-survei-bulanan-perusahaan-industri-manufaktur"]
    bundle = pdfium.PdfDocument.new()
    for name in names:
        bundle.import_pages(pdfium.PdfDocument(CORPUS / f"{name}.pdf"))
    path = tmp_path / "kumpulan.pdf"
    bundle.save(path)
    bundle.close()
    result = import_pdf(path)
    assert [sop.identity.nomor for sop, _ in result.sops] == ["SOP-025/17000/2025", "SOP-303/17000/2025",
                                                              "SOP-178/17000/2025"]
    assert [len(sop.steps) for sop, _ in result.sops] == [11, 30, 3]


@needs_corpus
def test_logo_comes_from_the_logo_block_not_the_signature_stamp():
    sop, report = import_pdf(CORPUS / "025-sop-pengelolaan-surat-masuk.pdf").sops[0]
    logo = sop.identity.logo
    assert logo is not None and logo.extension == "png" and logo.data.startswith(b"\x89PNG")
    assert any(line.startswith("Logo:") for line in report.read)


def _rotated_copy(source: Path, target: Path, rotation: int) -> None:
    """The same pages stored sideways in a portrait box, with /Rotate turning them upright (as printers do)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(source)
    for page in document:
        w, h = page.get_size()
        if rotation == 90:
            matrix = pdfium.PdfMatrix().rotate(90, ccw=True).translate(h, 0)
        else:
            matrix = pdfium.PdfMatrix().rotate(90, ccw=False).translate(0, w)
        for obj in list(page.get_objects(max_depth=0)):
            obj.transform(matrix)
        page.set_mediabox(0, 0, h, w)
        page.set_cropbox(0, 0, h, w)
        page.set_rotation(rotation)
        page.gen_content()
    document.save(target)
    document.close()


def _structure(sop) -> tuple:
    names = {a.id: a.name for a in sop.actors}
    return (sop.identity.nomor, sop.identity.nama, [a.name for a in sop.actors],
            [(step.kegiatan, [names[a] for a in step.actors], resolved_symbol(sop, i).value,
              None if step.yes_target in (None, END) else sop.step_index(step.yes_target),
              None if step.no_target in (None, END) else sop.step_index(step.no_target), step.output)
             for i, step in enumerate(sop.steps)])


@needs_corpus
@pytest.mark.parametrize("rotation", [90, 270])
def test_rotated_pages_read_as_shown(tmp_path: Path, rotation: int):
    source = CORPUS / "025-sop-pengelolaan-surat-masuk.pdf"
    path = tmp_path / f"putar{rotation}.pdf"
    _rotated_copy(source, path, rotation)
    assert _structure(import_pdf(path).sops[0][0]) == _structure(import_pdf(source).sops[0][0])
