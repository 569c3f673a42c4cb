"""Importing another tracker's export: read -> match -> decide -> apply -> report.

- read: an ``exchange`` parser turns the file into plain records (malformed rows
  are reported with their line and reason; the rest go on).
- match: each record is tied to a catalog item, by the ids it carries (Trakt's
  TMDB ids, a backup's ids) or by asking the catalog (TMDB ``/find`` for IMDb ids,
  TMDB search by name + year for Letterboxd, Google Books by ISBN then title +
  author, iTunes by title confirmed by feed URL). Each distinct question is
  asked once, several at a time (the clients keep to each catalog's rate limit).
  A spent rate limit (ours, or the catalog's 429 with its Retry-After) is waited
  out, and said so in the progress: it is no reason to review a row. A row with
  no match, several with no clear winner, or no network goes to the review
  list, stored in the library.
- decide: against what the user has, by mode. ``merge`` adds new items and new
  ticks, dates and rewatches, and takes the file's status or rating only when
  the file's row is newer than the user's last change; ``only-new`` adds only
  items the user has not; ``overwrite`` lets the file win. Nothing is ever
  duplicated: writes go by natural keys.
- apply: batches of writes, one transaction each, so a kill loses at most the
  batch being written and running the import again finishes the job.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mediatrack.catalog.errors import CatalogError, NotFound, RateLimited, Unavailable
from mediatrack.catalog.records import SearchResult
from mediatrack.catalog.settings import Catalog, build_catalog
from mediatrack.exchange import ImportRecord, Malformed, ParseResult, backup
from mediatrack.exchange.opml import feed_key
from mediatrack.exchange.records import ExchangeError, record_from_json, record_to_json
from mediatrack.exchange.sources import SOURCES
from mediatrack.folding import fold
from mediatrack.kinds import KINDS, Kind
from mediatrack.services.library import LibraryError, NeedsConfirmation
from mediatrack.store import exports
from mediatrack.store import imports as import_rows
from mediatrack.store.db import LOCAL_USER_ID, connection, transaction

MODES = ("merge", "only-new", "overwrite")
CATALOG_KEYS = {Kind.TV: "tmdb", Kind.MOVIE: "tmdb", Kind.BOOK: "google", Kind.PODCAST: "itunes"}
BATCH = 500
WORKERS = 8  # concurrent look-ups; each client keeps to its catalog's rate limit
Progress = Callable[[str, int, int], None]  # (stage, done, total)
Waiting = Callable[[str, float], None]  # (catalog, seconds): a rate limit is being waited out
MAX_WAIT = 30 * 60.0  # seconds one question waits for a limit before its row goes to review
FIRST_WAIT = 5.0  # a limit that says not how long: 5 s, then twice as long each time
# After this many look-ups in a row found a catalog unreachable (no answer at all: offline,
# no DNS, a timeout), the import stops asking it: the rest of its rows wait in the review
# list at once, instead of each waiting out its own timeout.
UNREACHABLE_AFTER = 3
# The catalog behind each kind of question; feeds live on many hosts, each asked anyway.
CATALOG_OF = {
    "books": "books",
    "itunes": "itunes",
    "tmdb-find": "tmdb",
    "tmdb-search": "tmdb",
    "tmdb-show": "tmdb",
}


class ImportFailed(LibraryError):
    """An import that cannot start: the message is one sentence."""


@dataclass(frozen=True, slots=True)
class Matched:
    kind: Kind
    catalog_id: str
    title: str
    year: int | None = None
    creator: str | None = None
    show: Any = None  # (ShowDetails, [SeasonDetails]) when ticks need the episodes
    podcast: Any = None  # PodcastDetails from iTunes
    feed: Any = None  # [FeedEpisode] read from the RSS


@dataclass(frozen=True, slots=True)
class Unmatched:
    reason: str
    candidates: tuple[SearchResult, ...] = ()


@dataclass(slots=True)
class ImportSummary:
    source: str
    mode: str
    dry_run: bool
    rows: int = 0
    matched: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    to_review: int = 0
    skipped: int = 0
    malformed: int = 0
    malformed_rows: list[Malformed] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    # shelves and tags the file gives (Goodreads' own shelves aside): the library keeps
    # none, so they are counted, by name, rather than dropped unsaid
    tags_not_kept: dict[str, int] = field(default_factory=dict)
    review: list[tuple[int, str, str]] = field(default_factory=list)  # (line, title, reason)
    # (kind, catalog id) of items left as they are by rule (removed since the file was
    # written, or held already with only-new): a backup's notes and runs stay off them too
    left_alone: set[tuple[Kind, str]] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "matched": self.matched,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "to_review": self.to_review,
            "skipped": self.skipped,
            "malformed": self.malformed,
            "malformed_rows": [{"line": m.line, "reason": m.reason} for m in self.malformed_rows],
            "skipped_reasons": self.skipped_reasons,
            "tags_not_kept": self.tags_not_kept,
            "review": [{"line": a, "title": b, "reason": c} for a, b, c in self.review],
        }


@dataclass(frozen=True, slots=True)
class ReviewItem:
    id: int
    source: str
    line: int
    kind: str
    title: str
    reason: str
    candidates: list[dict[str, Any]]


def row_key(record: ImportRecord) -> str:
    """Names a row across imports of the same file (and of its later versions)."""
    ids = {key: value for key, value in sorted(record.ids.items()) if key != "letterboxd"}
    if ids:
        ident = json.dumps(ids, sort_keys=True)
    else:
        ident = f"{fold(record.title)}|{record.year}|{fold(record.creator or '')}"
    return f"{record.source}:{record.kind.value}:{ident}"


_SERIES = re.compile(r"\s*\([^)]*#\s*[\d.]+\)\s*$")  # Goodreads' "(The Locked Tomb #1)"


def _title_key(title: str) -> str:
    return fold(_SERIES.sub("", title)).strip()


def _feed_spellings(url: str) -> set[str]:
    """The ways ``feed_key`` takes as the same feed that a store may hold it in (its path's
    case as written)."""
    found = re.match(r"^https?://(www\.)?([^/]*)(.*?)/?$", url.strip(), re.IGNORECASE)
    if found is None:
        return {url}
    host, rest = found.group(2), found.group(3)
    return {
        f"{scheme}://{www}{name}{rest}{slash}"
        for scheme in ("http", "https")
        for www in ("", "www.")
        for name in {host, host.lower()}
        for slash in ("", "/")
    } | {url}


class Matcher:
    """Ties records to catalog items; every distinct question is asked at most once."""

    def __init__(
        self,
        catalog: Catalog,
        on_wait: Waiting | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.catalog = catalog
        self.on_wait = on_wait or (lambda catalog, seconds: None)
        self._sleep = sleep
        self._answers: dict[tuple, Any] = {}
        self._locks: dict[tuple, threading.Lock] = {}
        self._guard = threading.Lock()
        self.requests = 0
        self._unanswered: dict[str, int] = {}  # catalog: look-ups in a row with no answer
        self._unreachable: dict[str, CatalogError] = {}  # catalog: why it is not asked now

    def ask(self, key: tuple, call: Callable[[], Any]) -> Any:
        """The answer to ``key``, asking once even when several threads want it at once."""
        catalog = CATALOG_OF.get(key[0])
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._answers:
                down = self._unreachable.get(catalog or "")
                if down is not None:
                    return ("error", down)  # not kept either: a retry asks again
                try:
                    self._answers[key] = ("ok", self._patiently(call))
                except NotFound as error:
                    self._answers[key] = ("missing", error)
                except CatalogError as error:
                    self._no_answer(catalog, error)
                    return ("error", error)  # not kept: a retry asks again
                self._no_answer(catalog, None)
            return self._answers[key]

    def _no_answer(self, catalog: str | None, error: CatalogError | None) -> None:
        """Count look-ups in a row that got no answer at all (``error`` None: one did)."""
        if catalog is None:
            return
        with self._guard:
            if not isinstance(error, Unavailable) or error.status is not None:
                self._unanswered[catalog] = 0  # it answered, if only with an error
                return
            self._unanswered[catalog] = self._unanswered.get(catalog, 0) + 1
            if self._unanswered[catalog] >= UNREACHABLE_AFTER:
                self._unreachable.setdefault(catalog, error)

    def _patiently(self, call: Callable[[], Any]) -> Any:
        """``call()``, waiting out rate limits (up to ``MAX_WAIT``) instead of giving up."""
        waited, backoff = 0.0, FIRST_WAIT
        while True:
            self.requests += 1
            try:
                return call()
            except RateLimited as error:
                wait = error.retry_after
                if wait is None:
                    wait, backoff = backoff, min(backoff * 2, 120.0)
                wait = max(wait, 0.05)
                if waited + wait > MAX_WAIT:
                    raise
                self.on_wait(error.provider or "the catalog", wait)
                self._sleep(wait)
                waited += wait

    def match(self, record: ImportRecord, known_feeds: dict[str, str]) -> Matched | Unmatched:
        try:
            return self._match(record, known_feeds)
        except CatalogError as error:
            return Unmatched(f"not matched yet: {error}")

    def _value(self, key: tuple, call: Callable[[], Any]) -> Any:
        state, value = self.ask(key, call)
        if state == "error":
            raise value
        return value if state == "ok" else None

    def _match(self, record: ImportRecord, known_feeds: dict[str, str]) -> Matched | Unmatched:
        kind = record.kind
        direct = record.ids.get(CATALOG_KEYS[kind])
        if direct:
            return self._with_structure(
                record, Matched(kind, direct, record.title, record.year, record.creator)
            )
        if kind is Kind.PODCAST:
            return self._podcast(record, known_feeds)
        if kind is Kind.BOOK:
            return self._book(record)
        if record.ids.get("imdb"):
            imdb = record.ids["imdb"]
            found = self._value(("tmdb-find", imdb), lambda: self.catalog.tmdb.find(imdb)) or []
            found = [result for result in found if result.kind is kind] or found
            if len(found) == 1:
                return self._with_structure(record, self._from_result(found[0], record))
            if not found:
                return Unmatched(f"TMDB knows no title with IMDb id {imdb}")
            return Unmatched("TMDB has several titles with this IMDb id", tuple(found[:5]))
        results = self._value(
            ("tmdb-search", kind.value, record.title),
            lambda: self.catalog.tmdb.search(kind, record.title),
        )
        chosen = self._choose(record, results or [])
        if isinstance(chosen, SearchResult):
            return self._with_structure(record, self._from_result(chosen, record))
        return chosen

    def _from_result(self, result: SearchResult, record: ImportRecord) -> Matched:
        return Matched(result.kind, result.catalog_id, result.title, result.year, record.creator)

    def _with_structure(self, record: ImportRecord, matched: Matched) -> Matched:
        """A show whose episodes are ticked needs them: its seasons are fetched (once)."""
        if record.kind is not Kind.TV or not record.ticks or record.extra.get("seasons"):
            return matched
        tmdb = matched.catalog_id
        show = self._value(("tmdb-show", tmdb), lambda: self.catalog.tmdb.show_with_seasons(tmdb))
        if show is None:
            raise NotFound(f"TMDB has no show with id {tmdb}", provider="TMDB")
        return replace(matched, show=show, title=show[0].title)

    def _choose(
        self, record: ImportRecord, results: list[SearchResult]
    ) -> SearchResult | Unmatched:
        """The single result with the record's title (and year, when both know it)."""
        wanted = _title_key(record.title)
        same = [result for result in results if _title_key(result.title) == wanted]
        if record.year is not None:
            dated = [result for result in same if result.year == record.year]
            near = [
                result
                for result in same
                if result.year is not None and abs(result.year - record.year) <= 1
            ]
            same = dated or near or [result for result in same if result.year is None]
        if record.creator and len(same) > 1:
            first = fold(record.creator.split(",")[0])
            by = [result for result in same if first and first in fold(result.subtitle_line or "")]
            same = by or same
        if len(same) == 1:
            return same[0]
        if same:
            return Unmatched("several catalog items match, with no clear winner", tuple(same[:5]))
        return Unmatched("no catalog item has this title and year", tuple(results[:5]))

    def _book(self, record: ImportRecord) -> Matched | Unmatched:
        books = self.catalog.books
        for key in ("isbn13", "isbn10"):
            isbn = record.ids.get(key)
            if isbn:
                results = self._value(
                    ("books", f"isbn:{isbn}"), functools.partial(books.search, f"isbn:{isbn}")
                )
                if results:
                    return self._from_result(results[0], record)
        author = (record.creator or "").split(",")[0].strip()
        query = f'intitle:"{_SERIES.sub("", record.title)}"'
        if author:
            query += f' inauthor:"{author}"'
        results = self._value(("books", query), lambda: books.search(query)) or []
        chosen = self._choose(replace(record, year=None), results)
        if isinstance(chosen, SearchResult):
            return self._from_result(chosen, record)
        return chosen

    def _podcast(self, record: ImportRecord, known_feeds: dict[str, str]) -> Matched | Unmatched:
        feed_url = record.ids.get("feed_url", "")
        if feed_url in known_feeds:
            return Matched(Kind.PODCAST, known_feeds[feed_url], record.title)
        found = (
            self._value(
                ("itunes", record.title), lambda: self.catalog.itunes.search_podcasts(record.title)
            )
            or []
        )
        for podcast in found:
            if podcast.feed_url and feed_key(podcast.feed_url) == feed_key(feed_url):
                return Matched(
                    Kind.PODCAST,
                    podcast.itunes_id,
                    podcast.title,
                    creator=podcast.artist,
                    podcast=podcast,
                )
        # Not in iTunes: the podcast is added from its feed alone, keyed by the feed URL.
        episodes = self._value(("feed", feed_url), lambda: self.catalog.feeds.episodes(feed_url))
        return Matched(Kind.PODCAST, f"local:feed:{feed_url}", record.title, feed=episodes)


