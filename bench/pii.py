#!/usr/bin/env python3
"""Synthetic benchmark of the PII detector: recall per kind and false hits on clean posts.

Usage: python3 bench/pii.py [n_per_kind]   (default 200; fixed seed, so figures repeat)

All values are generated here (checksum-valid IBANs, cards, tax IDs, ID card numbers, VAT IDs,
phone numbers valid per `phonenumbers`, e-mails) and embedded in German and English post
templates, in spaced and unspaced forms. A find counts for recall when a match of the right kind
covers the embedded value. Clean posts hold order numbers, dates, prices, times, tracking and
customer numbers; any find there is a false hit.
"""

import os
import random
import re
import sys

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.de import idnr as std_idnr
from stdnum.de import vat as std_vat
from stdnum.iso7064 import mod_11_10

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "social_crm_helpdesk"))

from detection.pii import find_pii, idcard_check_digit  # noqa: E402

IBAN_COUNTRIES = ("DE", "AT", "GB", "FR", "NL", "CH", "ES", "IT", "BE", "PL")
_STRUCT = re.compile(r"(\d+)!?([nac])")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gen_iban(rng, cc):
    bban_struct = std_iban._ibandb.info(cc)[0][1]["bban"]
    for _ in range(5000):
        bban = ""
        for n, kind in _STRUCT.findall(bban_struct):
            chars = {"n": "0123456789", "a": _ALNUM[10:], "c": _ALNUM}[kind]
            bban += "".join(rng.choice(chars) for _ in range(int(n)))
        number = cc + "00" + bban
        number = cc + std_iban.calc_check_digits(number) + bban
        if std_iban.is_valid(number):
            return number
    raise RuntimeError("could not generate IBAN for " + cc)


def gen_card(rng, brand):
    if brand == "visa":
        prefix, length = "4", rng.choice((16, 16, 13))
    elif brand == "mastercard":
        prefix = rng.choice(("5" + str(rng.randint(1, 5)), str(rng.randint(2221, 2720))))
        length = 16
    else:
        prefix, length = rng.choice(("34", "37")), 15
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def gen_idnr(rng):
    while True:
        body = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(9))
        number = body + mod_11_10.calc_check_digit(body)
        if std_idnr.is_valid(number):
            return number


def gen_idcard(rng):
    first = rng.choice("CFGHJKLMNPRTVWXYZ")
    rest = "".join(rng.choice("CFGHJKLMNPRTVWXYZ0123456789" if i % 3 == 2 else "0123456789")
                   for i in range(8))
    serial = first + rest
    return serial + str(idcard_check_digit(serial))


def gen_vat(rng):
    while True:
        body = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(7))
        number = "DE" + body + mod_11_10.calc_check_digit(body)
        if std_vat.is_valid(number):
            return number


def gen_phone(rng, region):
    types = phonenumbers.PhoneNumberType
    kind = rng.choice((types.MOBILE, types.FIXED_LINE))
    example = phonenumbers.example_number_for_type(region, kind)
    nsn = phonenumbers.national_significant_number(example)
    for _ in range(1000):
        keep = max(2, len(nsn) - 6)
        cand = nsn[:keep] + "".join(rng.choice("0123456789") for _ in range(len(nsn) - keep))
        num = phonenumbers.parse("+%d%s" % (example.country_code, cand))
        if phonenumbers.is_valid_number(num):
            fmt = rng.choice((phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                              phonenumbers.PhoneNumberFormat.NATIONAL,
                              phonenumbers.PhoneNumberFormat.E164))
            return phonenumbers.format_number(num, fmt)
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def gen_email(rng):
    first = rng.choice(("anna", "max", "j.smith", "lisa_m", "tom", "sven.mueller", "kim"))
    domain = rng.choice(("example.com", "mail.de", "web.de", "gmx.at", "uni-koeln.de",
                         "example.co.uk", "bluewin.ch"))
    return "%s%d@%s" % (first, rng.randint(1, 999), domain)


def group(value, size=4, sep=" "):
    return sep.join(value[i:i + size] for i in range(0, len(value), size))


def card_forms(num, rng):
    if len(num) == 15:
        spaced = num[:4] + " " + num[4:10] + " " + num[10:]
    else:
        spaced = group(num)
    return rng.choice((num, spaced, spaced.replace(" ", "-")))


TEMPLATES = {
    "iban": ["Bitte überweist das Geld auf meine IBAN {v}, danke.",
             "Refund to {v} please, it's been two weeks.",
             "IBAN: {v}\nKontoinhaber: Max Muster",
             "My bank account is {v}. Still no money!!"],
    "card": ["Ihr habt meine Karte {v} zweimal belastet!",
             "You charged my card {v} twice, fix this.",
             "Kreditkarte {v}, gültig bis 12/27",
             "card no. {v} exp 08/26 - please cancel the payment"],
    "tax_id": ["Meine Steuer-ID ist {v}, bitte auf der Rechnung ergänzen.",
               "Steuerliche Identifikationsnummer: {v}",
               "Hier meine IdNr {v} für die Rechnung.",
               "my German tax ID {v} is wrong on the invoice"],
    "id_card": ["Personalausweis-Nr. {v}, bitte prüfen.",
                "Ich habe mich mit Ausweis {v} verifiziert",
                "ID card number {v} was rejected by your app",
                "Meine Ausweisnummer: {v}"],
    "vat": ["Unsere USt-IdNr lautet {v}.", "VAT ID {v} is missing on the invoice",
            "Rechnung bitte an Firma X, USt-ID {v}"],
    "phone": ["Ruft mich bitte an: {v}", "Call me back on {v} please",
              "Meine Nummer ist {v}, erreichbar ab 9 Uhr.",
              "You can reach me at {v} anytime", "Tel. {v}"],
    "email": ["Schreibt mir an {v}", "My email is {v}, please reply there.",
              "Kontakt: {v}", "send the label to {v}!"],
}


