"""New kinds of issue 14 (postal address, date of birth, company patterns) and fediverse
handles: each kind with valid finds and near-misses that must stay."""

import pytest
from detection.pii import (
    PatternError,
    compile_custom_pattern,
    find_pii,
    redact,
    redact_json,
    redact_report,
)


def kinds(text, **kw):
    return [m.kind for m in find_pii(text, **kw)]


@pytest.mark.parametrize("text, value", [
    ("Schickt es an Hauptstraße 5, 10115 Berlin bitte", "Hauptstraße 5, 10115 Berlin"),
    ("Adresse: Karl-Marx-Allee 12a, 10243 Berlin", "Karl-Marx-Allee 12a, 10243 Berlin"),
    ("Lieferung an Berliner Straße 17 80331 München", "Berliner Straße 17 80331 München"),
    ("bitte an 80331 München, Sendlinger Straße 7", "80331 München, Sendlinger Straße 7"),
    ("Wohnung Im Winkel 3, A-1010 Wien", "Im Winkel 3, A-1010 Wien"),
    ("Send it to 221B Baker Street, London NW1 6XE please", "221B Baker Street, London NW1 6XE"),
    ("1600 Amphitheatre Parkway, Mountain View, CA 94043",
     "1600 Amphitheatre Parkway, Mountain View, CA 94043"),
    ("chez moi: 12 rue de la Paix, 75002 Paris", "12 rue de la Paix, 75002 Paris"),
    ("indirizzo Via Roma 12, 00184 Roma", "Via Roma 12, 00184 Roma"),
])
def test_address_valid(text, value):
    found = [m for m in find_pii(text) if m.kind == "address"]
    assert found, text
    assert value in found[0].value


@pytest.mark.parametrize("text", [
    "Bestellung 12 von 20000 Stück kam nicht",
    "Paket 2, 12345 Teile fehlen",
    "Hauptstraße 5 in Berlin ist gesperrt",          # no postcode
    "Hauptstraße 5, 00115 Berlin",                   # no German postcode starts with 00
    "Filiale 10115 Berlin hat zu",                   # no street
    "We were at Baker Street station at 5",
    "Order 12 Street Fighter, 2 copies",
])
def test_address_near_miss(text):
    assert "address" not in kinds(text)


@pytest.mark.parametrize("text, value", [
    ("Ich bin geb. 12.03.1985 und Kundin", "12.03.1985"),
    ("geboren am 3. Mai 1970 in Köln", "3. Mai 1970"),
    ("Geburtsdatum: 1985-02-28", "1985-02-28"),
    ("born on March 5, 1990", "March 5, 1990"),
    ("DOB 05/25/1990", "05/25/1990"),
    ("date of birth: 5th of June 1979", "5th of June 1979"),
])
def test_dob_valid(text, value):
    found = [m for m in find_pii(text) if m.kind == "dob"]
    assert found and found[0].value == value


@pytest.mark.parametrize("text", [
    "Lieferung am 12.03.1985",                 # no cue
    "geboren in Berlin 1990",                  # no full date
    "DOB: 1985-02-30",                         # no such day
    "geb. 31.13.1990",                         # no such month
    "born 12.03.2999",                         # in the future
    "Geburtstagsfeier am 12.03.2024 abgesagt",  # "Geburtstagsfeier" is no cue
])
def test_dob_near_miss(text):
    assert "dob" not in kinds(text)


def test_fediverse_handles_are_not_emails():
    text = "@ina@mastodon.social und ina@mastodon.social, Mail: ina.privat@gmail.com"
    found = find_pii(text, keep={"ina@mastodon.social"})
    assert [(m.kind, m.value) for m in found] == [("email", "ina.privat@gmail.com")]
    # without keep the bare form is an address like any other, the @-form is not
    assert [m.value for m in find_pii("@ina@mastodon.social ina@mastodon.social")] == [
        "ina@mastodon.social"]


def test_keep_company_phone():
    text = "Hotline +49 30 1234567, Ihre Nummer 0151 23456789"
    found = find_pii(text, keep={"030 1234567"})
    assert [m.value for m in found] == ["0151 23456789"]


@pytest.mark.parametrize("expression", [r"KD-\d{6}", r"(?:AB|CD)-\d{4}", r"V\d{3}-[A-Z]{2}",
                                        r"[(a+)]+x"])
def test_custom_pattern_accepted(expression):
    compile_custom_pattern(expression)


@pytest.mark.parametrize("expression, reason", [
    ("(a+)+", "Nested"),
    (r"(\d+)*x", "Nested"),
    (r"(\w+\s?)+$", "Nested"),
    ("(?:a{2,})+b", "Nested"),
    ("(a|aa)+$", "too slow"),
    ("", "empty"),
    ("x*", "empty text"),
    (r"(a)\1", "Back-references"),
    ("KD-[", "not a valid"),
    ("a" * 301, "longer"),
])
def test_custom_pattern_refused(expression, reason):
    with pytest.raises(PatternError, match=reason):
        compile_custom_pattern(expression)


def test_custom_pattern_redacts_with_its_name():
    patterns = [("Kundennummer", compile_custom_pattern(r"KD-\d{6}"))]
    report = redact_report("Meine KD-123456, nicht KD-12345", patterns=patterns)
    assert report.text == "Meine [Kundennummer removed], nicht KD-12345"
    assert report.kinds == ["custom"]
    evil = [("x<y]", compile_custom_pattern(r"KD-\d{6}"))]
    assert redact("KD-123456", find_pii("KD-123456", patterns=evil)) == "[xy removed]"


def test_redact_json_skips_ids_and_keeps_handles():
    payload = {"id": "41111111111111112", "text": "Karte 4111 1111 1111 1111",
               "account": {"acct": "ina@mastodon.social", "note": "ruft an 0151 23456789"},
               "created_at": "2026-01-01T10:00:00Z"}
    value, found = redact_json(payload, keep={"ina@mastodon.social"})
    assert value["id"] == payload["id"]
    assert "1111 1111" not in value["text"]
    assert value["account"]["acct"] == "ina@mastodon.social"
    assert "23456789" not in value["account"]["note"]
    assert found == ["card", "phone"]
