"""Sandbox product `conversations`: Twilio Conversations (conversations.twilio.com/v1)."""

from __future__ import annotations

from ..base import Product
from .product import ConversationsProduct

PRODUCTS: tuple[type[Product], ...] = (ConversationsProduct,)
