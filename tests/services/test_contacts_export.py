import pytest

from social_crm.services import contacts_export

LINKEDIN = "https://www.linkedin.com/in/{handle}/"
XING = "https://www.xing.com/profile/{handle}"

CONNECTIONS = "\n".join([
    "\ufeffNotes:",
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    'https://www.linkedin.com/psettings/privacy/email."',
    "",
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    "Petra,Vogel,https://www.linkedin.com/in/petra-vogel-42,petra.vogel@example.de,"
    "Bäckerei Vogel GmbH,Geschäftsführerin,12 Mar 2024",
    'Jürgen,Müller,https://www.linkedin.com/in/juergen-mueller,,"Müller & Söhne, Köln",'
    "Einkaufsleiter,01 Feb 2023",
    ",,,,,,",
]).encode()

XING_CSV = """Vorname;Nachname;E-Mail (geschäftlich);Firma;Position;Profil-URL;Kontakte
Anna;Schmidt;anna.schmidt@example.com;ACME AG;CTO;https://www.xing.com/profile/Anna_Schmidt42/cv;1.234
;;;;;;
Ohne;Profil;;;;;
""".encode("cp1252")


def test_linkedin_connections_csv():
    rows, problems = contacts_export.read_export(CONNECTIONS, LINKEDIN, "linkedin")
    assert not problems
    assert [r.name for r in rows] == ["Petra Vogel", "Jürgen Müller"]
    petra, juergen = rows
    assert petra.handle == "petra-vogel-42" and petra.email == "petra.vogel@example.de"
    assert petra.position == "Geschäftsführerin" and petra.company == "Bäckerei Vogel GmbH"
    assert petra.followers is None and petra.line == 5
    assert juergen.email is None and juergen.company == "Müller & Söhne, Köln"


def test_xing_export_semicolons_cp1252_and_counts():
    rows, _problems = contacts_export.read_export(XING_CSV, XING, "xing")
    anna = rows[0]
    assert anna.name == "Anna Schmidt" and anna.handle == "Anna_Schmidt42"
    assert anna.followers == 1234 and anna.email == "anna.schmidt@example.com"
    assert rows[1].name == "Ohne Profil" and rows[1].handle is None


def test_no_header_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="First Name"):
        contacts_export.read_export(b"a,b,c\n1,2,3\n", LINKEDIN)
