from . import (
    test_access,
    test_causes,
    test_detection,
    test_inbox_reply,
    test_kpi,
    test_pii,
    test_reactions,
    test_replies,
    test_tickets,
    test_tour,
    test_tour_wording,
    test_wordings,
)
