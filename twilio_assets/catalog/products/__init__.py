"""The collections beyond the first ten, one module per Twilio product family, in catalogue order."""

from __future__ import annotations

from . import conversations, messaging, monitor, studio, taskrouter, trunking, usage, v2010_lists, verify

FAMILIES = (usage, v2010_lists, messaging, monitor, trunking, conversations, studio, verify, taskrouter)
