"""A podcast's episodes from its feed, newest first, to tick as listened with space."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static

from mediatrack.display.dates import day_text, duration_text
from mediatrack.display.entries import status_label
from mediatrack.display.history import note_summary
from mediatrack.display.text import inert
from mediatrack.records import LibraryEntry, PodcastEpisodeRow
from mediatrack.screens.detail import DetailScreen, added_by_hand
from mediatrack.widgets.lists import KeyList
from mediatrack.widgets.poster import Poster


@dataclass(frozen=True, slots=True)
class PodcastData:
    entry: LibraryEntry
    episodes: list[PodcastEpisodeRow]
    notes: str = ""  # the note line (note_summary)


def episode_prompt(episode: PodcastEpisodeRow) -> Content:
    """``[x] 2024-03-05  1:02:03  Episode 3: Salt``."""
    mark = "[x]" if episode.listened else "[ ]"
    published = day_text(episode.published_at, "no date")
    title = inert(episode.title) or "Untitled episode"
    return Content(f"{mark} {published:<10}  {duration_text(episode.duration_seconds):>8}  {title}")


def header_content(
    entry: LibraryEntry, episodes: list[PodcastEpisodeRow], notes: str = ""
) -> Content:
    """Title, artist, status, how many episodes are ticked, and the notes' line."""
    latest = next((e.published_at for e in episodes if e.published_at is not None), None)
    parts: list[Content | str] = [Content.styled(inert(entry.title), "bold")]
    if entry.creator:
        parts += [Content.styled(f" · {inert(entry.creator)}", "dim")]
    parts += [
        "\n",
        Content.styled(status_label(entry.status), "bold"),
        f" · {entry.progress} of {len(episodes)} episodes listened",
    ]
    if latest is not None:
        parts.append(f" · latest {day_text(latest)}")
    if not episodes and added_by_hand(entry):
        parts += ["\n", "Added by hand: no feed to list episodes from."]
    elif not episodes:
        parts += ["\n", "No episodes from the feed yet: press R to fetch them."]
    if notes:
        parts += ["\n", Content.styled(notes, "italic")]
    return Content.assemble(*parts)


class PodcastDetailScreen(DetailScreen):
    """The feed's episodes, newest first."""

    BINDINGS = [Binding("space", "tick", "Tick")]

    def __init__(self, entry: LibraryEntry) -> None:
        super().__init__(entry)
        self.episodes: list[PodcastEpisodeRow] = []
        self._notes = ""  # the notes' line in the header

    def compose_body(self) -> ComposeResult:
        yield Static(id="podcast-header", classes="detail-header")
        yield Poster(id="poster")
        yield KeyList(id="episodes", classes="detail-list")

    @property
    def episodes_list(self) -> OptionList:
        return self.query_one("#episodes", OptionList)

    def set_busy(self, busy: bool) -> None:
        self.episodes_list.loading = busy

    def read(self) -> PodcastData:
        detail = self.app.services.library.detail(self.key)
        return PodcastData(
            detail.entry,
            self.app.services.episodes.podcast_episodes(self.key),
            note_summary(detail.note, len(detail.friend_notes)),
        )

    def show_data(self, data: PodcastData) -> None:
        self.entry, self._notes = data.entry, data.notes
        keep = self.episodes_list.highlighted if self.episodes else None
        self.episodes = data.episodes
        self.episodes_list.set_options(episode_prompt(episode) for episode in self.episodes)
        if self.episodes:
            self.episodes_list.highlighted = min(keep or 0, len(self.episodes) - 1)
        self._show_header()
        self.query_one(Poster).show(self.key)
        self.episodes_list.focus()

    def _show_header(self) -> None:
        content = header_content(self.entry, self.episodes, self._notes)
        self.query_one("#podcast-header", Static).update(content)

    def _entry_changed(self, entry: LibraryEntry) -> None:
        self.entry = entry
        self._show_header()

    def action_tick(self) -> None:
        """Tick the highlighted episode as listened, or untick it."""
        index = self.episodes_list.highlighted
        if index is None or index >= len(self.episodes):
            return
        episode = self.episodes[index]
        key, listened = self.key, not episode.listened
        self.episodes[index] = replace(episode, listened=listened)
        self.episodes_list.replace_option_prompt_at_index(
            index, episode_prompt(self.episodes[index])
        )
        self.run_change(
            lambda confirm: self.app.services.episodes.set_listened(
                key, [episode.id], listened, confirm=confirm
            ),
            self._entry_changed,
        )

    def more_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand(
                "Tick episode", "Mark the highlighted episode listened (space)", self.action_tick
            )
        ]
