"""SOPs from the sheets: identity blocks paired with flowchart tables, and the exported copy checked against cells."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..labels import BOX_TITLES
from ..model import END, LIST_BOXES, Actor, Duration, Identity, Logo, Sop, Step, Symbol, auto_symbol_for
from . import ImportReport
from .xlsx_cells import FlowTable, Grid, StepRow
from .xlsx_flow import NEXT_TABLE, StepFlow, table_flows
from .xlsx_identity import EMPTY_VALUES, IdentityBlock, logo_area, read_identity
from .xlsx_shapes import SYMBOL_KINDS, Shape

LOGO_EXTENSIONS = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".svg": "svg"}
STEP_FIELDS = ("kegiatan", "kelengkapan", "waktu", "output", "keterangan")
STEP_FIELD_NAMES = {"kegiatan": "Kegiatan", "kelengkapan": "Kelengkapan", "waktu": "Waktu", "output": "Output",
                    "keterangan": "Keterangan"}


MAX_SOPS = 200
"""SOPs taken from one workbook; an archive workbook holds a few dozen."""


class TooManySops(Exception):
    """The workbook holds more SOPs than MAX_SOPS; none is built."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


@dataclass
class SheetRead:
    """One sheet read: its grid, flowchart tables, identity blocks, shapes and embedded pictures."""

    index: int
    grid: Grid
    tables: list[FlowTable]
    blocks: list[IdentityBlock]
    shapes: list[Shape]
    images: dict[str, tuple[bytes, str]]  # shape image key -> (bytes, part name)
    report: ImportReport


@dataclass
class Built:
    """One SOP read from cells, with where its parts came from (for comparing with the exported copy)."""

    sop: Sop
    report: ImportReport
    table: FlowTable | None = None
    grid: Grid | None = None
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class _Item:
    order: tuple[int, int]
    sheet: SheetRead
    block: IdentityBlock | None = None
    table: FlowTable | None = None
    flows: list[StepFlow] | None = None
    report: ImportReport | None = None
    more: list[_Item] = field(default_factory=list)  # tables on later sheets that go on with this one
    extra: list[_Item] = field(default_factory=list)  # smaller identity blocks that fill this one's gaps


def _actor_names(table: FlowTable) -> list[str]:
    return [" ".join(a.name.lower().split()) for a in table.header.actors]


def _continues(first: _Item, later: _Item) -> bool:
    """Whether a table on a later sheet goes on with `first`: the same actors, numbering carried on."""
    last = (first.more or [first])[-1]
    if later.sheet.index <= last.sheet.index or not later.table.steps or not last.table.steps:
        return False
    return (_actor_names(later.table) == _actor_names(first.table)
            and later.table.steps[0].number == last.table.steps[-1].number + 1)


def _agree(page: _Item, line: _Item) -> bool:
    """Whether a thin identity block says nothing against the identity page (same Nomor and Nama where both
    have one)."""
    a = read_identity(page.sheet.grid, page.block, ImportReport(), {})
    b = read_identity(line.sheet.grid, line.block, ImportReport(), {})

    def same(x: str, y: str) -> bool:
        return not x or not y or " ".join(x.casefold().split()) == " ".join(y.casefold().split())

    return same(a.nomor, b.nomor) and same(a.nama, b.nama)


def _whole_identity(item: _Item) -> bool:
    return bool({"nomor", "nama"} & item.block.labels.keys()) and len(item.block.labels) >= 3


