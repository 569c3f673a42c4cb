"""Reusable widgets: the lazy library table, its view state, the detail pane."""
