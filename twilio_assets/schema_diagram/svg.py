"""The scene as SVG text: same input, same bytes."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .scene import Dot, Line, Polygon, Rect, Scene, Text, num


def _points(points) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def _data(meta) -> str:
    return "".join(f" data-{key}={quoteattr(value)}" for key, value in meta)


def render_svg(scene: Scene) -> bytes:
    w, h = num(scene.width), num(scene.height)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(scene.title)}</title>",
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>',
    ]
    for s in scene.shapes:
        if isinstance(s, Rect):
            paint = f' fill="{s.fill or "none"}"' + (
                f' stroke="{s.stroke}" stroke-width="{num(s.width)}"' if s.stroke else ""
            )
            out.append(f'<rect x="{num(s.x)}" y="{num(s.y)}" width="{num(s.w)}" height="{num(s.h)}"{paint}/>')
        elif isinstance(s, Line):
            title = f"<title>{escape(s.title)}</title>" if s.title else ""
            out.append(
                f'<polyline points="{_points(s.points)}" fill="none" stroke="{s.stroke}" stroke-width="{num(s.width)}" '
                f'stroke-linejoin="round"{_data(s.meta)}>{title}</polyline>'
            )
        elif isinstance(s, Polygon):
            out.append(f'<polygon points="{_points(s.points)}" fill="{s.fill}"/>')
        elif isinstance(s, Dot):
            out.append(f'<circle cx="{num(s.x)}" cy="{num(s.y)}" r="{num(s.r)}" fill="{s.fill}"/>')
        elif isinstance(s, Text):
            style = (' font-weight="bold"' if s.bold else "") + (' text-anchor="end"' if s.anchor == "end" else "")
            out.append(
                f'<text x="{num(s.x)}" y="{num(s.y)}" font-size="{num(s.size)}" fill="{s.fill}"{style}{_data(s.meta)}>'
                f"{escape(s.text)}</text>"
            )
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")
