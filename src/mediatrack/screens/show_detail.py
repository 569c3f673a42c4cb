"""A show's seasons and episodes, to tick: space one, S a whole season, t everything up to here.

A tick changes the lists at once and is written in a worker; the header
(progress, next episode) follows the entry each write returns, so the show is
never read again from the database for a tick.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static

from mediatrack.display.dates import air_text
from mediatrack.display.entries import SEPARATOR, progress_words, status_label
from mediatrack.display.history import note_summary
from mediatrack.display.text import inert
from mediatrack.records import LibraryEntry, SeasonProgress, ShowEpisode, episode_code
from mediatrack.screens.detail import DetailScreen, added_by_hand
from mediatrack.widgets.lists import KeyList
from mediatrack.widgets.poster import Poster

SPECIALS = 0
PANES = Binding.Group("Seasons·Episodes", compact=True)


@dataclass(frozen=True, slots=True)
class ShowData:
    entry: LibraryEntry
    seasons: list[SeasonProgress]
    episodes: list[ShowEpisode]
    notes: str = ""  # the note line (note_summary)


def season_prompt(number: int, episodes: list[ShowEpisode]) -> Content:
    """``Season 1 · 10/10 ✓``; specials say they do not count."""
    watched = sum(episode.watched for episode in episodes)
    if number == SPECIALS:
        return Content.assemble(
            f"Specials · {watched}/{len(episodes)}", Content.styled("  not counted", "dim italic")
        )
    done = " ✓" if episodes and watched == len(episodes) else ""
    return Content(f"Season {number} · {watched}/{len(episodes)}{done}")


def episode_prompt(episode: ShowEpisode, today: dt.date, next_id: int | None) -> Content:
    """``[x]   5  2011-05-15  The Wolf and the Lion``; episodes not aired yet are dimmed, with
    when they air (``airs in 5d``); an episode without a date counts as not aired."""
    mark = "[x]" if episode.watched else "[ ]"
    date = episode.air_date or "no date"
    line = Content(f"{mark} {episode.episode_number:>3}  {date:<10}  ")
    line += Content(inert(episode.name) or f"Episode {episode.episode_number}")
    if not episode.aired(today):
        when = air_text(episode.air_date, today)  # ahead: "in 5d", "on 2027-05-01"
        line += Content(f"  · airs {when}" if episode.air_date else "  · not aired")
        line = line.stylize("dim")
    if episode.id == next_id:
        line += Content.styled("  ← next", "bold $text-accent")
    return line


def header_content(
    entry: LibraryEntry, episodes: list[ShowEpisode], today: dt.date, notes: str = ""
) -> Content:
    """Title, status and progress, the next episode with its air date, and the notes' line."""
    year = f" ({entry.year})" if entry.year else ""
    parts: list[Content | str] = [
        Content.styled(inert(entry.title), "bold"),
        Content.styled(year, "dim"),
        "\n",
        Content.styled(status_label(entry.status), "bold"),
        f"{SEPARATOR}{progress_words(entry)}",
        "\n",
    ]
    upcoming = next(
        (
            e
            for e in episodes
            if episode_code(e.season_number, e.episode_number) == entry.next_episode
        ),
        None,
    )
    if entry.next_episode:
        name = f' "{inert(upcoming.name)}"' if upcoming is not None and upcoming.name else ""
        when = f"{SEPARATOR}{air_text(entry.next_air_date, today)}"
        parts += [Content.styled("Next: ", "bold"), f"{entry.next_episode}{name}{when}"]
    elif episodes:
        parts.append("All caught up.")
    elif added_by_hand(entry):
        parts.append("Added by hand: no episode list; + and - in the library count episodes.")
    else:
        parts.append("No episodes known yet: press R to fetch them.")
    if any(e.season_number == SPECIALS for e in episodes):
        parts += ["\n", Content.styled("Specials are listed but never count as progress.", "dim")]
    if notes:
        parts += ["\n", Content.styled(notes, "italic")]
    return Content.assemble(*parts)


