"""Which Twilio accounts ("instances") to sync, where each lands, and how.

With no configuration there is one instance, `twilio`, in schema `twilio`, whose credentials come from
the standard TWILIO_* variables. Several instances are declared in a YAML file (see
twilio_instances.example.yaml), found at $TWILIO_INSTANCES_FILE or ./twilio_instances.yaml.
Secrets never go in that file: each instance names the prefix of the environment variables that hold
its credentials.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .catalog import ALL_COLLECTIONS, BY_NAME, Collection, Column
from .sync.safeguard import DEFAULT_SAFEGUARD, DeletionSafeguard
from .warehouse.identifiers import InvalidIdentifier, validate_schema_name

DEFAULT_START_DATE = dt.date(2026, 1, 1)
DEFAULT_LOOKBACK_DAYS = 1
# Requests in flight at once per Twilio account, shared by every step, run and worker reading it.
# Twilio documents no number (it answers 429 above its limit); 8 is well inside what accounts get.
DEFAULT_MAX_IN_FLIGHT = 8
CONFIG_ENV = "TWILIO_INSTANCES_FILE"
DEFAULT_CONFIG_FILE = "twilio_instances.yaml"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_PREFIX = re.compile(r"[A-Z][A-Z0-9_]*_")

# The credential settings, by the suffix of their environment variable (Twilio's own names with the
# default prefix TWILIO_).
CREDENTIAL_SUFFIXES = (
    "ACCOUNT_SID",
    "AUTH_TOKEN",
    "API_KEY_SID",
    "API_KEY_SECRET",
    "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET",
    "OAUTH_REFRESH_TOKEN",
)
CONNECTION_SUFFIXES = ("BASE_URL", "REGION", "EDGE")
# The secret key for hashed properties (see hash_properties).
PRIVACY_SUFFIXES = ("HASH_KEY",)


# Schemas the dbt models are written to (dbt_project.yml, profiles.yml): a raw schema with one of these
# names would have its tables mixed with, or replaced by, the models.
DBT_SCHEMAS = ("twilio_staging", "twilio_linkage", "twilio_marts", "twilio_dbt")


class ConfigError(ValueError):
    pass


ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")


@dataclass(frozen=True)
class Privacy:
    """Per collection: properties never stored (excluded) or stored only as a keyed hash, each a dotted
    path into the record (`body`, `context.flow.data`), checked against the catalogue (see build_privacy)."""

    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hash: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def for_collection(self, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.exclude.get(name, ()), self.hash.get(name, ())

    @property
    def needs_hash_key(self) -> bool:
        """True when some property is hashed, so the instance needs its <prefix>HASH_KEY secret."""
        return any(self.hash.values())


@dataclass(frozen=True)
class Instance:
    name: str
    schema: str
    env_prefix: str = "TWILIO_"
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    collection_names: tuple[str, ...] = tuple(c.name for c in ALL_COLLECTIONS)
    # "main" (the credentials' account), "all" (it and every subaccount), or a tuple of account SIDs.
    accounts: str | tuple[str, ...] = "main"
    privacy: Privacy = field(default_factory=Privacy)
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    deletion_safeguard: DeletionSafeguard = DEFAULT_SAFEGUARD

    @property
    def collections(self) -> tuple[Collection, ...]:
        return tuple(BY_NAME[name] for name in self.collection_names)

    @property
    def group_name(self) -> str:
        """The prefix of this instance's raw asset groups, one group per product: `raw_twilio__voice`, ..."""
        return f"raw_{self.name}"

    def group_for(self, collection: Collection) -> str:
        # 36 collections in one group make an unreadable graph; a group per product reads like a menu.
        return f"{self.group_name}__{collection.product}"

    @property
    def resource_key(self) -> str:
        return f"twilio_{self.name}"

    def env_name(self, suffix: str) -> str:
        return f"{self.env_prefix}{suffix}"


@dataclass(frozen=True)
class SyncSettings:
    instances: tuple[Instance, ...]
    start_date: dt.date = DEFAULT_START_DATE
    source: str = "defaults"  # where the settings came from, for messages


