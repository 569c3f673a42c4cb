"""Importing: matching against the catalogs, the modes, the review list, re-imports that
change nothing, and offline imports finished later."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_server import FEED_PATH, FakeCatalogs, fixture
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.importing import ImportFailed, ImportService
from mediatrack.services.library import Library, NeedsConfirmation
from mediatrack.store import imports as import_rows
from mediatrack.store.db import connection
from mediatrack.store.models import EpisodeWatch, FinishDate, MediaItem

IMPORTS = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture
def fake(httpserver) -> FakeCatalogs:
    return FakeCatalogs(httpserver)


@pytest.fixture
def service(fake, library) -> ImportService:
    return ImportService(fake.catalog())


def offline_catalog():
    settings = CatalogSettings(
        tmdb_url="http://127.0.0.1:9",
        tmdb_token="t",
        google_books_url="http://127.0.0.1:9",
        itunes_url="http://127.0.0.1:9",
    )
    return build_catalog(settings, HttpOptions(timeout=(0.5, 0.5), retries=0, cache=False))


def letterboxd_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "letterboxd"
    folder.mkdir(parents=True)
    (folder / "diary.csv").write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\r\n"
        "2024-02-01,Fight Club,1999,https://boxd.it/a,4.5,,,2024-01-31\r\n"
        "2024-03-01,Fight Club,1999,https://boxd.it/b,4.5,Yes,,2024-02-29\r\n"
        "2024-03-02,A Film Nobody Has,2001,https://boxd.it/c,3,,,2024-03-02\r\n"
    )
    (folder / "watchlist.csv").write_text(
        "Date,Name,Year,Letterboxd URI\r\n2024-01-01,Fight Club,1999,https://boxd.it/d\r\n"
    )
    return folder


def counts(summary) -> tuple[int, ...]:
    return (summary.added, summary.updated, summary.unchanged, summary.to_review)


def test_letterboxd_matches_by_name_and_year_and_a_second_import_changes_nothing(
    service, library, tmp_path
):
    folder = letterboxd_folder(tmp_path)
    first = service.run("letterboxd", folder)
    assert counts(first) == (1, 0, 0, 1) and first.matched == 1
    [movie] = library.entries(Kind.MOVIE)
    assert (movie.catalog_id, movie.status, movie.rating) == ("550", "completed", 9)
    with connection():
        days = sorted(d.finished_on for d in FinishDate.select())
    assert days == ["2024-01-31", "2024-02-29"]  # the rewatch too
    second = service.run("letterboxd", folder)
    assert counts(second) == (0, 0, 1, 1)
    assert len(library.entries(Kind.MOVIE)) == 1
    [row] = service.review()
    assert row.title == "A Film Nobody Has" and "no catalog item" in row.reason
    assert row.candidates  # what the search found, for the user to pick from


def test_a_search_is_asked_once_per_distinct_title(fake, service, tmp_path):
    folder = letterboxd_folder(tmp_path)
    service.run("letterboxd", folder)
    assert service.requests == 2  # "Fight Club" and "A Film Nobody Has", once each


def test_dry_run_reports_and_writes_nothing(service, library, tmp_path):
    summary = service.run("letterboxd", letterboxd_folder(tmp_path), dry_run=True)
    assert counts(summary) == (1, 0, 0, 1)
    assert library.entries(Kind.MOVIE) == [] and service.review() == []


def test_merge_keeps_a_change_made_after_the_file_and_overwrite_takes_the_file(
    service, library, tmp_path
):
    folder = letterboxd_folder(tmp_path)
    service.run("letterboxd", folder)
    [movie] = library.entries(Kind.MOVIE)
    library.update(movie.key, rating=3)  # the user's own change, after the file's date
    again = service.run("letterboxd", folder)
    assert counts(again)[:3] == (0, 0, 1)
    assert library.entry(movie.key).rating == 3
    only_new = service.run("letterboxd", folder, mode="only-new")
    assert only_new.added == 0 and library.entry(movie.key).rating == 3
    with pytest.raises(NeedsConfirmation, match="Overwrite your library"):
        service.run("letterboxd", folder, mode="overwrite")  # it asks first
    assert library.entry(movie.key).rating == 3
    overwrite = service.run("letterboxd", folder, mode="overwrite", confirm=True)
    assert overwrite.updated == 1 and library.entry(movie.key).rating == 9


def test_merge_takes_a_newer_row_of_the_file(service, library, tmp_path):
    folder = letterboxd_folder(tmp_path)
    service.run("letterboxd", folder)
    [movie] = library.entries(Kind.MOVIE)
    diary = folder / "diary.csv"
    diary.write_text(
        diary.read_text() + "2999-01-01,Fight Club,1999,https://boxd.it/e,2,Yes,,2999-01-01\r\n"
    )
    (folder / "ratings.csv").write_text(
        "Date,Name,Year,Letterboxd URI,Rating\r\n2999-01-01,Fight Club,1999,x,1\r\n"
    )
    summary = service.run("letterboxd", folder)
    assert summary.updated == 1 and library.entry(movie.key).rating == 2


def test_imdb_ids_go_through_tmdb_find_and_episodes_are_skipped(service, library, tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year\n"
        "tt0137523,9,2020-01-01,Fight Club,u,movie,8.8,139,1999\n"
        "tt0000001,7,2020-01-01,An Episode,u,tvEpisode,8,30,2010\n"
        "tt7654321,7,2020-01-01,Unknown,u,movie,8,30,2010\n"
    )
    summary = service.run("imdb", path)
    assert (summary.added, summary.skipped, summary.to_review) == (1, 1, 1)
    [movie] = library.entries(Kind.MOVIE)
    assert (movie.catalog_id, movie.rating) == ("550", 9)


def test_goodreads_matches_by_isbn_then_title_and_author(fake, service, library, tmp_path):
    path = tmp_path / "goodreads.csv"
    path.write_text(
        "Book Id,Title,Author,Additional Authors,ISBN,ISBN13,My Rating,Number of Pages,"
        "Date Read,Date Added,Exclusive Shelf\n"
        '1,Ruby,Cynthia Bond,,"=""""","=""9780804188241""",4,336,2020/01/02,2019/12/01,read\n'
        '2,Beginning Ruby,Kenneth Cooper,,"=""""","=""""",0,,,2019/12/01,to-read\n'
        "3,Broken,X,,,,9,,,,read\n"
    )
    summary = service.run("goodreads", path)
    assert (summary.added, summary.malformed) == (2, 1)
    assert summary.malformed_rows[0].line == 4
    books = {entry.catalog_id: entry for entry in library.entries(Kind.BOOK)}
    assert books["lPeKDQAAQBAJ"].rating == 8 and books["lPeKDQAAQBAJ"].status == "completed"
    assert books["RBUJZ-ma7voC"].status == "plan_to_read"
    assert "isbn:9780804188241" in fake.book_queries
    assert counts(service.run("goodreads", path)) == (0, 0, 2, 0)


