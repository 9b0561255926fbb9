"""Tweet conventions and tone in the shipped complaint model (``detection.linear``).

Invented posts, written for these tests (not rows of any benchmark file).
"""

import importlib.util

import pytest
from detection import REASON_CODES, classify, linear
from detection.rules import analyse

HAS_VADER = importlib.util.find_spec("vaderSentiment") is not None


@pytest.mark.parametrize("text", [
    "@NimbusSupport my tablet keeps freezing",
    "@AskNimbus hi there",
    "@Nimbus_Help any news?",
    "@NimbusCares thanks",
    "@nimbus_custserv order 1234",
    "hey @KundenserviceNimbus, wo bleibt mein Paket",
])
def test_support_handle_is_recognised(text):
    assert "to_support" in linear.tweet_features(text)


@pytest.mark.parametrize("text", [
    "@jenna_k88 lol same",
    "@Nimbus love the new tablet",
    "no handle at all",
    "mail me at help@example.org",  # an address is no handle
    "",
])
def test_other_posts_are_not_to_support(text):
    assert "to_support" not in linear.tweet_features(text)


def test_link_feature():
    assert "link" in linear.tweet_features("look at this https://t.co/abc123")
    assert "link" not in linear.tweet_features("look at this")


@pytest.mark.parametrize("value", [None, 12345, "\x00\x01", "@" * 5000])
def test_tweet_features_never_raise(value):
    assert isinstance(linear.tweet_features(value), list)
    assert isinstance(linear.sentiment_features(value, "en"), dict)


def test_elongations_are_folded():
    rr = analyse("sooo slooow whyyy", "en")
    assert linear.post_tokens("sooo slooow whyyy", rr) == ["soo", "sloow", "whyy"]
    # the same word written with two or with five letters gives the same tokens
    assert linear.post_tokens("pleeeease", rr) == linear.post_tokens("pleease", rr)


def test_features_carry_language():
    """Each language has its own bias: English tweet-style posts do not move German ones."""
    rr = analyse("Mein Paket ist kaputt angekommen", "de")
    feats = linear.features("Mein Paket ist kaputt angekommen", rr)
    assert feats["r:lang_de"] == 1.0
    assert "r:lang_en" not in feats


def test_score_equals_features_dot_weights():
    """The run-time fast path (``score``) and the training features agree, tweet and tone
    features included."""
    model = linear.load()
    for text, lang in [("@NimbusSupport my tablet keeps freezing 😡 https://t.co/x", "en"),
                       ("@jenna_k88 sooo happy for you!!", "en"),
                       ("@NimbusHilfe mein Tablet friert ständig ein", "de")]:
        rr = analyse(text, lang)
        expected = rr.logit + model.bias + sum(c for _, c in model.contributions(text, rr))
        assert model.logit(text, rr) == pytest.approx(expected, abs=1e-9)


@pytest.mark.skipif(not HAS_VADER, reason="vaderSentiment not installed")
def test_tone_of_english_posts():
    neg = linear.sentiment_features("this is awful, I hate it 😡", "en")
    pos = linear.sentiment_features("love it, great job 😍", "en")
    assert set(neg) == {"neg"} and 0 < neg["neg"] <= 1
    assert set(pos) == {"pos"} and 0 < pos["pos"] <= 1
    assert linear.sentiment_features("the parcel is at the depot", "en") == {}


def test_german_posts_get_no_english_tone():
    assert linear.sentiment_features("das ist super, danke", "de") == {}


def test_reasons_name_support_account_and_tone():
    for code in ("to_support", "tone_negative", "tone_positive"):
        assert REASON_CODES[code]
    model = linear.load()
    if not model.weights.get("t:to_support"):
        pytest.skip("shipped model without the tweet features")
    text = "@NimbusSupport tablet keeps freezing since the update, help?"
    verdict = classify(text, lang="en")
    assert verdict.label == "complaint"
    assert ("to_support", "@NimbusSupport") in verdict.codes
    assert "written to a customer-service account: '@NimbusSupport'" in verdict.reasons


@pytest.mark.skipif(not HAS_VADER, reason="vaderSentiment not installed")
def test_positive_tone_is_a_reason_against_a_complaint():
    verdict = classify("@jenna_k88 congrats!! so proud of you, what a day 😍", lang="en")
    assert verdict.label != "complaint"
    assert ("tone_positive", "") in verdict.codes


@pytest.mark.parametrize("text", [
    # replies between people: not to the company
    "@gary_grows what a gorgeous garden, those roses!",
    "@lou_reads that ending was so disappointing 😩",
    "@coachpete cracking session, legs are gone",
])
def test_chat_between_people_is_no_complaint(text):
    assert classify(text, lang="en").label != "complaint"


@pytest.mark.parametrize("text", [
    "@NimbusSupport screen went black after the update and won't come back, help pls",
    "@AskNimbus any update on my repair? sent it in 3 weeks ago",
    "@Nimbus_Help charged twice for one order???",
    "cheers @NimbusAir for losing my bag, great start to the holiday",
])
def test_tweet_style_complaints(text):
    assert classify(text, lang="en").label == "complaint"


@pytest.mark.parametrize(("text", "expected"), [
    ("@NimbusSupport my tablet keeps freezing", "brand"),
    ("@Nimbus love the new tablet", "brand"),
    ("so @Nimbus lost my order again", "brand"),  # a handle inside the post
    ("@Nimbus @NimbusHelp still no refund", "brand"),  # a brand and its support account
    ("@jo_k88 @dave_p haha no way", "chain"),  # a reply inside a conversation between people
    ("@tim @sam_r @lee see you there", "chain"),
    ("@gaz_m84 didn't make it in the end", "person"),
    ("@sam_t ok", "person"),
    ("@katie_ same", "person"),
    ("no handle at all", None),
    ("mail me at help@example.org", None),  # an address is no handle
    ("", None),
])
def test_addressee(text, expected):
    assert linear.addressee(text) == expected


def test_replies_between_people_are_features():
    assert "to_chain" in linear.tweet_features("@jo_k88 @dave_p that ref was awful")
    assert "to_person" in linear.tweet_features("@gaz_m84 worst film ever")
    # next to complaint cues (given the rules' result) the reply has a feature of its own
    text = "@gaz_m84 my order never arrived"
    assert "to_person&complaint" in linear.tweet_features(text, analyse(text, "en"))
    text = "@jo_k88 @dave_p see you saturday"
    assert "to_chain&complaint" not in linear.tweet_features(text, analyse(text, "en"))
    for text in ("@NimbusSupport the app crashes", "the app crashes", "@Nimbus_Help hi"):
        feats = linear.tweet_features(text, analyse(text, "en"))
        # posts to a brand and posts without a handle: judged as before, no feature of their own
        assert not [f for f in feats if f.startswith(("to_chain", "to_person", "to_brand"))]


def test_a_failure_told_to_a_brand_outweighs_the_same_told_to_a_person():
    """The shipped weights: the same words written to a brand are more likely a complaint than
    written in a reply to a person."""
    body = "the screen went black again after the update"
    to_brand = classify("@NimbusSupport " + body, lang="en").p_complaint
    to_person = classify("@jo_k88 @dave_p " + body, lang="en").p_complaint
    assert to_brand > to_person


@pytest.mark.parametrize("value", [None, 12345, "@" * 5000, "@a " * 3000])
def test_addressee_never_raises(value):
    assert linear.addressee(value) in (None, "brand", "chain", "person")
