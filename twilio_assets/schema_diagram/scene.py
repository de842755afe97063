"""The drawing as a flat list of shapes in points (y grows downwards), which the SVG and the PDF
writers translate one for one. `meta` becomes `data-*` attributes in the SVG (tests look for them);
`title` becomes an SVG tooltip. The PDF ignores both."""

from __future__ import annotations

from dataclasses import dataclass

Meta = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 1.0
    meta: Meta = ()
    title: str = ""


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    fill: str = "#111827"
    bold: bool = False
    anchor: str = "start"  # or "end"
    meta: Meta = ()


Shape = Rect | Line | Polygon | Dot | Text


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    title: str
    shapes: tuple[Shape, ...]


def num(value: float) -> str:
    """A coordinate as short, stable text: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
