"""The timeline: how many releases fall in each month (each year, when they span more than
five years), as the bars of a small chart drawn on the server.

The counts come from the engine's ``month`` facet, so the bars add up to the total with the
undated releases beside them. The chart is inline SVG made of links (a bar narrows the search
to its period) with a ``<title>`` each; no script, no inline style (the CSP allows neither):
geometry in attributes, colours in the stylesheet. A visually hidden table says the same for
screen readers (web/templates/timeline.html).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .i18n import Catalogue

__all__ = ["Bar", "Timeline", "timeline"]

MAX_MONTHS = 60  # a longer span is drawn by years
HEIGHT = 100  # the chart's height in viewBox units; bars are scaled to the highest
STEP = 10  # viewBox units per period: the bar and the gap after it
GAP = 2
MIN_BAR = 3  # a period with a single release stays visible beside one with thousands


@dataclass(frozen=True)
class Bar:
    period: str  # "2018-05" or "2018": what its link narrows the search to
    label: str  # the period in words: «май 2018», "2018"
    count: int
    title: str  # «май 2018: 3 релиза»
    url: str | None  # None for an empty period
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Timeline:
    by: str  # "month" or "year"
    bars: list[Bar]
    undated: int
    width: int  # viewBox width
    height: int = HEIGHT
    step: int = STEP
    bar_width: int = STEP - GAP

    @property
    def dated(self) -> int:
        return sum(bar.count for bar in self.bars)


def timeline(months: Sequence[Mapping[str, Any]], link: Callable[[str], str],
             cat: Catalogue) -> Timeline | None:
    """The bars for a ``month`` facet (``[{"value": "2018-05" | None, "count"}]``), each
    linked by `link(period)`; None when the dated releases fall in fewer than two periods."""
    dated = {str(m["value"]): int(m["count"]) for m in months if m["value"]}
    undated = sum(int(m["count"]) for m in months if not m["value"])
    if not dated:
        return None
    first, last = _month_number(min(dated)), _month_number(max(dated))
    if last - first + 1 > MAX_MONTHS:
        by = "year"
        counts: dict[str, int] = {}
        for month, n in dated.items():
            counts[month[:4]] = counts.get(month[:4], 0) + n
        periods = [str(y) for y in range(first // 12, last // 12 + 1)]
    else:
        by = "month"
        counts = dated
        periods = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, last + 1)]
    if len(periods) < 2:
        return None
    peak = max(counts.values())
    bars = []
    for i, period in enumerate(periods):
        n = counts.get(period, 0)
        label = cat.month(period) if by == "month" else period
        height = max(MIN_BAR, round(n / peak * HEIGHT)) if n else 0
        bars.append(Bar(
            period=period,
            label=label,
            count=n,
            title=cat.text("timeline.bar", period=label,
                           releases=cat.plural("plural.releases", n)),
            url=link(period) if n else None,
            x=i * STEP,
            y=HEIGHT - height,
            height=height,
        ))
    return Timeline(by, bars, undated, width=len(periods) * STEP)


def _month_number(value: str) -> int:
    """"2018-05" → months since year 0 (2018 * 12 + 4)."""
    return int(value[:4]) * 12 + int(value[5:7]) - 1
