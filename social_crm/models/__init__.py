from . import (
    res_partner,
    social_crm_account,
    social_crm_identity,
    social_crm_identity_metric,
    social_crm_match_suggestion,
    social_crm_network,
    social_crm_outbox,
    social_crm_post,
    social_crm_source,
)
