"""OAuth 2.0 authorization-code flow: the consent page and the two grants it adds to the token endpoint.

* `GET /v2/authorize?response_type=code&client_id=…&redirect_uri=…&state=…&scope=…` answers a small HTML
  page naming the OAuth app and the account, with **Allow** and **Deny**. Twilio itself redirects to its
  Console, where the user signs in and consents; the sandbox has no Console, so it is the consent page
  (its one user is the main account's owner, always signed in).
* `POST /v2/authorize` is that page's form. Allow: 302 to `redirect_uri?code=…&state=…`; Deny: 302 to
  `redirect_uri?error=access_denied&state=…`. The 302 body is the spec's `{"redirect_to": …}`.
* `POST /v2/token` with `grant_type=authorization_code` (code, redirect_uri, client_id, client_secret)
  answers an access token and a refresh token; with `grant_type=refresh_token` (refresh_token,
  client_id, client_secret) a new access token and the same refresh token (no rotation).
  `client_credentials` stays in auth.py.

Codes are opaque, single-use (the first exchange consumes one, whatever its outcome) and live
`code_ttl_seconds` (wall clock, 120 s by default). Refresh tokens are JWTs signed with their own key, so
one can never pass as a bearer token nor an access token as a refresh token; they carry the client and
the account, do not expire, and stay valid as long as the seed and the OAuth client secret do.
Access tokens from these grants are the same bearer tokens as client credentials give.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .auth import Authenticator, Principal, _b64, _unb64
from .config import SandboxConfig
from .errors import ApiError, invalid_parameter
from .filters import first_values
from .http_types import Request, Response
from .world import World

APP_NAME = "twilio_assets Connect (sandbox OAuth app)"
CODE_TTL_SECONDS = 120.0
GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
# The sandbox's stand-in for the OAuth app's registered Redirect URLs: any loopback http(s) URL.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True)
class _Code:
    """What an authorization code stands for."""

    client_id: str
    redirect_uri: str
    account_sid: str
    scope: str
    expires_at: float


@dataclass(frozen=True)
class _AuthorizeRequest:
    response_type: str
    client_id: str
    redirect_uri: str
    state: str
    scope: str

    def fields(self) -> dict[str, str]:
        return {
            "response_type": self.response_type,
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "scope": self.scope,
        }


def _invalid_client() -> ApiError:
    # As for client credentials: the oauth v2 spec documents only 400 (and 500) on the token endpoint.
    return ApiError(400, 20003, "Invalid client credentials")


class OAuthConsent:
    def __init__(self, config: SandboxConfig, world: World, auth: Authenticator):
        self.config = config
        self.world = world
        self.auth = auth
        self.code_ttl_seconds = CODE_TTL_SECONDS
        secret = config.oauth_client_secret
        self._refresh_key = hashlib.sha256(f"{config.seed}:refresh-token:{secret}".encode()).digest()
        self._form_key = hashlib.sha256(f"{config.seed}:consent-form:{secret}".encode()).digest()
        self._codes: dict[str, _Code] = {}
        self._lock = threading.Lock()
        self._serial = itertools.count(1)

    # --- /v2/authorize ------------------------------------------------------------------

    def authorize(self, req: Request) -> Response:
        if req.method == "GET":
            ask = self._authorize_request(first_values(req.query))
            if ask.response_type != "code":
                return self._back(ask, {"error": "unsupported_response_type"})
            return Response(200, self._page(ask), {"Content-Type": "text/html; charset=utf-8", **_NO_STORE})
        if req.method == "POST":
            form = req.form()
            ask = self._authorize_request(form)
            if not hmac.compare_digest(form.get("form_key", ""), self._form_signature(ask)):
                raise invalid_parameter(
                    "The consent form was altered or is not this sandbox's: open /v2/authorize again"
                )
            if form.get("decision") == "allow":
                return self._back(ask, {"code": self._new_code(ask)})
            return self._back(ask, {"error": "access_denied", "error_description": "The user denied the request"})
        raise ApiError(405, 20004, f"Method {req.method} not allowed", {"Allow": "GET, POST"})

    def _authorize_request(self, params: dict[str, str]) -> _AuthorizeRequest:
        ask = _AuthorizeRequest(
            response_type=params.get("response_type", ""),
            client_id=params.get("client_id", ""),
            redirect_uri=params.get("redirect_uri", ""),
            state=params.get("state", ""),
            scope=params.get("scope", ""),
        )
        # Without a known client and an allowed redirect_uri nothing can be sent back: answer here.
        if not hmac.compare_digest(ask.client_id, self.config.oauth_client_id):
            raise invalid_parameter("Unknown OAuth app: client_id is not an OAuth app's client ID")
        if not _loopback(ask.redirect_uri):
            raise invalid_parameter(
                "redirect_uri is not a Redirect URL of this OAuth app (the sandbox accepts http://127.0.0.1, "
                "http://localhost and http://[::1] URLs, any port and path)"
            )
        return ask

    def _back(self, ask: _AuthorizeRequest, params: dict[str, str]) -> Response:
        if ask.state:
            params = {**params, "state": ask.state}
        target = _with_query(ask.redirect_uri, params)
        return Response(302, {"redirect_to": target}, {"Location": target, **_NO_STORE})

    def _new_code(self, ask: _AuthorizeRequest) -> str:
        code = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            for stale in [c for c, grant in self._codes.items() if grant.expires_at <= now]:
                del self._codes[stale]
            self._codes[code] = _Code(
                ask.client_id, ask.redirect_uri, self.config.main_account_sid, ask.scope, now + self.code_ttl_seconds
            )
        return code

    def _form_signature(self, ask: _AuthorizeRequest) -> str:
        # Ties the submitted decision to the request this sandbox validated and rendered.
        message = json.dumps(ask.fields(), sort_keys=True).encode()
        return hmac.new(self._form_key, message, hashlib.sha256).hexdigest()

    def _page(self, ask: _AuthorizeRequest) -> str:
        account = self.world.account(self.config.main_account_sid)
        name = account.friendly_name if account is not None else self.config.main_account_sid
        e = html.escape
        hidden = "\n".join(
            f'<input type="hidden" name="{e(k)}" value="{e(v)}">'
            for k, v in {**ask.fields(), "form_key": self._form_signature(ask)}.items()
        )
        scopes = ", ".join(e(s) for s in ask.scope.split()) or "(none named)"
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {e(APP_NAME)} – Twilio sandbox</title>
<style>body{{font-family:sans-serif;max-width:36rem;margin:3rem auto;line-height:1.5}}
button{{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}}code{{background:#f3f3f3;padding:0 .2rem}}</style>
</head><body>
<h1>Authorize {e(APP_NAME)}</h1>
<p>Signed in to the Twilio sandbox as the owner of <strong>{e(name)}</strong>
(<code>{e(self.config.main_account_sid)}</code>).</p>
<p>The OAuth app <strong>{e(APP_NAME)}</strong> (client ID <code>{e(ask.client_id)}</code>) asks to read
this account and its subaccounts. Requested scope: {scopes}.</p>
<p>Your answer is sent to <code>{e(ask.redirect_uri)}</code>.</p>
<form method="post" action="/v2/authorize">
{hidden}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body></html>
"""

    # --- /v2/token ----------------------------------------------------------------------

    def token(self, form: dict[str, str], query: dict[str, str]) -> dict:
        grant_type = form.get("grant_type", "")
        if grant_type not in GRANT_TYPES:
            raise invalid_parameter(f"Unsupported grant_type: use {', '.join(GRANT_TYPES[:-1])} or {GRANT_TYPES[-1]}")
        if grant_type == "client_credentials":
            return self.auth.issue_token(form, query)
        self._check_client(form)
        if grant_type == "authorization_code":
            return self._redeem_code(form, query)
        return self._redeem_refresh_token(form, query)

    def _check_client(self, form: dict[str, str]) -> None:
        cfg = self.config
        if not (
            hmac.compare_digest(form.get("client_id", ""), cfg.oauth_client_id)
            and hmac.compare_digest(form.get("client_secret", ""), cfg.oauth_client_secret)
        ):
            raise _invalid_client()

    def _redeem_code(self, form: dict[str, str], query: dict[str, str]) -> dict:
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use, whatever happens next
        if grant is None or grant.expires_at <= time.time() or grant.client_id != form.get("client_id"):
            raise invalid_parameter("Invalid authorization code: unknown, already used, expired, or another app's")
        if form.get("redirect_uri", "") != grant.redirect_uri:
            raise invalid_parameter("redirect_uri does not match the redirect_uri of the authorization request")
        account_sid = self._on_behalf_of(grant.account_sid, query)
        return self.auth.token_response(account_sid, self._refresh_token(grant))

    def _redeem_refresh_token(self, form: dict[str, str], query: dict[str, str]) -> dict:
        presented = form.get("refresh_token", "")
        claims = self._refresh_claims(presented)
        if claims is None or claims.get("iss") != form.get("client_id"):
            raise invalid_parameter("Invalid refresh token: not issued by this OAuth app, or altered")
        account_sid = self._on_behalf_of(claims["sub"], query)
        # The same refresh token keeps working: the sandbox does not rotate refresh tokens.
        return self.auth.token_response(account_sid, presented)

    def _on_behalf_of(self, granted: str, query: dict[str, str]) -> str:
        """The granted account, or one it reaches (a subaccount) named by `account_sid`."""
        if self.world.account(granted) is None:
            raise invalid_parameter("Invalid grant: its account no longer exists")
        wanted = query.get("account_sid") or granted
        if self.world.account(wanted) is None or not _reaches(self.world, granted, wanted):
            raise invalid_parameter("Invalid account_sid")
        return wanted

    def _refresh_token(self, grant: _Code) -> str:
        issued = int(time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = _b64(
            json.dumps(
                {
                    "iss": grant.client_id,
                    "sub": grant.account_sid,
                    "aud": "twilio-sandbox-refresh",
                    "scope": grant.scope,
                    "iat": issued,
                    "jti": f"{issued}-{next(self._serial)}-{secrets.token_hex(4)}",
                }
            ).encode()
        )
        signature = _b64(hmac.new(self._refresh_key, f"{header}.{claims}".encode(), hashlib.sha256).digest())
        return f"{header}.{claims}.{signature}"

    def _refresh_claims(self, token: str) -> dict | None:
        try:
            header, claims, signature = token.split(".")
            expected = hmac.new(self._refresh_key, f"{header}.{claims}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(_unb64(signature), expected):
                return None
            payload = json.loads(_unb64(claims))
        except ValueError:  # binascii.Error and JSON errors are ValueErrors
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("sub"), str):
            return None
        return payload


def _reaches(world: World, granted: str, wanted: str) -> bool:
    return Principal(granted, "oauth").can_access(world, wanted)


def _loopback(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK_HOSTS and not parts.fragment


def _with_query(uri: str, params: dict[str, str]) -> str:
    """`uri` with `params` added to its query (any query it has is kept, as OAuth requires)."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
