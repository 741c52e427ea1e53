"""The visits-per-month chart as plain numbers for an inline SVG (no JavaScript anywhere)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Chart", "build_chart"]

SERIES = (("PK-IR", "Pakistani visitors in Iran", "pk-ir"),
          ("IR-PK", "Iranian visitors in Pakistan", "ir-pk"))
MAX_MONTHS = 72
_BAR, _GAP, _LEFT, _TOP, _HEIGHT, _BOTTOM = 9, 6, 36, 12, 160, 40


@dataclass
class Chart:
    width: int
    height: int
    bars: list[dict[str, object]] = field(default_factory=list)
    labels: list[dict[str, object]] = field(default_factory=list)
    ticks: list[dict[str, object]] = field(default_factory=list)
    series: tuple[tuple[str, str, str], ...] = SERIES
    note: str | None = None
    baseline: int = _TOP + _HEIGHT
    left: int = _LEFT


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500):
        if top / step <= 5:
            return step
    return 1000


def build_chart(counts: dict[str, dict[str, int]]) -> Chart | None:
    """Grouped bars per month (one per direction); None when there is nothing to draw."""
    if not counts:
        return None
    months = _months(min(counts), max(counts))
    note = None
    if len(months) > MAX_MONTHS:
        months, note = months[-MAX_MONTHS:], f"last {MAX_MONTHS} months shown"
    top = max([counts.get(m, {}).get(key, 0) for m in months for key, _, _ in SERIES] + [1])
    step = _step(top)
    scale_top = step * -(-top // step)
    group = len(SERIES) * _BAR + _GAP
    chart = Chart(width=_LEFT + group * len(months) + 10, height=_TOP + _HEIGHT + _BOTTOM,
                  note=note)
    for value in range(0, scale_top + 1, step):
        chart.ticks.append({"y": _TOP + _HEIGHT - round(_HEIGHT * value / scale_top),
                            "label": str(value)})
    every = max(1, len(months) // 12)
    for i, month in enumerate(months):
        x0 = _LEFT + i * group
        for j, (key, name, css) in enumerate(SERIES):
            value = counts.get(month, {}).get(key, 0)
            h = round(_HEIGHT * value / scale_top)
            chart.bars.append({"x": x0 + j * _BAR, "y": _TOP + _HEIGHT - h, "w": _BAR - 1,
                               "h": h, "css": css, "title": f"{month}: {value} × {name}"})
        if i % every == 0:
            label = date(int(month[:4]), int(month[5:]), 1).strftime("%b %Y")
            chart.labels.append({"x": x0, "y": _TOP + _HEIGHT + 14, "text": label})
    return chart
