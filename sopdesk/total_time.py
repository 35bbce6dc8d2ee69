"""Total time of an SOP: the shortest and longest time from step 1 to an end, from each step's Waktu.

How it counts (the same for the window, the printed "Jumlah waktu" row and the tests):
- a route starts at step 1 and follows the flows of model.successors(): the next row, or a
  decision's Ya and Tidak targets; it ends where a flow leaves the procedure (the last step, a
  terminator in the middle of the table, a branch set to "Keluar dari prosedur");
- paling cepat: the quickest route to an end; going round a loop never makes a route quicker;
- paling lama: the slowest route to an end in which every loop is gone round once more. A loop is
  an arrow back to a step the route has already passed (found by a depth-first walk from step 1
  over the rows in table order, so "kembali ke langkah 3" from step 6 is the loop 3-6). Each such
  arrow is followed at most once, so the steps of the loop are counted one extra time; when loops
  are nested, the extra pass of the outer loop passes the inner loop's steps again but does not
  go round the inner loop a second time;
- every time is turned into minutes with the SOP's rules (TimeRules): 1 hari kerja = 7,5 jam,
  1 minggu = 5 hari kerja, 1 bulan = 20 hari kerja and 1 hari = 1 hari kerja unless changed;
- a Waktu that does not read as a number and a unit ("2 menit/berkas", "-") counts as nothing and
  the step is named; so are steps with no Waktu, and decisions whose branch has no target yet
  (that branch is not followed).
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from .model import END, Duration, PageSettings, Sop, Symbol, parse_duration, resolved_symbol, successors

MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class TimeRules:
    """How units turn into each other; the defaults follow 37,5 working hours over a 5-day week."""

    workday_hours: float = 7.5  # 1 Hari Kerja = 7,5 Jam
    week_workdays: float = 5.0  # 1 Minggu = 5 Hari Kerja
    month_workdays: float = 20.0  # 1 Bulan = 4 minggu = 20 Hari Kerja
    day_workdays: float = 1.0  # 1 Hari = 1 Hari Kerja (a day in an SOP is a working day)

    @classmethod
    def of(cls, page: PageSettings) -> TimeRules:
        """The rules kept in the SOP's page settings; a value that is not a positive number takes the default."""
        base = cls()
        values = {}
        for name in ("workday_hours", "week_workdays", "month_workdays", "day_workdays"):
            value = getattr(page, name, getattr(base, name))
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
            values[name] = float(value) if ok else getattr(base, name)
        return cls(**values)

    @property
    def workday_minutes(self) -> float:
        return self.workday_hours * MINUTES_PER_HOUR

    def unit_minutes(self, unit: str) -> float | None:
        """Minutes in one of a unit of model.TIME_UNITS; None for any other unit."""
        day = self.workday_minutes
        return {
            "Menit": 1.0,
            "Jam": MINUTES_PER_HOUR,
            "Hari Kerja": day,
            "Hari": day * self.day_workdays,
            "Minggu": day * self.week_workdays,
            "Bulan": day * self.month_workdays,
        }.get(unit)

    def basis(self) -> str:
        """The rules in words, for the window and the printed row."""
        return (f"1 hari kerja = {number(self.workday_hours)} jam; 1 minggu = {number(self.week_workdays)} hari kerja; "
                f"1 bulan = {number(self.month_workdays)} hari kerja; 1 hari = {number(self.day_workdays)} hari kerja")


def step_minutes(waktu: Duration, rules: TimeRules) -> float | None:
    """The minutes of one Waktu: 0 when empty, None when it cannot be read as a time."""
    if waktu.value is None:
        if not waktu.text.strip():
            return 0.0
        parsed = parse_duration(waktu.text)
        if parsed is None:
            return None
        waktu = parsed
    value = waktu.value
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    per_unit = rules.unit_minutes(waktu.unit)
    if per_unit is None:  # a unit written by another program: read it as typed text would be
        parsed = parse_duration(f"1 {waktu.unit}")
        per_unit = rules.unit_minutes(parsed.unit) if parsed is not None else None
    return None if per_unit is None else value * per_unit


@dataclass
class TotalTime:
    """What total_time() found; minutes are None when no route from step 1 reaches an end."""

    rules: TimeRules
    step_count: int = 0
    shortest: float | None = None
    longest: float | None = None
    loops: int = 0
    """Loops on some route that the longest time goes round once more."""
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    """(step index, the text) of every Waktu that is not a time; counted as nothing."""
    empty: list[int] = field(default_factory=list)
    """Steps without a Waktu."""
    unset: list[int] = field(default_factory=list)
    """Decisions with a branch that has no target yet; that branch is not followed."""

    @property
    def computed(self) -> bool:
        return self.shortest is not None and self.longest is not None


