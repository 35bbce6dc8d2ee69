"""validate() speed on generated SOPs of 12, 100 and 300 steps (goal: 300 steps well under 10 ms per run)."""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.validation import validate  # noqa: E402

for steps, actors in ((12, 4), (100, 6), (300, 8)):
    sop = generate_sop(random.Random(steps), steps, actors)
    decisions = sum(1 for s in sop.steps if s.yes_target is not None or s.no_target is not None)
    times = []
    for _ in range(200):
        began = time.perf_counter()
        problems = validate(sop)
        times.append((time.perf_counter() - began) * 1000)
    print(f"validate {steps:>3} langkah, {decisions:>3} keputusan, {len(problems):>2} masalah: "
          f"median {statistics.median(times):.2f} ms, maks {max(times):.2f} ms")
