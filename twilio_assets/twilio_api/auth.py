"""The ways to authenticate to Twilio: Auth Token, API key, OAuth 2.0 client credentials, and an OAuth 2.0
refresh token (from the authorization-code flow, see twilio_assets.connect)."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from typing import Protocol

from .errors import RefreshTokenRotated


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


class OAuthRefreshToken(OAuthClientCredentials):
    """OAuth 2.0 refresh token (the authorization-code flow): access tokens are redeemed from the refresh
    token at Twilio's token endpoint, cached and renewed like client-credentials tokens (a little before
    they expire, and once more after a 401).

    `redeem(refresh_token)` returns (access_token, lifetime_seconds, refresh_token_or_None). Twilio's
    documentation does not say it rotates refresh tokens, and the sandbox does not. Should it answer a
    different one, that is refused (RefreshTokenRotated): the new token would live in this process only,
    while every other step and run redeems the configured one, which Twilio may then refuse."""

    def __init__(
        self,
        *,
        refresh_token: str,
        redeem: Callable[[str], tuple[str, float, str | None]],
        description: str,
        variable: str = "TWILIO_OAUTH_REFRESH_TOKEN",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not refresh_token:
            raise ValueError("an OAuth refresh token is required")
        self._refresh_token = refresh_token
        self._redeem = redeem
        self.variable = variable
        super().__init__(fetch_token=self._renew, description=description, clock=clock)

    def _renew(self) -> tuple[str, float]:
        # Called under the lock held by header(): one redemption at a time.
        token, lifetime, answered = self._redeem(self._refresh_token)
        if answered and answered != self._refresh_token:
            # Neither token is kept or shown: the one Twilio answered is dropped here.
            raise RefreshTokenRotated(
                f"Twilio's token endpoint answered a new refresh token in exchange for the one in {self.variable} "
                "(it rotated it). twilio_assets has no safe place to keep a rotated token where every step and "
                "run would read it, and Twilio may no longer accept the old one, so the run stops instead of "
                f"going on with a token only this process knows. Fix: run `python -m twilio_assets.connect "
                f"--instance <name>` and set {self.variable} to the refresh token it gives; if Twilio rotates it "
                "again, this OAuth app cannot be used here: authenticate with an API key or an OAuth app's "
                "client credentials instead."
            )
        return token, lifetime

    def __repr__(self) -> str:  # never show the refresh token
        return f"OAuthRefreshToken({self.description})"
