"""Links between SOPs over a library of 5,000: building the link catalogue, resolving an SOP's links,
back-links of one SOP and the link warnings; each is done when the library changes or an SOP opens.

Goal: what a save or an open costs (build, then back-links) well under a second at 5,000 SOPs, and a
fraction of that in a library of a few hundred; resolving the links shown, under 10 ms. The entries are made in memory
from generated SOPs (bench/generate.py): every SOP's Keterkaitan names 1-4 other SOPs by nama, one in
three of them linked explicitly, and some Keterangan say "Lihat <nomor>".
Run: python bench/bench_links.py [--count N]
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate_sop  # noqa: E402
from sopdesk import links  # noqa: E402
from sopdesk.model import SopLink  # noqa: E402
from sopdesk.validation import link_problems  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(function, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 5000
    rng = random.Random(11)
    template = [generate_sop(rng, rng.randint(10, 40), rng.randint(2, 5)) for _ in range(50)]
    sops = []
    for i in range(count):
        sop = template[i % len(template)].clone()
        sop.id = f"sop{i:05d}"
        sop.identity.nomor = f"SOP-{i:04d}/BU/2024"
        sop.identity.nama = f"{sop.identity.nama} {i}"  # distinct names, as a real library has
        sops.append(sop)
    for sop in sops:
        others = rng.sample(sops, rng.randint(1, 4))
        sop.identity.keterkaitan = [f"SOP Mikro {o.identity.nama}" for o in others if o is not sop]
        sop.identity.keterkaitan_links = {f"SOP Mikro {o.identity.nama}": SopLink(o.id, o.identity.nomor,
                                                                                 o.identity.nama)
                                          for o in others[::3] if o is not sop}
        for step in sop.steps[::7]:
            step.keterangan = f"Lihat {rng.choice(sops).identity.nomor}"
    entries = [SimpleNamespace(id=s.id, nomor=s.identity.nomor, nama=s.identity.nama, unit="",
                               link_refs=links.catalog_link_refs(s)) for s in sops]
    refs = sum(len(e.link_refs) for e in entries)
    print(f"{count} SOPs, {refs} link texts in the catalogue")
    build, catalogue = timed(lambda: links.LinkCatalogue(entries))
    print(f"build the link catalogue:                 {ms(build)}")
    sample = rng.sample(sops, 20)
    per_sop = []
    for sop in sample:
        fresh = links.LinkCatalogue(entries)  # no cached matches: the first look after a library change
        start = time.perf_counter()
        for text in sop.identity.keterkaitan:
            links.resolve(text, sop.identity.keterkaitan_links.get(text), fresh, sop.id)
        for step in sop.steps:
            links.resolve(step.keterangan, step.keterangan_link, fresh, sop.id, links.IN_STEP)
        per_sop.append(time.perf_counter() - start)
    print(f"resolve every link of one SOP (median):   {ms(statistics.median(per_sop))} "
          f"(max {ms(max(per_sop))})")
    first = []
    for sop in sample[:5]:
        start = time.perf_counter()
        links.backlinks(sop, links.LinkCatalogue(entries))
        first.append(time.perf_counter() - start)
    print(f"after a library change (build + first back-links, median): {ms(statistics.median(first))}")
    back = [timed(lambda s=s: links.backlinks(s, catalogue), repeat=1) for s in sample]
    print(f"back-links of one SOP (median):           {ms(statistics.median(t for t, _ in back))} "
          f"(max {ms(max(t for t, _ in back))}; {statistics.mean(len(r) for _, r in back):.1f} found on average)")
    problems = [timed(lambda s=s: link_problems(s, catalogue), repeat=1)[0] for s in sample]
    print(f"link warnings of one SOP (median):        {ms(statistics.median(problems))}")


if __name__ == "__main__":
    main()
