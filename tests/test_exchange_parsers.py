"""The import parsers read files as people have them, and say which rows they could not read."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest

from mediatrack.exchange import (
    ExchangeError,
    backup,
    goodreads,
    imdb,
    letterboxd,
    opml,
    storygraph,
    trakt,
    writers,
)
from mediatrack.kinds import Kind

IMPORTS = Path(__file__).parent / "fixtures" / "imports"


def by_title(result):
    return {record.title: record for record in result.records}


def test_goodreads_shelves_ratings_isbns_dates_and_pages():
    result = goodreads.parse(IMPORTS / "goodreads/goodreads_library_export.csv")
    books = by_title(result)
    assert len(result.records) == 8 and not result.malformed
    campaign = books["Campaign Finance: What Everyone Needs to Know"]
    assert campaign.status == "plan_to_read" and campaign.rating is None
    assert campaign.ids["isbn13"] == "9780190274689" and campaign.ids["isbn10"] == "0190274689"
    assert books["A Whirlwind Tour of Python"].status == "reading"
    assert "isbn10" not in books["A Whirlwind Tour of Python"].ids  # ="" is no ISBN
    homo = books["Homo Deus: A History of Tomorrow"]
    assert homo.status == "completed" and homo.rating == 10
    assert homo.dates == (dt.date(2020, 3, 12),) and homo.total == 450 and homo.progress == 450
    assert books["The Book Thief"].rating == 8
    night = books["Night  (The Night Trilogy #1)"]
    assert night.creator == "Elie Wiesel, Marion Wiesel, François Mauriac"


def test_goodreads_bookwyrm_copy_with_long_review_and_accents():
    result = goodreads.parse(IMPORTS / "goodreads/goodreads_library_export_bookwyrm.csv")
    assert len(result.records) == 3 and not result.malformed
    assert all(record.status == "completed" for record in result.records)


def test_goodreads_in_windows_1252_with_bom_crlf_and_a_bad_row_reads_the_rest(tmp_path):
    text = (IMPORTS / "goodreads/goodreads_library_export_bookwyrm.csv").read_text("utf-8")
    lines = text.splitlines()
    lines.insert(2, lines[1].replace(",0,4.20,", ",7,4.20,"))  # 7 stars: not a rating
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252", errors="replace"))
    result = goodreads.parse(path)
    assert [(bad.line, "7 stars" in bad.reason) for bad in result.malformed] == [(3, True)]
    assert len(result.records) == 3


def test_goodreads_without_the_shelf_column_names_it_in_one_sentence(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Title,Author\nDune,Frank Herbert\n")
    with pytest.raises(ExchangeError, match="no 'Exclusive Shelf' column"):
        goodreads.parse(path)


def test_goodreads_unknown_columns_are_ignored_and_other_shelves_counted(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Title,Author,Exclusive Shelf,Future Column\nDune,Frank Herbert,read,x\n"
        "Emma,Jane Austen,owned-books,y\n"
    )
    result = goodreads.parse(path)
    assert [record.title for record in result.records] == ["Dune"]
    assert dict(result.skipped) == {"on shelf 'owned-books'": 1}


def test_storygraph_statuses_half_stars_dates_read_and_bad_rating():
    result = storygraph.parse(IMPORTS / "storygraph/export.csv")
    books = by_title(result)
    thief = books["The Book Thief"]
    assert thief.status == "completed" and thief.rating == 9
    assert thief.dates == (dt.date(2019, 5, 20), dt.date(2021, 2, 10))
    assert thief.ids == {"isbn13": "9780375831003"} and thief.tags == ("favourites", "war")
    assert books["Gideon the Ninth"].ids == {"isbn10": "1250313198"}
    assert books["Homo Deus"].status == "plan_to_read" and books["Homo Deus"].ids == {}
    assert books["A Book I Left"].status == "dropped" and books["A Book I Left"].rating == 4
    assert [bad.line for bad in result.malformed] == [7]  # the review's newline moved it down


def letterboxd_films(path: Path):
    return by_title(letterboxd.parse(path))


def test_letterboxd_folder_merges_overlapping_files():
    films = letterboxd_films(IMPORTS / "letterboxd")
    interstellar = films["Interstellar"]
    assert interstellar.status == "completed" and interstellar.rating == 10
    assert interstellar.dates == (dt.date(2025, 9, 17),)
    assert interstellar.extra == {"rewatches": 1}
    assert films["A Visitor to a Museum"].rating == 7  # 3.5 stars
    assert len({(film.title, film.year) for film in films.values()}) == len(films)


def test_letterboxd_zip_reads_like_the_folder(tmp_path):
    archive = tmp_path / "letterboxd-export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ("diary.csv", "ratings.csv", "watched.csv"):
            out.write(IMPORTS / "letterboxd" / name, name)
        out.writestr("watchlist.csv", "Date,Name,Year,Letterboxd URI\n2025-01-01,Alien,1979,x\n")
    films = letterboxd_films(archive)
    assert films["Alien"].status == "plan_to_watch"
    assert films["Interstellar"] == letterboxd_films(IMPORTS / "letterboxd")["Interstellar"]


def test_letterboxd_folder_without_its_files_is_one_sentence(tmp_path):
    with pytest.raises(ExchangeError, match="holds none of Letterboxd's files"):
        letterboxd.parse(tmp_path)


def test_trakt_folder_ids_ticks_with_dates_and_history():
    result = trakt.parse(IMPORTS / "trakt")
    assert not result.malformed
    items = {(record.kind, record.title): record for record in result.records}
    chuck = items[(Kind.TV, "Chuck")]
    assert chuck.ids["tmdb"] == "1404" and chuck.status == "watching"
    first = chuck.ticks[0]
    assert (first.season, first.episode) == (1, 1)
    assert first.watched_at == dt.datetime(2015, 1, 27, 23, 38, 45)
    parks = items[(Kind.TV, "Parks and Recreation")]
    assert any(tick.tmdb_id == 397629 for tick in parks.ticks)
    knight = items[(Kind.MOVIE, "The Dark Knight")]
    assert knight.ids["tmdb"] == "155" and knight.status == "completed"
    assert dt.date(2014, 3, 31) in knight.dates


def test_trakt_file_that_is_not_json_is_one_sentence(tmp_path):
    path = tmp_path / "watched.json"
    path.write_text("{nope")
    with pytest.raises(ExchangeError, match="is not JSON"):
        trakt.parse(path)


def test_imdb_current_layout_maps_title_types():
    result = imdb.parse(IMPORTS / "imdb/ratings.csv")
    kinds = {record.title: record.kind for record in result.records}
    assert kinds["John Wick: Chapter 2"] is Kind.MOVIE
    assert Kind.TV in kinds.values()
    assert all(record.ids["imdb"].startswith("tt") for record in result.records)


def test_imdb_2021_layout_in_latin_1_skips_episodes_and_games(tmp_path):
    result = imdb.parse(IMPORTS / "imdb/ratings_2021_format.csv")
    assert len(result.records) == 8 and not result.malformed  # ISO-8859-1 decodes
    extra = tmp_path / "ratings.csv"
    text = (IMPORTS / "imdb/ratings_2021_format.csv").read_bytes().decode("latin-1")
    head, first = text.splitlines()[:2]
    extra.write_text(
        "\n".join(
            [
                head,
                first,
                first.replace(",movie,", ",tvEpisode,"),
                first.replace(",movie,", ",videoGame,"),
                first.replace("tt10003008", "x1"),
            ]
        ),
        encoding="latin-1",
    )
    parsed = imdb.parse(extra)
    assert len(parsed.records) == 1
    assert dict(parsed.skipped) == {"Title Type 'tvEpisode'": 1, "Title Type 'videoGame'": 1}
    assert [bad.line for bad in parsed.malformed] == [5]


def test_opml_flat_nested_and_duplicated_feeds(tmp_path):
    flat = opml.parse(IMPORTS / "opml/overcast.opml")
    assert len(flat.records) == 7 and flat.records[0].title == "99% Invisible"
    antenna = opml.parse(IMPORTS / "opml/antennapod.opml")
    assert antenna.skipped["listed twice"] == 1
    assert any(record.title == "Jung & Naiv" for record in antenna.records)
    nested = tmp_path / "nested.opml"
    nested.write_text(
        '<opml version="1.1"><body><outline text="Feeds"><outline text="A" '
        'xmlUrl="https://a.example/rss"/></outline></body></opml>'
    )
    assert [record.ids["feed_url"] for record in opml.parse(nested).records] == [
        "https://a.example/rss"
    ]


def test_opml_that_is_not_xml_is_one_sentence(tmp_path):
    path = tmp_path / "subs.opml"
    path.write_text("not xml at all")
    with pytest.raises(ExchangeError, match="is not OPML"):
        opml.parse(path)


def test_backup_from_a_newer_mediatrack_is_refused(tmp_path):
    path = tmp_path / "backup.json"
    path.write_text('{"format": "mediatrack", "version": 99, "items": []}')
    with pytest.raises(ExchangeError, match="newer mediatrack"):
        backup.parse(path)


def test_backup_reads_back_what_it_wrote(tmp_path):
    item = {
        "kind": "movie",
        "catalog_id": "550",
        "title": "Fight Club",
        "status": "completed",
        "progress": 1,
        "rating": 8,
        "updated_at": "2024-01-02T03:04:05",
    }
    path = tmp_path / "backup.json"
    path.write_text(backup.dumps([item, {"kind": "movie"}], []))
    result = backup.parse(path)
    assert [record.ids for record in result.records] == [{"tmdb": "550"}]
    assert [bad.line for bad in result.malformed] == [2]


def test_writers_produce_goodreads_letterboxd_and_opml_that_parse_back(tmp_path):
    items = [
        {
            "kind": "book",
            "catalog_id": "g1",
            "title": "Dune",
            "creator": "Frank Herbert",
            "status": "completed",
            "rating": 9,
            "isbn_13": "9780441013593",
            "total": 600,
            "dates": ["2020-01-02"],
            "note": "Spice.\nWorms.",
            "runs": 1,
        },
        {
            "kind": "movie",
            "catalog_id": "550",
            "title": "Fight Club",
            "status": "completed",
            "release_date": "1999-10-15",
            "rating": 8,
            "dates": ["2020-01-01", "2021-01-01"],
            "note": "Rule one",
        },
        {
            "kind": "podcast",
            "catalog_id": "1",
            "title": "A & B",
            "status": "listening",
            "feed_url": "https://x.example/rss?a=1&b=2",
        },
    ]
    (tmp_path / "gr.csv").write_text(writers.goodreads(items))
    book = goodreads.parse(tmp_path / "gr.csv").records[0]
    assert (book.title, book.status, book.rating, book.ids["isbn13"]) == (
        "Dune",
        "completed",
        10,
        "9780441013593",
    )
    assert (book.review, book.extra) == ("Spice.\nWorms.", {"read_count": 2})
    assert "Fight Club,1999,8,2021-01-01,true,Rule one" in writers.letterboxd(items)
    (tmp_path / "lb.csv").write_text(writers.letterboxd(items))
    film = letterboxd.parse(tmp_path / "lb.csv").records[0]
    assert (film.review, film.dates[-1].isoformat()) == ("Rule one", "2021-01-01")
    (tmp_path / "p.opml").write_text(writers.opml(items))
    podcast = opml.parse(tmp_path / "p.opml").records[0]
    assert podcast.title == "A & B" and podcast.ids["feed_url"] == "https://x.example/rss?a=1&b=2"
    shutil.rmtree(tmp_path)


# --- hostile and odd files ------------------------------------------------------------


def test_letterboxd_zip_of_the_export_folder_reads_its_files(tmp_path):
    archive = tmp_path / "letterboxd.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name in ("diary.csv", "ratings.csv", "watched.csv"):
            out.write(IMPORTS / "letterboxd" / name, f"letterboxd-me-2025/{name}")
        out.writestr(
            "letterboxd-me-2025/deleted/diary.csv", "Date,Name,Year\n2020-01-01,Gone,1990\n"
        )
    films = letterboxd_films(archive)
    assert films == letterboxd_films(IMPORTS / "letterboxd")
    assert "Gone" not in films


def test_letterboxd_reads_its_import_layout_as_our_export_writes_it(tmp_path):
    items = [
        {
            "kind": "movie",
            "catalog_id": "550",
            "title": "Fight Club",
            "status": "completed",
            "release_date": "1999-10-15",
            "rating": 7,
            "dates": ["2020-01-01", "2021-01-01"],
        },
        {"kind": "movie", "catalog_id": "551", "title": "Unseen", "status": "completed"},
    ]
    path = tmp_path / "mediatrack-letterboxd.csv"
    path.write_text(writers.letterboxd(items), newline="")
    result = letterboxd.parse(path)
    assert not result.malformed
    films = by_title(result)
    fight = films["Fight Club"]
    assert (fight.ids["tmdb"], fight.year, fight.status, fight.rating) == (
        "550",
        1999,
        "completed",
        7,
    )
    assert fight.dates == (dt.date(2020, 1, 1), dt.date(2021, 1, 1))
    assert fight.extra == {"rewatches": 1}
    assert films["Unseen"].status == "completed" and films["Unseen"].dates == ()


def test_letterboxd_malformed_row_adds_nothing_of_its_film(tmp_path):
    (tmp_path / "ratings.csv").write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n2024-06-02,Fight Club,1999,x,7\n"
    )
    result = letterboxd.parse(tmp_path)
    assert [bad.line for bad in result.malformed] == [2]
    assert result.records == []


def test_trakt_malformed_entry_adds_nothing_of_its_item(tmp_path):
    (tmp_path / "ratings-movies.json").write_text(
        '[{"rated_at": "2024-01-02T10:00:00.000Z", "rating": 11, "type": "movie",'
        ' "movie": {"title": "Bad", "year": 1999, "ids": {"tmdb": 289732}}},\n'
        ' {"rated_at": "2024-01-02T10:00:00.000Z", "rating": 8, "type": "movie",'
        ' "movie": {"title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}}}]'
    )
    result = trakt.parse(tmp_path)
    assert [bad.line for bad in result.malformed] == [1]
    assert [(record.title, record.rating) for record in result.records] == [("Fight Club", 8)]


def test_opml_outline_without_a_feed_is_counted_not_dropped(tmp_path):
    path = tmp_path / "subs.opml"
    path.write_text(
        '<opml version="1.0"><body><outline text="Folder">'
        '<outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="Link" type="link" url="https://b.example/page"/>'
        '<outline text="Only a name"/></outline>'
        '<outline text="Empty folder"></outline>'
        '<outline text="C" xmlurl="https://c.example/rss"/></body></opml>'
    )
    result = opml.parse(path)
    assert [record.ids["feed_url"] for record in result.records] == [
        "https://a.example/rss",
        "https://c.example/rss",
    ]
    assert result.skipped == {"an outline with no feed (xmlUrl)": 3}  # the empty folder too


@pytest.mark.parametrize(
    ("date", "said"),
    [("5/3/2021", "'5/3/2021'"), ("2021-13-45", "'2021-13-45'"), ("soon", "'soon'")],
)
def test_a_bad_date_is_one_sentence_naming_the_column_and_value(tmp_path, date, said):
    text = (
        "Title,Author,Exclusive Shelf,Date Read\n"
        f"Dune,Frank Herbert,read,{date}\nEmma,Jane Austen,read,2020/01/02\n"
    )
    result = goodreads.parse_text(text)
    [bad] = result.malformed
    assert bad.line == 2 and bad.reason.startswith(f"Date Read {said} is not a date")
    assert [record.title for record in result.records] == ["Emma"]


def backup_text(*items) -> str:
    import json

    return json.dumps({"format": "mediatrack", "version": 1, "items": list(items)})


GOOD = {"kind": "movie", "status": "completed", "catalog_id": "550", "title": "Fight Club"}


@pytest.mark.parametrize(
    "change",
    [
        {"catalog_id": None},
        {"catalog_id": "abc"},
        {"catalog_id": True},
        {"title": ["x"]},
        {"creator": {"a": 1}},
        {"total": "lots"},
        {"progress": 10**30},
        {"dates": "2024-01-01"},
        {"dates": [5]},
        {"metadata": "junk"},
        {"metadata": [1]},
        {"kind": "tv", "status": "watching", "seasons": "x"},
        {"kind": "tv", "status": "watching", "seasons": [{"season_number": 1, "episodes": "x"}]},
        {
            "kind": "tv",
            "status": "watching",
            "seasons": [{"season_number": 10**20, "episodes": [{"episode_number": 1}]}],
        },
        {"kind": "podcast", "status": "listening", "catalog_id": "p", "episodes": "x"},
        {"kind": "podcast", "status": "listening", "catalog_id": "p", "episodes": [{"x": 1}]},
    ],
)
def test_backup_hand_edited_with_wrong_types_reports_the_item_and_reads_the_rest(change):
    result = backup.parse_text(backup_text({**GOOD, **change}, GOOD))
    [bad] = result.malformed
    assert bad.line == 1 and bad.reason.startswith("item 1: ")
    assert len(result.records) == 1


def test_backup_version_must_be_a_whole_number_not_true():
    with pytest.raises(ExchangeError, match="no valid backup version"):
        backup.parse_text('{"format": "mediatrack", "version": true, "items": []}')


def test_a_row_too_long_to_read_is_malformed_and_the_rest_read():
    text = (
        "Title,Author,Exclusive Shelf,My Review\n"
        f"Dune,Frank Herbert,read,{'x' * 200_000}\nEmma,Jane Austen,read,fine\n"
    )
    result = goodreads.parse_text(text)
    [bad] = result.malformed
    assert bad.line == 2 and "field limit" in bad.reason
    assert [record.title for record in result.records] == ["Emma"]
    films = letterboxd.parse_files({"watched.csv": f"Name,Year\nDune,{'1' * 200_000}\nEmma,2020\n"})
    assert [bad.line for bad in films.malformed] == [2]
    assert [record.title for record in films.records] == ["Emma"]
    ratings = imdb.parse_text(f"Const,Title,Title Type\ntt1,{'x' * 200_000},movie\ntt2,B,movie\n")
    assert [bad.line for bad in ratings.malformed] == [2] and len(ratings.records) == 1


def test_a_lone_csv_that_is_not_letterboxd_is_named_in_one_sentence(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Colour,Size\nred,2\n")
    with pytest.raises(ExchangeError, match=r"^notes\.csv has no 'Name or Title' column"):
        letterboxd.parse(path)


def test_a_trakt_folder_without_json_is_one_sentence(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(ExchangeError, match="holds no Trakt JSON files"):
        trakt.parse(tmp_path)


def test_trakt_lines_stay_right_after_an_entry_that_is_not_an_object(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(
        '[\n  1,\n  "x",\n  {"movie": {"title": "T", "year": "abcd", "ids": {"tmdb": 5}}},\n'
        '  {"movie": {"title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}},\n'
        '   "rating": 0}\n]'
    )
    result = trakt.parse(path)
    assert [(bad.line, bad.reason) for bad in result.malformed] == [
        (2, "history.json: an entry is not an object"),
        (3, "history.json: an entry is not an object"),
        (4, "history.json: the year 'abcd' is not a whole number"),
        (5, "history.json: the rating 0 is not between 1 and 10"),
    ]


def test_goodreads_export_keeps_every_author(tmp_path):
    book = {
        "kind": "book",
        "catalog_id": "g1",
        "title": "Good Omens",
        "creator": "Terry Pratchett, Neil Gaiman",
        "status": "completed",
    }
    (tmp_path / "gr.csv").write_text(writers.goodreads([book]), newline="")
    [record] = goodreads.parse(tmp_path / "gr.csv").records
    assert record.creator == "Terry Pratchett, Neil Gaiman"


def test_opml_export_of_a_title_with_control_characters_is_still_xml():
    podcast = {"kind": "podcast", "title": "A\x0bB\x1b[31m", "feed_url": "https://x.example/rss"}
    [record] = opml.parse_text(writers.opml([podcast])).records
    assert record.title == "AB[31m" and record.ids["feed_url"] == "https://x.example/rss"


def test_goodreads_classics_with_ancient_years_are_read():
    text = (
        "Title,Author,Exclusive Shelf,Year Published,Original Publication Year\n"
        "The Odyssey,Homer,read,2003,-725\nConfessions,Augustine of Hippo,to-read,,397\n"
    )
    result = goodreads.parse_text(text)
    assert not result.malformed
    assert [(record.title, record.year) for record in result.records] == [
        ("The Odyssey", 2003),
        ("Confessions", None),
    ]


@pytest.mark.parametrize(
    "value",
    ["2023/01/05-2023/01/20", "2023-01-05-2023-01-20", "2023/01/05 - 2023/01/20", "2023/01/20"],
)
def test_storygraph_dates_read_end_on_the_last_day_however_written(value):
    assert storygraph.dates_read(value) == (dt.date(2023, 1, 20),)


@pytest.mark.parametrize("tmdb", ['"abc"', "100000000000000000000", "-5", "1.5"])
def test_trakt_tmdb_id_that_is_no_tmdb_id_is_a_malformed_entry(tmp_path, tmdb):
    path = tmp_path / "ratings.json"
    path.write_text(
        f'[{{"rating": 8, "type": "movie",'
        f' "movie": {{"title": "X", "ids": {{"tmdb": {tmdb}}}}}}},\n'
        ' {"rating": 8, "type": "movie", "movie": {"title": "Fight Club", "ids": {"tmdb": 550}}}]'
    )
    result = trakt.parse(path)
    assert [(bad.line, "TMDB id" in bad.reason) for bad in result.malformed] == [(1, True)]
    assert [record.ids["tmdb"] for record in result.records] == ["550"]


def test_letterboxd_tmdb_id_too_large_is_a_malformed_row():
    result = letterboxd.parse_files(
        {"films.csv": "tmdbID,Title,Year\n100000000000000000000,X,1999\n550,Fight Club,1999\n"}
    )
    assert [bad.line for bad in result.malformed] == [2]
    assert [record.ids["tmdb"] for record in result.records] == ["550"]


@pytest.mark.parametrize("pages", ["99999999999999999999999", "-5"])
def test_goodreads_page_count_no_book_has_is_a_malformed_row(pages):
    text = (
        "Title,Author,Exclusive Shelf,Number of Pages\n"
        f"Dune,Frank Herbert,read,{pages}\nEmma,Jane Austen,read,300\n"
    )
    result = goodreads.parse_text(text)
    assert [bad.line for bad in result.malformed] == [2]
    assert "Number of Pages" in result.malformed[0].reason
    assert [record.total for record in result.records] == [300]


def test_the_spreadsheet_export_never_hands_a_formula_to_a_spreadsheet():
    import csv
    import io

    items = [
        {
            "kind": "book",
            "catalog_id": "x1",
            "title": '=HYPERLINK("http://evil","Click")',
            "creator": "@SUM(1)",
            "status": "reading",
            "progress": 3,
            "total": 10,
        },
        {
            "kind": "movie",
            "catalog_id": "-42",
            "title": "-ism",
            "creator": None,
            "status": "completed",
            "progress": 1,
            "total": 1,
            "rating": 7,
        },
        {
            "kind": "movie",
            "catalog_id": "550",
            "title": "Fight Club",
            "creator": None,
            "status": "completed",
            "progress": 1,
            "total": 1,
        },
    ]
    rows = list(csv.DictReader(io.StringIO(writers.spreadsheet(items))))
    assert [row["title"] for row in rows] == [
        '\'=HYPERLINK("http://evil","Click")',
        "'-ism",
        "Fight Club",
    ]
    assert rows[0]["creator"] == "'@SUM(1)"
    assert rows[1]["catalog_id"] == "-42"  # an id, not text: exact
