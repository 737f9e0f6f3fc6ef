"""Bar charts drawn on the server as SVG (templates/includes/bar_chart.html).

A chart is part of the page, not a picture of it: the SVG is an image with a title and a
description that says every figure in words, and the same figures stand beside it in a
table. Each bar carries its own label and value in text, so nothing depends on colour, and
the drawing needs no script and no inline style (the pages' Content Security Policy allows
neither); WeasyPrint draws the same SVG in a PDF.

This module does the arithmetic (how long each bar is, where a line such as a threshold
falls); the template draws it. Figures arrive already written as the page writes them
("£1,234.56", "3 pupils"), so the chart and its table cannot disagree."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# The drawing's coordinate space (its viewBox); the SVG scales to the width of its column,
# so this width keeps its 16-unit text near the body text's size in a half-width column.
WIDTH = 400
LABEL_HEIGHT = 20  # each bar's label sits on its own line above the bar
BAR_HEIGHT = 22
ROW_GAP = 14
VALUE_ROOM = 110  # room kept right of the longest bar for its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    shown: str  # the value as the page writes it
    length: int  # in the drawing's units
    top: int  # the label's baseline; the bar is drawn below it

    @property
    def bar_top(self) -> int:
        return self.top + 6

    @property
    def value_x(self) -> int:
        return self.length + 8

    @property
    def value_y(self) -> int:
        return self.bar_top + BAR_HEIGHT - 6


@dataclass(frozen=True)
class Line:
    """A mark across every bar at one value, such as the element 2 threshold."""

    label: str
    x: int


@dataclass(frozen=True)
class BarChart:
    slug: str  # unique on the page: the SVG's title and description are named by it
    title: str
    bars: list[Bar]
    height: int
    line: Line | None = None
    width: int = WIDTH

    @property
    def description(self) -> str:
        """The chart in words, for anyone who cannot see it."""
        said = "; ".join(f"{bar.label}: {bar.shown}" for bar in self.bars)
        if self.line is not None:
            said += f". The line marks {self.line.label}"
        return f"{said}." if said else "Nothing to show."

    @property
    def bottom(self) -> int:
        """Where the line's label sits; the line stops above it."""
        return self.height - 4

    @property
    def line_end(self) -> int:
        return self.height - 22


def bar_chart(slug: str, title: str, rows: list[tuple[str, Decimal | int, str]], *,
              line: tuple[str, Decimal | int] | None = None) -> BarChart:
    """A horizontal bar chart of ``rows`` (label, value, value as written), in their order,
    the longest bar (or ``line``'s value, if further) reaching the drawing's right margin
    less room for its value. ``line``: (what it marks, its value). Negative values draw as
    no bar."""
    values = [Fraction(value) for _, value, _ in rows]
    if line is not None:
        values.append(Fraction(line[1]))
    most = max([v for v in values if v > 0], default=Fraction(0))
    room = WIDTH - VALUE_ROOM

    def length(value) -> int:
        value = Fraction(value)
        return 0 if most == 0 or value <= 0 else max(1, round(value * room / most))

    step = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    bars = [Bar(label=label, value=value, shown=shown, length=length(value), top=16 + i * step)
            for i, (label, value, shown) in enumerate(rows)]
    marked = Line(label=line[0], x=length(line[1])) if line is not None else None
    return BarChart(slug=slug, title=title, bars=bars, line=marked,
                    height=max(step, 16 + len(rows) * step + (18 if marked else 0)))