def test_offline_rows_wait_in_the_review_list_and_retry_finishes_them(library, fake, tmp_path):
    folder = letterboxd_folder(tmp_path)
    offline = ImportService(offline_catalog()).run("letterboxd", folder)
    assert (offline.added, offline.to_review) == (0, 2)
    assert library.entries(Kind.MOVIE) == []
    rows = ImportService(offline_catalog()).review()
    assert all("not matched yet" in row.reason for row in rows)
    retried = ImportService(fake.catalog()).retry()
    assert (retried.added, retried.to_review) == (1, 1)
    assert [entry.catalog_id for entry in library.entries(Kind.MOVIE)] == ["550"]
    assert [row.title for row in ImportService(fake.catalog()).review()] == ["A Film Nobody Has"]


def test_review_rows_are_picked_made_by_hand_or_skipped(service, library, tmp_path):
    service.run("letterboxd", letterboxd_folder(tmp_path))
    [row] = service.review()
    service.resolve(row.id, "289732")  # picked among the candidates
    assert {entry.catalog_id for entry in library.entries(Kind.MOVIE)} == {"550", "289732"}
    assert service.review() == []
    again = service.run("letterboxd", letterboxd_folder(tmp_path / "again"))
    assert counts(again) == (0, 0, 2, 0)  # the pick is remembered: nothing to ask again
    service.resolve(row.id, None)  # changed mind: skip it from now on
    assert service.run("letterboxd", letterboxd_folder(tmp_path / "third")).skipped == 1
    assert service.review() == []
    with pytest.raises(ImportFailed, match="no row 999"):
        service.resolve(999, None)


