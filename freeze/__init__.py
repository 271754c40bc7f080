"""Freezing the app into one executable: hooks, allow-list, build and measurements."""
