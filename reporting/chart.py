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
