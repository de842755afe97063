"""`TwilioInstance`: one Twilio instance declared as a Dagster component (a `defs.yaml` in the defs folder).

The YAML attributes are the keys of one entry of the instances file (see twilio_instances.example.yaml),
with the same defaults and the same checks: the component's pydantic model checks the shape (types,
known collections, no unknown keys), then the instances file's own parser (`parse_instance` in
twilio_assets/instances.py) checks everything else and turns the attributes into an `Instance`.

The component builds no definitions by itself: the code location (twilio_assets/definitions.py) reads
every declared component into an `Instance` (see loader.py) and builds the raw assets, resources, job
and schedule for all instances at once, the instances file's and the components' alike.
"""

from __future__ import annotations

import re
import warnings
from typing import Annotated, Any, Literal

import click
import dagster as dg
import yaml
from pydantic import BaseModel, Field, PrivateAttr, model_validator

from ..catalog import ALL_COLLECTIONS
from ..instances import (
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_MAX_IN_FLIGHT,
    PRIVACY_PRESETS,
    ConfigError,
    Instance,
    parse_instance,
    preset_properties,
)

COLLECTION_NAMES = tuple(c.name for c in ALL_COLLECTIONS)
CollectionName = Literal[COLLECTION_NAMES]  # type: ignore[valid-type]
PresetName = Literal[tuple(PRIVACY_PRESETS)]  # type: ignore[valid-type]

# What each attribute must be, shown in the schema (dg, the UI) and as the fix in error messages.
FIXES: dict[str, str] = {
    "name": "a nickname of 1-40 lower-case letters, digits or underscores starting with a letter, e.g. prod "
    "(asset group raw_<name>, resource twilio_<name>)",
    "schema": "the warehouse schema of the raw tables: a plain lower-case identifier, e.g. twilio_prod "
    "(default twilio_<name>)",
    "env_prefix": "the prefix of this instance's credential variables: upper-case letters, digits and "
    "underscores ending in _, e.g. TWILIO_PROD_ (default TWILIO_<NAME>_)",
    "lookback_days": f"a whole number of days from 0 to 90 that each tick re-reads before today (default {DEFAULT_LOOKBACK_DAYS})",
    "collections": f"a non-empty list of collections to sync, out of: {', '.join(COLLECTION_NAMES)} (default: all)",
    "accounts": "main (the credentials' account), all (it and every subaccount), or a list of account SIDs "
    "(AC followed by 32 hex digits)",
    "exclude_properties": "a mapping from collection to the properties never stored, each a field of Twilio's "
    "JSON as the catalogue lists it or a dotted path inside a JSON field, e.g. {messages: [body], "
    "studio_executions: [context.flow.data]}",
    "hash_properties": "a mapping from collection to the text properties stored as HMAC-SHA256 (fields or dotted "
    "paths, as for exclude_properties), e.g. {messages: [to, from]}",
    "privacy_preset": "a named set of properties excluded on top of exclude_properties: "
    + "; ".join(f"{name} ({preset_properties(name)})" for name in PRIVACY_PRESETS),
    "deletion_safeguard": "how much of a part (a day, a list) one answer may mark deleted before the deletion "
    "waits for the next sync to confirm it: max_share (0 to 1 of its live rows, default 0.5) once it holds "
    "min_rows rows (default 10), e.g. {max_share: 0.5, min_rows: 10}",
    "max_in_flight": f"a whole number of requests in flight at once for this Twilio account, from 1 to 100 "
    f"(default {DEFAULT_MAX_IN_FLIGHT})",
}


def _attribute(key: str, example: Any, **json_schema: Any) -> dg.Resolver:
    """How an attribute shows in the component's schema (`dg`, the UI, editors): what it is, an example."""
    return dg.Resolver.default(description=FIXES[key], examples=[example], json_schema_extra=json_schema or None)


# parse_instance starts its messages with where the instance is; the loader says that itself (the
# defs.yaml), so a placeholder is passed and dropped, with the "(<name>)" some messages add.
_SOURCE = "\x00component"


