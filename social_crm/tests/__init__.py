from . import (
    test_identity,
    test_ingest,
    test_ingest_hooks,
    test_ingest_quarantine,
    test_intake_listener,
    test_intake_webhook,
    test_outbox,
    test_poll,
    test_security,
    test_tour,
    test_views,
)
