from social_crm_scoring.scoring import (
    ContactInput,
    ScoringSettings,
    compute_scores,
    explain_part,
    explain_score,
)


def scores(contacts, edges=(), **settings):
    return {r.partner_id: r for r in compute_scores(contacts, edges, ScoringSettings(**settings))}


def test_reach_sentence_has_the_plain_numbers():
    results = scores(
        [ContactInput(1, followers=12300, identities=3), ContactInput(2, followers=9, identities=1)]
    )
    assert explain_part(results[1].parts["reach"]) == (
        "Reach: 12,300 followers on 3 identities → 100/100 × weight 30%"
    )
    assert explain_part(results[2].parts["reach"]).startswith("Reach: 9 followers on 1 identity")


def test_every_part_has_a_sentence():
    contacts = [
        ContactInput(
            1,
            followers=1,
            identities=1,
            posts=12,
            reactions=3400,
            mentions=2.25,
            mention_count=3,
            professional_followers=1200,
            professional_identities=1,
        ),
        ContactInput(2),
    ]
    result = scores(contacts, [(2, 1)], window_days=90, half_life_days=30)[1]
    lines = explain_score(result, {"top_influencer": "Top influencer"})
    assert lines[0] == (
        "Social score 100/100 (Top influencer): more influential than 100% of the other "
        "scored contacts."
    )
    assert lines[2] == (
        "Engagement: 3,400 reactions on 12 posts in the last 90 days (283 per post)"
        " → 100/100 × weight 25%"
    )
    assert lines[3] == (
        "Brand mentions: 3 mentions of the company, worth 2.2 after ageing (half-life 30 days)"
        " → 100/100 × weight 20%"
    )
    assert lines[4].startswith("Network position: mentioned or replied to by 1 contact, ")
    assert lines[5] == (
        "Professional weight: 1,200 followers/connections on 1 professional profile"
        " → 100/100 × weight 10%"
    )


def test_empty_contact_sentences():
    result = scores([ContactInput(1), ContactInput(2, followers=5, identities=1)])[1]
    lines = explain_score(result)
    assert lines[0] == "Social score 0/100 (regular): no social activity or audience known."
    assert "no social identity" in lines[1]
    assert "no posts in the last 90 days" in lines[2]
    assert "no mention of the company" in lines[3]
    assert "not mentioned or replied to" in lines[4]
    assert "no professional profile" in lines[5]


def test_parts_without_weight_are_left_out_of_the_explanation():
    result = scores([ContactInput(1, followers=5, identities=1)], weights={"reach": 1})[1]
    lines = explain_score(result)
    assert len(lines) == 2
    assert lines[1].endswith("× weight 100%")
