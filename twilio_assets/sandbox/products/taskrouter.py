"""Sandbox product module `taskrouter` (being built: see products/base.py for what it provides)."""

from __future__ import annotations

from .base import Product

PRODUCTS: tuple[type[Product], ...] = ()
