from . import (
    helpdesk_ticket,
    helpdesk_ticket_guard,
    helpdesk_ticket_team,
    res_company,
    res_config_settings,
    social_crm_complaint_label,
    social_crm_complaint_model,
    social_crm_helpdesk_report,
    social_crm_post,
    social_crm_reply,
    social_crm_source,
    social_crm_ticket_handoff,
)
