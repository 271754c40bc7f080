"""Helpers that act like a user of the app."""

import re


def csrf_token(client, path="/") -> str:
    """The CSRF token of the form on ``path``, as a browser would read it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def submit_name(client, name: str, **kwargs):
    return client.post("/", data={"name": name, "csrf_token": csrf_token(client)}, **kwargs)
