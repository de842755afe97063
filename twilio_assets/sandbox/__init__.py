"""A local, deterministic Twilio stand-in: REST API 2010-04-01 lists (and the message fetch),
Voice Insights lists and the OAuth v2 token endpoint on one port, with a movable clock and
fault knobs. `oracle.py` says what a correct sync of it must have stored.

State is a pure function of (SandboxConfig, clock): `World` computes exactly what
`SandboxServer` serves.
"""

from .config import SandboxConfig
from .server import SandboxServer
from .world import COLLECTIONS, World

__all__ = ["COLLECTIONS", "SandboxConfig", "SandboxServer", "World"]
