"""The calendar as an iCalendar file that calendar apps can subscribe to.

Air dates are dates, not instants: each episode is an all-day event (``DTSTART``
a date, ``DTEND`` the day after), so no time zone can move it to another day.
Each event's UID comes from the episode's catalog id, so a calendar that
subscribes to the file sees a changed air date as an update, never a duplicate.
"""

from __future__ import annotations

import datetime as dt

from mediatrack.agenda import Calendar, is_finale, is_premiere
from mediatrack.records import episode_code

PRODUCT = "-//mediatrack//calendar//EN"
UID_DOMAIN = "mediatrack"


def episode_uid(episode_tmdb_id: int) -> str:
    return f"tmdb-episode-{episode_tmdb_id}@{UID_DOMAIN}"


def write_ics(calendar: Calendar, stamp: dt.datetime) -> bytes:
    """The episodes of ``calendar`` as iCalendar bytes; ``stamp`` (UTC) is each DTSTAMP."""
    from icalendar import Calendar as ICalendar
    from icalendar import Event

    ical = ICalendar()
    ical.add("prodid", PRODUCT)
    ical.add("version", "2.0")
    ical.add("x-wr-calname", "mediatrack: what airs")
    stamp = stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp
    for day in calendar.days:
        for row in day.episodes:
            code = episode_code(row.season_number, row.episode_number) or ""
            notes = [
                word
                for word, yes in (("premiere", is_premiere(row)), ("finale", is_finale(row)))
                if yes
            ]
            summary = f"{row.title} {code}"
            if notes:
                summary += f" ({', '.join(notes)})"
            event = Event()
            event.add("uid", episode_uid(row.episode_tmdb_id))
            event.add("dtstamp", stamp)
            event.add("dtstart", day.day)
            event.add("dtend", day.day + dt.timedelta(days=1))
            event.add("summary", summary)
            event.add("description", row.episode_name)
            event.add("transp", "TRANSPARENT")
            ical.add_component(event)
    return ical.to_ical()
