"""Old Mastodon conversation keys (a post's id, before 19.0.1.5.0) and the URI keys they go
over to (plain Python)."""

from social_crm.services import threads
from social_crm.services.threads import Row, old_key_moves

URI = "https://acme.social/users/bob/statuses/%s"


def row(ext, parent=None, conversation=None, uri=True):
    return Row(ext, parent, conversation, (URI % ext) if uri is True else uri)


def test_an_old_thread_goes_over_to_its_top_post_s_uri():
    rows = [
        row("100"),  # old status, no conversation
        row("101", parent="100"),  # old reply: keyed by its own id
        row("102", parent="101"),  # old reply to the reply
        row("103", parent="100", conversation="100"),  # joined the old status since 1.5.0
    ]
    assert old_key_moves(rows, 1000) == {"100": URI % 100, "101": URI % 100,
                                         "102": URI % 100}


def test_an_old_reply_under_a_post_keyed_by_its_uri_joins_it():
    rows = [row("100", conversation=URI % 100), row("101", parent="100")]
    assert old_key_moves(rows, 1000) == {"101": URI % 100}


def test_an_old_reply_whose_parent_is_not_stored_takes_its_own_uri():
    assert old_key_moves([row("101", parent="99")], 1000) == {"101": URI % 101}


def test_keys_without_a_usable_uri_stay():
    rows = [
        row("100", uri=None), row("101", parent="100"),  # the top post has no URI
        row("200", uri="https://acme.social/" + "x" * 1000),  # too long: keyed by its id
        row("300", uri="javascript:alert(1)"),
        row("400", conversation="399"),  # its conversation's post is not stored
    ]
    assert old_key_moves(rows, 1000) == {}


def test_a_loop_of_replies_ends():
    rows = [row("1", parent="2", uri=None), row("2", parent="1", uri=None)]
    assert old_key_moves(rows, 1000) == {}


def test_uri_keys_are_not_moved():
    rows = [row("100", conversation=URI % 100), row("101", parent="100",
                                                    conversation=URI % 100)]
    assert old_key_moves(rows, 1000) == {}


def test_local_key_carries_the_instance():
    assert threads.local_key("1234567", "https://Mastodon.Social") == "1234567@mastodon.social"
    assert threads.local_key("1234567", "acme.social") == "1234567@acme.social"
    assert threads.local_key("1234567", "") is None
    assert threads.local_key("", "https://acme.social") is None


def test_needs_instance_is_a_bare_local_id_only():
    assert threads.needs_instance("1234567")
    assert not threads.needs_instance("1234567@acme.social")
    assert not threads.needs_instance("https://acme.social/users/bob/statuses/1")
    assert not threads.needs_instance("dm:bob@acme.social")
    assert not threads.needs_instance("")
