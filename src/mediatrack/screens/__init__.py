"""One Textual screen per file; each screen's CSS sits beside it in a .tcss file."""
