"""A small Twilio REST client: one pooled session, retries with backoff, pages followed as Twilio gives them.

Every request it sends is bounded: no redirect is followed (a request carries credentials, and Twilio
does not redirect API calls), a body is read up to a cap, and the whole exchange has a deadline."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import orjson
import requests
import tenacity

from .auth import Authenticator, BasicAuth, OAuthClientCredentials, OAuthRefreshToken
from .errors import (
    ConfigurationError,
    RedirectRefused,
    ResponseTooLarge,
    TransientError,
    TwilioAPIError,
    UnexpectedResponse,
)
from .hosts import Hosts, is_loopback, shown_url
from .limiter import InFlightLimit
from .transport import Deadline, DeadlineAdapter

MAX_PAGE_SIZE = 1000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "twilio_assets/0.1 (+python-requests)"
# A page of 1000 records is a few MB; far more is not a Twilio page (a wrong host, a hostile proxy).
MAX_BODY_BYTES = 64 * 2**20
# The whole of one request, from sending it to the last byte of the answer, whatever the server's pace.
DEADLINE_SECONDS = 300.0
_CHUNK_BYTES = 64 * 2**10


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


@dataclass(frozen=True)
class _Received:
    """One HTTP answer, read whole (within the cap and the deadline)."""

    status_code: int
    headers: Mapping[str, str]
    body: bytes
    encoding: str | None

    @property
    def text(self) -> str:
        return self.body.decode(self.encoding or "utf-8", errors="replace")


def _no_credentials(request: requests.PreparedRequest) -> requests.PreparedRequest:
    # An explicit "no auth" so requests does not add credentials from ~/.netrc either.
    return request


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


def _retry_after_seconds(response: _Received) -> float | None:
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
        max_body_bytes: int = MAX_BODY_BYTES,
        deadline_seconds: float = DEADLINE_SECONDS,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        self.hosts = hosts
        self.page_size = page_size
        self.timeout = timeout
        self.max_body_bytes = max_body_bytes
        self.deadline_seconds = deadline_seconds
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
        adapter = DeadlineAdapter(pool_connections=4, pool_maxsize=pool, max_retries=0)
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
        cls,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        hosts: Hosts,
        *,
        refresh_token_variable: str = "TWILIO_OAUTH_REFRESH_TOKEN",
        **kwargs: Any,
    ) -> TwilioClient:
        """Authenticate with access tokens redeemed from an OAuth refresh token (authorization-code flow);
        `refresh_token_variable` holds it, for messages."""
        kwargs.setdefault(
            "credentials_hint", "TWILIO_OAUTH_CLIENT_ID, TWILIO_OAUTH_CLIENT_SECRET and TWILIO_OAUTH_REFRESH_TOKEN"
        )
        client = cls(None, hosts, **kwargs)
        client._auth = OAuthRefreshToken(
            refresh_token=refresh_token,
            redeem=lambda current: client._redeem_refresh_token(client_id, client_secret, current),
            description=f"OAuth refresh token of client {client_id}",
            variable=refresh_token_variable,
        )
        return client

    @classmethod
    def with_basic(cls, username: str, password: str, hosts: Hosts, description: str, **kwargs: Any) -> TwilioClient:
        return cls(BasicAuth(username, password, description), hosts, **kwargs)

    def close(self) -> None:
        self._session.close()

    def __repr__(self) -> str:  # the authenticator's repr names the method, never a secret
        return f"TwilioClient({self._auth!r}, api={self.hosts.api})"

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

    def _send(
        self, method: str, url: str, *, max_bytes: int | None = None, in_budget: bool = True, **kwargs: Any
    ) -> _Received:
        """One request, answered whole: no redirect followed, the body read up to `max_bytes` (the client's
        cap by default), all of it within the deadline. `in_budget`: it counts against the account's
        in-flight limit (Twilio's API does; a storage host does not)."""
        self.stats.add(requests=1)
        shown = _display_url(url, kwargs.get("params"))
        limit = self.max_body_bytes if max_bytes is None else max_bytes
        response: requests.Response | None = None
        deadline = Deadline(self.deadline_seconds)
        try:
            # The slot is held until the whole body is read.
            with self.limit.slot() if in_budget else contextlib.nullcontext(), deadline:
                response = self._session.request(
                    method, url, timeout=self.timeout, allow_redirects=False, stream=True, **kwargs
                )
                if 300 <= response.status_code < 400:
                    raise self._redirect_refused(method, shown, response)
                body = self._read_capped(response, limit, method, shown)
                if deadline.expired:
                    # A cut can also read as a normal end (headers ending early, a body without a length).
                    raise requests.Timeout()
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,  # body cut short
            requests.exceptions.ContentDecodingError,
        ) as exc:
            if deadline.expired:
                raise TransientError(
                    f"no complete answer within {self.deadline_seconds:g} s (the deadline of a whole request) "
                    f"on {method} {shown}"
                ) from None
            raise TransientError(f"{type(exc).__name__} on {method} {shown}") from None
        finally:
            if response is not None:
                response.close()  # after the deadline is disarmed: the connection may go back to the pool
        if in_budget and response.status_code == 429:
            self.limit.throttled()
        elif in_budget and response.status_code < 400:
            self.limit.succeeded()
        return _Received(response.status_code, response.headers, body, response.encoding)

    def _read_capped(self, response: requests.Response, limit: int, method: str, shown: str) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(method, shown, f"announced {int(declared)} bytes", limit)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(chunk_size=_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:  # counted after decompression: a small gzip cannot unpack past the cap
                raise self._too_large(method, shown, f"sent more than {limit} bytes", limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, method: str, shown: str, what: str, limit: int) -> ResponseTooLarge:
        return ResponseTooLarge(
            f"{method} {shown} {what}, beyond the cap of {_size(limit)} per answer; a Twilio page of "
            f"{MAX_PAGE_SIZE} records is a few MB, so this is not Twilio's answer. Not read further. Fix: check "
            f"that {self.hosts.setting} points at Twilio or the sandbox."
        )

    def _redirect_refused(self, method: str, shown: str, response: requests.Response) -> RedirectRefused:
        location = response.headers.get("Location")
        target = shown_url(urljoin(response.url, location)) if location else "nowhere (no Location)"
        return RedirectRefused(
            f"{method} {shown} answered HTTP {response.status_code}, a redirect to {target}. Not followed: the "
            "request carries Twilio credentials, and Twilio does not redirect API calls, so the hosts "
            f"({self.hosts.setting}) or a proxy in between are probably wrong. Fix: point {self.hosts.setting} "
            "at Twilio or the sandbox directly."
        )

    def fetch_download(self, url: str, *, max_bytes: int = 1024 * 2**20) -> bytes:
        """GET a download location Twilio handed out (a BulkExport file on a storage host): deliberately
        without Twilio's credentials, https only (plain http for loopback, the sandbox), no redirect
        followed, outside the account's in-flight budget. The body is capped at `max_bytes`."""
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise UnexpectedResponse(
                f"refusing to download {shown_url(url)}: only https is fetched (plain http only on loopback)"
            )
        received = self._send("GET", url, max_bytes=max_bytes, in_budget=False, auth=_no_credentials)
        if received.status_code >= 400:
            raise UnexpectedResponse(f"GET {shown_url(url)} answered HTTP {received.status_code}")
        return received.body

    def _decode(self, method: str, url: str, response: _Received, params: Any) -> _Answer:
        shown = _display_url(url, params)
        body_text = response.text
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

    def _api_error(self, method: str, shown: str, response: _Received, body_text: str) -> TwilioAPIError:
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
            url=shown,
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
        read: dict[tuple, int] = {_page_identity(url, query): 0}  # every page asked for, and its number
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
            target = self._next_page_url(payload, first)
            if target is not None:
                identity = _page_identity(target, None)
                if identity in read:
                    raise UnexpectedResponse(
                        f"GET {_display_url(next_url, query)} (page {number}) names as its next page "
                        f"{shown_url(target)}, which is page {read[identity]} of the same listing: following it "
                        f"would loop for ever, so the listing fails. Twilio's pages never loop. Fix: check that "
                        f"{self.hosts.setting} points at Twilio or the sandbox."
                    )
                read[identity] = number + 1
            number += 1
            next_url, query = target, None

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
            raise UnexpectedResponse(
                f"next page points to another host ({shown_url(target)}) than the listing asked "
                f"({first.scheme}://{first.hostname}); refusing to follow it"
            )
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


def _size(count: int) -> str:
    return f"{count / 2**20:g} MiB" if count >= 2**20 else f"{count} bytes"


def _page_identity(url: str, params: dict[str, Any] | None) -> tuple:
    """What tells two page requests apart: host, path and query (in any order, params merged in)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, str(v)) for k, v in (params or {}).items()]
    return (parts.scheme, parts.netloc.lower(), parts.path, tuple(sorted(query)))


def _display_url(url: str, params: dict[str, Any] | None) -> str:
    if not params:
        return url
    return f"{url}?{urlencode(params)}"
