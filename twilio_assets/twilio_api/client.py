"""A small Twilio REST client: one pooled session, retries with backoff, pages followed as Twilio gives them."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import urlencode, urlsplit

import orjson
import requests
import tenacity
from requests.adapters import HTTPAdapter

from .auth import Authenticator, BasicAuth, OAuthClientCredentials
from .errors import (
    ConfigurationError,
    TransientError,
    TwilioAPIError,
    UnexpectedResponse,
)
from .hosts import Hosts
from .limiter import InFlightLimit

MAX_PAGE_SIZE = 1000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "twilio_assets/0.1 (+python-requests)"


@dataclass
class RequestStats:
    """Counters a sync reports as asset metadata."""

    requests: int = 0
    retries: int = 0
    token_fetches: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class Page:
    records: list[dict[str, Any]]
    url: str
    number: int
    text: str | None = None  # the page's JSON exactly as Twilio sent it, for the loader


@dataclass(frozen=True)
class _Answer:
    payload: dict[str, Any]
    text: str


class _WaitRetryAfterOrJitter(tenacity.wait.wait_base):
    """Honour Retry-After when Twilio sends it; otherwise exponential backoff with full jitter."""

    def __init__(self, base: float, cap: float) -> None:
        self._jitter = tenacity.wait_random_exponential(multiplier=base, max=cap)
        self._cap = cap

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, TransientError) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self._cap)
        return self._jitter(retry_state)


def _retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP-date Retry-After is not used by Twilio; fall back to backoff


class TwilioClient:
    """Reads Twilio lists. Thread-safe; build one per run (it holds a connection pool)."""

    def __init__(
        self,
        authenticator: Authenticator | None,
        hosts: Hosts,
        *,
        page_size: int = MAX_PAGE_SIZE,
        timeout: tuple[float, float] = (10.0, 60.0),
        max_attempts: int = 8,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        credentials_hint: str = "the TWILIO_* credential variables",
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str], None] | None = None,
        limit: InFlightLimit | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        self.hosts = hosts
        self.page_size = page_size
        self.timeout = timeout
        self.stats = RequestStats()
        self.credentials_hint = credentials_hint
        self._auth = authenticator
        self._max_attempts = max_attempts
        self._wait = _WaitRetryAfterOrJitter(backoff_base, backoff_cap)
        self._sleep = sleep
        self._on_retry = on_retry
        # Without a limit, one request at a time (the old behaviour) is the safe default.
        self.limit = limit or InFlightLimit(1)
        self._session = requests.Session()
        pool = max(16, self.limit.budget)
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})

    # -- construction helpers -------------------------------------------------------------------

    @classmethod
    def with_oauth(cls, client_id: str, client_secret: str, hosts: Hosts, **kwargs: Any) -> "TwilioClient":
        client = cls(None, hosts, **kwargs)
        client._auth = OAuthClientCredentials(
            fetch_token=lambda: client._fetch_oauth_token(client_id, client_secret),
            description=f"OAuth client {client_id}",
        )
        return client

    @classmethod
    def with_basic(cls, username: str, password: str, hosts: Hosts, description: str, **kwargs: Any) -> "TwilioClient":
        return cls(BasicAuth(username, password, description), hosts, **kwargs)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "TwilioClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------------

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a Twilio URL and return its JSON object, retrying transient failures."""
        return self._with_retries("GET", url, params=params).payload

    def _with_retries(self, method: str, url: str, **kwargs: Any) -> _Answer:
        try:
            return self._retrying()(self._send_authenticated, method, url, **kwargs)
        except TransientError as exc:
            if exc.api_error is not None:
                raise exc.api_error from None
            raise UnexpectedResponse(
                f"{method} {_display_url(url, kwargs.get('params'))} kept failing after {self._max_attempts} "
                f"attempts: {exc}. Fix: check the network path to Twilio, or retry later."
            ) from None

    def _retrying(self) -> tenacity.Retrying:
        """Retry transient failures: full-jitter exponential backoff, or Twilio's Retry-After."""
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(TransientError),
            wait=self._wait,
            stop=tenacity.stop_after_attempt(self._max_attempts),
            sleep=self._sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )

    def _count_retry(self, retry_state: tenacity.RetryCallState) -> None:
        self.stats.add(retries=1)
        if self._on_retry and retry_state.outcome is not None:
            self._on_retry(f"retry {retry_state.attempt_number}: {retry_state.outcome.exception()}")

    def _send_authenticated(self, method: str, url: str, **kwargs: Any) -> _Answer:
        if self._auth is None:
            raise ConfigurationError("no Twilio credentials configured")
        response = self._send(method, url, headers={"Authorization": self._auth.header()}, **kwargs)
        if response.status_code == 401 and self._auth.invalidate():
            # A bearer token can expire or be revoked early: fetch a fresh one once and try again.
            response = self._send(method, url, headers={"Authorization": self._auth.header()}, **kwargs)
        return self._decode(method, url, response, kwargs.get("params"))

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.stats.add(requests=1)
        try:
            # The slot is held until the whole body is read (requests reads it before returning).
            with self.limit.slot():
                response = self._session.request(method, url, timeout=self.timeout, **kwargs)
            if response.status_code == 429:
                self.limit.throttled()
            elif response.status_code < 400:
                self.limit.succeeded()
            return response
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,  # body cut short
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise TransientError(f"{type(exc).__name__} on {method} {_display_url(url, kwargs.get('params'))}") from None

    def _decode(self, method: str, url: str, response: requests.Response, params: Any) -> _Answer:
        shown = _display_url(url, params)
        try:
            body_text = response.text
        except requests.RequestException as exc:  # body cut short mid-read
            raise TransientError(f"incomplete body ({type(exc).__name__}) on {method} {shown}") from None
        if response.status_code >= 400:
            error = self._api_error(method, shown, response, body_text)
            if response.status_code in RETRY_STATUSES:
                raise TransientError(str(error), retry_after=_retry_after_seconds(response), api_error=error)
            raise error
        try:
            payload = parse_json(body_text)
        except ValueError:
            # A 200 whose JSON does not parse was cut short on the way (Twilio always sends JSON here).
            raise TransientError(f"body is not complete JSON on {method} {shown}") from None
        if not isinstance(payload, dict):
            raise UnexpectedResponse(f"{method} {shown} answered a JSON {type(payload).__name__}, not an object")
        return _Answer(payload, body_text)

    def _api_error(self, method: str, shown_url: str, response: requests.Response, body_text: str) -> TwilioAPIError:
        try:
            body = json.loads(body_text)
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        code = body.get("code") if isinstance(body.get("code"), int) else None
        message = body.get("message") or body.get("detail") or body.get("title")
        return TwilioAPIError(
            status=response.status_code,
            method=method,
            url=shown_url,
            code=code,
            message=str(message)[:500] if message else None,
            more_info=body.get("more_info"),
            credentials_hint=self.credentials_hint,
        )

    def _fetch_oauth_token(self, client_id: str, client_secret: str) -> tuple[str, float]:
        url = f"{self.hosts.oauth}/v2/token"
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}

        def post() -> dict[str, Any]:
            response = self._send("POST", url, data=form)
            return self._decode("POST", url, response, None).payload

        try:
            payload = self._retrying()(post)
        except TwilioAPIError as exc:
            raise TwilioAPIError(
                status=exc.status,
                method="POST",
                url=url,
                code=exc.code,
                message=exc.twilio_message,
                more_info=exc.more_info,
                credentials_hint="TWILIO_OAUTH_CLIENT_ID and TWILIO_OAUTH_CLIENT_SECRET (an OAuth app's client credentials)",
            ) from None
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise UnexpectedResponse(f"POST {url} answered without an access_token")
        lifetime = payload.get("expires_in")
        if not isinstance(lifetime, (int, float)) or lifetime <= 0:
            lifetime = 3600.0  # Twilio documents one hour
        self.stats.add(token_fetches=1)
        return token, float(lifetime)

    # -- paging ---------------------------------------------------------------------------------

    def pages(self, url: str, params: dict[str, Any], list_key: str, *, prefetch: bool = True) -> Iterator[Page]:
        """Yield each page of a Twilio list, following `next_page_uri` (v2010) or `meta.next_page_url`
        (Insights and the newer APIs) exactly as Twilio gives it.

        With `prefetch`, the following pages are requested while the caller works on the current one,
        still one request at a time per listing (so the account's concurrency stays bounded) and at
        most one page waiting (so memory stays flat)."""
        listing = self._pages(url, params, list_key)
        return _read_ahead(listing) if prefetch else listing

    def _pages(self, url: str, params: dict[str, Any], list_key: str) -> Iterator[Page]:
        first = urlsplit(url)
        # A listing may ask for smaller pages (a block that usually ends on its first records).
        query: dict[str, Any] | None = {"PageSize": self.page_size, **params}
        number = 0
        next_url: str | None = url
        while next_url:
            answer = self._with_retries("GET", next_url, params=query)
            payload = answer.payload
            records = payload.get(list_key)
            if not isinstance(records, list):
                raise UnexpectedResponse(
                    f"GET {_display_url(next_url, query)} answered without the list {list_key!r} "
                    f"(keys: {sorted(payload)[:12]})"
                )
            yield Page(records=records, url=next_url, number=number, text=answer.text)
            number += 1
            next_url, query = self._next_page_url(payload, first), None

    def _next_page_url(self, payload: dict[str, Any], first: Any) -> str | None:
        meta = payload.get("meta")
        if isinstance(meta, dict) and "next_page_url" in meta:
            target = meta.get("next_page_url")
        else:
            uri = payload.get("next_page_uri")
            target = f"{first.scheme}://{first.netloc}{uri}" if uri else None
        if not target:
            return None
        parts = urlsplit(target)
        if (parts.scheme, parts.netloc) != (first.scheme, first.netloc):
            # Never send credentials to a host other than the one the listing started on.
            raise UnexpectedResponse(f"next page points to another host ({parts.netloc}); refusing to follow it")
        return target


def _read_ahead(source: Iterator[Page]) -> Iterator[Page]:
    """Run `source` in a worker thread that keeps fetching while the caller works: still one request
    in flight per listing, at most one page waiting. Errors surface in the caller, in order."""
    slot: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for page in source:
                if not offer(("page", page)):
                    return
            offer(("end", None))
        except BaseException as exc:  # handed to the caller, who re-raises it
            offer(("error", exc))

    worker = threading.Thread(target=work, name="twilio-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = slot.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()  # the caller stopped early (or failed): let the worker finish its request and quit
        worker.join(timeout=120)


def parse_json(text: str) -> Any:
    """orjson for speed (a page is about a megabyte); the standard parser for what orjson refuses but
    JSON allows (integers beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _display_url(url: str, params: dict[str, Any] | None) -> str:
    if not params:
        return url
    return f"{url}?{urlencode(params)}"
