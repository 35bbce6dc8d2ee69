"""Page geometry from the page settings: paper size, content box and the flowchart column widths."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..model import PAPER_SIZES_MM, PageSettings

MIN_ACTOR_COLUMN_MM = 15.0
"""Below this an actor column cannot hold a symbol with room for arrows beside it; validation warns."""

# Shares of the width left after the Pelaksana block (format §4.2 recommendations, scaled to 100).
FIXED_COLUMN_SHARES = (
    ("no", 4.0),
    ("kegiatan", 24.0),
    ("kelengkapan", 13.0),
    ("waktu", 7.0),
    ("output", 13.0),
    ("keterangan", 11.0),
)
# Narrow pages would squeeze these below their header word ("No", "Waktu"); they take from the wide ones.
MIN_COLUMN_MM = {"no": 8.0, "waktu": 12.0}
FIXED_KEYS_BEFORE_ACTORS = ("no", "kegiatan")
FIXED_KEYS_AFTER_ACTORS = ("kelengkapan", "waktu", "output", "keterangan")

# The Pelaksana block grows with the number of actors between these shares of the table width.
# At 24 mm per actor A4 landscape reaches the 15 mm warning exactly past 8 actors (format §4.3).
PREFERRED_ACTOR_MM = 24.0
PELAKSANA_MIN_SHARE = 0.28
PELAKSANA_MAX_SHARE = 0.46


def paper_size_mm(page: PageSettings) -> tuple[float, float]:
    """(width, height) of the sheet as printed; unknown paper names fall back to A4."""
    width, height = PAPER_SIZES_MM.get(page.paper, PAPER_SIZES_MM["A4"])
    if page.landscape:
        width, height = max(width, height), min(width, height)
    else:
        width, height = min(width, height), max(width, height)
    return width, height


@dataclass(frozen=True)
class ContentBox:
    """The printable area inside the margins, in mm from the page's top-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


def content_box(page: PageSettings) -> ContentBox:
    """Margins that leave less than 20 mm are shrunk so a table always has somewhere to go."""
    width, height = paper_size_mm(page)
    left, right = _fit_margins(max(page.margin_left, 0.0), max(page.margin_right, 0.0), width)
    top, bottom = _fit_margins(max(page.margin_top, 0.0), max(page.margin_bottom, 0.0), height)
    return ContentBox(left, top, width - left - right, height - top - bottom)


def _fit_margins(first: float, second: float, extent: float) -> tuple[float, float]:
    room = extent - 20.0
    if first + second <= room:
        return first, second
    scale = room / (first + second) if first + second > 0 else 0.0
    return first * scale, second * scale


def pelaksana_width_mm(table_width: float, actor_count: int) -> float:
    """Width of the whole Pelaksana block for a table of that width."""
    wanted = max(actor_count, 1) * PREFERRED_ACTOR_MM
    return min(max(wanted, table_width * PELAKSANA_MIN_SHARE), table_width * PELAKSANA_MAX_SHARE)


def actor_column_width_mm(page: PageSettings, actor_count: int) -> float:
    """Width of one actor column on the flowchart pages (validation warns below MIN_ACTOR_COLUMN_MM)."""
    table_width = content_box(page).width
    return pelaksana_width_mm(table_width, actor_count) / max(actor_count, 1)


