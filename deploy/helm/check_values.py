"""Offline check of deploy/helm/values.yaml for Dagster's Helm chart (dagster/dagster).

    .venv/bin/python deploy/helm/check_values.py [--values FILE] [--secrets FILE] [--instances FILE]

This is not `helm template` and not `helm lint`: no chart is here to render, no cluster to ask. It checks
two things offline:

1. The shape of the values this deployment sets. The checked keys and types come from the chart's own
   pydantic schema (helm/dagster/schema in the dagster repository, 1.13 series). They cover
   dagster-user-deployments.deployments[], runLauncher (K8sRunLauncher config), postgresql, global,
   dagsterWebserver, dagsterDaemon and concurrency. Each modelled mapping rejects unknown keys, so a
   misspelled key fails instead of being dropped without a word, as Helm would do for a key outside a
   strict part of the schema. Lists replace the chart's defaults whole (Helm merges maps, not lists),
   so a deployment entry has to carry everything the chart requires of it.
2. What twilio_assets needs from the deployment. The run launcher is K8sRunLauncher. The code location
   `twilio_assets` loads module `twilio_assets.definitions`. Dagster's storage is the external
   PostgreSQL, reached through psycopg2, with its password in a Secret. No value looks like a secret
   written in plain text. Every secret variable the project reads (per instance: <prefix>ACCOUNT_SID
   and one complete credential pair, <prefix>HASH_KEY where hash_properties is used, plus PGPASSWORD and
   DAGSTER_PG_PASSWORD) is a key of a Secret in secrets.example.yaml, and that Secret is listed for
   both the code server and the run pods.

What it cannot know: whether the chart renders, whether the image exists and holds the code, whether
the Secrets exist in the cluster with those keys, whether hosts resolve, or keys this file does not
model (they pass through unchecked as long as their top-level name is one the chart has).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import re
import sys
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_VALUES = HERE / "values.yaml"
DEFAULT_SECRETS = HERE / "secrets.example.yaml"
LOCAL_INSTANCE_YAML = REPO_ROOT / "dagster_home" / "dagster.yaml"

# What this deployment is.
CODE_MODULE = "twilio_assets.definitions"
LOCATION_NAME = "twilio_assets"  # as in workspace.yaml and pyproject's [tool.dg.project]
RUN_LAUNCHER = "K8sRunLauncher"
# dagster_home/dagster.yaml: SQLAlchemy 2.1 maps a bare postgresql:// URL to psycopg 3, not installed.
PG_SCHEME = "postgresql+psycopg2"
# The chart reads DAGSTER_PG_PASSWORD from this key of the Secret named by global.postgresqlSecretName.
POSTGRES_SECRET_KEY = "postgresql-password"
DEFAULT_WORKING_DIRECTORY = "/opt/dagster/app"
# The warehouse's non-secret settings. PGPORT is required because dbt_project/profiles.yml falls back
# to the local stack's port 55432.
WAREHOUSE_ENV = ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")
WAREHOUSE_PASSWORD = "PGPASSWORD"
DAGSTER_PASSWORD = "DAGSTER_PG_PASSWORD"
PLACEHOLDER = "REPLACE_ME"

# The secret env suffixes, as twilio_assets.instances names them (CREDENTIAL_SUFFIXES, PRIVACY_SUFFIXES).
# Duplicated here so the plaintext scan works without importing the project; test_helm_values checks
# that the two stay equal.
SECRET_SUFFIXES = (
    "ACCOUNT_SID",
    "AUTH_TOKEN",
    "API_KEY_SID",
    "API_KEY_SECRET",
    "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET",
    "OAUTH_REFRESH_TOKEN",
    "HASH_KEY",
)
# The credential pairs, in TwilioResource.auth_method's order of preference.
AUTH_METHODS = (
    ("oauth", ("OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET")),
    ("api_key", ("API_KEY_SID", "API_KEY_SECRET")),
    ("auth_token", ("AUTH_TOKEN",)),
)

Mapping = dict[str, Any]
PullPolicy = Literal["Always", "IfNotPresent", "Never"]


# ---------------------------------------------------------------------------------------------------
# The chart's values schema, for the parts this deployment uses
# ---------------------------------------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Image(Strict):
    """kubernetes.Image: a deployment's image (the whole entry is ours, so pullPolicy is required)."""

    repository: str = Field(min_length=1)
    tag: str | int | None = None
    pullPolicy: PullPolicy


