"""The one generic engine: a plain loop over a collection's read plan, page by page into PostgreSQL.

Everything about how a collection is read (its listings, what a page contributes, when a scan stops,
which failures are tolerable, the scope of deletions) belongs to its read mode (`read_modes/`). The
engine reads the plan's listings in parallel, merges each page as it arrives, asks the plan for any
follow-up listings, then marks what the plan's scope holds but Twilio no longer lists. Each account's
part of a sync is one database transaction: it lands whole, or leaves that account's rows as they
were; if the connection is lost meanwhile, the account is read and merged again.

Deletions need evidence: only parts whose listings were read to their end count (`complete_parts`),
and the deletion safeguard (safeguard.py) holds back what one answer alone would take of a part. A
record PostgreSQL refuses is set aside in the rejects table, by its key, and its part leaves the
deletion scope; the rest of the collection lands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NoReturn

from ..catalog import Api, Collection, MalformedValue
from ..read_modes import Listing, ReadRequest
from ..twilio_api import Page, TwilioAPIError, TwilioClient, TwilioError
from ..warehouse import Merger, SchemaMismatch, ensure_schema, ensure_table, table_for
from ..warehouse.session import Connect, WarehouseLost, WarehouseSession
from ..warehouse.tables import read_totals
from ..warehouse.upsert import LoadRefused, MergeCounts
from ..window import Window
from .log import record_sync
from .reader import ListingFailed, PageRead, ParallelReader
from .rows import (
    NO_REDACTION,
    MalformedRecord,
    Redaction,
    build_row,
    may_carry_url_credentials,
    without_dropped_fields,
)
from .safeguard import DEFAULT_SAFEGUARD, DeletionSafeguard

Log = Callable[[str], None]


class SyncError(RuntimeError):
    """A sync failed; the message says which collection, account and window, and that it was rolled back."""


class _PageRefused(RuntimeError):
    """PostgreSQL refused a page merged without a savepoint: the account's transaction is lost, and is
    redone with each page under a savepoint so that the refused records can be set aside."""


@dataclass(frozen=True)
class Rejected:
    """A record PostgreSQL refused to store: set aside by its key, with PostgreSQL's reason."""

    account: str
    part: str  # the label of the listing it came from
    key: str
    reason: str