def _combine(first: ImportRecord, other: ImportRecord) -> ImportRecord:
    """Two rows naming the same catalog item (two editions, two lists, a row twice) become
    one: every date and tick of both, and the status and rating of the newer row."""
    if other.changed is not None and (first.changed is None or other.changed > first.changed):
        newer, older = other, first
    else:
        newer, older = first, other
    ticks = {(t.season, t.episode): t for t in (*other.ticks, *first.ticks)}
    return replace(
        first,
        status=newer.status or older.status,
        rating=newer.rating if newer.rating is not None else older.rating,
        dates=tuple(sorted({*first.dates, *other.dates})),
        ticks=tuple(ticks[key] for key in sorted(ticks)),
        review=newer.review or older.review,
        changed=max(filter(None, (first.changed, other.changed)), default=None),
    )


def _file_history(kind: Kind, catalog_id: str, record: ImportRecord) -> dict[str, Any] | None:
    """What a file says beyond the item's row, in the backup's words (``restore_extras``):
    the user's review as a private note, and the runs finished before this one (rewatches,
    rereads, plays). None when it says neither."""
    from mediatrack.services.history import NOTE_LIMIT

    extra: dict[str, Any] = {}
    if record.review:
        review = record.review
        extra["note"] = review if len(review) <= NOTE_LIMIT else review[: NOTE_LIMIT - 1] + "…"
    done = record.status == KINDS[kind].done_status
    earlier = record.extra.get("rewatches") or 0  # Letterboxd: the diary's rewatch entries
    if record.extra.get("read_count"):  # Goodreads, StoryGraph: times read, this one too
        earlier = int(record.extra["read_count"]) - done
    if record.extra.get("plays"):  # Trakt: a movie's plays
        earlier = int(record.extra["plays"]) - done
    if earlier > 0:
        extra["runs"] = earlier
    return {"kind": kind.value, "catalog_id": catalog_id, **extra} if extra else None


