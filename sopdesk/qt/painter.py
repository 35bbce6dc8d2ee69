"""Paints one page of the page model with QPainter: the same code draws the preview, the PDF and the printout."""
from __future__ import annotations

import math

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from ..layout.page_model import (ARROW_LENGTH_MM, ARROW_WIDTH_MM, LINE_PT, Cell, Connector, ImageItem,
                                 OffPageConnector, Page, SymbolShape, Table, TextLabel)
from .fonts import REF_PX_PER_MM, ensure_app, text_layout

try:  # QtSvg ships with PySide6-Essentials; without it SVG logos are left out rather than failing.
    from PySide6.QtSvg import QSvgRenderer
except ImportError:  # pragma: no cover - depends on the installed wheel
    QSvgRenderer = None

PT_MM = 25.4 / 72
BLACK = QColor(0, 0, 0)
WHITE = QColor(255, 255, 255)
OFFPAGE_PT = 7.0
SYMBOL_TEXT_PT = 6.5


def paint_page(painter: QPainter, page: Page, px_per_mm: float | None = None, background: bool = True) -> None:
    """Draw `page` with its top-left corner at the painter's origin, 1 mm = px_per_mm painter units.

    px_per_mm defaults to the device's own resolution (true size). Whatever transform the caller
    set (a preview's zoom and scroll) applies on top.
    """
    painter.save()
    scale = px_per_mm if px_per_mm is not None else painter.device().logicalDpiX() / 25.4
    painter.scale(scale, scale)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    if background:
        painter.fillRect(QRectF(0, 0, page.width_mm, page.height_mm), WHITE)
    for table in page.tables:
        _paint_table(painter, table)
    for image in page.images:
        _paint_image(painter, image)
    line = QPen(BLACK, LINE_PT * PT_MM)
    line.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    line.setCapStyle(Qt.PenCapStyle.FlatCap)
    for connector in page.connectors:
        _paint_connector(painter, connector, line)
    for shape in page.shapes:
        _paint_shape(painter, shape, line)
    for connector in page.offpage:
        _paint_offpage(painter, connector, line)
    for label in [*page.labels, *page.furniture]:
        _paint_label(painter, label)
    painter.restore()


