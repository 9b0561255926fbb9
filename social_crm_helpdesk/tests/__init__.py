from . import (
    test_access,
    test_arrival,
    test_detection,
    test_kpi,
    test_pii,
    test_privacy,
    test_replies,
    test_tickets,
    test_tour,
)
