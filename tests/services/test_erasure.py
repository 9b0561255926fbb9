"""What a privacy erasure takes out of the raw items kept for a retry (plain Python)."""

import json

from social_crm.connectors import mastodon, x
from social_crm.services import erasure

FRIEDA = erasure.Person.of(
    ids=["1460000000000000931"], handles=["frieda_fremd"], names=["Frieda Fremd"],
    texts=["Ihr habt zweimal abgebucht, Frechheit!"])


def test_a_mastodon_reply_keeps_its_author_and_loses_the_mentioned_person():
    person = erasure.Person.of(ids=["109"], handles=["frieda@social.example"],
                               names=["Frieda"])
    status = {
        "id": "2001", "created_at": "2026-12-05T10:00:00.000Z", "in_reply_to_id": "2000",
        "in_reply_to_account_id": "109", "visibility": "public", "language": "de",
        "uri": "https://social.example/users/otto/statuses/2001",
        "url": "https://social.example/@otto/2001",
        "content": '<p><span class="h-card"><a href="https://social.example/@frieda">'
                   "@<span>frieda</span></a></span> Bei mir genauso!</p>",
        "account": {"id": "110", "username": "otto", "acct": "otto",
                    "display_name": "Otto Anders", "followers_count": 3,
                    "url": "https://social.example/@otto"},
        "mentions": [{"id": "109", "username": "frieda", "acct": "frieda",
                      "url": "https://social.example/@frieda"}],
        "reblogs_count": 0, "favourites_count": 0, "replies_count": 0,
    }
    scrubbed, changed = erasure.scrub({"status": status}, person)
    assert changed
    text = json.dumps(scrubbed)
    assert "frieda" not in text.lower()
    assert scrubbed["status"]["in_reply_to_account_id"] == "109", "ids stay"
    [post] = mastodon.posts_of_stream_item(scrubbed, "social.example")
    assert post.author.handle.startswith("otto")
    assert "Bei mir genauso" in post.text


def test_an_x_v2_reply_loses_her_included_profile_and_tweet():
    answer = {
        "data": {"id": "3", "author_id": "2", "text": "@frieda_fremd Bei mir auch",
                 "created_at": "2026-12-05T10:00:00.000Z", "conversation_id": "1",
                 "in_reply_to_user_id": "1460000000000000931",
                 "referenced_tweets": [{"type": "replied_to", "id": "1"}],
                 "entities": {"mentions": [{"start": 0, "end": 13, "username": "frieda_fremd",
                                            "id": "1460000000000000931"}]}},
        "includes": {
            "users": [{"id": "2", "username": "otto_anders", "name": "Otto Anders"},
                      {"id": "1460000000000000931", "username": "frieda_fremd",
                       "name": "Frieda Fremd", "description": "Kundin seit 2019"}],
            "tweets": [{"id": "1", "author_id": "1460000000000000931",
                        "text": "@acme_support Ihr habt zweimal abgebucht, Frechheit!"}]},
    }
    scrubbed, changed = erasure.scrub(answer, FRIEDA)
    assert changed
    text = json.dumps(scrubbed)
    for needle in ("frieda_fremd", "Frieda Fremd", "Kundin", "zweimal abgebucht"):
        assert needle not in text
    assert scrubbed["includes"]["tweets"] == []
    assert scrubbed["data"]["text"] == "[erased] Bei mir auch"
    [post] = x.parse_tweets({"data": [scrubbed["data"]], "includes": scrubbed["includes"]})
    assert post.author.handle == "otto_anders"
    assert "frieda_fremd" not in post.mentioned_handles


def test_nothing_of_hers_nothing_changed():
    other = {"user": {"id": 2, "screen_name": "paul"}, "text": "Lieferung fehlt"}
    assert erasure.scrub(other, FRIEDA) == (other, False)


def test_short_handles_and_names_are_not_replaced_inside_texts():
    person = erasure.Person.of(ids=["7"], handles=["al"], names=["Al"])
    item = {"text": "alle sagen: al ist weg", "mentioned_handles": ["al", "paul"]}
    scrubbed, changed = erasure.scrub(item, person)
    assert changed
    assert scrubbed == {"text": "alle sagen: al ist weg", "mentioned_handles": ["paul"]}


def test_a_kept_item_s_mentioned_accounts_lose_her_id():
    item = {"author": {"external_id": "110", "handle": "otto_anders"},
            "in_reply_to_external_id": "1990000000000093101",
            "mentioned_external_ids": ["1460000000000000931", "1440000000000000000"],
            "mentioned_handles": ["frieda_fremd", "acme_support"]}
    scrubbed, changed = erasure.scrub(item, FRIEDA)
    assert changed
    assert scrubbed["mentioned_external_ids"] == ["1440000000000000000"]
    assert scrubbed["mentioned_handles"] == ["acme_support"]
    assert scrubbed["in_reply_to_external_id"] == "1990000000000093101"
    assert erasure.without_mentions_of(
        FRIEDA.ids, ("1460000000000000931", "1440000000000000000")) == ("1440000000000000000",)
    assert erasure.without_handles_of(
        FRIEDA, ("@Frieda_Fremd", "acme_support", "frieda_fremd")) == ("acme_support",)


def test_a_mastodon_namesake_of_another_instance_keeps_its_mention():
    anna = erasure.Person.of(ids=["1"], handles=["anna@social.example"])
    assert erasure.without_handles_of(
        anna, ("anna@social.example", "anna", "anna@other.example")) == ("anna@other.example",)


def test_other_texts_keep_their_words_without_her_handles_and_names():
    text, changed = erasure.redact_text(
        "<p>Gleicher Fall wie @frieda_fremd (Frieda Fremd) gestern, "
        "https://x.com/frieda_fremd</p>", FRIEDA)
    assert changed
    assert text == "<p>Gleicher Fall wie [erased] ([erased]) gestern, https://x.com/[erased]</p>"
    assert erasure.redact_text("Frieda und Fremde", FRIEDA) == ("Frieda und Fremde", False)
    assert erasure.redact_text(False, FRIEDA) == (False, False)
    assert erasure.redact_text("x", erasure.Person.of(ids=["1"])) == ("x", False)
