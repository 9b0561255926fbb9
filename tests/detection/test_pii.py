import pytest
from detection.pii import (
    KINDS,
    Match,
    find_pii,
    idcard_check_digit,
    is_valid_idcard,
    kinds_found,
    redact,
    redact_report,
)

# Public test numbers: the IBAN and card numbers are the usual documentation examples.
VALID_IBANS = [
    "DE89370400440532013000",
    "DE89 3704 0044 0532 0130 00",
    "AT611904300234573201",
    "GB82 WEST 1234 5698 7654 32",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
]
VALID_CARDS = [
    "4111111111111111",          # Visa
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "5555 5555 5555 4444",       # Mastercard
    "2223003122003222",          # Mastercard 2-series
    "3782 822463 10005",         # Amex 4-6-5
    "378282246310005",
]


def kinds(text):
    return [m.kind for m in find_pii(text)]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_iban_valid(iban):
    text = "Bitte auf %s überweisen, danke" % iban
    found = find_pii(text)
    assert [m.kind for m in found] == ["iban"]
    assert found[0].value == iban
    assert text[found[0].start:found[0].end] == iban


@pytest.mark.parametrize("iban", [
    "DE89370400440532013001",        # wrong check
    "DE8937040044053201300",         # too short for DE
    "GB82WEST1234569876543X",
    "XX89370400440532013000",        # unknown country
])
def test_iban_invalid(iban):
    assert "iban" not in kinds("IBAN %s" % iban)


def test_iban_followed_by_words():
    found = find_pii("IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX")
    assert found[0].kind == "iban"
    assert found[0].value == "DE89 3704 0044 0532 0130 00"


@pytest.mark.parametrize("card", VALID_CARDS)
def test_card_valid(card):
    assert kinds("my card %s was charged twice" % card) == ["card"]


@pytest.mark.parametrize("card", [
    "4111111111111112",              # Luhn fails
    "4111 1111 1111 1112",
    "1234567812345670",              # Luhn ok, no known issuer prefix
    "9111111111111111",
])
def test_card_invalid(card):
    assert "card" not in kinds("Karte %s" % card)


@pytest.mark.parametrize("idnr", ["86095742719", "86 095 742 719", "47036892816"])
def test_tax_id_valid(idnr):
    assert kinds("Meine Steuer-IdNr: %s" % idnr) == ["tax_id"]


@pytest.mark.parametrize("idnr", ["86095742710", "01234567890", "11111111111"])
def test_tax_id_invalid(idnr):
    assert "tax_id" not in kinds("Steuer-IdNr %s" % idnr)


def test_idcard_check_digit():
    assert idcard_check_digit("T22000129") == 3
    assert is_valid_idcard("T220001293")
    assert not is_valid_idcard("T220001294")
    assert not is_valid_idcard("A220001293")  # 'A' is not used in German document numbers


def test_idcard_found_and_all_digit_needs_context():
    assert kinds("Personalausweis T220001293 wurde abgelehnt") == ["id_card"]
    assert kinds("Ausweis T220001294") == []
    serial = "123456789"
    number = serial + str(idcard_check_digit(serial))
    assert kinds("Meine Ausweisnummer %s" % number) == ["id_card"]
    assert "id_card" not in kinds("Sendung %s ist unterwegs" % number)


def test_vat():
    assert kinds("USt-IdNr. DE136695976") == ["vat"]
    assert kinds("USt-IdNr. DE136695977") == []


@pytest.mark.parametrize("phone", [
    "+49 30 12345678", "0151 23456789", "030 123456", "+43 664 123456", "0664 123456",
    "+41 44 668 18 00", "+44 20 7946 0958", "07400 123456", "(201) 555-0123", "+1 201-555-0123",
])
def test_phone_valid(phone):
    text = "Call me on %s please" % phone
    found = find_pii(text)
    assert [m.kind for m in found] == ["phone"], found
    assert phone.endswith(found[0].value) or found[0].value.endswith(phone[-6:])


def test_phone_next_to_an_ip_address():
    found = find_pii("Router 192.168.178.1 kaputt, ruft mich an: 0151 23456789")
    assert [(m.kind, m.value) for m in found] == [("phone", "0151 23456789")]


