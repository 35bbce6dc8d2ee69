"""merge_sops() speed: two drafters' versions of a generated 300-step SOP merged three-way (prints ms).

Each side changes about a tenth of the steps (its own ones), deletes, inserts and reorders a few, renames
an actor and adds identity items; the "bentrok" row also has both sides change the same 30 steps.
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
from sopdesk.merge import merge_sops  # noqa: E402

STEPS = 300
RUNS = 15


def edited(base: model.Sop, steps: list[model.Step], rng: random.Random, tag: str,
           avoid: set[str]) -> model.Sop:
    new = base.clone()
    for step in steps:
        twin = new.step(step.id)
        twin.kegiatan += f" ({tag})"
        twin.waktu = model.Duration(value=(twin.waktu.value or 0) + 5, unit="Menit")
    count = len(new.steps)
    spare = [s.id for s in new.steps if s.id not in avoid]
    model.delete_steps(new, rng.sample(spare, count // 50))
    for _ in range(count // 50):
        model.insert_step(new, rng.randrange(len(new.steps)), model.Step(kegiatan=f"Langkah tambahan {tag}"))
    new.identity.dasar_hukum.append(f"Peraturan baru {tag}")
    actor = new.actors[0 if tag == "A" else 1]
    model.rename_actor(new, actor.id, actor.name + f" {tag}")
    return new


def timed(base: model.Sop, ours: model.Sop, theirs: model.Sop) -> tuple[float, int]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = merge_sops(base, ours, theirs)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(result.conflicts)


def main() -> None:
    rng = random.Random(35)
    base = generate_sop(rng, STEPS, 6)
    shuffled = list(base.steps)
    rng.shuffle(shuffled)
    touched = {s.id for s in shuffled[:60]}  # the steps either side edits: neither deletes them
    ours = edited(base, shuffled[:30], rng, "A", touched)
    theirs = edited(base, shuffled[30:60], rng, "B", touched)
    model.move_step(theirs, 10, 200)
    ms, conflicts = timed(base, ours, theirs)
    print(f"merge {STEPS} langkah, perubahan terpisah: {ms:.1f} ms (median {RUNS}x), bentrok {conflicts}")
    clash = edited(base, shuffled[:30], rng, "B", touched)
    ms, conflicts = timed(base, ours, clash)
    print(f"merge {STEPS} langkah, 30 langkah diubah di dua sisi: {ms:.1f} ms (median {RUNS}x), bentrok {conflicts}")
    ms, conflicts = timed(base, base, base)
    print(f"merge {STEPS} langkah tanpa perubahan: {ms:.1f} ms, bentrok {conflicts}")


if __name__ == "__main__":
    main()
