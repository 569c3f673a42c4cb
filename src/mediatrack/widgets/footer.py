"""The Footer of a mode's screen: rebuilt only when what it shows changes.

Textual rebuilds a screen's Footer (~25 keys mounted and styled, each twice) whenever its
bindings may have changed: on focus moves, on start-up twice, and when leaving a
screen, so switching from Shows to Stats rebuilt the hidden Shows Footer while
Stats was drawing its first frame. This Footer skips a change on a screen that is
not shown (coming back to it rebuilds it anyway) and a change that leaves every
key, label and dimming as drawn; a change of dimming alone restyles the keys drawn.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def shown_keys(screen: Screen) -> Hashable:
    """What a Footer draws for ``screen``: each shown binding, its label and whether it is on."""
    return tuple(
        (binding.key, binding.action, binding.description, binding.group, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )


class ModeFooter(Footer):
    """A ``Footer`` that leaves its keys as they are while its screen is hidden or unchanged."""

    _drawn: Hashable = None  # shown_keys of the last rebuild

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Born with the Footer's compact (bound to it, it would first take its own
                # default and then the Footer's: two restylings per key, ~1 ms each).
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def on_mount(self) -> None:
        super().on_mount()
        # Mounted after its screen's first frame, it may have missed the screen's last
        # change of bindings: it draws them now (unchanged later, they are not drawn again).
        self.bindings_changed(self.screen)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is not self.app.screen:
            return  # a hidden screen: shown again, its bindings change and this runs again
        keys = shown_keys(screen)
        if keys == self._drawn and self._bindings_ready:
            return
        if (
            self._bindings_ready
            and screen.app.app_focus
            and self.is_attached
            and screen is self.screen
            and _undimmed(keys) == _undimmed(self._drawn)
        ):
            # The same keys, some dimmed or lit (a table emptied by a filter, or filled
            # again): restyled in place, not ~25 keys mounted again over two frames.
            self._drawn = keys
            self._dim(screen)
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._drawn = keys  # the rebuild below draws these
        super().bindings_changed(screen)

    def _dim(self, screen: Screen) -> None:
        """Dim the keys whose actions are off, light the others, as ``compose`` would."""
        enabled: dict[str, bool] = {}
        for _node, binding, on, _tooltip in screen.active_bindings.values():
            if binding.show:
                enabled.setdefault(binding.action, on)  # the Footer draws the first one
        for key in self.query(FooterKey):
            if key.has_class("-command-palette") or key.action not in enabled:
                continue
            off = not enabled[key.action]
            key._disabled = off  # what a click on it checks
            key.set_class(off, "-disabled")


def _undimmed(keys: Hashable) -> Hashable:
    """``shown_keys`` without whether each is on: what only a rebuild can change."""
    if not isinstance(keys, tuple):
        return keys
    return tuple(
        (key, action, description, group, tooltip)
        for key, action, description, group, _, tooltip in keys
    )
