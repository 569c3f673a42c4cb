"""The one base of every error a user can act on.

``str(error)`` of a ``MediatrackError`` is one sentence for the user: the CLI
prints it (exit status 1) and the app shows it in a notification, each in one
place. Anything else that escapes is a bug: the CLI and the app still say one
sentence, and log the traceback.

This module imports nothing of mediatrack's, so every room may raise these.
"""

from __future__ import annotations


class MediatrackError(Exception):
    """A failure the user can act on; ``str(error)`` is the sentence to show."""


def unexpected_sentence(error: BaseException | None) -> str:
    """The one sentence for an error nobody expected (a bug): what it was, in a few words."""
    if error is None:
        return "Something unexpected went wrong."
    what = str(error).strip().rstrip(".") or "no details"
    return f"Something unexpected went wrong ({type(error).__name__}: {what})."
