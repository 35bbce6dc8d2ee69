"""Three-way merge properties on the fixtures: independent edits made on two PCs merge to both sets of edits."""
from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from sopdesk import model
from sopdesk.interchange import sop_from_data, sop_from_native, sop_to_native
from sopdesk.merge import merge_sops

from .conftest import FIXTURE_FILES, load_fixture

# Stable ids as the library gives them (a fixture read twice would get new ones).
FIXTURES = [sop_from_native(sop_to_native(sop_from_data(load_fixture(p.name)))) for p in FIXTURE_FILES]

TEXT = st.text(alphabet="abc ABC éñ,.-/1", min_size=0, max_size=12)
STEP_FIELDS = ("kegiatan", "kelengkapan", "output", "keterangan", "waktu", "yes_label")
IDENTITY_FIELDS = ("instansi", "nomor", "nama", "cakupan", "sifat")
PAGE_FIELDS = (("paper", ("A4", "F4", "Legal")), ("landscape", (True, False)), ("margin_top", (10.0, 25.5)),
               ("numbering_row", (True, False)), ("workday_hours", (8.0, 6.5)))


@dataclasses.dataclass
class Op:
    """One edit, made by ids so it can be replayed on any version holding them."""

    kind: str
    target: str | None  # step id, actor id, field or box name
    value: object = None
    new_id: str = ""

    def claims(self, sop: model.Sop) -> set[str]:
        """What this edit touches; the two sides' edits touch disjoint things."""
        if self.kind == "delete_step":
            pointing = {s.id for s in sop.steps if self.target in (s.yes_target, s.no_target)}
            return {f"step:{self.target}", *(f"step:{x}" for x in pointing)}
        if self.kind in ("step_field", "insert_after"):
            return {f"step:{self.target}"}
        if self.kind == "rename_actor":
            return {f"actor:{self.target}"}
        if self.kind == "append_item":
            return set()  # both sides may add items to the same box
        return {f"{self.kind}:{self.target}"}

    def apply(self, sop: model.Sop) -> bool:
        if self.kind == "step_field":
            step = sop.step(self.target)
            if step is None:
                return False
            field_name, text = self.value
            setattr(step, field_name, model.Duration(text=text) if field_name == "waktu" else text)
        elif self.kind == "delete_step":
            if sop.step(self.target) is None:
                return False
            model.delete_steps(sop, [self.target])
        elif self.kind == "insert_after":
            index = sop.step_index(self.target)
            if index < 0:
                return False
            model.insert_step(sop, index + 1, model.Step(kegiatan=str(self.value), id=self.new_id))
        elif self.kind == "rename_actor":
            model.rename_actor(sop, self.target, str(self.value))
        elif self.kind == "identity":
            setattr(sop.identity, self.target, self.value)
        elif self.kind == "page":
            setattr(sop.page, self.target, self.value)
        elif self.kind == "append_item":
            getattr(sop.identity, self.target).append(str(self.value))
        elif self.kind == "remove_first":
            items = getattr(sop.identity, self.target)
            if not items:
                return False
            del items[0]
        return True


@st.composite
def ops_for(draw, sop: model.Sop, side: str) -> list[Op]:
    step_ids = [s.id for s in sop.steps]
    out = []
    for n in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("step_field", "step_field", "delete_step", "insert_after", "rename_actor",
                                     "identity", "page", "append_item", "remove_first")))
        if kind == "step_field":
            out.append(Op(kind, draw(st.sampled_from(step_ids)),
                          (draw(st.sampled_from(STEP_FIELDS)), f"{side}{n}:{draw(TEXT)}")))
        elif kind in ("delete_step", "insert_after"):
            out.append(Op(kind, draw(st.sampled_from(step_ids)), f"{side}{n} baru", new_id=f"{side}-{n}"))
        elif kind == "rename_actor" and sop.actors:
            out.append(Op(kind, draw(st.sampled_from([a.id for a in sop.actors])), f"{side}{n} {draw(TEXT)}"))
        elif kind == "identity":
            out.append(Op(kind, draw(st.sampled_from(IDENTITY_FIELDS)), f"{side}{n}:{draw(TEXT)}"))
        elif kind == "page":
            name, values = draw(st.sampled_from(PAGE_FIELDS))
            out.append(Op(kind, name, draw(st.sampled_from(values))))
        elif kind == "append_item":
            out.append(Op(kind, draw(st.sampled_from(model.LIST_BOXES + ("unit_lines",))), f"{side}{n}:{draw(TEXT)}"))
        elif kind == "remove_first":
            out.append(Op(kind, draw(st.sampled_from(model.LIST_BOXES))))
    return out


def disjoint(base: model.Sop, ours_ops: list[Op], theirs_ops: list[Op]) -> tuple[list[Op], list[Op]]:
    taken: dict[str, str] = {}
    kept: tuple[list[Op], list[Op]] = ([], [])
    for side, ops in enumerate((ours_ops, theirs_ops)):
        for op in ops:
            claims = op.claims(base)
            if any(taken.get(c, side) != side for c in claims):
                continue
            for c in claims:
                taken[c] = side
            kept[side].append(op)
    return kept


def applied(sop: model.Sop, ops: list[Op]) -> tuple[model.Sop, list[Op]]:
    copy = sop.clone()
    done = [op for op in ops if op.apply(copy)]
    return copy, done


@st.composite
def two_sides(draw):
    base = draw(st.sampled_from(FIXTURES))
    ours_ops, theirs_ops = disjoint(base, draw(ops_for(base, "A")), draw(ops_for(base, "B")))
    return base, ours_ops, theirs_ops


@settings(max_examples=120)
@given(two_sides())
def test_independent_edits_merge_to_both_sets_of_edits(case):
    base, ours_ops, theirs_ops = case
    ours, ours_done = applied(base, ours_ops)
    theirs, theirs_done = applied(base, theirs_ops)
    expected, _ = applied(ours, theirs_done)
    result = merge_sops(base, ours, theirs)
    assert result.clean, [c.line() for c in result.conflicts]
    assert sop_to_native(result.sop) == sop_to_native(expected)
    assert sop_to_native(sop_from_native(sop_to_native(result.sop))) == sop_to_native(result.sop)


@settings(max_examples=60)
@given(two_sides())
def test_merging_a_version_with_itself_or_with_the_base_gives_that_version(case):
    base, ours_ops, _theirs_ops = case
    x, _ = applied(base, ours_ops)
    for merged in (merge_sops(base, x, x), merge_sops(base, base, x), merge_sops(base, x, base)):
        assert merged.clean
        assert sop_to_native(merged.sop) == sop_to_native(x)


@settings(max_examples=40)
@given(two_sides())
def test_merge_is_deterministic(case):
    base, ours_ops, theirs_ops = case
    ours, _ = applied(base, ours_ops)
    theirs, _ = applied(base, theirs_ops)
    # Overlapping edits may clash; the result and its conflicts are still the same on every run.
    first = merge_sops(base, ours, theirs)
    second = merge_sops(base.clone(), ours.clone(), theirs.clone())
    assert sop_to_native(first.sop) == sop_to_native(second.sop)
    assert first.conflicts == second.conflicts
