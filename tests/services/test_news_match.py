from social_crm.services.news_match import Person, find_people, fold

PETRA = Person(1, "Petra Vogel", "Bäckerei Vogel GmbH", "Köln")
JUERGEN = Person(2, "Jürgen Müller", "Müller & Söhne", "Düsseldorf")
OTHER_JUERGEN = Person(3, "Jürgen Müller", "Stadtwerke Bonn", "Bonn")
HANS = Person(4, "Dr. Hans Meier", "ACME AG", "Berlin")


def by_id(matches):
    return {m.partner_id: m for m in matches}


def test_fold():
    assert fold("Müller Straße Café") == "mueller strasse cafe"


def test_full_name_with_company_nearby_is_certain():
    text = "Die Bäckerei Vogel aus Köln expandiert. Inhaberin Petra Vogel plant drei Filialen."
    match = by_id(find_people(text, [PETRA]))[1]
    assert match.certain and "Petra Vogel" in match.snippet


def test_name_alone_is_uncertain():
    match = by_id(find_people("Petra Vogel gewann den Marathon.", [PETRA]))[1]
    assert not match.certain and "without company or city" in match.reason


def test_namesakes_told_apart_by_city():
    text = "In Düsseldorf sprach Jürgen Müller über die Zukunft des Handwerks."
    matches = by_id(find_people(text, [JUERGEN, OTHER_JUERGEN]))
    assert matches[2].certain and not matches[3].certain
    assert "2 contacts bear this name" in matches[3].reason


def test_umlaut_spellings_and_titles():
    text = "Juergen Mueller (Mueller & Soehne, Duesseldorf) und Dr. Hans Meier von ACME."
    matches = by_id(find_people(text, [JUERGEN, HANS]))
    assert matches[2].certain
    assert matches[4].certain  # "Dr." in the contact's name and in the text
    assert by_id(find_people("Jurgen Muller aus Dusseldorf", [JUERGEN]))[2].certain
    assert by_id(find_people("Hans Dr. Meier, ACME AG", [HANS]))  # title between the names


def test_name_inside_another_word_is_no_match():
    assert not find_people("Die Petra Vogelsang GmbH in Köln", [PETRA])
    assert not find_people("SuperPetra Vogel", [PETRA])
    assert not find_people("Petra und die Vögel", [PETRA])


def test_single_word_names_name_nobody():
    assert not find_people("Apple wächst", [Person(9, "Apple")])