class ImageOverride(Strict):
    repository: str | None = None
    tag: str | int | None = None
    pullPolicy: PullPolicy | None = None


class EnvSource(Strict):
    """Kubernetes SecretEnvSource / ConfigMapEnvSource, as envSecrets / envConfigMaps items."""

    name: str = Field(min_length=1)
    optional: bool | None = None


class EnvVar(Strict):
    """Kubernetes EnvVar: a literal value (a string: Kubernetes rejects numbers) or valueFrom."""

    name: str = Field(min_length=1)
    value: str | None = None
    valueFrom: Mapping | None = None


def _env_as_list(value: Any) -> Any:
    # The chart takes `env` as a {NAME: value} map (written into a ConfigMap) or a list of EnvVar.
    if isinstance(value, dict):
        return [{"name": name, "value": item} for name, item in value.items()]
    return value


class IncludeConfigInLaunchedRuns(Strict):
    enabled: bool


class PodSettings(Strict):
    """The pod settings the chart accepts alike on user deployments, the webserver and the daemon."""

    env: list[EnvVar] | None = None
    envConfigMaps: list[EnvSource] | None = None
    envSecrets: list[EnvSource] | None = None
    annotations: dict[str, str] | None = None
    nodeSelector: dict[str, str] | None = None
    affinity: Mapping | None = None
    tolerations: list[Mapping] | None = None
    podSecurityContext: Mapping | None = None
    securityContext: Mapping | None = None
    resources: Mapping | None = None
    livenessProbe: Mapping | None = None
    readinessProbe: Mapping | None = None
    startupProbe: Mapping | None = None
    labels: dict[str, str] | None = None
    volumeMounts: list[Mapping] | None = None
    volumes: list[Mapping] | None = None
    schedulerName: str | None = None

    _env = field_validator("env", mode="before")(_env_as_list)


class UserDeployment(PodSettings):
    """dagster-user-deployments.deployments[] (schema UserDeployment)."""

    name: str = Field(min_length=1)
    image: Image
    port: int
    dagsterApiGrpcArgs: list[str] | None = None
    codeServerArgs: list[str] | None = None
    includeConfigInLaunchedRuns: IncludeConfigInLaunchedRuns | None = None
    initContainers: list[Mapping] | None = None
    sidecarContainers: list[Mapping] | None = None
    service: Mapping | None = None


class UserDeployments(Strict):
    enabled: bool | None = None
    enableSubchart: bool | None = None
    imagePullSecrets: list[Mapping] | None = None
    # Required: a list replaces the chart's default, which is the chart's example deployment.
    deployments: list[UserDeployment] = Field(min_length=1)


class RunK8sConfig(Strict):
    containerConfig: Mapping | None = None
    podSpecConfig: Mapping | None = None
    podTemplateSpecMetadata: Mapping | None = None
    jobSpecConfig: Mapping | None = None
    jobMetadata: Mapping | None = None


class K8sRunLauncherConfig(Strict):
    image: ImageOverride | None = None
    imagePullPolicy: PullPolicy | None = None
    jobNamespace: str | None = None
    loadInclusterConfig: bool | None = None
    kubeconfigFile: str | None = None
    envConfigMaps: list[EnvSource] | None = None
    envSecrets: list[EnvSource] | None = None
    envVars: list[str] | None = None  # "KEY=VALUE", or "KEY" to copy the launcher's own variable
    volumeMounts: list[Mapping] | None = None
    volumes: list[Mapping] | None = None
    labels: dict[str, str] | None = None
    failPodOnRunFailure: bool | None = None
    resources: Mapping | None = None
    schedulerName: str | None = None
    securityContext: Mapping | None = None
    runK8sConfig: RunK8sConfig | None = None


class RunLauncherConfig(Strict):
    k8sRunLauncher: K8sRunLauncherConfig | None = None
    celeryK8sRunLauncher: Mapping | None = None
    customRunLauncher: Mapping | None = None


class RunLauncher(Strict):
    type: Literal["K8sRunLauncher", "CeleryK8sRunLauncher", "CustomRunLauncher"]
    config: RunLauncherConfig | None = None


class PostgresService(Strict):
    port: int


class PostgreSQL(Strict):
    enabled: bool | None = None
    image: ImageOverride | None = None
    postgresqlHost: str | None = None
    postgresqlUsername: str | None = None
    postgresqlPassword: str | None = None
    postgresqlDatabase: str | None = None
    postgresqlParams: Mapping | None = None
    postgresqlScheme: str | None = None
    service: PostgresService | None = None


