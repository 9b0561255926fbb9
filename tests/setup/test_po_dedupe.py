"""scripts/po-dedupe: check and repair of .po/.pot files after a line-union merge.

The broken file is made the way it happens: two git branches add one translation each at the
end of the same .po, merged with ``merge=union`` (as .gitattributes asks), which shares their
common ``#. module:`` line and leaves the second entry without it (Odoo then fails to load the
language)."""

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "po-dedupe"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
NAME = textwrap.dedent("""
    #. module: acme
    #: model:ir.model.fields,field_description:acme.field_acme_thing__name
    msgid "Name"
    msgstr "{}"
""")
HELLO = textwrap.dedent("""
    #. module: acme
    #. odoo-python
    #: code:addons/acme/models/thing.py:0
    msgid "Hello %(name)s"
    msgstr "{}"
""")
HELP = textwrap.dedent("""
    #. module: acme
    #: model:ir.model.fields,help:acme.field_acme_thing__name
    msgid "What it is called"
    msgstr "{}"
""")
# what Odoo's PoFileReader does with every entry (translate.py): the module from the FIRST
# extracted comment, else AttributeError and the language does not load
ODOO_MODULE = re.compile(r"(module[s]?): (\w+)")

needs_git = pytest.mark.skipif(not shutil.which("git"), reason="git is needed for the merge")


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, check=False)


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
                    *args], check=True, capture_output=True)


def union_merged_addon(tmp_path):
    """An addon ``acme`` whose de.po and acme.pot went through a line-union merge."""
    repo = tmp_path / "repo"
    i18n = repo / "acme" / "i18n"
    i18n.mkdir(parents=True)
    (repo / "acme" / "models").mkdir()
    (repo / "acme" / "models" / "thing.py").write_text(
        'def greet(env, name):\n    return env._("Hello %(name)s", name=name)\n')
    (repo / ".gitattributes").write_text("*.po merge=union\n*.pot merge=union\n")
    po, pot = i18n / "de.po", i18n / "acme.pot"
    po.write_text(HEADER + NAME.format("Name"))
    pot.write_text(HEADER + NAME.format(""))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "code")
    po.write_text(po.read_text() + HELLO.format("Hallo %(name)s"))
    pot.write_text(pot.read_text() + HELLO.format(""))
    git(repo, "commit", "-qam", "a code string")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-qb", "help")
    po.write_text(po.read_text() + HELP.format("Wie es heißt"))
    pot.write_text(pot.read_text() + HELP.format(""))
    git(repo, "commit", "-qam", "a field help")
    git(repo, "merge", "-q", "code", "-m", "merge")
    return po, pot


def odoo_reads(path):
    """The (module, msgid, is code) Odoo's reader takes from ``path``; raises like Odoo."""
    rows = []
    for entry in polib.pofile(str(path)):
        _kind, module = ODOO_MODULE.match(entry.comment).groups()
        rows.append((module, entry.msgid, "odoo-python" in entry.comment
                     and any(o.startswith("code:") for o, _l in entry.occurrences)))
    return sorted(rows)


@needs_git
def test_a_union_merge_is_caught_and_repaired(tmp_path):
    po, pot = union_merged_addon(tmp_path)
    with pytest.raises(AttributeError):  # as Odoo fails on the merged file
        odoo_reads(po)
    before = po.read_text()
    check = run("--check", po, pot)
    assert check.returncode == 1
    assert "needs repair" in check.stdout and "run scripts/po-dedupe" in check.stderr
    assert po.read_text() == before, "--check changes nothing"

    repair = run(po, pot)
    assert repair.returncode == 0, repair.stderr
    assert "module comment set" in repair.stdout
    assert "'What it is called' had no msgstr line" in repair.stdout
    expected = [("acme", "Hello %(name)s", True), ("acme", "Name", False),
                ("acme", "What it is called", False)]
    assert odoo_reads(po) == expected
    assert odoo_reads(pot) == expected
    translations = {e.msgid: e.msgstr for e in polib.pofile(str(po))}
    assert translations == {"Name": "Name", "Hello %(name)s": "Hallo %(name)s",
                            "What it is called": "Wie es heißt"}, "nothing is lost"
    assert run("--check", po, pot).returncode == 0
    assert run(po, pot).stdout == "", "a repaired file stays as it is"


def write_pair(tmp_path, po_text, pot_text):
    i18n = tmp_path / "acme" / "i18n"
    i18n.mkdir(parents=True, exist_ok=True)
    (i18n / "de.po").write_text(HEADER + po_text)
    (i18n / "acme.pot").write_text(HEADER + pot_text)
    return i18n / "de.po", i18n / "acme.pot"


def test_moved_comments_duplicates_and_missing_entries_are_repaired(tmp_path):
    moved = textwrap.dedent("""
        #. odoo-python
        #. module: acme
        #: code:addons/acme/models/thing.py:0
        msgid "Hello %(name)s"
        msgstr "Hallo %(name)s"

        #. module: acme
        #: code:addons/acme/models/thing.py:0
        msgid "Bye"
        msgstr ""

        #. module: acme
        #: code:addons/acme/models/other.py:0
        msgid "Bye"
        msgstr "Tschüss"
    """)
    po, pot = write_pair(tmp_path, NAME.format("Name") + moved,
                         NAME.format("") + HELLO.format("") + HELP.format(""))
    result = run(po, pot)
    assert result.returncode == 0, result.stderr
    entries = {e.msgid: e for e in polib.pofile(str(po))}
    assert entries["Hello %(name)s"].comment == "module: acme\nodoo-python"
    assert entries["Bye"].comment == "module: acme\nodoo-python"
    assert entries["Bye"].msgstr == "Tschüss"
    assert [o for o, _l in entries["Bye"].occurrences] == [
        "code:addons/acme/models/thing.py", "code:addons/acme/models/other.py"]
    # the .pot msgid the .po lacked: added untranslated, and said so
    assert entries["What it is called"].msgstr == ""
    assert "'What it is called' was missing (added untranslated" in result.stdout
    # the .po msgid the .pot lacked (Odoo would drop it as obsolete): added to the .pot
    assert "Bye" in {e.msgid for e in polib.pofile(str(pot))}
    assert run("--check", po, pot).returncode == 0