def test_trakt_ticks_episodes_with_their_dates(service, library, tmp_path):
    path = tmp_path / "watched-shows.json"
    path.write_text(
        json.dumps(
            [
                {
                    "plays": 2,
                    "last_watched_at": "2020-05-02T20:00:00.000Z",
                    "show": {"title": "Game of Thrones", "year": 2011, "ids": {"tmdb": 1399}},
                    "seasons": [
                        {
                            "number": 1,
                            "episodes": [
                                {
                                    "number": 1,
                                    "plays": 1,
                                    "last_watched_at": "2020-05-01T20:00:00Z",
                                },
                                {
                                    "number": 2,
                                    "plays": 1,
                                    "last_watched_at": "2020-05-02T20:00:00Z",
                                },
                            ],
                        }
                    ],
                },
                {
                    "plays": 1,
                    "last_watched_at": "2020-01-01T00:00:00Z",
                    "movie": {"title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}},
                },
            ]
        )
    )
    summary = service.run("trakt", path)
    assert summary.added == 2 and summary.to_review == 0
    [show] = library.entries(Kind.TV)
    assert show.progress == 2 and show.status == "watching"
    with connection():
        watched = sorted(str(w.watched_at) for w in EpisodeWatch.select())
    assert watched == ["2020-05-01 20:00:00", "2020-05-02 20:00:00"]
    assert counts(service.run("trakt", path)) == (0, 0, 2, 0)
    library.update(EntryKey(Kind.TV, show.key.item_id), progress=0, confirm=True)  # untick all
    assert counts(service.run("trakt", path)) == (0, 0, 2, 0)  # merge never revives them
    assert library.entry(show.key).progress == 0


def test_opml_matches_itunes_by_feed_url_else_keys_the_feed(fake, service, library, tmp_path):
    known = "https://www.omnycontent.com/d/playlist/aaea4e69-af51-495e-afc9-a9760146922b/14a43378-edb2-49be-8511-ab0d000a7030/d1b9612f-bb1b-4b85-9c0c-ab0d004ab37a/podcast.rss"
    own = fake.server.url_for(FEED_PATH)
    path = tmp_path / "subs.opml"
    path.write_text(
        f'<opml version="2.0"><body><outline text="Freakonomics Radio" xmlUrl="{known}"/>'
        f'<outline text="Kitchen Table" xmlUrl="{own}"/></body></opml>'
    )
    assert service.run("opml", path).added == 2
    ids = {entry.title: entry.catalog_id for entry in library.entries(Kind.PODCAST)}
    assert ids["Freakonomics Radio"] == "354668519"
    assert ids["Kitchen Table"] == f"local:feed:{own}"
    assert counts(service.run("opml", path)) == (0, 0, 2, 0)


def test_an_unknown_source_and_a_missing_file_are_one_sentence(service, tmp_path):
    with pytest.raises(ImportFailed, match="not an import source"):
        service.run("myspace", tmp_path)
    with pytest.raises(ImportFailed, match="does not exist"):
        service.run("goodreads", tmp_path / "nope.csv")


MOVIES = [(550 + n, f"Film {n}", 2000 + n) for n in range(8)]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.sampled_from(MOVIES), min_size=1, max_size=12),
    ratings=st.lists(st.integers(1, 10), min_size=12, max_size=12),
)
def test_any_rows_in_any_order_imported_twice_change_nothing_the_second_time(
    library, tmp_path_factory, rows, ratings
):
    path = tmp_path_factory.mktemp("trakt") / "history.json"
    entries = [
        {
            "watched_at": f"2020-01-{1 + index % 28:02d}T10:00:00Z",
            "type": "movie",
            "movie": {"title": title, "year": year, "ids": {"tmdb": tmdb}},
        }
        for index, (tmdb, title, year) in enumerate(rows)
    ] + [
        {
            "rated_at": "2020-02-01T00:00:00Z",
            "rating": rating,
            "type": "movie",
            "movie": {"title": title, "year": year, "ids": {"tmdb": tmdb}},
        }
        for (tmdb, title, year), rating in zip(rows, ratings, strict=False)
    ]
    path.write_text(json.dumps(entries))
    service = ImportService(offline_catalog())  # ids are direct: no request at all
    service.run("trakt", path)
    with connection():
        before = {(m.tmdb_id, m.title) for m in MediaItem.select()}
        held = import_rows.held(library.user_id, Kind.MOVIE, [str(m[0]) for m in MOVIES])
    second = service.run("trakt", path)
    assert second.added == 0 and second.updated == 0
    assert second.unchanged == len(set(rows))
    with connection():
        assert {(m.tmdb_id, m.title) for m in MediaItem.select()} == before
        assert import_rows.held(library.user_id, Kind.MOVIE, [str(m[0]) for m in MOVIES]) == held
    assert len(Library(library.user_id).entries(Kind.MOVIE)) == len(before)