def positives(rng, n):
    cases = []
    for i in range(n):
        cc = IBAN_COUNTRIES[i % len(IBAN_COUNTRIES)]
        iban = gen_iban(rng, cc)
        cases.append(("iban", rng.choice((iban, group(iban)))))
        card = gen_card(rng, ("visa", "mastercard", "amex")[i % 3])
        cases.append(("card", card_forms(card, rng)))
        tid = gen_idnr(rng)
        cases.append(("tax_id", rng.choice((tid, "%s %s %s %s" % (tid[:2], tid[2:5], tid[5:8],
                                                                  tid[8:])))))
        cases.append(("id_card", gen_idcard(rng)))
        vat = gen_vat(rng)
        cases.append(("vat", rng.choice((vat, "DE " + vat[2:]))))
        cases.append(("phone", gen_phone(rng, ("DE", "AT", "CH", "GB", "US")[i % 5])))
        cases.append(("email", gen_email(rng)))
    posts = []
    for kind, value in cases:
        template = rng.choice(TEMPLATES[kind])
        posts.append((kind, value, template.format(v=value)))
    return posts


def clean_posts(rng, n):
    def digits(k):
        return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(k - 1))

    makers = [
        lambda: "Bestellung %s ist immer noch nicht da!" % digits(rng.randint(6, 13)),
        lambda: "order #%s still not shipped" % digits(rng.randint(6, 12)),
        lambda: "My order %s-%s-%s arrived broken" % (digits(3), digits(7), digits(7)),
        lambda: "Bestellnummer: %s, Lieferung am %02d.%02d.%d" % (
            digits(rng.randint(8, 12)), rng.randint(1, 28), rng.randint(1, 12),
            rng.randint(2020, 2026)),
        lambda: "Delivered on %d-%02d-%02d at %d:%02d, but the box was empty" % (
            rng.randint(2020, 2026), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
            rng.randint(0, 59)),
        lambda: "Paid %d,%02d € for this?! Termin war %02d/%02d/%d um %d:%02d Uhr" % (
            rng.randint(1, 5000), rng.randint(0, 99), rng.randint(1, 12), rng.randint(1, 28),
            rng.randint(2020, 2026), rng.randint(0, 23), rng.randint(0, 59)),
        lambda: "It cost $%d,%03d.%02d and broke after a week" % (
            rng.randint(1, 9), rng.randint(0, 999), rng.randint(0, 99)),
        lambda: "Preis %d.%03d,%02d EUR statt %d,%02d EUR" % (
            rng.randint(1, 9), rng.randint(0, 999), rng.randint(0, 99), rng.randint(1, 999),
            rng.randint(0, 99)),
        lambda: "Tracking 1Z%s%s stuck since Monday" % (
            "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6)), digits(10)),
        lambda: "Sendungsnummer 00%s, DHL sagt zugestellt" % digits(18),
        lambda: "Sendungsverfolgung JJD%s zeigt nichts an" % digits(15),
        lambda: "Kundennummer %s, Vertragsnummer %s" % (digits(rng.randint(6, 10)),
                                                      digits(rng.randint(8, 12))),
        lambda: "Rechnung Nr. %s vom %d.%d.%d" % (digits(rng.randint(8, 14)), rng.randint(1, 28),
                                                 rng.randint(1, 12), rng.randint(2020, 2026)),
        lambda: "Ticket %s: waiting %d days, %d hours" % (digits(rng.randint(6, 11)),
                                                          rng.randint(2, 30), rng.randint(1, 23)),
        lambda: "Ref %s / case %s" % (digits(rng.randint(10, 16)), digits(rng.randint(7, 11))),
        lambda: "Opening hours 08:00-20:00, ring at %d:%02d" % (rng.randint(8, 20),
                                                                 rng.randint(0, 59)),
        lambda: "Artikelnummer %s in Größe %d, %d Stück" % (digits(rng.randint(7, 12)),
                                                           rng.randint(34, 48), rng.randint(1, 5)),
        lambda: "Order %s placed %s, total £%d.%02d" % (
            digits(rng.randint(9, 12)), rng.choice(("yesterday", "on 3 May", "last week")),
            rng.randint(5, 2000), rng.randint(0, 99)),
    ]
    return [rng.choice(makers)() for _ in range(n)]


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 200
    rng = random.Random(20240)
    posts = positives(rng, n)
    hits, totals = {}, {}
    misses = []
    for kind, value, text in posts:
        start = text.index(value)
        end = start + len(value)
        found = any(m.kind == kind and m.start <= start and m.end >= end for m in find_pii(text))
        totals[kind] = totals.get(kind, 0) + 1
        hits[kind] = hits.get(kind, 0) + int(found)
        if not found:
            misses.append((kind, text))
    print("PII recall per kind (%d synthetic posts, DE+EN templates, spaced/unspaced):"
          % len(posts))
    print("  " + "; ".join("%s %.3f (%d/%d)" % (k, hits[k] / totals[k], hits[k], totals[k])
                           for k in totals))
    clean = clean_posts(rng, 5 * n)
    false = [(t, find_pii(t)) for t in clean]
    false = [(t, f) for t, f in false if f]
    print("false hits on %d clean posts (order numbers, dates, prices, times, tracking): %d "
          "posts, rate %.4f" % (len(clean), len(false), len(false) / len(clean)))
    for kind, text in misses[:5]:
        print("  missed %s: %s" % (kind, text))
    for text, found in false[:5]:
        print("  false hit %s: %s" % (",".join(m.kind for m in found), text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
