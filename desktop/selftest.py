"""The self-test: fetch the home page and every asset it loads, over real HTTP."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from .client import AccessRefused, AppClient


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


def self_test(entry_url: str) -> tuple[bool, str]:
    """Whether the app lets in the entry URL's holder (only), and serves its home page and
    every asset that page loads; with a one-line summary."""
    status = AppClient(entry_url).get("/").status
    if status != 403:
        return False, f"a request without the launch token answered {status}, not 403"
    try:
        client = AppClient.enter(entry_url)
    except AccessRefused as refused:
        return False, str(refused)
    home = client.get("/")
    if home.status != 200 or b"Flasky" not in home.body:
        return False, f"the home page answered {home.status}"
    resources = page_resources(home.text).resources
    for resource in resources:
        absolute = urljoin(client.base_url, resource)
        if not absolute.startswith(client.base_url):
            return False, f"the home page loads {resource} from another origin"
        asset = client.get(urlsplit(absolute).path)
        if asset.status != 200 or not asset.body:
            return False, f"{resource} answered {asset.status}"
    client.close()
    return (
        True,
        f"the home page and its {len(resources)} assets are served by {client.base_url} "
        "to the app only",
    )