def test_merge_never_brings_back_an_item_removed_after_the_file(service, library, tmp_path):
    folder = letterboxd_folder(tmp_path)
    service.run("letterboxd", folder)
    [movie] = library.entries(Kind.MOVIE)
    library.remove(movie.key, confirm=True)
    again = service.run("letterboxd", folder)
    assert library.entries(Kind.MOVIE) == []  # the removal is newer than the file: it stands
    assert again.added == 0
    service.run("letterboxd", folder, mode="overwrite", confirm=True)  # only when asked
    assert [entry.key for entry in library.entries(Kind.MOVIE)] == [movie.key]


def _opml(tmp_path: Path, names: list[str], server) -> Path:
    outlines = "".join(
        f'<outline text="{name}" xmlUrl="{server.url_for(FEED_PATH)}?{n}"/>'
        for n, name in enumerate(names)
    )
    path = tmp_path / "subs.opml"
    path.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>')
    return path


def test_a_spent_rate_limit_is_waited_out_not_sent_to_review(fake, library, tmp_path):
    """Our own limit (here 2 searches a second, refusing to wait) and the catalog's 429
    with Retry-After both make rows wait; none of them goes to the review list."""
    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    from mediatrack.catalog.http import build_session
    from mediatrack.catalog.itunes import ItunesClient
    from mediatrack.catalog.ratelimit import RateLimit

    refused = {"left": 2}
    answer = json.dumps(fixture("itunes/search_podcast.json"))

    def search(request):
        if refused["left"]:
            refused["left"] -= 1
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(answer, mimetype="application/json")

    itunes = HTTPServer(host="127.0.0.1", port=0)
    itunes.expect_request("/search").respond_with_handler(search)
    itunes.start()
    try:
        options = HttpOptions(timeout=(2, 2), retries=0, cache=False)
        session = build_session(options, RateLimit(calls=2, period=1.0, max_wait=0.0))
        catalog = replace(
            fake.catalog(), itunes=ItunesClient(itunes.url_for("/"), session, options)
        )
        waits: list[tuple[str, float]] = []
        service = ImportService(catalog, on_wait=lambda name, wait: waits.append((name, wait)))
        names = ["Show A", "Show B", "Show C", "Show D", "Show E"]
        summary = service.run("opml", _opml(tmp_path, names, fake.server))
    finally:
        itunes.stop()
    assert (summary.matched, summary.to_review) == (5, 0), summary.review
    assert {name for name, _ in waits} == {"iTunes"}
    assert any(wait == 1.0 for _, wait in waits)  # the 429's Retry-After
    assert any(wait < 1.0 for _, wait in waits)  # our own limiter's turn
    assert refused["left"] == 0 and len(library.entries(Kind.PODCAST)) == 5


