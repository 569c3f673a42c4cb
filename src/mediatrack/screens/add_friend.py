"""Ask someone to be friends: one email address."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class AddFriendScreen(ModalScreen["str | None"]):
    """Dismisses with the email typed (lowercased), or None when cancelled."""

    CSS_PATH = "add_friend.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Ask a friend by their email", classes="dialog-title")
            yield Input(placeholder="friend@example.com", id="email")
            yield Static(
                "They see your request after their next sync. enter send · escape cancel",
                id="email-hint",
                markup=False,  # echoes what the user typed
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#email")
    def _submitted(self, event: Input.Submitted) -> None:
        from mediatrack.services.friends import EMAIL

        email = event.value.strip().lower()
        if not EMAIL.match(email):
            hint = self.query_one("#email-hint", Static)
            hint.update(f"{email or 'That'!r} is not an email address, like friend@example.com.")
            hint.add_class("-error")
            return
        self.dismiss(email)
