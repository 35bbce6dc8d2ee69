"""Pictures for the office writers: an SVG logo as PNG, and a page's flowchart layer for "ratakan bagan"."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from ..layout.page_model import ImageItem, Page, Rect
from .fonts import ensure_app
from .painter import paint_page


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _transparent(width_mm: float, height_mm: float, dpi: float) -> QImage:
    px_per_mm = dpi / 25.4
    image = QImage(max(1, round(width_mm * px_per_mm)), max(1, round(height_mm * px_per_mm)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(Qt.GlobalColor.transparent)
    return image


def rasterize_image(item: ImageItem, dpi: float = 200.0) -> bytes:
    """A PNG of a placed picture at its printed size (SVG logos, for readers without SVG support)."""
    ensure_app()
    image = _transparent(item.w, item.h, dpi)
    if item.extension == "svg":
        renderer = QSvgRenderer(QByteArray(item.data))
        painter = QPainter(image)
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
        painter.end()
        return _png(image)
    source = QImage.fromData(item.data)
    return _png(source) if not source.isNull() else _png(image)


def flowchart_layer_box(page: Page, margin: float = 1.0) -> Rect:
    """The part of the page holding symbols, arrows and labels, with room for line widths and arrowheads."""
    xs: list[float] = []
    ys: list[float] = []
    for item in [*page.shapes, *page.labels, *page.offpage]:
        xs += [item.x, item.x + item.w]
        ys += [item.y, item.y + item.h]
    for connector in page.connectors:
        xs += [x for x, _ in connector.points]
        ys += [y for _, y in connector.points]
    if not xs:
        return Rect(0, 0, 0, 0)
    left, top = max(min(xs) - margin, 0.0), max(min(ys) - margin, 0.0)
    return Rect(left, top, min(max(xs) + margin, page.width_mm) - left, min(max(ys) + margin, page.height_mm) - top)


def render_flowchart_layer(page: Page, dpi: float = 300.0) -> tuple[bytes, Rect]:
    """The page's flowchart drawings alone (no tables, no logo) as a transparent PNG, and where it goes in mm."""
    ensure_app()
    box = flowchart_layer_box(page)
    image = _transparent(box.w, box.h, dpi)
    painter = QPainter(image)
    px_per_mm = dpi / 25.4
    painter.translate(-box.x * px_per_mm, -box.y * px_per_mm)
    paint_page(painter, dataclasses.replace(page, tables=[], images=[], furniture=[]), px_per_mm, background=False)
    painter.end()
    return _png(image), box
