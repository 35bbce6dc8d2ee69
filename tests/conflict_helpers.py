"""Helpers for the tests of sync conflicts: one save or load in a PC's library, opened and closed around it."""
from __future__ import annotations

from pathlib import Path

from sopdesk.model import Sop
from sopdesk.storage import Library
from sopdesk.sync import sync_library


def save(root: Path, sop: Sop, user: str) -> None:
    """`user` saves `sop` in the library at `root` (opened for this save alone)."""
    with Library.open(root) as library:
        library.save(sop, user=user)


def load(root: Path, sop_id: str) -> Sop:
    """The SOP `sop_id` as the library at `root` holds it now."""
    with Library.open(root) as library:
        return library.load(sop_id)


def step_clash(a: Path, b: Path, shared: str, sop_id: str, index: int, on_a: str, on_b: str) -> None:
    """Ani on PC A and Budi on PC B each write their own Kegiatan into step `index` of the shared SOP; A syncs,
    then B, whose sync finds the conflict."""
    mine = load(a, sop_id)
    mine.steps[index].kegiatan = on_a
    save(a, mine, "Ani")
    theirs = load(b, sop_id)
    theirs.steps[index].kegiatan = on_b
    save(b, theirs, "Budi")
    sync_library(a, shared, user="Ani")
    assert sync_library(b, shared, user="Budi").conflicts
