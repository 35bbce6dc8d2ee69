"""Validation: real SOPs pass without errors, and each rule reports exactly its problem at the right place."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopdesk.interchange import sop_from_data
from sopdesk.layout.columns import actor_column_width_mm
from sopdesk.model import END, Actor, Duration, IdLabel, Sop, Step, Symbol, add_actor, delete_steps, rename_actor
from sopdesk.validation import Problem, Severity, Target, has_errors, sorted_problems, validate

from .conftest import load_fixture

W, E = Severity.WARNING, Severity.ERROR


def arsip() -> Sop:
    """The synthetic fixture: validates clean, and has loops, forward branches and a two-actor step."""
    return sop_from_data(load_fixture("contoh-peminjaman-arsip"))


def step_problem(sop: Sop, severity: Severity, code: str, number: int, field: str, message: str) -> Problem:
    return Problem(severity, message, Target("step", field, item_id=sop.steps[number - 1].id), code)


# ---- the real fixtures ------------------------------------------------------------------------


def test_no_fixture_has_errors(fixture_data):
    problems = validate(sop_from_data(fixture_data))
    assert [p for p in problems if p.severity is E] == []
    assert not has_errors(problems)


@pytest.mark.parametrize("name", ["000_dca99833c4e40ed1", "contoh-peminjaman-arsip"])
def test_complete_fixtures_are_clean(name):
    assert validate(sop_from_data(load_fixture(name))) == []


@pytest.mark.parametrize("name", ["001_71e1f31e4a04122a", "002_497329db9dcea2b8"])
def test_sops_ending_on_a_decision_get_exactly_two_warnings(name):
    sop = sop_from_data(load_fixture(name))
    assert validate(sop) == [
        step_problem(sop, W, "last-not-terminator", 5, "symbol",
                     "Langkah 5: langkah terakhir sebaiknya bersimbol Terminator (sekarang Keputusan)."),
        step_problem(sop, W, "decision-leaves", 5, "yes_target", 'Langkah 5: cabang "Ya" keluar dari prosedur.'),
    ]


def test_a_new_document_only_warns():
    problems = validate(Sop())
    assert not has_errors(problems)
    assert [p.code for p in problems] == ["identity-empty"] * 6 + ["no-actors", "no-steps"]


# ---- identity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, label",
    [
        ("instansi", "Instansi"),
        ("nomor", "Nomor SOP"),
        ("nama", "Nama SOP"),
        ("tanggal_efektif", "Tanggal Efektif"),
        ("signer.jabatan", "Jabatan pengesah"),
        ("signer.nama", "Nama pengesah"),
    ],
)
def test_empty_required_identity_field_is_a_warning_on_that_field(field, label):
    sop = arsip()
    owner = sop.identity.signer if field.startswith("signer.") else sop.identity
    attr = field.removeprefix("signer.")
    setattr(owner, attr, None if attr.startswith("tanggal") else "   ")
    assert validate(sop) == [Problem(W, f"{label} belum diisi.", Target("identity", field), "identity-empty")]


def test_pengesahan_style_asks_for_tanggal_pengesahan_instead_of_efektif():
    sop = arsip()
    sop.identity.use_pengesahan = True
    sop.identity.tanggal_efektif = None
    assert validate(sop) == [
        Problem(W, "Tanggal Pengesahan belum diisi.", Target("identity", "tanggal_pengesahan"), "identity-empty")
    ]
    sop.identity.tanggal_pengesahan = dt.date(2026, 2, 2)
    assert validate(sop) == []


def test_nip_must_have_18_digits():
    sop = arsip()
    sop.identity.signer.id_number = "1975010120000320"
    assert validate(sop) == [
        Problem(W, 'NIP pengesah harus terdiri atas 18 angka; tertulis "1975010120000320".',
                Target("identity", "signer.id_number"), "nip-length")
    ]
    sop.identity.signer.id_number = "19750101 200003 2 001"  # printed in groups: still 18 digits
    assert validate(sop) == []
    sop.identity.signer.id_number = ""  # not given yet: nothing to check
    assert validate(sop) == []


@pytest.mark.parametrize("label", [IdLabel.NRP, IdLabel.NONE])
def test_short_numbers_are_fine_when_the_label_is_not_nip(label):
    sop = arsip()
    sop.identity.signer.id_label = label
    sop.identity.signer.id_number = "507778"
    assert validate(sop) == []


def test_revision_number_without_revision_date():
    sop = arsip()
    sop.identity.revisi_ke = 2
    assert validate(sop) == [
        Problem(W, "Revisi ke-2 diisi, tetapi Tanggal Revisi belum diisi.", Target("identity", "tanggal_revisi"),
                "revision-date")
    ]
    sop.identity.tanggal_revisi = dt.date(2026, 3, 1)
    assert validate(sop) == []


def test_blank_box_item_points_at_its_index():
    sop = arsip()
    sop.identity.peralatan_perlengkapan.insert(1, "  ")
    assert validate(sop) == [
        Problem(W, "Peralatan/Perlengkapan: butir 2 kosong.", Target("list", "peralatan_perlengkapan", index=1),
                "list-item-empty")
    ]


# ---- actors and page ----------------------------------------------------------------------------


def test_no_actors_and_no_steps_are_warnings():
    sop = arsip()
    sop.actors, sop.steps = [], []
    assert validate(sop) == [
        Problem(W, "Belum ada pelaksana.", Target("actors"), "no-actors"),
        Problem(W, "Belum ada langkah kegiatan.", Target("step"), "no-steps"),
    ]


def test_unnamed_actor():
    sop = arsip()
    rename_actor(sop, sop.actors[1].id, " ")
    assert validate(sop) == [
        Problem(W, "Pelaksana ke-2 belum bernama.", Target("actors", item_id=sop.actors[1].id), "actor-unnamed")
    ]


def test_duplicate_actor_name_points_at_the_second_one():
    sop = arsip()
    rename_actor(sop, sop.actors[2].id, sop.actors[0].name)
    assert validate(sop) == [
        Problem(W, 'Nama pelaksana "Kepala Bagian Umum" dipakai lebih dari sekali.',
                Target("actors", item_id=sop.actors[2].id), "actor-duplicate")
    ]


def test_actor_without_steps():
    sop = arsip()
    satpam = add_actor(sop, "Satpam")
    assert validate(sop) == [
        Problem(W, 'Pelaksana "Satpam" tidak dipakai oleh langkah mana pun.', Target("actors", item_id=satpam.id),
                "actor-unused")
    ]


def test_too_many_actors_for_the_page_and_wider_paper_fixes_it():
    sop = arsip()
    extra = [add_actor(sop, f"Pejabat {n}") for n in range(1, 6)]
    sop.steps[7].actors.extend(a.id for a in extra)  # every column used, so only the width complains
    width = actor_column_width_mm(sop.page, 9)
    assert width < 15  # nine actors do not fit A4 landscape
    shown = f"{width:.1f}".replace(".", ",")  # Indonesian decimal comma
    assert validate(sop) == [
        Problem(W, f"9 pelaksana terlalu banyak untuk kertas A4 lanskap: kolom pelaksana hanya {shown} mm "
                   "(minimal 15,0 mm). Kurangi pelaksana atau pilih kertas yang lebih lebar.",
                Target("page", "paper"), "actors-too-narrow")
    ]
    sop.page.paper = "Legal"
    assert actor_column_width_mm(sop.page, 9) >= 15
    assert validate(sop) == []


# ---- steps --------------------------------------------------------------------------------------


def test_step_without_actor_is_an_error():
    sop = arsip()
    sop.steps[3].actors = []
    assert validate(sop) == [step_problem(sop, E, "step-no-actor", 4, "actors", "Langkah 4: belum ada pelaksana.")]


def test_step_whose_actor_was_removed_is_an_error():
    sop = Sop(actors=[Actor("Pemohon", id="a")], steps=[Step("Mengajukan", actors=["hilang"])])
    problems = validate(sop)
    assert [p.code for p in problems if p.severity is E] == ["step-no-actor"]


def test_empty_kegiatan():
    sop = arsip()
    sop.steps[1].kegiatan = " "
    assert validate(sop) == [
        step_problem(sop, W, "kegiatan-empty", 2, "kegiatan", "Langkah 2: uraian kegiatan masih kosong.")
    ]


def test_decision_without_target_is_an_error_and_names_the_branch():
    sop = arsip()
    sop.steps[2].no_target = None
    assert validate(sop) == [
        step_problem(sop, E, "decision-target-missing", 3, "no_target",
                     'Langkah 3: keputusan belum punya tujuan "Tidak".')
    ]
    sop.steps[2].no_target = sop.steps[0].id
    sop.steps[2].yes_label = "Lengkap"
    sop.steps[2].yes_target = None
    assert validate(sop) == [
        step_problem(sop, E, "decision-target-missing", 3, "yes_target",
                     'Langkah 3: keputusan belum punya tujuan "Lengkap".')
    ]


def test_deleting_a_target_step_leaves_the_decision_in_error():
    sop = arsip()
    delete_steps(sop, [sop.steps[10].id])  # step 11 was the Tidak of step 10
    assert [(p.severity, p.code, p.target.field) for p in validate(sop)] == [
        (E, "decision-target-missing", "no_target")
    ]


def test_decision_pointing_at_itself_is_an_error():
    sop = arsip()
    sop.steps[4].yes_target = sop.steps[4].id
    assert validate(sop) == [
        step_problem(sop, E, "decision-target-self", 5, "yes_target",
                     'Langkah 5: cabang "Ya" menunjuk ke langkah ini sendiri.')
    ]


def test_decision_pointing_outside_the_sop_is_an_error():
    sop = arsip()
    sop.steps[2].no_target = "langkah-yang-sudah-dihapus"
    assert validate(sop) == [
        step_problem(sop, E, "decision-target-unknown", 3, "no_target",
                     'Langkah 3: cabang "Tidak" menunjuk ke langkah yang tidak ada dalam SOP ini.')
    ]


def test_branch_leaving_the_procedure_is_only_a_warning():
    sop = arsip()
    sop.steps[2].no_target = END
    assert validate(sop) == [
        step_problem(sop, W, "decision-leaves", 3, "no_target", 'Langkah 3: cabang "Tidak" keluar dari prosedur.')
    ]


def test_first_step_not_a_terminator():
    sop = arsip()
    sop.steps[0].symbol = Symbol.PROCESS
    assert validate(sop) == [
        step_problem(sop, W, "first-not-terminator", 1, "symbol",
                     "Langkah 1: langkah pertama sebaiknya bersimbol Terminator (sekarang Proses).")
    ]


def test_last_step_not_a_terminator():
    sop = arsip()
    sop.steps[-1].symbol = Symbol.PROCESS
    assert validate(sop) == [
        step_problem(sop, W, "last-not-terminator", 12, "symbol",
                     "Langkah 12: langkah terakhir sebaiknya bersimbol Terminator (sekarang Proses).")
    ]


def test_single_step_is_first_and_last_terminator():
    sop = arsip()
    sop.steps = sop.steps[:1]
    # Three actors lose their only steps; a lone AUTO step is drawn as a terminator, so nothing else.
    assert {p.code for p in validate(sop)} == {"actor-unused"}


def test_step_no_path_reaches():
    sop = arsip()
    sop.steps[4].no_target = sop.steps[6].id  # step 6 was reached only through this branch
    assert validate(sop) == [
        step_problem(sop, W, "step-unreachable", 6, "kegiatan",
                     "Langkah 6: tidak ada alur dari langkah 1 yang sampai ke langkah ini.")
    ]


def test_unset_target_does_not_also_flag_the_steps_behind_it():
    sop = arsip()
    sop.steps[4].no_target = None  # step 6 becomes unreachable, but the unset target is the real problem
    assert [p.code for p in validate(sop)] == ["decision-target-missing"]


def test_unreadable_time():
    sop = arsip()
    sop.steps[1].waktu = Duration(text="sebentar saja")
    problems = validate(sop)
    assert [(p.severity, p.code, p.target) for p in problems] == [
        (W, "waktu-unreadable", Target("step", "waktu", item_id=sop.steps[1].id))
    ]
    assert problems[0].message.startswith('Langkah 2: waktu "sebentar saja" tidak terbaca')
    assert '"10 Menit"' in problems[0].message


@pytest.mark.parametrize("text", ["2 hari kerja", "1,5  JAM", "", "   "])
def test_times_written_loosely_still_read(text):
    sop = arsip()
    sop.steps[1].waktu = Duration(text=text)
    assert validate(sop) == []


def test_errors_sort_before_warnings_and_keep_document_order():
    sop = arsip()
    sop.steps[1].kegiatan = ""
    sop.steps[3].actors = []
    sop.steps[2].yes_target = None
    problems = sorted_problems(validate(sop))
    assert [(p.severity, p.message.split(":")[0]) for p in problems] == [
        (E, "Langkah 3"), (E, "Langkah 4"), (W, "Langkah 2")
    ]
    assert has_errors(problems) and not has_errors(problems[2:])


# ---- any document, however odd ------------------------------------------------------------------


@st.composite
def odd_sops(draw) -> Sop:
    actors = [Actor(draw(st.sampled_from(["", "A", "B"]))) for _ in range(draw(st.integers(0, 4)))]
    count = draw(st.integers(0, 8))
    ids = [f"s{i}" for i in range(count)]
    target = st.sampled_from([None, END, "hilang", *ids])
    steps = [
        Step(
            kegiatan=draw(st.sampled_from(["", "Memeriksa"])),
            actors=draw(st.lists(st.sampled_from([a.id for a in actors] + ["hilang"]), max_size=2)),
            symbol=draw(st.sampled_from(list(Symbol))),
            yes_target=draw(target),
            no_target=draw(target),
            waktu=Duration(text=draw(st.sampled_from(["", "5 menit", "lama"]))),
            id=ids[i],
        )
        for i in range(count)
    ]
    return Sop(actors=actors, steps=steps)


@settings(max_examples=150)
@given(odd_sops())
def test_any_document_validates_and_every_target_exists(sop):
    problems = validate(sop)
    step_ids = {s.id for s in sop.steps}
    actor_ids = {a.id for a in sop.actors}
    for p in problems:
        assert p.message and p.severity in (E, W)
        if p.target.area == "step" and p.target.item_id:
            assert p.target.item_id in step_ids
        if p.target.area == "actors" and p.target.item_id:
            assert p.target.item_id in actor_ids
    # An error always means something the flowchart cannot draw.
    decisions_ok = all(
        t == END or (t in step_ids and t != s.id)
        for s in sop.steps
        if s.symbol is Symbol.DECISION
        for t in (s.yes_target, s.no_target)
    )
    everyone_has_actor = all(set(s.actors) & actor_ids for s in sop.steps)
    if decisions_ok and everyone_has_actor:
        assert not has_errors(problems)
