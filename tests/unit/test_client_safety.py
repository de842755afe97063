"""What the Twilio client refuses, against real local HTTP servers: redirects (from the API and the token
endpoint), page loops and next pages on other hosts, bodies past the cap, and answers slower than the
deadline of a whole request (dripped bytes that a read timeout never catches)."""

from __future__ import annotations

import gzip
import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from tests.support.scripted_server import Reply, ScriptedServer
from twilio_assets.twilio_api import BasicAuth, Hosts, TwilioClient, UnexpectedResponse
from twilio_assets.twilio_api.errors import RedirectRefused, ResponseTooLarge

ACCOUNT = "AC00000000000000000000000000000001"
CALLS = f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
AUTH_TOKEN = "auth-token-value-0123456789abcdef"
CLIENT_SECRET = "client-secret-value-0123456789"


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def elsewhere():
    """A second host, where a redirect or a foreign next page would lead."""
    with ScriptedServer() as running:
        running.script("/stolen", Reply(body={"calls": [], "next_page_uri": None}))
        running.script("/v2/token", Reply(body={"access_token": "foreign", "expires_in": 3600}))
        yield running


def basic_client(server, **options) -> TwilioClient:
    options.setdefault("sleep", Sleeps())
    return TwilioClient(
        BasicAuth(ACCOUNT, AUTH_TOKEN, "auth token of AC1"), Hosts.build(base_url=server.base_url), **options
    )


def v2010_page(records, next_uri=None):
    return {"calls": records, "next_page_uri": next_uri, "page_size": 2}


# --- redirects ----------------------------------------------------------------------------------------------


def test_a_302_from_a_list_page_fails_the_listing_and_nothing_reaches_the_other_host(server, elsewhere):
    server.script(CALLS, Reply(302, {"calls": []}, headers={"Location": f"{elsewhere.base_url}/stolen"}))
    client = basic_client(server)
    with pytest.raises(RedirectRefused) as raised:
        list(client.pages(server.base_url + CALLS, {}, "calls"))
    message = str(raised.value)
    assert "HTTP 302" in message and f"{elsewhere.base_url}/stolen" in message and CALLS in message
    assert "does not redirect" in message and "TWILIO_BASE_URL" in message
    assert elsewhere.requests == []
    assert len(server.requests) == 1  # not retried as if transient


def test_a_307_from_the_token_endpoint_does_not_repost_the_client_secret(server, elsewhere):
    server.script("/v2/token", Reply(307, {}, headers={"Location": f"{elsewhere.base_url}/v2/token"}))
    server.script(CALLS, Reply(body=v2010_page([])))
    client = TwilioClient.with_oauth("client-id", CLIENT_SECRET, Hosts.build(base_url=server.base_url), sleep=Sleeps())
    with pytest.raises(RedirectRefused) as raised:
        client.get_json(server.base_url + CALLS)
    message = str(raised.value)
    assert "POST" in message and "/v2/token" in message and "HTTP 307" in message
    assert CLIENT_SECRET not in message
    assert elsewhere.requests == []
    assert [r.path for r in server.requests] == ["/v2/token"]  # once, and no API call without a token


def test_a_redirect_target_is_shown_without_its_credentials_or_query(server):
    target = "https://user:hunter2-password@storage.example/x?signature=sig-value-123"
    server.script(CALLS, Reply(301, {}, headers={"Location": target}))
    with pytest.raises(RedirectRefused) as raised:
        basic_client(server).get_json(server.base_url + CALLS)
    message = str(raised.value)
    assert "storage.example/x" in message
    assert "hunter2-password" not in message and "sig-value-123" not in message


def test_a_download_is_fetched_without_twilio_credentials_and_only_over_https(server, elsewhere):
    server.script("/exports/day.json.gz", Reply(body="file contents"))
    client = basic_client(elsewhere)
    assert client.fetch_download(server.base_url + "/exports/day.json.gz") == b"file contents"
    (seen,) = server.requests
    assert "Authorization" not in seen.headers
    with pytest.raises(UnexpectedResponse, match="only https"):
        client.fetch_download("http://storage.example/exports/day.json.gz")
    server.script("/moved", Reply(302, {}, headers={"Location": f"{elsewhere.base_url}/stolen"}))
    with pytest.raises(RedirectRefused):
        client.fetch_download(server.base_url + "/moved")
    assert elsewhere.requests == []


# --- page loops and foreign next pages ---------------------------------------------------------------------


def test_a_next_page_pointing_at_itself_fails_the_listing(server):
    page1 = f"{CALLS}?PageSize=2&Page=1&PageToken=PA1"
    server.script(
        CALLS,
        Reply(body=v2010_page([{"sid": "CA1"}], page1)),
        # Page 1 names itself again (its query in another order): the same page.
        Reply(body=v2010_page([{"sid": "CA2"}], f"{CALLS}?PageToken=PA1&Page=1&PageSize=2")),
    )
    client = basic_client(server, page_size=2)
    with pytest.raises(UnexpectedResponse, match="loop") as raised:
        list(itertools.islice(client.pages(server.base_url + CALLS, {}, "calls", prefetch=False), 10))
    assert "page 1" in str(raised.value)
    assert len(server.requests) == 2


