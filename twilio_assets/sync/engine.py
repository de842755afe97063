"""The one generic engine: list a collection's window from Twilio page by page and upsert it.

Everything collection-specific comes from the catalogue entry. Each account's part of a sync is one
database transaction: it lands whole, or leaves that account's rows as they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from ..catalog import Api, Collection, ReadMode
from ..twilio_api import Page, TwilioAPIError, TwilioClient, TwilioError
from ..warehouse import MergeCounts, Merger, SchemaMismatch, ensure_schema, ensure_table, table_for
from .log import record_sync
from .rows import MalformedRecord, Redaction, build_row
from .window import Window, iso_z

Log = Callable[[str], None]


class SyncError(RuntimeError):
    """A sync failed; the message says which collection, account and window, and that it was rolled back."""


@dataclass
class ScopeCounts:
    """What one account's (or the account list's) sync did."""

    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    pages: int = 0


@dataclass
class SyncResult(ScopeCounts):
    collection: str = ""
    table: str = ""
    window: str = ""
    retries: int = 0
    requests: int = 0
    seconds: float = 0.0
    accounts_synced: list[str] = field(default_factory=list)
    accounts_skipped: dict[str, str] = field(default_factory=dict)

    def add(self, scope: ScopeCounts) -> None:
        for name in ("fetched", "inserted", "updated", "unchanged", "deleted", "pages"):
            setattr(self, name, getattr(self, name) + getattr(scope, name))

    @property
    def records_per_second(self) -> float:
        return self.fetched / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class _Listing:
    """One paged listing to read: where, with which filters, and how to treat what comes back."""

    url: str
    params: dict[str, str]
    scan_until: Window | None = None  # newest-first scan: stop once records are older than the window


class _Progress:
    """Logs how far a large sync has got, every few seconds rather than every record."""

    def __init__(self, log: Log, label: str, every_seconds: float) -> None:
        self._log, self._label, self._every = log, label, every_seconds
        self._started = self._last = time.monotonic()

    def tick(self, result: ScopeCounts, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self._every:
            self._last = now
            elapsed = max(now - self._started, 1e-9)
            self._log(
                f"{self._label}: {result.fetched:,} records in {result.pages:,} pages "
                f"({result.fetched / elapsed:,.0f} records/s)"
            )


def sync_collection(
    *,
    client: TwilioClient,
    connection: Any,
    schema: str,
    collection: Collection,
    window: Window,
    accounts: Sequence[str],
    main_account_sid: str,
    run_id: str,
    redaction: Redaction = Redaction(),
    log: Log = lambda message: None,
    progress_every_seconds: float = 5.0,
) -> SyncResult:
    """Sync one collection's window for the given accounts into `schema`.

    Each account is one transaction: it lands whole or not at all, and an account that fails leaves
    the accounts synced before it in place (a re-run redoes it idempotently).
    """
    table = table_for(schema, collection)
    result = SyncResult(collection=collection.name, table=str(table), window=str(window))
    started = time.monotonic()
    requests_before, retries_before = client.stats.requests, client.stats.retries
    progress = _Progress(log, f"{collection.name} {window}", progress_every_seconds)
    scopes: Sequence[str | None] = accounts if collection.per_account else [None]
    ensure_schema(connection, schema)
    for account in scopes:
        label = account or "all accounts"
        try:
            with connection:  # commit on success, roll back on any error
                with connection.cursor() as cursor:
                    ensure_table(cursor, table, collection)
                    merger = Merger(cursor, table, collection, run_id)
                    scope = _sync_scope(client, merger, collection, window, account, main_account_sid, redaction, progress)
                    record_sync(cursor, schema, run_id, collection.name, label, window, scope)
        except TwilioAPIError as exc:
            if collection.api is Api.INSIGHTS and exc.status == 403 and account is not None:
                # Voice Insights needs Advanced Features; an account without them is reported, not
                # fatal, so every other collection and account still syncs.
                result.accounts_skipped[account] = (
                    f"Voice Insights Advanced Features are not active on account {account} "
                    f"(Twilio error {exc.code}: {exc.twilio_message}); {collection.name} was not read "
                    "for it. Turn them on in the Twilio Console (Voice > Settings) to sync it."
                )
                log(result.accounts_skipped[account])
                continue
            raise SyncError(_failure(collection, label, window, table, exc)) from None
        except (TwilioError, MalformedRecord, SchemaMismatch) as exc:
            raise SyncError(_failure(collection, label, window, table, exc)) from None
        result.add(scope)
        result.accounts_synced.append(label)
    if not result.accounts_synced:
        # Every account was skipped: still create the (empty) table, so queries and dbt sources work.
        with connection, connection.cursor() as cursor:
            ensure_table(cursor, table, collection)
    result.seconds = time.monotonic() - started
    result.requests = client.stats.requests - requests_before
    result.retries = client.stats.retries - retries_before
    progress.tick(result, force=True)
    return result


def _failure(collection: Collection, account: str, window: Window, table: Any, exc: Exception) -> str:
    return (
        f"{collection.name} sync of {window} for {account} into {table} failed; that account's changes were "
        f"rolled back: {exc}"
    )


def _sync_scope(
    client: TwilioClient,
    merger: Merger,
    collection: Collection,
    window: Window,
    account: str | None,
    main_account_sid: str,
    redaction: Redaction,
    progress: _Progress,
) -> ScopeCounts:
    result = ScopeCounts()
    parents: list[str] = []  # PER_PARENT: the parent records listed for this window
    for listing in _listings(client, collection, window, account, main_account_sid, parents):
        for page in client.pages(listing.url, listing.params, collection.list_key):
            page = Page(records=[redaction.apply(r) for r in page.records], url=page.url, number=page.number)
            records, reached_end = _records_in_window(collection, page, listing.scan_until)
            rows = [build_row(collection, record, f"page {page.number} of {page.url}") for record in records]
            counts: MergeCounts = merger.merge(rows)
            result.fetched += len(page.records)
            result.pages += 1
            result.inserted += counts.inserted
            result.updated += counts.updated
            result.unchanged += counts.unchanged
            progress.tick(result)
            if reached_end:
                break
    if collection.read is ReadMode.PER_PARENT:
        # Children carry no date of their own: they are complete for each parent that was listed.
        assert collection.parent is not None
        result.deleted += merger.mark_missing_deleted(
            account_sids=[account] if account else None, window=None, within=(collection.parent.key_field, parents)
        )
    else:
        result.deleted += merger.mark_missing_deleted(
            account_sids=[account] if account else None,
            window=(window.start, window.end) if collection.windowed else None,
        )
    return result


def _records_in_window(collection: Collection, page: Page, scan_until: Window | None) -> tuple[list[dict], bool]:
    kept = [r for r in page.records if collection.keep is None or (isinstance(r, dict) and collection.keep(r))]
    if scan_until is None:
        return kept, False
    column = collection.column(collection.window_column or "")
    inside, older_seen = [], False
    for record in kept:
        moment = column.extract(record) if isinstance(record, dict) else None
        if moment is not None and moment < scan_until.start:
            older_seen = True
        elif scan_until.contains(moment):
            inside.append(record)
    return inside, older_seen


def _listings(
    client: TwilioClient,
    collection: Collection,
    window: Window,
    account: str | None,
    main_account_sid: str,
    parents: list[str],
) -> Iterator[_Listing]:
    base = client.hosts.for_api(collection.api.value)
    params = dict(collection.params)
    if collection.subaccount_param and account and account != main_account_sid:
        params[collection.subaccount_param] = account
    path = collection.path.replace("{account_sid}", account or "")
    if collection.read is ReadMode.DAY_FILTER:
        (date_param,) = collection.date_params
        for day in window.days():
            yield _Listing(base + path, {**params, date_param: day.isoformat()})
    elif collection.read is ReadMode.TIME_RANGE:
        start_param, end_param = collection.date_params
        yield _Listing(base + path, {**params, start_param: iso_z(window.start), end_param: iso_z(window.end)})
    elif collection.read is ReadMode.NEWEST_FIRST_SCAN:
        yield _Listing(base + path, params, scan_until=window)
    elif collection.read is ReadMode.FULL:
        yield _Listing(base + path, params)
    elif collection.read is ReadMode.PER_PARENT:
        parent = collection.parent
        assert parent is not None
        after, before = parent.date_params
        parent_params = {**params, after: iso_z(window.start), before: iso_z(window.end)}
        for page in client.pages(base + parent.path, parent_params, parent.list_key):
            for record in page.records:
                parent_sid = record.get(parent.key_field) if isinstance(record, dict) else None
                if parent_sid:
                    parents.append(str(parent_sid))
                    yield _Listing(base + path.replace("{parent_sid}", str(parent_sid)), params)
