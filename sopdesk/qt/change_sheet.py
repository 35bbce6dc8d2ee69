"""The "Lembar Perubahan": a comparison of two versions as a PDF a reviewer signs, and its HTML pieces.

The comparison view shows the same HTML (word changes marked), so what is read on screen is what prints.
Removed words are struck through in red, inserted words underlined in green: both still read on a
black-and-white printout.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from ..atomic import atomic_write_bytes
from ..dates import date_text
from ..diff import (
    ADDED,
    CHANGED,
    DELETED,
    INSERTED,
    MOVED,
    REMOVED,
    RENAMED,
    SopDiff,
    change_lines,
    identity_values,
    step_title,
    summary,
)
from ..labels import BOX_TITLES, IDENTITY_LABELS, format_date, page_number_text
from ..model import LIST_BOXES, Sop
from .fonts import ensure_app, font_family

TITLE = "LEMBAR PERUBAHAN SOP"
SIGNATURE_TITLE = "Pemeriksaan"
MARGIN_MM = 20.0
DELETED_STYLE = "color:#b71c1c; background-color:#fde0dc; text-decoration:line-through;"
INSERTED_STYLE = "color:#1b5e20; background-color:#dcf5dc; text-decoration:underline;"
STATUS_COLOURS = {ADDED: "#dcf5dc", REMOVED: "#fde0dc", MOVED: "#e3ecfa", "diubah": "#fff4cc"}


def esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def words_html(words: Iterable, side: str) -> str:
    """One side of a word-level change: "old" shows kept and removed words, "new" kept and inserted ones."""
    parts = []
    for segment in words:
        if segment.kind == DELETED:
            if side == "old":
                parts.append(f"<span style=\"{DELETED_STYLE}\">{esc(segment.text)}</span>")
        elif segment.kind == INSERTED:
            if side == "new":
                parts.append(f"<span style=\"{INSERTED_STYLE}\">{esc(segment.text)}</span>")
        else:
            parts.append(esc(segment.text))
    return "".join(parts)


def value_html(change, side: str) -> str:
    """A field's old or new value, with its changed words marked; "(kosong)" for an empty one."""
    text = change.old if side == "old" else change.new
    if not text:
        return "<i>(kosong)</i>"
    if change.words:
        return words_html(change.words, side)
    style = DELETED_STYLE if side == "old" else INSERTED_STYLE
    return f"<span style=\"{style}\">{esc(text)}</span>"


def identification(sop: Sop) -> list[tuple[str, str]]:
    ident = sop.identity
    weekday = sop.page.date_weekday
    rows = [("Nomor SOP", ident.nomor or "-"), ("Nama SOP", ident.nama or "-"),
            ("Revisi ke", "-" if ident.revisi_ke is None else str(ident.revisi_ke)),
            ("Tanggal Pembuatan", date_text(ident, "tanggal_pembuatan", weekday=weekday)),
            ("Tanggal Revisi", date_text(ident, "tanggal_revisi", weekday=weekday))]
    if ident.use_pengesahan:
        rows.append(("Tanggal Pengesahan", date_text(ident, "tanggal_pengesahan", weekday=weekday)))
    else:
        rows.append(("Tanggal Efektif", date_text(ident, "tanggal_efektif", weekday=weekday)))
    status = getattr(getattr(sop, "lifecycle", None), "status", None)
    if status is not None:
        rows.append(("Status", status.value))
    return rows


CHANGED_ROW = "background-color:#fff4cc;"


