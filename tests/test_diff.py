"""Comparing two versions: random edits of every kind applied to the fixtures come back as exactly those edits."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdesk import model
from sopdesk.diff import (
    ADDED,
    CHANGED,
    DELETED,
    INSERTED,
    MOVED,
    REMOVED,
    RENAMED,
    SAME,
    UNCHANGED,
    diff_sops,
    format_diff,
    word_diff,
)
from sopdesk.interchange import sop_from_data, sop_to_fixture

from .conftest import FIXTURE_FILES, load_fixture

FIXTURES = {p.stem: sop_from_data(load_fixture(p.name)) for p in FIXTURE_FILES}

STEP_TEXT_FIELDS = {"kegiatan": "kegiatan", "kelengkapan": "kelengkapan", "output": "output",
                    "keterangan": "keterangan", "label_ya": "yes_label", "label_tidak": "no_label"}
IDENTITY_TEXT_FIELDS = ("instansi", "nomor", "nama", "signer.jabatan", "signer.nama", "signer.id_number")


class Expected:
    """What the edits did, in the terms the comparison reports."""

    def __init__(self, old: model.Sop) -> None:
        self.old = old
        self.identity: set[str] = set()
        self.lists: set[tuple] = set()
        self.actors: set[tuple] = set()
        self.step_fields: dict[str, set[str]] = {}  # step id -> changed field keys
        self.added: set[str] = set()
        self.removed: set[str] = set()
        self.moved: set[str] = set()
        self.page: set[str] = set()

    def field(self, step_id: str, key: str) -> None:
        self.step_fields.setdefault(step_id, set()).add(key)


def _edit(draw, old: model.Sop) -> tuple[model.Sop, Expected]:
    new = old.clone()
    expect = Expected(old)
    ident = new.identity

    # Identity fields.
    for key in draw(st.sets(st.sampled_from(IDENTITY_TEXT_FIELDS), max_size=3)):
        target = ident.signer if key.startswith("signer.") else ident
        name = key.split(".")[-1]
        setattr(target, name, getattr(target, name) + " diperbarui")
        expect.identity.add(key)
    if draw(st.booleans()):
        ident.revisi_ke = (ident.revisi_ke or 0) + 1
        ident.tanggal_revisi = dt.date(2024, 3, draw(st.integers(1, 28)))
        expect.identity |= {"revisi_ke", "tanggal_revisi"}

    # One edit per list box at most (two neighbouring edits of one list can be read in more than one way).
    for box in ("unit_lines", *model.LIST_BOXES):
        items = getattr(ident, box)
        kind = draw(st.sampled_from((None, ADDED, REMOVED, CHANGED) if items else (None, ADDED)))
        if kind == ADDED:
            j = draw(st.integers(0, len(items)))
            items.insert(j, f"Butir baru nomor {j} untuk {box}")
            expect.lists.add((box, ADDED, None, j))
        elif kind == REMOVED:
            i = draw(st.integers(0, len(items) - 1))
            del items[i]
            expect.lists.add((box, REMOVED, i, None))
        elif kind == CHANGED:
            i = draw(st.integers(0, len(items) - 1))
            items[i] = items[i] + " (diubah)"
            expect.lists.add((box, CHANGED, i, i))

    # Actors: remove one (its steps lose it), add one, rename one that stays.
    original_actor_ids = [a.id for a in new.actors]
    if len(new.actors) > 1 and draw(st.booleans()):
        gone = draw(st.sampled_from(new.actors))
        for index in model.steps_using_actor(new, gone.id):
            expect.field(new.steps[index].id, "pelaksana")
        model.remove_actor(new, gone.id)
        expect.actors.add((REMOVED, gone.name, ""))
    if draw(st.booleans()):
        model.add_actor(new, "Pelaksana Baru", draw(st.integers(0, len(new.actors))))
        expect.actors.add((ADDED, "", "Pelaksana Baru"))
    kept = [a for a in new.actors if a.id in original_actor_ids]
    if kept and draw(st.booleans()):
        actor = draw(st.sampled_from(kept))
        expect.actors.add((RENAMED, actor.name, actor.name + " Utama"))
        model.rename_actor(new, actor.id, actor.name + " Utama")

    # Steps: remove some, then move one (at least two places), then change fields, then insert new ones.
    if len(new.steps) > 3 and draw(st.booleans()):
        count = draw(st.integers(1, 2))
        gone_ids = draw(st.lists(st.sampled_from([s.id for s in new.steps]), min_size=count, max_size=count,
                                 unique=True))
        for step in new.steps:
            if step.id in gone_ids:
                continue
            if step.yes_target in gone_ids:
                expect.field(step.id, "jika_ya")
            if step.no_target in gone_ids:
                expect.field(step.id, "jika_tidak")
        model.delete_steps(new, gone_ids)
        expect.removed |= set(gone_ids)
    if len(new.steps) >= 4 and draw(st.booleans()):
        i = draw(st.integers(0, len(new.steps) - 1))
        j = draw(st.sampled_from([j for j in range(len(new.steps)) if abs(j - i) >= 2]))
        expect.moved.add(new.steps[i].id)
        model.move_step(new, i, j)
    editable = [s for s in new.steps]
    for step in draw(st.lists(st.sampled_from(editable), max_size=4, unique_by=lambda s: s.id)) if editable else []:
        key = draw(st.sampled_from(("kegiatan", "kelengkapan", "output", "keterangan", "label_ya", "label_tidak",
                                    "waktu", "simbol", "pelaksana")))
        if key in STEP_TEXT_FIELDS:
            attr = STEP_TEXT_FIELDS[key]
            setattr(step, attr, getattr(step, attr) + " tambahan")
        elif key == "waktu":
            step.waktu = model.Duration(value=(step.waktu.value or 0) + 7, unit="Menit")
        elif key == "simbol":
            step.symbol = draw(st.sampled_from([s for s in model.Symbol if s is not step.symbol]))
        elif key == "pelaksana":
            if not new.actors:
                continue
            actor = draw(st.sampled_from(new.actors))
            model.set_step_actor(new, new.steps.index(step), actor.id, actor.id not in step.actors)
        expect.field(step.id, key)
    for _ in range(draw(st.integers(0, 2))):
        step = model.insert_step(new, draw(st.integers(0, len(new.steps))), model.Step(kegiatan="Langkah sisipan"))
        expect.added.add(step.id)
    # A decision that pointed at a removed step and now points at another one.
    decisions = [s for s in new.steps if s.id not in expect.added and s.symbol is model.Symbol.DECISION]
    if decisions and draw(st.booleans()):
        step = draw(st.sampled_from(decisions))
        target = draw(st.sampled_from([model.END, None, *[s.id for s in new.steps]]))
        if target != step.yes_target:
            step.yes_target = target
            expect.field(step.id, "jika_ya")

    # Page settings.
    if draw(st.booleans()):
        new.page.paper = "F4" if new.page.paper != "F4" else "A4"
        expect.page.add("paper")
    if draw(st.booleans()):
        new.page.margin_top += 5
        expect.page.add("margin_top")
    return new, expect


@st.composite
def edited_pairs(draw):
    old = FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))].clone()
    new, expect = _edit(draw, old)
    return old, new, expect


def _reported(d):
    fields = {row.new_id: row.changed_keys() for row in d.steps if row.fields}
    return {
        "identity": {c.key for c in d.identity},
        "lists": {(c.box, c.kind, c.old_index, c.new_index) for c in d.lists},
        "actors": {(c.kind, c.old_name, c.new_name) for c in d.actors if c.kind != MOVED},
        "fields": fields,
        "added": {row.new_id for row in d.steps if row.kind == ADDED},
        "removed": {row.old_id for row in d.steps if row.kind == REMOVED},
        "moved": {row.new_id for row in d.steps if row.moved},
        "page": {c.key for c in d.page},
    }


@settings(max_examples=150)
@given(edited_pairs())
def test_generated_edits_come_back_exactly(pair):
    old, new, expect = pair
    d = diff_sops(old, new)
    got = _reported(d)
    assert got["identity"] == expect.identity
    assert got["lists"] == expect.lists
    assert got["actors"] == expect.actors
    assert got["added"] == expect.added
    assert got["removed"] == expect.removed
    assert got["moved"] == expect.moved
    assert got["fields"] == {k: v for k, v in expect.step_fields.items() if k not in expect.removed}
    assert got["page"] == expect.page
    # Every step of both versions is shown once, unchanged ones included.
    assert len(d.steps) == len(new.steps) + len(expect.removed)
    assert [r.new_index for r in d.steps if r.new_index is not None] == list(range(len(new.steps)))
    assert sorted(r.old_index for r in d.steps if r.old_index is not None) == list(range(len(old.steps)))
    nothing = not (expect.identity or expect.lists or expect.actors or expect.step_fields or expect.added
                   or expect.removed or expect.moved or expect.page)
    assert d.is_empty() == nothing
    assert (format_diff(d)[-1] == "Tidak ada perbedaan.") == nothing


@given(pair=edited_pairs())
def test_comparison_is_deterministic(pair):
    old, new, _expect = pair
    assert format_diff(diff_sops(old, new)) == format_diff(diff_sops(old.clone(), new.clone()))


@given(st.text(alphabet="ab c\n", max_size=30), st.text(alphabet="ab c\n", max_size=30))
def test_word_changes_rebuild_both_texts(old, new):
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.kind in (SAME, DELETED)) == old
    assert "".join(s.text for s in segments if s.kind in (SAME, INSERTED)) == new


def test_a_changed_word_is_marked_alone():
    segments = word_diff("Menyerahkan berkas kepada Kabag Umum", "Menyerahkan arsip kepada Kabag Umum")
    assert [(s.kind, s.text) for s in segments] == [
        (SAME, "Menyerahkan "), (DELETED, "berkas"), (INSERTED, "arsip"), (SAME, " kepada Kabag Umum")]


def test_same_version_has_no_differences(fixture_data):
    sop = sop_from_data(fixture_data)
    d = diff_sops(sop, sop.clone())
    assert d.is_empty()
    assert all(row.kind == UNCHANGED for row in d.steps)
    assert format_diff(d) == ["Tidak ada perbedaan."]


def test_moved_and_changed_step_reports_both():
    old = FIXTURES["contoh-peminjaman-arsip"].clone()
    new = old.clone()
    step = new.steps[0]
    step.output = "Formulir peminjaman terisi"
    model.move_step(new, 0, 3)
    row = next(r for r in diff_sops(old, new).steps if r.new_id == step.id)
    assert row.statuses == [MOVED, CHANGED]
    assert (row.old_index, row.new_index) == (0, 3)
    assert row.changed_keys() == {"output"}


def test_versions_without_shared_ids_are_matched_by_content():
    """Two files read from sop-fixture/1 carry no step ids: the steps are paired by their text and place."""
    base = FIXTURES["000_dca99833c4e40ed1"]
    data = sop_to_fixture(base)
    old = sop_from_data(data)
    edited = base.clone()
    edited.steps[2].keterangan = "Diperiksa ulang"
    edited.steps[4].kegiatan = edited.steps[4].kegiatan + " secara daring"
    model.insert_step(edited, 1, model.Step(kegiatan="Mencatat surat masuk", actors=[edited.actors[0].id]))
    new = sop_from_data(sop_to_fixture(edited))
    d = diff_sops(old, new)
    assert d.matched_by == "isi"
    assert [(r.kind, r.old_index, r.new_index) for r in d.changed_steps()] == [
        (ADDED, None, 1), (CHANGED, 2, 3), (CHANGED, 4, 5)]
    assert [r.changed_keys() for r in d.changed_steps()[1:]] == [{"keterangan"}, {"kegiatan"}]
    assert not d.actors


def test_text_names_every_kind_of_change():
    old = FIXTURES["contoh-peminjaman-arsip"].clone()
    new = old.clone()
    new.identity.nomor = "001/SOP/2025"
    new.identity.dasar_hukum.append("Peraturan baru")
    model.rename_actor(new, new.actors[0].id, "Petugas Layanan")
    model.add_actor(new, "Sekretaris")
    removed = new.steps[1].kegiatan
    model.delete_steps(new, [new.steps[1].id])
    model.insert_step(new, 0, model.Step(kegiatan="Menerima tamu"))
    new.steps[2].waktu = model.Duration(value=45, unit="Menit")
    new.page.landscape = not new.page.landscape
    text = "\n".join(format_diff(diff_sops(old, new)))
    assert f"Nomor SOP: \"{old.identity.nomor}\" → \"001/SOP/2025\"" in text
    assert f"Dasar Hukum, butir {len(new.identity.dasar_hukum)} ditambah: \"Peraturan baru\"" in text
    assert f"Diganti nama: \"{old.actors[0].name}\" → \"Petugas Layanan\"" in text
    assert "Ditambah: \"Sekretaris\"" in text
    assert f"Langkah 2 dihapus: \"{removed}\"" in text
    assert "Langkah 1 ditambah: \"Menerima tamu\"" in text
    assert "Mutu Baku: Waktu:" in text and "\"45 Menit\"" in text
    assert "Orientasi:" in text
    assert text.splitlines()[-1].startswith("Ringkasan: 1 langkah ditambah, 1 langkah dihapus")


@pytest.mark.parametrize("target, shown", [(model.END, "Keluar dari prosedur"), (None, "(belum dipilih)")])
def test_decision_target_text(target, shown):
    old = FIXTURES["contoh-peminjaman-arsip"].clone()
    index = 1
    old.steps[index].symbol = model.Symbol.DECISION
    old.steps[index].no_target = old.steps[3].id
    new = old.clone()
    new.steps[index].no_target = target
    assert f"      Jika Tidak: \"Langkah 4\" → \"{shown}\"" in format_diff(diff_sops(old, new))
