"""The company model never moves the default path on labels that show no gain (issue 15)."""

import json

from detection import AdaptiveModel, classify


def test_labels_the_default_path_gets_right_change_nothing():
    """Agents confirming what the detection says teach it nothing new: nothing moves."""
    data = []
    for i in range(20):
        data += [(f"the strap snapped after one week, item {i}", True, "en"),
                 (f"lovely walk by the lake today, day {i}", False, "en")]
    model = AdaptiveModel().fit(data)
    assert model.n_labels == 40
    assert model.shrink == 0.0
    for text, _, _ in data[:4]:
        assert classify(text, model=model).p_complaint == classify(text).p_complaint


def test_few_labels_change_nothing():
    data = [("the colour is a bit different from the photo", True, "en")] * 12
    model = AdaptiveModel().fit(data)
    assert model.shrink == 0.0
    assert classify(data[0][0], model=model).p_complaint == classify(data[0][0]).p_complaint


def test_labels_the_default_path_gets_wrong_move_it():
    phrase = "Die Packstation in der Lindenstraße ist voll belegt"
    data = [(f"{phrase} Nummer {i}", True, "de") for i in range(24)]
    data += [(f"Schöner Tag heute am See {i}", False, "de") for i in range(10)]
    model = AdaptiveModel().fit(data)
    assert model.shrink > 0.0
    text = f"{phrase} Nummer 99"
    assert model.p_complaint(text, "de") > classify(text, lang="de").p_complaint + 0.1


def test_model_saved_before_shrink_loads_unshrunk():
    model = AdaptiveModel().fit([(f"kaputt {i}", True, "de") for i in range(3)]
                                + [(f"danke {i}", False, "de") for i in range(3)])
    data = json.loads(model.to_json())
    assert data["shrink"] == 0.0
    del data["shrink"]
    assert AdaptiveModel.from_dict(data).shrink == 1.0