def test_email():
    found = find_pii("Schreibt mir an max.muster+crm@example.co.uk, danke")
    assert [(m.kind, m.value) for m in found] == [("email", "max.muster+crm@example.co.uk")]
    assert kinds("@AmazonHelp where is my order") == []


@pytest.mark.parametrize("text", [
    "Bestellung 12345678901 ist immer noch nicht da",
    "order #86095742719 still missing",                # valid tax-ID digits, but an order number
    "My order 302-4362786-9571496 arrived broken",
    "Lieferung am 12.03.2024 um 14:30 Uhr",
    "Delivered 2024-03-12 at 09:15, box empty",
    "Paid 1.299,00 EUR, now it's 999,99 €",
    "It cost $1,299.99 and broke in 3 days",
    "Tracking 1Z999AA10123456784 stuck since Monday",
    "Sendungsnummer 00340434161234567890",
    "Rechnung Nr. 4111111111111111 vom 1.2.2024",   # Luhn-valid digits after 'Rechnung Nr.'
    "Kundennummer 0301234567, Vertragsnummer 9892973152",
    "Opening hours 08:00-20:00, 24/7 hotline closed",
    "waited 45 minutes, 3 times, 2 weeks",
    "Router 192.168.178.1 antwortet nicht",             # IPv4 addresses, not phone numbers
    "the file was at http://169.254.169.254/latest/meta-data",
    "server 10.20.30.40 refused the connection.",
])
def test_no_false_hits(text):
    assert find_pii(text) == [], find_pii(text)


def test_redact_format_and_kinds():
    text = ("IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, "
            "Tel. 0151 23456789, mail anna@example.de, Steuer-ID 86095742719")
    report = redact_report(text)
    assert report.kinds == ["email", "iban", "card", "tax_id", "phone"]
    assert report.text == (
        "IBAN [IBAN removed, ends 3000], card [card number removed, ends 1111], "
        "Tel. [phone number removed], mail [e-mail address removed], "
        "Steuer-ID [tax ID removed]")
    assert redact(text) == report.text
    assert "ends" not in redact(text, keep_last=0)
    assert "3704" not in report.text and "86095742719" not in report.text


def test_redact_in_german():
    """A German company's placeholders are German; the same finds, the same kinds."""
    text = ("IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, "
            "Tel. 0151 23456789, mail anna@example.de, Steuer-ID 86095742719")
    for lang in ("de", "de_DE", "de_CH"):
        report = redact_report(text, lang=lang)
        assert report.kinds == ["email", "iban", "card", "tax_id", "phone"]
        assert report.text == (
            "IBAN [IBAN entfernt, endet auf 3000], card [Kartennummer entfernt, endet auf 1111], "
            "Tel. [Telefonnummer entfernt], mail [E-Mail-Adresse entfernt], "
            "Steuer-ID [Steuer-ID entfernt]")
    assert redact_report(text, lang="fr_FR").text == redact_report(text).text
    assert redact_report(text, lang=None).text == redact_report(text).text


def test_redact_with_given_matches_and_kinds_found():
    text = "x anna@example.de y"
    matches = [Match("email", 2, 17, "anna@example.de", "e-mail address")]
    assert redact(text, matches) == "x [e-mail address removed] y"
    assert redact(text, []) == text
    assert kinds_found(matches) == ["email"]
    assert set(KINDS) >= {"iban", "card", "phone", "email", "tax_id", "id_card", "vat"}


def test_matches_do_not_overlap_and_are_sorted():
    text = "DE89370400440532013000 4111111111111111 +49 30 12345678 anna@example.de"
    found = find_pii(text)
    assert [m.kind for m in found] == ["iban", "card", "phone", "email"]
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start


@pytest.mark.parametrize("text", [
    "", None, "\x00\x01\x02", "1" * 100_000, ("4111 1111 1111 1111 " * 3000),
    "+49 " * 20_000, "٠١٢٣٤٥٦٧٨٩ \u202eDE89 3704 0044 0532 0130 00\u202c", "😀" * 1000, "@@@@.@@@",
])
def test_hostile_input_never_raises(text):
    found = find_pii(text)
    assert isinstance(found, list)
    redact(text)
    redact_report(text)
