"""Copies of a post its author deleted are removed from ticket HTML, and only them."""

from detection.scrub import earlier_versions, orphaned_versions, relink_html, scrub_html

GONE = "[deleted by its author]"


def test_follow_up_note_keeps_who_and_loses_the_text():
    body = ("<p>Still no refund &amp; nobody answers\nmy mails</p>"
            "<p class=\"text-muted small\">X, @critic · <a href=\"https://x.com/1\">on the "
            "network</a></p>")
    scrubbed = scrub_html(body, ["Still no refund & nobody answers my mails"], GONE)
    assert "refund" not in scrubbed
    assert scrubbed.startswith(f"<p>{GONE}</p>")
    assert "X, @critic" in scrubbed and "text-muted small" in scrubbed


def test_edit_note_both_versions_and_other_texts_stay():
    body = ("<p>@critic edited the post on X:</p><blockquote>new words</blockquote>"
            "<p class=\"text-muted small\">Before the edit:</p><blockquote>old words"
            "</blockquote>")
    scrubbed = scrub_html(body, ["new words", "old words", ""], GONE)
    assert "words" not in scrubbed
    assert "@critic edited the post on X:" in scrubbed and "Before the edit:" in scrubbed
    assert scrubbed.count(GONE) == 2


def test_previews_listed_in_one_block():
    body = ("<p>Ann marked the posts as not a complaint.</p>"
            "<p class='text-muted small'>first post · second post</p>")
    scrubbed = scrub_html(body, ["second post"], GONE)
    assert f"first post · {GONE}" in scrubbed and "second post" not in scrubbed


def test_nothing_to_scrub():
    body = "<p>Called the customer, refund promised.</p>"
    assert scrub_html(body, ["refund"], GONE) is None  # a word inside a sentence: no copy
    assert scrub_html(body, [], GONE) is None
    assert scrub_html("", ["x"], GONE) is None
    assert scrub_html(False, ["x"], GONE) is None


def test_relink_points_the_post_link_at_the_new_version():
    old, new = "https://x.com/karl_k/status/1", "https://x.com/karl_k/status/9"
    body = (f"<p>text</p><p class='text-muted'>X, Karl</p><p><a href='{old}' target='_blank' "
            f"rel='noopener'>Open the post on the network</a></p><p>agent: see {old}</p>")
    relinked = relink_html(body, old, new)
    assert f'href="{new}"' in relinked and f'href="{old}"' not in relinked
    assert f"see {old}" in relinked  # only the links change, not what an agent wrote
    assert 'target="_blank"' in relinked and "Open the post on the network" in relinked
    assert relink_html(body, old, old) is None
    assert relink_html(body, "https://x.com/other/status/2", new) is None
    assert relink_html(f"<p>{old}</p>", old, new) is None


def test_relink_a_link_that_reads_its_address():
    old, new = "https://x.com/karl_k/status/1", "https://x.com/karl_k/status/9"
    body = (f"<p>text</p><p><a href='{old}' target='_blank' rel='noopener'>{old}</a></p>"
            f"<p>agent: see <a href='{old}'>the first version</a></p>")
    relinked = relink_html(body, old, new)
    assert f'href="{new}" target="_blank" rel="noopener">{new}</a>' in relinked
    assert old not in relinked
    assert f'<a href="{new}">the first version</a>' in relinked  # words an agent wrote stay


def test_earlier_versions_follow_the_edit_notes_back_to_the_first():
    def note(new, old):
        return (f"<p>@critic edited the post on X:</p><blockquote>{new}</blockquote>"
                f"<p class=\"text-muted small\">Before the edit:</p><blockquote>{old}"
                "</blockquote>")

    bodies = [note("second  words", "first words"), note("third words", "second words"),
              note("other post new", "other post old"), "<p>no quote</p>", None]
    found = earlier_versions(bodies, {"third words", "second words"})
    assert found == {"third words", "second words", "first words"}
    scrubbed = scrub_html(bodies[0], found, GONE)
    assert "words" not in scrubbed
    # two edits of one batch in one note; another post's versions are left alone
    assert earlier_versions([note("c", "b") + note("x", "w")], {"c"}) == {"c", "b"}
    assert earlier_versions([], {"c"}) == {"c"}


def test_orphaned_versions_of_notes_scrubbed_before_the_rule():
    """Notes scrubbed before ``earlier_versions``: a post edited three times lost its last
    two versions only; the edit whose new version reads the placeholder gives the version
    before it, and the notes give the ones before that."""
    def note(new, old):
        return (f"<p>@critic edited the post on X:</p><blockquote>{new}</blockquote>"
                f"<p class=\"text-muted small\">Before the edit:</p><blockquote>{old}"
                "</blockquote>")

    other = "[deleted on the network with the post it commented on]"
    bodies = [note("second words", "first words"), note("third words", "second words"),
              note(GONE, "third words"), note(GONE, GONE),
              note("other post new", "other post old"), note(other, "a comment"),
              "<p>no quote</p>", None]
    assert orphaned_versions(bodies, {GONE, other}) == {
        GONE: {"third words", "second words", "first words"},
        other: {"a comment"},
    }
    # notes scrubbed by the rule hold no version any more: nothing to do
    assert orphaned_versions([note(GONE, GONE), note("x", "w")], {GONE}) == {}
    assert orphaned_versions([], {GONE}) == {}
