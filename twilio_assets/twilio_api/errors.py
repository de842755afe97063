"""Errors from talking to Twilio, written for the person who has to fix them.

None of these ever carries a credential: messages are built from the URL (credentials travel in the
Authorization header, never in the URL) and from Twilio's error body.
"""

from __future__ import annotations

# What to do about the Twilio error codes a read-only sync meets.
_FIXES = {
    20003: "check the credentials ({credentials}); an OAuth access token may also have expired",
    20403: "the account lacks a permission or feature this endpoint needs, or it is suspended or closed",
    20404: "check the account SID and the base URL; a subaccount SID must belong to the authenticated account",
    20429: "Twilio limits requests in flight per account: lower the number of runs or steps syncing at once",
    20007: "PageSize must be between 1 and 1000",
    20001: "a request parameter was rejected; this is a bug in twilio_assets, please report it",
    70051: "the API key or OAuth app lacks a permission: grant it read access to this resource",
}


class TwilioError(Exception):
    """Base class for errors raised by the Twilio client."""


class TwilioAPIError(TwilioError):
    """Twilio answered with an error status (after any retries)."""

    def __init__(
        self,
        *,
        status: int,
        method: str,
        url: str,
        code: int | None = None,
        message: str | None = None,
        more_info: str | None = None,
        credentials_hint: str = "the TWILIO_* credential variables",
        fix: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.twilio_message = message
        self.more_info = more_info
        self.url = url
        parts = [f"Twilio answered HTTP {status}"]
        if code is not None:
            parts.append(f" (error {code}: {message or 'no message'})")
        elif message:
            parts.append(f" ({message})")
        parts.append(f" for {method} {url}.")
        if more_info:
            parts.append(f" More: {more_info}.")
        if fix is None:  # else the caller knows better what to do (the OAuth token endpoint's grants)
            template = _FIXES.get(code or 0) or (_FIXES[20003] if status == 401 else None)
            fix = template.format(credentials=credentials_hint) if template else None
        if fix:
            parts.append(" Fix: " + fix + ".")
        super().__init__("".join(parts))


class TransientError(TwilioError):
    """A failure worth retrying: 429, 5xx, a dropped connection, a timeout or a truncated body."""

    def __init__(self, message: str, *, retry_after: float | None = None, api_error: TwilioAPIError | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.api_error = api_error


class UnexpectedResponse(TwilioError):
    """Twilio answered 200 with a body this client cannot use (not JSON, no list key, foreign next page)."""


class ConfigurationError(TwilioError):
    """The Twilio settings are incomplete or contradictory."""


class RedirectRefused(UnexpectedResponse):
    """A 3xx from Twilio's API or token endpoint: never followed (the request carried credentials), never retried."""


class ResponseTooLarge(UnexpectedResponse):
    """A body beyond the client's cap: not a Twilio page, refused instead of read into memory."""


class RefreshTokenRotated(ConfigurationError):
    """The token endpoint answered a new refresh token, which this project has no safe place to keep."""
