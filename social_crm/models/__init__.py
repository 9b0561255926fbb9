# the mixin first: the models below inherit it
from . import social_crm_ingest_mixin

# isort: split
from . import (
    res_company,
    res_config_settings,
    res_partner,
    res_partner_privacy,
    social_crm_account,
    social_crm_event,
    social_crm_identity,
    social_crm_identity_metric,
    social_crm_match_suggestion,
    social_crm_network,
    social_crm_outbox,
    social_crm_post,
    social_crm_quarantine,
    social_crm_source,
    social_crm_source_intake,
)

# isort: split
# a database view over the identities and their counts: created after their tables
from . import social_crm_follower_history