def test_a_lost_reference_comes_from_the_other_file_or_the_source(tmp_path):
    lost = '\n#. module: acme\nmsgid "Hello %(name)s"\nmsgstr "Hallo %(name)s"\n'
    po, pot = write_pair(tmp_path, lost, HELLO.format(""))
    assert run(po, pot).returncode == 0
    [entry] = polib.pofile(str(po))
    assert entry.occurrences == [("code:addons/acme/models/thing.py", "0")]
    assert entry.comment == "module: acme\nodoo-python"
    # in neither file: the addon's Python source that writes the string
    (tmp_path / "acme" / "models").mkdir()
    (tmp_path / "acme" / "models" / "thing.py").write_text('env._("Hello %(name)s")\n')
    po, pot = write_pair(tmp_path, lost, lost.replace("Hallo %(name)s", ""))
    assert run(po, pot).returncode == 0
    assert polib.pofile(str(pot))[0].occurrences == [("code:addons/acme/models/thing.py", "0")]


@pytest.mark.parametrize("po_text, message", [
    (NAME.format("Name") + 'msgstr "Name 2"\n', "polib cannot read it"),
    (NAME.format("Name") + '\n#. module: acme\nmsgid "Orphan"\nmsgstr "Waise"\n',
     "'Orphan' has no '#:' reference"),
    (HELLO.format("Hallo %(nom)s"), "other placeholders"),
    (NAME.format("Name") + HELP.format("Wie es heißt").replace("help:", "field_description:"),
     "is the reference of 2 msgids"),
], ids=["two msgstr", "no reference", "placeholders", "one field two msgids"])
def test_what_cannot_be_repaired_fails_with_a_clear_message(tmp_path, po_text, message):
    po, pot = write_pair(tmp_path, po_text, "")
    pot.unlink()
    result = run(po)
    assert result.returncode == 1
    assert message in result.stderr
    assert re.search(r"^ERROR: \S*acme/i18n/de\.po: ", result.stderr, re.M)
    assert run("--check", po).returncode == 1


def test_a_reference_export_settles_moved_field_references(tmp_path):
    stale = textwrap.dedent("""
        #. module: acme
        #: model:ir.model.fields,help:acme.field_acme_thing__name
        msgid "What it was called"
        msgstr "Wie es hieß"
    """)
    po, pot = write_pair(tmp_path, HELP.format("Wie es heißt") + stale, HELP.format("") + stale)
    assert "is the reference of 2 msgids" in run("--check", po, pot).stderr
    reference = tmp_path / "export"
    reference.mkdir()
    (reference / "acme.pot").write_text(HEADER + HELP.format(""))
    result = run("--reference", reference, po, pot)
    assert result.returncode == 0, result.stderr
    assert "'What it was called' removed: no longer used" in result.stdout
    assert [e.msgid for e in polib.pofile(str(po))] == ["What it is called"]
    assert run("--check", po, pot).returncode == 0


def test_the_project_files_pass_the_check():
    result = run("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_usage():
    result = run("--check", "README.rst")
    assert result.returncode == 2
    assert "not a .po/.pot file" in result.stderr


@needs_git
def test_the_optional_merge_driver_merges_entries(tmp_path):
    """With scripts/po-merge-driver enabled (git config + .git/info/attributes), the same two
    branches merge into a file Odoo reads, without any repair; a translation changed on one
    side and an entry removed on the other are kept that way."""
    repo = tmp_path / "repo"
    i18n = repo / "acme" / "i18n"
    i18n.mkdir(parents=True)
    (repo / ".gitattributes").write_text("*.po merge=union\n")
    po = i18n / "de.po"
    po.write_text(HEADER + NAME.format("Name") + HELP.format("Wie es heisst"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "merge.po-entries.driver",
        f"{sys.executable} {ROOT / 'scripts' / 'po-merge-driver'} %O %A %B %P")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("*.po merge=po-entries\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "code")
    spelled = po.read_text().replace("Wie es heisst", "Wie es heißt")
    po.write_text(spelled + HELLO.format("Hallo %(name)s"))
    git(repo, "commit", "-qam", "a code string, a spelling")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-qb", "other")
    po.write_text(HEADER + NAME.format("Name") + HELP.format("Wie es heisst")
                  + textwrap.dedent("""
                      #. module: acme
                      #: model:ir.model.fields,field_description:acme.field_acme_thing__code
                      msgid "Code"
                      msgstr "Kennung"
                  """))
    git(repo, "commit", "-qam", "a field label")
    git(repo, "merge", "-q", "code", "-m", "merge")
    assert odoo_reads(po) == [("acme", "Code", False), ("acme", "Hello %(name)s", True),
                              ("acme", "Name", False), ("acme", "What it is called", False)]
    translations = {e.msgid: e.msgstr for e in polib.pofile(str(po))}
    assert translations["What it is called"] == "Wie es heißt", "their change taken"
    assert run("--check", po).returncode == 0
