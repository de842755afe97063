"""Fixtures the unit tests of the Twilio client share."""

from __future__ import annotations

import pytest

from tests.support.scripted_server import ScriptedServer


@pytest.fixture
def server():
    """A local HTTP server answering what each test scripts."""
    with ScriptedServer() as running:
        yield running
