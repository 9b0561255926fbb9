"""Author-to-contact matching helpers (plain Python)."""

from social_crm.services import matching
from social_crm.services.cleaning import clean_json, clean_text, line_safe


def test_emails_in_bio():
    bio = "Bloggerin. Kontakt: Lena.H@Example.de, oder lena.h@example.de. Web: x.com"
    assert matching.emails_in_text(bio) == ["lena.h@example.de"]
    assert matching.emails_in_text(None) == []
    assert matching.emails_in_text("no mail @here") == []


def test_fold_and_tokens():
    assert matching.fold("Jürgen Großmann") == "jurgen grossmann"
    assert matching.name_tokens("Dr. Jürgen Großmann 🚲 (official)") == ["jurgen", "grossmann"]
    assert matching.name_tokens("🚀🚀") == []


def test_similarity_ignores_order_accents_and_titles():
    assert matching.name_similarity("Petra Vögel", "Vogel, Petra") >= 0.97
    assert matching.name_similarity("Emily Brooks", "Emily Brookes") > 0.9
    assert matching.name_similarity("Emily Brooks", "James Carter") < 0.6
    assert matching.name_similarity("Anna", "Anna Schmidt") < 0.85, "a first name alone is weak"
    assert matching.name_similarity("", "Anna") == 0.0


def test_name_index_finds_only_similar_names():
    index = matching.NameIndex(
        [(1, "Emily Brookes"), (2, "Thomas Krause"), (3, "Emily Clark"), (4, "")]
    )
    assert index.best("Emily Brooks", threshold=0.85) == [(1, 0.96)]
    assert index.best("Tom Krause", threshold=0.85) == [], "one shared word is not enough"
    assert index.best("Tim Kraus", threshold=0.9) == []
    assert index.best("Krause Thomas", threshold=0.85) == [(2, 0.97)]
    assert index.best("🚲", threshold=0.5) == []
    # the index agrees with the pairwise function
    for name in ("Emily Brooks", "Emily Clarke", "Thomas Kraus"):
        expected = matching.best_name_matches(
            name, [(1, "Emily Brookes"), (2, "Thomas Krause"), (3, "Emily Clark")], threshold=0.85
        )
        assert index.best(name, threshold=0.85) == expected[:3]


def test_normalise_url():
    assert matching.normalise_url("https://www.X.com/Lena_Testet/") == "x.com/lena_testet"
    assert matching.normalise_url("x.com/lena_testet") == "x.com/lena_testet"
    assert matching.normalise_url("") is None


def test_cleaning_drops_nul_and_controls():
    assert clean_text("a\x00b\x07c\nd\te") == "abc\nd\te"
    assert clean_text(None) is None
    assert clean_json({"t": "x\x00", "l": ["\x00y", 1, {"k\x00": None}]}) == {
        "t": "x",
        "l": ["y", 1, {"k": None}],
    }


def test_line_safe_leaves_out_bidi_controls_and_zero_width_spaces():
    name = "Eva\u202eliB\u202c \u2067x\u2069 Kein\u200b\ufeffNetz"
    assert line_safe(name) == "EvaliB x KeinNetz"
    # the joiners of emoji sequences and scripts stay, and so do the marks
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467 \u200fשלום\u200e \u0645\u200c\u0627"
    assert line_safe(family) == family
    assert line_safe(None) is None
    assert line_safe("") == ""
