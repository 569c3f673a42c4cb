"""Settings: every setting, its value (secrets masked) and where it comes from; change one.

Reading the config file and the keyring, and writing them, happen in thread
workers: the keyring may be a D-Bus round trip, or ask to be unlocked.
A secret typed or pasted here goes to the keyring, never to ``config.toml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import Worker

from mediatrack import config
from mediatrack.display.paths import shown_path
from mediatrack.display.text import inert as inert_text
from mediatrack.screens.common import WorkerErrors

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp

# The setting each catalog's ``CatalogNotConfigured`` asks for, by provider name.
SETTING_FOR_PROVIDER = {"TMDB": "tmdb.token", "Google Books": "google_books.country"}


def settings_offer(error: BaseException | None) -> tuple[str, str] | None:
    """For a catalog that lacks a setting: the sentence offering Settings, and the setting."""
    from mediatrack.catalog.errors import CatalogNotConfigured

    if not isinstance(error, CatalogNotConfigured) or error.provider not in SETTING_FOR_PROVIDER:
        return None
    key = SETTING_FOR_PROVIDER[error.provider]
    what = "a token" if key == "tmdb.token" else "your country"
    return f"{error.provider} needs {what}: press ctrl+o to open Settings and set it.", key


def inert(text: str) -> Text:
    """A value from a file someone wrote: shown as it is, with no control character reaching
    the terminal and no markup read into it."""
    return Text(inert_text(text))


def _value(item: config.Resolved) -> str:
    """The value column: "-" when unset, a path with the home folder as ``~``."""
    if not item.shown:
        return "-"
    return shown_path(item.shown) if item.setting.kind == "path" else item.shown


class SettingsScreen(WorkerErrors, ModalScreen[bool]):
    """Dismisses with ``True`` when a setting was saved."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("delete", "forget", "Forget", show=False),  # on the table; the box keeps its own
        Binding("up", "move(-1)", show=False),  # from the box: the setting above
        Binding("down", "move(1)", show=False),
    ]

    app: MediaTrackApp

    def __init__(self, edit: str | None = None) -> None:
        super().__init__()
        self.editing = config.setting(edit or "tmdb.token")
        self.saved = False
        self._found: dict[str, config.Resolved] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Settings", id="dialog-title")
            yield Static(
                f"File: {inert_text(shown_path(config.config_path()))}", id="file", markup=False
            )
            table: DataTable[Text] = DataTable(id="settings", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="edit-label", markup=False)
            yield Input(id="value", password=True)
            yield Static(id="message", markup=False)
            yield Label(
                "↑↓ choose · type or paste, enter save · del forget (on the list) · escape close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        table = self.query_one("#settings", DataTable)
        table.add_columns("Setting", "Value", "From")
        table.loading = True
        self._edit(self.editing)
        self.load()

    # --- the list -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="settings-load", exit_on_error=False)
    def load(self) -> None:
        found = config.load().all()
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[config.Resolved]) -> None:
        table = self.query_one("#settings", DataTable)
        table.loading = False
        first = not self._found
        row = table.cursor_row
        table.clear()
        self._found = {item.setting.key: item for item in found}
        for item in found:
            table.add_row(
                Text(item.setting.key),
                inert(_value(item)),
                Text(item.origin, style="dim" if item.source in ("default", "unset") else ""),
            )
        if first:  # the setting being edited is the one highlighted
            row = list(self._found).index(self.editing.key)
        if found:
            table.move_cursor(row=min(row, len(found) - 1))

    @on(DataTable.RowSelected, "#settings")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self._edit(config.setting(list(self._found)[event.cursor_row]))

    def action_move(self, step: int) -> None:
        """Up and down in the box edit the setting above or below."""
        table = self.query_one("#settings", DataTable)
        if not self._found:
            return
        row = max(0, min(table.cursor_row + step, len(self._found) - 1))
        table.move_cursor(row=row)
        self._edit(config.setting(list(self._found)[row]))

    def _edit(self, item: config.Setting) -> None:
        self.editing = item
        where = "kept in the keyring" if item.secret else "saved in config.toml"
        self.query_one("#edit-label", Static).update(f"{item.key}: {item.help} ({where})")
        box = self.query_one("#value", Input)
        box.password = item.secret
        current = self._found.get(item.key)
        # A plain value is there to be edited; a secret is never put back on screen.
        box.value = (current.value or "") if current and not item.secret else ""
        box.placeholder = "paste it here" if item.secret else "type the new value"
        box.focus()

    # --- saving ---------------------------------------------------------------------

    @on(Input.Submitted, "#value")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self._say("Type or paste a value first.", error=True)
            return
        self._say(f"Saving {self.editing.key}…")
        self.save(self.editing.key, value)

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def save(self, key: str, value: str) -> None:
        from mediatrack.services.settings import save_setting

        stored_in = save_setting(key, value)
        found = config.load()
        item = found.resolve(key)
        self.app.call_from_thread(self._saved, item, stored_in is not None)
        self.app.call_from_thread(self._show, found.all())

    def _saved(self, item: config.Resolved, in_file: bool) -> None:
        self.saved = True
        self.app.settings_changed()
        box = self.query_one("#value", Input)
        if item.setting.secret:
            box.value = ""
        elif item.source == "file":
            box.value = item.value or ""  # as it was stored ("de" is saved as "DE")
        key = item.setting.key
        where = "the secrets file (no keyring here)" if in_file else "the keyring"
        message = f"Saved {key} in {where if item.setting.secret else 'config.toml'}."
        if item.source == "environment":
            message += f" {item.setting.env} in your environment still overrides it."
        self._say(message)

    def _say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.set_class(error, "error")
        line.update(inert_text(message, single_line=False))

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self.query_one("#settings", DataTable).loading = False
        self._say(sentence, error=True)
        return True  # said on the screen

    def action_forget(self) -> None:
        """Forget the highlighted setting (file and keyring): its default, if any, applies."""
        table = self.query_one("#settings", DataTable)
        if not self._found or table.cursor_row < 0:
            return
        key = list(self._found)[table.cursor_row]
        self._say(f"Forgetting {key}…")
        self.forget(key)

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def forget(self, key: str) -> None:
        config.unset(key)
        found = config.load()
        item = found.resolve(key)
        self.app.call_from_thread(self._forgotten, item)
        self.app.call_from_thread(self._show, found.all())

    def _forgotten(self, item: config.Resolved) -> None:
        self.saved = True
        self.app.settings_changed()
        now = f"now {item.origin}" if item.source != "unset" else "now unset"
        self._say(f"Forgot {item.setting.key}; {now}.")

    def action_close(self) -> None:
        self.dismiss(self.saved)