class Global(Strict):
    postgresqlSecretName: str | None = None
    dagsterHome: str | None = None
    serviceAccountName: str | None = None
    celeryConfigSecretName: str | None = None
    dagsterInstanceConfigMap: str | None = None


class WorkspaceServer(Strict):
    host: str = Field(min_length=1)
    port: int
    name: str | None = None
    ssl: bool | None = None


class Workspace(Strict):
    enabled: bool | None = None
    servers: list[WorkspaceServer] | None = None
    externalConfigmap: str | None = None


class Service(Strict):
    type: str | None = None
    port: int | None = None
    annotations: dict[str, str] | None = None


class Webserver(PodSettings):
    replicaCount: int | None = None
    image: ImageOverride | None = None
    nameOverride: str | None = None
    pathPrefix: str | None = None
    service: Service | None = None
    workspace: Workspace | None = None
    deploymentLabels: dict[str, str] | None = None
    enableReadOnly: bool | None = None
    dbStatementTimeout: int | None = None
    dbPoolRecycle: int | None = None
    logLevel: str | None = None


class QueuedRunCoordinatorConfig(Strict):
    maxConcurrentRuns: int | None = None
    tagConcurrencyLimits: list[Mapping] | None = None
    dequeueIntervalSeconds: int | None = None
    dequeueNumWorkers: int | None = None
    dequeueUseThreads: bool | None = None
    blockOpConcurrencyLimitedRuns: Mapping | None = None


class RunCoordinatorConfig(Strict):
    queuedRunCoordinator: QueuedRunCoordinatorConfig | None = None
    customRunCoordinator: Mapping | None = None


class RunCoordinator(Strict):
    enabled: bool | None = None
    type: Literal["QueuedRunCoordinator", "CustomRunCoordinator"] | None = None
    config: RunCoordinatorConfig | None = None


class Daemon(PodSettings):
    enabled: bool | None = None
    image: ImageOverride | None = None
    runCoordinator: RunCoordinator | None = None
    heartbeatTolerance: int | None = None
    deploymentLabels: dict[str, str] | None = None
    runMonitoring: Mapping | None = None
    runRetries: Mapping | None = None
    sensors: Mapping | None = None
    schedules: Mapping | None = None


class ConcurrencyPools(Strict):
    defaultLimit: int | None = None
    granularity: Literal["run", "op"] | None = None
    opGranularityRunBuffer: int | None = None


class ConcurrencyRuns(Strict):
    maxConcurrentRuns: int | None = None
    tagConcurrencyLimits: list[Mapping] | None = None


class Concurrency(Strict):
    enabled: bool | None = None
    pools: ConcurrencyPools | None = None
    runs: ConcurrencyRuns | None = None


class Telemetry(Strict):
    enabled: bool


class Values(Strict):
    """The top level. Modelled sections are typed; the chart's other top-level keys pass unchecked."""

    global_: Global | None = Field(default=None, alias="global")
    generatePostgresqlPasswordSecret: bool | None = None
    postgresql: PostgreSQL | None = None
    dagsterWebserver: Webserver | None = None
    dagster_user_deployments: UserDeployments | None = Field(default=None, alias="dagster-user-deployments")
    runLauncher: RunLauncher | None = None
    dagsterDaemon: Daemon | None = None
    concurrency: Concurrency | None = None
    telemetry: Telemetry | None = None
    # Known to the chart, not used by this deployment: accepted as they are.
    nameOverride: Any = None
    fullnameOverride: Any = None
    rbacEnabled: Any = None
    imagePullSecrets: Any = None
    pipelineRun: Any = None
    generateCeleryConfigSecret: Any = None
    rabbitmq: Any = None
    redis: Any = None
    flower: Any = None
    ingress: Any = None
    computeLogManager: Any = None
    scheduler: Any = None
    pythonLogs: Any = None
    busybox: Any = None
    migrate: Any = None
    serviceAccount: Any = None
    retention: Any = None
    additionalInstanceConfig: Any = None
    extraManifests: Any = None


class SecretMetadata(Strict):
    name: str = Field(min_length=1)
    namespace: str | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None


class SecretManifest(Strict):
    apiVersion: Literal["v1"]
    kind: Literal["Secret"]
    metadata: SecretMetadata
    type: str | None = None
    immutable: bool | None = None
    stringData: dict[str, str] | None = None
    data: dict[str, str] | None = None


# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys without a word; a duplicated key here is a mistake."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (the second would silently win)", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


