"""Three-way merge of one SOP: hand-worked cases, each with the result a drafter expects."""
from __future__ import annotations

import datetime as dt

from sopdesk import model
from sopdesk.interchange import sop_from_data, sop_from_native, sop_to_native
from sopdesk.merge import BOTH_ADDED, DELETE_EDIT, FIELD, ORDER, TARGET, merge_sops

from .conftest import load_fixture


def arsip() -> model.Sop:
    """The synthetic Peminjaman Arsip SOP (12 steps, 4 decisions), with stable ids."""
    return sop_from_native(sop_to_native(sop_from_data(load_fixture("contoh-peminjaman-arsip"))))


def three() -> tuple[model.Sop, model.Sop, model.Sop]:
    base = arsip()
    return base, base.clone(), base.clone()


def native(sop: model.Sop) -> dict:
    return sop_to_native(sop)


def assert_round_trips(sop: model.Sop) -> None:
    assert sop_to_native(sop_from_native(sop_to_native(sop))) == sop_to_native(sop)


def test_different_steps_merge_by_themselves():
    base, ours, theirs = three()
    ours.steps[1].kegiatan = "Petugas memeriksa formulir peminjaman"
    theirs.steps[4].output = "Arsip siap dipinjam"
    result = merge_sops(base, ours, theirs)
    assert result.clean and result.conflicts == [] and not result.deleted_vs_edited
    assert result.sop.steps[1].kegiatan == "Petugas memeriksa formulir peminjaman"
    assert result.sop.steps[4].output == "Arsip siap dipinjam"
    expected = base.clone()
    expected.steps[1].kegiatan = ours.steps[1].kegiatan
    expected.steps[4].output = theirs.steps[4].output
    assert native(result.sop) == native(expected)
    assert_round_trips(result.sop)


def test_same_step_different_fields_merge_by_themselves():
    base, ours, theirs = three()
    ours.steps[2].kegiatan = "Kegiatan baru"
    theirs.steps[2].waktu = model.Duration(15, "Menit")
    theirs.steps[2].keterangan = "Dicatat di buku"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    step = result.sop.steps[2]
    assert (step.kegiatan, step.waktu, step.keterangan) == ("Kegiatan baru", model.Duration(15, "Menit"),
                                                            "Dicatat di buku")


def test_same_field_changed_differently_is_a_conflict_holding_ours():
    base, ours, theirs = three()
    old = base.steps[2].kegiatan
    ours.steps[2].kegiatan = "Versi Andi"
    theirs.steps[2].kegiatan = "Versi Budi"
    theirs.steps[3].output = "Lain"  # an independent change still merges
    result = merge_sops(base, ours, theirs)
    assert not result.clean
    assert len(result.conflicts) == 1
    c = result.conflicts[0]
    assert (c.path, c.kind, c.ours, c.theirs, c.base) == ("Langkah 3 › Kegiatan", FIELD, "Versi Andi",
                                                          "Versi Budi", old)
    assert c.step_id == base.steps[2].id
    assert result.sop.steps[2].kegiatan == "Versi Andi"
    assert result.sop.steps[3].output == "Lain"
    assert "Versi Budi" in c.line() and "Versi Andi" in c.line()


def test_step_deleted_on_one_side_and_edited_on_the_other_is_asked_and_kept():
    base, ours, theirs = three()
    gone = base.steps[5].id
    model.delete_steps(ours, [gone])
    theirs.steps[5].kelengkapan = "Formulir F-2"
    result = merge_sops(base, ours, theirs)
    assert not result.clean
    [c] = [c for c in result.conflicts if c.kind == DELETE_EDIT]
    assert c.path == "Langkah 6" and c.step_id == gone
    assert c.ours == "(dihapus)" and c.theirs.startswith("diubah")
    kept = result.sop.step(gone)
    assert kept is not None and kept.kelengkapan == "Formulir F-2"
    assert result.sop.step_index(gone) == 5


def test_step_deleted_on_one_side_and_untouched_on_the_other_is_deleted():
    base, ours, theirs = three()
    gone = base.steps[5].id
    model.delete_steps(theirs, [gone])
    ours.steps[0].kegiatan = "Mulai"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert result.sop.step(gone) is None
    assert len(result.sop.steps) == len(base.steps) - 1
    assert result.sop.steps[0].kegiatan == "Mulai"


