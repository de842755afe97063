"""Listings read in parallel threads, their pages handed to one consumer thread in arrival order.

Each listing is a chain of pages (each page names the next), so a listing is read by one thread at a
time, and several listings (the days of a backfill, the parents of a per-parent read) are read at
once. How many requests are really in flight is the client's in-flight limit's business; this only
keeps enough listings going to use it. At most a few pages wait for the consumer, so memory stays
flat however large the day.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..read_modes import Listing
from ..twilio_api import Page, TwilioClient


@dataclass(frozen=True)
class PageRead:
    listing: Listing
    page: Page


@dataclass(frozen=True)
class ListingFailed:
    listing: Listing
    error: BaseException


@dataclass(frozen=True)
class ListingDone:
    listing: Listing


Event = PageRead | ListingFailed | ListingDone


class ParallelReader:
    """`for event in reader.events(): …`, calling `reader.add(…)` and `reader.stop(…)` as pages arrive."""

    def __init__(self, client: TwilioClient, list_key: str, parallel: int) -> None:
        self._client = client
        self._list_key = list_key
        self._parallel = max(1, parallel)
        self._events: queue.Queue = queue.Queue(maxsize=self._parallel + 2)
        self._closing = threading.Event()
        # Listings the consumer is done with, by id; holding them keeps their ids from being reused.
        self._stopped: dict[int, Listing] = {}
        self._stopped_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._outstanding = 0

    def add(self, listings: Iterable[Listing]) -> None:
        assert self._executor is not None, "add() is for use while events() runs"
        for listing in listings:
            self._outstanding += 1
            self._executor.submit(self._read, listing)

    def stop(self, listing: Listing) -> None:
        """Read no further pages of `listing` (a newest-first scan went past its window)."""
        with self._stopped_lock:
            self._stopped[id(listing)] = listing

    def events(self, listings: Iterable[Listing]) -> Iterator[Event]:
        # Each round (a plan's listings, then its follow-ups) starts with a fresh pool and no stops.
        self._closing = threading.Event()
        self._events = queue.Queue(maxsize=self._parallel + 2)
        self._outstanding = 0
        self._stopped = {}
        self._executor = ThreadPoolExecutor(max_workers=self._parallel, thread_name_prefix="twilio-listing")
        try:
            self.add(listings)
            while self._outstanding:
                event = self._events.get()
                if not isinstance(event, PageRead):
                    self._outstanding -= 1
                elif self._is_stopped(event.listing):
                    continue  # read ahead before the consumer stopped the listing: not wanted
                yield event
        finally:
            self._closing.set()  # the consumer failed or finished: let the threads quit
            self._drain()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _drain(self) -> None:
        while True:
            try:
                self._events.get_nowait()
            except queue.Empty:
                return

    def _offer(self, event: Event) -> bool:
        while not self._closing.is_set():
            try:
                self._events.put(event, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _is_stopped(self, listing: Listing) -> bool:
        with self._stopped_lock:
            return id(listing) in self._stopped

    def _read(self, listing: Listing) -> None:
        if self._closing.is_set():
            return
        try:
            if listing.single:
                payload = self._client.get_json(listing.url, listing.params or None)
                if not self._offer(PageRead(listing, Page(records=[payload], url=listing.url, number=0))):
                    return
            else:
                for page in self._client.pages(
                    listing.url, listing.params, self._list_key_for(listing), prefetch=False
                ):
                    if not self._offer(PageRead(listing, page)) or self._is_stopped(listing):
                        break
        except BaseException as exc:  # handed to the consumer, who decides
            self._offer(ListingFailed(listing, exc))
            return
        self._offer(ListingDone(listing))

    def _list_key_for(self, listing: Listing) -> str:
        return listing.list_key or self._list_key