class CheckError(Exception):
    """A file that cannot be checked at all (missing, not YAML)."""


def load_yaml_documents(path: Path) -> list[Any]:
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise CheckError(f"{path}: cannot read it: {exc}") from None
    try:
        return [doc for doc in yaml.load_all(text, Loader=_UniqueKeyLoader) if doc is not None]
    except yaml.YAMLError as exc:
        raise CheckError(f"{path}: not valid YAML: {exc}") from None


def load_values(path: Path) -> Any:
    documents = load_yaml_documents(path)
    if len(documents) != 1:
        raise CheckError(f"{path}: expected one YAML document of Helm values, found {len(documents)}")
    return documents[0]


def parse_secrets(documents: list[Any], source: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The Secrets' keys and values by Secret name, and the problems found in the manifests."""
    secrets: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for index, document in enumerate(documents):
        where = f"{source} (document {index + 1})"
        try:
            manifest = SecretManifest.model_validate(document)
        except ValidationError as exc:
            problems.extend(f"{where}: {line}" for line in format_validation_error(exc))
            continue
        name = manifest.metadata.name
        if name in secrets:
            problems.append(f"{where}: a second Secret named {name!r}")
        entries = dict(manifest.stringData or {})
        for key, encoded in (manifest.data or {}).items():
            try:
                entries[key] = base64.b64decode(encoded, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                problems.append(f"{where}: data.{key} is not base64 text")
        if not entries:
            problems.append(f"{where}: Secret {name!r} has no keys (stringData or data)")
        for key, value in entries.items():
            if PLACEHOLDER not in value:
                problems.append(
                    f"{where}: Secret {name!r} key {key} holds a value without the {PLACEHOLDER} marker: "
                    "this file is an example and must hold only fake placeholders, never a real secret"
                )
        secrets[name] = entries
    return secrets, problems


def format_validation_error(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        path = ""
        for part in error["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif "[" in part or part.startswith("function-"):
                continue  # pydantic's name for a union branch, not a key in the file
            else:
                path += f".{part}" if path else part
        if error["type"] == "extra_forbidden":
            message = "unknown key: the chart's values schema has no such key here (misspelled?)"
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = error["msg"]
        lines.append(f"{path or '(top level)'}: {message}")
    return lines


# ---------------------------------------------------------------------------------------------------
# Plain-text secrets
# ---------------------------------------------------------------------------------------------------

_SECRET_KEY = re.compile(r"password|passwd|token|secret|api[-_]?key|private[-_]?key|credential", re.IGNORECASE)
# Keys whose literal value names a Secret (or is a flag about one) instead of holding it.
_REFERENCE_KEY = re.compile(
    r"(secret_?name|secretref|secretkeyref|existingsecret|envsecrets|imagepullsecrets)$", re.IGNORECASE
)
_URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)
# Exactly 32 hex digits: the shape of a Twilio auth token. A 40-digit git SHA (an image tag) is not one.
_HEX_SECRET = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32}(?![0-9A-Za-z])")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def is_secret_env_name(name: str) -> bool:
    """Variables that hold credentials: the Twilio ones under any prefix, and both database passwords."""
    if name in (WAREHOUSE_PASSWORD, DAGSTER_PASSWORD):
        return True
    if any(name == suffix or name.endswith("_" + suffix) for suffix in SECRET_SUFFIXES):
        return True
    return bool(_SECRET_KEY.search(name))


def _literal(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value) != ""


def find_plaintext_secrets(values: Any) -> list[str]:
    problems: list[str] = []

    def visit(node: Any, path: str, parent_key: str) -> None:
        if isinstance(node, dict):
            # A Kubernetes EnvVar, wherever it sits (deployment env, runK8sConfig containerConfig, ...).
            name = node.get("name")
            if isinstance(name, str) and "value" in node and _literal(node["value"]) and is_secret_env_name(name):
                problems.append(
                    f"{path}: {name} is given a literal value; put it in a Kubernetes Secret and list the "
                    "Secret in envSecrets (or use valueFrom.secretKeyRef)"
                )
            for key, item in node.items():
                key = str(key)
                child = f"{path}.{key}" if path else key
                if parent_key == "env" and _literal(item) and is_secret_env_name(key):
                    problems.append(f"{child}: {key} is given a literal value; put it in a Kubernetes Secret")
                elif _literal(item) and _SECRET_KEY.search(key) and not _REFERENCE_KEY.search(key):
                    problems.append(
                        f"{child}: a {key!r} key with a literal value looks like a secret in plain text; "
                        "reference a Kubernetes Secret instead"
                    )
                visit(item, child, key)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                child = f"{path}[{index}]"
                if parent_key in ("envVars", "env_vars") and isinstance(item, str) and "=" in item:
                    name = item.split("=", 1)[0]
                    if is_secret_env_name(name):
                        problems.append(f"{child}: {name}=... sets a secret in plain text; use envSecrets")
                elif _literal(item) and _SECRET_KEY.search(parent_key) and not _REFERENCE_KEY.search(parent_key):
                    problems.append(f"{child}: a literal under {parent_key!r} looks like a secret in plain text")
                visit(item, child, parent_key)
        elif isinstance(node, str):
            if _URL_WITH_PASSWORD.search(node):
                problems.append(f"{path}: a URL with a password in it; keep the password in a Secret")
            if _HEX_SECRET.search(node):
                problems.append(f"{path}: 32 hex digits, shaped like a Twilio auth token; keep it in a Secret")
            if _PEM.search(node):
                problems.append(f"{path}: a private key in plain text")

    visit(values, "", "")
    return problems


# ---------------------------------------------------------------------------------------------------
# The deployment's own requirements
# ---------------------------------------------------------------------------------------------------


def _arg_value(args: list[str], *flags: str) -> str | None:
    for index, arg in enumerate(args):
        for flag in flags:
            if arg == flag and index + 1 < len(args):
                return args[index + 1]
            if flag.startswith("--") and arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return None


def _server_args(deployment: UserDeployment) -> list[str]:
    return list(deployment.dagsterApiGrpcArgs or deployment.codeServerArgs or [])


def _env_map(deployment: UserDeployment) -> dict[str, EnvVar]:
    return {var.name: var for var in deployment.env or []}


_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


def find_code_deployment(values: Values) -> tuple[UserDeployment | None, list[str]]:
    section = values.dagster_user_deployments
    if section is None:
        return None, ["dagster-user-deployments: missing; twilio_assets runs as a user code deployment"]
    problems = []
    if section.enabled is False or section.enableSubchart is False:
        problems.append(
            "dagster-user-deployments: enabled and enableSubchart must not be false; this values file "
            "deploys the code server with the chart"
        )
    modules = {d.name: _arg_value(_server_args(d), "-m", "--module-name") for d in section.deployments}
    matches = [d for d in section.deployments if modules[d.name] == CODE_MODULE]
    if not matches:
        found = ", ".join(f"{name}: {module or 'no --module-name'}" for name, module in modules.items())
        problems.append(
            f"dagster-user-deployments.deployments: no deployment loads module {CODE_MODULE} "
            f"(dagsterApiGrpcArgs: [--module-name, {CODE_MODULE}]); found {found}"
        )
        return None, problems
    if len(matches) > 1:
        problems.append(
            f"dagster-user-deployments.deployments: {len(matches)} deployments load {CODE_MODULE}; keep one"
        )
    return matches[0], problems


def check_code_deployment(values: Values, deployment: UserDeployment) -> list[str]:
    where = f"dagster-user-deployments.deployments[{deployment.name}]"
    problems = []
    if not _DNS_LABEL.fullmatch(deployment.name):
        problems.append(
            f"{where}.name: {deployment.name!r} becomes a Kubernetes Service name and must be lower-case "
            "letters, digits and '-' (at most 63), e.g. twilio-assets"
        )
    args = _server_args(deployment)
    for flag in ("-p", "--port", "-h", "--host", "-s", "--socket"):
        if flag in args or any(a.startswith(flag + "=") for a in args if flag.startswith("--")):
            problems.append(f"{where}.dagsterApiGrpcArgs: drop {flag}; the chart passes the host and port itself")
    location_arg = _arg_value(args, "--location-name")
    if location_arg is not None and location_arg != LOCATION_NAME:
        problems.append(f"{where}.dagsterApiGrpcArgs: --location-name is {location_arg!r}, not {LOCATION_NAME!r}")
    tag = deployment.image.tag
    if tag is None or str(tag) in ("", "latest"):
        problems.append(
            f"{where}.image.tag: set a unique tag per build (not {tag!r}); run pods start from this image "
            "and a moving tag can run other code than the code server shows"
        )
    if deployment.includeConfigInLaunchedRuns is not None and not deployment.includeConfigInLaunchedRuns.enabled:
        problems.append(
            f"{where}.includeConfigInLaunchedRuns.enabled: must stay true, or run and step pods lose this "
            "deployment's env (PGHOST, TWILIO_INSTANCES_FILE, ...)"
        )
    env = _env_map(deployment)
    for name in WAREHOUSE_ENV:
        if name not in env or not (env[name].value or env[name].valueFrom):
            extra = " (dbt_project/profiles.yml otherwise falls back to 55432)" if name == "PGPORT" else ""
            problems.append(f"{where}.env: set {name} for the warehouse{extra}")
    if "DAGSTER_HOME" in env:
        problems.append(
            f"{where}.env: do not set DAGSTER_HOME; the chart sets it to where it mounts the instance's "
            "dagster.yaml (storage, run launcher, concurrency)"
        )
    instances_file = env.get("TWILIO_INSTANCES_FILE")
    if instances_file is not None and not (instances_file.value or "").startswith("/"):
        problems.append(f"{where}.env: TWILIO_INSTANCES_FILE must be an absolute path inside the image")
    problems += check_location_name(values, deployment)
    return problems


def check_location_name(values: Values, deployment: UserDeployment) -> list[str]:
    workspace = values.dagsterWebserver.workspace if values.dagsterWebserver else None
    if workspace is None or not workspace.enabled:
        location = deployment.name
    elif workspace.externalConfigmap:
        return [
            "dagsterWebserver.workspace.externalConfigmap: the checker cannot read that ConfigMap; list the "
            "server in dagsterWebserver.workspace.servers instead"
        ]
    else:
        servers = workspace.servers or []
        deployments = values.dagster_user_deployments.deployments if values.dagster_user_deployments else []
        problems = []
        for index, server in enumerate(servers):
            if not any(server.host == d.name and server.port == d.port for d in deployments):
                problems.append(
                    f"dagsterWebserver.workspace.servers[{index}]: {server.host}:{server.port} is no "
                    "deployment's name and port; the webserver and daemon would not reach it"
                )
        mine = [s for s in servers if s.host == deployment.name and s.port == deployment.port]
        if not mine:
            return problems + [
                f"dagsterWebserver.workspace.servers: no server for {deployment.name}:{deployment.port}, so "
                "the webserver and daemon would not load twilio_assets"
            ]
        location = mine[0].name or mine[0].host
        if problems:
            return problems
    if location != LOCATION_NAME:
        return [
            f"the code location would be named {location!r}, not {LOCATION_NAME!r}: the chart names it after "
            "the deployment, which cannot contain '_'; list it in dagsterWebserver.workspace.servers with "
            f"host {deployment.name}, port {deployment.port}, name {LOCATION_NAME}"
        ]
    return []


def check_run_launcher(values: Values) -> tuple[K8sRunLauncherConfig | None, list[str]]:
    launcher = values.runLauncher
    if launcher is None:
        return None, [
            f"runLauncher: missing; set type {RUN_LAUNCHER} and list the Secrets for run pods under "
            "config.k8sRunLauncher.envSecrets"
        ]
    if launcher.type != RUN_LAUNCHER:
        return None, [
            f"runLauncher.type: {launcher.type!r}, but this deployment uses {RUN_LAUNCHER} (one Kubernetes "
            "Job per run); switching launchers also means changing the executor in code and this checker"
        ]
    config = launcher.config.k8sRunLauncher if launcher.config else None
    if config is None:
        return None, ["runLauncher.config.k8sRunLauncher: missing; it lists the Secrets run pods need"]
    return config, []


def check_postgresql(values: Values) -> list[str]:
    problems = []
    pg = values.postgresql
    if pg is None:
        return ["postgresql: missing; Dagster's storage is an external PostgreSQL (enabled: false, host, user, db)"]
    if pg.enabled is not False:
        problems.append("postgresql.enabled: must be false; Dagster's storage is an external PostgreSQL")
    for key in ("postgresqlHost", "postgresqlUsername", "postgresqlDatabase"):
        if not getattr(pg, key):
            problems.append(f"postgresql.{key}: set it for the external PostgreSQL")
    if pg.postgresqlScheme != PG_SCHEME:
        problems.append(
            f"postgresql.postgresqlScheme: must be {PG_SCHEME!r} (is {pg.postgresqlScheme!r}); a bare "
            "postgresql:// URL makes SQLAlchemy 2.1 look for psycopg 3, which is not installed"
        )
    if values.generatePostgresqlPasswordSecret is not False:
        problems.append(
            "generatePostgresqlPasswordSecret: must be false; the chart would otherwise create the storage "
            "password Secret from a plain-text postgresql.postgresqlPassword"
        )
    if not (values.global_ and values.global_.postgresqlSecretName):
        problems.append(
            "global.postgresqlSecretName: name the Secret that holds Dagster's storage password (key "
            f"{POSTGRES_SECRET_KEY}); the main chart and the user-deployments subchart must agree on it"
        )
    return problems


def _local_concurrency() -> tuple[int | None, int | None]:
    """The pool limit and run limit of the local instance (dagster_home/dagster.yaml)."""
    try:
        local = yaml.safe_load(LOCAL_INSTANCE_YAML.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None, None
    concurrency = local.get("concurrency") or {}
    return (concurrency.get("pools") or {}).get("default_limit"), (concurrency.get("runs") or {}).get(
        "max_concurrent_runs"
    )


def check_concurrency(values: Values) -> list[str]:
    problems = []
    pool_limit, _ = _local_concurrency()
    concurrency = values.concurrency
    pools = concurrency.pools if concurrency else None
    if not (concurrency and concurrency.enabled) or pools is None or pools.defaultLimit != pool_limit:
        problems.append(
            f"concurrency: set enabled: true and pools.defaultLimit: {pool_limit} as in "
            "dagster_home/dagster.yaml; the dbt assets' pool must allow one dbt build at a time"
        )
    queued = None
    daemon = values.dagsterDaemon
    if daemon and daemon.runCoordinator and daemon.runCoordinator.config:
        queued = daemon.runCoordinator.config.queuedRunCoordinator
    runs_limit = concurrency.runs.maxConcurrentRuns if concurrency and concurrency.runs else None
    if runs_limit is not None and queued is not None and queued.maxConcurrentRuns is not None:
        problems.append(
            "concurrency.runs.maxConcurrentRuns and dagsterDaemon.runCoordinator.config.queuedRunCoordinator."
            "maxConcurrentRuns are both set; the chart refuses to render that, keep one"
        )
    return problems


# ---------------------------------------------------------------------------------------------------
# Secret variables: which are needed, and where they come from
# ---------------------------------------------------------------------------------------------------


def default_instances() -> list[Any]:
    from twilio_assets.instances import Instance

    return [Instance(name="twilio", schema="twilio")]


def load_instances(path: Path) -> list[Any]:
    from twilio_assets.instances import ConfigError, parse_settings

    documents = load_yaml_documents(path)
    try:
        return list(parse_settings(documents[0] if documents else None, str(path)).instances)
    except ConfigError as exc:
        raise CheckError(str(exc)) from None


def instances_for(deployment: UserDeployment | None, instances_path: Path | None) -> tuple[list[Any], list[str]]:
    """The instances the deployment syncs: --instances, else the file TWILIO_INSTANCES_FILE names in the
    image (found in the repository below the code server's working directory), else the default one."""
    if instances_path is not None:
        return load_instances(instances_path), []
    variable = _env_map(deployment).get("TWILIO_INSTANCES_FILE") if deployment else None
    if variable is None or not variable.value:
        return default_instances(), []
    working_directory = _arg_value(_server_args(deployment), "-d", "--working-directory") or DEFAULT_WORKING_DIRECTORY
    in_image = Path(variable.value)
    try:
        relative = in_image.relative_to(working_directory)
    except ValueError:
        return default_instances(), [
            f"TWILIO_INSTANCES_FILE={in_image} is outside the image's working directory {working_directory}, so "
            "the checker cannot find it in the repository; pass --instances with a copy of it"
        ]
    local = REPO_ROOT / relative
    if not local.is_file():
        return default_instances(), [
            f"TWILIO_INSTANCES_FILE={in_image}: no {relative} in the repository to build into the image"
        ]
    return load_instances(local), []


def required_instance_variables(instance: Any, available: set[str]) -> list[str]:
    """The variables one instance needs, mirroring TwilioResource: the account, the credential pair of the
    method it will pick from what is set, and the hash key if it hashes properties."""
    prefix = instance.env_prefix
    method_names = AUTH_METHODS[-1][1]
    for _, names in AUTH_METHODS:
        if any(prefix + name in available for name in names):
            method_names = names
            break
    needed = [prefix + "ACCOUNT_SID"] + [prefix + name for name in method_names]
    if instance.privacy.needs_hash_key:
        needed.append(prefix + "HASH_KEY")
    return needed


def check_secret_variables(
    deployment: UserDeployment,
    launcher: K8sRunLauncherConfig,
    values: Values,
    secrets: dict[str, dict[str, str]],
    instances: list[Any],
    secrets_source: str,
) -> list[str]:
    problems = []
    routes = {
        f"dagster-user-deployments.deployments[{deployment.name}].envSecrets (the code server)": deployment.envSecrets,
        "runLauncher.config.k8sRunLauncher.envSecrets (run and step pods)": launcher.envSecrets,
    }
    for where, sources in routes.items():
        available: set[str] = set()
        for source in sources or []:
            if source.name in secrets:
                available |= set(secrets[source.name])
            elif not source.optional:
                problems.append(f"{where}: Secret {source.name!r} is not in {secrets_source}")
        needed = [WAREHOUSE_PASSWORD]
        for instance in instances:
            needed += required_instance_variables(instance, available)
        missing = [name for name in needed if name not in available]
        if missing:
            listed = ", ".join(s.name for s in sources or []) or "none"
            hint = ""
            if any(name.endswith("_AUTH_TOKEN") for name in missing):
                hint = (
                    " (for Twilio, <prefix>AUTH_TOKEN may be replaced by <prefix>API_KEY_SID + "
                    "<prefix>API_KEY_SECRET, or <prefix>OAUTH_CLIENT_ID + <prefix>OAUTH_CLIENT_SECRET)"
                )
            problems.append(
                f"{where}: no listed Secret (listed: {listed}) has the key(s) {', '.join(missing)}; add them to "
                f"a Secret in {secrets_source} and list it here{hint}"
            )
    secret_name = values.global_.postgresqlSecretName if values.global_ else None
    if secret_name:
        if secret_name not in secrets:
            problems.append(
                f"global.postgresqlSecretName: Secret {secret_name!r} (for {DAGSTER_PASSWORD}) is not in {secrets_source}"
            )
        elif POSTGRES_SECRET_KEY not in secrets[secret_name]:
            problems.append(
                f"global.postgresqlSecretName: Secret {secret_name!r} has no key {POSTGRES_SECRET_KEY!r}, which the "
                f"chart reads into {DAGSTER_PASSWORD}"
            )
    return problems


# ---------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------


def check(
    raw_values: Any,
    secret_documents: list[Any],
    instances_path: Path | None = None,
    *,
    secrets_source: str = "secrets.example.yaml",
) -> list[str]:
    """Every problem found in the values (as loaded from YAML) and the Secret manifests; [] when all pass."""
    if not isinstance(raw_values, dict):
        return ["the values file must be a YAML mapping"]
    problems = find_plaintext_secrets(raw_values)
    secrets, secret_problems = parse_secrets(secret_documents, secrets_source)
    problems += secret_problems
    try:
        values = Values.model_validate(raw_values)
    except ValidationError as exc:
        return format_validation_error(exc) + problems
    deployment, found = find_code_deployment(values)
    problems += found
    if deployment is not None:
        problems += check_code_deployment(values, deployment)
    launcher, launcher_problems = check_run_launcher(values)
    problems += launcher_problems
    problems += check_postgresql(values)
    problems += check_concurrency(values)
    if deployment is not None and launcher is not None:
        try:
            instances, instance_problems = instances_for(deployment, instances_path)
        except CheckError as exc:
            return problems + [str(exc)]
        problems += instance_problems
        problems += check_secret_variables(deployment, launcher, values, secrets, instances, secrets_source)
    return problems


def check_files(
    values_path: Path = DEFAULT_VALUES, secrets_path: Path = DEFAULT_SECRETS, instances_path: Path | None = None
) -> list[str]:
    try:
        raw_values = load_values(Path(values_path))
        documents = load_yaml_documents(Path(secrets_path))
    except CheckError as exc:
        return [str(exc)]
    return check(raw_values, documents, instances_path, secrets_source=str(secrets_path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=Path, default=DEFAULT_VALUES, help="Helm values file (default: %(default)s)")
    parser.add_argument("--secrets", type=Path, default=DEFAULT_SECRETS, help="Secret manifests (default: %(default)s)")
    parser.add_argument(
        "--instances",
        type=Path,
        default=None,
        help="instances file the image carries (default: the one TWILIO_INSTANCES_FILE names, found in the repo)",
    )
    args = parser.parse_args(argv)
    problems = check_files(args.values, args.secrets, args.instances)
    if problems:
        print(f"{args.values}: {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"OK: {args.values} and {args.secrets} pass the offline checks (this is not a helm render)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
