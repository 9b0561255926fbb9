"""The text of a news or blog article page (when a feed carries only a teaser).

One GET with a timeout and a size limit (:data:`MAX_ARTICLE_BYTES`); the page's visible text
(scripts and styles dropped). Raises the typed errors of :mod:`.http`.
"""

from __future__ import annotations

import re

import requests

from . import http
from .base import ConfigurationError, clean_url
from .feeds import as_utf8
from .util import html_to_text

NETWORK = "rss"
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
ARTICLE_TIMEOUT = 10
MAX_ARTICLE_TEXT = 200_000
_BODY = re.compile(r"<(article|main)\b.*?</\1>", re.S | re.I)


def fetch_article_text(url: str, *, session=None, timeout: float = ARTICLE_TIMEOUT,
                       max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """Plain text of the article at ``url`` (its ``<article>`` / ``<main>`` where the page
    has one, else the whole page)."""
    if not clean_url(url):
        raise ConfigurationError(f"rss: {url!r} is not a web address")
    response = http.request(
        session or requests.Session(), "GET", url, network=NETWORK, timeout=timeout,
        headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        max_bytes=max_bytes,
    )
    page = as_utf8(response.content or b"", response.headers.get("content-type", ""))
    page = page.decode("utf-8", errors="replace")
    body = _BODY.search(page)
    return html_to_text(body.group(0) if body else page)[:MAX_ARTICLE_TEXT]
