from . import test_batch, test_dm, test_media, test_tour