def build_sops(sheets: list[SheetRead], file_name: str) -> list[Built]:
    """One SOP per flowchart (continued over later sheets or not), each with the identity block before it.

    An SOP is often spread over sheets: the identity page on one, the flowchart on the next
    (or on several, its numbering going on). A second, smaller identity block (say a "Nama SOP"
    line above the flowchart) fills the gaps of the identity page before it rather than
    splitting the SOP in two.
    """
    identities: list[_Item] = []
    tables: list[_Item] = []
    for sheet in sheets:
        for table in sheet.tables:
            tables.append(_Item((sheet.index, table.first_row), sheet, table=table, report=ImportReport()))
        for block in sheet.blocks:
            identities.append(_Item((sheet.index, block.first_row), sheet, block=block))
    items = sorted(identities + tables, key=lambda i: (i.order, i.table is not None))
    # Tables going on from an earlier sheet, with no identity block between them, join that table.
    primary: list[_Item] = []
    previous: _Item | None = None
    for item in items:
        if item.table is None:
            previous = None
        elif previous is not None and _continues(previous, item):
            previous.more.append(item)
        else:
            primary.append(item)
            previous = item
    heads = {id(i) for i in primary}
    items = [i for i in items if i.table is None or id(i) in heads]
    # The drawing of each sheet, read once the step numbers of continued tables are known (for the report).
    bases: dict[int, int] = {}
    for head in primary:
        offset = 0
        for part in [head] + head.more:
            bases[id(part)] = offset
            offset += len(part.table.steps)
    for sheet in sheets:
        mine = [t for t in tables if t.sheet is sheet]
        flows = table_flows(sheet.grid, [t.table for t in mine], sheet.shapes, [t.report for t in mine],
                            sheet.images, [bases.get(id(t), 0) for t in mine])
        for item, flow in zip(mine, flows):
            item.flows = flow
    pairs: list[tuple[_Item | None, _Item | None]] = []
    if len(identities) == len(primary):
        pairs = list(zip(identities, primary))
    else:
        pending: list[_Item] = []
        for item in items:
            if item.table is None:
                pending.append(item)
                continue
            ident = pending.pop() if pending else None
            # An identity page on an earlier sheet and a thin one (a title line) right above the flowchart:
            # one SOP; the page is the identity, the title line fills its gaps.
            if (ident is not None and pending and not _whole_identity(ident) and _whole_identity(pending[-1])
                    and pending[-1].sheet.index < ident.sheet.index and _agree(pending[-1], ident)):
                main = pending.pop()
                main.extra.append(ident)
                ident = main
            pairs.append((ident, item))
        # An identity without a flowchart is an SOP only when it looks like a whole identity table.
        pairs += [(item, None) for item in pending if _whole_identity(item)]
        pairs.sort(key=lambda p: (p[0] or p[1]).order)
    if len(pairs) > MAX_SOPS:
        raise TooManySops(len(pairs))
    built = []
    reported_sheets: set[int] = set()
    for ident, table in pairs:
        result = _build(ident, table, file_name)
        involved = [ident, table] + (ident.extra if ident else []) + (table.more if table else [])
        for item in involved:
            if item is not None and item.sheet.index not in reported_sheets:
                reported_sheets.add(item.sheet.index)
                result.report.extend(item.sheet.report)
        built.append(result)
    return built


def _fill_gaps(sop: Sop, other: Identity) -> list[str]:
    """Identity fields empty in `sop` taken from `other`; the names of the fields taken."""
    taken = []
    ident = sop.identity
    for name in ("nomor", "nama", "instansi", "cakupan", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
                 "tanggal_pengesahan") + LIST_BOXES:
        if not getattr(ident, name) and getattr(other, name):
            setattr(ident, name, getattr(other, name))
            taken.append(name)
    if not ident.unit_lines and other.unit_lines and "instansi" in taken:
        ident.unit_lines = list(other.unit_lines)
    if not (ident.signer.nama or ident.signer.jabatan) and (other.signer.nama or other.signer.jabatan):
        ident.signer = other.signer
        taken.append("signer")
    for kind, text in other.date_texts.items():
        if getattr(ident, kind, None) is None:
            ident.date_texts.setdefault(kind, text)
    return taken


