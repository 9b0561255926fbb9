from . import test_forgotten
