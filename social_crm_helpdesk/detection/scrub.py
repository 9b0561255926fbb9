"""Copies of a deleted post's text in HTML (ticket descriptions, chatter notes): plain Python,
no Odoo import.

The helpdesk copies a customer's post into its ticket: the description, a note per later post
of the conversation (``<p>text</p><p class="text-muted small">network, author</p>``), both
versions of an edit (``<blockquote>``), previews of posts an agent said are no complaint
(``preview · preview``). When the author deletes the post on the network, :func:`scrub_html`
replaces these copies, and only them, with a placeholder: the rest of the note (who, when,
the agents' words) stays. A post edited more than once keeps only its last two versions;
:func:`earlier_versions` finds the older ones in the product's edit notes.
"""

from lxml import etree
from lxml import html as lxml_html

#: elements whose whole text may be one copy of a post
BLOCKS = frozenset({"p", "blockquote", "li", "div", "pre", "td", "span"})
#: how a note lists the previews of several posts in one block
SEPARATOR = " · "


def normalise(text):
    """``text`` with its whitespace runs as single spaces, stripped."""
    return " ".join((text or "").split())


def _replace(element, text):
    """Keep ``element`` (tag, attributes, what follows it) with ``text`` as its only content."""
    attributes, tail = dict(element.attrib), element.tail
    element.clear()
    element.attrib.update(attributes)
    element.tail = tail
    element.text = text


def _scrub(parent, targets, placeholder):
    changed = False
    for child in parent:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            continue
        if child.tag in BLOCKS:
            text = normalise(child.text_content())
            if text in targets:
                _replace(child, placeholder)
                changed = True
                continue
            if SEPARATOR in text and not any(
                isinstance(e.tag, str) and e.tag in BLOCKS for e in child.iterdescendants()
            ):
                parts = text.split(SEPARATOR)
                if any(part in targets for part in parts):
                    _replace(child, SEPARATOR.join(
                        placeholder if part in targets else part for part in parts))
                    changed = True
                    continue
        changed |= _scrub(child, targets, placeholder)
    return changed


def scrub_html(body, texts, placeholder):
    """``body`` (HTML) with every block whose text is one of ``texts`` (whitespace aside)
    replaced by ``placeholder``, and in a block listing texts with " · " the texts listed;
    None when ``body`` holds no such copy."""
    targets = {normalise(t) for t in texts} - {""}
    if not body or not targets or not any(
        word in normalise(lxml_html.fromstring(f"<div>{body}</div>").text_content())
        for word in targets
    ):
        return None
    root = lxml_html.fragment_fromstring(str(body), create_parent="div")
    if not _scrub(root, targets, placeholder):
        return None
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )


def relink_html(body, old_url, new_url):
    """``body`` (HTML) with its links to ``old_url`` pointing at ``new_url`` (an edited X
    post's link: the new version has its own id and URL), and a link that reads its address
    reading the new one; None when no link changes."""
    if not body or not old_url or not new_url or old_url == new_url or old_url not in str(body):
        return None
    root = lxml_html.fragment_fromstring(str(body), create_parent="div")
    links = [a for a in root.iter("a") if a.get("href") == old_url]
    if not links:
        return None
    for link in links:
        link.set("href", new_url)
        if len(link) == 0 and (link.text or "").strip() == old_url:
            link.text = new_url
    return (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )


def _edit_pairs(bodies):
    """(new version, version before) of every edit the edit notes ``bodies`` give (two
    blockquotes per edit, several edits of one batch following each other in one note)."""
    pairs = []
    for body in bodies:
        if not body or "<blockquote" not in str(body):
            continue
        root = lxml_html.fragment_fromstring(str(body), create_parent="div")
        quotes = [normalise(q.text_content()) for q in root.iter("blockquote")]
        pairs.extend(zip(quotes[0::2], quotes[1::2], strict=False))
    return pairs


def orphaned_versions(bodies, placeholders):
    """{placeholder: texts}: the versions of deleted posts that the edit notes ``bodies``
    still hold (notes scrubbed before :func:`earlier_versions` existed: of a post edited more
    than once, only its last two versions were replaced). An edit whose new version reads a
    placeholder of ``placeholders`` is an edit of a deleted post: the version before it, and
    that version's own earlier versions, are versions of that post too (replaced by the same
    placeholder)."""
    placeholders = {normalise(p) for p in placeholders} - {""}
    found = {}
    for after, before in _edit_pairs(bodies):
        if after in placeholders and before and before not in placeholders:
            found.setdefault(after, set()).add(before)
    return {
        placeholder: earlier_versions(bodies, texts) - placeholders
        for placeholder, texts in found.items()
    }


def earlier_versions(bodies, texts):
    """``texts`` with the earlier versions of an edited post that the edit notes ``bodies``
    (HTML; the product's notes only) name: a note gives each edit as two blockquotes, the
    new version then the one before (several edits of one batch follow each other in one
    note), so the version before one of ``texts`` is one of its versions too, and so on
    back to the first (a post edited three times keeps only its last two versions)."""
    pairs = _edit_pairs(bodies)
    found = {normalise(t) for t in texts} - {""}
    result = set(texts)
    while True:
        older = {before for after, before in pairs if after in found and before} - found
        if not older:
            return result
        found |= older
        result |= older
