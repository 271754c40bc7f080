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


def fetch(url: str, path: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def self_test(entry_url: str) -> tuple[bool, str]:
    """Whether the app lets in the entry URL's holder (only), and serves its home page and
    every asset that page loads; with a one-line summary."""
    parts = urlsplit(entry_url)
    status, _, _ = fetch(entry_url, "/")
    if status != 403:
        return False, f"a request without the launch token answered {status}, not 403"
    status, headers, _ = fetch(entry_url, f"{parts.path}?{parts.query}")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    if status != 303 or not cookie:
        return False, f"the entry URL answered {status} without an access cookie"
    status, _, body = fetch(entry_url, "/", cookie)
    if status != 200 or b"Flasky" not in body:
        return False, f"the home page answered {status}"
    resources = page_resources(body.decode("utf-8")).resources
    for resource in resources:
        absolute = urljoin(entry_url, resource)
        if urlsplit(absolute).netloc != parts.netloc:
            return False, f"the home page loads {resource} from another origin"
        status, _, body = fetch(entry_url, urlsplit(absolute).path, cookie)
        if status != 200 or not body:
            return False, f"{resource} answered {status}"
    base = f"{parts.scheme}://{parts.netloc}/"
    return (
        True,
        f"the home page and its {len(resources)} assets are served by {base} to the app only",
    )
