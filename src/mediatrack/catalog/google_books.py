"""Google Books v1: search volumes and fetch one volume. An API key is optional.

Without a key, requests share Google's keyless quota, which runs out; the
error then says how to set a key of one's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from mediatrack.catalog._parse import Fields, year_of
from mediatrack.catalog.errors import AuthFailed, CatalogError, CatalogNotConfigured, RateLimited
from mediatrack.catalog.http import Classifier, HttpOptions, Provider, build_session, get_json
from mediatrack.catalog.records import BookDetails, SearchResult
from mediatrack.kinds import Kind

if TYPE_CHECKING:
    import requests

T = TypeVar("T")

NAME = "Google Books"
DEFAULT_URL = "https://www.googleapis.com"
MAX_RESULTS = 20
KEY_HINT = (
    "check google_books.key, or run `mediatrack config unset google_books.key` to use the "
    "shared keyless quota"
)
QUOTA_REASONS = {
    "rateLimitExceeded",
    "userRateLimitExceeded",
    "dailyLimitExceeded",
    "quotaExceeded",
}
OPERATORS = re.compile(r"\b(intitle|inauthor|inpublisher|subject|isbn):", re.IGNORECASE)
ISBN_TEXT = re.compile(r"(?:\d{9}[\dX]|\d{13})")


def build_query(text: str) -> str:
    """The ``q`` for what the user typed.

    ``isbn:978-0-8041-8824-1`` (or a bare ISBN) becomes ``isbn:9780804188241``;
    ``intitle:`` / ``inauthor:`` operators pass through; anything else is a plain query.
    """
    text = text.strip()
    if text.lower().startswith("isbn:"):
        return "isbn:" + re.sub(r"[\s-]", "", text[5:]).upper()
    compact = re.sub(r"[\s-]", "", text).upper()
    if ISBN_TEXT.fullmatch(compact):
        return f"isbn:{compact}"
    return OPERATORS.sub(lambda match: match.group(1).lower() + ":", text)


def _reasons(body: Any) -> set[str]:
    """Google's error reasons: ``error.errors[].reason`` and ``error.details[].reason``."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return set()
    reasons = set()
    for key in ("errors", "details"):
        entries = error.get(key)
        if isinstance(entries, list):
            reasons |= {e["reason"] for e in entries if isinstance(e, dict) and "reason" in e}
    return {reason for reason in reasons if isinstance(reason, str)}


def _classifier(keyed: bool) -> Classifier:
    def classify(status: int, body: Any) -> CatalogError | None:
        reasons = _reasons(body)
        if status == 429 or reasons & QUOTA_REASONS:
            message = (
                "Google Books says this API key's quota is used up; try again later."
                if keyed
                else "Google Books' shared keyless quota is used up; run `mediatrack config set "
                "google_books.key` with an API key of your own (console.cloud.google.com)."
            )
            return RateLimited(message, provider=NAME)
        if reasons & {"API_KEY_INVALID", "keyInvalid"}:
            return AuthFailed(f"Google Books rejected the API key; {KEY_HINT}.", provider=NAME)
        if "unknownLocation" in reasons:
            return CatalogNotConfigured(
                "Google Books cannot tell which country you are in; run `mediatrack config set "
                "google_books.country` with a two-letter code such as US.",
                provider=NAME,
            )
        return None

    return classify


class GoogleBooksClient:
    """Books from Google Books. Ids are Google's volume ids (``kPbzR4LDkAkC``)."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        api_key: str | None = None,
        session: requests.Session | None = None,
        options: HttpOptions | None = None,
        country: str | None = None,
    ) -> None:
        # Accept the base with or without the API path ("https://www.googleapis.com/books/v1").
        self.base_url = base_url.rstrip("/").removesuffix("/books/v1")
        self._api_key = api_key or None
        self.country = country or None
        self.options = options or HttpOptions()
        self._session = session
        self._provider = Provider(
            NAME, KEY_HINT, "MEDIATRACK_GOOGLE_BOOKS_URL", _classifier(bool(self._api_key))
        )

    def __repr__(self) -> str:
        return f"GoogleBooksClient({self.base_url!r}, keyed={bool(self._api_key)})"

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = build_session(self.options)
        return self._session

    def _get(
        self,
        path: str,
        params: dict[str, Any],
        parse: Callable[[Any], T],
        *,
        ttl: int,
        fresh: bool,
        what: str,
    ) -> T:
        if self._api_key:
            params["key"] = self._api_key
        if self.country:
            params["country"] = self.country
        return get_json(
            self.session,
            f"{self.base_url}/books/v1{path}",
            params,
            self._provider,
            parse,
            expire_after=ttl,
            fresh=fresh,
            what=what,
        )

    def search(self, query: str) -> list[SearchResult]:
        """Search by what the user typed (see ``build_query``); no results is an empty list."""
        if not query.strip():
            return []
        params = {"q": build_query(query), "maxResults": MAX_RESULTS, "printType": "books"}
        what = f"search at {self.base_url} (check {self._provider.url_setting})"
        return self._get(
            "/volumes",
            params,
            # "items" is absent, not empty, when nothing matches.
            lambda data: [_search_result(i) for i in Fields(data, "volumes").objects("items")],
            ttl=self.options.search_ttl,
            fresh=False,
            what=what,
        )

    def volume(self, google_id: str, *, fresh: bool = False) -> BookDetails:
        return self._get(
            f"/volumes/{quote(google_id, safe='')}",
            {},
            lambda data: parse_volume(Fields(data, "volume")),
            ttl=self.options.details_ttl,
            fresh=fresh,
            what=f"book with id {google_id}",
        )


def _search_result(item: Fields) -> SearchResult:
    book = parse_volume(item)
    return SearchResult(
        kind=Kind.BOOK,
        catalog_id=book.google_id,
        title=book.title,
        year=year_of(book.published_date),
        subtitle_line=", ".join(book.authors) or None,
        overview=book.description,
    )


def parse_volume(item: Fields) -> BookDetails:
    info = item.obj("volumeInfo")
    isbns: dict[str, str] = {}
    for identifier in info.objects("industryIdentifiers"):
        kind, value = identifier.opt_str("type"), identifier.opt_str("identifier")
        if kind and value:
            isbns.setdefault(kind, value)
    images = info.opt_obj("imageLinks")
    thumbnail = images and (images.opt_str("thumbnail") or images.opt_str("smallThumbnail"))
    return BookDetails(
        google_id=item.id_text("id"),
        title=info.title("title"),
        subtitle=info.opt_title("subtitle"),
        authors=info.str_tuple("authors"),
        publisher=info.opt_title("publisher"),
        published_date=info.opt_str("publishedDate"),
        description=info.opt_str("description"),
        page_count=info.opt_int("pageCount") or info.opt_int("printedPageCount") or None,
        categories=info.str_tuple("categories"),
        isbn_13=isbns.get("ISBN_13"),
        isbn_10=isbns.get("ISBN_10"),
        thumbnail=thumbnail or None,
        language=info.opt_str("language"),
        is_ebook=_is_ebook(item),
    )


def _is_ebook(item: Fields) -> bool:
    sale = item.opt_obj("saleInfo")
    return bool(sale and sale.opt_bool("isEbook"))
