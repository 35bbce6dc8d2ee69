"""Total time: hand-worked cases (loops, branches that leave, terminators, unreadable and mixed units)."""
from __future__ import annotations

import json
import math
import random

import pytest

from sopdesk.interchange import sop_from_native, sop_to_native
from sopdesk.model import END, Actor, Duration, PageSettings, Sop, Step, Symbol, successors
from sopdesk.total_time import (
    TimeRules,
    details,
    duration_text,
    notes,
    number,
    printed_note,
    printed_total,
    step_minutes,
    summary,
    total_time,
)


def make(times, decisions=None, terminators=()):
    """Steps with these Waktu texts; decisions: {step number: (Ya, Tidak)} as step numbers, END or None."""
    actor = Actor("Staf")
    steps = [Step(kegiatan=f"Langkah {i + 1}", actors=[actor.id], waktu=Duration.from_text(t) if t else Duration())
             for i, t in enumerate(times)]
    for number_, (yes, no) in (decisions or {}).items():
        step = steps[number_ - 1]
        step.symbol = Symbol.DECISION
        step.yes_target, step.no_target = (
            END if t == END else None if t is None else steps[t - 1].id for t in (yes, no))
    for number_ in terminators:
        steps[number_ - 1].symbol = Symbol.TERMINATOR
    return Sop(actors=[actor], steps=steps)


# ---- units ------------------------------------------------------------------------------------


def test_a_straight_procedure_adds_up_its_mixed_units():
    result = total_time(make(["10 Menit", "1,5 Jam", "2 Hari Kerja"]))
    assert result.shortest == result.longest == 10 + 90 + 2 * 450
    assert summary(result) == "Jumlah waktu 2 hari kerja 1 jam 40 menit (16,67 jam)."


@pytest.mark.parametrize("text, minutes", [
    ("1 Hari", 450), ("1 Minggu", 5 * 450), ("2 Bulan", 2 * 20 * 450), ("30 mnt", 30), ("3 HK", 3 * 450),
    ("0,5 jam", 30),
])
def test_each_unit_turns_into_minutes_with_the_default_rules(text, minutes):
    assert step_minutes(Duration.from_text(text), TimeRules()) == pytest.approx(minutes)


def test_the_sops_own_rules_change_the_total():
    sop = make(["1 Hari Kerja", "1 Minggu", "1 Hari"])
    sop.page.workday_hours, sop.page.week_workdays, sop.page.day_workdays = 8.0, 6.0, 5 / 7
    result = total_time(sop)
    assert result.shortest == pytest.approx(480 + 6 * 480 + 480 * 5 / 7)
    assert "1 hari kerja = 8 jam" in printed_note(result)


def test_rules_that_are_not_positive_numbers_fall_back_to_the_defaults():
    page = PageSettings()
    page.workday_hours, page.week_workdays, page.month_workdays = 0.0, float("nan"), "banyak"
    assert TimeRules.of(page) == TimeRules()


def test_a_structured_time_with_a_lower_case_unit_from_another_program_is_read():
    assert step_minutes(Duration(value=5, unit="menit"), TimeRules()) == 5
    assert step_minutes(Duration(value=5, unit="Tahun"), TimeRules()) is None
    assert step_minutes(Duration(value=-5, unit="Menit"), TimeRules()) is None


# ---- routes -----------------------------------------------------------------------------------


def test_a_loop_is_gone_round_once_more_for_the_longest_time():
    # 3 "Lengkap?" Tidak -> back to 2.
    result = total_time(make(["10 Menit", "20 Menit", "5 Menit", "15 Menit"], {3: (4, 2)}))
    assert result.shortest == 50
    assert result.longest == 50 + 20 + 5  # steps 2 and 3 once more
    assert result.loops == 1


def test_nested_loops_count_the_inner_steps_in_the_outer_extra_pass_but_do_not_repeat_the_inner_loop():
    # Powers of ten: each digit of the total says how often that step is counted.
    sop = make(["1 Menit", "10 Menit", "100 Menit", "1000 Menit", "10000 Menit", "100000 Menit"],
               {4: (5, 3), 5: (6, 2)})
    result = total_time(sop)
    assert result.shortest == 111111
    assert result.longest == 123321  # step 6 once, 5 twice, 4 and 3 three times, 2 twice, 1 once
    assert result.loops == 2


def test_two_loops_back_to_the_same_step():
    sop = make(["1 Menit", "10 Menit", "100 Menit", "1000 Menit", "10000 Menit"], {3: (4, 2), 4: (5, 2)})
    assert total_time(sop).longest == 12331  # step 5 once, 4 twice, 3 and 2 three times, 1 once


def test_a_branch_that_leaves_the_procedure_is_the_shortest_route():
    result = total_time(make(["10 Menit", "5 Menit", "1 Jam", "10 Menit"], {2: (3, END)}))
    assert (result.shortest, result.longest) == (15, 85)


def test_a_terminator_in_the_middle_ends_its_branch():
    sop = make(["5 Menit", "5 Menit", "30 Menit", "5 Menit", "100 Menit", "5 Menit"], {2: (3, 5)}, terminators=[4])
    result = total_time(sop)
    assert (result.shortest, result.longest) == (45, 115)  # 1-2-3-4 ends; 1-2-5-6


def test_the_example_sentence():
    result = total_time(make(["30 Menit", "2 Jam", "22 Jam", ""], {2: (3, END)}))
    assert summary(result) == ("Paling cepat 2 jam 30 menit (0,33 hari kerja), "
                               "paling lama 3 hari kerja 2 jam (24,5 jam).")
    assert printed_total(result) == "2 jam 30 menit s.d. 3 hari kerja 2 jam"
    assert "Paling lama: 1470 menit = 24,5 jam = 3,27 hari kerja." in details(result)


