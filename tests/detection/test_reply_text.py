from detection.pii import redact
from detection.reply_text import leftovers, reply_length, reply_limit


def test_limits():
    assert reply_limit("x") == 280
    assert reply_limit("bluesky") == 300
    assert reply_limit("mastodon") == 500
    assert reply_limit("mastodon", 5000) == 5000
    assert reply_limit("x", 5000) == 280
    assert reply_limit("facebook") is None


def test_x_counts_every_url_as_23():
    long_url = "https://example.com/" + "a" * 100
    assert reply_length("see " + long_url, "x") == 4 + 23
    assert reply_length("a http://t.co b", "x") == 4 + 23
    assert reply_length("ä" * 10, "x") == 10
    assert reply_length("日本", "x") == 4  # CJK weighs 2


def test_mastodon_urls_and_mentions():
    assert reply_length("hi https://example.com/" + "x" * 60, "mastodon") == 3 + 23
    assert reply_length("@ina@mastodon.social hello", "mastodon") == len("@ina hello")


def test_bluesky_counts_graphemes_and_full_urls():
    url = "https://example.com/" + "a" * 40
    assert reply_length(url, "bluesky") == len(url)
    assert reply_length("e\u0301", "bluesky") == 1
    assert reply_length("\U0001f469\u200d\U0001f4bb", "bluesky") == 1


def test_leftovers():
    assert leftovers("Hallo {{ first_name }}, danke!") == ["{{ first_name }}"]
    text = redact("Meine IBAN DE89 3704 0044 0532 0130 00 bitte")
    assert leftovers("Wir haben " + text) == ["[IBAN removed, ends 3000]"]
    text = redact("Meine IBAN DE89 3704 0044 0532 0130 00 bitte", lang="de")
    assert leftovers("Wir haben " + text) == ["[IBAN entfernt, endet auf 3000]"]
    assert leftovers("Hallo Ina, wir melden uns [heute].") == []