def test_decision_pointing_at_a_step_the_merge_deleted_is_unset_and_reported():
    base, ours, theirs = three()
    decision = next(i for i, s in enumerate(base.steps) if s.yes_target not in (None, model.END))
    target = base.steps[decision].yes_target
    model.delete_steps(ours, [target])  # ours deletes the target step (and unsets its own pointer) …
    ours.steps[decision].yes_target = base.steps[decision].yes_target  # … but an old copy still points
    # theirs points another decision at the same step
    other = next(i for i, s in enumerate(base.steps) if i != decision and base.steps[i].id != target)
    theirs.steps[other].symbol = model.Symbol.DECISION
    theirs.steps[other].no_target = target
    result = merge_sops(base, ours, theirs)
    assert result.sop.step(target) is None
    assert all(s.yes_target != target and s.no_target != target for s in result.sop.steps)
    reported = [c for c in result.conflicts if c.kind == TARGET]
    assert reported and all(c.path.startswith("Langkah ") for c in reported)
    assert_round_trips(result.sop)


def test_actor_renamed_on_one_side_while_steps_change_on_the_other():
    base, ours, theirs = three()
    actor = base.actors[1]
    model.rename_actor(ours, actor.id, "Kepala Subbagian Arsip")
    theirs.steps[3].actors = [actor.id]
    theirs.steps[3].kegiatan = "Diperiksa kepala"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert result.sop.actor(actor.id).name == "Kepala Subbagian Arsip"
    assert result.sop.steps[3].actors == [actor.id]
    assert result.sop.steps[3].kegiatan == "Diperiksa kepala"
    assert [a.id for a in result.sop.actors] == [a.id for a in base.actors]


def test_actor_removed_on_one_side_while_the_other_gives_it_a_step_is_a_conflict():
    base, ours, theirs = three()
    unused = model.add_actor(base, "Sekretaris")
    ours, theirs = base.clone(), base.clone()
    model.remove_actor(ours, unused.id)
    theirs.steps[0].actors = [unused.id]
    result = merge_sops(base, ours, theirs)
    assert result.sop.actor(unused.id) is not None  # kept: a step uses it
    [c] = [c for c in result.conflicts if c.key == f"actor.{unused.id}"]
    assert c.kind == DELETE_EDIT and c.path == "Pelaksana › Sekretaris" and c.ours == "(dihapus)"
    assert_round_trips(result.sop)


def test_actor_removed_on_one_side_unused_on_the_other_is_removed():
    base, ours, theirs = three()
    unused = model.add_actor(base, "Sekretaris")
    ours, theirs = base.clone(), base.clone()
    model.remove_actor(theirs, unused.id)
    model.rename_actor(ours, base.actors[0].id, "Peminjam Arsip")
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert result.sop.actor(unused.id) is None
    assert result.sop.actors[0].name == "Peminjam Arsip"


def test_list_items_added_on_both_sides_are_all_kept():
    base, ours, theirs = three()
    base.identity.dasar_hukum = ["UU 43/2009", "PP 28/2012", "Perka ANRI 9/2018"]
    ours, theirs = base.clone(), base.clone()
    ours.identity.dasar_hukum.insert(1, "Permen A")
    theirs.identity.dasar_hukum.append("Permen B")
    theirs.identity.dasar_hukum.insert(1, "Permen C")
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert result.sop.identity.dasar_hukum == ["UU 43/2009", "Permen A", "Permen C", "PP 28/2012",
                                               "Perka ANRI 9/2018", "Permen B"]


def test_list_item_removed_on_one_side_and_changed_on_the_other_is_a_conflict():
    base, ours, theirs = three()
    base.identity.peringatan = ["Arsip rusak tidak dipinjamkan", "Batas 7 hari", "Denda keterlambatan"]
    ours, theirs = base.clone(), base.clone()
    del ours.identity.peringatan[1]
    theirs.identity.peringatan[1] = "Batas 14 hari"
    theirs.identity.peringatan[2] = "Denda keterlambatan berlaku"  # next to it: part of the same clash
    result = merge_sops(base, ours, theirs)
    [c] = result.conflicts
    assert c.path == "Peringatan › butir 2" and c.key == "list.peringatan"
    assert c.ours == "Denda keterlambatan"
    assert c.theirs == "Batas 14 hari\nDenda keterlambatan berlaku"
    assert c.base == "Batas 7 hari\nDenda keterlambatan"
    assert result.sop.identity.peringatan == ours.identity.peringatan


