from . import (
    test_access,
    test_activity,
    test_compute,
    test_current,
    test_exclusion,
    test_lead,
    test_mentions,
    test_news_professional,
    test_performance,
    test_provisional,
    test_settings,
    test_tour,
)
