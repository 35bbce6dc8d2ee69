"""diff_sops() + format_diff() speed on two versions of generated SOPs (goal: 300 steps under 100 ms),
then the comparison window on 300 steps.

The second version has about a tenth of its steps changed (text, time, actors), some added, removed and
moved, identity items and an actor renamed; the "isi" rows compare versions that share no step id
(both read from sop-fixture/1), which the comparison matches by content.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk import model  # noqa: E402
from sopdesk.diff import diff_sops, format_diff  # noqa: E402
from sopdesk.interchange import sop_from_data, sop_to_fixture  # noqa: E402


def edited(sop: model.Sop, rng: random.Random) -> model.Sop:
    new = sop.clone()
    count = len(new.steps)
    for step in rng.sample(new.steps, count // 10):
        step.kegiatan = step.kegiatan.replace(" ", " segera ", 1) + " dan melaporkannya"
        step.waktu = model.Duration(value=(step.waktu.value or 0) + 5, unit="Menit")
        step.output = step.output + " (rangkap dua)"
    model.delete_steps(new, [s.id for s in rng.sample(new.steps, max(1, count // 50))])
    for _ in range(max(1, count // 60)):
        model.move_step(new, rng.randrange(len(new.steps)), rng.randrange(len(new.steps)))
    for _ in range(max(1, count // 50)):
        model.insert_step(new, rng.randrange(len(new.steps)), model.Step(kegiatan="Langkah tambahan hasil revisi"))
    new.identity.nama += " (revisi)"
    new.identity.dasar_hukum.append("Peraturan baru tentang tata naskah dinas")
    model.rename_actor(new, new.actors[0].id, new.actors[0].name + " Utama")
    return new


def measure(old: model.Sop, new: model.Sop, runs: int) -> tuple[float, float, int, int]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        difference = diff_sops(old, new)
        lines = format_diff(difference)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times), len(difference.changed_steps()), len(lines)


def main() -> None:
    for steps, actors in ((30, 5), (100, 6), (300, 8)):
        base = generate_sop(random.Random(steps), steps, actors)
        new = edited(base, random.Random(steps + 1))
        for how, (a, b) in (("id", (base, new)),
                            ("isi", (sop_from_data(sop_to_fixture(base)), sop_from_data(sop_to_fixture(new))))):
            median, worst, changed, lines = measure(a, b, 30)
            print(f"diff {steps:>3} langkah ({how:>3}), {changed:>3} langkah berubah, {lines:>4} baris: "
                  f"median {median:.1f} ms, maks {worst:.1f} ms")


def window_figures() -> None:
    """The comparison window on 300 steps: opening (two layouts, the table) and swapping A and B."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.compare_view import CompareDialog, Version
    from ui.dialogs import Dialogs

    app = QApplication.instance() or QApplication([])
    base = generate_sop(random.Random(300), 300, 8)
    new = edited(base, random.Random(301))
    began = time.perf_counter()
    dialog = CompareDialog([Version("B", new.clone), Version("A", base.clone)], Dialogs(None), None, a=1, b=0)
    opened = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    dialog.swap()
    swapped = (time.perf_counter() - began) * 1000
    print(f"jendela perbandingan 300 langkah: dibuka {opened:.0f} ms (tata letak kedua versi), "
          f"tukar A/B {swapped:.0f} ms")
    dialog.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
    window_figures()