# --- the instances file, validated by pydantic models --------------------------------------------


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _whole_number(value: Any, low: int, high: int, message: str) -> int:
    _check(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high, f"{message}, got {value!r}")
    return value


class _InstanceSpec(BaseModel):
    """One entry of `instances:`, exactly as the file may write it."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    name: Any
    schema_: Any = Field(default=None, alias="schema")
    env_prefix: Any = None
    lookback_days: Any = None
    collections: Any = None
    accounts: Any = "main"
    exclude_properties: Any = None
    hash_properties: Any = None
    privacy_preset: Any = None
    max_in_flight: Any = DEFAULT_MAX_IN_FLIGHT
    deletion_safeguard: Any = None

    @field_validator("name")
    @classmethod
    def _name(cls, name: Any) -> str:
        _check(
            isinstance(name, str) and bool(_NAME.fullmatch(name)),
            f"name {name!r} must be 1-40 lower-case letters, digits or underscores, starting with a letter (e.g. prod)",
        )
        return name

    @field_validator("env_prefix")
    @classmethod
    def _prefix(cls, prefix: Any) -> Any:
        _check(
            prefix is None or (isinstance(prefix, str) and bool(_PREFIX.fullmatch(prefix))),
            f"env_prefix {prefix!r} must be upper-case letters, digits and underscores ending in _ (e.g. TWILIO_PROD_)",
        )
        return prefix

    @field_validator("lookback_days")
    @classmethod
    def _lookback(cls, days: Any) -> Any:
        return (
            None
            if days is None
            else _whole_number(days, 0, 90, "lookback_days must be a whole number of days from 0 to 90")
        )

    @field_validator("max_in_flight")
    @classmethod
    def _in_flight(cls, budget: Any) -> int:
        return _whole_number(budget, 1, 100, "max_in_flight must be a whole number of requests from 1 to 100")

    @field_validator("deletion_safeguard")
    @classmethod
    def _safeguard(cls, value: Any) -> DeletionSafeguard:
        if value is None:
            return DEFAULT_SAFEGUARD
        _check(
            isinstance(value, dict) and set(value) <= {"max_share", "min_rows"},
            f"deletion_safeguard takes max_share (e.g. 0.5) and min_rows (e.g. 10), got {value!r}",
        )
        return DeletionSafeguard(**value)  # its own ValueError says what each value means

    @field_validator("collections")
    @classmethod
    def _collections(cls, names: Any) -> Any:
        if names is None:
            return None
        _check(isinstance(names, list) and bool(names), "collections must be a non-empty list")
        unknown = [c for c in names if c not in BY_NAME]
        _check(not unknown, f"unknown collections {unknown}; known: {', '.join(BY_NAME)}")
        return tuple(c.name for c in ALL_COLLECTIONS if c.name in names)

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, accounts: Any) -> str | tuple[str, ...]:
        if isinstance(accounts, list):
            bad = [a for a in accounts if not (isinstance(a, str) and ACCOUNT_SID.fullmatch(a))]
            _check(
                bool(accounts) and not bad, f"accounts must be main, all, or a list of account SIDs (AC…); bad: {bad}"
            )
            return tuple(accounts)
        _check(accounts in ("main", "all"), f"accounts must be main, all, or a list of account SIDs, got {accounts!r}")
        return accounts

    @field_validator("privacy_preset")
    @classmethod
    def _preset(cls, preset: Any) -> Any:
        _check(
            preset is None or preset in PRIVACY_PRESETS,
            f"privacy_preset must be one of {', '.join(PRIVACY_PRESETS)} (or left out), got {preset!r}",
        )
        return preset

    def to_instance(self, default_lookback: int) -> Instance:
        schema = self.schema_ if self.schema_ is not None else f"twilio_{self.name}"
        try:
            validate_schema_name(schema)
        except InvalidIdentifier as exc:
            raise ValueError(f"({self.name}): {exc}") from None
        _check(
            schema not in DBT_SCHEMAS,
            f"schema {schema!r} is where dbt writes its models ({', '.join(DBT_SCHEMAS)}); give the instance "
            f"another schema, e.g. twilio_{self.name}",
        )
        try:
            privacy = build_privacy(
                _property_map(self.exclude_properties, "exclude_properties", hashed=False),
                _property_map(self.hash_properties, "hash_properties", hashed=True),
                self.privacy_preset,
            )
        except ValueError as exc:
            raise ValueError(f"({self.name}): {exc}") from None
        return Instance(
            name=self.name,
            schema=schema,
            env_prefix=self.env_prefix or f"TWILIO_{self.name.upper()}_",
            lookback_days=default_lookback if self.lookback_days is None else self.lookback_days,
            collection_names=self.collections or tuple(c.name for c in ALL_COLLECTIONS),
            accounts=self.accounts,
            privacy=privacy,
            max_in_flight=self.max_in_flight,
            deletion_safeguard=self.deletion_safeguard,
        )


class _SettingsSpec(BaseModel):
    """The whole instances file."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    start_date: Any = DEFAULT_START_DATE
    lookback_days: Any = DEFAULT_LOOKBACK_DAYS
    instances: Any = None

    @field_validator("start_date")
    @classmethod
    def _start(cls, value: Any) -> dt.date:
        return _parse_date(value)

    @field_validator("lookback_days")
    @classmethod
    def _lookback(cls, days: Any) -> int:
        return _whole_number(days, 0, 90, "lookback_days must be a whole number of days from 0 to 90")

    @field_validator("instances")
    @classmethod
    def _instances(cls, instances: Any) -> list:
        _check(isinstance(instances, list) and bool(instances), "`instances` must be a non-empty list")
        return instances


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"start_date must be a date like 2026-01-01, got {value!r}") from None