def test_a_cycle_of_next_pages_fails_the_listing(server):
    def page(token: str) -> str:
        return f"{CALLS}?PageSize=2&Page=1&PageToken={token}"

    def answer(seen):
        following = {None: page("A"), "A": page("B"), "B": page("A")}[seen.query.get("PageToken")]
        return Reply(body=v2010_page([{"sid": "CA1"}], following))

    server.script(CALLS, answer)
    client = basic_client(server, page_size=2)
    with pytest.raises(UnexpectedResponse, match="loop"):
        list(itertools.islice(client.pages(server.base_url + CALLS, {}, "calls"), 10))
    assert [r.query.get("PageToken") for r in server.requests] == [None, "A", "B"]


def test_a_next_page_uri_that_turns_into_another_host_is_refused(server, elsewhere):
    host_and_port = elsewhere.base_url.removeprefix("http://")
    # Appended to "http://127.0.0.1:<port>", this makes the first host a user name and the second the host.
    server.script(CALLS, Reply(body=v2010_page([{"sid": "CA1"}], f"@{host_and_port}/stolen")))
    with pytest.raises(UnexpectedResponse, match="another host"):
        list(basic_client(server).pages(server.base_url + CALLS, {}, "calls"))
    assert elsewhere.requests == []


# --- the body cap --------------------------------------------------------------------------------------------


@contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server that answers every connection with `handle` (raw bytes, at its own pace)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # so the loop sees `stop`
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(None)
                connection.recv(65536)  # the request
                try:
                    handle(connection)
                except OSError:
                    pass  # the client hung up

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=15)
        listener.close()


def test_a_body_announced_beyond_the_cap_is_refused_without_reading_it(server):
    server.script(CALLS, Reply(body=v2010_page([{"sid": "CA1", "padding": "x" * 5000}])))
    client = basic_client(server, max_body_bytes=1000)
    with pytest.raises(ResponseTooLarge, match="beyond the cap") as raised:
        client.get_json(server.base_url + CALLS)
    assert "announced" in str(raised.value)
    assert len(server.requests) == 1  # refused, not retried


def test_a_body_without_a_length_is_cut_at_the_cap():
    def endless(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
        connection.sendall(b'{"calls": [' + b'{"sid": "CA1"},' * 20000)  # 300 kB, no end announced

    with raw_server(endless) as base_url:
        client = TwilioClient(BasicAuth(ACCOUNT, AUTH_TOKEN, "t"), Hosts.build(base_url=base_url), max_body_bytes=1000)
        with pytest.raises(ResponseTooLarge, match="more than 1000 bytes"):
            client.get_json(base_url + CALLS)


def test_the_cap_counts_the_unpacked_body_of_a_compressed_answer():
    packed = gzip.compress(b'{"calls": [], "padding": "' + b"0" * 2_000_000 + b'"}')  # about 2 kB on the wire

    def bomb(connection: socket.socket) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(packed)}\r\nConnection: close\r\n\r\n"
        )
        connection.sendall(head.encode() + packed)

    with raw_server(bomb) as base_url:
        client = TwilioClient(
            BasicAuth(ACCOUNT, AUTH_TOKEN, "t"), Hosts.build(base_url=base_url), max_body_bytes=100_000
        )
        with pytest.raises(ResponseTooLarge):
            client.get_json(base_url + CALLS)


# --- the deadline of a whole request -------------------------------------------------------------------------


def drip(head: bytes, body: bytes, every: float = 0.05, for_at_most: float = 10.0):
    """Send `head` at once, then `body` one byte at a time: each byte well inside any read timeout."""

    def handle(connection: socket.socket) -> None:
        connection.sendall(head)
        started = time.monotonic()
        for byte in body:
            if time.monotonic() - started > for_at_most:
                return  # then hang up: without a deadline the client sees a cut body, not a deadline
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return handle


def slow_client(base_url: str) -> TwilioClient:
    return TwilioClient(
        BasicAuth(ACCOUNT, AUTH_TOKEN, "t"),
        Hosts.build(base_url=base_url),
        timeout=(2.0, 2.0),
        deadline_seconds=0.5,
        max_attempts=1,
        sleep=Sleeps(),
    )


def test_a_body_dripped_slower_than_the_deadline_is_abandoned():
    body = b'{"calls": [], "next_page_uri": null}' + b" " * 2000
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    with raw_server(drip(head, body)) as base_url:
        with pytest.raises(UnexpectedResponse, match=r"no complete answer within 0\.5 s") as raised:
            slow_client(base_url).get_json(base_url + CALLS)
    assert AUTH_TOKEN not in str(raised.value)


def test_headers_dripped_slower_than_the_deadline_are_abandoned():
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    endless_header = b"X-Slow: " + b"a" * 5000 + b"\r\n\r\n"
    with raw_server(drip(head, endless_header)) as base_url:
        with pytest.raises(UnexpectedResponse, match=r"no complete answer within 0\.5 s"):
            slow_client(base_url).get_json(base_url + CALLS)
