"""One authorization-code exchange: the state that ties Twilio's answer to this run, the authorize URL,
and what a callback leads to (a token, a refusal, or a request to ignore)."""

from __future__ import annotations

import hmac
import secrets
import shlex
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..twilio_api import OAuthGrant, TwilioError
from . import pages
from .settings import ConnectError, ConnectSettings
from .store import write_secret

# Twilio's spec gives offline_access as the example scope of /v2/authorize: the one that asks for a
# refresh token.
SCOPE = "offline_access"
# No PKCE (RFC 7636), deliberately: neither Twilio's OAuth documentation nor its OpenAPI description of
# /v2/authorize and /v2/token lists code_challenge or code_verifier, so nothing says Twilio checks them,
# and an unchecked challenge protects nothing. What PKCE would add is covered here: the code is tied to
# this run by `state`, can be redeemed only with the client secret (which never leaves this process),
# and the page refuses requests under a foreign Host, so no other site can read its state. Revisit
# when Twilio documents PKCE.
CALLBACK_PATH = "/callback"

Exchange = Callable[[str, str], OAuthGrant]  # (code, redirect_uri) -> grant


@dataclass(frozen=True)
class Answer:
    """What the callback answers the browser and, when `final`, what the command reports and exits with."""

    status: int
    page: str
    final: bool = False
    exit_code: int = 0
    report: str = ""  # for the terminal; never holds a secret


class ConnectFlow:
    def __init__(self, settings: ConnectSettings, redirect_uri: str, exchange: Exchange, store: Path | None = None):
        self.settings = settings
        self.redirect_uri = redirect_uri
        self.store = store
        self._exchange = exchange
        self._state = secrets.token_urlsafe(32)
        self._lock = threading.Lock()
        self._finished = False

    @property
    def authorize_url(self) -> str:
        return f"{self.settings.hosts.oauth}/v2/authorize"

    def authorize_fields(self) -> dict[str, str]:
        return {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self._state,
            "scope": SCOPE,
        }

    def start_page(self) -> str:
        s = self.settings
        return pages.start(s.instance.name, s.client_id, self.authorize_url, self.authorize_fields(), self.redirect_uri)

    def callback(self, query: Mapping[str, str]) -> Answer:
        with self._lock:  # one exchange at a time, and none after the first that ended the run
            if self._finished:
                return Answer(
                    409,
                    pages.failed("This run has already finished.", "Run the command again to connect.", retry=False),
                )
            answer = self._callback(query)
            self._finished = answer.final
            return answer

    def _callback(self, query: Mapping[str, str]) -> Answer:
        if not hmac.compare_digest(query.get("state", ""), self._state):
            return Answer(
                400,
                pages.failed(
                    "The state of this answer does not match this run's: it comes from another page, an older run, "
                    "or someone else. Nothing was exchanged.",
                    "Click Connect on this run's page and answer Twilio there.",
                    retry=True,
                ),
            )
        error = query.get("error")
        if error == "access_denied":
            return self._refused(
                "Consent was denied on Twilio's page, so Twilio sent no code. Nothing was stored.",
                "Run the command again and click Allow (ask the account's owner if you may not).",
            )
        if error:
            return self._refused(
                f"Twilio answered error {error!r}"
                + (f" ({query['error_description'][:300]})" if query.get("error_description") else "")
                + " instead of a code. Nothing was stored.",
                f"Check that OAuth app {self.settings.client_id} uses grant type Authorization code, lists "
                f"{self.redirect_uri} among its Redirect URLs and may ask for {SCOPE}; then run this again.",
            )
        code = query.get("code", "")
        if not code:
            return Answer(
                400,
                pages.failed("Twilio's answer has neither a code nor an error.", "Click Connect again.", retry=True),
            )
        try:
            grant = self._exchange(code, self.redirect_uri)
        except TwilioError as exc:
            return self._refused(
                f"Exchanging the code at Twilio failed: {exc}", "Fix what the message says, then run the command again."
            )
        if not grant.refresh_token:
            return self._refused(
                "Twilio exchanged the code but issued no refresh token.",
                f"Make sure OAuth app {self.settings.client_id} uses grant type Authorization code and may ask for "
                f"{SCOPE}, then run this again.",
            )
        return self._deliver(grant.refresh_token)

    def _deliver(self, token: str) -> Answer:
        s = self.settings
        name = s.instance.name
        if self.store is None:
            return Answer(
                200,
                pages.shown(name, s.refresh_variable, token, s.client_variables),
                final=True,
                report=(
                    f"Connected instance {name!r}. The refresh token is shown once, on the page in your browser: set it "
                    f"as {s.refresh_variable} (next to {s.client_variables}). It is not printed here."
                ),
            )
        try:
            write_secret(self.store, s.refresh_variable, token)
        except ConnectError as exc:
            return self._refused(str(exc), "The token was not kept anywhere: fix the path and run this again.")
        return Answer(
            200,
            pages.stored(name, s.refresh_variable, str(self.store)),
            final=True,
            report=(
                f"Connected instance {name!r}. The refresh token is stored in {self.store} (mode 0600) as "
                f"{s.refresh_variable}. Load it with: set -a; . {shlex.quote(str(self.store))}; set +a"
            ),
        )

    def _refused(self, problem: str, fix: str) -> Answer:
        return Answer(
            400, pages.failed(problem, fix, retry=False), final=True, exit_code=1, report=f"{problem} Fix: {fix}"
        )
