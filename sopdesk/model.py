"""The SOP document: plain dataclasses and the pure edit helpers every editor calls.

Terms of art kept in Indonesian because they are the official names:
- pelaksana: the actors (one flowchart column each);
- kegiatan: the activity text of a step;
- mutu baku: the quality standard of a step (kelengkapan = required inputs, waktu = time, output);
- keterangan: free remarks on a step;
- the six identity boxes: dasar hukum (legal basis), kualifikasi pelaksana (performer
  qualifications), keterkaitan (related SOPs), peralatan/perlengkapan (equipment),
  peringatan (warnings), pencatatan dan pendataan (records kept).
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import enum
import re
import uuid
from dataclasses import dataclass, field


def new_id() -> str:
    return uuid.uuid4().hex


class Symbol(str, enum.Enum):
    """The symbol a step is drawn with; AUTO resolves by position."""

    AUTO = "otomatis"
    TERMINATOR = "terminator"
    PROCESS = "proses"
    DECISION = "keputusan"


class IdLabel(str, enum.Enum):
    """Which identity number the signer shows."""

    NIP = "NIP"
    NRP = "NRP"
    NONE = ""


END = "__keluar__"
"""Decision target meaning: the branch leaves the procedure."""

TIME_UNITS = ("Menit", "Jam", "Hari", "Hari Kerja", "Minggu", "Bulan")

LIST_BOXES = (
    "dasar_hukum",
    "kualifikasi_pelaksana",
    "keterkaitan",
    "peralatan_perlengkapan",
    "peringatan",
    "pencatatan_pendataan",
)


@dataclass
class Duration:
    """Waktu of a step: a number with a unit, or free text when it is not of that form."""

    value: float | None = None
    unit: str = ""
    text: str = ""

    def is_empty(self) -> bool:
        return self.value is None and not self.text.strip()

    def display(self) -> str:
        if self.value is None:
            return self.text
        return f"{format_number(self.value)} {self.unit}".strip()

    @classmethod
    def from_text(cls, text: str) -> Duration:
        """Structured when the text reads back exactly as written, free text otherwise."""
        parsed = parse_duration(text, strict=True)
        if parsed is not None and parsed.display() == text:
            return parsed
        return cls(text=text)


def format_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}".replace(".", ",")


_DURATION_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z][A-Za-z ]*?)\s*$")

# Short forms people type for the units (lower case, single spaces); read only when not strict.
# No one-letter forms: "1 m" or "2 h" could mean another unit, and a guess would change the SOP.
_UNIT_ALIASES = {
    "mnt": "Menit",
    "jm": "Jam",
    "hr": "Hari",
    "hk": "Hari Kerja", "hari krj": "Hari Kerja", "hr kerja": "Hari Kerja", "hr krj": "Hari Kerja",
    "mgg": "Minggu", "pekan": "Minggu",
    "bln": "Bulan",
}


def parse_duration(text: str, strict: bool = False) -> Duration | None:
    """Read "10 Menit", "1,5 jam", "2 hari kerja" or "3 HK"; None when the text is not a time.

    strict=True accepts only the units exactly as printed; otherwise case, spacing and
    the usual short forms (mnt, HK, mgg, bln …) are forgiven (that is what validation
    uses to call a time readable).
    """
    m = _DURATION_RE.match(text or "")
    if not m:
        return None
    number = float(m.group(1).replace(",", "."))
    unit_text = m.group(2)
    for unit in TIME_UNITS:
        if unit_text == unit or (not strict and " ".join(unit_text.split()).lower() == unit.lower()):
            return Duration(value=number, unit=unit)
    alias = None if strict else _UNIT_ALIASES.get(" ".join(unit_text.split()).lower())
    return Duration(value=number, unit=alias) if alias else None


@dataclass
class Logo:
    """The logo image, embedded so an SOP file is complete on its own."""

    data: bytes
    extension: str  # "png", "jpg" or "svg"


@dataclass(frozen=True)
class SopLink:
    """A pointer from a Keterkaitan item or a step's Keterangan to another SOP of the library.

    nomor and nama are the target's as they were when the link was made: when the target is renamed,
    they tell which words of the item's text are now out of date. The linked text itself is never
    changed by a link; it is printed exactly as typed.
    """

    sop_id: str
    nomor: str = ""
    nama: str = ""


@dataclass
class Signer:
    jabatan: str = ""
    nama: str = ""
    id_label: IdLabel = IdLabel.NIP
    id_number: str = ""


@dataclass
class Identity:
    instansi: str = ""
    unit_lines: list[str] = field(default_factory=list)
    logo: Logo | None = None
    nomor: str = ""
    tanggal_pembuatan: dt.date | None = None
    tanggal_revisi: dt.date | None = None
    revisi_ke: int | None = None
    tanggal_efektif: dt.date | None = None
    tanggal_pengesahan: dt.date | None = None
    # Some institutions print a single "Tanggal Pengesahan" instead of Tanggal Efektif.
    use_pengesahan: bool = False
    # The text typed in a date field that did not read cleanly (unreadable, or a weekday that is not
    # the date's), by field name ("tanggal_revisi"); kept, saved and printed exactly as typed.
    date_texts: dict[str, str] = field(default_factory=dict)
    signer: Signer = field(default_factory=Signer)
    nama: str = ""
    cakupan: str = ""  # "Makro", "Mikro" or ""
    sifat: str = ""  # "Administratif", "Teknis" or ""
    dasar_hukum: list[str] = field(default_factory=list)
    kualifikasi_pelaksana: list[str] = field(default_factory=list)
    keterkaitan: list[str] = field(default_factory=list)
    peralatan_perlengkapan: list[str] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)
    pencatatan_pendataan: list[str] = field(default_factory=list)
    # Keterkaitan items that point at an SOP of the library, by the item's text (not its position, so
    # adding, moving or deleting items never moves a link onto another item). See sopdesk/links.py.
    keterkaitan_links: dict[str, SopLink] = field(default_factory=dict)


@dataclass
class Actor:
    name: str
    id: str = field(default_factory=new_id)


@dataclass
class Step:
    kegiatan: str = ""
    actors: list[str] = field(default_factory=list)  # actor ids, in column order
    symbol: Symbol = Symbol.AUTO
    # Decision targets: a step id, END (leaves the procedure) or None (not chosen yet).
    yes_target: str | None = None
    no_target: str | None = None
    yes_label: str = ""  # empty prints "Ya"
    no_label: str = ""  # empty prints "Tidak"
    kelengkapan: str = ""
    waktu: Duration = field(default_factory=Duration)
    output: str = ""
    keterangan: str = ""
    keterangan_link: SopLink | None = None  # the SOP (a Mikro SOP, say) the Keterangan names
    id: str = field(default_factory=new_id)


class Status(str, enum.Enum):
    """Where an SOP stands in its life; the value is the word shown to the user."""

    DRAF = "Draf"
    BERLAKU = "Berlaku"
    DIGANTI = "Diganti"
    DICABUT = "Dicabut"


@dataclass
class Lifecycle:
    """Status of the SOP and its review plan (not printed; kept in the library's own format only)."""

    status: Status = Status.DRAF
    status_date: dt.date | None = None  # since when the status holds
    status_date_text: str = ""  # typed in the status date but not read as a date: kept as typed
    review_months: int | None = None  # review interval; None = the default in Preferensi
    # True: Tanggal Revisi holds the planned review date (as the format notes allow), and the review is due then.
    review_on_tanggal_revisi: bool = False


PAPER_SIZES_MM = {"A4": (210.0, 297.0), "F4": (215.0, 330.0), "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}


@dataclass
class PageSettings:
    paper: str = "A4"
    landscape: bool = True
    margin_top: float = 15.0
    margin_bottom: float = 15.0
    margin_left: float = 15.0
    margin_right: float = 15.0
    numbering_row: bool = False
    offpage_labels: str = "angka"  # "kosong", "angka" or "huruf"
    combine_pages: bool = False  # identity and flowchart on one page when they fit
    flatten_chart: bool = False  # "ratakan bagan": Word gets each page's chart as a picture, not shapes
    page_numbers: bool = True  # "Halaman x dari y" in the bottom margin of every page
    date_weekday: bool = True  # dates print as "Rabu, 01 November 2017"; False: "01 November 2017"
    # A last "Jumlah waktu" row in the flowchart table (sopdesk/total_time.py), and the rules it converts
    # units with, kept with the SOP so it prints the same everywhere; Preferensi gives new SOPs theirs.
    total_time_row: bool = False
    workday_hours: float = 7.5  # 1 Hari Kerja = 7,5 Jam
    week_workdays: float = 5.0  # 1 Minggu = 5 Hari Kerja
    month_workdays: float = 20.0  # 1 Bulan = 20 Hari Kerja
    day_workdays: float = 1.0  # 1 Hari = 1 Hari Kerja


@dataclass
class Sop:
    identity: Identity = field(default_factory=Identity)
    actors: list[Actor] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    page: PageSettings = field(default_factory=PageSettings)
    id: str = field(default_factory=new_id)
    source: str = ""  # where the content came from, kept from imports
    notes: list[str] = field(default_factory=list)  # import notes, not printed
    lifecycle: Lifecycle = field(default_factory=Lifecycle)

    # ---- lookups -------------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def actor_by_name(self, name: str) -> Actor | None:
        return next((a for a in self.actors if a.name == name), None)

    def step_index(self, step_id: str | None) -> int:
        """Index of the step with that id, or -1."""
        for i, s in enumerate(self.steps):
            if s.id == step_id:
                return i
        return -1

    def step(self, step_id: str | None) -> Step | None:
        i = self.step_index(step_id)
        return self.steps[i] if i >= 0 else None

    def clone(self) -> Sop:
        """A deep copy; written out by hand because every edit takes two (undo) and deepcopy is ~10x slower."""
        ident = self.identity
        lists = {box: list(getattr(ident, box)) for box in LIST_BOXES}
        return Sop(
            identity=dataclasses.replace(ident, unit_lines=list(ident.unit_lines),
                                         signer=dataclasses.replace(ident.signer),
                                         date_texts=dict(ident.date_texts),
                                         keterkaitan_links=dict(ident.keterkaitan_links), **lists),
            actors=[Actor(a.name, a.id) for a in self.actors],
            steps=[dataclasses.replace(s, actors=list(s.actors), waktu=dataclasses.replace(s.waktu))
                   for s in self.steps],
            page=dataclasses.replace(self.page),
            id=self.id,
            source=self.source,
            notes=list(self.notes),
            lifecycle=dataclasses.replace(self.lifecycle),
        )


def resolved_symbol(sop: Sop, index: int) -> Symbol:
    """The symbol step `index` is drawn with: AUTO makes the first and last steps terminators."""
    symbol = sop.steps[index].symbol
    if symbol is not Symbol.AUTO:
        return symbol
    if index == 0 or index == len(sop.steps) - 1:
        return Symbol.TERMINATOR
    return Symbol.PROCESS


def auto_symbol_for(index: int, count: int) -> Symbol:
    return Symbol.TERMINATOR if index in (0, count - 1) else Symbol.PROCESS


def successors(sop: Sop, index: int) -> list[tuple[str, str | None]]:
    """Outgoing flows of a step as (kind, target step id or None for the end).

    kind is "next", "ya" or "tidak". A decision's unset target yields nothing. A terminator
    that is not the first step ends the procedure (e.g. the end of a Ya/Tidak branch in the
    middle of the table): it flows to the end, never on to the next row.
    """
    step = sop.steps[index]
    symbol = resolved_symbol(sop, index)
    if symbol is Symbol.TERMINATOR and index > 0:
        return [("next", None)]
    if symbol is Symbol.DECISION:
        flows = []
        for kind, target in (("ya", step.yes_target), ("tidak", step.no_target)):
            if target == END:
                flows.append((kind, None))
            elif target is not None and sop.step_index(target) >= 0:
                flows.append((kind, target))
        return flows
    if index + 1 < len(sop.steps):
        return [("next", sop.steps[index + 1].id)]
    return [("next", None)]


# ---- edit helpers: each one mutates the document in place -----------------------------


def insert_step(sop: Sop, index: int, step: Step | None = None) -> Step:
    step = step or Step()
    index = max(0, min(index, len(sop.steps)))
    sop.steps.insert(index, step)
    return step


def delete_steps(sop: Sop, step_ids: list[str]) -> None:
    """Remove steps; decision targets that pointed at them become unset."""
    gone = set(step_ids)
    sop.steps = [s for s in sop.steps if s.id not in gone]
    for s in sop.steps:
        if s.yes_target in gone:
            s.yes_target = None
        if s.no_target in gone:
            s.no_target = None


def duplicate_step(sop: Sop, index: int) -> Step:
    twin = copy.deepcopy(sop.steps[index])
    twin.id = new_id()
    sop.steps.insert(index + 1, twin)
    return twin


def move_step(sop: Sop, index: int, new_index: int) -> None:
    """Targets are ids, so decisions keep pointing at the same steps."""
    if not (0 <= index < len(sop.steps)):
        return
    new_index = max(0, min(new_index, len(sop.steps) - 1))
    step = sop.steps.pop(index)
    sop.steps.insert(new_index, step)


def set_step_symbol(sop: Sop, index: int, symbol: Symbol) -> None:
    """A step that becomes a decision goes on to the next step on Ya until another target is chosen."""
    step = sop.steps[index]
    was_decision = resolved_symbol(sop, index) is Symbol.DECISION
    step.symbol = symbol
    becomes_decision = resolved_symbol(sop, index) is Symbol.DECISION
    if becomes_decision and not was_decision and step.yes_target is None and index + 1 < len(sop.steps):
        step.yes_target = sop.steps[index + 1].id


def copy_output_to_next(sop: Sop, index: int) -> bool:
    if index + 1 >= len(sop.steps):
        return False
    sop.steps[index + 1].kelengkapan = sop.steps[index].output
    return True


def add_actor(sop: Sop, name: str, index: int | None = None) -> Actor:
    actor = Actor(name=name)
    sop.actors.insert(len(sop.actors) if index is None else index, actor)
    return actor


def rename_actor(sop: Sop, actor_id: str, name: str) -> None:
    """Steps refer to actors by id, so they follow the new name."""
    actor = sop.actor(actor_id)
    if actor is not None:
        actor.name = name


def move_actor(sop: Sop, index: int, new_index: int) -> None:
    if not (0 <= index < len(sop.actors)):
        return
    new_index = max(0, min(new_index, len(sop.actors) - 1))
    sop.actors.insert(new_index, sop.actors.pop(index))
    order = {a.id: i for i, a in enumerate(sop.actors)}
    for s in sop.steps:
        s.actors.sort(key=lambda a: order.get(a, len(order)))


def steps_using_actor(sop: Sop, actor_id: str) -> list[int]:
    return [i for i, s in enumerate(sop.steps) if actor_id in s.actors]


def remove_actor(sop: Sop, actor_id: str, reassign_to: str | None = None) -> None:
    """Drop an actor column; its steps move to `reassign_to`, or simply lose that actor."""
    sop.actors = [a for a in sop.actors if a.id != actor_id]
    for s in sop.steps:
        if actor_id in s.actors:
            s.actors.remove(actor_id)
            if reassign_to and reassign_to not in s.actors:
                s.actors.append(reassign_to)
    if reassign_to:
        order = {a.id: i for i, a in enumerate(sop.actors)}
        for s in sop.steps:
            s.actors.sort(key=lambda a: order.get(a, len(order)))


def set_step_actor(sop: Sop, index: int, actor_id: str, checked: bool) -> None:
    step = sop.steps[index]
    if checked and actor_id not in step.actors:
        step.actors.append(actor_id)
        order = {a.id: i for i, a in enumerate(sop.actors)}
        step.actors.sort(key=lambda a: order.get(a, len(order)))
    elif not checked and actor_id in step.actors:
        step.actors.remove(actor_id)


_NUMBERING_RE = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|[-•*·▪])\s+")


def split_pasted_lines(text: str) -> list[str]:
    """One list item per non-empty line, with leading "1." / "a)" / "-" numbering removed."""
    items = []
    for line in text.splitlines():
        line = _NUMBERING_RE.sub("", line, count=1).strip()
        if line:
            items.append(line)
    return items
