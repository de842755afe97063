"""The three ways to authenticate to Twilio: Auth Token, API key, OAuth 2.0 client credentials."""

from __future__ import annotations

import base64
import threading
import time
from typing import Callable, Protocol


class Authenticator(Protocol):
    description: str

    def header(self) -> str: ...

    def invalidate(self) -> bool:
        """Forget any cached credential; True when a fresh one may fix a 401."""
        ...


class BasicAuth:
    """HTTP Basic: Account SID + Auth Token, or API key SID + API key secret."""

    def __init__(self, username: str, password: str, description: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._header = f"Basic {token}"
        self.description = description

    def header(self) -> str:
        return self._header

    def invalidate(self) -> bool:
        return False

    def __repr__(self) -> str:  # never show the secret
        return f"BasicAuth({self.description})"


class OAuthClientCredentials:
    """OAuth 2.0 client credentials: a bearer token from Twilio's token endpoint, cached until shortly
    before it expires and fetched again after a 401 (revoked or expired early)."""

    def __init__(
        self,
        *,
        fetch_token: Callable[[], tuple[str, float]],
        description: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # fetch_token returns (access_token, lifetime_seconds); the client supplies it so token
        # requests share its session, retries and error handling.
        self._fetch_token = fetch_token
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self.description = description

    def header(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                token, lifetime = self._fetch_token()
                # Refresh a little early (10% of the lifetime, at most a minute) so a token never
                # expires between the check and Twilio reading it.
                margin = min(60.0, lifetime * 0.1)
                self._token, self._refresh_at = token, self._clock() + lifetime - margin
            return f"Bearer {self._token}"

    def invalidate(self) -> bool:
        with self._lock:
            self._token = None
        return True

    def __repr__(self) -> str:
        return f"OAuthClientCredentials({self.description})"
