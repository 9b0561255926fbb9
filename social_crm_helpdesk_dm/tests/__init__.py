from . import test_dm, test_dm_polled, test_media, test_tour
