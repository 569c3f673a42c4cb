"""Accents and case folded the same way everywhere: the function, the store's filter, the CLI."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.store import queries
from mediatrack.store.models import LOCAL_USER_ID, MediaItem


def test_fold_drops_accents_and_case() -> None:
    assert fold("Ça Tourne, Minuit") == "ca tourne, minuit"
    assert fold("Lübeck") == "lubeck"
    assert fold("STRASSE") == fold("Straße") == "strasse"
    assert fold("ﬁne Ǆ") == "fine dz"  # compatibility forms split too
    assert fold("İstanbul") == "istanbul"


@given(st.text())
def test_fold_is_idempotent_and_leaves_no_combining_mark(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(char) for char in folded)


def titles(kind: Kind, text: str) -> list[str]:
    return sorted(entry.title for entry in queries.library_entries(LOCAL_USER_ID, kind, text=text))


def test_the_store_filter_folds_accents_and_case(library: Library) -> None:
    library.add(NewItem(Kind.TV, "Ça Tourne, Minuit", 2019))
    library.add(NewItem(Kind.TV, "Lübeck", 2020))
    library.add(NewItem(Kind.TV, "Caterpillar", 2021))
    library.add(NewItem(Kind.BOOK, "Die Blechtrommel", creator="Günter Grass"))
    library.add(NewItem(Kind.PODCAST, "Radio", creator="ÉCOLE Normale"))
    amelie = library.add(NewItem(Kind.MOVIE, "Amelie", 2001))
    MediaItem.update(original_title="Le Fabuleux Destin d'Amélie Poulain").where(
        MediaItem.id == amelie.key.item_id
    ).execute()

    assert titles(Kind.TV, "ca tourne") == ["Ça Tourne, Minuit"]
    assert titles(Kind.TV, "ÇA TOURNE") == ["Ça Tourne, Minuit"]
    assert titles(Kind.TV, "lubeck") == ["Lübeck"]
    assert titles(Kind.TV, "LÜBECK") == ["Lübeck"]
    assert set(titles(Kind.TV, "ca")) == {"Ça Tourne, Minuit", "Caterpillar"}
    assert titles(Kind.BOOK, "gunter") == ["Die Blechtrommel"]
    assert titles(Kind.PODCAST, "ecole") == ["Radio"]
    assert titles(Kind.MOVIE, "d'amelie") == ["Amelie"]


def test_list_filters_and_sorts_with_the_same_folding(cli) -> None:
    for title in ("Lübeck", "Ça Tourne, Minuit", "Dark", "Babylon Berlin", "caravan"):
        assert cli("add", "tv", "--title", title).code == 0
    cli("add", "book", "--title", "Die Blechtrommel", "--author", "Günter Grass")

    listed = json.loads(cli("list", "--json").out)
    assert [entry["title"] for entry in listed] == [
        "Babylon Berlin",
        "Ça Tourne, Minuit",
        "caravan",
        "Dark",
        "Lübeck",
        "Die Blechtrommel",
    ]
    found = json.loads(cli("list", "--kind", "tv", "--filter", "ca tourne", "--json").out)
    assert [entry["title"] for entry in found] == ["Ça Tourne, Minuit"]
    assert "Lübeck" in cli("list", "--filter", "lubeck").out
    assert "Die Blechtrommel" in cli("list", "--filter", "GUNTER").out
    none = cli("list", "--filter", "xyz")
    assert none.code == 0
    assert none.out.strip() == "Nothing in your library matches."
