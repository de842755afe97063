"""The dbt docs site builds from the project and is served locally, with a page for every model."""

from __future__ import annotations

import json
import threading
import urllib.request

from twilio_assets.dbt import docs

from .conftest import Build


def test_docs_site_builds_and_serves(dbt_build: Build, monkeypatch):
    for name, value in dbt_build.warehouse.env.items():
        monkeypatch.setenv(name, value)
    site = docs.generate(dbt_build.project_dir, settings=dbt_build.warehouse.settings)
    assert site == dbt_build.project_dir / docs.DOCS_TARGET
    manifest = json.loads((site / "manifest.json").read_text())
    catalog = json.loads((site / "catalog.json").read_text())
    for name, node in dbt_build.models().items():
        assert node["unique_id"] in manifest["nodes"]
        assert node["unique_id"] in catalog["nodes"], f"{name} missing from the catalog"
    # The generated sources were left as the build had them.
    assert (
        json.loads((dbt_build.project_dir / "target" / "manifest.json").read_text())["sources"].keys()
        == manifest["sources"].keys()
    )

    server = docs.make_server(site, "127.0.0.1", 0)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        index = _get(f"http://127.0.0.1:{port}/")
        assert b"dbt" in index.lower() and len(index) > 100_000
        assert json.loads(_get(f"http://127.0.0.1:{port}/manifest.json"))["nodes"]
        # The overview shows the visual schema, served beside it.
        assert _get(f"http://127.0.0.1:{port}/twilio_schema.svg").startswith(b"<?xml")
        assert "twilio_schema.svg" in manifest["docs"]["doc.twilio_assets.__overview__"]["block_contents"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()
