"""The layout engine: an SOP plus page settings and a text measure in, a page model in millimetres out."""
from .columns import MIN_ACTOR_COLUMN_MM, actor_column_width_mm, content_box, flowchart_columns, paper_size_mm
from .engine import layout, layout_problems
from .measure import Measure, estimate_measure
from .page_model import (Cell, Connector, Document, ImageItem, LayoutProblem, Margins, OffPageConnector, Page,
                         PageText, Paragraph, Rect, SymbolShape, Table, TextLabel)

__all__ = [
    "MIN_ACTOR_COLUMN_MM", "actor_column_width_mm", "content_box", "flowchart_columns", "paper_size_mm",
    "layout", "layout_problems", "Measure", "estimate_measure",
    "Cell", "Connector", "Document", "ImageItem", "LayoutProblem", "Margins", "OffPageConnector", "Page",
    "PageText", "Paragraph", "Rect", "SymbolShape", "Table", "TextLabel",
]
