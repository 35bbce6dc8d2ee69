"""The live preview: the printed pages of the open SOP, drawn by the same painter as the PDF and the printout."""
from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QToolButton, QVBoxLayout, QWidget

from sopdesk.layout import layout
from sopdesk.layout.page_model import Document, Page
from sopdesk.qt import painter as page_painter
from sopdesk.qt.fonts import qt_measure

from .controller import DocumentController

GAP_PX = 16
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0)
REFRESH_DELAY_MS = 150


class PageCanvas(QWidget):
    """All pages stacked top to bottom at the current zoom; a click names the step under it."""

    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.zoom = 0.75
        self.highlight: int | None = None
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor("#8a8f98"))
        self.setPalette(palette)

    # ---- geometry ------------------------------------------------------------------------
    def px_per_mm(self) -> float:
        return self.logicalDpiX() / 25.4 * self.zoom

    def page_rects(self) -> list[QRectF]:
        if self.document is None:
            return []
        scale = self.px_per_mm()
        widest = max((p.width_mm for p in self.document.pages), default=0) * scale
        rects, y = [], GAP_PX
        for page in self.document.pages:
            w, h = page.width_mm * scale, page.height_mm * scale
            rects.append(QRectF(GAP_PX + (widest - w) / 2, y, w, h))
            y += h + GAP_PX
        return rects

    def sizeHint(self) -> QSize:  # noqa: N802
        rects = self.page_rects()
        if not rects:
            return QSize(400, 300)
        width = max(r.right() for r in rects) + GAP_PX
        return QSize(int(width), int(rects[-1].bottom() + GAP_PX))

    def set_document(self, document: Document | None) -> None:
        self.document = document
        self.resize(self.sizeHint())
        self.update()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.resize(self.sizeHint())
        self.update()

    def point_in_page(self, pos: QPointF) -> tuple[Page, float, float] | None:
        if self.document is None:
            return None
        scale = self.px_per_mm()
        for page, rect in zip(self.document.pages, self.page_rects()):
            if rect.contains(pos):
                return page, (pos.x() - rect.x()) / scale, (pos.y() - rect.y()) / scale
        return None

    def step_rect(self, step_index: int) -> QRectF | None:
        """Where a step's row is on the canvas, in pixels."""
        if self.document is None:
            return None
        scale = self.px_per_mm()
        for page, rect in zip(self.document.pages, self.page_rects()):
            table = page.flowchart
            row = table.row_of_step(step_index) if table else None
            if row is not None:
                return QRectF(rect.x() + table.x * scale, rect.y() + table.row_y(row) * scale,
                              table.width * scale, table.row_heights[row] * scale)
        return None

    # ---- events --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if self.document is None:
            return
        exposed = QRectF(event.rect())
        scale = self.px_per_mm()
        for page, rect in zip(self.document.pages, self.page_rects()):
            if not rect.intersects(exposed):
                continue
            painter.fillRect(rect.translated(3, 3), QColor(0, 0, 0, 60))
            painter.fillRect(rect, Qt.GlobalColor.white)
            painter.save()
            painter.translate(rect.topLeft())
            page_painter.paint_page(painter, page, scale)
            painter.restore()
        if self.highlight is not None:
            row = self.step_rect(self.highlight)
            if row is not None:
                painter.setPen(QPen(QColor("#1565c0"), 2))
                painter.fillRect(row, QColor(21, 101, 192, 28))
                painter.drawRect(row)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        hit = self.point_in_page(event.position())
        if hit is not None:
            page, x, y = hit
            step = page.step_at(x, y)
            if step is not None:
                self.step_clicked.emit(step)
        super().mousePressEvent(event)