def _explain(error: ValidationError, where: str, allowed: Any) -> ConfigError:
    """One message naming the field, what is wrong and what is allowed."""
    problems = []
    unknown = [str(e["loc"][-1]) for e in error.errors() if e["type"] == "extra_forbidden"]
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(allowed))}")
    for detail in error.errors():
        if detail["type"] == "extra_forbidden":
            continue
        field = ".".join(str(part) for part in detail["loc"]) or "the file"
        if detail["type"] == "missing":
            problems.append(f"{field} is required")
        else:
            message = str(detail["msg"]).removeprefix("Value error, ")
            problems.append(message if message.startswith(field.split(".")[0]) else f"{field}: {message}")
    return ConfigError(f"{where}: " + "; ".join(problems))


# --- privacy: which properties may be excluded or hashed -----------------------------------------
#
# A property is named by a dotted path into the record as Twilio sends it: `body`, `context.flow.data`.
# Its first part must be one of the collection's fields as the catalogue lists them (its columns' sources
# and its raw-only fields, held to Twilio's specs by a test), so a misspelt or miscased name is refused
# instead of silently protecting nothing. Below a JSON column any subpath is allowed and not checked: the
# catalogue does not describe inside them, and Twilio's specs leave most free-form (`context`, `definition`).

# Content customers or staff write, as opposed to the metadata the models count and join on; phone
# numbers are kept (hash them with hash_properties). Excluded columns stay in their tables, NULL, so
# every dbt model still builds.
PRIVACY_PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "strict": {
        "messages": ("body",),
        "transcriptions": ("transcription_text",),
        "call_feedback": ("annotation.comment",),
        "alerts": ("alert_text",),
        "events": ("event_data",),
        "studio_flows": ("definition",),
        "studio_executions": ("context",),
        "studio_execution_steps": ("context",),
        "conversations": ("attributes",),
        "conversation_messages": ("body", "attributes"),
        "conversation_participants": ("attributes",),
        "conversation_users": ("attributes",),
        "taskrouter_workers": ("attributes",),
        "taskrouter_tasks": ("attributes",),
    }
}


def preset_properties(preset: str) -> str:
    """A preset's properties as `collection.path` names, for messages and docs."""
    return ", ".join(f"{name}.{path}" for name, paths in PRIVACY_PRESETS[preset].items() for path in paths)