def _build(ident: _Item | None, table_item: _Item | None, file_name: str) -> Built:
    report = ImportReport()
    sop = Sop(source=f"Impor Excel: {file_name}")
    built = Built(sop, report)
    if ident is not None:
        grid = ident.sheet.grid
        sop.identity = read_identity(grid, ident.block, report, built.sources)
        _read_logo(ident.sheet, ident.block, sop, report)
        report.unread.extend(grid.miss_lines(range(ident.block.first_row, ident.block.last_row + 40)))
        for extra in ident.extra:
            other = ImportReport()
            found = read_identity(extra.sheet.grid, extra.block, other, {})
            taken = _fill_gaps(sop, found)
            where = extra.sheet.grid.addr(extra.block.first_row, min(c for _, c, _ in extra.block.labels.values()))
            report.read.append(f"Identitas juga tertulis di atas flowchart ({where}); "
                               + (f"{len(taken)} isian yang kosong diambil dari sana." if taken
                                  else "isinya sudah ada di halaman identitas."))
    else:
        report.unread.append("Identitas SOP tidak ditemukan (label Nomor SOP, Nama SOP, Disahkan oleh ...); "
                             "isian identitas kosong.")
    if table_item is None:
        report.unread.append("Tabel flowchart (kolom No, Kegiatan, Pelaksana) tidak ditemukan; SOP tanpa langkah.")
        return built
    table, grid = table_item.table, table_item.sheet.grid
    built.table, built.grid = table, grid
    header = table.header
    for k, column in enumerate(header.actors):
        name = column.name or f"Pelaksana {k + 1}"
        if not column.name:
            report.unread.append(f"{grid.addr(column.row, column.first_col)}: nama pelaksana kosong; diberi "
                                 f"nama \"{name}\".")
        sop.actors.append(Actor(name=name))
    parts = [table_item] + table_item.more
    rows: list[tuple[_Item, StepRow]] = [(part, row) for part in parts for row in part.table.steps]
    flows: list[StepFlow] = []
    offset = 0
    for n, part in enumerate(parts):
        following = offset + len(part.table.steps)
        next_first: int | str = following if n + 1 < len(parts) else END
        for flow in _flows_of(part):
            flows.append(_shifted(flow, offset, next_first))
        offset = following
    for part in parts:
        t, g = part.table, part.sheet.grid
        no_col = t.header.columns["no"]
        pages = f"; judul tabel diulang {len(t.page_breaks)} kali" if t.page_breaks else ""
        report.read.append(f"Tabel flowchart {g.addr_range(t.header.row, no_col, t.last_row, no_col)}: "
                           f"{len(t.steps)} langkah, {len(sop.actors)} pelaksana{pages}.")
    if table_item.more:
        report.read.append(f"Flowchart berlanjut di lembar {', '.join(p.sheet.grid.sheet for p in table_item.more)} "
                           "(pelaksana sama, nomor langkah bersambung); dibaca sebagai satu SOP.")
    names_at = grid.addr_range(header.actors[0].row, header.actors[0].first_col, header.actors[-1].row,
                               header.actors[-1].last_col)
    report.read.append(f"Pelaksana: {', '.join(a.name for a in sop.actors)} ({names_at})")
    count = len(rows)
    for i, ((part, row), flow) in enumerate(zip(rows, flows)):
        texts = row.texts
        step = Step(kegiatan=texts.get("kegiatan", ""), kelengkapan=texts.get("kelengkapan", ""),
                    waktu=Duration.from_text(texts.get("waktu", "")), output=texts.get("output", ""),
                    keterangan=texts.get("keterangan", ""))
        step.actors = [sop.actors[a].id for a in flow.actors if a < len(sop.actors)]
        symbol = flow.symbol or Symbol.AUTO
        step.symbol = Symbol.AUTO if symbol is auto_symbol_for(i, count) else symbol
        sop.steps.append(step)
        where = part.sheet.grid.addr(row.first_row, part.table.header.columns["no"])
        if row.number != i + 1:
            report.guessed.append(f"{where}: nomor langkah tertulis {row.number}; dibaca sebagai langkah {i + 1} "
                                  "menurut urutan baris.")
        if row.continued:
            report.guessed.append(f"Langkah {i + 1}: teks di baris bawahnya (sampai baris {row.last_row}) ikut "
                                  "digabung ke langkah ini.")
    for step, flow in zip(sop.steps, flows):
        if flow.symbol is Symbol.DECISION:
            step.yes_target = _target(sop, flow.yes)
            step.no_target = _target(sop, flow.no)
            step.yes_label, step.no_label = flow.yes_label, flow.no_label
    for part in parts:
        if not any(s.kind in SYMBOL_KINDS or s.kind == "picture" and s.as_symbol for s in part.sheet.shapes):
            report.read.append(f"Lembar {part.sheet.grid.sheet} tanpa gambar: pelaksana tiap langkah dibaca dari "
                               "tanda (✓, v, x ...) di kolom pelaksana.")
        report.extend(part.report)
        t = part.table
        report.unread.extend(part.sheet.grid.miss_lines(range(t.first_row, t.last_row + 1)))
    return built