def _component_message(message: str) -> str:
    return re.sub(rf"^{re.escape(_SOURCE)}:\s*(\([^)]*\):\s*)?", "", message)


class TwilioInstanceScaffoldParams(BaseModel):
    """Options of `dg scaffold defs twilio_assets.components.TwilioInstance <folder>`; each defaults from
    the folder's name (`twilio_prod` → name prod, schema twilio_prod, env_prefix TWILIO_PROD_)."""

    name: str | None = Field(default=None, description=FIXES["name"])
    env_prefix: str | None = Field(default=None, description=FIXES["env_prefix"])


def instance_name_for_folder(folder: str) -> str:
    """`twilio_prod` → `prod`, `EU-West` → `eu_west`: the folder's name as an instance nickname."""
    name = re.sub(r"[^a-z0-9_]+", "_", folder.lower()).strip("_")
    if name.startswith("twilio_") and len(name) > len("twilio_"):
        name = name[len("twilio_") :]
    return name


def scaffold_text(type_name: str, name: str, env_prefix: str | None = None) -> str:
    """The defs.yaml `dg scaffold defs` writes: every attribute with its default, the optional ones as comments."""
    prefix = env_prefix or f"TWILIO_{name.upper()}_"
    attributes = [
        (f"name: {name}", f"asset group raw_{name}, resource twilio_{name}"),
        (f"schema: twilio_{name}", "warehouse schema of the raw tables"),
        (f"env_prefix: {prefix}", "where the credentials are read from"),
        (f"lookback_days: {DEFAULT_LOOKBACK_DAYS}", "days before today each 3-hour tick re-reads (0-90)"),
        ("accounts: main", "main | all (with every subaccount) | [AC..., AC...]"),
        (f"max_in_flight: {DEFAULT_MAX_IN_FLIGHT}", "requests in flight at once for this Twilio account (1-100)"),
        ("# collections: [calls, messages, recordings]", "default: every collection"),
        ("# exclude_properties: {messages: [body]}", "dropped on arrival: never stored, logged or shown"),
        ("# hash_properties: {messages: [to, from]}", f"stored as HMAC-SHA256 keyed by {prefix}HASH_KEY"),
        ("# privacy_preset: strict", "excludes free-form content (README: Privacy)"),
    ]
    width = max(len(setting) for setting, _ in attributes) + 2
    lines = [
        '# A Twilio account synced by twilio_assets (README: "Instances as Dagster components").',
        f"# Secrets never go here: credentials come from {prefix}ACCOUNT_SID with {prefix}AUTH_TOKEN",
        f"# (or {prefix}API_KEY_SID/_SECRET, or {prefix}OAUTH_CLIENT_ID/_SECRET).",
        f"type: {type_name}",
        "",
        "attributes:",
        *(f"  {setting.ljust(width)}# {comment}" for setting, comment in attributes),
    ]
    return "\n".join(lines) + "\n"


class TwilioInstanceScaffolder(dg.Scaffolder[TwilioInstanceScaffoldParams]):
    @classmethod
    def get_scaffold_params(cls) -> type[TwilioInstanceScaffoldParams]:
        return TwilioInstanceScaffoldParams

    def scaffold(self, request: dg.ScaffoldRequest[TwilioInstanceScaffoldParams]) -> None:
        from .loader import parse_component_document

        folder = request.target_path if not request.append else request.target_path.parent
        try:
            if request.scaffold_format != "yaml":
                raise ConfigError(
                    "TwilioInstance components are declared in YAML only (the code location reads defs.yaml "
                    "files). Fix: run dg scaffold defs without --format python."
                )
            params = request.params or TwilioInstanceScaffoldParams()
            name = params.name or instance_name_for_folder(folder.name)
            text = scaffold_text(request.type_name, name, params.env_prefix)
            # Refuse to write a file the code location would then refuse to load.
            try:
                parse_component_document(yaml.safe_load(text), str(folder / "defs.yaml"))
            except ConfigError as exc:
                raise ConfigError(f"{exc}\nFix: choose the attributes with --name and --env-prefix.") from None
        except ConfigError as exc:
            if not request.append and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # dg made it for this component: leave nothing behind
            raise click.UsageError(str(exc)) from None
        if request.append:
            with open(request.target_path, "a", encoding="utf-8") as handle:
                handle.write("---\n" + text)
        else:
            (request.target_path / "defs.yaml").write_text(text, encoding="utf-8")


