"""Which Twilio accounts ("instances") to sync, where each lands, and how.

With no configuration there is one instance, `twilio`, in schema `twilio`, whose credentials come from
the standard TWILIO_* variables. Several instances are declared in a YAML file (see
twilio_instances.example.yaml), found at $TWILIO_INSTANCES_FILE or ./twilio_instances.yaml.
Secrets never go in that file: each instance names the prefix of the environment variables that hold
its credentials.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog import ALL_COLLECTIONS, BY_NAME, Collection
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
    """Per collection: fields never stored (excluded) or stored only as a keyed hash."""

    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hash: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def for_collection(self, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.exclude.get(name, ()), self.hash.get(name, ())


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

    @property
    def collections(self) -> tuple[Collection, ...]:
        return tuple(BY_NAME[name] for name in self.collection_names)

    @property
    def group_name(self) -> str:
        return f"raw_{self.name}"

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


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ConfigError(f"{where}: {message}")


def _parse_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: start_date must be a date like 2026-01-01, got {value!r}") from None


def _parse_instance(raw: Any, index: int, default_lookback: int, source: str) -> Instance:
    where = f"{source}: instances[{index}]"
    _require(isinstance(raw, dict), where, "each instance is a mapping with at least name and schema")
    allowed = {
        "name", "schema", "env_prefix", "lookback_days", "collections", "accounts", "exclude_properties",
        "hash_properties", "max_in_flight",
    }
    unknown = set(raw) - allowed
    _require(not unknown, where, f"unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(allowed))}")
    name = raw.get("name")
    _require(
        isinstance(name, str) and bool(_NAME.fullmatch(name)),
        where,
        f"name {name!r} must be 1-40 lower-case letters, digits or underscores, starting with a letter (e.g. prod)",
    )
    schema = raw.get("schema", f"twilio_{name}")
    try:
        validate_schema_name(schema)
    except InvalidIdentifier as exc:
        raise ConfigError(f"{where} ({name}): {exc}") from None
    _require(
        schema not in DBT_SCHEMAS,
        where,
        f"schema {schema!r} is where dbt writes its models ({', '.join(DBT_SCHEMAS)}); give the instance "
        f"another schema, e.g. twilio_{name}",
    )
    prefix = raw.get("env_prefix", f"TWILIO_{name.upper()}_")
    _require(
        isinstance(prefix, str) and bool(_PREFIX.fullmatch(prefix)),
        where,
        f"env_prefix {prefix!r} must be upper-case letters, digits and underscores ending in _ (e.g. TWILIO_PROD_)",
    )
    lookback = raw.get("lookback_days", default_lookback)
    _require(
        isinstance(lookback, int) and not isinstance(lookback, bool) and 0 <= lookback <= 90,
        where,
        f"lookback_days must be a whole number of days from 0 to 90, got {lookback!r}",
    )
    collections = raw.get("collections", [c.name for c in ALL_COLLECTIONS])
    _require(isinstance(collections, list) and bool(collections), where, "collections must be a non-empty list")
    unknown_collections = [c for c in collections if c not in BY_NAME]
    _require(
        not unknown_collections,
        where,
        f"unknown collections {unknown_collections}; known: {', '.join(BY_NAME)}",
    )
    ordered = tuple(c.name for c in ALL_COLLECTIONS if c.name in collections)
    max_in_flight = raw.get("max_in_flight", DEFAULT_MAX_IN_FLIGHT)
    _require(
        isinstance(max_in_flight, int) and not isinstance(max_in_flight, bool) and 1 <= max_in_flight <= 100,
        where,
        f"max_in_flight must be a whole number of requests from 1 to 100, got {max_in_flight!r}",
    )
    accounts = raw.get("accounts", "main")
    if isinstance(accounts, list):
        bad = [a for a in accounts if not (isinstance(a, str) and ACCOUNT_SID.fullmatch(a))]
        _require(bool(accounts) and not bad, where, f"accounts must be main, all, or a list of account SIDs (AC…); bad: {bad}")
        accounts = tuple(accounts)
    else:
        _require(accounts in ("main", "all"), where, f"accounts must be main, all, or a list of account SIDs, got {accounts!r}")
    privacy = Privacy(
        exclude=_property_map(raw.get("exclude_properties"), "exclude_properties", where, hashable_only=False),
        hash=_property_map(raw.get("hash_properties"), "hash_properties", where, hashable_only=True),
    )
    overlap = {c: set(f) & set(privacy.hash.get(c, ())) for c, f in privacy.exclude.items()}
    _require(not any(overlap.values()), where, f"a property cannot be both excluded and hashed: {overlap}")
    return Instance(
        name=name, schema=schema, env_prefix=prefix, lookback_days=lookback, collection_names=ordered,
        accounts=accounts, privacy=privacy, max_in_flight=max_in_flight,
    )


def _property_map(value: Any, key: str, where: str, *, hashable_only: bool) -> dict[str, tuple[str, ...]]:
    """Validate `{collection: [property, ...]}`; primary keys can be neither excluded nor hashed."""
    if value is None:
        return {}
    _require(isinstance(value, dict), where, f"{key} maps collection names to lists of properties")
    result = {}
    for collection_name, properties in value.items():
        _require(collection_name in BY_NAME, where, f"{key}: unknown collection {collection_name!r}")
        collection = BY_NAME[collection_name]
        _require(
            isinstance(properties, list) and all(isinstance(p, str) and p for p in properties),
            where, f"{key}.{collection_name} must be a list of property names",
        )
        keys = {collection.column(collection.primary_key).path[0], "account_sid"}
        _require(not keys & set(properties), where, f"{key}.{collection_name}: {sorted(keys)} identify records and must be kept")
        if hashable_only:
            typed = {c.path[0]: c for c in collection.columns if len(c.path) == 1}
            wrong = [p for p in properties if p in typed and typed[p].kind.pg_type != "text"]
            _require(not wrong, where, f"{key}.{collection_name}: only text properties can be hashed, not {wrong}")
        result[collection_name] = tuple(properties)
    return result


def parse_settings(document: Any, source: str) -> SyncSettings:
    _require(isinstance(document, dict), source, "the file must be a YAML mapping with an `instances` list")
    unknown = set(document) - {"start_date", "lookback_days", "instances"}
    _require(not unknown, source, f"unknown keys {sorted(unknown)}; allowed: start_date, lookback_days, instances")
    start_date = _parse_date(document.get("start_date", DEFAULT_START_DATE), source)
    lookback = document.get("lookback_days", DEFAULT_LOOKBACK_DAYS)
    raw_instances = document.get("instances")
    _require(isinstance(raw_instances, list) and bool(raw_instances), source, "`instances` must be a non-empty list")
    instances = tuple(_parse_instance(raw, i, lookback, source) for i, raw in enumerate(raw_instances))
    for attribute in ("name", "schema", "env_prefix"):
        values = [getattr(instance, attribute) for instance in instances]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        _require(not duplicates, source, f"two instances share the {attribute} {duplicates}; each needs its own")
    return SyncSettings(instances=instances, start_date=start_date, source=source)


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
            start_date=_parse_date(override, "TWILIO_START_DATE"),
            source=settings.source,
        )
    return settings