def _shifted(flow: StepFlow, offset: int, next_first: int | str) -> StepFlow:
    """A table's flow with its step indexes moved to where the table's steps sit in the whole SOP."""
    def move(target: int | str | None) -> int | str | None:
        if target == NEXT_TABLE:
            return next_first
        return target + offset if isinstance(target, int) else target

    return StepFlow(actors=list(flow.actors), symbol=flow.symbol, yes=move(flow.yes), no=move(flow.no),
                    yes_label=flow.yes_label, no_label=flow.no_label)


def _flows_of(item: _Item) -> list[StepFlow]:
    return item.flows if item.flows is not None else [StepFlow() for _ in item.table.steps]


def _target(sop: Sop, target: int | str | None) -> str | None:
    if target == END:
        return END
    if isinstance(target, int) and 0 <= target < len(sop.steps):
        return sop.steps[target].id
    return None


def _read_logo(sheet: SheetRead, block: IdentityBlock, sop: Sop, report: ImportReport) -> None:
    """The first picture in the logo block becomes the logo, when its format is one SOP Desk prints."""
    area = logo_area(sheet.grid, block)
    if area is None:
        return
    first, last, label_col = area
    for shape in sheet.shapes:
        if shape.kind != "picture" or shape.image_rel not in sheet.images:
            continue
        row, col = sheet.grid.locate(*shape.centre)
        if not (first <= row <= last and col < label_col):
            continue
        data, part = sheet.images[shape.image_rel]
        suffix = posixpath.splitext(part)[1].lower()
        if suffix in LOGO_EXTENSIONS:
            sop.identity.logo = Logo(data=data, extension=LOGO_EXTENSIONS[suffix])
            report.read.append(f"Logo: gambar {suffix[1:].upper()} ({sheet.grid.addr(row, col)})")
        else:
            report.unread.append(f"{sheet.grid.addr(row, col)}: logo berformat {suffix[1:].upper() or '?'} tidak "
                                 "didukung (hanya PNG, JPEG, SVG); pasang ulang logonya di SOP Desk.")
        return


# ---- SOP Desk's own export: the hidden copy, checked against the cells ---------------------------------


def _same(a: str, b: str) -> bool:
    """Whether two cell readings say the same; spacing is forgiven because Excel and LibreOffice re-wrap text."""
    a, b = " ".join(a.split()), " ".join(b.split())
    a = "" if a in EMPTY_VALUES else a
    b = "" if b in EMPTY_VALUES else b
    return a == b