def total_time(sop: Sop, rules: TimeRules | None = None) -> TotalTime:
    rules = rules or TimeRules.of(sop.page)
    n = len(sop.steps)
    result = TotalTime(rules, n)
    if n == 0:
        return result
    weights = []
    for index, step in enumerate(sop.steps):
        minutes = step_minutes(step.waktu, rules)
        if minutes is None:
            result.unreadable.append((index, step.waktu.display().strip()))
        elif step.waktu.is_empty():
            result.empty.append(index)
        weights.append(minutes or 0.0)
    position: dict[str, int] = {}
    for index, step in enumerate(sop.steps):
        position.setdefault(step.id, index)
    # Arrows of each step: a step index, or -1 for the end of the procedure.
    arrows: list[list[int]] = []
    for index, step in enumerate(sop.steps):
        out = [-1 if target is None else position[target] for _kind, target in successors(sop, index)]
        arrows.append(out)
        if resolved_symbol(sop, index) is Symbol.DECISION and any(
                t is None or (t != END and t not in position) for t in (step.yes_target, step.no_target)):
            result.unset.append(index)
    result.shortest = _shortest(weights, arrows)
    if result.shortest is not None:
        result.longest, result.loops = _longest(weights, arrows)
    return result


def _shortest(weights: list[float], arrows: list[list[int]]) -> float | None:
    """Dijkstra over steps; a route's time is the sum of its steps' times."""
    best = [math.inf] * len(weights)
    best[0] = weights[0]
    queue = [(weights[0], 0)]
    finish = math.inf
    while queue:
        time, here = heapq.heappop(queue)
        if time > best[here] or time >= finish:
            continue
        for there in arrows[here]:
            if there < 0:
                finish = min(finish, time)
            elif time + weights[there] < best[there]:
                best[there] = time + weights[there]
                heapq.heappush(queue, (best[there], there))
    return None if math.isinf(finish) else finish


def _longest(weights: list[float], arrows: list[list[int]]) -> tuple[float | None, int]:
    """Slowest route to an end, each loop gone round once more; also how many loops were found."""
    n = len(weights)
    # Depth-first from step 1, arrows in table order: an arrow to a step still on the walk closes a loop.
    state = [0] * n  # 0 unseen, 1 on the walk, 2 done
    postorder: list[int] = []
    loops: list[tuple[int, int]] = []  # (from, back to)
    forward: list[list[int]] = [[] for _ in range(n)]
    state[0] = 1
    stack = [(0, iter(sorted(arrows[0], key=_table_order)))]
    while stack:
        here, pending = stack[-1]
        there = next(pending, None)
        if there is None:
            stack.pop()
            state[here] = 2
            postorder.append(here)
        elif there < 0:
            forward[here].append(there)
        elif state[there] == 1:
            loops.append((here, there))
        else:
            forward[here].append(there)
            if state[there] == 0:
                state[there] = 1
                stack.append((there, iter(sorted(arrows[there], key=_table_order))))
    order = postorder[::-1]  # a topological order of the arrows that are not loops
    rank = {step: k for k, step in enumerate(order)}
    extra = [0.0] * n
    by_target: dict[int, list[int]] = {}
    for source, target in loops:
        by_target.setdefault(target, []).append(source)
    for target, sources in by_target.items():
        reach = _slowest_from(target, order[rank[target]:], weights, forward, n)
        for source in sources:
            # The walk reached `source` from `target`, so a route between them exists.
            extra[source] += reach[source]
    slowest = [-math.inf] * n
    for here in postorder:  # every step after the steps it leads to
        best = -math.inf
        for there in forward[here]:
            best = max(best, 0.0 if there < 0 else slowest[there])
        if best > -math.inf:
            slowest[here] = weights[here] + extra[here] + best
    return (None if math.isinf(slowest[0]) else slowest[0]), len(loops)


def _table_order(there: int) -> int:
    return there if there >= 0 else 1 << 30


def _slowest_from(start: int, order: list[int], weights: list[float], forward: list[list[int]],
                  n: int) -> list[float]:
    """Slowest time from `start` to each step (both included) over arrows that are not loops."""
    reach = [-math.inf] * n
    reach[start] = weights[start]
    for here in order:
        if reach[here] == -math.inf:
            continue
        for there in forward[here]:
            if there >= 0 and reach[here] + weights[there] > reach[there]:
                reach[there] = reach[here] + weights[there]
    return reach


# ---- words ---------------------------------------------------------------------------------


