"""Dagster resources: one Twilio account per instance, and the PostgreSQL warehouse."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, cast

import dagster as dg
import psycopg2.extensions
from pydantic import Field

from ..instances import CONNECTION_SUFFIXES, CREDENTIAL_SUFFIXES, PRIVACY_SUFFIXES, Instance, SyncSettings
from ..twilio_api import ConfigurationError, Hosts, InFlightLimit, SharedSlots, TwilioClient
from ..warehouse import connect


class TwilioResource(dg.ConfigurableResource):
    """One Twilio account's credentials and connection settings.

    Authentication, in order of preference when several are set: an OAuth 2.0 refresh token (with
    the OAuth app's client ID + secret; from `python -m twilio_assets.connect`), OAuth 2.0 client
    credentials (an OAuth app), an API key SID + secret, or the Account SID + Auth Token. Bind secrets
    with `dg.EnvVar` only, so they never appear in the event log; the code location binds it through
    `sealed` (below), so no run config can change it. Secret fields are left out of `repr` and `str`
    (`repr=False`).
    """

    account_sid: str | None = Field(default=None, description="The account to sync (AC…).")
    auth_token: str | None = Field(default=None, repr=False, description="The account's Auth Token.")
    api_key_sid: str | None = Field(default=None, description="An API key SID (SK…), with api_key_secret.")
    api_key_secret: str | None = Field(default=None, repr=False, description="The API key's secret.")
    oauth_client_id: str | None = Field(default=None, description="An OAuth app's client ID, with oauth_client_secret.")
    oauth_client_secret: str | None = Field(default=None, repr=False, description="The OAuth app's client secret.")
    oauth_refresh_token: str | None = Field(
        default=None,
        repr=False,
        description=(
            "A refresh token of an authorization-code OAuth app (from `python -m twilio_assets.connect`), with "
            "oauth_client_id and oauth_client_secret; preferred over every other method when set."
        ),
    )
    base_url: str | None = Field(
        default=None,
        description="Point every Twilio host (api, insights, oauth) at one stand-in, e.g. the sandbox.",
    )
    region: str | None = Field(default=None, description="Twilio region, e.g. ie1 (optional).")
    edge: str | None = Field(default=None, description="Twilio edge location, e.g. dublin (optional).")
    page_size: int = Field(default=1000, description="Records per page, 1 to 1000.")
    max_attempts: int = Field(default=8, description="Attempts per request before giving up on 429/5xx/network errors.")
    timeout_seconds: float = Field(default=60.0, description="Seconds to wait for Twilio's answer before retrying.")
    env_prefix: str = Field(
        default="TWILIO_", description="Prefix of the variables holding these settings, for messages."
    )
    hash_key: str | None = Field(
        default=None, repr=False, description="Secret key for properties stored as keyed hashes."
    )
    max_in_flight: int = Field(
        default=8,
        ge=1,
        le=100,
        description=(
            "Requests in flight at once for this account, shared through the warehouse by every step, run and "
            "worker reading it; 429s lower it for a while."
        ),
    )

    def _var(self, suffix: str) -> str:
        return f"{self.env_prefix}{suffix}"

    def auth_method(self) -> str:
        if self.oauth_refresh_token:
            return "oauth_refresh_token"
        if self.oauth_client_id or self.oauth_client_secret:
            return "oauth"
        if self.api_key_sid or self.api_key_secret:
            return "api_key"
        return "auth_token"

    def credentials_hint(self) -> str:
        return {
            "oauth_refresh_token": (
                f"{self._var('OAUTH_CLIENT_ID')}, {self._var('OAUTH_CLIENT_SECRET')} and "
                f"{self._var('OAUTH_REFRESH_TOKEN')}"
            ),
            "oauth": f"{self._var('OAUTH_CLIENT_ID')} and {self._var('OAUTH_CLIENT_SECRET')}",
            "api_key": f"{self._var('API_KEY_SID')} and {self._var('API_KEY_SECRET')}",
            "auth_token": f"{self._var('ACCOUNT_SID')} and {self._var('AUTH_TOKEN')}",
        }[self.auth_method()]

    def require_account_sid(self) -> str:
        sid = self.account_sid or ""
        if not (sid.startswith("AC") and len(sid) == 34):
            raise ConfigurationError(
                f"{self._var('ACCOUNT_SID')} must be set to the account's SID (AC followed by 32 hex digits); "
                f"it is {'unset' if not sid else 'not an account SID'}. Fix: export {self._var('ACCOUNT_SID')}=AC…"
            )
        return sid

    def redaction_key(self, needed: bool) -> bytes | None:
        if not needed:
            return None
        if not self.hash_key or len(self.hash_key) < 16:
            raise ConfigurationError(
                f"hash_properties is set for this instance, so {self._var('HASH_KEY')} must hold a secret of at "
                f"least 16 characters. Fix: export {self._var('HASH_KEY')}=$(openssl rand -hex 32) and keep it: "
                "changing it changes every hash."
            )
        return self.hash_key.encode()

    def build_client(
        self, on_retry: Callable[[str], None] | None = None, shared_slots: SharedSlots | None = None
    ) -> TwilioClient:
        """A client for this account; raises ConfigurationError naming the missing variables.

        `shared_slots` extend the in-flight budget across processes (see `warehouse.slots`)."""
        self.require_account_sid()
        hosts = Hosts.build(base_url=self.base_url, region=self.region, edge=self.edge, env_prefix=self.env_prefix)
        options = dict(
            page_size=self.page_size,
            max_attempts=self.max_attempts,
            timeout=(10.0, self.timeout_seconds),
            credentials_hint=self.credentials_hint(),
            on_retry=on_retry,
            limit=InFlightLimit(self.max_in_flight, shared_slots),
        )
        method = self.auth_method()
        if method == "oauth_refresh_token":
            client_id, client_secret = self._require_pair(
                "OAUTH_CLIENT_ID",
                self.oauth_client_id,
                "OAUTH_CLIENT_SECRET",
                self.oauth_client_secret,
                because=f"{self._var('OAUTH_REFRESH_TOKEN')} is set",
            )
            refresh_token = cast(str, self.oauth_refresh_token)  # auth_method() chose it because it is set
            return TwilioClient.with_oauth_refresh_token(
                client_id,
                client_secret,
                refresh_token,
                hosts,
                refresh_token_variable=self._var("OAUTH_REFRESH_TOKEN"),
                **options,
            )
        if method == "oauth":
            client_id, client_secret = self._require_pair(
                "OAUTH_CLIENT_ID", self.oauth_client_id, "OAUTH_CLIENT_SECRET", self.oauth_client_secret
            )
            return TwilioClient.with_oauth(client_id, client_secret, hosts, **options)
        if method == "api_key":
            key_sid, key_secret = self._require_pair(
                "API_KEY_SID", self.api_key_sid, "API_KEY_SECRET", self.api_key_secret
            )
            return TwilioClient.with_basic(key_sid, key_secret, hosts, f"API key {key_sid}", **options)
        account_sid, auth_token = self._require_pair("ACCOUNT_SID", self.account_sid, "AUTH_TOKEN", self.auth_token)
        return TwilioClient.with_basic(account_sid, auth_token, hosts, f"auth token of {account_sid}", **options)

    def _require_pair(
        self, first: str, first_value: str | None, second: str, second_value: str | None, because: str = ""
    ) -> tuple[str, str]:
        """Both values of a credential pair, or a ConfigurationError naming the missing variables."""
        if first_value and second_value:
            return first_value, second_value
        missing = [self._var(name) for name, value in ((first, first_value), (second, second_value)) if not value]
        raise ConfigurationError(
            f"Twilio credentials incomplete: {', '.join(missing)} not set"
            f"{f' ({because})' if because else ''}. Fix: set both "
            f"{self._var(first)} and {self._var(second)}, or use another method: "
            f"{self._var('ACCOUNT_SID')}+{self._var('AUTH_TOKEN')}, "
            f"{self._var('API_KEY_SID')}+{self._var('API_KEY_SECRET')}, "
            f"{self._var('OAUTH_CLIENT_ID')}+{self._var('OAUTH_CLIENT_SECRET')}, or those two with "
            f"{self._var('OAUTH_REFRESH_TOKEN')} (from python -m twilio_assets.connect)."
        )


class WarehouseResource(dg.ConfigurableResource):
    """The PostgreSQL warehouse. Unset fields fall back to libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE."""

    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = None
    dbname: str | None = None

    def connect(self) -> psycopg2.extensions.connection:
        return connect(host=self.host, port=self.port, user=self.user, password=self.password, dbname=self.dbname)


def _env_or_none(name: str, environ: dict[str, str]) -> dg.EnvVar | None:
    # An EnvVar of an unset variable fails every run, even for an unused auth method, so only the
    # variables that are set are bound; a missing required one is named when a run starts.
    return dg.EnvVar(name) if environ.get(name) else None


def twilio_resource_for(instance: Instance, environ: dict[str, str] | None = None) -> TwilioResource:
    """The instance's resource, bound to its own variables (`<env_prefix>ACCOUNT_SID`, …) and nothing else:
    an instance without `<env_prefix>BASE_URL` talks to Twilio, never to another instance's stand-in."""
    environ = dict(os.environ if environ is None else environ)
    fields: dict[str, Any] = {
        suffix.lower(): _env_or_none(instance.env_name(suffix), environ)
        for suffix in (*CREDENTIAL_SUFFIXES, *CONNECTION_SUFFIXES, *PRIVACY_SUFFIXES)
    }
    return TwilioResource(
        env_prefix=instance.env_prefix,
        max_in_flight=instance.max_in_flight,
        **{k: v for k, v in fields.items() if v is not None},
    )


def sealed(build: Callable[[], object], description: str) -> dg.ResourceDefinition:
    """A resource that takes no run config: built from the deployment (its environment and files) when a
    step starts. A ConfigurableResource bound directly would let anyone who can launch a run (the
    Launchpad, GraphQL) replace its fields: point the credentials at another host, read any variable
    through `{"env": ...}`, or choose the dbt executable."""

    def build_at_step_start(_: dg.InitResourceContext) -> object:
        return build()

    return dg.ResourceDefinition(resource_fn=build_at_step_start, config_schema={}, description=description)


def sealed_io_manager() -> dg.IOManagerDefinition:
    """Dagster's filesystem IO manager under the instance's storage folder, with no `base_dir` to set at launch.
    (No asset here hands a value to another; this only replaces the default's launch-time config.)"""

    def build_at_step_start(context: dg.InitResourceContext) -> dg.IOManager:
        return dg.FilesystemIOManager().create_io_manager(context)

    return dg.IOManagerDefinition(resource_fn=build_at_step_start, config_schema={})


def resources_for(settings: SyncSettings) -> dict[str, dg.ResourceDefinition]:
    """Every resource the code location binds, sealed (see `sealed`)."""
    resources: dict[str, dg.ResourceDefinition] = {
        "warehouse": sealed(
            WarehouseResource, "The PostgreSQL warehouse, from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE."
        ),
        "io_manager": sealed_io_manager(),
    }
    for instance in settings.instances:
        resources[instance.resource_key] = sealed(
            functools.partial(_twilio_resource_now, instance),
            f"Twilio account(s) of instance {instance.name!r}, from the {instance.env_prefix}* variables.",
        )
    return resources


def _twilio_resource_now(instance: Instance) -> TwilioResource:
    # Reads the variables set when the step starts and resolves them (EnvVar values become strings).
    return twilio_resource_for(instance).process_config_and_initialize()
