"""Text widths in the standard Helvetica fonts (Adobe's metrics, WinAnsi codes 32-126), so boxes fit
their text in the PDF exactly and in the SVG wherever Helvetica or Arial (same metrics) is used."""

from __future__ import annotations

_FIRST = 32
_REGULAR = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
    "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_BOLD = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
    "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
_WIDTHS = {False: [int(w) for w in _REGULAR.split()], True: [int(w) for w in _BOLD.split()]}


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = _WIDTHS[bold]
    units = 0
    for char in text:
        code = ord(char) - _FIRST
        units += widths[code] if 0 <= code < len(widths) else 556
    return units * size / 1000
