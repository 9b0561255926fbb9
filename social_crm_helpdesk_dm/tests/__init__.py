from . import test_dm, test_media, test_tour
