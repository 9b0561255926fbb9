import pytest
import responses
from connector_helpers import timeout_of

from social_crm.connectors import news
from social_crm.connectors.base import MalformedResponseError

PAGE = ("<html><head><script>var x = 'Petra Vogel';</script><style>p{}</style></head>"
        "<body><nav>Menü</nav><article><h1>Handwerk</h1><p>Petra Vogel (Bäckerei Vogel) "
        "sprach.</p></article></body></html>")


@responses.activate
def test_article_text_with_timeout():
    responses.get("https://news.example/a", body=PAGE.encode(),
                  content_type="text/html; charset=utf-8")
    assert news.fetch_article_text("https://news.example/a") == (
        "Handwerk\n\nPetra Vogel (Bäckerei Vogel) sprach.")
    assert timeout_of(responses.calls[0]) == news.ARTICLE_TIMEOUT


@responses.activate
def test_article_over_the_size_limit_is_refused():
    responses.get("https://news.example/big", body=b"<p>" + b"x" * 5000 + b"</p>",
                  content_type="text/html")
    with pytest.raises(MalformedResponseError, match="more than"):
        news.fetch_article_text("https://news.example/big", max_bytes=1000)
