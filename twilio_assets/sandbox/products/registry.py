"""The product modules the sandbox serves, in the order their routes are tried.

Each module exposes `PRODUCTS`, the Product classes it defines (see base.py)."""

from __future__ import annotations

from . import conversations, messaging, monitor, studio, taskrouter, trunking, usage, v2010_lists, verify
from .base import Product

MODULES = (usage, v2010_lists, messaging, monitor, trunking, conversations, studio, verify, taskrouter)


def product_classes() -> list[type[Product]]:
    return [cls for module in MODULES for cls in module.PRODUCTS]
