"""Document edit helpers: what the editor's step and actor commands rely on."""
import pytest

from sopdesk import model
from sopdesk.interchange import sop_from_fixture
from sopdesk.model import END, Duration, Symbol, parse_duration, resolved_symbol, split_pasted_lines

from .conftest import load_fixture


@pytest.fixture
def arsip():
    return sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))


def number_of(sop, step_id):
    return sop.step_index(step_id) + 1


def test_moving_steps_keeps_decision_targets_on_the_same_steps(arsip):
    decision = arsip.steps[2]  # step 3: Tidak goes back to step 1, Ya to step 4
    yes_text = arsip.step(decision.yes_target).kegiatan
    no_text = arsip.step(decision.no_target).kegiatan
    model.move_step(arsip, 0, 5)
    model.move_step(arsip, 8, 1)
    assert arsip.step(decision.yes_target).kegiatan == yes_text
    assert arsip.step(decision.no_target).kegiatan == no_text


def test_deleting_a_target_step_leaves_the_decision_without_that_target(arsip):
    decision = arsip.steps[2]
    model.delete_steps(arsip, [decision.no_target])
    assert decision.no_target is None
    assert number_of(arsip, decision.yes_target) == 3  # step 4 moved up to 3


def test_auto_symbols_follow_position_after_insert(arsip):
    assert resolved_symbol(arsip, 0) is Symbol.TERMINATOR
    model.insert_step(arsip, 0)
    assert resolved_symbol(arsip, 0) is Symbol.TERMINATOR
    assert resolved_symbol(arsip, 1) is Symbol.PROCESS  # the old first step is now in the middle
    assert resolved_symbol(arsip, len(arsip.steps) - 1) is Symbol.TERMINATOR


def test_duplicate_gets_its_own_id_and_same_content(arsip):
    twin = model.duplicate_step(arsip, 4)
    assert arsip.steps[5] is twin
    assert twin.id != arsip.steps[4].id
    assert twin.kegiatan == arsip.steps[4].kegiatan and twin.actors == arsip.steps[4].actors


def test_renaming_an_actor_keeps_its_steps(arsip):
    actor = arsip.actor_by_name("Pengelola Arsip")
    before = model.steps_using_actor(arsip, actor.id)
    model.rename_actor(arsip, actor.id, "Arsiparis")
    assert model.steps_using_actor(arsip, actor.id) == before
    assert arsip.actor_by_name("Arsiparis") is actor


def test_removing_an_actor_can_hand_its_steps_to_another(arsip):
    gone = arsip.actor_by_name("Kepala Bagian Umum")
    heir = arsip.actor_by_name("Kepala Subbagian Tata Usaha")
    used = model.steps_using_actor(arsip, gone.id)
    model.remove_actor(arsip, gone.id, heir.id)
    assert arsip.actor(gone.id) is None
    for i in used:
        assert arsip.steps[i].actors == [heir.id]


def test_removing_an_actor_without_heir_leaves_its_steps_without_it(arsip):
    gone = arsip.actor_by_name("Pemohon")
    model.remove_actor(arsip, gone.id)
    assert all(gone.id not in s.actors for s in arsip.steps)
    assert arsip.steps[0].actors == []  # step 1 had only Pemohon


def test_moving_an_actor_reorders_step_actor_lists(arsip):
    step8 = arsip.steps[7]
    names = lambda: [arsip.actor(a).name for a in step8.actors]  # noqa: E731
    assert names() == ["Pengelola Arsip", "Pemohon"]
    model.move_actor(arsip, 3, 0)
    assert names() == ["Pemohon", "Pengelola Arsip"]


def test_copy_output_to_next_step(arsip):
    arsip.steps[3].output = "Disposisi tertulis"
    assert model.copy_output_to_next(arsip, 3)
    assert arsip.steps[4].kelengkapan == "Disposisi tertulis"
    assert not model.copy_output_to_next(arsip, len(arsip.steps) - 1)


def test_successors_of_a_decision_and_the_last_step(arsip):
    assert model.successors(arsip, 2) == [("ya", arsip.steps[3].id), ("tidak", arsip.steps[0].id)]
    assert model.successors(arsip, 11) == [("next", None)]
    arsip.steps[2].yes_target = END
    assert model.successors(arsip, 2)[0] == ("ya", None)


def test_a_terminator_that_is_not_the_first_step_ends_the_procedure(arsip):
    # Before: a terminator ending a Ya/Tidak branch mid-table flowed on to the next row.
    arsip.steps[4].symbol = Symbol.TERMINATOR
    assert model.successors(arsip, 4) == [("next", None)]
    arsip.steps[0].symbol = Symbol.TERMINATOR
    assert model.successors(arsip, 0) == [("next", arsip.steps[1].id)]


@pytest.mark.parametrize(
    "text, items",
    [
        ("1. Undang-Undang A\n2. Peraturan B\n", ["Undang-Undang A", "Peraturan B"]),
        ("a) satu\n\n b. dua\n- tiga\n• empat", ["satu", "dua", "tiga", "empat"]),
        ("Pasal 5 ayat 1\n", ["Pasal 5 ayat 1"]),
        ("   \n", []),
    ],
)
def test_pasted_lines_become_items_without_their_numbering(text, items):
    assert split_pasted_lines(text) == items


@pytest.mark.parametrize(
    "text, value, unit",
    [("10 Menit", 10, "Menit"), ("1,5 jam", 1.5, "Jam"), ("2 hari kerja", 2, "Hari Kerja"), ("3 Bulan", 3, "Bulan")],
)
def test_times_are_read_leniently(text, value, unit):
    parsed = parse_duration(text)
    assert (parsed.value, parsed.unit) == (value, unit)


@pytest.mark.parametrize("text", ["Triwulan", "2 menit/berkas", "-", "sepuluh menit"])
def test_unreadable_times_are_kept_as_text(text):
    assert parse_duration(text) is None
    assert Duration.from_text(text) == Duration(text=text)


def test_structured_time_keeps_its_exact_spelling():
    assert Duration.from_text("10 Menit") == Duration(10, "Menit")
    assert Duration.from_text("10 menit") == Duration(text="10 menit")  # prints as typed
    assert Duration(1.5, "Jam").display() == "1,5 Jam"


def test_clone_is_a_deep_copy(arsip):
    from sopdesk.model import Logo

    arsip.identity.logo = Logo(b"png", "png")
    twin = arsip.clone()
    assert twin == arsip
    twin.identity.dasar_hukum.append("baru")
    twin.identity.unit_lines[0] = "lain"
    twin.identity.signer.nama = "lain"
    twin.actors[0].name = "lain"
    twin.steps[0].actors.append("x")
    twin.steps[0].waktu.unit = "Jam"
    twin.steps[1].kegiatan = "lain"
    twin.page.paper = "F4"
    twin.notes.append("lain")
    assert arsip != twin
    fresh = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    assert arsip.identity.dasar_hukum == fresh.identity.dasar_hukum
    assert arsip.identity.unit_lines == fresh.identity.unit_lines
    assert arsip.identity.signer == fresh.identity.signer
    assert [a.name for a in arsip.actors] == [a.name for a in fresh.actors]
    assert arsip.steps[0].actors == [arsip.actors[3].id]
    assert arsip.steps[0].waktu.unit == "Menit" and arsip.steps[1].kegiatan == fresh.steps[1].kegiatan
    assert arsip.page.paper == "A4" and arsip.notes == fresh.notes
