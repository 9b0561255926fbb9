"""The hard kinds of issue 15, in English and German (sentences written for these tests, not
rows of the shared data sets): the default path (rules + shipped model) without agent labels."""

import pytest
from detection import classify
from detection.complaints import REASON_CODES

HARD_COMPLAINTS = [
    # implicit: facts of a failure, no negative word
    ("implicit", "@Lumora order 5521 was due on the 3rd. Today is the 17th.", "en"),
    ("implicit", "@Wattwerk the engineer was booked for 8 to 12. It is now 4pm.", "en"),
    ("implicit", "@Kornblick Bestellung vom 2. März, Status seit 12 Tagen „in Bearbeitung“.",
     "de"),
    ("implicit", "@Fernzug Zug laut App pünktlich, wir stehen seit 50 Minuten vor Fulda.", "de"),
    # sarcasm / irony
    ("sarcasm", "Thanks @Lumora for the surprise: ordered a blue lamp, got a red kettle 🙃", "en"),
    ("sarcasm", "Love how @Wattwerk raises my bill the same day the outage starts. Feeling valued.",
     "en"),
    ("sarcasm", "Na toll @Kornblick, schon wieder die falsche Größe. Läuft bei euch 🙄", "de"),
    # question-shaped
    ("question", "@Lumora how many times do I have to send you the same photo of the damage?",
     "en"),
    ("question", "@Fernzug Muss ich jetzt wirklich jeden Tag eine Stunde früher los?", "de"),
    ("question", "@Wattwerk Wie oft soll ich denn noch den Zählerstand schicken?", "de"),
    # leaving
    ("churn", "Danke für den Hinweis, werde mich anderswo umschauen. @Kornblick", "de"),
    ("churn", "@Lumora cancelling my subscription, three missing deliveries in a row.", "en"),
    # B2B
    ("b2b", "@Cloudwerk our shop API has returned 503 since 9am, orders are not coming through.",
     "en"),
    ("b2b", "@Bürokraft Lieferung für unsere Filiale zum dritten Mal an die Zentrale geschickt.",
     "de"),
]
HARD_NOT_COMPLAINTS = [
    # praise after a solved problem
    ("resolved", "My parcel went missing but @Lumora sent a new one the next day. Impressed!",
     "en"),
    ("resolved", "Router war kaputt, @Wattwerk hat ihn in zwei Tagen getauscht. Top gelöst!",
     "de"),
    # anger aimed elsewhere
    ("elsewhere", "Traffic on the ring road is a nightmare. At least @Lumora coffee is good.",
     "en"),
    ("elsewhere", "Selbst schuld, falsche Adresse bei @Kornblick eingegeben. Mein Fehler.", "de"),
    # news and adverts
    ("news", "Wattwerk raises prices by 3 percent from May, the company said on Monday.", "en"),
    ("news", "Kornblick eröffnet am Samstag eine neue Filiale in Kassel. #anzeige", "de"),
    # neutral questions
    ("question", "@Fernzug Fahren am Feiertag Züge nach Leipzig?", "de"),
    ("question", "@Lumora do you ship to Norway?", "en"),
]


@pytest.mark.parametrize(("kind", "text", "lang"), HARD_COMPLAINTS)
def test_hard_complaints(kind, text, lang):
    verdict = classify(text)
    assert verdict.lang == lang
    assert verdict.label == "complaint", (kind, text, verdict)
    assert verdict.codes and all(code in REASON_CODES for code, _ in verdict.codes)


@pytest.mark.parametrize(("kind", "text", "lang"), HARD_NOT_COMPLAINTS)
def test_hard_not_complaints(kind, text, lang):
    verdict = classify(text)
    assert verdict.lang == lang
    assert verdict.label != "complaint", (kind, text, verdict)


def test_reason_codes_name_the_hard_kind():
    assert "implicit" in [c for c, _ in classify(
        "@Lumora order 5521 was due on the 3rd. Today is the 17th.").codes]
    assert "rhetorical" in [c for c, _ in classify(
        "@Fernzug Muss ich jetzt wirklich jeden Tag eine Stunde früher los?").codes]
    assert "resolved" in [c for c, _ in classify(
        "Router war kaputt, @Wattwerk hat ihn in zwei Tagen getauscht. Top gelöst!").codes]


def test_rules_only_path_and_default_path_differ_only_by_the_shipped_model():
    text = "@Lumora order 5521 was due on the 3rd. Today is the 17th."
    rules = classify(text, use_base=False)
    assert 0.0 <= rules.p_complaint <= 1.0
    assert all(code != "wording" or snippet for code, snippet in classify(text).codes)
