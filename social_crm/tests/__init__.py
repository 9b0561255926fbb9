from . import test_identity
from . import test_security
from . import test_ingest
from . import test_poll
from . import test_views
from . import test_tour
