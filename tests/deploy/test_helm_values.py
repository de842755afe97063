"""deploy/helm/check_values.py: the committed Helm values pass, and each kind of mistake fails with a message
that names it. Offline: no helm binary, no chart, no cluster."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKER = REPO_ROOT / "deploy" / "helm" / "check_values.py"


def _load_checker():
    spec = importlib.util.spec_from_file_location("deploy_helm_check_values", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through sys.modules
    spec.loader.exec_module(module)
    return module


cv = _load_checker()


@pytest.fixture(scope="module")
def committed() -> tuple[dict[str, Any], list[Any]]:
    return cv.load_values(cv.DEFAULT_VALUES), cv.load_yaml_documents(cv.DEFAULT_SECRETS)


def problems_after(
    committed,
    change_values: Callable[[dict], None] | None = None,
    change_secrets: Callable[[list], None] | None = None,
    **kwargs,
) -> list[str]:
    values, secrets = copy.deepcopy(committed[0]), copy.deepcopy(committed[1])
    if change_values:
        change_values(values)
    if change_secrets:
        change_secrets(secrets)
    return cv.check(values, secrets, **kwargs)


def assert_fails(problems: list[str], *fragments: str) -> None:
    assert problems, "the mutated values passed"
    text = "\n".join(problems)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in the problems:\n{text}"


def deployment(values: dict) -> dict:
    return values["dagster-user-deployments"]["deployments"][0]


def k8s_launcher(values: dict) -> dict:
    return values["runLauncher"]["config"]["k8sRunLauncher"]


def secret(documents: list, name: str) -> dict:
    return next(doc for doc in documents if doc["metadata"]["name"] == name)


def set_env(values: dict, name: str, value: Any) -> None:
    env = deployment(values)["env"]
    env[:] = [item for item in env if item["name"] != name]
    if value is not None:
        env.append({"name": name, "value": value})


# --- the committed files ------------------------------------------------------------------------------


def test_committed_values_and_secrets_pass():
    assert cv.check_files() == []


def test_cli_passes_on_the_committed_files():
    result = subprocess.run([sys.executable, str(CHECKER)], capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "OK:" in result.stdout


def test_cli_fails_and_names_the_problem(tmp_path, committed):
    values = copy.deepcopy(committed[0])
    values["runLauncher"]["type"] = "CeleryK8sRunLauncher"
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(values))
    result = subprocess.run(
        [sys.executable, str(CHECKER), "--values", str(path)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 1
    assert "runLauncher.type" in result.stderr and "K8sRunLauncher" in result.stderr


def test_the_checker_knows_the_projects_secret_variables():
    from twilio_assets.instances import CREDENTIAL_SUFFIXES, PRIVACY_SUFFIXES

    assert set(cv.SECRET_SUFFIXES) == {*CREDENTIAL_SUFFIXES, *PRIVACY_SUFFIXES}


# --- misspelled keys ----------------------------------------------------------------------------------


def test_misspelled_key_in_the_deployment_fails(committed):
    def change(values):
        deployment(values)["envSecret"] = deployment(values).pop("envSecrets")

    assert_fails(problems_after(committed, change), "deployments[0].envSecret: unknown key")


def test_misspelled_top_level_key_fails(committed):
    def change(values):
        values["runLauncer"] = values.pop("runLauncher")

    assert_fails(problems_after(committed, change), "runLauncer: unknown key")


def test_misspelled_key_in_a_secret_reference_fails(committed):
    def change(values):
        k8s_launcher(values)["envSecrets"][0] = {"nmae": "twilio-assets-twilio"}

    assert_fails(problems_after(committed, change), "envSecrets[0].nmae: unknown key")


def test_misspelled_key_in_the_postgresql_section_fails(committed):
    def change(values):
        values["postgresql"]["postgresqlHostname"] = values["postgresql"].pop("postgresqlHost")

    assert_fails(problems_after(committed, change), "postgresql.postgresqlHostname: unknown key")


def test_duplicate_key_in_the_values_file_fails(tmp_path):
    text = cv.DEFAULT_VALUES.read_text() + "\ntelemetry:\n  enabled: true\n"
    path = tmp_path / "values.yaml"
    path.write_text(text)
    assert_fails(cv.check_files(values_path=path), "duplicate key 'telemetry'")


def test_a_number_as_an_env_value_fails(committed):
    # Kubernetes takes only strings as env values.
    assert_fails(problems_after(committed, lambda v: set_env(v, "PGPORT", 5432)), "env[", "valid string")


# --- the run launcher ---------------------------------------------------------------------------------


def test_another_run_launcher_type_fails(committed):
    def change(values):
        values["runLauncher"]["type"] = "CeleryK8sRunLauncher"

    assert_fails(problems_after(committed, change), "runLauncher.type: 'CeleryK8sRunLauncher'", "K8sRunLauncher")


def test_a_run_launcher_type_the_chart_does_not_know_fails(committed):
    def change(values):
        values["runLauncher"]["type"] = "K8sLauncher"

    assert_fails(problems_after(committed, change), "runLauncher.type:", "K8sRunLauncher")


# --- the code location --------------------------------------------------------------------------------


def test_another_module_fails(committed):
    def change(values):
        args = deployment(values)["dagsterApiGrpcArgs"]
        args[args.index("twilio_assets.definitions")] = "twilio_assets.defs"

    assert_fails(problems_after(committed, change), "no deployment loads module twilio_assets.definitions")


def test_location_named_after_the_deployment_fails(committed):
    def change(values):
        values["dagsterWebserver"]["workspace"]["enabled"] = False

    assert_fails(problems_after(committed, change), "would be named 'twilio-assets', not 'twilio_assets'")


def test_underscore_in_the_deployment_name_fails(committed):
    def change(values):
        deployment(values)["name"] = "twilio_assets"
        values["dagsterWebserver"]["workspace"]["servers"][0]["host"] = "twilio_assets"

    assert_fails(problems_after(committed, change), "becomes a Kubernetes Service name")


def test_workspace_server_that_matches_no_deployment_fails(committed):
    def change(values):
        values["dagsterWebserver"]["workspace"]["servers"][0]["port"] = 4000

    assert_fails(problems_after(committed, change), "is no deployment's name and port")


def test_port_in_the_grpc_args_fails(committed):
    def change(values):
        deployment(values)["dagsterApiGrpcArgs"] += ["-p", "4000"]

    assert_fails(problems_after(committed, change), "drop -p")


def test_latest_image_tag_fails(committed):
    def change(values):
        deployment(values)["image"]["tag"] = "latest"

    assert_fails(problems_after(committed, change), "image.tag: set a unique tag")


def test_runs_without_the_deployments_config_fail(committed):
    def change(values):
        deployment(values)["includeConfigInLaunchedRuns"]["enabled"] = False

    assert_fails(problems_after(committed, change), "includeConfigInLaunchedRuns.enabled: must stay true")


def test_missing_pgport_fails(committed):
    assert_fails(problems_after(committed, lambda v: set_env(v, "PGPORT", None)), "set PGPORT", "55432")


def test_dagster_home_in_env_fails(committed):
    assert_fails(
        problems_after(committed, lambda v: set_env(v, "DAGSTER_HOME", "/opt/dagster/app/dagster_home")),
        "do not set DAGSTER_HOME",
    )


# --- Dagster's storage --------------------------------------------------------------------------------


def test_in_cluster_postgresql_fails(committed):
    def change(values):
        values["postgresql"]["enabled"] = True

    assert_fails(problems_after(committed, change), "postgresql.enabled: must be false")


def test_bare_postgresql_scheme_fails(committed):
    def change(values):
        del values["postgresql"]["postgresqlScheme"]

    assert_fails(problems_after(committed, change), "postgresqlScheme: must be 'postgresql+psycopg2'")


def test_generated_password_secret_fails(committed):
    def change(values):
        values["generatePostgresqlPasswordSecret"] = True

    assert_fails(problems_after(committed, change), "generatePostgresqlPasswordSecret: must be false")


def test_dbt_pool_limit_other_than_the_local_instance_fails(committed):
    def change(values):
        values["concurrency"]["pools"]["defaultLimit"] = 3

    assert_fails(problems_after(committed, change), "pools.defaultLimit: 1", "one dbt build at a time")


def test_two_run_limits_fail(committed):
    def change(values):
        values["dagsterDaemon"]["runCoordinator"]["config"] = {"queuedRunCoordinator": {"maxConcurrentRuns": 2}}

    assert_fails(problems_after(committed, change), "are both set; the chart refuses to render that")


# --- secrets in plain text ----------------------------------------------------------------------------


def test_plaintext_storage_password_fails(committed):
    def change(values):
        values["postgresql"]["postgresqlPassword"] = "hunter2"

    assert_fails(problems_after(committed, change), "postgresql.postgresqlPassword: a 'postgresqlPassword' key")


def test_plaintext_twilio_token_in_env_fails(committed):
    assert_fails(
        problems_after(committed, lambda v: set_env(v, "TWILIO_AUTH_TOKEN", "not-really-a-token")),
        "TWILIO_AUTH_TOKEN is given a literal value",
    )


def test_plaintext_password_in_env_map_form_fails(committed):
    def change(values):
        values["dagsterDaemon"]["env"] = {"PGPASSWORD": "hunter2"}

    assert_fails(problems_after(committed, change), "dagsterDaemon.env.PGPASSWORD", "literal value")


def test_plaintext_secret_in_run_launcher_env_vars_fails(committed):
    def change(values):
        k8s_launcher(values)["envVars"] = ["TWILIO_PROD_API_KEY_SECRET=abc"]

    assert_fails(problems_after(committed, change), "TWILIO_PROD_API_KEY_SECRET=... sets a secret in plain text")


def test_url_with_a_password_fails(committed):
    assert_fails(
        problems_after(committed, lambda v: set_env(v, "DATABASE_URL", "postgresql://loader:hunter2@db/analytics")),
        "a URL with a password in it",
    )


def test_token_shaped_value_fails(committed):
    assert_fails(
        problems_after(committed, lambda v: set_env(v, "TWILIO_NOTE", "0123456789abcdef0123456789abcdef")),
        "32 hex digits",
    )


def test_real_looking_value_in_the_example_secrets_fails(committed):
    def change(documents):
        secret(documents, "twilio-assets-warehouse")["stringData"]["PGPASSWORD"] = "hunter2"

    assert_fails(
        problems_after(committed, change_secrets=change), "key PGPASSWORD holds a value without the REPLACE_ME"
    )


# --- secrets that are missing -------------------------------------------------------------------------


def test_missing_twilio_key_fails(committed):
    def change(documents):
        del secret(documents, "twilio-assets-twilio")["stringData"]["TWILIO_API_KEY_SECRET"]

    assert_fails(problems_after(committed, change_secrets=change), "has the key(s) TWILIO_API_KEY_SECRET")


def test_missing_account_sid_fails(committed):
    def change(documents):
        del secret(documents, "twilio-assets-twilio")["stringData"]["TWILIO_ACCOUNT_SID"]

    assert_fails(problems_after(committed, change_secrets=change), "has the key(s) TWILIO_ACCOUNT_SID")


def test_auth_token_instead_of_the_api_key_passes(committed):
    # The other half of the test above: any complete credential pair is enough, as in TwilioResource.
    def change(documents):
        data = secret(documents, "twilio-assets-twilio")["stringData"]
        del data["TWILIO_API_KEY_SID"], data["TWILIO_API_KEY_SECRET"]
        data["TWILIO_AUTH_TOKEN"] = "REPLACE_ME-auth-token"

    assert problems_after(committed, change_secrets=change) == []


def test_missing_warehouse_secret_on_the_run_pods_fails(committed):
    def change(values):
        k8s_launcher(values)["envSecrets"] = [{"name": "twilio-assets-twilio"}]

    assert_fails(problems_after(committed, change), "(run and step pods)", "has the key(s) PGPASSWORD")


def test_env_secret_not_in_the_secrets_file_fails(committed):
    def change(values):
        deployment(values)["envSecrets"].append({"name": "twilio-assets-typo"})

    assert_fails(problems_after(committed, change), "Secret 'twilio-assets-typo' is not in")


def test_missing_dagster_storage_password_fails(committed):
    def change(documents):
        data = secret(documents, "twilio-assets-dagster-pg")["stringData"]
        data["password"] = data.pop("postgresql-password")

    assert_fails(
        problems_after(committed, change_secrets=change), "has no key 'postgresql-password'", "DAGSTER_PG_PASSWORD"
    )


def test_instances_with_their_own_prefixes_need_their_own_secrets(committed):
    # twilio_instances.example.yaml declares prod (which hashes properties) and eu.
    problems = problems_after(committed, instances_path=REPO_ROOT / "twilio_instances.example.yaml")
    assert_fails(problems, "TWILIO_PROD_ACCOUNT_SID", "TWILIO_PROD_HASH_KEY", "TWILIO_EU_ACCOUNT_SID")


def test_instances_file_missing_from_the_repository_fails(committed):
    assert_fails(
        problems_after(committed, lambda v: set_env(v, "TWILIO_INSTANCES_FILE", "/opt/dagster/app/deploy/nope.yaml")),
        "no deploy/nope.yaml in the repository",
    )
