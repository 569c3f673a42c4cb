"""Friends (key 5): what each friend is on now, requests to answer, requests sent, and
what your friends finished, started or rated lately (the activity feed).

Everything shown is read from the local database, as the last sync left it,
so the screen works offline. Answers and requests go through the friends
service, which sends them at once when the server answers (else queues them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from mediatrack.display.dates import ago_text
from mediatrack.display.entries import rating_text, status_label, under_way_text
from mediatrack.display.stats import activity_text
from mediatrack.display.sync import SyncLine
from mediatrack.display.text import NAME_LIMIT, TITLE_LIMIT, inert
from mediatrack.screens.common import ScreenCommands, WorkerErrors
from mediatrack.widgets.footer import ModeFooter
from mediatrack.widgets.lists import KeyList

if TYPE_CHECKING:
    import datetime as dt

    from mediatrack.app import MediaTrackApp
    from mediatrack.figures import Activity
    from mediatrack.services.friends import Friend, FriendsOverview, Person, Request

Setup = Literal["unknown", "logged_out", "unconfigured", "ready"]
NOW_SHOWN = 3  # items under way shown per friend; the rest as "+N more"
LOGGED_OUT = "Friends need an account: press l to log in with Google."
UNCONFIGURED = "Friends meet on a shared server: run `mediatrack sync setup`, then press s."
NO_FRIENDS = "No friends yet. Press a to ask someone by their email."
LISTS = ("friends", "incoming", "outgoing")


def friend_prompt(friend: Friend) -> Content:
    """Name and email; what they are on now; their latest change and when."""
    person = friend.person
    now = [under_way_text(entry) for entry in friend.now[:NOW_SHOWN]]
    if len(friend.now) > NOW_SHOWN:
        now.append(f"+{len(friend.now) - NOW_SHOWN} more")
    latest = friend.latest
    latest_text = "nothing yet"
    if latest is not None:
        rating = f", rated {rating_text(latest.rating)}" if latest.rating else ""
        title = inert(latest.title, limit=TITLE_LIMIT)
        latest_text = (
            f"{title}: {status_label(latest.status).lower()}{rating} · "
            f"{ago_text(latest.updated_at)}"
        )
    return Content.assemble(
        Content.styled(inert(person.name, limit=NAME_LIMIT), "bold"),
        Content.styled(f"  {inert(person.email, limit=NAME_LIMIT)}", "dim"),
        "\n  Now: ",
        " · ".join(now) if now else Content.styled("nothing under way", "dim"),
        "\n  Latest: ",
        latest_text,
    )


def request_prompt(request: Request, verb: str) -> Content:
    person = request.person
    name = person.name if person.name and person.name != person.email else ""
    return Content.assemble(
        Content.styled(inert(name or person.email, limit=NAME_LIMIT), "bold"),
        Content.styled(f"  {inert(person.email, limit=NAME_LIMIT)}" if name else "", "dim"),
        Content.styled(f"  · {verb} {ago_text(request.since)}", "dim"),
    )


class FriendList(KeyList):
    """The friends; enter opens the highlighted friend's library (and says so in the Footer)."""

    BINDINGS = [Binding("enter", "select", "Library")]