def number(value: float, decimals: int = 2) -> str:
    """1,5 / 0,33 / 24: Indonesian decimal comma, no trailing zeros."""
    text = f"{round(value, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text).replace(".", ",")


def duration_text(minutes: float, rules: TimeRules) -> str:
    """"3 hari kerja 2 jam 30 menit": whole working days, hours and minutes (rounded to the minute)."""
    total = math.floor(minutes + 0.5)
    day = max(round(rules.workday_minutes), 1)
    days, rest = divmod(total, day)
    hours, mins = divmod(rest, int(MINUTES_PER_HOUR))
    parts = [f"{days} hari kerja" if days else "", f"{hours} jam" if hours else "", f"{mins} menit" if mins else ""]
    return " ".join(p for p in parts if p) or "0 menit"


def _with_other_unit(minutes: float, rules: TimeRules) -> str:
    """The mixed text and, in brackets, the same time in working days (under a day) or in hours."""
    text = duration_text(minutes, rules)
    if minutes <= 0:
        return text
    if minutes < rules.workday_minutes:
        return f"{text} ({number(minutes / rules.workday_minutes)} hari kerja)"
    return f"{text} ({number(minutes / MINUTES_PER_HOUR)} jam)"


def summary(result: TotalTime) -> str:
    """One sentence for the window: "Paling cepat 2 jam 30 menit (0,33 hari kerja), paling lama …"."""
    if result.step_count == 0:
        return "Jumlah waktu: belum ada langkah."
    if not result.computed:
        return "Jumlah waktu tidak dapat dihitung: tidak ada alur dari langkah 1 yang sampai ke akhir prosedur."
    rules = result.rules
    if abs(result.longest - result.shortest) < 0.5:
        return f"Jumlah waktu {_with_other_unit(result.shortest, rules)}."
    return (f"Paling cepat {_with_other_unit(result.shortest, rules)}, "
            f"paling lama {_with_other_unit(result.longest, rules)}.")


def steps_text(indices: list[int]) -> str:
    """"langkah 5", "langkah 5 dan 9", "langkah 2, 5 dan 9"."""
    numbers = [str(i + 1) for i in indices]
    if len(numbers) == 1:
        return f"langkah {numbers[0]}"
    return f"langkah {', '.join(numbers[:-1])} dan {numbers[-1]}"


def notes(result: TotalTime) -> list[str]:
    """What the total leaves out, one sentence each; the unreadable times first, as they matter most."""
    lines = []
    if result.unreadable:
        named = ", ".join(f"{i + 1} (\"{text}\")" for i, text in result.unreadable)
        lines.append(f"Waktu tidak terbaca, tidak dihitung: langkah {named}.")
    if result.unset:
        lines.append(f"Keputusan yang cabangnya belum punya tujuan (cabang itu tidak dihitung): "
                     f"{steps_text(result.unset)}.")
    if result.empty:
        lines.append(f"Belum ada waktu: {steps_text(result.empty)}.")
    return lines


def details(result: TotalTime) -> list[str]:
    """The longer explanation (tooltip): each total in minutes, hours and working days, the loops and the rules."""
    lines = []
    if result.computed:
        rules = result.rules
        for name, minutes in (("Paling cepat", result.shortest), ("Paling lama", result.longest)):
            lines.append(f"{name}: {number(minutes, 0)} menit = {number(minutes / MINUTES_PER_HOUR)} jam = "
                         f"{number(minutes / rules.workday_minutes)} hari kerja.")
        if result.loops:
            lines.append(f"Paling lama memutari setiap perulangan satu kali lagi ({result.loops} perulangan).")
    lines.extend(notes(result))
    lines.append(f"Aturan: {result.rules.basis()} (Preferensi untuk SOP baru, tab Halaman untuk SOP ini).")
    return lines


def printed_total(result: TotalTime) -> str:
    """The Waktu cell of the printed "Jumlah waktu" row."""
    if not result.computed:
        return "-"
    low = duration_text(result.shortest, result.rules)
    high = duration_text(result.longest, result.rules)
    return low if low == high else f"{low} s.d. {high}"


def printed_note(result: TotalTime) -> str:
    """The Keterangan cell of the printed row: the basis, and the steps left out."""
    parts = [f"1 hari kerja = {number(result.rules.workday_hours)} jam"]
    if not result.computed:
        parts.append("tidak ada alur yang sampai ke akhir prosedur")
    if result.unreadable:
        parts.append(f"tanpa {steps_text([i for i, _ in result.unreadable])} (waktu tidak terbaca)")
    return "; ".join(parts)