def known_fields(collection: Collection) -> dict[str, tuple[Column, ...]]:
    """Every top-level field of a collection's records, each with the columns read from it (none for a
    raw-only field). Fields the catalogue drops are never stored, so they are not among them."""
    fields: dict[str, list[Column]] = {name: [] for name in collection.raw_only_fields}
    for column in collection.columns:
        for name in column.composed_of or column.path[:1]:
            fields.setdefault(name, []).append(column)
    return {name: tuple(columns) for name, columns in fields.items()}


def kept_fields(collection: Collection) -> set[str]:
    """Fields that identify a record or place it in its day, parent or account: never excluded or hashed."""
    # The read mode's settings that name columns (day column, parent key, ...): its plan reads them.
    named_by_read = {
        v for f in dataclasses.fields(collection.read) if isinstance(v := getattr(collection.read, f.name), str)
    }
    names = {collection.primary_key, "account_sid", *(named_by_read & set(collection.column_names))}
    sources = (collection.column(name) for name in names if name in collection.column_names)
    return {part for column in sources for part in (column.composed_of or column.path[:1])} | {"account_sid"}


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    candidates = sorted(candidates)
    same_but_case = [c for c in candidates if c.lower() == name.lower()]
    if same_but_case:
        return same_but_case[0]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _property_problem(collection: Collection, path: str, *, hashed: bool) -> str | None:
    """Why `path` cannot be excluded (or hashed) in this collection, with the fix; None when it can."""
    parts = path.split(".")
    if not all(part and part.strip() == part for part in parts):
        return f"{path!r} is not a property path (field names joined by dots, e.g. context.flow)"
    fields = known_fields(collection)
    top = parts[0]
    if top not in fields:
        hint = ""
        read_from = next((c for c in collection.columns if c.name == top and c.path[0] != top), None)
        if read_from is not None:
            hint = f"; the column {top} is read from {'.'.join(read_from.path)}, name that path"
        elif (closest := _closest(top, fields)) is not None:
            hint = f"; did you mean {'.'.join([closest, *parts[1:]])!r}?"
        named = repr(top) if len(parts) == 1 else f"{top!r} (in {path!r})"
        return f"{named} is not a field of {collection.name}{hint} (its fields: {', '.join(sorted(fields))})"
    kept = kept_fields(collection)
    if top in kept:
        return (
            f"{sorted(kept)} identify records (or place them in a day or under a parent) and must be kept, "
            f"so {path!r} cannot be {'hashed' if hashed else 'excluded'}"
        )
    if len(parts) > 1:
        whole = next((c for c in fields[top] if len(c.path) == 1), None)
        if whole is None and not fields[top]:
            return f"{top!r} has no column, so the shape of its value is not known here; name {top!r} whole"
        if whole is not None and whole.kind.name != "jsonb":
            return (
                f"{top!r} is a {whole.kind.name} field, not a JSON object, so {path!r} names nothing; "
                f"name {top!r} whole"
            )
    if hashed:
        # Hashing a value turns it into text: every column read at or below the path must be text.
        typed = [c for c in fields[top] if tuple(c.path[: len(parts)]) == tuple(parts) and c.kind.pg_type != "text"]
        if typed:
            names = ", ".join(f"{c.name} ({c.kind.name})" for c in typed)
            return f"only text properties can be hashed; {path!r} feeds {names}"
    return None


def _property_map(value: Any, key: str, *, hashed: bool) -> dict[str, tuple[str, ...]]:
    """Validate `{collection: [property path, ...]}` against the catalogue (see `_property_problem`)."""
    if value is None:
        return {}
    _check(isinstance(value, dict), f"{key} maps collection names to lists of properties, e.g. {{messages: [body]}}")
    result = {}
    for collection_name, properties in value.items():
        if collection_name not in BY_NAME:
            closest = _closest(str(collection_name), BY_NAME)
            hint = f"; did you mean {closest!r}?" if closest else f"; known: {', '.join(BY_NAME)}"
            raise ValueError(f"{key}: unknown collection {collection_name!r}{hint}")
        _check(
            isinstance(properties, list) and all(isinstance(p, str) and p for p in properties),
            f"{key}.{collection_name} must be a list of property names",
        )
        problems = [
            problem
            for path in properties
            if (problem := _property_problem(BY_NAME[collection_name], path, hashed=hashed)) is not None
        ]
        _check(not problems, f"{key}.{collection_name}: " + "; ".join(problems))
        result[collection_name] = tuple(dict.fromkeys(properties))
    return result