class FriendsScreen(WorkerErrors, Screen[None]):
    """Your friends and requests, from the last sync."""

    CSS_PATH = "friends.tcss"
    COMMANDS = {ScreenCommands}
    AUTO_FOCUS = None  # the first list with someone in it, once loaded
    BINDINGS = [
        Binding("a", "add_friend", "Add friend"),
        Binding("enter", "open_library", "Library", show=False),
        Binding("c", "compare", "Compare"),
        Binding("y", "answer('accept')", "Accept"),
        Binding("n", "answer('decline')", "Decline"),
        Binding("x", "remove", "Cancel/Remove"),
        Binding("s", "sync", "Sync now"),
        Binding("l", "log_in", "Log in"),
    ]

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.setup: Setup = "unknown"
        self.overview: FriendsOverview | None = None
        self._synced_at: dt.datetime | None = None  # the sync whose result is shown

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="friends-note", markup=False)
        with Vertical(id="friends-body"):
            yield Label("Friends", classes="section", id="friends-title")
            yield FriendList(id="friends")
            yield Static(NO_FRIENDS, id="friends-empty")
            yield Label(
                "Asking to be your friend · y accept · n decline",
                classes="section",
                id="incoming-title",
            )
            yield KeyList(id="incoming")
            yield Label("You asked · x cancel", classes="section", id="outgoing-title")
            yield KeyList(id="outgoing")
            yield Label("Lately", classes="section", id="activity-title")
            yield KeyList(id="activity")
        yield Lazy(ModeFooter())  # after the first frame, as the library screens

    def on_mount(self) -> None:
        self.show_sync(self.app.sync_line)
        self._synced_at = self.app.sync_line.last_sync_at
        self.app.sync_changed.subscribe(self, self._sync_changed)
        self.app.library_changed.subscribe(self, lambda _: self.load_overview())
        for name in (*LISTS, "activity"):
            self._show_list(name, [])
        self.query_one("#friends-empty").display = False
        self.call_after_refresh(self.load_overview)

    # --- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_overview(self) -> None:
        """Who is in, is sync set up, and the friends and requests as the last sync left them."""
        from mediatrack.services.sync import sync_url

        if not self.app.services.account.logged_in:
            self.app.call_from_thread(self._show_overview, "logged_out", None)
            return
        setup: Setup = "ready" if sync_url() else "unconfigured"
        friends = self.app.services.friends
        overview, activity = friends.overview(), friends.activity()
        self.app.call_from_thread(self._show_overview, setup, overview)
        self.app.call_from_thread(self._show_activity, activity)

    def _show_overview(self, setup: Setup, overview: FriendsOverview | None) -> None:
        self.setup, self.overview = setup, overview
        friends = overview.friends if overview else ()
        self._show_list("friends", [Option(friend_prompt(f), id=f.person.email) for f in friends])
        self.query_one("#friends-title").display = True
        self.query_one("#friends-empty").display = overview is not None and not friends
        incoming = overview.incoming if overview else ()
        self._show_list(
            "incoming", [Option(request_prompt(r, "asked"), id=r.person.email) for r in incoming]
        )
        outgoing = overview.outgoing if overview else ()
        self._show_list(
            "outgoing", [Option(request_prompt(r, "sent"), id=r.person.email) for r in outgoing]
        )
        self.show_sync(self.app.sync_line)
        if not isinstance(self.focused, OptionList) or not self.focused.option_count:
            self._focus_first_list()
        self.refresh_bindings()

    def _show_activity(self, activity: list[Activity]) -> None:
        """What friends finished, started or rated, newest first (from the last sync)."""
        self._show_list(
            "activity",
            [Option(Content(activity_text(event, ago_text(event.at)))) for event in activity],
        )

    def _show_list(self, name: str, options: list[Option]) -> None:
        """Replace a list's options, keeping the cursor on the same person when still there."""
        widget = self.query_one(f"#{name}", OptionList)
        kept = self._highlighted(name)
        widget.set_options(options)
        ids = [option.id for option in options]
        if ids:
            widget.highlighted = ids.index(kept) if kept in ids else 0
        widget.display = bool(options)
        self.query_one(f"#{name}-title").display = widget.display

    def _focus_first_list(self) -> None:
        for name in LISTS:
            widget = self.query_one(f"#{name}", OptionList)
            if widget.option_count:
                widget.focus()
                return
        self.set_focus(None)

    def _sync_changed(self, line: SyncLine) -> None:
        """A sync that went through may have brought answers, or sent queued requests."""
        self.show_sync(line)
        if line.state == "synced" and line.last_sync_at != self._synced_at:
            self._synced_at = line.last_sync_at
            self.load_overview()

    def show_sync(self, line: SyncLine) -> None:
        """The sync state in the header, and a note when friends cannot be reached."""
        self.sub_title = line.with_label("Friends")
        note = ""
        if self.setup == "logged_out":
            note = LOGGED_OUT
        elif self.setup == "unconfigured":
            note = UNCONFIGURED
        elif line.state == "offline":
            note = "Offline: showing what the last sync brought; changes go at the next sync."
        elif line.state == "error":
            note = f"Sync failed: {line.error} Showing what the last sync brought."
        queued = len(self.overview.queued) if self.overview else 0
        if queued and self.setup == "ready":
            waiting = (
                "1 request or answer waits" if queued == 1 else f"{queued} requests or answers wait"
            )
            note = f"{note} {waiting} for the next sync.".strip()
        widget = self.query_one("#friends-note", Static)
        widget.update(inert(note))  # the sync error may quote the server
        widget.display = bool(note)

    # --- the highlighted person ----------------------------------------------------------

    def _highlighted(self, name: str) -> str | None:
        widget = self.query_one(f"#{name}", OptionList)
        index = widget.highlighted
        if index is None or not widget.option_count:
            return None
        return widget.get_option_at_index(index).id

    def _focused_list(self) -> str | None:
        focused = self.focused
        return focused.id if isinstance(focused, OptionList) else None

    def _friend(self) -> Person | None:
        """The highlighted friend, when the friends list has the focus."""
        email = self._highlighted("friends") if self._focused_list() == "friends" else None
        friends = self.overview.friends if self.overview else ()
        return next((f.person for f in friends if f.person.email == email), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        focused = self._focused_list()
        if action in ("open_library", "compare"):
            return self._friend() is not None
        if action == "answer":
            return focused == "incoming" and self._highlighted("incoming") is not None
        if action == "remove":
            return focused in ("friends", "outgoing") and self._highlighted(focused) is not None
        if action == "log_in":
            return self.setup == "logged_out"
        if action in ("add_friend", "sync"):
            return self.setup != "logged_out"
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#friends")
    def _friend_chosen(self) -> None:
        self.action_open_library()

    # --- actions -----------------------------------------------------------------------

    def action_open_library(self) -> None:
        """The highlighted friend's library, read-only."""
        from mediatrack.screens.friend_library import FriendLibraryScreen

        friend = self._friend()
        if friend is not None:
            self.app.push_screen(FriendLibraryScreen(friend))

    def action_compare(self) -> None:
        """Items you and the highlighted friend both rated."""
        from mediatrack.screens.compare import CompareScreen

        friend = self._friend()
        if friend is not None:
            self.app.push_screen(CompareScreen(friend))

    def action_add_friend(self) -> None:
        from mediatrack.screens.add_friend import AddFriendScreen

        def chosen(email: str | None) -> None:
            if email:
                self.run_friend_action("add", email)

        self.app.push_screen(AddFriendScreen(), chosen)

    def action_answer(self, answer: str) -> None:
        email = self._highlighted("incoming")
        if email is not None and self._focused_list() == "incoming":
            self.run_friend_action(answer, email)

    def action_remove(self) -> None:
        """Cancel a request you sent; or, after a yes, end a friendship."""
        focused = self._focused_list()
        email = self._highlighted(focused) if focused in ("friends", "outgoing") else None
        if email is None:
            return
        if focused == "outgoing":
            self.run_friend_action("remove", email)
            return
        from mediatrack.screens.confirm import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_friend_action("remove", email)

        question = f"Remove {email} from your friends? You stop seeing each other's libraries."
        self.app.push_screen(ConfirmScreen(question), confirmed)

    @work(thread=True, group="friends", exit_on_error=False)
    def run_friend_action(self, action: str, email: str) -> None:
        """Ask, answer or remove (the service syncs at once), then read the screen again."""
        from mediatrack.services.friends import FriendsError
        from mediatrack.services.sync import sync_status

        try:
            result = getattr(self.app.services.friends, action)(email)
        except FriendsError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=8)
            return
        last = sync_status().last_sync_at
        line = SyncLine("synced", last) if result.sent else SyncLine("offline", last)
        self.app.call_from_thread(self.app.set_sync_line, line)
        self.app.call_from_thread(
            self.notify, result.message, severity="information" if result.sent else "warning"
        )
        self.load_overview()

    def action_sync(self) -> None:
        self.app.action_sync_now()

    def action_log_in(self) -> None:
        from mediatrack.screens.login import LoginScreen

        def reload(_: object) -> None:
            self.load_overview()

        self.app.push_screen(LoginScreen(), reload)

    # --- command palette ---------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        commands = [
            ("add_friend", "Add a friend", "Ask someone to be friends, by email (a)"),
            ("open_library", "Open friend's library", "What they watch, read, listen to (enter)"),
            ("compare", "Compare ratings", "Items you both rated, side by side (c)"),
            ("answer('accept')", "Accept request", "Become friends with them (y)"),
            ("answer('decline')", "Decline request", "Say no to this request (n)"),
            ("remove", "Cancel request or remove friend", "Take it back (x)"),
            ("log_in", "Log in", "Friends need an account (l)"),
        ]
        for action, title, help_text in commands:
            name, _, argument = action.partition("(")
            parameters = (argument.strip("')"),) if argument else ()
            if self.check_action(name, parameters):
                method = getattr(self, f"action_{name}")
                yield SystemCommand(title, help_text, lambda m=method, p=parameters: m(*p))
