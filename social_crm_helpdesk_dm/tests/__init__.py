from . import test_batch, test_dm, test_dm_polled, test_media, test_meta_dm, test_tour