@dataclass
class AccountCounts:
    """What one account's (or the account list's) sync did."""

    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    revived: int = 0
    deleted: int = 0
    pages: int = 0
    listed: dict[str, int] = field(default_factory=dict)  # per scope part: records Twilio listed
    stored: dict[str, int] = field(default_factory=dict)  # per scope part: live rows stored after the sync
    unreadable: dict[str, str] = field(default_factory=dict)  # listing label → why Twilio refused it
    held_back: dict[str, int] = field(default_factory=dict)  # part → unseen rows kept live by the safeguard
    pending_deletions: int = 0  # rows held back (by this sync or earlier ones) still awaiting confirmation
    rejected: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (part, PostgreSQL's reason)

    def add_merge(self, counts: MergeCounts) -> None:
        self.inserted += counts.inserted
        self.updated += counts.updated
        self.unchanged += counts.unchanged
        self.revived += counts.revived


_TOTALS = ("fetched", "inserted", "updated", "unchanged", "revived", "deleted", "pages")


@dataclass
class SyncResult:
    collection: str = ""
    table: str = ""
    window: str = ""
    read_mode: str = ""
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    revived: int = 0
    deleted: int = 0
    pages: int = 0
    retries: int = 0
    requests: int = 0
    warehouse_reconnects: int = 0
    seconds: float = 0.0
    live_rows: int = 0  # the table's totals after the sync (all accounts)
    deleted_rows: int = 0
    # Per scope part, summed over accounts: (records Twilio listed, live rows stored).
    parts: dict[str, tuple[int, int]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # "<account> <label>" → reason
    # Deletions the safeguard held back in this sync: "<account> <part>" → rows kept live.
    held_back: dict[str, int] = field(default_factory=dict)
    pending_deletions: int = 0  # rows held back so far (this sync or earlier) awaiting confirmation
    rejected: list[Rejected] = field(default_factory=list)
    accounts_synced: list[str] = field(default_factory=list)
    accounts_skipped: dict[str, str] = field(default_factory=dict)

    def add(self, account: str, counts: AccountCounts) -> None:
        for name in _TOTALS:
            setattr(self, name, getattr(self, name) + getattr(counts, name))
        for label, stored in counts.stored.items():
            listed_before, stored_before = self.parts.get(label, (0, 0))
            self.parts[label] = (listed_before + counts.listed.get(label, 0), stored_before + stored)
        for label, reason in counts.unreadable.items():
            self.unreadable[f"{account} {label}"] = reason
        for label, rows in counts.held_back.items():
            self.held_back[f"{account} {label}"] = rows
        self.pending_deletions += counts.pending_deletions
        self.rejected += [Rejected(account, part, key, reason) for key, (part, reason) in counts.rejected.items()]

    @property
    def records_per_second(self) -> float:
        return self.fetched / self.seconds if self.seconds > 0 else 0.0

    @property
    def mismatched_parts(self) -> dict[str, tuple[int, int]]:
        return {label: counts for label, counts in self.parts.items() if counts[0] != counts[1]}


class _Progress:
    """Logs how far a large sync has got, every few seconds rather than every record."""

    def __init__(self, log: Log, label: str, every_seconds: float) -> None:
        self._log, self._label, self._every = log, label, every_seconds
        self._started = self._last = time.monotonic()
        self.fetched = self.pages = 0

    def tick(self, records: int, *, force: bool = False) -> None:
        self.fetched += records
        self.pages += 0 if force else 1
        now = time.monotonic()
        if force or now - self._last >= self._every:
            self._last = now
            elapsed = max(now - self._started, 1e-9)
            self._log(
                f"{self._label}: {self.fetched:,} records in {self.pages:,} pages "
                f"({self.fetched / elapsed:,.0f} records/s)"
            )


def sync_collection(
    *,
    client: TwilioClient,
    connect: Connect,
    schema: str,
    collection: Collection,
    window: Window,
    accounts: Sequence[str],
    main_account_sid: str,
    run_id: str,
    redaction: Redaction = NO_REDACTION,
    log: Log = lambda message: None,
    progress_every_seconds: float = 5.0,
    warehouse_attempts: int = 8,
    safeguard: DeletionSafeguard = DEFAULT_SAFEGUARD,
) -> SyncResult:
    """Sync one collection's window for the given accounts into `schema`.

    Each account is one transaction: it lands whole or not at all, and an account that fails leaves
    the accounts synced before it in place (a re-run redoes it idempotently). Listings are read with
    as many in parallel as the client's in-flight limit allows. `safeguard` decides which deletions
    one answer alone may not make.
    """
    table = table_for(schema, collection)
    result = SyncResult(
        collection=collection.name, table=str(table), window=str(window), read_mode=collection.read.name
    )
    started = time.monotonic()
    requests_before, retries_before = client.stats.requests, client.stats.retries
    progress = _Progress(log, f"{collection.name} {window}", progress_every_seconds)
    session = WarehouseSession(connect, attempts=warehouse_attempts, log=log)
    scopes: Sequence[str | None] = list(accounts) if collection.per_account else [None]
    try:
        session.run(lambda connection: ensure_schema(connection, schema), f"creating schema {schema}")
        for account in scopes:
            label = account or "all accounts"
            request = _request(client, collection, window, account, main_account_sid)
            work = partial(
                _sync_account,
                client=client,
                request=request,
                table=table,
                run_id=run_id,
                redaction=redaction,
                progress=progress,
                label=label,
                schema=schema,
                safeguard=safeguard,
            )
            what = f"the {collection.name} sync of {window} for {label}"
            try:
                try:
                    counts = session.run(work, what)
                except _PageRefused as refused:
                    # Rare: pay for savepoints only once a page has been refused.
                    log(
                        f"{collection.name} {window} for {label}: PostgreSQL refused a record ({refused}); "
                        "reading again with each page under a savepoint, to set refused records aside"
                    )
                    counts = session.run(partial(work, guarded=True), what)
            except TwilioAPIError as exc:
                reason = _product_not_enabled(collection, label, exc)
                if reason is None:
                    raise SyncError(_failure(collection, label, window, table, exc)) from None
                # A product the account does not have is reported, not fatal: its table stays (empty
                # for it), and every other collection and account still syncs.
                result.accounts_skipped[label] = reason
                log(reason)
                continue
            except (TwilioError, MalformedRecord, SchemaMismatch, WarehouseLost, _PageRefused) as exc:
                raise SyncError(_failure(collection, label, window, table, exc)) from None
            result.add(label, counts)
            result.accounts_synced.append(label)

        def totals(connection) -> tuple[int, int]:
            # Every account skipped still leaves the (empty) table, so queries and dbt sources work.
            with connection, connection.cursor() as cursor:
                ensure_table(cursor, table, collection)
                return read_totals(cursor, table)

        result.live_rows, result.deleted_rows = session.run(totals, f"reading the totals of {table}")
    finally:
        result.warehouse_reconnects = session.reconnects
        session.close()
    result.seconds = time.monotonic() - started
    result.requests = client.stats.requests - requests_before
    result.retries = client.stats.retries - retries_before
    progress.tick(0, force=True)
    return result


def _product_not_enabled(collection: Collection, label: str, exc: TwilioAPIError) -> str | None:
    """Why a 403 from a product's own API means "not enabled here" rather than a failure, or None.

    v2010 answers 403 for wrong permissions only, which must fail the run; Voice Insights answers it when
    Advanced Features are off, and the product hosts (Studio, Verify, ...) when the account cannot use them."""
    if exc.status != 403 or collection.api is Api.V2010:
        return None
    if collection.api is Api.INSIGHTS:
        return (
            f"Voice Insights Advanced Features are not active on account {label} "
            f"(Twilio error {exc.code}: {exc.twilio_message}); {collection.name} was not read "
            "for it. Turn them on in the Twilio Console (Voice > Settings) to sync it."
        )
    return (
        f"Twilio's {collection.api.value} API refused these credentials for {label} (HTTP 403, Twilio error "
        f"{exc.code}: {exc.twilio_message}); {collection.name} was not read. If the account uses "
        f"{collection.product}, give the credentials access to it (an API key of the account itself), or leave "
        f"{collection.name} out of the instance's collections."
    )


def _failure(collection: Collection, account: str, window: Window, table: Any, exc: Exception) -> str:
    return (
        f"{collection.name} sync of {window} for {account} into {table} failed; that account's changes were "
        f"rolled back: {exc}"
    )


def _request(
    client: TwilioClient, collection: Collection, window: Window, account: str | None, main: str
) -> ReadRequest:
    params = dict(collection.params)
    if collection.subaccount_param and account and account != main:
        params[collection.subaccount_param] = account
    return ReadRequest(
        collection=collection,
        window=window,
        account=account,
        base_url=client.hosts.for_api(collection.api.value),
        path=collection.path.replace("{account_sid}", account or ""),
        params=params,
    )


def _sync_account(
    connection,
    client: TwilioClient,
    request: ReadRequest,
    table,
    run_id: str,
    redaction: Redaction,
    progress: _Progress,
    label: str,
    schema: str,
    safeguard: DeletionSafeguard,
    guarded: bool = False,
) -> AccountCounts:
    """One account's read and merge, in one transaction. `guarded`: each page under a savepoint, so a
    page PostgreSQL refuses is taken apart and its refused records set aside (see `_PageRefused`)."""
    collection = request.collection
    counts = AccountCounts()
    # Records go through Python only when something must be taken out first (configured redaction, the
    # catalogue's dropped fields, a URL with credentials); otherwise the page's JSON goes to PostgreSQL
    # exactly as Twilio sent it.
    in_python = bool(redaction.configured or collection.drop_fields or collection.keep)
    with connection, connection.cursor() as cursor:
        ensure_table(cursor, table, collection)
        _, deleted_rows = read_totals(cursor, table)
        merger = Merger(cursor, table, collection, run_id, request.account, may_revive=deleted_rows > 0)
        loader = _Loader(merger, collection, guarded, suspects=merger.known_rejects())
        plan = collection.read.plan(request)
        reader = ParallelReader(client, collection.list_key, client.limit.budget)
        # Two rounds: the plan's listings, then (once they are complete) its follow-ups.
        for round_number in (1, 2):
            listings = plan.listings() if round_number == 1 else list(plan.after_listings(merger.unseen_live_keys))
            for event in reader.events(listings):
                if isinstance(event, ListingFailed):
                    if not plan.skip_on_error(event.listing, event.error):
                        raise event.error
                    continue
                if not isinstance(event, PageRead):
                    continue
                page, listing = event.page, event.listing
                records = page.records
                credentials = may_carry_url_credentials(page.text)
                if in_python or credentials:
                    records = _prepare(collection, redaction, records, credentials)
                accepted = plan.accept(listing, records)
                merged = loader.merge(page, listing, accepted.records)
                counts.add_merge(merged)
                counts.fetched += len(page.records)
                counts.pages += 1
                progress.tick(len(page.records))
                reader.add(accepted.more)
                if accepted.stop:
                    reader.stop(listing)
        # A part holding a refused record is out of the scope: that record may be stored from before.
        set_aside = {part for part, _ in loader.rejected.values()}
        parts = [part for part in plan.complete_parts() if part.label not in set_aside]
        counts.deleted = merger.mark_gone(sorted(plan.gone))
        for part in parts:
            census = merger.census(part.predicate)
            if safeguard.holds_back(census.live, census.unconfirmed):
                counts.deleted += merger.mark_unseen_deleted(part.predicate, confirmed_only=True)
                counts.held_back[part.label] = merger.hold_back(part.predicate, part.label)
            else:
                counts.deleted += merger.mark_unseen_deleted(part.predicate)
        merger.forget_listed_again()
        counts.pending_deletions = merger.pending_deletions()
        merger.record_rejects(loader.rejected)
        merger.forget_loaded_rejects()
        counts.rejected = dict(loader.rejected)
        listed = merger.listed_by_label()
        for part in parts:
            counts.listed[part.label] = listed.get(part.label, 0)
            counts.stored[part.label] = merger.live_rows(part.predicate)
        counts.unreadable = dict(plan.unreadable)
        merger.add_to_totals(
            live=counts.inserted + counts.revived - counts.deleted, deleted=counts.deleted - counts.revived
        )
        record_sync(cursor, schema, run_id, collection.name, label, request.window, counts)
    return counts


class _Loader:
    """Merges pages for one account, setting aside the records PostgreSQL refuses (by key, with its reason).

    Records refused by an earlier sync (`suspects`) are tried one by one before their page is merged. A
    page refused otherwise aborts the transaction unless `guarded` (a savepoint per page): then its
    records are tried one by one and the refused ones set aside."""

    def __init__(self, merger: Merger, collection: Collection, guarded: bool, suspects: set[str]) -> None:
        self._merger = merger
        self._collection = collection
        self._guarded = guarded
        self._suspects = suspects
        self.rejected: dict[str, tuple[str, str]] = {}  # key → (listing label, reason)

    def merge(self, page: Page, listing: Listing, records: list) -> MergeCounts:
        merger, collection = self._merger, self._collection
        whole_page = records is page.records and page.text is not None
        if self._suspects:
            kept = self._set_aside(records, listing, lambda key: key in self._suspects)
            whole_page = whole_page and len(kept) == len(records)
            records = kept
        try:
            if whole_page:
                assert page.text is not None  # whole_page says so
                merged = merger.merge_page(
                    page.text, listing.list_key or collection.list_key, listing.label, guarded=self._guarded
                )
            else:
                merged = merger.merge_records(records, listing.label, guarded=self._guarded)
        except LoadRefused as refused:
            if not refused.recovered:
                raise _PageRefused(f"page {page.number} of {page.url}: {refused}") from None
            kept = self._set_aside(records, listing, lambda key: True)
            if len(kept) == len(records):
                _diagnose(collection, records, page, refused)  # nothing to set aside by key: a real failure
            try:
                merged = merger.merge_records(kept, listing.label, guarded=True)
            except LoadRefused as again:
                _diagnose(collection, kept, page, again)
        if merged.null_keys:
            _diagnose(collection, records, page, None)
        return merged

    def _set_aside(self, records: list, listing: Listing, suspect: Callable[[str], bool]) -> list:
        """The records PostgreSQL takes; the ones it refuses go to `rejected`."""
        kept = []
        for record in records:
            key = _key_of(self._collection, record)
            if key is not None and suspect(key):
                reason = self._merger.refusal(record)
                if reason is not None:
                    self.rejected[key] = (listing.label, _explain(self._collection, record, reason))
                    continue
            kept.append(record)
        return kept


def _key_of(collection: Collection, record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    try:
        key = collection.key_of(record)
    except MalformedValue:
        return None
    return None if key in (None, "") else str(key)


def _explain(collection: Collection, record: dict, refusal: str) -> str:
    """PostgreSQL's reason, with the column at fault when the catalogue's own typing names one."""
    for column in collection.columns:
        try:
            column.extract(record)
        except MalformedValue as exc:
            return f"{exc} (PostgreSQL: {refusal})"
    return f"PostgreSQL: {refusal}"


def _prepare(collection: Collection, redaction: Redaction, records: list, url_credentials: bool) -> list:
    """Redaction first (before anything else sees a record), then dropped fields and the keep filter."""
    prepared = []
    for record in records:
        record = redaction.apply(record, may_carry_url_credentials=url_credentials)
        if isinstance(record, dict):
            record = without_dropped_fields(collection, record)
            if collection.keep is not None and not collection.keep(record):
                continue
        prepared.append(record)
    return prepared


def _diagnose(collection: Collection, records: list, page, refused: LoadRefused | None) -> NoReturn:
    """PostgreSQL refused a page (or found records without a key): name the record and what is wrong."""
    where = f"page {page.number} of {page.url}"
    for record in records:
        build_row(collection, record, where)  # raises MalformedRecord naming the record
    raise MalformedRecord(f"{collection.name}: PostgreSQL refused {where}: {refused or 'a record has no key'}")
