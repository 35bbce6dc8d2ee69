"""total_time() speed on generated SOPs of 12, 100 and 300 steps (it runs after every edit; goal: 300 steps under 10 ms)."""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk.total_time import summary, total_time  # noqa: E402

for steps, actors in ((12, 4), (100, 6), (300, 8)):
    sop = generate_sop(random.Random(steps), steps, actors)
    times = []
    for _ in range(200):
        began = time.perf_counter()
        result = total_time(sop)
        text = summary(result)
        times.append((time.perf_counter() - began) * 1000)
    print(f"total_time {steps:>3} langkah, {result.loops:>2} perulangan: "
          f"median {statistics.median(times):.2f} ms, maks {max(times):.2f} ms  ({text})")
