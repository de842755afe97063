"""What the dbt project says about links: its `relationships` tests, and how its models and key
columns trace back to the raw collections.

Only text is read (the yml files and the models' SQL under `models/`); dbt itself never runs, so this
works without a manifest or a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

_REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
# Incremental models hand the model they read to a macro by name (`twilio_live_rows('stg_twilio__calls', ...)`).
_NAMED_MODEL = re.compile(r"""['"]((?:stg|int)_twilio__\w+)['"]""")
# Staging builds each `*_key` from a raw column: `{{ twilio_key('call_sid') }} as call_key`.
_KEY = re.compile(r"""twilio_key\(\s*['"](\w+)['"]\s*\)\s*}}\s+as\s+(\w+)""")


@dataclass(frozen=True)
class Relationship:
    """One `relationships` test: `model.column` must name a row of `to_model.field`."""

    model: str
    column: str
    to_model: str  # the ref() target; the raw `to:` text when it is not a ref (a source, say)
    field: str


class DbtModels:
    """The models under `<project>/models`: their relationships tests, refs and key columns."""

    def __init__(self, project_dir: Path) -> None:
        self.models_dir = Path(project_dir) / "models"

    @cached_property
    def _sql(self) -> dict[str, str]:
        return {path.stem: path.read_text() for path in sorted(self.models_dir.rglob("*.sql"))}

    def refs(self, model: str) -> set[str]:
        text = self._sql.get(model, "")
        return (set(_REF.findall(text)) | set(_NAMED_MODEL.findall(text))) - {model}

    def key_sources(self, model: str) -> dict[str, str]:
        """`{key column: raw column it is built from}` for the keys the model builds itself."""
        return {alias: raw for raw, alias in _KEY.findall(self._sql.get(model, ""))}

    def relationships(self) -> list[Relationship]:
        found: list[Relationship] = []
        for path in sorted(self.models_dir.rglob("*.yml")) + sorted(self.models_dir.rglob("*.yaml")):
            document = yaml.safe_load(path.read_text()) or {}
            for model in document.get("models") or []:
                for column in model.get("columns") or []:
                    for args in _relationship_args(column):
                        found.append(_relationship(model["name"], column["name"], args))
                for args in _relationship_args(model):  # model-level tests name their column
                    if "column_name" in args:
                        found.append(_relationship(model["name"], args["column_name"], args))
        return found


def _relationship_args(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for test in (node.get("data_tests") or []) + (node.get("tests") or []):
        if isinstance(test, dict) and isinstance(test.get("relationships"), dict):
            spec = test["relationships"]
            # dbt 1.10+ puts test arguments under `arguments:`; older projects list them inline.
            yield {**spec, **(spec.get("arguments") or {})}


def _relationship(model: str, column: str, args: dict[str, Any]) -> Relationship:
    target = str(args.get("to", ""))
    ref = _REF.search(target)
    return Relationship(model, column, ref.group(1) if ref else target, str(args.get("field", "")))
