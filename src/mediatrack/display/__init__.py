"""Text shown to people, for the CLI and the TUI alike; no Textual, no store."""