def _overlaps(first: str, second: str) -> bool:
    """True when one dotted path is the other or lies inside it."""
    return first == second or first.startswith(second + ".") or second.startswith(first + ".")


def build_privacy(
    excluded: dict[str, tuple[str, ...]], hashed: dict[str, tuple[str, ...]], preset: str | None
) -> Privacy:
    """The instance's privacy settings: its own exclusions plus its preset's, and its hashed properties."""
    exclude = dict(excluded)
    for collection_name, paths in (PRIVACY_PRESETS[preset] if preset else {}).items():
        exclude[collection_name] = tuple(dict.fromkeys((*paths, *exclude.get(collection_name, ()))))
    clashes = {
        name: [p for p in paths if any(_overlaps(p, e) for e in exclude.get(name, ()))]
        for name, paths in hashed.items()
    }
    clashes = {name: paths for name, paths in clashes.items() if paths}
    from_preset = {name: list(PRIVACY_PRESETS[preset].get(name, ())) for name in clashes} if preset else {}
    via_preset = f" (privacy_preset {preset} excludes {from_preset})" if any(from_preset.values()) else ""
    _check(not clashes, f"a property cannot be both excluded and hashed: {clashes}{via_preset}")
    return Privacy(exclude=exclude, hash=dict(hashed))


for _preset, _paths in PRIVACY_PRESETS.items():
    # A catalogue change that makes a preset name nothing fails here, at import, not silently at sync.
    _property_map({name: list(paths) for name, paths in _paths.items()}, f"privacy preset {_preset}", hashed=False)


def parse_instance(raw: Any, where: str, default_lookback: int = DEFAULT_LOOKBACK_DAYS) -> Instance:
    """One instance from its mapping (an instances-file entry); ConfigError names what is wrong."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: each instance is a mapping with at least a name (and usually a schema)")
    try:
        spec = _InstanceSpec.model_validate(raw)
        return spec.to_instance(default_lookback)
    except ValidationError as exc:
        raise _explain(exc, where, [f.alias or n for n, f in _InstanceSpec.model_fields.items()]) from None
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def parse_settings(document: Any, source: str) -> SyncSettings:
    if not isinstance(document, dict):
        raise ConfigError(f"{source}: the file must be a YAML mapping with an `instances` list")
    try:
        spec = _SettingsSpec.model_validate(document)
    except ValidationError as exc:
        raise _explain(exc, source, _SettingsSpec.model_fields) from None
    instances = tuple(
        parse_instance(raw, f"{source}: instances[{i}]", spec.lookback_days) for i, raw in enumerate(spec.instances)
    )
    for attribute in ("name", "schema", "env_prefix"):
        values = [getattr(instance, attribute) for instance in instances]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ConfigError(f"{source}: two instances share the {attribute} {duplicates}; each needs its own")
    return SyncSettings(instances=instances, start_date=spec.start_date, source=source)


def load_settings(environ: dict[str, str] | None = None, cwd: Path | None = None) -> SyncSettings:
    """Read the instances file if there is one, else the single default instance."""
    environ = dict(os.environ if environ is None else environ)
    explicit = environ.get(CONFIG_ENV)
    path = Path(explicit) if explicit else (cwd or Path.cwd()) / DEFAULT_CONFIG_FILE
    if explicit and not path.is_file():
        raise ConfigError(f"{CONFIG_ENV} points at {path}, which is not a file")
    if path.is_file():
        try:
            document = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        settings = parse_settings(document, str(path))
    else:
        settings = SyncSettings(instances=(Instance(name="twilio", schema="twilio"),))
    override = environ.get("TWILIO_START_DATE")
    if override:
        settings = SyncSettings(
            instances=settings.instances,
            start_date=_start_date_override(override),
            source=settings.source,
        )
    return settings


def _start_date_override(value: str) -> dt.date:
    try:
        return _parse_date(value)
    except ValueError as exc:
        raise ConfigError(f"TWILIO_START_DATE: {exc}") from None
