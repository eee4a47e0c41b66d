"""A server-rendered SVG line chart: no JavaScript, and the same numbers go in a table beside it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colour and dash per series: never colour alone, so the lines can be told apart in grey too.
SERIES = (
    ("open", "Open", "#1d70b8", ""),
    ("overdue", "Overdue", "#d4351c", "6 4"),
    ("closed", "Closed in the month", "#00703c", "2 3"),
)
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 56


def _nice_ceiling(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        ceiling = int(step * magnitude)
        if ceiling >= value:
            return ceiling
    return value


def trend_svg(rows: list[dict], *, title: str, desc: str) -> SafeString:
    """Lines of open, overdue and closed by month. `rows` are dicts with month, open, overdue, closed."""
    top = _nice_ceiling(max([row[key] for row in rows for key, *_ in SERIES] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(rows) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h - plot_h * value / top, 1)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/><text x="{}" y="{}" text-anchor="end">{}</text>',
        ((LEFT, WIDTH - RIGHT, y(v), y(v), LEFT - 6, y(v) + 4, v) for v in (0, top // 4, top // 2, 3 * top // 4, top)),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (x(i), HEIGHT - BOTTOM + 18, row["month"].strftime("%b %y"))
            for i, row in enumerate(rows)
            if i % 3 == 0 or i == len(rows) - 1
        ),
    )
    lines = format_html_join(
        "",
        '<polyline fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}" points="{}"/>',
        (
            (colour, dash or "none", " ".join(f"{x(i)},{y(row[key])}" for i, row in enumerate(rows)))
            for key, _label, colour, dash in SERIES
        ),
    )
    legend = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="{}"/><text x="{}" y="{}">{}</text>',
        (
            (
                LEFT + n * 200,
                LEFT + n * 200 + 30,
                HEIGHT - 12,
                HEIGHT - 12,
                colour,
                dash or "none",
                LEFT + n * 200 + 36,
                HEIGHT - 8,
                label,
            )
            for n, (_key, label, colour, dash) in enumerate(SERIES)
        ),
    )
    return format_html(
        '<svg class="app-chart" role="img" aria-labelledby="trend-title trend-desc" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="trend-title">{}</title><desc id="trend-desc">{}</desc>'
        "{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        title,
        desc,
        grid,
        labels,
        lines,
        legend,
    )


# Implementation rates: one group of bars per cohort, one bar per window. Shades of one colour with
# distinct patterns' stand-in (darker = longer window), labelled in the legend and in the table.
RATE_SERIES = ((1, "Within 1 year", "#5694ca"), (2, "Within 2 years", "#1d70b8"), (4, "Within 4 years", "#003078"))


def rates_svg(rows: list, *, title: str, desc: str, chart_id: str = "rates") -> SafeString:
    """Grouped bars of the share complete within each window. `rows` are reporting.selectors.RateRow;
    a window with no eligible items draws no bar (the table says "not yet")."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(rows), 1)
    bar_w = min(24.0, group_w / (len(RATE_SERIES) + 1))

    def y(percent: float) -> float:
        return round(TOP + plot_h - plot_h * percent / 100, 1)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/><text x="{}" y="{}" text-anchor="end">{}%</text>',
        ((LEFT, WIDTH - RIGHT, y(v), y(v), LEFT - 6, y(v) + 4, v) for v in (0, 25, 50, 75, 100)),
    )
    bars = []
    labels = []
    for i, row in enumerate(rows):
        left = LEFT + i * group_w + (group_w - bar_w * len(RATE_SERIES)) / 2
        for n, (years, _label, colour) in enumerate(RATE_SERIES):
            percent = row.within_percent(years)
            if percent is None:
                continue
            bars.append(
                (round(left + n * bar_w, 1), y(percent), round(bar_w - 2, 1), round(plot_h * percent / 100, 1), colour)
            )
        labels.append((round(LEFT + (i + 0.5) * group_w, 1), HEIGHT - BOTTOM + 18, row.label))
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="14" height="14" fill="{}"/><text x="{}" y="{}">{}</text>',
        (
            (LEFT + n * 180, HEIGHT - 22, colour, LEFT + n * 180 + 20, HEIGHT - 10, label)
            for n, (_y, label, colour) in enumerate(RATE_SERIES)
        ),
    )
    return format_html(
        '<svg class="app-chart" role="img" aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}{}{}{}</svg>",
        chart_id,
        chart_id,
        WIDTH,
        HEIGHT,
        chart_id,
        title,
        chart_id,
        desc,
        grid,
        format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', bars),
        format_html_join("", '<text x="{}" y="{}" text-anchor="middle">{}</text>', labels),
        legend,
    )
