from . import test_dm, test_tour
