"""A small Twilio REST client: one pooled session, retries with backoff, pages followed as Twilio gives them."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson
import requests
import tenacity
from requests.adapters import HTTPAdapter

from .auth import Authenticator, BasicAuth, OAuthClientCredentials, OAuthRefreshToken
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
class OAuthGrant:
    """The token endpoint's answer to an authorization code (secrets left out of the repr)."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: float


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
    def with_oauth(cls, client_id: str, client_secret: str, hosts: Hosts, **kwargs: Any) -> TwilioClient:
        client = cls(None, hosts, **kwargs)
        client._auth = OAuthClientCredentials(
            fetch_token=lambda: client._fetch_oauth_token(client_id, client_secret),
            description=f"OAuth client {client_id}",
        )
        return client

    @classmethod
    def with_oauth_refresh_token(
        cls, client_id: str, client_secret: str, refresh_token: str, hosts: Hosts, **kwargs: Any
    ) -> TwilioClient:
        """Authenticate with access tokens redeemed from an OAuth refresh token (authorization-code flow)."""
        kwargs.setdefault(
            "credentials_hint", "TWILIO_OAUTH_CLIENT_ID, TWILIO_OAUTH_CLIENT_SECRET and TWILIO_OAUTH_REFRESH_TOKEN"
        )
        client = cls(None, hosts, **kwargs)
        client._auth = OAuthRefreshToken(
            refresh_token=refresh_token,
            redeem=lambda current: client._redeem_refresh_token(client_id, client_secret, current),
            description=f"OAuth refresh token of client {client_id}",
        )
        return client

    @classmethod
    def with_basic(cls, username: str, password: str, hosts: Hosts, description: str, **kwargs: Any) -> TwilioClient:
        return cls(BasicAuth(username, password, description), hosts, **kwargs)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> TwilioClient:
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
            raise TransientError(
                f"{type(exc).__name__} on {method} {_display_url(url, kwargs.get('params'))}"
            ) from None

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
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        payload = self._token_request(
            form,
            secrets=(client_secret,),
            credentials_hint="TWILIO_OAUTH_CLIENT_ID and TWILIO_OAUTH_CLIENT_SECRET (an OAuth app's client credentials)",
        )
        return payload["access_token"], _lifetime(payload)

    def _redeem_refresh_token(
        self, client_id: str, client_secret: str, refresh_token: str
    ) -> tuple[str, float, str | None]:
        form = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }
        payload = self._token_request(
            form,
            secrets=(client_secret, refresh_token),
            credentials_hint=self.credentials_hint,
            fix=(
                "Twilio refused the refresh token (revoked, expired, or issued to another OAuth app) or the "
                f"client credentials: check {self.credentials_hint}; for a new refresh token run "
                "`python -m twilio_assets.connect --instance <name>` and set the one it gives"
            ),
            refused_statuses=(400, 401),
        )
        rotated = payload.get("refresh_token")
        return payload["access_token"], _lifetime(payload), rotated if isinstance(rotated, str) and rotated else None

    def exchange_authorization_code(
        self, client_id: str, client_secret: str, code: str, redirect_uri: str, *, fix: str | None = None
    ) -> OAuthGrant:
        """Trade an authorization code (from {oauth}/v2/authorize) for an access and a refresh token."""
        form = {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": client_secret,
            "code": code,
            "redirect_uri": redirect_uri,
        }
        try:
            payload = self._token_request(
                form,
                secrets=(client_secret, code),
                credentials_hint=self.credentials_hint,
                fix=fix,
                refused_statuses=(400, 401),
            )
        except TransientError as exc:
            if exc.api_error is not None:
                raise exc.api_error from None
            raise UnexpectedResponse(
                f"POST {self.hosts.oauth}/v2/token kept failing after {self._max_attempts} attempts: {exc}. "
                "Fix: check the network path to Twilio, or retry later."
            ) from None
        refresh = payload.get("refresh_token")
        return OAuthGrant(
            access_token=payload["access_token"],
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_in=_lifetime(payload),
        )

    def _token_request(
        self,
        form: dict[str, str],
        *,
        secrets: tuple[str, ...],
        credentials_hint: str,
        fix: str | None = None,
        refused_statuses: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """POST the token endpoint; the answer has an access_token. Errors never carry the form's secrets
        (they travel in the body, never in the URL, and are blanked out of whatever Twilio answers)."""
        url = f"{self.hosts.oauth}/v2/token"

        def post() -> dict[str, Any]:
            response = self._send("POST", url, data=form)
            return self._decode("POST", url, response, None).payload

        def restated(exc: TwilioAPIError) -> TwilioAPIError:
            return TwilioAPIError(
                status=exc.status,
                method="POST",
                url=url,
                code=exc.code,
                message=_blank_out(exc.twilio_message, secrets),
                more_info=exc.more_info,
                credentials_hint=credentials_hint,
                fix=fix if exc.status in refused_statuses else None,
            )

        try:
            payload = self._retrying()(post)
        except TwilioAPIError as exc:
            raise restated(exc) from None
        except TransientError as exc:
            if exc.api_error is None:
                raise
            error = restated(exc.api_error)
            raise TransientError(str(error), retry_after=exc.retry_after, api_error=error) from None
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise UnexpectedResponse(f"POST {url} answered without an access_token")
        self.stats.add(token_fetches=1)
        return payload

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


def _lifetime(payload: dict[str, Any]) -> float:
    lifetime = payload.get("expires_in")
    if not isinstance(lifetime, (int, float)) or isinstance(lifetime, bool) or lifetime <= 0:
        return 3600.0  # Twilio documents one hour
    return float(lifetime)


def _blank_out(text: str | None, secrets: tuple[str, ...]) -> str | None:
    if text is None:
        return None
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


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
