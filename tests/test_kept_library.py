"""While nobody is signed in, whose library is kept on this machine (and hidden)."""

from __future__ import annotations

import datetime as dt

from mediatrack.kinds import Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.store.identity import Profile, kept_library, sign_in, sign_out
from mediatrack.store.models import utcnow

ANA = Profile(user_id="ana-sub", name="Ana", email="ana@example.com")
BEN = Profile(user_id="ben-sub", name="Ben", email="ben@example.com")


def test_nobody_ever_signed_in_keeps_nothing(library: Library) -> None:
    library.add(NewItem(Kind.TV, "Dark"))
    assert kept_library() is None


def test_the_last_account_signed_out_is_the_one_kept(library: Library) -> None:
    now = utcnow()
    library.add(NewItem(Kind.TV, "Dark"))
    library.add(NewItem(Kind.BOOK, "Dune"))
    sign_in(ANA, now=now)
    assert kept_library() is None  # Ana is signed in: nothing is hidden
    sign_out(ANA.user_id)
    kept = kept_library()
    assert kept is not None
    assert (kept.name, kept.email, kept.items) == ("Ana", "ana@example.com", 2)

    Library().add(NewItem(Kind.MOVIE, "Heat"))  # the local library again, then Ben's
    sign_in(BEN, now=now + dt.timedelta(days=1))
    sign_out(BEN.user_id)
    kept = kept_library()
    assert kept is not None and (kept.name, kept.items) == ("Ben", 1)


def test_removed_items_are_not_counted(library: Library) -> None:
    gone = library.add(NewItem(Kind.TV, "Gone"))
    library.add(NewItem(Kind.TV, "Kept"))
    library.remove(gone.key, confirm=True)
    sign_in(ANA)
    sign_out(ANA.user_id)
    kept = kept_library()
    assert kept is not None and kept.items == 1
