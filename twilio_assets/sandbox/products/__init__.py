"""The sandbox's products beyond the first ten collections, one module each (see base.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Product, Route

if TYPE_CHECKING:
    from ..world import World


def build_products(world: World) -> tuple[Product, ...]:
    """Every product, built on the world. Import inside so a product module can use the world's modules."""
    from . import registry

    return tuple(cls(world) for cls in registry.product_classes())


__all__ = ["Product", "Route", "build_products"]
