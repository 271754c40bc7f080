"""The self-test: fetch the home page and every asset it loads, over real HTTP."""

import http.client
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


class PageResources(HTMLParser):
    """The URLs a page loads (scripts, stylesheets, icons, images) and the links it has."""

    def __init__(self):
        super().__init__()
        self.resources: list[str] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes)
        elif tag == "link" and attributes.get("href"):
            self.resources.append(attributes["href"])
        elif attributes.get("src"):
            self.resources.append(attributes["src"])


def page_resources(html: str) -> PageResources:
    parser = PageResources()
    parser.feed(html)
    parser.close()
    return parser


def fetch(base_url: str, path: str) -> tuple[int, bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def self_test(base_url: str) -> tuple[bool, str]:
    """Whether the app serves its home page and all its assets, with a one-line summary."""
    status, body = fetch(base_url, "/")
    if status != 200 or b"Flasky" not in body:
        return False, f"the home page answered {status}"
    resources = page_resources(body.decode("utf-8")).resources
    for resource in resources:
        absolute = urljoin(base_url, resource)
        if urlsplit(absolute).netloc != urlsplit(base_url).netloc:
            return False, f"the home page loads {resource} from another origin"
        status, body = fetch(base_url, urlsplit(absolute).path)
        if status != 200 or not body:
            return False, f"{resource} answered {status}"
    return True, f"the home page and its {len(resources)} assets are served by {base_url}"