def test_offline_is_still_sent_to_review_at_once(library, tmp_path, httpserver):
    waits: list[float] = []
    service = ImportService(offline_catalog(), on_wait=lambda name, seconds: waits.append(seconds))
    summary = service.run("opml", _opml(tmp_path, ["Show A"], httpserver))
    assert summary.to_review == 1 and waits == []


def test_two_rows_of_one_book_left_to_review_keep_both_rows_dates(library, fake, tmp_path):
    """A file naming a book twice (reread, duplicated row) that cannot be matched now keeps
    one review row holding both, so nothing of either row is lost when it is matched."""
    path = tmp_path / "goodreads.csv"
    path.write_text(
        "Title,Author,ISBN13,My Rating,Date Read,Exclusive Shelf\n"
        "Ruby,Cynthia Bond,9780804188241,3,2021/01/01,read\n"
        "Ruby,Cynthia Bond,9780804188241,5,2022/01/01,read\n"
    )
    offline = ImportService(offline_catalog()).run("goodreads", path)
    assert offline.to_review == 1
    assert len(ImportService(offline_catalog()).review()) == 1
    retried = ImportService(fake.catalog()).retry()
    assert (retried.added, retried.to_review) == (1, 0)
    with connection():
        days = sorted(d.finished_on for d in FinishDate.select())
    assert days == ["2021-01-01", "2022-01-01"]
    [book] = library.entries(Kind.BOOK)
    assert book.rating == 10  # the newer row's 5 stars


def test_a_row_dated_in_the_future_does_not_undo_a_later_change_on_every_import(
    service, library, tmp_path
):
    """A typo'd year (2099) makes no row newer than every change the user will ever make."""
    path = tmp_path / "goodreads.csv"
    path.write_text(
        "Title,Author,ISBN13,My Rating,Date Read,Exclusive Shelf\n"
        "Ruby,Cynthia Bond,9780804188241,3,2099/01/01,read\n"
    )
    service.run("goodreads", path)
    [book] = library.entries(Kind.BOOK)
    assert book.rating == 6
    library.update(book.key, rating=9)  # after the import
    again = service.run("goodreads", path)
    assert counts(again)[:3] == (0, 0, 1)
    assert library.entry(book.key).rating == 9


def test_a_feed_written_another_way_is_the_same_podcast_not_a_second_one(
    fake, service, library, tmp_path
):
    """http or https, a trailing slash, the host's case: podcast apps write one feed in
    several ways; none of them adds the podcast twice, in one file or across imports."""
    own = fake.server.url_for(FEED_PATH)
    shouted = own.replace("http://", "HTTP://")
    first = tmp_path / "first.opml"
    first.write_text(
        f'<opml version="2.0"><body><outline text="Kitchen Table" xmlUrl="{own}"/>'
        f'<outline text="Kitchen Table again" xmlUrl="{shouted}/"/></body></opml>'
    )
    summary = service.run("opml", first)
    assert summary.added == 1 and summary.skipped_reasons == {"listed twice": 1}
    later = tmp_path / "later.opml"
    later.write_text(
        f'<opml version="2.0"><body><outline text="Kitchen" xmlUrl="{own}/"/></body></opml>'
    )
    assert counts(service.run("opml", later)) == (0, 0, 1, 0)
    assert len(library.entries(Kind.PODCAST)) == 1