@dataclass(frozen=True)
class FlowColumn:
    """One column of the flowchart table.

    key is "no", "kegiatan", "actor", "kelengkapan", "waktu", "output" or "keterangan".
    Actor columns carry the actor's id and position; an SOP without actors still gets one
    blank actor column (actor_id None) so the Pelaksana header has something to span.
    """

    key: str
    x: float
    width: float
    actor_id: str | None = None
    actor_index: int | None = None

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class FlowColumns:
    """All flowchart columns left to right, with lookups the engine and the writers need."""

    columns: list[FlowColumn] = field(default_factory=list)

    @property
    def x(self) -> float:
        return self.columns[0].x

    @property
    def width(self) -> float:
        return self.columns[-1].right - self.columns[0].x

    @property
    def widths(self) -> list[float]:
        return [c.width for c in self.columns]

    def index_of(self, key: str) -> int:
        """Table column index of the first column with that key."""
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def by_key(self, key: str) -> FlowColumn:
        return self.columns[self.index_of(key)]

    @cached_property
    def actor_columns(self) -> list[FlowColumn]:
        """The actor columns left to right (worked out once: the columns never change; read only)."""
        return [c for c in self.columns if c.key == "actor"]

    @property
    def first_actor_index(self) -> int:
        return self.index_of("actor")

    def actor_column(self, actor_id: str) -> FlowColumn | None:
        return next((c for c in self.actor_columns if c.actor_id == actor_id), None)

    @property
    def pelaksana_left(self) -> float:
        return self.actor_columns[0].x

    @property
    def pelaksana_right(self) -> float:
        return self.actor_columns[-1].right


def flowchart_columns(page: PageSettings, actor_ids: list[str], x: float | None = None,
                      width: float | None = None, content: ColumnContent | None = None) -> FlowColumns:
    """Columns No | Kegiatan | actors… | Kelengkapan | Waktu | Output | Keterangan filling the content width.

    Without `content` the text columns get the format's recommended shares. With it, their widths
    are chosen for this SOP (see fit_text_columns): the same on every page, as the header repeats.
    """
    box = content_box(page)
    x = box.x if x is None else x
    table_width = box.width if width is None else width
    block = pelaksana_width_mm(table_width, len(actor_ids))
    rest = table_width - block
    total_share = sum(share for _, share in FIXED_COLUMN_SHARES)
    fixed = {key: rest * share / total_share for key, share in FIXED_COLUMN_SHARES}
    missing = sum(max(minimum - fixed[key], 0.0) for key, minimum in MIN_COLUMN_MM.items())
    if missing > 0:
        donors = [key for key in fixed if key not in MIN_COLUMN_MM]
        pool = sum(fixed[key] for key in donors)
        for key in donors:
            fixed[key] -= missing * fixed[key] / pool
        for key, minimum in MIN_COLUMN_MM.items():
            fixed[key] = max(fixed[key], minimum)
    if content is not None:
        fixed.update(fit_text_columns(fixed, rest / total_share, content))

    columns: list[FlowColumn] = []
    cursor = x

    def add(key: str, w: float, actor_id: str | None = None, actor_index: int | None = None) -> None:
        nonlocal cursor
        columns.append(FlowColumn(key, cursor, w, actor_id, actor_index))
        cursor += w

    for key in FIXED_KEYS_BEFORE_ACTORS:
        add(key, fixed[key])
    ids: list[str | None] = list(actor_ids) or [None]
    for index, actor_id in enumerate(ids):
        add("actor", block / len(ids), actor_id, index if actor_id is not None else None)
    for key in FIXED_KEYS_AFTER_ACTORS:
        add(key, fixed[key])
    return FlowColumns(columns)


# ---- widths chosen for the content -------------------------------------------------------------

# The least and most each text column may take, in the units of FIXED_COLUMN_SHARES (the table
# at the narrowest Pelaksana block, 28%). Format §4.2: the union of the widths measured on real
# SOPs (R-BPS 023, R-SUMBAR, SOPDiagramFlowchart) and the recommended ranges. "No" keeps its share.
COLUMN_BOUNDS = {
    "kegiatan": (17.0, 28.0),
    "kelengkapan": (12.0, 15.0),
    "waktu": (6.0, 10.0),
    "output": (12.0, 15.0),
    "keterangan": (10.0, 15.5),
}
FITTED_KEYS = tuple(COLUMN_BOUNDS)
_STEPS_MM = (8.0, 4.0, 2.0, 1.0)
"""Widths move between columns in these amounts, largest first (the result is on a 1 mm grid)."""
_MAX_ROUNDS = 60
_SAMPLE_ROWS = 120
"""Rows the choice looks at, at most (the tallest quarter of them and an even sample of the rest)."""
_LEAST_GAIN = 0.01
"""The estimate must promise a table at least this much shorter (a share) before the widths change:
estimates are rough, and a change that gains nothing should not move the columns."""
_ADVANCE_EM = 0.48
"""Average advance of a character of body text, as a share of the size (Liberation Sans, Indonesian)."""
_WRAP_LOSS = 0.4
"""Room a wrapped line loses at its end, as a share of an average word."""


