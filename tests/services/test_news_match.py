from social_crm.services.news_match import Person, brand_names, find_brands, find_people, fold

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


def test_title_in_text_only_and_names_inside_words():
    petra = Person(5, "Petra Vogel", None, "Köln")
    assert by_id(find_people("Dr. Petra Vogel aus Köln", [petra]))[5].certain
    assert by_id(find_people("Prof. Dr. Petra Vogel (Köln)", [petra]))[5].certain
    assert not find_people("Petra Vogelmann aus Köln", [petra])
    assert not find_people("Petra-Vogelweide-Straße, Köln", [petra])


def test_mueller_spellings_and_namesake_without_place():
    text = "Juergen Mueller sprach in Düsseldorf."
    matches = by_id(find_people(text, [JUERGEN, OTHER_JUERGEN]))
    assert matches[2].certain and not matches[3].certain
    assert not by_id(find_people("Jürgen Müller sprach.", [JUERGEN, OTHER_JUERGEN]))[2].certain


def test_brand_names_setting():
    assert brand_names("Vogel Brot, Kölner Korn\nVogel brot;  ; X") == ["Vogel Brot", "Kölner Korn"]
    assert brand_names(False) == []


def test_brands_whole_words_and_case():
    brands = ["Vogel Brot", "Kölner Korn", "Apple"]
    text = "Das neue Vogel Brot und Koelner Korn im Test; ein apple am Tag. Vogel Brotzeit."
    found = {m.brand: m for m in find_brands(text, brands)}
    assert found["Vogel Brot"].certain and "Vogel Brot" in found["Vogel Brot"].snippet
    assert not found["Kölner Korn"].certain  # folded spelling: a person checks
    assert not found["Apple"].certain and "common word?" in found["Apple"].reason
    assert not find_brands("Vogel Brotzeit in Bonn", ["Vogel Brot"])
    assert not find_brands("Applesauce", ["Apple"])