def test_list_item_removed_on_one_side_kept_on_the_other_is_removed():
    base, ours, theirs = three()
    base.identity.peralatan_perlengkapan = ["Komputer", "Printer", "Buku register"]
    ours, theirs = base.clone(), base.clone()
    ours.identity.peralatan_perlengkapan.remove("Printer")
    theirs.identity.peralatan_perlengkapan.append("Lemari arsip")
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert result.sop.identity.peralatan_perlengkapan == ["Komputer", "Buku register", "Lemari arsip"]


def test_step_added_on_both_sides_with_the_same_id():
    base, ours, theirs = three()
    twin_o = model.Step(kegiatan="Langkah tambahan", output="Berkas", id="langkah-kembar")
    twin_t = model.Step(kegiatan="Langkah tambahan", output="Berkas lengkap", id="langkah-kembar")
    model.insert_step(ours, 3, twin_o)
    model.insert_step(theirs, 3, twin_t)
    result = merge_sops(base, ours, theirs)
    assert [s.id for s in result.sop.steps].count("langkah-kembar") == 1
    assert result.sop.steps[3].id == "langkah-kembar"
    [c] = result.conflicts
    assert (c.kind, c.path, c.ours, c.theirs, c.base) == (BOTH_ADDED, "Langkah 4 › Mutu Baku: Output", "Berkas",
                                                          "Berkas lengkap", "(tidak ada)")


def test_steps_inserted_on_both_sides_keep_their_places():
    base, ours, theirs = three()
    a = model.insert_step(ours, 2, model.Step(kegiatan="Sisipan A"))
    b = model.insert_step(theirs, 2, model.Step(kegiatan="Sisipan B"))
    c = model.insert_step(theirs, 8, model.Step(kegiatan="Sisipan C"))
    result = merge_sops(base, ours, theirs)
    assert result.clean
    ids = [s.id for s in result.sop.steps]
    assert ids[:4] == [base.steps[0].id, base.steps[1].id, a.id, b.id]
    assert ids.index(c.id) == ids.index(base.steps[6].id) + 1
    assert len(ids) == len(base.steps) + 3


def test_steps_moved_on_one_side_and_edited_on_the_other():
    base, ours, theirs = three()
    model.move_step(theirs, 7, 2)
    ours.steps[7].kegiatan = "Dipindah dan diubah"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert [s.id for s in result.sop.steps] == [s.id for s in theirs.steps]
    assert result.sop.steps[2].kegiatan == "Dipindah dan diubah"


def test_steps_reordered_differently_on_both_sides_keep_ours_and_ask():
    base, ours, theirs = three()
    model.move_step(ours, 1, 4)
    model.move_step(theirs, 6, 2)
    result = merge_sops(base, ours, theirs)
    assert [s.id for s in result.sop.steps] == [s.id for s in ours.steps]
    assert [c.kind for c in result.conflicts] == [ORDER]


def test_identical_changes_on_both_sides_are_taken_once():
    base, ours, theirs = three()
    for sop in (ours, theirs):
        sop.identity.nomor = "SOP-ARS/02"
        sop.steps[1].kegiatan = "Sama di dua komputer"
        sop.identity.dasar_hukum.append("Permen yang sama")
        model.insert_step(sop, 4, model.Step(kegiatan="Tambahan sama", id="sama"))
        sop.page.paper = "F4"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert native(result.sop) == native(ours)


def test_identity_page_and_lifecycle_fields_merge_per_field():
    base, ours, theirs = three()
    ours.identity.nomor = "B/01"
    theirs.identity.tanggal_revisi = dt.date(2025, 3, 4)
    theirs.page.margin_left = 20.0
    ours.page.landscape = False
    ours.lifecycle.status = model.Status.BERLAKU
    theirs.lifecycle.review_months = 12
    theirs.identity.signer.nama = "Dra. Sri"
    ours.identity.signer.jabatan = "Kepala Biro"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    ident, page, life = result.sop.identity, result.sop.page, result.sop.lifecycle
    assert (ident.nomor, ident.tanggal_revisi, ident.signer.nama, ident.signer.jabatan) == (
        "B/01", dt.date(2025, 3, 4), "Dra. Sri", "Kepala Biro")
    assert (page.margin_left, page.landscape) == (20.0, False)
    assert (life.status, life.review_months) == (model.Status.BERLAKU, 12)


def test_conflicting_identity_and_page_fields_are_labelled_in_indonesian():
    base, ours, theirs = three()
    ours.identity.nomor, theirs.identity.nomor = "B/01", "B/02"
    ours.page.paper, theirs.page.paper = "F4", "Letter"
    ours.lifecycle.status, theirs.lifecycle.status = model.Status.BERLAKU, model.Status.DICABUT
    result = merge_sops(base, ours, theirs)
    paths = [c.path for c in result.conflicts]
    assert paths == ["Identitas › Nomor SOP", "Pengaturan halaman › Kertas", "Status SOP › Status"]
    assert result.sop.identity.nomor == "B/01" and result.sop.page.paper == "F4"
    assert result.conflicts[2].theirs == "Dicabut"