@dataclass(frozen=True)
class ColumnContent:
    """What the text columns hold, for choosing their widths.

    texts: for each key of FITTED_KEYS, every row's text in that column (rows in step order);
    floors: each row's least height (its symbol and the gaps for arrows), in mm;
    titles: the header title of each column, whose longest word a column must hold;
    size_pt: body text size; line_mm: height of one body line; extra_mm: a row's height on top of
    its text lines; inset_mm: a cell's width lost to padding; title_pt: the size of the header titles.
    """

    texts: dict[str, list[str]]
    floors: list[float]
    titles: dict[str, str] = field(default_factory=dict)
    size_pt: float = 8.0
    line_mm: float = 3.25
    extra_mm: float = 3.5
    inset_mm: float = 2.0
    title_pt: float = 8.0


def _title_mm(title: str, size_pt: float) -> float:
    """Width a column needs so that every word of its header title fits on a line (bold)."""
    words = title.split() or [""]
    return max(len(word) for word in words) * size_pt * 25.4 / 72 * 0.58 + 0.6


def fit_text_columns(start: dict[str, float], unit: float, content: ColumnContent) -> dict[str, float]:
    """Widths of the text columns that make the table shortest, inside COLUMN_BOUNDS.

    start holds the recommended widths (they stay when nothing is gained); unit is the width, in
    mm, of one share of FIXED_COLUMN_SHARES. A column that holds no text in any row may narrow
    to what its header title needs. Each row is as tall as its tallest text or its symbol, so a
    long Keterangan beside empty Mutu Baku cells takes width from them. Text heights are
    estimated from character counts (the real measure runs once, at the widths chosen), and the
    widths move between columns in whole millimetres, so the choice is fast and deterministic.
    """
    keys = [k for k in FITTED_KEYS if k in start]
    total = sum(start[k] for k in keys)
    rows = len(content.floors)
    if rows == 0:
        return dict(start)
    inset = content.inset_mm
    lo: dict[str, float] = {}
    hi: dict[str, float] = {}
    for key in keys:
        low, high = COLUMN_BOUNDS[key]
        title = _title_mm(content.titles.get(key, ""), content.title_pt) + inset
        texts = content.texts.get(key) or []
        empty = not any(t.strip() for t in texts)
        floor = MIN_COLUMN_MM.get(key, 0.0)
        # Never more than the recommended width: on narrow pages that is all there is.
        lo[key] = min(max(floor, title if empty else max(low * unit, title)), start[key])
        hi[key] = max(high * unit, start[key])

    advance = content.size_pt * 25.4 / 72 * _ADVANCE_EM
    line, extra = content.line_mm, content.extra_mm
    floors = [max(f, line + extra) for f in content.floors]
    # Each non-empty cell as (row, room lost at each line end, characters of each paragraph).
    cells: dict[str, list[tuple[int, float, list[int]]]] = {}
    load: dict[str, int] = {}  # characters each column holds
    for key in keys:
        found = []
        held = 0
        for row, text in enumerate((content.texts.get(key) or [])[:rows]):
            words = text.split()
            if words:  # not blank
                paragraphs = [len(p) for p in text.split("\n")] if "\n" in text else [len(text)]
                found.append((row, _WRAP_LOSS * (sum(map(len, words)) / len(words) + 1), paragraphs))
                held += sum(paragraphs)
        cells[key] = found
        load[key] = held

    def text_heights(width: float, chosen: list[tuple[int, float, list[int]]]) -> list[tuple[int, float]]:
        per_line = max(width - inset, 0.5) / advance
        return [(row, (-(-paragraphs[0] // max(per_line - loss, 1.0)) if len(paragraphs) == 1 else
                       sum(max(1, -(-length // max(per_line - loss, 1.0))) for length in paragraphs)) * line + extra)
                for row, loss, paragraphs in chosen]

    # Only rows that some column can make taller than their symbol matter, and only columns that can.
    tallest = {key: text_heights(lo[key], cells[key]) for key in keys}
    need = [0.0] * rows
    for key in keys:
        for row, height in tallest[key]:
            need[row] = max(need[row], height - floors[row])
    active = [row for row in range(rows) if need[row] > 1e-9]
    if len(active) > _SAMPLE_ROWS:
        # A long SOP: its tallest rows and an even sample of the others stand for it all.
        tall = sorted(active, key=lambda row: (-need[row], row))[:_SAMPLE_ROWS // 4]
        stride = -(-len(active) // (_SAMPLE_ROWS - len(tall)))
        active = sorted(set(tall) | set(active[::stride]))
    position = {row: k for k, row in enumerate(active)}
    busy = [key for key in keys if any(row in position and height > floors[row] + 1e-9
                                       for row, height in tallest[key])]
    for key in busy:
        cells[key] = [(position[row], loss, paragraphs) for row, loss, paragraphs in cells[key] if row in position]
    still = sum(f for row, f in enumerate(floors) if row not in position)
    floors = [floors[row] for row in active]
    cache: dict[tuple[str, float], list[float]] = {}

    def heights(key: str, width: float) -> list[float]:
        """Estimated height of each active row's text in column `key` at `width` (0 for an empty cell)."""
        found = cache.get((key, width))
        if found is None:
            found = [0.0] * len(active)
            for row, height in text_heights(width, cells[key]):
                found[row] = height
            cache[(key, width)] = found
        return found

    def total_height(widths: dict[str, float]) -> float:
        return still + sum(map(max, floors, *(heights(k, widths[k]) for k in busy)))

    widths = {k: round(start[k], 6) for k in keys}
    best = total_height(widths)
    base = best
    rounds = 0
    for step in _STEPS_MM:
        while rounds < _MAX_ROUNDS:
            rounds += 1
            # Which column loses least by giving `step`, which gains most by taking it.
            give = {}
            take = {}
            for key in keys:
                if widths[key] - step >= lo[key] - 1e-6:
                    give[key] = total_height({**widths, key: round(widths[key] - step, 6)}) - best \
                        if key in busy else 0.0
                if widths[key] + step <= hi[key] + 1e-6:
                    take[key] = total_height({**widths, key: round(widths[key] + step, 6)}) - best \
                        if key in busy else 0.0
            # Equal gains: take from the column holding least text (an empty one first), give to the fullest.
            pairs = sorted((round(give[a] + take[b], 6), load[a], -load[b], keys.index(a), keys.index(b))
                           for a in give for b in take if a != b)
            moved = False
            for estimate, _, _, a_index, b_index in pairs[:3]:
                if estimate >= -1e-6:
                    break
                a, b = keys[a_index], keys[b_index]
                trial = {**widths, a: round(widths[a] - step, 6), b: round(widths[b] + step, 6)}
                value = total_height(trial)
                if value < best - 1e-6:
                    widths, best, moved = trial, value, True
                    break
            if not moved:
                break
    if best > base - max(_LEAST_GAIN * base, 1.0):
        return dict(start)
    # Whatever rounding left over goes to Kegiatan, so the columns still fill the table exactly.
    widths["kegiatan"] += total - sum(widths.values())
    return {**start, **widths}
