"""A plain Twilio REST client (no Dagster): hosts, authentication, retries and paging."""

from .auth import BasicAuth, OAuthClientCredentials, OAuthRefreshToken
from .client import MAX_PAGE_SIZE, OAuthGrant, Page, RequestStats, TwilioClient
from .errors import (
    ConfigurationError,
    RedirectRefused,
    RefreshTokenRotated,
    ResponseTooLarge,
    TransientError,
    TwilioAPIError,
    TwilioError,
    UnexpectedResponse,
)
from .hosts import Hosts
from .limiter import InFlightLimit, SharedSlots

__all__ = [
    "MAX_PAGE_SIZE",
    "BasicAuth",
    "ConfigurationError",
    "Hosts",
    "InFlightLimit",
    "SharedSlots",
    "OAuthClientCredentials",
    "OAuthGrant",
    "OAuthRefreshToken",
    "Page",
    "RedirectRefused",
    "RefreshTokenRotated",
    "ResponseTooLarge",
    "RequestStats",
    "TransientError",
    "TwilioAPIError",
    "TwilioClient",
    "TwilioError",
    "UnexpectedResponse",
]
