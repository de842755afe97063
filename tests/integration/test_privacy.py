"""Privacy end to end: the sync job reads the sandbox through a real HTTP hop that answers the way an
account with password-protected webhooks does (`https://user:password@host/...` in every URL of every
record), with the strict preset on. The password reaches no table, and no field the preset names is
stored, while the rest of each record is."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import yaml

from tests.conftest import TEST_NOW, connect, create_database, drop_database, run_sync, sandbox_config, sync_env
from tests.integration.test_secrets import dump_database
from twilio_assets.catalog import BY_NAME
from twilio_assets.instances import PRIVACY_PRESETS
from twilio_assets.sandbox.server import SandboxServer

pytestmark = pytest.mark.integration

HOOK_USER = "hookuser-5c1e"
HOOK_PASSWORD = "Hook-Pa55word-9b7d2e"
STRICT = PRIVACY_PRESETS["strict"]


class WebhookCredentialsHop:
    """Forwards every request to the sandbox and adds HOOK_USER:HOOK_PASSWORD@ to each https URL inside
    the records of each list it answers. Keeps what it served: the URLs as the sandbox sent them."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.original_urls: dict[str, set[str]] = {}  # list key → every https URL before the credentials
        self.served: dict[str, list[dict]] = {}  # list key → records as served (with the credentials)
        hop = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "connection")}
                answer = requests.request(
                    self.command, hop.upstream + self.path, headers=headers, data=body, allow_redirects=False
                )
                content = answer.content
                if answer.status_code == 200 and "json" in answer.headers.get("Content-Type", ""):
                    content = hop.with_credentials(answer.text).encode()
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding", "content-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def with_credentials(self, text: str) -> str:
        payload = json.loads(text.replace(self.upstream, self.url))
        for key, value in payload.items():
            if isinstance(value, list) and all(isinstance(item, dict) for item in value):
                payload[key] = [self._inject(item, self.original_urls.setdefault(key, set())) for item in value]
                self.served.setdefault(key, []).extend(payload[key])
        return json.dumps(payload)

    def _inject(self, value: Any, originals: set[str]) -> Any:
        if isinstance(value, str) and value.startswith("https://"):
            originals.add(value)
            return f"https://{HOOK_USER}:{HOOK_PASSWORD}@{value[len('https://') :]}"
        if isinstance(value, dict):
            return {k: self._inject(v, originals) for k, v in value.items()}
        if isinstance(value, list):
            return [self._inject(v, originals) for v in value]
        return value

    def __enter__(self) -> WebhookCredentialsHop:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def synced(pg_server, tmp_path_factory) -> Iterator[tuple[dict[str, str], WebhookCredentialsHop, str]]:
    """One sync of today's data of every collection through the hop, with the strict preset."""
    warehouse = create_database(pg_server)
    settings = tmp_path_factory.mktemp("privacy") / "twilio_instances.yaml"
    instance = {"name": "twilio", "schema": "twilio", "env_prefix": "TWILIO_"}
    settings.write_text(yaml.safe_dump({"instances": [{**instance, "privacy_preset": "strict"}]}))
    day = TEST_NOW.date().isoformat()
    try:
        with SandboxServer(sandbox_config()) as server, WebhookCredentialsHop(server.base_url) as hop:
            env = {**sync_env(warehouse, server), "TWILIO_INSTANCES_FILE": str(settings), "TWILIO_BASE_URL": hop.url}
            result = run_sync(env, day, day)
            assert result.success
            events = "\n".join(str(event) for event in result.all_events)
        yield warehouse, hop, events
    finally:
        drop_database(warehouse)


def test_a_password_in_a_webhook_url_is_stored_nowhere(synced):
    warehouse, hop, events = synced
    originals = set().union(*hop.original_urls.values())
    assert len(originals) > 10, "the hop put credentials into no URL: nothing was tested"
    everything = dump_database(warehouse)
    for secret in (HOOK_PASSWORD, HOOK_USER):
        assert secret not in everything, f"{secret} found in the warehouse"
        assert secret not in events, f"{secret} found in the run's events"
    # The URLs themselves are kept, as the sandbox sent them (without the credentials).
    with connect(warehouse) as connection, connection.cursor() as cursor:
        cursor.execute("select voice_url from twilio.applications where voice_url is not null")
        stored = {url for (url,) in cursor.fetchall()}
    assert stored and stored <= hop.original_urls["applications"]


def test_the_strict_preset_keeps_its_fields_out_of_the_warehouse(synced):
    warehouse, hop, _ = synced
    checked, had_values = [], []
    with connect(warehouse) as connection, connection.cursor() as cursor:
        for name, paths in STRICT.items():
            collection = BY_NAME[name]
            for path in paths:
                parts = path.split(".")
                sent = [
                    record
                    for record in hop.served.get(collection.list_key, [])
                    if _value_at(record, parts) not in (None, "", {}, [])
                ]
                columns = [c.name for c in collection.columns if ".".join(c.path).startswith(path)]
                stored = " or ".join(f'"{column}" is not null' for column in columns)
                cursor.execute(
                    f"select count(*), count(*) filter (where {stored} or _raw #> %s is not null) from twilio.{name}",
                    ("{" + ",".join(parts) + "}",),
                )
                rows, with_value = cursor.fetchone()
                assert with_value == 0, f"{name}.{path} stored in {with_value} of {rows} rows"
                if rows:
                    checked.append(f"{name}.{path}")
                if rows and sent:
                    had_values.append(f"{name}.{path}")
    # Rows were stored without the field (Twilio's Studio lists send `definition` null and `context`
    # empty, as the sandbox does: the key is still left out of the raw JSON).
    for must in ("studio_flows.definition", "studio_executions.context", "studio_execution_steps.context"):
        assert must in checked, checked
    # The sandbox sent these fields with values, and none was stored.
    for must in ("alerts.alert_text", "messages.body", "transcriptions.transcription_text"):
        assert must in had_values, had_values
    # A long text the sandbox sent in a preset field appears nowhere (not even inside another field).
    everything = dump_database(warehouse)
    texts = {
        value
        for name, paths in STRICT.items()
        for path in paths
        for record in hop.served.get(BY_NAME[name].list_key, [])
        if isinstance(value := _value_at(record, path.split(".")), str) and len(value) >= 24 and "://" not in value
    }
    assert texts and not [text for text in texts if text in everything]


def _value_at(record: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record
