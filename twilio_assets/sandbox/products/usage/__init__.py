"""Sandbox product `usage`: daily usage records from a ledger of the world's own traffic, and usage triggers.

`PRODUCTS` is what the registry serves (see products/base.py); the ledger, the category tree and the
triggers are in this package's modules.
"""

from __future__ import annotations

from ..base import Product
from .product import UsageProduct

PRODUCTS: tuple[type[Product], ...] = (UsageProduct,)

__all__ = ["PRODUCTS", "UsageProduct"]
