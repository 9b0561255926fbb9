from detection.causes import cause_scores, churn_intent, suggest_cause


def test_causes_german_and_english():
    assert suggest_cause("Mein Paket ist seit einer Woche nicht geliefert worden") == "delivery"
    assert suggest_cause("Ihr habt mir die Rechnung doppelt abgebucht!") == "billing"
    assert suggest_cause("Mein Router ist kaputt") == "product_defect"
    assert suggest_cause("Seit heute morgen Störung, kein Internet") == "outage"
    assert suggest_cause("The courier never delivered my parcel") == "delivery"
    assert suggest_cause("I was charged twice, refund now") == "billing"
    assert suggest_cause("Your update bricked my smart plug") == "product_defect"
    assert suggest_cause("The agent on the hotline was rude") == "staff"
    assert suggest_cause("Way too expensive after the price increase") == "price"
    assert suggest_cause("Hallo, wie geht's?") is None
    assert suggest_cause(None) is None


def test_scores_count_keywords():
    scores = cause_scores("Paket nicht geliefert, Rechnung trotzdem abgebucht, Zustellung fehlt")
    assert scores["delivery"] > scores["billing"]


def test_churn_intent():
    assert churn_intent("Ich schaue mich anderswo um.")
    assert churn_intent("Reicht, ich kündige zum Monatsende!")
    assert churn_intent("I'm cancelling my contract today")
    assert churn_intent("Cancel my subscription, now")
    assert churn_intent("Looking elsewhere, bye")
    assert not churn_intent("Mein Router ist kaputt")
    assert not churn_intent("When does my contract end?")


def test_whole_words_only_where_marked():
    assert suggest_cause("Der Download ist langsam") is None
    assert suggest_cause("Das war billig") is None
    assert suggest_cause("My charger died") is None
    assert suggest_cause("Network is down again") == "outage"
