"""What the command needs from the environment: the instance, its OAuth app's client ID and secret, and
Twilio's hosts (the instance's own <prefix>BASE_URL points them at a stand-in such as the sandbox)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..instances import ConfigError, Instance, load_settings
from ..twilio_api import ConfigurationError, Hosts

REFRESH_SUFFIX = "OAUTH_REFRESH_TOKEN"


class ConnectError(Exception):
    """A problem the user can fix: the message names it and the fix, and never holds a secret."""


@dataclass(frozen=True)
class ConnectSettings:
    instance: Instance
    client_id: str
    client_secret: str = field(repr=False)
    hosts: Hosts

    def var(self, suffix: str) -> str:
        return self.instance.env_name(suffix)

    @property
    def refresh_variable(self) -> str:
        return self.var(REFRESH_SUFFIX)

    @property
    def client_variables(self) -> str:
        return f"{self.var('OAUTH_CLIENT_ID')} and {self.var('OAUTH_CLIENT_SECRET')}"


def resolve(instance_name: str, environ: Mapping[str, str]) -> ConnectSettings:
    try:
        settings = load_settings(dict(environ))
    except ConfigError as exc:
        raise ConnectError(f"the instances file is not valid: {exc}") from None
    by_name = {instance.name: instance for instance in settings.instances}
    instance = by_name.get(instance_name)
    if instance is None:
        where = (
            settings.source
            if settings.source != "defaults"
            else ("the default settings (no instances file: TWILIO_INSTANCES_FILE or ./twilio_instances.yaml)")
        )
        raise ConnectError(
            f"no instance named {instance_name!r} in {where} (instances: {', '.join(by_name)}). "
            f"Fix: pass --instance with one of those names, or add it to the instances file."
        )
    id_var, secret_var = instance.env_name("OAUTH_CLIENT_ID"), instance.env_name("OAUTH_CLIENT_SECRET")
    client_id, client_secret = environ.get(id_var, ""), environ.get(secret_var, "")
    missing = [name for name, value in ((id_var, client_id), (secret_var, client_secret)) if not value]
    if missing:
        raise ConnectError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. Fix: export {id_var} and "
            f"{secret_var} with the client ID and secret of your Twilio OAuth app (grant type Authorization "
            "code), then run this again."
        )
    try:
        hosts = Hosts.build(
            base_url=_setting(instance, "BASE_URL", environ),
            region=_setting(instance, "REGION", environ),
            edge=_setting(instance, "EDGE", environ),
            env_prefix=instance.env_prefix,
        )
    except ConfigurationError as exc:
        raise ConnectError(str(exc)) from None
    return ConnectSettings(instance=instance, client_id=client_id, client_secret=client_secret, hosts=hosts)


def _setting(instance: Instance, suffix: str, environ: Mapping[str, str]) -> str | None:
    # The instance's own variable only: one without a base URL talks to Twilio (as in defs/resources.py).
    return environ.get(instance.env_name(suffix)) or None
