import pytest

from social_crm_scoring.scoring import ScoringSettings, compute_score_table
from social_crm_scoring.scoring.professional import (
    LEVEL_POINTS,
    POST_VALUE,
    employer_factor,
    professional_values,
    seniority,
)


@pytest.mark.parametrize(
    ("title", "level", "keyword"),
    [
        ("CEO", 3, "ceo"),
        ("Geschäftsführer", 3, "geschäftsführer"),
        ("Geschaeftsfuehrerin Vertrieb", 3, "geschäftsführerin"),
        ("Mitglied des Vorstands", 0, None),  # "Vorstands" is another word
        ("Vorstand Finanzen", 3, "vorstand"),
        ("Prof. Dr. für Informatik", 3, "prof"),
        ("Professor of Marketing", 3, "professor"),
        ("Head of Sales", 2, "head of"),
        ("Director Marketing", 2, "director"),
        ("VP Engineering", 2, "vp"),
        ("Leiterin Einkauf", 1, "leiterin"),
        ("Leiter IT", 1, "leiter"),
        ("Sales Manager", 1, "manager"),
        ("Software Developer", 0, None),
        ("Headhunter", 0, None),  # "head" inside another word
        ("", 0, None),
        (None, 0, None),
    ],
)
def test_seniority(title, level, keyword):
    assert seniority(title) == (level, keyword)


def test_employer_factor():
    assert employer_factor(0) == 1
    assert employer_factor(None) == 1
    assert employer_factor(9) == pytest.approx(2)
    assert employer_factor(999) == pytest.approx(4)


def test_professional_values():
    values = professional_values([100, 0, 0, 0], [2, 0, 0, 0], [0, 3, 3, 0], [500, 0, 999, 999])
    assert values[0] == pytest.approx(100 + 2 * POST_VALUE)  # no position: size plays no part
    assert values[1] == pytest.approx(LEVEL_POINTS[3])
    assert values[2] == pytest.approx(4 * LEVEL_POINTS[3])
    assert values[3] == 0


def test_score_uses_professional_weight():
    ids = [1, 2, 3]
    table = compute_score_table(
        ids,
        {
            "followers": [10, 10, 10],
            "identities": [1, 1, 1],
            "professional_level": [3, 1, 0],
            "employer_size": [200, 200, 200],
        },
        # percentiles of a few contacts
        settings=ScoringSettings(weights={"reach": 1, "professional": 1}, min_population=0),
    )
    professional = table.normalised["professional"]
    assert professional[0] > professional[1] > professional[2] == 0
    assert table.score[0] > table.score[1] > table.score[2]
