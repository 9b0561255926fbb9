from . import (
    helpdesk_ticket_duplicate_wizard,
    social_crm_incident_reply_wizard,
    social_crm_network_answer_wizard,
    social_crm_reply_wizard,
)
