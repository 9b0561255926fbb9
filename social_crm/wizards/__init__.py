from . import (
    base_partner_merge,
    privacy_lookup_wizard,
    social_crm_privacy_wizard,
    social_crm_profile_import,
)
