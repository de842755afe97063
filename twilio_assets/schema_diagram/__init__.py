"""A picture of the synced collections, their typed columns and the ID linkages between them, as
docs/twilio_schema.svg and docs/twilio_schema.pdf, generated from the catalogue and the dbt
`relationships` tests:

    python -m twilio_assets.schema_diagram          # or: make schema
    python -m twilio_assets.schema_diagram --check  # exit 1 when the committed files are stale

model.py reads what to draw, layout.py and routing.py place it, svg.py and pdf.py write it. Output is
byte-for-byte deterministic, so tests/unit/test_schema_diagram.py regenerates it and compares.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..dbt import DBT_PROJECT_DIR
from .layout import lay_out
from .model import Schema, build_schema
from .pdf import render_pdf
from .svg import render_svg

DOCS_DIR = DBT_PROJECT_DIR.parent / "docs"
SVG_PATH = DOCS_DIR / "twilio_schema.svg"
PDF_PATH = DOCS_DIR / "twilio_schema.pdf"


def render(schema: Schema) -> dict[Path, bytes]:
    scene = lay_out(schema)
    return {SVG_PATH: render_svg(scene), PDF_PATH: render_pdf(scene)}


def generate(collections: Iterable[Any] | None = None, dbt_project_dir: Path | None = None) -> dict[Path, bytes]:
    """The files' contents for `collections` (default: the catalogue) and the dbt project."""
    return render(build_schema(collections, dbt_project_dir))


__all__ = ["PDF_PATH", "SVG_PATH", "build_schema", "generate", "render"]
