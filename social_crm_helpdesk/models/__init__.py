# isort: off
# the mixin first: the models below inherit it
from . import social_crm_pii_mixin, social_crm_pii_pattern

# isort: on
from . import (
    helpdesk_ticket,
    helpdesk_ticket_cause,
    helpdesk_ticket_guard,
    helpdesk_ticket_privacy,
    helpdesk_ticket_reaction,
    helpdesk_ticket_team,
    mail_activity,
    res_company,
    res_company_privacy,
    res_config_settings,
    res_partner_privacy,
    social_crm_complaint_label,
    social_crm_complaint_label_privacy,
    social_crm_complaint_model,
    social_crm_helpdesk_report,
    social_crm_identity,
    social_crm_match_suggestion,
    social_crm_post,
    social_crm_post_churn,
    social_crm_post_company,
    social_crm_post_privacy,
    social_crm_post_reply,
    social_crm_reply,
    social_crm_reply_guideline,
    social_crm_reply_privacy,
    social_crm_source,
    social_crm_ticket_cause,
    social_crm_ticket_handoff,
    social_crm_wording,
)
