"""``AfterFirstFrame``: a part of a screen mounted once the app has painted a frame.

Textual's ``Lazy`` mounts its widget "after the first refresh"; at start-up that
refresh is one Textual makes while the app is still starting, and does not show,
so a ``Lazy`` Footer and detail pane were composed, styled and laid out before
the first frame (~30 ms of it). Asked of the app, the mount waits for its message
loop, which starts once the app has started, and then for the screen's next paint.
"""

from __future__ import annotations

from textual.widget import Widget


class AfterFirstFrame(Widget):
    """Stands in for ``widget`` (unseen) until the app has painted, then is replaced by it."""

    DEFAULT_CSS = """
    AfterFirstFrame {
        display: none;
    }
    """

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        super().__init__()

    def compose_add_child(self, widget: Widget) -> None:
        self._widget.compose_add_child(widget)

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent = self.parent
        if not isinstance(parent, Widget):
            return

        async def mount() -> None:
            if not (self.is_attached and parent.is_attached):
                return  # gone meanwhile (the app stopped, the screen was closed)
            await parent.mount(self._widget, after=self)
            await self.remove()

        self.app.call_after_refresh(mount)
