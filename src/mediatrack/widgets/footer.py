"""The Footer of a mode's screen: rebuilt only while its screen is the one shown.

Textual rebuilds a screen's Footer whenever its bindings may have changed, and
leaving a screen counts: switching from Shows to Stats rebuilt the hidden Shows
Footer (~25 keys mounted and styled) while Stats was drawing its first frame.
This Footer skips a change on a screen that is not shown; coming back to the
screen rebuilds it anyway.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ModeFooter(Footer):
    """A ``Footer`` that leaves its keys as they are while its screen is hidden."""

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is not self.app.screen:
            return  # a hidden screen: shown again, its bindings change and this runs again
        super().bindings_changed(screen)
