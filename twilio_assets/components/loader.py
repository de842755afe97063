"""Read the Twilio instances declared as components (defs.yaml files) and merge them with the instances file.

The defs folder is `twilio_assets/defs_components/` ([tool.dg.project] defs_module in pyproject.toml),
or the folder $TWILIO_COMPONENTS_DIR names. Every `defs.yaml` (or `defs.yml`) under it, at any depth,
holds one or more YAML documents, each of type `twilio_assets.components.TwilioInstance`.

The built-in default instance (`twilio`, from the plain TWILIO_* variables) stands in only when nothing
is configured: with no instances file, declared components replace it rather than join it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..instances import ConfigError, Instance, SyncSettings, load_settings

COMPONENTS_DIR_ENV = "TWILIO_COMPONENTS_DIR"
# The `dg` defs folder, as a module ([tool.dg.project] defs_module) and as a folder.
DEFS_MODULE = "twilio_assets.defs_components"
DEFAULT_COMPONENTS_DIR = Path(__file__).resolve().parents[1] / "defs_components"
COMPONENT_TYPE = "twilio_assets.components.TwilioInstance"
# The same class under the module it is defined in.
COMPONENT_TYPES = (COMPONENT_TYPE, "twilio_assets.components.twilio_instance.TwilioInstance")
DEFS_FILE_NAMES = ("defs.yaml", "defs.yml")
_TOP_LEVEL_KEYS = ("type", "attributes", "requirements")


@dataclass(frozen=True)
class DeclaredInstance:
    instance: Instance
    path: Path  # the defs.yaml that declares it


def components_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    explicit = environ.get(COMPONENTS_DIR_ENV)
    if explicit:
        folder = Path(explicit)
        if not folder.is_dir():
            raise ConfigError(
                f"{COMPONENTS_DIR_ENV} points at {folder}, which is not a folder. Fix: point it at a folder of "
                "defs.yaml files, or unset it to use twilio_assets/defs_components/."
            )
        return folder
    return DEFAULT_COMPONENTS_DIR


def _skipped(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(folder).parts[:-1])


def component_files(folder: Path) -> list[Path]:
    """The defs.yaml files under `folder`; anything the code location would silently ignore is refused."""
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or _skipped(path, folder):
            continue
        if path.name in DEFS_FILE_NAMES:
            files.append(path)
        elif path.name == "component.yaml":
            raise ConfigError(
                f"{path}: component.yaml is the old name of a component file. Fix: rename it to defs.yaml."
            )
        elif path.suffix == ".py" and path.name != "__init__.py":
            raise ConfigError(
                f"{path}: the code location reads only defs.yaml files of type {COMPONENT_TYPE} from {folder}, "
                "so this module would never load. Fix: move Dagster code to twilio_assets/defs/, or declare the "
                "instance in a defs.yaml (dg scaffold defs twilio_assets.components.TwilioInstance <folder>)."
            )
    return files


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_template_branch(error: Mapping[str, Any]) -> bool:
    # Dagster lets every non-text attribute also be a template string ("{{ env.X }}"): a value that fits
    # neither branch is reported against both; the string branch's complaint says nothing useful.
    loc = error.get("loc", ())
    return len(loc) >= 2 and loc[1] == "str" and error.get("type") == "string_type"


_FIELD_OF_MESSAGE = (("unknown collections", "collections"), ("a property cannot be both", "hash_properties"))


def _field_named_by(message: str, fields: list[str]) -> str | None:
    """Which attribute a message of the instances file's parser is about (its messages start with it)."""
    for start, field in _FIELD_OF_MESSAGE:
        if message.startswith(start):
            return field
    first = re.split(r"[\s.:]", message, maxsplit=1)[0]
    return first if first in fields else None


def format_validation_error(error: Any, where: str, attributes: Mapping[str, Any] | None = None) -> str:
    """A pydantic ValidationError as one line per attribute: the attribute, what is wrong, and the fix."""
    from .twilio_instance import FIXES

    attributes = attributes or {}
    by_field: dict[str, list[Mapping[str, Any]]] = {}
    for item in error.errors():
        loc = item.get("loc", ())
        by_field.setdefault(str(loc[0]) if loc else "", []).append(item)
    lines = []
    for field, items in by_field.items():
        if not field:  # the whole component: the instances file's checks, whose messages name the attribute
            for item in items:
                message = str(item.get("msg", "")).removeprefix("Value error, ").removeprefix("the file: ")
                named = _field_named_by(message, list(FIXES))
                if named is None:
                    lines.append(f"{where}: attributes: {message}")
                    continue
                fix = "" if any(s in message for s in ("e.g.", "for example")) else f". Fix: use {FIXES[named]}"
                lines.append(f"{where}: attributes.{named}: {message}{fix}.")
            continue
        item = next((i for i in items if not _is_template_branch(i)), items[0])
        fix = FIXES.get(field, "a valid value")
        if item["type"] == "extra_forbidden":
            close = difflib.get_close_matches(field, list(FIXES), n=1)
            hint = f"did you mean {close[0]}? Otherwise " if close else ""
            lines.append(
                f"{where}: attributes.{field} is not an attribute of TwilioInstance. Fix: {hint}remove it; "
                f"the attributes are {', '.join(FIXES)}."
            )
        elif item["type"] == "missing":
            lines.append(f"{where}: attributes.{field} is required. Fix: set it to {fix}.")
        else:
            raw = attributes.get(field)
            got = (
                f"the template {raw!r} rendered as {item.get('input')!r}: is the variable set?"
                if isinstance(raw, str) and "{{" in raw
                else f"got {_short(item.get('input'))}"
            )
            lines.append(f"{where}: attributes.{field}: {item['msg']} ({got}). Fix: use {fix}.")
    return "\n".join(lines)