class PreviewPane(QWidget):
    """Follows the document (debounced), with zoom and page navigation."""

    step_clicked = Signal(int)
    refreshed = Signal()

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._measure = qt_measure()
        self.last_layout_ms = 0.0
        self._user_zoomed = False  # until the user zooms, the pages follow the panel's width
        self.canvas = PageCanvas()
        self.canvas.step_clicked.connect(self.step_clicked)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._update_page_label())

        self.prev_button = self._button("◀", "Halaman sebelumnya", lambda: self.go_to_page(self.current_page() - 1))
        self.next_button = self._button("▶", "Halaman berikutnya", lambda: self.go_to_page(self.current_page() + 1))
        self.page_label = QLabel()
        self.zoom_out = self._button("−", "Perkecil", lambda: self.step_zoom(-1))
        self.zoom_in = self._button("+", "Perbesar", lambda: self.step_zoom(1))
        self.zoom_label = QLabel()
        self.fit_button = self._button("Pas lebar", "Sesuaikan dengan lebar panel",
                                       lambda: self.fit_width(by_user=False))
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 0)
        bar.addStretch(1)
        for widget in (self.prev_button, self.page_label, self.next_button, self.zoom_out, self.zoom_label,
                       self.zoom_in, self.fit_button):
            bar.addWidget(widget)
        layout_box = QVBoxLayout(self)
        layout_box.setContentsMargins(0, 0, 0, 0)
        layout_box.addLayout(bar)
        layout_box.addWidget(self.scroll, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        controller.document_changed.connect(lambda _scope: self._timer.start())
        self._update_zoom_label()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    @property
    def document(self) -> Document | None:
        return self.canvas.document

    def lay_out(self, sop) -> Document:
        return layout(sop, self._measure)

    def refresh(self) -> None:
        """Lay the pages out again from the document as it is now."""
        self._timer.stop()
        began = time.perf_counter()
        document = self.lay_out(self._controller.sop)
        self.last_layout_ms = (time.perf_counter() - began) * 1000
        self.canvas.set_document(document)
        if not self._user_zoomed:
            self.fit_width(by_user=False)
        self._update_page_label()
        self.refreshed.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fit_width(by_user=False)

    # ---- navigation -------------------------------------------------------------------------
    def page_count(self) -> int:
        return len(self.document.pages) if self.document else 0

    def current_page(self) -> int:
        rects = self.canvas.page_rects()
        middle = self.scroll.verticalScrollBar().value() + self.scroll.viewport().height() / 2
        for i, rect in enumerate(rects):
            if rect.bottom() + GAP_PX >= middle:
                return i
        return max(0, len(rects) - 1)

    def go_to_page(self, index: int) -> None:
        rects = self.canvas.page_rects()
        if rects:
            index = max(0, min(index, len(rects) - 1))
            self.scroll.verticalScrollBar().setValue(int(rects[index].top() - GAP_PX))
            self._update_page_label()

    def show_step(self, step_index: int | None) -> None:
        """Highlight a step's row and bring it into view."""
        self.canvas.highlight = step_index
        self.canvas.update()
        if step_index is None:
            return
        rect = self.canvas.step_rect(step_index)
        if rect is not None:
            self.scroll.ensureVisible(int(rect.center().x()), int(rect.center().y()),
                                      50, int(rect.height() / 2 + 40))

    def _update_page_label(self) -> None:
        count = self.page_count()
        self.page_label.setText(f"Halaman {self.current_page() + 1} dari {count}" if count else "Tanpa halaman")
        self.prev_button.setEnabled(count > 1)
        self.next_button.setEnabled(count > 1)

    # ---- zoom ------------------------------------------------------------------------------
    def set_zoom(self, zoom: float, by_user: bool = True) -> None:
        self._user_zoomed = self._user_zoomed or by_user
        page = self.current_page()
        self.canvas.set_zoom(max(0.1, min(zoom, 4.0)))
        self._update_zoom_label()
        self.go_to_page(page)

    def step_zoom(self, direction: int) -> None:
        zoom = self.canvas.zoom
        if direction > 0:
            self.set_zoom(next((z for z in ZOOM_STEPS if z > zoom + 1e-6), ZOOM_STEPS[-1]))
        else:
            self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < zoom - 1e-6), ZOOM_STEPS[0]))

    def fit_width(self, by_user: bool = False) -> None:
        """Pages as wide as the panel; zooming by hand stops this until Pas lebar is pressed."""
        self._user_zoomed = by_user
        if not self.document or not self.document.pages:
            return
        widest = max(p.width_mm for p in self.document.pages)
        available = self.scroll.viewport().width() - 2 * GAP_PX - 4
        if available > 50:
            self.set_zoom(available / (widest * self.canvas.logicalDpiX() / 25.4), by_user=False)

    def zoom_setting(self) -> float | None:
        """What to remember: the zoom chosen by hand, or None while the pages follow the width."""
        return self.canvas.zoom if self._user_zoomed else None

    def apply_zoom_setting(self, zoom: float | None) -> None:
        if zoom is None:
            self.fit_width(by_user=False)
        else:
            self.set_zoom(zoom, by_user=True)

    def _update_zoom_label(self) -> None:
        self.zoom_label.setText(f"{self.canvas.zoom * 100:.0f}%")
