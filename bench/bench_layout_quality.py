"""Chart quality figures (sopdesk/layout/quality.py) per fixture and over a few hundred generated SOPs.

Prints, per fixture and in total over GENERATED seeded random SOPs (0-12 actors, 0-80 steps,
loops of every length, shared steps, decisions): label overlaps (label-label, label-line,
label-symbol, label-grid), lines within 2 mm of a border over more than 5 mm, edge crossings
(crossing number), bends per arrow (bend count), total and mean edge length, arrows whose last
run is shorter than the head, decision ends not
at a vertex, symbols and off-page connectors outside their column, mean page fill and flowchart
pages against the lower bound. Then layout time at 100 and 300 steps (goals < 50 ms, < 150 ms).

Usage: python bench/bench_layout_quality.py [--estimate] [--count N] [--details]
--estimate measures text with the built-in estimate instead of Qt (as the tests do).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import FIXTURES_DIR, generate_sop  # noqa: E402
from sopdesk.interchange import sop_from_fixture  # noqa: E402
from sopdesk.layout import estimate_measure, layout  # noqa: E402
from sopdesk.layout.quality import Quality, score  # noqa: E402
from sopdesk.model import END, Sop, Symbol  # noqa: E402

GENERATED = 300
COLUMNS = (("lbl-lbl", "label_label"), ("lbl-grs", "label_line"), ("lbl-smb", "label_symbol"),
           ("lbl-grid", "label_grid"), ("tepi", "border_runs"), ("silang", "crossings"),
           ("panah", "arrows"), ("tekuk/p", "bends_per_arrow"), ("panjang", "edge_length_mm"),
           ("rerata", "mean_edge_length_mm"), ("kepala", "short_heads"), ("bkn-sdt", "decision_off_vertex"), ("luar-kol", "outside_column"),
           ("isi", "mean_fill"), ("hal", "flowchart_pages"), ("batas", "page_lower_bound"))


def generated_sop(seed: int) -> Sop:
    """One random SOP: 0-12 actors, 0-80 steps, decisions whose Tidak loops back any distance, shared steps."""
    rng = random.Random(seed)
    actors = rng.randint(0, 12)
    steps = rng.randint(0, 80)
    sop = generate_sop(rng, steps, max(actors, 1))
    if actors == 0:
        sop.actors = []
        for step in sop.steps:
            step.actors = []
        return sop
    ids = [a.id for a in sop.actors]
    order = {a: i for i, a in enumerate(ids)}
    for step in sop.steps:
        if rng.random() < 0.12:  # shared steps: two or three actors at once
            step.actors = sorted(set(step.actors + rng.sample(ids, min(len(ids), rng.randint(1, 2)))),
                                 key=order.__getitem__)
    for index in range(1, steps - 1):
        step = sop.steps[index]
        if rng.random() < 0.06 and step.symbol is not Symbol.DECISION:
            step.symbol = Symbol.DECISION
            # Loops of every length, sometimes a forward jump as the Ya branch.
            step.no_target = sop.steps[rng.randrange(index + 1)].id
            ahead = rng.randrange(index + 1, steps)
            step.yes_target = sop.steps[ahead].id if rng.random() < 0.3 else sop.steps[index + 1].id
        elif step.symbol is Symbol.DECISION and rng.random() < 0.1:
            step.no_target = END
    sop.page.paper = rng.choice(["A4", "A4", "F4", "Letter"])
    sop.page.landscape = rng.random() < 0.8
    return sop


def row(name: str, q: Quality) -> str:
    cells = []
    for _, attr in COLUMNS:
        value = getattr(q, attr)
        cells.append(f"{value:>9.2f}" if isinstance(value, float) else f"{value:>9d}")
    return f"{name[:28]:<28}" + "".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--estimate", action="store_true")
    parser.add_argument("--count", type=int, default=GENERATED)
    parser.add_argument("--details", action="store_true", help="list every offending item")
    args = parser.parse_args()
    if args.estimate:
        measure = estimate_measure
    else:
        from sopdesk.qt import fonts
        measure = fonts.qt_measure()

    print(f"{'':<28}" + "".join(f"{title:>9}" for title, _ in COLUMNS))
    fixtures = Quality()
    for path in sorted(FIXTURES_DIR.glob("*.json")):
        sop = sop_from_fixture(json.loads(path.read_text(encoding="utf-8")))
        q = score(layout(sop, measure))
        fixtures = fixtures + q
        print(row(path.stem, q))
        if args.details:
            for line in q.offenders:
                print("    " + line)
    print(row("jumlah contoh", fixtures))

    generated = Quality()
    worst: list[tuple[int, int]] = []
    for seed in range(args.count):
        q = score(layout(generated_sop(seed), measure))
        generated = generated + q
        if q.zero_tolerance:
            worst.append((q.zero_tolerance, seed))
        if args.details and q.offenders:
            print(f"  seed {seed}:")
            for line in q.offenders[:20]:
                print("    " + line)
    print(row(f"jumlah {args.count} acak", generated))
    print(f"pelanggaran nol-toleransi pada {len(worst)} SOP acak"
          + (f" (terbanyak: seed {max(worst)[1]}, {max(worst)[0]})" if worst else ""))
    print(f"halaman melebihi batas bawah: contoh {fixtures.extra_pages}, acak {generated.extra_pages}; "
          f"isi halaman terendah acak {min(generated.fills, default=0):.2f}")

    print()
    print(f"{'langkah':>8} {'tata letak (ms)':>16} {'tanpa ukur ulang (ms)':>22}")
    for steps, goal in ((100, 50), (300, 150)):
        sop = generate_sop(random.Random(steps), steps, 8)
        cold, warm = [], []
        for _ in range(7):
            if not args.estimate:
                fonts.text_layout.cache_clear()
                fonts.text_height.cache_clear()
            start = time.perf_counter()
            layout(sop, measure)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            layout(sop, measure)
            warm.append(time.perf_counter() - start)
        print(f"{steps:>8} {statistics.median(cold) * 1000:>16.1f} {statistics.median(warm) * 1000:>22.1f}"
              f"   (sasaran < {goal} ms)")


if __name__ == "__main__":
    main()