def side_by_side_html(old: Sop, new: Sop, d: SopDiff, label_old: str, label_new: str) -> str:
    """Every identity field, list and actor of both versions, left and right; what changed tinted and marked."""
    head = ("", f"Versi A: {label_old}", f"Versi B: {label_new}")
    changes = {c.key: c for c in d.identity}
    rows = []
    for (key, label, a_value), (_key, _label, b_value) in zip(identity_values(old), identity_values(new)):
        change = changes.get(key)
        if change is not None:
            rows.append((esc(label), value_html(change, "old"), value_html(change, "new"), True))
        else:
            rows.append((esc(label), esc(a_value) or "-", esc(b_value) or "-", False))
    for box, label in (("unit_lines", IDENTITY_LABELS["unit_lines"]), *((b, BOX_TITLES[b]) for b in LIST_BOXES)):
        items = [c for c in d.lists if c.box == box]
        a_html = _list_side(getattr(old.identity, box), items, "old")
        b_html = _list_side(getattr(new.identity, box), items, "new")
        rows.append((esc(label), a_html, b_html, bool(items)))
    actor_changes = {(c.old_index, "old"): c for c in d.actors if c.old_index is not None}
    actor_changes.update({(c.new_index, "new"): c for c in d.actors if c.new_index is not None})
    sides = []
    for sop, side in ((old, "old"), (new, "new")):
        lines = []
        for index, actor in enumerate(sop.actors):
            change = actor_changes.get((index, side))
            text = f"{index + 1}. {esc(actor.name)}"
            if change is not None:
                style = DELETED_STYLE if side == "old" else INSERTED_STYLE
                text = f"<span style=\"{style}\">{text}</span> <i>({esc(change.kind)})</i>"
            lines.append(text)
        sides.append("<br>".join(lines) or "-")
    rows.append(("Pelaksana", sides[0], sides[1], bool(d.actors)))
    for change in d.page:
        rows.append((esc(f"Halaman: {change.label}"), esc(change.old), esc(change.new), True))
    out = [("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\" border=\"1\" "
           "style=\"border-collapse:collapse; border-color:#777;\"><tr>")]
    out += [f"<th width=\"{w}%\" align=\"left\" style=\"background-color:#eeeeee\">{esc(h)}</th>"
            for h, w in zip(head, (20, 40, 40))]
    out.append("</tr>")
    for label, a_html, b_html, changed in rows:
        shade = f" style=\"{CHANGED_ROW}\"" if changed else ""
        out.append(f"<tr{shade}><td valign=\"top\">{label}</td><td valign=\"top\">{a_html}</td>"
                   f"<td valign=\"top\">{b_html}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _list_side(items: list[str], changes: list, side: str) -> str:
    """One version's list, numbered; removed (old side) or added (new side) items and changed words marked."""
    index_of = (lambda c: c.old_index) if side == "old" else (lambda c: c.new_index)
    by_index = {index_of(c): c for c in changes if index_of(c) is not None}
    lines = []
    for number, item in enumerate(items):
        change = by_index.get(number)
        if change is None:
            text = esc(item)
        elif change.kind == CHANGED:
            text = words_html(change.words, side)
        else:
            text = f"<span style=\"{DELETED_STYLE if side == 'old' else INSERTED_STYLE}\">{esc(item)}</span>"
        lines.append(f"{number + 1}. {text}")
    return "<br>".join(lines) or "-"


def identity_table_html(d: SopDiff) -> str:
    """Identity fields, list items and actors that changed: Bagian | Versi A | Versi B."""
    rows = []
    for change in d.identity:
        rows.append((change.label, value_html(change, "old"), value_html(change, "new")))
    for item in d.lists:
        if item.kind == ADDED:
            rows.append((f"{item.label}, butir {item.new_index + 1}", "<i>(tidak ada)</i>",
                         f"<span style=\"{INSERTED_STYLE}\">{esc(item.new)}</span>"))
        elif item.kind == REMOVED:
            rows.append((f"{item.label}, butir {item.old_index + 1}",
                         f"<span style=\"{DELETED_STYLE}\">{esc(item.old)}</span>", "<i>(dihapus)</i>"))
        else:
            rows.append((f"{item.label}, butir {item.new_index + 1}", words_html(item.words, "old"),
                         words_html(item.words, "new")))
    for actor in d.actors:
        label = f"Pelaksana ({actor.kind})"
        old = f"kolom {actor.old_index + 1}: {esc(actor.old_name)}" if actor.old_index is not None else "<i>(tidak ada)</i>"
        new = f"kolom {actor.new_index + 1}: {esc(actor.new_name)}" if actor.new_index is not None else "<i>(dihapus)</i>"
        if actor.kind == RENAMED:
            old, new = (f"<span style=\"{DELETED_STYLE}\">{esc(actor.old_name)}</span>",
                        f"<span style=\"{INSERTED_STYLE}\">{esc(actor.new_name)}</span>")
        rows.append((label, old, new))
    for change in d.page:
        rows.append((f"Halaman: {change.label}", esc(change.old), esc(change.new)))
    if not rows:
        return "<p><i>Identitas, daftar, pelaksana dan pengaturan halaman tidak berubah.</i></p>"
    return _table(("Bagian", "Versi A", "Versi B"), rows, widths=(24, 38, 38))


def steps_table_html(d: SopDiff) -> str:
    rows = []
    for row in d.changed_steps():
        colour = STATUS_COLOURS.get(row.kind, "#ffffff")
        status = ", ".join(row.statuses)
        if row.kind in (ADDED, REMOVED):
            detail = esc(row.kegiatan)
        else:
            parts = []
            if row.moved:
                parts.append(f"dipindah dari urutan {row.old_index + 1} ke {row.new_index + 1}")
            for change in row.fields:
                parts.append(f"<b>{esc(change.label)}</b>: {value_html(change, 'old')} &rarr; "
                             f"{value_html(change, 'new')}")
            detail = "<br>".join(parts)
        rows.append((esc(step_title(row)), f"<span style=\"background-color:{colour}\">{esc(status)}</span>", detail))
    if not rows:
        return "<p><i>Langkah tidak berubah.</i></p>"
    return _table(("Langkah", "Status", "Perubahan"), rows, widths=(16, 14, 70))


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> str:
    out = [("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\" border=\"1\" "
           "style=\"border-collapse:collapse; border-color:#777;\">"), "<tr>"]
    out += [f"<th width=\"{w}%\" align=\"left\" style=\"background-color:#eeeeee\">{esc(h)}</th>"
            for h, w in zip(head, widths)]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td valign=\"top\">{cell}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def sheet_html(old: Sop, new: Sop, d: SopDiff, label_old: str, label_new: str, today: dt.date | None = None) -> str:
    """The whole Lembar Perubahan as HTML: title, both versions, the changes, the reviewer's signature block."""
    today = today or dt.date.today()
    family = font_family()
    ident_rows = []
    for (key, a_value), (_key, b_value) in zip(identification(old), identification(new)):
        ident_rows.append((esc(key), esc(a_value), esc(b_value)))
    parts = [
        f"<html><body style=\"font-family:'{family}'; font-size:10pt;\">",
        f"<h2 align=\"center\">{TITLE}</h2>",
        (f"<p align=\"center\">{esc(new.identity.nama or old.identity.nama or 'SOP tanpa nama')}"
        f"<br>{esc(new.identity.instansi)}</p>"),
        "<h3>Versi yang dibandingkan</h3>",
        _table(("", f"Versi A: {label_old}", f"Versi B: {label_new}"), ident_rows, widths=(24, 38, 38)),
        f"<p><b>{esc(summary(d))}</b></p>",
    ]
    if d.is_empty():
        parts.append("<p>Kedua versi sama; tidak ada perubahan.</p>")
    else:
        parts += ["<h3>Perubahan identitas, daftar dan pelaksana</h3>", identity_table_html(d),
                  "<h3>Perubahan langkah</h3>", steps_table_html(d)]
    if d.matched_by == "isi" and d.changed_steps():
        parts.append("<p><i>Kedua versi tidak berbagi tanda pengenal langkah, jadi langkah dicocokkan menurut "
                     "isinya.</i></p>")
    parts += [
        f"<p style=\"font-size:8pt; color:#555;\">Dibuat dengan SOP Desk pada {esc(format_date(today))}.</p>",
        f"<h3>{SIGNATURE_TITLE}</h3>",
        "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"8\" border=\"1\" style=\"border-collapse:collapse;\">",
        "<tr><td width=\"30%\">Diperiksa oleh (jabatan)</td><td width=\"70%\">&nbsp;</td></tr>",
        "<tr><td>Tanggal</td><td>&nbsp;</td></tr>",
        "<tr><td height=\"70\">Tanda tangan</td><td>&nbsp;<br><br><br></td></tr>",
        "<tr><td>Nama</td><td>&nbsp;</td></tr>",
        "<tr><td>NIP</td><td>&nbsp;</td></tr>",
        "</table>",
        "</body></html>",
    ]
    return "".join(parts)


def sheet_text_lines(d: SopDiff) -> list[str]:
    """The changes as plain lines (what the sheet lists), for callers that want no HTML."""
    lines = []
    for title, items in change_lines(d):
        lines.append(title)
        lines += items
    return lines


def change_sheet_pdf(old: Sop, new: Sop, d: SopDiff, label_old: str, label_new: str,
                     today: dt.date | None = None) -> bytes:
    """The Lembar Perubahan as PDF bytes: A4 portrait, 2 cm margins, "Halaman x dari y" at the foot.

    The pages are laid out on the PDF writer itself and painted one by one, so the page breaks
    measured to keep the reviewer's block whole are the very ones printed.
    """
    ensure_app()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setCreator("SOP Desk")
    writer.setTitle(f"Lembar Perubahan {new.identity.nomor or new.identity.nama}".strip())
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setHtml(sheet_html(old, new, d, label_old, label_new, today))
    margin = MARGIN_MM / 25.4 * writer.resolution()
    frame = document.rootFrame().frameFormat()
    # Frame lengths are in the screen's units and scaled to the device by the layout, as QTextDocument.print_ does.
    screen = QGuiApplication.primaryScreen()
    frame.setMargin(MARGIN_MM / 25.4 * (screen.logicalDotsPerInchY() if screen is not None else 96.0))
    document.rootFrame().setFrameFormat(frame)
    width, height = float(writer.width()), float(writer.height())
    document.setPageSize(QSizeF(width, height))
    _keep_signature_together(document, height)
    count = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("PDF tidak dapat dibuat.")
    try:
        footer = QFont(document.defaultFont())
        footer.setPointSizeF(8)
        for number in range(count):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * height)
            document.drawContents(painter, QRectF(0, number * height, width, height))
            painter.restore()
            painter.setFont(footer)
            painter.drawText(QRectF(margin, height - margin * 0.8, width - 2 * margin, margin * 0.5),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             page_number_text(number + 1, count))
    finally:
        painter.end()
        buffer.close()
    return bytes(data.data())


def _keep_signature_together(document: QTextDocument, page_height: float) -> None:
    """Start the reviewer's block on a new page when it would otherwise be cut in two (it ends the sheet,
    so it is whole when it starts on the last page)."""
    block = document.begin()
    while block.isValid() and block.text() != SIGNATURE_TITLE:
        block = block.next()
    if not block.isValid():
        return
    top = document.documentLayout().blockBoundingRect(block).top()
    if int(top // page_height) >= document.pageCount() - 1:
        return
    cursor = QTextCursor(block)
    style = cursor.blockFormat()
    style.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    cursor.setBlockFormat(style)


def write_change_sheet(path: str | Path, old: Sop, new: Sop, d: SopDiff, label_old: str, label_new: str) -> None:
    """Write atomically; an OSError from the file system reaches the caller, the old file untouched."""
    atomic_write_bytes(Path(path), change_sheet_pdf(old, new, d, label_old, label_new))