def _one_per_row(
    review: list[tuple[ImportRecord, Unmatched]],
) -> list[tuple[ImportRecord, Unmatched]]:
    """Rows of the file that name the same thing (the review list keeps one row per
    ``row_key``) combined, so a later one does not take the place of an earlier one."""
    rows: dict[str, tuple[ImportRecord, Unmatched]] = {}
    for record, outcome in review:
        key = row_key(record)
        if key in rows:
            earlier, first_outcome = rows[key]
            rows[key] = (_combine(earlier, record), first_outcome)
        else:
            rows[key] = (record, outcome)
    return list(rows.values())


class ImportService:
    """Runs imports and the review list for one user. Safe to call from a worker thread."""

    def __init__(
        self,
        catalog: Catalog | None = None,
        user_id: str = LOCAL_USER_ID,
        on_wait: Waiting | None = None,
    ) -> None:
        self._catalog = catalog
        self.user_id = user_id
        self.on_wait = on_wait  # told when a look-up waits for a catalog's rate limit
        self.requests = 0  # catalog requests made by the last run

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = build_catalog()
        return self._catalog

    # --- read ---------------------------------------------------------------

    @staticmethod
    def read(source: str, path: Path) -> ParseResult:
        if source not in SOURCES:
            names = ", ".join(SOURCES)
            raise ImportFailed(f"{source!r} is not an import source: use one of {names}.")
        try:
            return SOURCES[source].parse(Path(path))
        except ExchangeError as error:
            raise ImportFailed(str(error)) from None

    # --- the whole run ----------------------------------------------------------

    def run(
        self,
        source: str,
        path: Path,
        *,
        mode: str = "merge",
        dry_run: bool = False,
        on_progress: Progress | None = None,
        confirm: bool = False,
    ) -> ImportSummary:
        """Import ``path``. ``overwrite`` asks first (``NeedsConfirmation``): the file's
        statuses, progress and ratings replace the user's, even those changed since."""
        if mode not in MODES:
            raise ImportFailed(f"{mode!r} is not an import mode: use one of {', '.join(MODES)}.")
        if mode == "overwrite" and not dry_run and not confirm:
            raise NeedsConfirmation(
                "Overwrite your library with the file? Its statuses, progress and ratings "
                "replace yours, even those you changed since it was written "
                "(--dry-run shows what would change)."
            )
        parsed = self.read(source, path)
        if source != "mediatrack":  # a backup's times are the library's own: kept as they are
            parsed.records = _no_later_than(parsed.records, _written(Path(path)))
        summary = ImportSummary(source, mode, dry_run, rows=len(parsed.records))
        summary.malformed = len(parsed.malformed)
        summary.malformed_rows = list(parsed.malformed)
        summary.skipped = sum(parsed.skipped.values())
        summary.skipped_reasons = dict(parsed.skipped)
        summary.tags_not_kept = dict(Counter(tag for r in parsed.records for tag in r.tags))
        self._process(parsed.records, summary, mode, dry_run, on_progress)
        if source == "mediatrack" and not dry_run:
            document = parsed.document or {}  # the file as read once, above
            with connection():
                exports.restore_friends(self.user_id, backup.friends(document))
            extras = [
                extra
                for extra in backup.history_extras(document)
                if (Kind(extra["kind"]), extra["catalog_id"]) not in summary.left_alone
            ]
            self._restore_history(extras, overwrite=mode == "overwrite")
        return summary

    def _restore_history(self, extras: list[dict[str, Any]], *, overwrite: bool) -> None:
        """A backup's notes, runs and earlier runs' ticks, once its items are in."""
        from mediatrack.store import history

        if extras:
            with transaction():
                history.restore_extras(self.user_id, extras, overwrite=overwrite)

    def _process(
        self,
        records: list[ImportRecord],
        summary: ImportSummary,
        mode: str,
        dry_run: bool,
        on_progress: Progress | None,
    ) -> list[ImportRecord]:
        """Match, decide, apply and report; returns the records matched and applied."""
        report = on_progress or (lambda stage, done, total: None)
        with connection():
            answers = import_rows.answers(self.user_id)
        records = self._answered(records, answers, summary)
        matches = self._match_all(records, report)
        matched: dict[tuple[Kind, str], tuple[ImportRecord, Matched]] = {}
        review: list[tuple[ImportRecord, Unmatched]] = []
        for record, outcome in zip(records, matches, strict=True):
            if isinstance(outcome, Unmatched):
                review.append((record, outcome))
                continue
            summary.matched += 1
            key = (outcome.kind, outcome.catalog_id)
            if key in matched:
                earlier, found = matched[key]
                matched[key] = (_combine(earlier, record), found)
            else:
                matched[key] = (record, outcome)
        writes = self._decide(list(matched.values()), mode, summary)
        review = _one_per_row(review)
        summary.to_review = len(review)
        summary.review = [(record.line, record.title, outcome.reason) for record, outcome in review]
        if dry_run:
            return [record for record, _ in matched.values()]
        with connection():
            import_rows.save_review(self.user_id, [self._review_row(r, o) for r, o in review])
            for start in range(0, len(writes), BATCH):
                import_rows.apply(self.user_id, writes[start : start + BATCH])
                report("apply", min(start + BATCH, len(writes)), len(writes))
            import_rows.drop_review(
                self.user_id, (row_key(record) for record, _ in matched.values())
            )
        history = [
            _file_history(kind, catalog_id, record)
            for (kind, catalog_id), (record, _) in matched.items()
            if (kind, catalog_id) not in summary.left_alone
        ]
        self._restore_history([one for one in history if one], overwrite=mode == "overwrite")
        return [record for record, _ in matched.values()]

    @staticmethod
    def _answered(
        records: list[ImportRecord], answers: dict[str, str], summary: ImportSummary
    ) -> list[ImportRecord]:
        """Rows the user settled in the review list before: skipped, or matched as chosen."""
        if not answers:
            return records
        kept = []
        for record in records:
            chosen = answers.get(row_key(record))
            if chosen == "skip":
                summary.skipped += 1
                summary.skipped_reasons["skipped in the review list"] = (
                    summary.skipped_reasons.get("skipped in the review list", 0) + 1
                )
                continue
            if chosen is not None:
                record = replace(record, ids={**record.ids, CATALOG_KEYS[record.kind]: chosen})
            kept.append(record)
        return kept

    def _match_all(
        self, records: list[ImportRecord], report: Progress
    ) -> list[Matched | Unmatched]:
        feeds = [record.ids["feed_url"] for record in records if "feed_url" in record.ids]
        with connection():
            stored = import_rows.podcast_ids_by_feed(
                spelling for feed in feeds for spelling in _feed_spellings(feed)
            )
        by_key = {feed_key(url): catalog_id for url, catalog_id in stored.items()}
        known_feeds = {feed: by_key[feed_key(feed)] for feed in feeds if feed_key(feed) in by_key}
        matcher = Matcher(self.catalog, self.on_wait)
        results: list[Matched | Unmatched | None] = [None] * len(records)
        done = 0
        lock = threading.Lock()

        def one(index: int) -> None:
            nonlocal done
            results[index] = matcher.match(records[index], known_feeds)
            with lock:
                done += 1
                report("match", done, len(records))

        needs_network = [
            index
            for index, record in enumerate(records)
            if not record.ids.get(CATALOG_KEYS[record.kind]) or record.ticks
        ]
        networked = set(needs_network)
        for index in range(len(records)):
            if index not in networked:
                one(index)
        # Rows go to the workers a few at a time: one task per row costs more than a look-up
        # the cache answers; a few tasks per worker still keep every worker busy.
        size = max(1, min(32, len(needs_network) // (WORKERS * 4)))
        chunks = [
            needs_network[start : start + size] for start in range(0, len(needs_network), size)
        ]

        def some(chunk: list[int]) -> None:
            for index in chunk:
                one(index)

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(some, chunks))
        self.requests = matcher.requests
        return [result for result in results if result is not None]

    # --- decide ---------------------------------------------------------------

    def _decide(
        self,
        pairs: list[tuple[ImportRecord, Matched]],
        mode: str,
        summary: ImportSummary,
    ) -> list[import_rows.Write]:
        by_kind: dict[Kind, list[str]] = {}
        for _record, found in pairs:
            by_kind.setdefault(found.kind, []).append(found.catalog_id)
        with connection():
            held = {
                kind: import_rows.held(self.user_id, kind, ids) for kind, ids in by_kind.items()
            }
        writes = []
        for record, found in pairs:
            have = held[found.kind].get(found.catalog_id)
            write = self._write(record, found, have, mode)
            if write is None and _left_alone(record, have, mode):
                summary.left_alone.add((found.kind, found.catalog_id))
            if write is not None and (have is None or have.status is None):
                summary.added += 1
            elif write is None:
                summary.unchanged += 1
            else:
                summary.updated += 1
            if write is not None:
                writes.append(write)
        return writes

    def _write(
        self,
        record: ImportRecord,
        found: Matched,
        have: import_rows.Held | None,
        mode: str,
    ) -> import_rows.Write | None:
        kind = found.kind
        info = KINDS[kind]
        status = record.status if record.status in info.statuses else info.plan_status
        ticks = [(t.season, t.episode, t.watched_at) for t in record.ticks]
        listens = backup.listens(record.extra) if record.source == "mediatrack" else []
        dates = [day.isoformat() for day in record.dates]
        progress = record.progress
        if kind is Kind.TV and record.source != "mediatrack":
            progress = None  # follows the ticks (a backup's progress is already theirs)
        base = self._base_write(record, found)
        if _left_alone(record, have, mode):
            return None  # removed after the file was written, or only-new and held already
        if have is None or have.status is None:
            base.status, base.rating, base.progress = status, record.rating, progress or 0
            base.ticks, base.dates, base.listens = ticks, dates, listens
            base.derive_status = record.source != "mediatrack" and bool(ticks)
            base.updated_at = self._stamp(record)
            return base
        file_wins = mode == "overwrite" or (
            record.changed is not None
            and have.updated_at is not None
            and record.changed > have.updated_at
        )
        skip = have.ticks if mode == "overwrite" else have.ticks | have.unticked
        new_ticks = [tick for tick in ticks if (tick[0], tick[1]) not in skip]
        new_dates = [day for day in dates if day not in have.dates]
        heard = have.listens if mode == "overwrite" else have.listens | have.unlistened
        new_listens = [listen for listen in listens if listen[0] not in heard]
        changed = bool(new_ticks or new_dates or new_listens)
        base.ticks, base.dates, base.listens = new_ticks, new_dates, new_listens
        base.revive_ticks = mode == "overwrite"
        if file_wins:
            if record.status is not None and status != have.status:
                base.status, changed = status, True
            if record.rating is not None and record.rating != have.rating:
                base.rating, changed = record.rating, True
            if progress is not None and progress != have.progress:
                base.progress, changed = progress, True
        if record.source == "mediatrack" and base.metadata is not None:
            base.metadata = None  # the item exists: its catalog metadata stays as is
            base.parts = {  # only episodes it lacks are added, so new listens find theirs
                name: value for name, value in (base.parts or {}).items() if name == "episodes"
            }
        return base if changed else None

    @staticmethod
    def _stamp(record: ImportRecord):
        if record.source == "mediatrack":
            return record.changed  # a restore keeps the times of the backup
        return None

    @staticmethod
    def _base_write(record: ImportRecord, found: Matched) -> import_rows.Write:
        extra = record.extra if record.source == "mediatrack" else {}
        year = found.year or record.year
        write = import_rows.Write(
            kind=found.kind,
            catalog_id=found.catalog_id,
            title=found.title or record.title,
            release_date=str(year) if year else None,
            creator=found.creator or record.creator,
            total=record.total,
            feed_url=record.ids.get("feed_url"),
            isbn_13=record.ids.get("isbn13"),
            isbn_10=record.ids.get("isbn10"),
            metadata=extra.get("metadata"),
            parts={name: extra[name] for name in import_rows.RESTORERS if extra.get(name)},
        )
        write.show, write.podcast, write.feed = found.show, found.podcast, found.feed
        return write

    # --- the review list ----------------------------------------------------------

    @staticmethod
    def _review_row(record: ImportRecord, outcome: Unmatched) -> dict[str, Any]:
        candidates = [
            {"catalog_id": c.catalog_id, "title": c.title, "year": c.year}
            for c in outcome.candidates
        ]
        return {
            "source": record.source,
            "row_key": row_key(record),
            "kind": record.kind.value,
            "line": record.line,
            "title": record.title,
            "reason": outcome.reason,
            "record": json.dumps(record_to_json(record), ensure_ascii=False),
            "candidates": json.dumps(candidates, ensure_ascii=False) if candidates else None,
        }

    def review(self) -> list[ReviewItem]:
        with connection():
            rows = import_rows.review_rows(self.user_id)
        return [
            ReviewItem(
                row.id,
                row.source,
                row.line,
                row.kind,
                row.title,
                row.reason,
                json.loads(row.candidates) if row.candidates else [],
            )
            for row in rows
        ]

    def retry(self, on_progress: Progress | None = None) -> ImportSummary:
        """Match the review list again (after the network came back, say)."""
        with connection():
            rows = import_rows.review_rows(self.user_id)
        records = [record_from_json(json.loads(row.record)) for row in rows]
        summary = ImportSummary("review", "merge", False, rows=len(records))
        self._process(records, summary, "merge", False, on_progress)
        return summary

    def search_again(self, review_id: int, query: str) -> list[dict[str, Any]]:
        """Search the row's catalog for ``query`` (the user's own words for the row); the
        results become the row's candidates, to pick with ``resolve``. Raises ``CatalogError``
        (offline, say) as one sentence."""
        row = self._row(review_id)
        query = query.strip()
        if not query:
            raise ImportFailed("Type what to search for.")
        kind = Kind(row.kind)
        if kind in (Kind.TV, Kind.MOVIE):
            results = self.catalog.tmdb.search(kind, query)
        elif kind is Kind.BOOK:
            results = self.catalog.books.search(query)
        else:
            results = self.catalog.itunes.search(query)
        candidates = [
            {"catalog_id": c.catalog_id, "title": c.title, "year": c.year}
            for c in results[:10]
            if c.kind is kind
        ]
        with connection():
            import_rows.set_candidates(
                self.user_id,
                row.row_key,
                json.dumps(candidates, ensure_ascii=False) if candidates else None,
            )
        return candidates

    def _row(self, review_id: int) -> import_rows.ReviewRow:
        row = next((row for row in self._rows() if row.id == review_id), None)
        if row is None:
            raise ImportFailed(
                f"There is no row {review_id} to review (see `mediatrack import review`)."
            )
        return row

    def resolve(self, review_id: int, catalog_id: str | None) -> ImportSummary:
        """Settle one review row: import it as ``catalog_id``, as made by hand (``"hand"``),
        or skip it (None)."""
        row = self._row(review_id)
        if catalog_id is None:
            with connection():
                import_rows.settle_review(self.user_id, row.row_key, "skip")
            return ImportSummary("review", "merge", False, rows=1, skipped=1)
        record = record_from_json(json.loads(row.record))
        if catalog_id != "hand":
            catalog_id = _picked_id(record.kind, catalog_id)
        if catalog_id == "hand":
            catalog_id = (
                str(-random.randint(1, 2**62))
                if record.kind in (Kind.TV, Kind.MOVIE)
                else f"local:{uuid.uuid4()}"
            )
        record = replace(record, ids={**record.ids, CATALOG_KEYS[record.kind]: catalog_id})
        picked = next(
            (c for c in json.loads(row.candidates or "[]") if c["catalog_id"] == catalog_id), None
        )
        if picked is not None:  # the catalog's name for what the user chose, as a match has
            record = replace(record, title=picked["title"], year=picked["year"] or record.year)
        summary = ImportSummary("review", "merge", False, rows=1)
        self._process([record], summary, "merge", False, None)
        if summary.to_review == 0:
            with connection():
                import_rows.settle_review(self.user_id, row.row_key, catalog_id)
        return summary

    def _rows(self) -> list[import_rows.ReviewRow]:
        """Waiting rows and settled ones: a user may change an answer."""
        with connection():
            return [
                *import_rows.review_rows(self.user_id),
                *import_rows.review_rows(self.user_id, settled=True),
            ]


def _written(path: Path) -> dt.datetime | None:
    """When the file (or the newest file of the folder) was last written, as naive UTC."""
    try:
        paths = [path, *(p for p in path.rglob("*") if p.is_file())] if path.is_dir() else [path]
        newest = max(p.stat().st_mtime for p in paths)
    except OSError:
        return None
    return dt.datetime.fromtimestamp(newest, dt.UTC).replace(tzinfo=None)


def _no_later_than(records: list[ImportRecord], written: dt.datetime | None) -> list[ImportRecord]:
    """A row dated after its file was written (a typo'd year, 2099) is dated as the file: else
    merge would take it over every change the user makes after it, on every import."""
    if written is None:
        return records
    return [
        replace(record, changed=written)
        if record.changed is not None and record.changed > written
        else record
        for record in records
    ]


def _picked_id(kind: Kind, typed: str) -> str:
    """The catalog id the user typed for a review row, checked for the row's catalog."""
    text = typed.strip()
    if kind in (Kind.TV, Kind.MOVIE):
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
            raise ImportFailed(
                f"{typed!r} is not a TMDB id (a whole number): pick one of the row's "
                "candidates, or find more with --search."
            )
    elif not text:
        raise ImportFailed("Give the catalog id to pick: one of the row's candidates.")
    return text


def _left_alone(record: ImportRecord, have: import_rows.Held | None, mode: str) -> bool:
    """Whether the import leaves a held item as it is, whatever the file says: the user
    removed it after the file was written (unless overwrite), or only-new and it is held."""
    if have is None:
        return False
    removed, changed = have.removed_at, record.changed
    if removed is not None and mode != "overwrite" and (changed is None or changed <= removed):
        return True  # the removal stands
    return mode == "only-new" and have.status is not None
