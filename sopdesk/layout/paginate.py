"""Page breaks for the flowchart rows and the off-page connector pairs that flows across a break need."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def paginate(heights: list[float], capacity: float, band: float,
             links: Sequence[tuple[int, int]] = ()) -> list[list[int]]:
    """Split rows (by index) into pages, choosing every break for the whole SOP at once; rows are never split.

    capacity is the room for rows on a page (below the repeated header). links are the flows
    drawn between rows, (source, target). A page keeps `band` free in its first row when a flow
    joins one of its rows to an earlier page, and in its last row when a flow joins one of its
    rows to a later page: that is where the off-page connectors go.

    Of all the ways to break the rows, the one chosen has, in this order of importance:
    1. the fewest pages;
    2. the fewest loops cut by a break (a loop-back whose two steps are on different pages);
    3. the fewest off-page connector pairs (flows between pages);
    4. the most even fill (the least sum of squares of the room left on each page).
    A row taller than a page gets a page of its own (the engine has already cut such rows down
    to fit). Dynamic programming over the break positions: each page's cost depends only on
    where it starts and ends, and the counts along a page are kept up to date row by row.
    """
    count = len(heights)
    if count == 0:
        return [[]]
    # For each row: the other ends of its flows; loop-backs are flows to the same or an earlier row.
    ends: list[list[tuple[int, bool]]] = [[] for _ in range(count)]
    for source, target in links:
        if source == target or not (0 <= source < count and 0 <= target < count):
            continue
        back = target < source
        ends[source].append((target, back))
        ends[target].append((source, back))
    room = max(capacity, 1e-6)
    # best[i]: (pages, cut loops, pairs, unevenness) of the best way to break rows i…count-1, and where
    # its first page ends.
    best: list[tuple[int, int, int, float]] = [(0, 0, 0, 0.0)] * (count + 1)
    end_of = [count] * (count + 1)
    for start in range(count - 1, -1, -1):
        used = 0.0
        above = 0  # flows joining a row of this page to an earlier page
        below = 0  # flows joining a row of this page to a later row (a later page, once the page ends)
        cut = 0  # of those, loop-backs
        choice: tuple[int, int, int, float] | None = None
        chosen = start + 1
        for stop in range(start + 1, count + 1):
            row = stop - 1
            used += heights[row]
            if stop > start + 1 and used > room + 1e-6:
                break
            for other, back in ends[row]:
                if other < start:
                    above += 1
                elif other > row:
                    below += 1
                    cut += back
                elif other < row:  # a flow from earlier on this page now ends on it
                    below -= 1
                    cut -= back
            if stop == count:
                below = cut = 0  # only joins inside the page are left: nothing goes to a later page
            filled = used + (band if above else 0.0) + (band if below else 0.0)
            if stop > start + 1 and filled > room + 1e-6:
                continue
            rest = best[stop]
            left = max(room - filled, 0.0) / room
            sheets, loops, pairs = rest[0] + 1, rest[1] + cut, rest[2] + below
            # Fewer pages, then fewer cut loops, then fewer pairs, then more even (a tie keeps the
            # earlier end): compared field by field, as this runs for every start and end of a page.
            if choice is None:
                better = True
            elif sheets != choice[0]:
                better = sheets < choice[0]
            elif loops != choice[1]:
                better = loops < choice[1]
            elif pairs != choice[2]:
                better = pairs < choice[2]
            else:
                better = rest[3] + left * left < choice[3] - 1e-9
            if better:
                choice, chosen = (sheets, loops, pairs, rest[3] + left * left), stop
        best[start] = choice if choice is not None else (count, 0, 0, 0.0)
        end_of[start] = chosen
    pages = []
    start = 0
    while start < count:
        pages.append(list(range(start, end_of[start])))
        start = end_of[start]
    return pages


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
