"""Sandbox product `v2010_lists`: message media and the accounts' short v2010 lists (see product.py)."""

from __future__ import annotations

from ..base import Product
from .product import V2010Lists

PRODUCTS: tuple[type[Product], ...] = (V2010Lists,)
