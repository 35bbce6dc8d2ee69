"""Page geometry from the page settings: paper size, content box and the flowchart column widths."""
from __future__ import annotations

from dataclasses import dataclass, field

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

    @property
    def actor_columns(self) -> list[FlowColumn]:
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
                      width: float | None = None) -> FlowColumns:
    """Columns No | Kegiatan | actors… | Kelengkapan | Waktu | Output | Keterangan filling the content width."""
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
