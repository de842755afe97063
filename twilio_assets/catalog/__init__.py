"""The declarative catalogue: column kinds, the shape of a collection, and the collections synced."""

from .collection import Api, Collection
from .collections import ALL_COLLECTIONS, BY_NAME
from .columns import Column, Kind, MalformedValue

__all__ = ["ALL_COLLECTIONS", "BY_NAME", "Api", "Collection", "Column", "Kind", "MalformedValue"]