def test_an_unreachable_catalog_is_not_asked_again_for_every_row(library, fake, tmp_path):
    """Offline, each look-up would wait out its own timeout (no DNS: seconds each); after a
    few in a row get no answer at all, the rest of that catalog's rows wait in the review
    list at once, and `review --retry` matches them later."""
    from mediatrack.services.importing import UNREACHABLE_AFTER, WORKERS

    path = tmp_path / "goodreads.csv"
    lines = ["Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf"]
    lines += [f"{n},Book number {n},Author {n},,,3,read" for n in range(200)]
    path.write_text("\n".join(lines) + "\n")
    service = ImportService(offline_catalog())
    summary = service.run("goodreads", path)
    assert summary.to_review == 200
    # the first few, and those already under way when the catalog was found unreachable
    assert service.requests <= UNREACHABLE_AFTER + WORKERS
    rows = ImportService(offline_catalog()).review()
    assert {row.reason for row in rows} == {
        "not matched yet: Cannot reach Google Books (127.0.0.1:9); check your network connection."
    }
    online = ImportService(fake.catalog())
    online.retry()
    assert online.requests >= 200  # back online: every row is asked again


def test_a_review_in_the_file_becomes_the_items_private_note_and_a_note_since_stands(
    fake, service, library, tmp_path
):
    from mediatrack.services.history import History

    path = tmp_path / "goodreads.csv"
    path.write_text(
        "Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf,My Review\n"
        '1,Ruby,Cynthia Bond,,"=""9780804188241""",4,read,'
        '"Loved it.<br/><br/>The <i>ending</i> &amp; the \x1b[2Jriver.<br/>"\n'
    )
    service.run("goodreads", path)
    [book] = library.entries(Kind.BOOK)
    assert library.detail(book.key).runs == 1  # no Read Count: read once
    note = library.detail(book.key).note
    assert note is not None and note.shared is False  # private, as a note starts
    assert note.text == "Loved it.\n\nThe ending & the [2Jriver."  # plain, no escape
    again = service.run("goodreads", path)
    assert (again.added, again.updated) == (0, 0)
    History().set_note(book.key, "my own words now")
    service.run("goodreads", path)  # merge: the note written since stands
    assert library.detail(book.key).note.text == "my own words now"
    service.run("goodreads", path, mode="overwrite", confirm=True)  # the file wins
    assert library.detail(book.key).note.text.startswith("Loved it.")


def test_letterboxd_reviews_become_notes_and_count_no_second_rewatch(service, library, tmp_path):
    folder = letterboxd_folder(tmp_path)
    (folder / "reviews.csv").write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\r\n"
        "2024-02-01,Fight Club,1999,https://boxd.it/e,4.5,,First time: loud.,,2024-01-31\r\n"
        "2024-03-01,Fight Club,1999,https://boxd.it/f,4.5,Yes,Second time: quiet.,,2024-02-29\r\n"
    )
    service.run("letterboxd", folder)
    [movie] = library.entries(Kind.MOVIE)
    assert library.detail(movie.key).note.text == "Second time: quiet."  # the newest
    assert library.detail(movie.key).runs == 2  # one rewatch in the diary, not two


def test_times_read_and_watched_in_the_file_are_the_items_runs_and_never_lowered(
    fake, service, library, tmp_path
):
    path = tmp_path / "goodreads.csv"
    header = "Book Id,Title,Author,ISBN,ISBN13,My Rating,Exclusive Shelf,Read Count\n"
    path.write_text(header + '1,Ruby,Cynthia Bond,,"=""9780804188241""",4,read,3\n')
    service.run("goodreads", path)
    [book] = library.entries(Kind.BOOK)
    assert library.detail(book.key).runs == 3  # "x3": read three times
    assert counts(service.run("goodreads", path)) == (0, 0, 1, 0)
    path.write_text(header + '1,Ruby,Cynthia Bond,,"=""9780804188241""",4,read,2\n')
    service.run("goodreads", path)  # an older file says fewer: what the library has stands
    assert library.detail(book.key).runs == 3