def test_sop_deleted_on_one_pc_and_edited_on_another_is_never_silent():
    base, _ours, theirs = three()
    theirs.steps[0].kegiatan = "Diubah"
    result = merge_sops(base, None, theirs)
    assert result.deleted_vs_edited and not result.clean
    assert result.sop is not None and result.sop.steps[0].kegiatan == "Diubah"
    assert "dihapus" in result.summary()
    mirrored = merge_sops(base, theirs, None)
    assert mirrored.deleted_vs_edited and mirrored.sop.steps[0].kegiatan == "Diubah"


def test_sop_deleted_on_one_side_and_untouched_on_the_other_is_deleted():
    base, ours, _theirs = three()
    result = merge_sops(base, ours, None)
    assert result.clean and result.sop is None


def test_sop_added_on_one_side_is_taken():
    sop = arsip()
    result = merge_sops(None, None, sop)
    assert result.clean and native(result.sop) == native(sop)
    assert merge_sops(None, None, None).sop is None


def test_merge_never_changes_its_inputs():
    base, ours, theirs = three()
    ours.steps[1].kegiatan = "A"
    theirs.steps[1].kegiatan = "B"
    before = [native(s) for s in (base, ours, theirs)]
    result = merge_sops(base, ours, theirs)
    result.sop.steps[1].kegiatan = "C"
    result.sop.steps[2].actors.append("x")
    assert [native(s) for s in (base, ours, theirs)] == before


def test_actor_added_on_both_sides_with_the_same_id_and_different_names_is_asked():
    base, ours, theirs = three()
    ours.actors.append(model.Actor("Operator", "pelaksana-baru"))
    theirs.actors.append(model.Actor("Operator Arsip", "pelaksana-baru"))
    result = merge_sops(base, ours, theirs)
    [c] = result.conflicts
    assert (c.kind, c.path, c.ours, c.theirs, c.base) == (BOTH_ADDED, "Pelaksana › Operator", "Operator",
                                                          "Operator Arsip", "(tidak ada)")
    assert [a.name for a in result.sop.actors].count("Operator") == 1
    assert result.sop.actor("pelaksana-baru").name == "Operator"


def test_logo_link_and_typed_date_text_merge_as_fields():
    base, ours, theirs = three()
    ours.identity.logo = model.Logo(b"\x89PNG logo baru", "png")
    theirs.identity.keterkaitan.append("SOP Pemusnahan Arsip")
    theirs.identity.keterkaitan_links["SOP Pemusnahan Arsip"] = model.SopLink("sop-2", "SOP-02", "Pemusnahan")
    theirs.identity.tanggal_efektif = None
    theirs.identity.date_texts["tanggal_efektif"] = "awal Juli 2025"
    ours.steps[0].keterangan_link = model.SopLink("sop-3", "SOP-03", "Penerimaan")
    result = merge_sops(base, ours, theirs)
    assert result.clean
    ident = result.sop.identity
    assert ident.logo == model.Logo(b"\x89PNG logo baru", "png")
    assert ident.keterkaitan[-1] == "SOP Pemusnahan Arsip"
    assert ident.keterkaitan_links["SOP Pemusnahan Arsip"].sop_id == "sop-2"
    assert (ident.tanggal_efektif, ident.date_texts["tanggal_efektif"]) == (None, "awal Juli 2025")
    assert result.sop.steps[0].keterangan_link.sop_id == "sop-3"
    assert_round_trips(result.sop)


def test_unit_lines_changed_on_both_sides_in_different_lines():
    base, ours, theirs = three()
    base.identity.unit_lines = ["SEKRETARIAT JENDERAL", "BIRO UMUM", "BAGIAN ARSIP"]
    ours, theirs = base.clone(), base.clone()
    ours.identity.unit_lines[0] = "SEKRETARIAT UTAMA"
    theirs.identity.unit_lines[2] = "BAGIAN ARSIP DAN DOKUMENTASI"
    result = merge_sops(base, ours, theirs)
    assert result.clean
    assert result.sop.identity.unit_lines == ["SEKRETARIAT UTAMA", "BIRO UMUM", "BAGIAN ARSIP DAN DOKUMENTASI"]
