"""Page breaks for the flowchart rows and the off-page connector pairs that flows across a break need."""
from __future__ import annotations

from dataclasses import dataclass


def paginate(heights: list[float], first_capacity: float, capacity: float, band: float,
             loops: list[tuple[int, int]] = ()) -> list[list[int]]:
    """Split rows (by index) into pages by height; rows are never split.

    first_capacity is the room for rows on the first flowchart page, capacity on later ones.
    Later pages keep `band` free at the top for incoming off-page connectors and every page but
    the last keeps `band` free at the bottom for outgoing ones. A row taller than a page gets a
    page of its own (the engine has already cut such rows down to fit).

    loops are back-edges (target row, source row). When a break would cut a loop that fits on one
    page, the page ends just before the loop's target instead, so the loop is drawn whole rather
    than through two pairs of off-page connectors.
    """
    pages: list[list[int]] = []
    index, count = 0, len(heights)
    while index < count:
        room = first_capacity if not pages else capacity - band
        if sum(heights[index:]) <= room + 1e-6:
            pages.append(list(range(index, count)))
            break
        room -= band
        start, used = index, 0.0
        while index < count and (index == start or used + heights[index] <= room + 1e-6):
            used += heights[index]
            index += 1
        index = _keep_loops_whole(heights, loops, start, index, capacity - 2 * band)
        pages.append(list(range(start, index)))
    return pages or [[]]


def _keep_loops_whole(heights: list[float], loops, start: int, end: int, page_room: float) -> int:
    """Where the page starting at `start` should end: `end`, or earlier so a cut loop starts the next page."""
    for target, source in sorted(loops):
        if start < target < end <= source and sum(heights[target:source + 1]) <= page_room + 1e-6:
            return target
    return end


@dataclass
class Flow:
    """A flow drawn on the flowchart: from one step to another, of kind "next", "ya" or "tidak"."""

    source: int
    target: int
    kind: str


@dataclass
class Crossing:
    """A flow whose two steps are on different pages, with the label its pentagon pair shows."""

    flow: Flow
    label: str
    pair_key: str
    forward: bool


def pair_label(number: int, style: str) -> str:
    """The pair's label: "" for "kosong", 1, 2, 3 for "angka", A … Z, AA … for "huruf"."""
    if style == "kosong":
        return ""
    if style == "huruf":
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters
    return str(number)


_KIND_ORDER = {"next": 0, "ya": 1, "tidak": 2}


def crossings(flows: list[Flow], page_of: dict[int, int], style: str) -> list[Crossing]:
    """Every flow between pages, back-edges included, numbered in reading order of their sources."""
    found = [f for f in flows if page_of[f.source] != page_of[f.target]]
    found.sort(key=lambda f: (page_of[f.source], f.source, _KIND_ORDER.get(f.kind, 3)))
    return [Crossing(f, pair_label(n, style), f"p{n}", page_of[f.target] > page_of[f.source])
            for n, f in enumerate(found, start=1)]