def parse_component_document(document: Any, where: str) -> Instance:
    """One YAML document of a defs.yaml (`type` + `attributes`) → the `Instance` it declares."""
    from dagster import ResolutionContext
    from pydantic import ValidationError

    from .twilio_instance import TwilioInstance

    if not isinstance(document, dict):
        raise ConfigError(f"{where}: a component is a mapping with `type: {COMPONENT_TYPE}` and `attributes`.")
    unknown = sorted(set(document) - set(_TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown top-level keys {unknown} for a Twilio instance. Fix: keep only "
            f"{', '.join(_TOP_LEVEL_KEYS)}; the instance's settings go under `attributes`."
        )
    declared_type = document.get("type")
    if declared_type not in COMPONENT_TYPES:
        raise ConfigError(
            f"{where}: type {declared_type!r} is not a Twilio instance; this folder holds only components of type "
            f"{COMPONENT_TYPE}. Fix: set `type: {COMPONENT_TYPE}`, or move the file out of the folder."
        )
    attributes = document.get("attributes")
    if not isinstance(attributes, dict):
        raise ConfigError(
            f"{where}: `attributes` is missing or not a mapping. Fix: add `attributes:` with at least a name "
            "(e.g. name: prod) and any other keys of an instances-file entry."
        )
    try:
        model = TwilioInstance.model().model_validate(attributes)
        component = TwilioInstance.resolve_from_model(ResolutionContext.default().at_path("attributes"), model)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, where, attributes)) from None
    except ConfigError:
        raise
    except Exception as exc:  # a template that does not render, e.g. {{ env.UNSET }}
        raise ConfigError(f"{where}: attributes could not be resolved: {exc}") from None
    return component.to_instance()


def declared_instances(environ: Mapping[str, str] | None = None) -> tuple[DeclaredInstance, ...]:
    folder = components_dir(environ)
    declared = []
    for path in component_files(folder):
        try:
            documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))]
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        if not documents:
            raise ConfigError(
                f"{path}: empty. Fix: declare an instance (type: {COMPONENT_TYPE}, attributes: ...) or remove the file."
            )
        for index, document in enumerate(documents):
            where = str(path) if len(documents) == 1 else f"{path} (document {index + 1})"
            declared.append(DeclaredInstance(parse_component_document(document, where), path))
    return tuple(declared)


def load_component_instances(environ: Mapping[str, str] | None = None) -> tuple[Instance, ...]:
    """The instances declared as components, in path order."""
    return tuple(d.instance for d in declared_instances(environ))


def load_settings_with_components(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> SyncSettings:
    """The instances file's settings (load_settings) plus the instances declared as components.

    Two instances may share no name, schema or env_prefix, wherever each is declared.
    """
    environ = dict(os.environ if environ is None else environ)
    settings = load_settings(environ, cwd)
    declared = declared_instances(environ)
    if not declared:
        return settings
    listed = [] if settings.source == "defaults" else [(i, settings.source) for i in settings.instances]
    everything = listed + [(d.instance, str(d.path)) for d in declared]
    for attribute in ("name", "schema", "env_prefix"):
        seen: dict[str, str] = {}
        for instance, origin in everything:
            value = getattr(instance, attribute)
            if value in seen:
                raise ConfigError(
                    f"two instances share the {attribute} {value!r}: one in {seen[value]}, one in {origin}. Fix: give "
                    f"one of them another {attribute} (each instance needs its own name, schema and env_prefix), "
                    "or remove the duplicate."
                )
            seen[value] = origin
    folder = components_dir(environ)
    source = f"{len(declared)} component(s) under {folder}"
    return SyncSettings(
        instances=tuple(instance for instance, _ in everything),
        start_date=settings.start_date,
        source=f"{settings.source} and {source}" if listed else source,
    )
