"""Random SOPs (0-12 actors, 0-60 steps, decisions pointing anywhere) keep every layout invariant."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopdesk.layout import estimate_measure, layout
from sopdesk.model import END, Actor, Duration, PageSettings, Sop, Step, Symbol

from .test_layout_invariants import check_document

WORDS = ["Menerima", "berkas", "permohonan", "memeriksa", "kelengkapan", "dokumen", "menyampaikan", "kepada",
         "Kepala", "Bagian", "Umum", "arsip", "surat", "disposisi", "Sekretaris", "Jenderal", "x" * 40]


@st.composite
def sops(draw, max_steps: int = 60) -> Sop:
    actor_count = draw(st.integers(0, 12))
    actors = [Actor(name=f"Pelaksana {i + 1}", id=f"a{i}") for i in range(actor_count)]
    step_count = draw(st.integers(0, max_steps))
    text = st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join)
    steps = []
    for i in range(step_count):
        chosen = draw(st.lists(st.sampled_from([a.id for a in actors]), max_size=3, unique=True)) if actors else []
        symbol = draw(st.sampled_from([Symbol.AUTO, Symbol.AUTO, Symbol.PROCESS, Symbol.DECISION, Symbol.TERMINATOR]))
        steps.append(Step(kegiatan=draw(text), actors=chosen, symbol=symbol, id=f"s{i}",
                          output=draw(text), waktu=Duration(value=draw(st.integers(1, 90)), unit="Menit")))
    ids = [s.id for s in steps]
    targets = st.sampled_from(ids + [END, None]) if ids else st.sampled_from([END, None])
    for step in steps:
        # Targets anywhere: forward, backward, the decision itself, out of the procedure, unset.
        step.yes_target = draw(targets)
        step.no_target = draw(targets)
    order = {a.id: n for n, a in enumerate(actors)}
    for step in steps:
        step.actors.sort(key=order.__getitem__)
    page = PageSettings(paper=draw(st.sampled_from(["A4", "F4", "Letter", "Legal"])), landscape=draw(st.booleans()),
                        numbering_row=draw(st.booleans()),
                        offpage_labels=draw(st.sampled_from(["kosong", "angka", "huruf"])),
                        combine_pages=draw(st.booleans()))
    return Sop(actors=actors, steps=steps, page=page)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sops())
def test_random_sops_keep_every_invariant(sop):
    check_document(sop, layout(sop, estimate_measure))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sops(max_steps=12))
def test_layout_is_deterministic(sop):
    first, second = layout(sop, estimate_measure), layout(sop, estimate_measure)
    assert [[c.points for c in p.connectors] for p in first.pages] == \
        [[c.points for c in p.connectors] for p in second.pages]
