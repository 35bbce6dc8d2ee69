"""Berkas → Impor folder…: a cancellable progress dialog that becomes the summary table, with Simpan CSV….

Files are read one at a time in a worker thread (the importers are pure Python and may take
a second on a long PDF), so the window keeps painting and the Batal button answers. What was
read is filed into the library back in the window's thread, through sopdesk.importers.batch,
the same code `sopdesk import` uses. The runner asks for the next file only after the last
one is filed, so a question about an SOP already in the library comes between two files and
cancelling stops after the file being read.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sopdesk.importers import batch

FAILED_COLOUR = Qt.GlobalColor.darkRed


class _Reader(QObject):
    """Lives in the worker thread; reads the file it is asked for and hands the result back."""

    read_done = Signal(int, object)  # index into the sources, batch.FileRead

    @Slot(int, object)
    def read(self, index: int, source: batch.Source) -> None:
        self.read_done.emit(index, batch.read_source(source))


class FolderImport(QObject):
    """One run over `sources`: read in a worker thread, filed by `filer` in this thread, one file at a time."""

    file_done = Signal(int, int)  # files finished so far, total
    finished = Signal(bool)  # True when cancelled
    _read_requested = Signal(int, object)

    def __init__(self, sources: list[batch.Source], filer: batch.Filer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sources = sources
        self.filer = filer
        self.done = 0
        self.cancelled = False
        self.running = False
        self._thread = QThread()
        self._thread.setObjectName("impor-folder")
        self._reader = _Reader()
        self._reader.moveToThread(self._thread)
        self._thread.finished.connect(self._reader.deleteLater)  # deleted in its own thread, as Qt asks
        self._read_requested.connect(self._reader.read)
        self._reader.read_done.connect(self._on_reader_read_done)

    def start(self) -> None:
        self.running = True
        QCoreApplication.instance().aboutToQuit.connect(self.stop_now)
        self._thread.start()
        self._next()

    def cancel(self) -> None:
        """Stop after the file being read; it is not filed. What was filed stays in the library."""
        self.cancelled = True

    def stop_now(self) -> None:
        """Cancel and wait for the file being read (the application is quitting): no thread outlives the run."""
        self.cancelled = True
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()

    def _next(self) -> None:
        if self.cancelled or self.done >= len(self.sources):
            self._finish()
            return
        self._read_requested.emit(self.done, self.sources[self.done])

    def _on_reader_read_done(self, index: int, read: batch.FileRead) -> None:
        if self.cancelled:
            self._finish()
            return
        self.filer.file(read)
        self.done = index + 1
        self.file_done.emit(self.done, len(self.sources))
        self._next()

    def _finish(self) -> None:
        if not self.running:
            return
        self.running = False
        if self.done < len(self.sources):
            self.filer.not_done(self.sources[self.done:])
        self._thread.quit()
        self._thread.wait()  # the reader is idle: no file is asked for once the run ends
        self.finished.emit(self.cancelled)


class FolderImportDialog(QDialog):
    """Progress while the run goes on (Batal cancels it), then the summary per SOP with Simpan CSV…."""

    def __init__(self, folder: Path, run: FolderImport, save_csv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = run
        run.setParent(self)  # the run, its thread and its rows go when the dialog does
        self._save_csv = save_csv  # callable(rows) -> None, asks where and writes
        self.setWindowTitle("Impor folder")
        self.resize(980, 520)
        self.setWindowModality(Qt.WindowModality.WindowModal)

        self.heading = QLabel(f"Mengimpor dari {folder}")
        self.heading.setWordWrap(True)
        self.current = QLabel("")
        self.current.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, max(len(run.sources), 1))
        self.progress.setValue(0)
        self.progress.setFormat("%v dari %m berkas")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, len(batch.COLUMNS))
        self.table.setObjectName("folder_import_table")
        self.table.setHorizontalHeaderLabels(batch.COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Widths that leave the numbers and the start of Keterangan in sight at 1366 px; the user can drag them.
        for column, width in enumerate((200, 90, 200, 70, 80, 80, 70, 95)):
            self.table.setColumnWidth(column, width)
        self.detail = QLabel("")
        self.detail.setObjectName("folder_import_detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)

        self.cancel_button = QPushButton("Batal")
        self.csv_button = QPushButton("Simpan CSV…")
        self.close_button = QPushButton("Tutup")
        self.csv_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.csv_button.clicked.connect(lambda: self._save_csv(self.run.filer.rows))
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.cancel_button, self.csv_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        layout.addWidget(self.current)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)

        run.file_done.connect(self._on_run_file_done)
        run.finished.connect(self._on_run_finished)
        self._shown_rows = 0
        self.finished_run = False
        if run.sources:
            self.current.setText(f"Membaca {run.sources[0].shown}…")

    # ---- slots ---------------------------------------------------------------------------------------
    def _on_run_file_done(self, done: int, total: int) -> None:
        self.progress.setValue(done)
        self._add_rows()
        if done < total and not self.run.cancelled:
            self.current.setText(f"Membaca {self.run.sources[done].shown}…")

    def _on_run_finished(self, cancelled: bool) -> None:
        self.finished_run = True
        self._add_rows()
        rows = self.run.filer.rows
        self.summary.setText(batch.summary_text(rows, len(self.run.sources), cancelled))
        self.current.setText("Impor dibatalkan." if cancelled else "Impor selesai.")
        self.cancel_button.setEnabled(False)
        self.cancel_button.hide()
        self.csv_button.setEnabled(bool(rows))
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)
        # Open on what needs attention: the first file that failed, its Keterangan spelled out below.
        failed = next((i for i, row in enumerate(rows) if row.outcome.failed), 0 if rows else -1)
        if failed >= 0:
            self.table.setCurrentCell(failed, 0)

    def _on_table_current_cell_changed(self, row: int, _column: int, _old_row: int, _old_column: int) -> None:
        rows = self.run.filer.rows
        if 0 <= row < len(rows):
            line = rows[row]
            self.detail.setText(f"{line.file}: {line.outcome.value}" + (f" — {line.note}" if line.note else ""))
        else:
            self.detail.setText("")

    def _on_cancel_button_clicked(self) -> None:
        self.run.cancel()
        self.cancel_button.setEnabled(False)
        self.current.setText("Membatalkan; menunggu berkas yang sedang dibaca selesai…")

    # ---- closing -------------------------------------------------------------------------------------
    def reject(self) -> None:
        # Esc or the close button while files are still being read cancels; the dialog closes once it stops.
        if not self.finished_run:
            self._on_cancel_button_clicked()
            self.run.finished.connect(lambda _cancelled: QDialog.reject(self))
            return
        super().reject()

    # ---- helpers -------------------------------------------------------------------------------------
    def _add_rows(self) -> None:
        rows = self.run.filer.rows
        for row in rows[self._shown_rows:]:
            position = self.table.rowCount()
            self.table.insertRow(position)
            for column, text in enumerate(batch.row_cells(row)):
                item = QTableWidgetItem(text)
                if 3 <= column <= 7:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row.outcome.failed:
                    item.setForeground(FAILED_COLOUR)
                item.setToolTip(row.note or text)
                self.table.setItem(position, column, item)
        self._shown_rows = len(rows)
        if rows:
            self.table.scrollToBottom()

    def cells(self) -> list[list[str]]:
        """The table as shown, row by row (for tests and for copying)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]
