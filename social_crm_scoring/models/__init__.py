from . import (
    crm_lead,
    res_company,
    res_company_privacy,
    res_config_settings,
    res_partner,
    res_partner_privacy,
    res_partner_score_run,
    social_crm_identity,
    social_crm_mention,
    social_crm_post,
    social_crm_score_history,
)
