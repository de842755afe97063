"""Who is calling: HTTP Basic (account SID + auth token, or API key + secret) or an OAuth
bearer token minted by POST /v2/token.

Bearer tokens are HS256 JWTs with a real wall-clock `exp` (the world clock is simulated,
token lifetimes are not), so token refresh can be tested in real time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from .config import NICKNAMES_MAIN, SandboxConfig
from .errors import ApiError, authenticate_error, invalid_parameter
from .world import World


@dataclass(frozen=True)
class Principal:
    account_sid: str
    method: str  # "auth-token" | "api-key" | "oauth"

    def can_access(self, world: World, account_sid: str) -> bool:
        if account_sid == self.account_sid:
            return True
        # A main account's credentials reach its subaccounts; never the other way round.
        own = world.account(self.account_sid)
        target = world.account(account_sid)
        return own is not None and target is not None and own.nickname == NICKNAMES_MAIN


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    def __init__(self, config: SandboxConfig, world: World, ttl: Callable[[], int]):
        self.config = config
        self.world = world
        self._ttl = ttl
        self._key = hashlib.sha256(f"{config.seed}:jwt:{config.oauth_client_secret}".encode()).digest()
        self._serial = itertools.count(1)
        self._tokens = {config.account_sid_of(n): config.account_auth_token(n) for n in config.nicknames}

    # --- requests --------------------------------------------------------------------

    def authenticate(self, header: str | None) -> Principal:
        if not header:
            raise authenticate_error()
        scheme, _, value = header.strip().partition(" ")
        if scheme.lower() == "basic":
            return self._basic(value.strip())
        if scheme.lower() == "bearer":
            return self._bearer(value.strip())
        raise authenticate_error()

    def _basic(self, value: str) -> Principal:
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise authenticate_error() from None
        if user in self._tokens and hmac.compare_digest(password, self._tokens[user]):
            return Principal(user, "auth-token")
        cfg = self.config
        if user == cfg.api_key_sid and hmac.compare_digest(password, cfg.api_key_secret):
            return Principal(cfg.main_account_sid, "api-key")
        raise authenticate_error()

    def _bearer(self, token: str) -> Principal:
        try:
            header, claims, signature = token.split(".")
            expected = hmac.new(self._key, f"{header}.{claims}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(_unb64(signature), expected):
                raise ValueError("bad signature")
            payload = json.loads(_unb64(claims))
        except (ValueError, binascii.Error):
            raise authenticate_error() from None
        if payload.get("exp", 0) <= time.time() or payload.get("sub") not in self._tokens:
            raise authenticate_error()
        return Principal(payload["sub"], "oauth")

    # --- POST /v2/token --------------------------------------------------------------

    def issue_token(self, form: dict[str, str], query: dict[str, str]) -> dict:
        cfg = self.config
        if form.get("grant_type") != "client_credentials":
            raise invalid_parameter(
                "Unsupported grant_type: use client_credentials, authorization_code or refresh_token"
            )
        if not (
            hmac.compare_digest(form.get("client_id", ""), cfg.oauth_client_id)
            and hmac.compare_digest(form.get("client_secret", ""), cfg.oauth_client_secret)
        ):
            # The oauth v2 spec documents only 400 and 500 for this operation.
            raise ApiError(400, 20003, "Invalid client credentials")
        account_sid = query.get("account_sid") or cfg.main_account_sid
        if account_sid not in self._tokens:
            raise invalid_parameter("Invalid account_sid")
        return self.token_response(account_sid)

    def token_response(self, account_sid: str, refresh_token: str | None = None) -> dict:
        """A token endpoint answer: a fresh access token for `account_sid` (and the refresh token the
        grant comes with, if any). Shared with the authorization-code grants (oauth_consent.py)."""
        cfg = self.config
        ttl = int(self._ttl())
        issued = int(time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = _b64(
            json.dumps(
                {
                    "iss": cfg.oauth_client_id,
                    "sub": account_sid,
                    "aud": "twilio-sandbox",
                    "iat": issued,
                    "exp": issued + ttl,
                    "jti": f"{issued}-{next(self._serial)}",
                }
            ).encode()
        )
        signature = _b64(hmac.new(self._key, f"{header}.{claims}".encode(), hashlib.sha256).digest())
        return {
            "access_token": f"{header}.{claims}.{signature}",
            "token_type": "Bearer",
            "expires_in": ttl,
            "refresh_token": refresh_token,
            "id_token": None,
        }
