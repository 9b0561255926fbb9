from . import (
    social_crm_incident_reply_wizard,
    social_crm_network_answer_wizard,
    social_crm_reply_wizard,
)
