# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import (
    test_german,
    test_headline,
    test_headline_demo,
    test_key_account,
    test_new_company,
    test_privacy,
    test_tier_tickets,
)