with warnings.catch_warnings():
    # The instances file calls the attribute `schema`; pydantic notes that it shadows BaseModel.schema(),
    # the deprecated v1 method, which nothing here uses.
    warnings.filterwarnings("ignore", message=r'Field name "schema" .* shadows an attribute', category=UserWarning)

    @dg.scaffold_with(TwilioInstanceScaffolder)
    class TwilioInstance(dg.Component, dg.Model, dg.Resolvable):
        """A Twilio account synced into its own warehouse schema, as one entry of the instances file.

        Credentials never go in the YAML: they are read from `<env_prefix>ACCOUNT_SID`,
        `<env_prefix>AUTH_TOKEN` (or the API key or OAuth variables) and `<env_prefix>HASH_KEY`.
        """

        name: Annotated[str, _attribute("name", "prod")]
        schema: Annotated[str | None, _attribute("schema", "twilio_prod")] = None  # type: ignore[assignment]
        env_prefix: Annotated[str | None, _attribute("env_prefix", "TWILIO_PROD_")] = None
        lookback_days: Annotated[int, _attribute("lookback_days", 1, minimum=0, maximum=90)] = DEFAULT_LOOKBACK_DAYS
        collections: Annotated[list[CollectionName] | None, _attribute("collections", ["calls", "messages"])] = None
        accounts: Annotated[Literal["main", "all"] | list[str], _attribute("accounts", "all")] = "main"
        exclude_properties: Annotated[
            dict[CollectionName, list[str]], _attribute("exclude_properties", {"messages": ["body"]})
        ] = Field(default_factory=dict)
        hash_properties: Annotated[
            dict[CollectionName, list[str]], _attribute("hash_properties", {"messages": ["to", "from"]})
        ] = Field(default_factory=dict)
        privacy_preset: Annotated[PresetName | None, _attribute("privacy_preset", "strict")] = None  # type: ignore[valid-type]
        max_in_flight: Annotated[int, _attribute("max_in_flight", 16, minimum=1, maximum=100)] = DEFAULT_MAX_IN_FLIGHT
        deletion_safeguard: Annotated[
            dict[Literal["max_share", "min_rows"], int | float] | None,
            _attribute("deletion_safeguard", {"max_share": 0.5, "min_rows": 10}),
        ] = None

        _instance: Instance | None = PrivateAttr(default=None)

        def instances_file_entry(self) -> dict[str, Any]:
            """The attributes as the instances file would hold them (defaults left out)."""
            entry = self.model_dump(exclude_none=True)
            for key in ("exclude_properties", "hash_properties"):
                if not entry.get(key):
                    entry.pop(key, None)
            return entry

        @model_validator(mode="after")
        def _parse_like_the_instances_file(self) -> TwilioInstance:
            try:
                self._instance = parse_instance(self.instances_file_entry(), _SOURCE, DEFAULT_LOOKBACK_DAYS)
            except ConfigError as exc:
                raise ValueError(_component_message(str(exc))) from None
            return self

        def to_instance(self) -> Instance:
            assert self._instance is not None  # set by the validator on every construction
            return self._instance

        def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
            # The code location builds every instance's assets together (one job, one schedule, one dbt
            # project over all raw schemas); see twilio_assets/definitions.py.
            return dg.Definitions()

    # Derive the YAML model now, inside the filter: dagster builds it lazily, under its own name.
    TwilioInstance.model()
