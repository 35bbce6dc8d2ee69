"""Qt adapter: text measure, page painter, PDF writer; the one place in sopdesk/ that imports PySide6."""
