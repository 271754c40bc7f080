"""Freezing the app into one executable: build.spec's helpers, the allow-list, and the one file."""
