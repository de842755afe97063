"""What a sandbox product is: the routes it answers and, for the oracle, the records a sync must store.

The collections beyond the first ten live in one module per Twilio product (usage, messaging,
conversations, ...). Each is built once per sandbox from the World (accounts, seed, clock) and keeps
its own state as a pure function of those, like the rest of the world: the same seed and clock give
the same records, and moving the clock changes them the way Twilio's do.

Routing: a product's routes name the Twilio host that serves them. `api` routes answer the v2010 paths
(`/2010-04-01/Accounts/{AccountSid}/...`) as they are; every other host is served under a path prefix
(`/messaging/v1/Services` is `https://messaging.twilio.com/v1/Services`), since one port stands in for
all hosts and two hosts have the same paths (messaging's and conversations' `/v1/Services`). A handler
sees the request with the prefix removed from `path` and added to `base_url`, so the absolute URLs it
builds (`meta.next_page_url`, `url`, `links`) point back at the sandbox under the right prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import SandboxApp
    from ..auth import Principal
    from ..http_types import Request, Response
    from ..world import World

# Twilio's hosts other than api/insights/oauth, each served under `/{host}` (see above).
PREFIXED_HOSTS = ("messaging", "conversations", "studio", "verify", "monitor", "trunking", "taskrouter")

Handler = Callable[["Request", "Principal", "re.Match[str]"], "dict | Response"]


@dataclass(frozen=True)
class Route:
    host: str  # "api" for v2010 paths, else one of twilio_api.hosts.PRODUCT_HOSTS ("messaging", ...)
    pattern: re.Pattern[str]  # matched in full against the path without the host prefix
    handler: Handler


class Product:
    """Base of a product module's state. Subclasses set `name`, `collections`, and implement
    `routes()` and `expected()`; `__init__` receives the World and must stay cheap (build lazily)."""

    name: str = ""
    # The catalogue names this product serves; the oracle asks it for exactly these.
    collections: tuple[str, ...] = ()

    def __init__(self, world: World) -> None:
        self.world = world

    def routes(self, app: SandboxApp) -> tuple[Route, ...]:
        """The routes, as closures over `app` (its page-token codec `app.tokens`, `app.world`)."""
        raise NotImplementedError

    def expected(self, collection: str, account_sids: list[str], days: list[date] | None) -> Iterator[dict[str, Any]]:
        """The records a correct sync of `days` (None: every sandbox day) stores for `collection`,
        exactly as its raw JSON column holds them, for the given accounts. Computed from this
        product's own state, never from the engine or the catalogue. On the hosts other than `api`
        only the credentials' own account answers: that is the first of `account_sids`."""
        raise NotImplementedError