class ShowDetailScreen(DetailScreen):
    """Seasons on the left, the highlighted season's episodes on the right."""

    CSS_PATH = ["detail.tcss", "show_detail.tcss"]
    BINDINGS = [
        Binding("space", "tick", "Tick"),
        Binding("S", "tick_season", "Tick season", key_display="S"),
        Binding("t", "watch_through", "Tick to here"),
        # priority: the lists' own (hidden) left/right would hide these from the Footer.
        Binding("left", "focus_seasons", "Seasons", key_display="←", group=PANES, priority=True),
        Binding("right", "focus_episodes", "Episodes", key_display="→", group=PANES, priority=True),
    ]

    def __init__(self, entry: LibraryEntry) -> None:
        super().__init__(entry)
        self.episodes: list[ShowEpisode] = []
        self.season_numbers: list[int] = []
        self.shown_season: int | None = None
        self._shown: list[int] = []  # episode ids in the episodes list, in order
        self._drawn_next: int | None = None  # the episode drawn with the "next" mark
        self._today = dt.date.today()
        self._notes = ""  # the notes' line in the header

    def compose_body(self) -> ComposeResult:
        yield Static(id="show-header", classes="detail-header")
        with Horizontal(id="show-body"):
            with Vertical(id="seasons-pane"):
                yield Label("Seasons", classes="pane-title")
                yield KeyList(id="seasons", classes="detail-list")
                yield Poster(id="poster")
            with Vertical(id="episodes-pane"):
                yield Label("Episodes", id="episodes-title", classes="pane-title", markup=False)
                yield KeyList(id="episodes", classes="detail-list")

    @property
    def seasons_list(self) -> OptionList:
        return self.query_one("#seasons", OptionList)

    @property
    def episodes_list(self) -> OptionList:
        return self.query_one("#episodes", OptionList)

    def set_busy(self, busy: bool) -> None:
        self.query_one("#show-body").loading = busy

    def read(self) -> ShowData:
        episodes = self.app.services.episodes
        detail = self.app.services.library.detail(self.key)
        return ShowData(
            detail.entry,
            episodes.seasons(self.key),
            episodes.show_episodes(self.key),
            note_summary(detail.note, len(detail.friend_notes)),
        )

    # --- showing --------------------------------------------------------------------

    def show_data(self, data: ShowData) -> None:
        self.entry, self.episodes, self._notes = data.entry, data.episodes, data.notes
        numbers = [season.season_number for season in data.seasons]
        # Regular seasons first; the specials, which do not count, last.
        self.season_numbers = sorted(numbers, key=lambda number: (number == SPECIALS, number))
        self.seasons_list.set_options(
            season_prompt(number, self._season(number)) for number in self.season_numbers
        )
        self._show_header()
        self.query_one(Poster).show(self.key)
        if not self.season_numbers:
            self.shown_season = None
            self.episodes_list.clear_options()
            return
        season = self.shown_season
        if season not in self.season_numbers:
            upcoming = self._next_episode()
            season = upcoming.season_number if upcoming else self.season_numbers[0]
        self.seasons_list.highlighted = self.season_numbers.index(season)
        self._show_season(season, keep=self.shown_season == season)
        if not self.episodes_list.has_focus:
            self.seasons_list.focus()

    def _season(self, number: int) -> list[ShowEpisode]:
        return [episode for episode in self.episodes if episode.season_number == number]

    def _next_episode(self) -> ShowEpisode | None:
        code = self.entry.next_episode
        return next(
            (e for e in self.episodes if episode_code(e.season_number, e.episode_number) == code),
            None,
        )

    def _next_id(self) -> int | None:
        upcoming = self._next_episode()
        return upcoming.id if upcoming is not None else None

    def _show_header(self) -> None:
        content = header_content(self.entry, self.episodes, self._today, self._notes)
        self.query_one("#show-header", Static).update(content)

    def _show_season(self, number: int, keep: bool = False) -> None:
        episodes = self._season(number)
        self.shown_season = number
        self._shown = [episode.id for episode in episodes]
        highlighted = self.episodes_list.highlighted if keep else None
        next_id = self._drawn_next = self._next_id()
        self.episodes_list.set_options(
            episode_prompt(episode, self._today, next_id) for episode in episodes
        )
        if highlighted is None:
            highlighted = next((i for i, episode in enumerate(episodes) if not episode.watched), 0)
        if episodes:
            self.episodes_list.highlighted = min(highlighted, len(episodes) - 1)
        name = "Specials" if number == SPECIALS else f"Season {number}"
        self.query_one("#episodes-title", Label).update(f"{name} · {len(episodes)} episodes")

    def _redraw(self, changed: set[int] | None = None) -> None:
        """Rewrite, in place, the prompts of the ``changed`` episodes, their seasons and the
        "next" marks, keeping both cursors where they are."""
        changed = changed or set()
        by_id = {episode.id: episode for episode in self.episodes}
        seasons = {by_id[episode_id].season_number for episode_id in changed}
        for index, number in enumerate(self.season_numbers):
            if number in seasons:
                prompt = season_prompt(number, self._season(number))
                self.seasons_list.replace_option_prompt_at_index(index, prompt)
        next_id = self._next_id()
        redo = changed | {self._drawn_next, next_id}
        self._drawn_next = next_id
        for index, episode_id in enumerate(self._shown):
            if episode_id in redo:
                prompt = episode_prompt(by_id[episode_id], self._today, next_id)
                self.episodes_list.replace_option_prompt_at_index(index, prompt)

    @on(OptionList.OptionHighlighted, "#seasons")
    def _season_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        number = self.season_numbers[event.option_index]
        if number != self.shown_season:
            self._show_season(number)

    @on(OptionList.OptionSelected, "#seasons")
    def _season_selected(self) -> None:
        self.action_focus_episodes()

    def action_focus_episodes(self) -> None:
        self.episodes_list.focus()

    def action_focus_seasons(self) -> None:
        self.seasons_list.focus()

    # --- ticking ------------------------------------------------------------------

    def _highlighted_episode(self) -> ShowEpisode | None:
        index = self.episodes_list.highlighted
        if index is None or index >= len(self._shown):
            return None
        episode_id = self._shown[index]
        return next(episode for episode in self.episodes if episode.id == episode_id)

    def _mark(self, ids: set[int], watched: bool) -> None:
        self.episodes = [
            replace(episode, watched=watched) if episode.id in ids else episode
            for episode in self.episodes
        ]
        self._redraw(ids)

    def _entry_changed(self, entry: LibraryEntry) -> None:
        self.entry = entry
        self._show_header()
        self._redraw()  # the "next" mark follows the entry

    def action_tick(self) -> None:
        """Tick the highlighted episode, or untick it."""
        episode = self._highlighted_episode()
        if episode is None:
            return
        key, watched = self.key, not episode.watched
        self._mark({episode.id}, watched)
        self.run_change(
            lambda confirm: self.app.services.episodes.set_watched(
                key, [episode.id], watched, confirm=confirm
            ),
            self._entry_changed,
        )

    def action_tick_season(self) -> None:
        """Tick every episode of the highlighted season; untick them all when all are ticked."""
        number = self.shown_season
        episodes = self._season(number) if number is not None else []
        if number is None or not episodes:
            return
        key, watched = self.key, not all(episode.watched for episode in episodes)
        self._mark({episode.id for episode in episodes}, watched)
        name = "the specials" if number == SPECIALS else f"season {number}"
        undo = None if watched else f"Unticked {name} of {self.entry.title!r}"
        self.run_change(
            lambda confirm: self.app.services.episodes.set_season_watched(
                key, number, watched, confirm=confirm
            ),
            self._entry_changed,
            undo=undo,
        )

    def action_watch_through(self) -> None:
        """Tick the highlighted episode and every regular episode before it."""
        target = self._highlighted_episode()
        if target is None:
            return
        order = (target.season_number, target.episode_number)
        # The same rule as Episodes.watch_through: specials before it are left alone.
        ids = {
            episode.id
            for episode in self.episodes
            if episode.id == target.id
            or (
                episode.season_number > 0
                and (episode.season_number, episode.episode_number) < order
            )
        }
        key = self.key
        self._mark(ids, True)
        self.run_change(
            lambda confirm: self.app.services.episodes.watch_through(
                key, target.id, confirm=confirm
            ),
            self._entry_changed,
        )

    def more_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Tick episode", "Mark the highlighted episode watched (space)", self.action_tick
            ),
            SystemCommand(
                "Tick season",
                "Mark the whole season watched, or unwatched (S)",
                self.action_tick_season,
            ),
            SystemCommand(
                "Watched up to here",
                "Tick this episode and every one before it (t)",
                self.action_watch_through,
            ),
        ]