def reconcile(native: Sop, built: list[Built], file_name: str, baseline: Built | None = None) -> list[Built]:
    """The exported copy, with any text the user changed in the cells taken from the cells.

    `baseline` is what the cells of a fresh export of `native` read as. The cells are compared
    with that reading, not with `native` itself: the cell route tidies some values (it trims
    list items and joins their lines, drops "-" items), and a value the user never touched must
    come back exactly as stored rather than be reported as an edit made in Excel.
    """
    report = ImportReport(read=[f"Data SOP Desk ditemukan di {file_name}: SOP dipulihkan seperti saat diekspor "
                                "(langkah, pelaksana, keputusan, pengaturan halaman)."])
    merged = native.clone()
    result = Built(merged, report)
    if not built:
        report.guessed.append("Lembar yang terlihat tidak berisi SOP; hanya data SOP Desk yang tersimpan yang dipakai.")
        return [result]
    cells, others = built[0], built[1:]
    if cells.table is None or len(cells.sop.steps) != len(native.steps) or len(cells.sop.actors) != len(
            native.actors):
        cells.report.guessed.insert(0, f"Jumlah langkah atau pelaksana di lembar ({len(cells.sop.steps)} langkah, "
                                       f"{len(cells.sop.actors)} pelaksana) berbeda dari data SOP Desk yang tersimpan "
                                       f"({len(native.steps)} langkah, {len(native.actors)} pelaksana): lembar diubah "
                                       "setelah diekspor, jadi dibaca seperti lembar buatan tangan.")
        return built
    expected = native
    if baseline is not None and len(baseline.sop.steps) == len(native.steps) and len(baseline.sop.actors) == len(
            native.actors):
        expected = baseline.sop
    changed: list[str] = []
    _merge_identity(merged, expected, cells, changed)
    table, grid = cells.table, cells.grid
    for k, (actor, ours, read) in enumerate(zip(merged.actors, expected.actors, cells.sop.actors)):
        if not _same(ours.name, read.name):
            column = table.header.actors[k]
            changed.append(f"Nama pelaksana {k + 1} ({grid.addr(column.row, column.first_col)})")
            actor.name = read.name
    for i, (step, before, read) in enumerate(zip(merged.steps, expected.steps, cells.sop.steps)):
        for name in STEP_FIELDS:
            ours = before.waktu.display() if name == "waktu" else getattr(before, name)
            theirs = read.waktu.display() if name == "waktu" else getattr(read, name)
            if _same(ours, theirs):
                continue
            where = grid.addr(table.steps[i].first_row, table.header.columns.get(name, table.header.columns["no"]))
            changed.append(f"{STEP_FIELD_NAMES[name]} langkah {i + 1} ({where})")
            setattr(step, name, read.waktu if name == "waktu" else theirs)
    for line in changed:
        report.guessed.append(f"{line} diubah di Excel setelah diekspor; isi sel yang dipakai.")
    if not changed:
        report.read.append("Isi sel sama dengan data SOP Desk yang tersimpan.")
    report.unread.extend(line for line in cells.report.unread
                         if baseline is None or line not in baseline.report.unread)
    return [result] + others


def _merge_identity(merged: Sop, expected: Sop, cells: Built, changed: list[str]) -> None:
    ident, before, read = merged.identity, expected.identity, cells.sop.identity
    sources = cells.sources
    for name, title in (("nomor", "Nomor SOP"), ("nama", "Nama SOP")):
        if name in sources and not _same(getattr(before, name), getattr(read, name)):
            setattr(ident, name, getattr(read, name))
            changed.append(f"{title} ({sources[name]})")
    if "instansi" in sources and sources["instansi"]:
        lines_ours = [before.instansi] + before.unit_lines
        lines_read = [read.instansi] + read.unit_lines
        if len(lines_ours) != len(lines_read) or not all(_same(a, b) for a, b in zip(lines_ours, lines_read)):
            ident.instansi, ident.unit_lines = read.instansi, list(read.unit_lines)
            changed.append(f"Instansi dan unit organisasi ({sources['instansi']})")
    for name, title in (("tanggal_pembuatan", "Tanggal Pembuatan"), ("tanggal_revisi", "Tanggal Revisi"),
                        ("tanggal_efektif", "Tanggal Efektif"), ("tanggal_pengesahan", "Tanggal Pengesahan")):
        if name in sources and getattr(read, name) != getattr(before, name):
            setattr(ident, name, getattr(read, name))
            changed.append(f"{title} ({sources[name]})")
    if "signer" in sources:
        for name, title in (("jabatan", "Jabatan pengesah"), ("nama", "Nama pengesah"),
                            ("id_number", "NIP/NRP pengesah")):
            if not _same(getattr(before.signer, name), getattr(read.signer, name)):
                setattr(ident.signer, name, getattr(read.signer, name))
                changed.append(f"{title} ({sources['signer']})")
    for box in LIST_BOXES:
        ours, theirs = getattr(before, box), getattr(read, box)
        if box in sources and (len(ours) != len(theirs) or not all(_same(a, b) for a, b in zip(ours, theirs))):
            setattr(ident, box, list(theirs))
            changed.append(f"Isi kotak {BOX_TITLES[box]} ({sources[box]})")