def render_page_image(page: Page, dpi: float = 96.0) -> QImage:
    """The page as a picture, for thumbnails and tests."""
    ensure_app()
    px_per_mm = dpi / 25.4
    image = QImage(max(1, round(page.width_mm * px_per_mm)), max(1, round(page.height_mm * px_per_mm)),
                   QImage.Format.Format_ARGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(WHITE)
    painter = QPainter(image)
    try:
        paint_page(painter, page, px_per_mm)
    finally:
        painter.end()
    return image


def _draw_paragraph(painter: QPainter, text: str, x: float, y: float, width: float, size_pt: float, bold: bool,
                    italic: bool, align: str) -> None:
    layout, _ = text_layout(text, size_pt, bold, italic, width, align)
    painter.save()
    painter.translate(x, y)
    painter.scale(1 / REF_PX_PER_MM, 1 / REF_PX_PER_MM)
    painter.setPen(BLACK)
    layout.draw(painter, QPointF(0, 0))
    painter.restore()


def _paint_table(painter: QPainter, table: Table) -> None:
    for cell in table.cells:
        rect = table.cell_rect(cell)
        if cell.fill:
            painter.fillRect(QRectF(rect.x, rect.y, rect.w, rect.h), QColor(cell.fill))
        if cell.paragraphs:
            _paint_cell_text(painter, cell, QRectF(rect.x, rect.y, rect.w, rect.h))
    pen = QPen(BLACK, table.border_pt * PT_MM)
    pen.setCapStyle(Qt.PenCapStyle.SquareCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for cell in table.cells:
        rect = table.cell_rect(cell)
        painter.drawRect(QRectF(rect.x, rect.y, rect.w, rect.h))


def _paint_cell_text(painter: QPainter, cell: Cell, rect: QRectF) -> None:
    inner = rect.adjusted(cell.padding, cell.padding, -cell.padding, -cell.padding)
    needed = sum(p.space_before_mm + p.height_mm for p in cell.paragraphs)
    if cell.valign == "top" or needed > inner.height():
        y = inner.top()
    elif cell.valign == "bottom":
        y = inner.bottom() - needed
    else:
        y = inner.top() + (inner.height() - needed) / 2
    painter.save()
    if cell.clipped:
        painter.setClipRect(rect)
    for p in cell.paragraphs:
        y += p.space_before_mm
        if p.number:
            _draw_paragraph(painter, p.number, inner.left(), y, max(p.indent_mm, 0.5), p.size_pt, p.bold, p.italic,
                            "left")
        _draw_paragraph(painter, p.text, inner.left() + p.indent_mm, y, inner.width() - p.indent_mm, p.size_pt,
                        p.bold, p.italic, p.align)
        y += p.height_mm
    painter.restore()


def _paint_image(painter: QPainter, item: ImageItem) -> None:
    target = QRectF(item.x, item.y, item.w, item.h)
    if item.extension == "svg":
        if QSvgRenderer is None:
            return
        renderer = QSvgRenderer(QByteArray(item.data))
        if renderer.isValid():
            renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            renderer.render(painter, target)
        return
    image = QImage.fromData(item.data)
    if image.isNull():
        return
    # Keep the picture's own proportions inside the box the layout reserved.
    size = QSizeF(image.width(), image.height()).scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
    placed = QRectF(target.x() + (target.width() - size.width()) / 2,
                    target.y() + (target.height() - size.height()) / 2, size.width(), size.height())
    painter.drawImage(placed, image)


def _paint_shape(painter: QPainter, shape: SymbolShape, pen: QPen) -> None:
    painter.setPen(pen)
    painter.setBrush(QBrush(WHITE))
    rect = QRectF(shape.x, shape.y, shape.w, shape.h)
    if shape.kind == "terminator":
        radius = min(shape.w, shape.h) / 2
        painter.drawRoundedRect(rect, radius, radius)
    elif shape.kind == "decision":
        painter.drawPolygon(QPolygonF([QPointF(shape.cx, shape.y), QPointF(shape.x + shape.w, shape.cy),
                                       QPointF(shape.cx, shape.y + shape.h), QPointF(shape.x, shape.cy)]))
    else:
        painter.drawRect(rect)
    if shape.text:
        _, height = text_layout(shape.text, SYMBOL_TEXT_PT, False, False, shape.w * 0.8, "center")
        _draw_paragraph(painter, shape.text, shape.x + shape.w * 0.1, shape.cy - height / 2, shape.w * 0.8,
                        SYMBOL_TEXT_PT, False, False, "center")


def _paint_connector(painter: QPainter, connector: Connector, pen: QPen) -> None:
    points = [QPointF(x, y) for x, y in connector.points]
    if len(points) < 2:
        return
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if connector.arrow:
        # Stop the line inside the arrowhead so its end never shows past the tip.
        tip, before = points[-1], points[-2]
        dx, dy = tip.x() - before.x(), tip.y() - before.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        back = min(ARROW_LENGTH_MM * 0.6, length)
        points[-1] = QPointF(tip.x() - ux * back, tip.y() - uy * back)
    path = QPainterPath(points[0])
    for point in points[1:]:
        path.lineTo(point)
    painter.drawPath(path)
    if connector.arrow:
        tip = QPointF(*connector.points[-1])
        base = QPointF(tip.x() - ux * ARROW_LENGTH_MM, tip.y() - uy * ARROW_LENGTH_MM)
        half = ARROW_WIDTH_MM / 2
        head = QPolygonF([tip, QPointF(base.x() - uy * half, base.y() + ux * half),
                          QPointF(base.x() + uy * half, base.y() - ux * half)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(BLACK))
        painter.drawPolygon(head)


def _paint_offpage(painter: QPainter, connector: OffPageConnector, pen: QPen) -> None:
    painter.setPen(pen)
    painter.setBrush(QBrush(WHITE))
    painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in connector.outline()]))
    if connector.label:
        _, height = text_layout(connector.label, OFFPAGE_PT, True, False, connector.w, "center")
        _draw_paragraph(painter, connector.label, connector.x, connector.y + connector.h * 0.38 - height / 2,
                        connector.w, OFFPAGE_PT, True, False, "center")


def _paint_label(painter: QPainter, label: TextLabel) -> None:
    # Labels are short; a little extra width keeps a font slightly wider than the estimate on one line.
    _draw_paragraph(painter, label.text, label.x, label.y, label.w + 2.0, label.size_pt, label.bold, label.italic,
                    label.align)