# ---- what the total leaves out --------------------------------------------------------------


def test_unreadable_and_empty_times_count_as_nothing_and_are_named():
    sop = make(["10 Menit", "2 menit/berkas", "", "-", "5 Menit"])
    result = total_time(sop)
    assert result.shortest == 15
    assert result.unreadable == [(1, "2 menit/berkas"), (3, "-")]
    assert result.empty == [2]
    assert notes(result)[0] == "Waktu tidak terbaca, tidak dihitung: langkah 2 (\"2 menit/berkas\"), 4 (\"-\")."
    assert "Belum ada waktu: langkah 3." in notes(result)
    assert printed_note(result) == "1 hari kerja = 7,5 jam; tanpa langkah 2 dan 4 (waktu tidak terbaca)"


def test_a_decision_without_a_target_is_named_and_its_branch_not_followed():
    result = total_time(make(["10 Menit", "5 Menit", "1 Jam", "10 Menit"], {2: (3, None)}))
    assert result.unset == [1]
    assert result.shortest == result.longest == 85


def test_an_sop_without_steps():
    result = total_time(Sop())
    assert not result.computed and result.step_count == 0
    assert summary(result) == "Jumlah waktu: belum ada langkah."


def test_a_procedure_that_never_ends_cannot_be_added_up():
    result = total_time(make(["10 Menit", "5 Menit"], {2: (1, 1)}))
    assert not result.computed
    assert "tidak ada alur dari langkah 1 yang sampai ke akhir prosedur" in summary(result)
    assert printed_total(result) == "-"


# ---- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [(990, "990"), (0.3333, "0,33"), (24.5, "24,5"), (7.0, "7"), (-0.001, "0")])
def test_numbers_are_written_with_a_decimal_comma(value, text):
    assert number(value) == text


@pytest.mark.parametrize("minutes, text", [(0, "0 menit"), (59.6, "1 jam"), (450, "1 hari kerja"),
                                           (451, "1 hari kerja 1 menit"), (1470, "3 hari kerja 2 jam")])
def test_duration_text(minutes, text):
    assert duration_text(minutes, TimeRules()) == text


# ---- the rules are kept with the SOP -------------------------------------------------------------


def test_the_row_setting_and_rules_survive_the_native_format():
    sop = make(["10 Menit"])
    sop.page.total_time_row, sop.page.workday_hours, sop.page.month_workdays = True, 8.0, 22.0
    back = sop_from_native(json.loads(json.dumps(sop_to_native(sop))))
    assert back.page == sop.page


def test_files_from_before_the_total_time_get_the_defaults():
    data = sop_to_native(make(["10 Menit"]))
    for key in ("total_time_row", "workday_hours", "week_workdays", "month_workdays", "day_workdays"):
        del data["page"][key]
    data["page"]["workday_hours"] = "tujuh"
    page = sop_from_native(data).page
    assert (page.total_time_row, page.workday_hours, page.week_workdays) == (False, 7.5, 5.0)


# ---- against an exhaustive search ------------------------------------------------------------------


def _walks(weights, arrows, loop_arrows):
    """Every route from step 1 to an end that follows each loop arrow at most once: (fastest, slowest)."""
    fastest, slowest = math.inf, -math.inf

    def go(here, time, used, depth):
        nonlocal fastest, slowest
        if depth > 60:
            return
        for there in arrows[here]:
            if there < 0:
                fastest, slowest = min(fastest, time), max(slowest, time)
                continue
            arrow = (here, there)
            if arrow in loop_arrows:
                if arrow not in used:
                    go(there, time + weights[there], used | {arrow}, depth + 1)
            else:
                go(there, time + weights[there], used, depth + 1)

    go(0, weights[0], frozenset(), 0)
    return fastest, slowest


def _loop_arrows(arrows):
    """Arrows back to a step still on a depth-first walk from step 1 (arrows in table order)."""
    state, found = [0] * len(arrows), set()

    def visit(here):
        state[here] = 1
        for there in sorted(t for t in arrows[here] if t >= 0):
            if state[there] == 1:
                found.add((here, there))
            elif state[there] == 0:
                visit(there)
        state[here] = 2

    visit(0)
    return found


def test_random_procedures_agree_with_an_exhaustive_search():
    rng = random.Random(11)
    checked = 0
    while checked < 400:
        n = rng.randint(2, 10)
        times = [f"{rng.randint(0, 9)} Menit" for _ in range(n)]
        decisions = {}
        for number_ in range(2, n):
            if rng.random() < 0.3:
                later = rng.randint(number_ + 1, n)
                other = rng.randint(1, number_ - 1) if rng.random() < 0.6 else rng.choice([END, later])
                decisions[number_] = (number_ + 1, other)
        sop = make(times, decisions)
        weights = [int(t.split()[0]) for t in times]
        index = {s.id: i for i, s in enumerate(sop.steps)}
        arrows = [[-1 if t is None else index[t] for _k, t in successors(sop, i)] for i in range(n)]
        loops = _loop_arrows(arrows)
        # Each loop has a way out other than going back: the procedures a user draws.
        if len(loops) > 3 or any(all(t >= 0 and (u, t) in loops for t in arrows[u]) for u, _ in loops):
            continue
        checked += 1
        fastest, slowest = _walks(weights, arrows, loops)
        result = total_time(sop)
        assert result.shortest == fastest
        assert result.longest == slowest
        assert result.longest >= result.shortest
