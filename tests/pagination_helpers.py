"""The flowchart rows' natural heights at the widths the layout chose, for the pagination tests and bench."""
from __future__ import annotations

from dataclasses import replace

from sopdesk.layout import flowchart_columns
from sopdesk.layout.columns import FlowColumns
from sopdesk.layout.engine import _flows
from sopdesk.layout.flowchart import build_rows


def degrees(flows, count: int) -> tuple[list[int], list[int]]:
    """How many arrows end at and leave each of the `count` steps: (in, out)."""
    in_degree, out_degree = [0] * count, [0] * count
    for flow in flows:
        out_degree[flow.source] += 1
        in_degree[flow.target] += 1
    return in_degree, out_degree


def natural_heights(sop, document, measure) -> tuple[list[float], list]:
    """The rows' heights before any connector band, at the column widths the layout chose, and the flows."""
    table = document.flowchart_pages[0].flowchart
    fixed = flowchart_columns(document.settings, [a.id for a in sop.actors])
    columns = FlowColumns([replace(c, x=table.col_x(k), width=table.col_widths[k])
                           for k, c in enumerate(fixed.columns)])
    flows = _flows(sop, columns)
    in_degree, out_degree = degrees(flows, len(sop.steps))
    return [r.height for r in build_rows(sop, columns, measure, in_degree, out_degree)], flows
