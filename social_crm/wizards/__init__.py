from . import privacy_lookup_wizard, social_crm_privacy_wizard
