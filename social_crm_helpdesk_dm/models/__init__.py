from . import (
    helpdesk_ticket,
    helpdesk_ticket_team,
    social_crm_dm_conversation,
    social_crm_dm_message,
    social_crm_event,
    social_crm_event_x_dm,
    social_crm_outbox,
    social_crm_outbox_dm_x_mastodon,
    social_crm_post,
    social_crm_post_media,
    social_crm_source,
    social_crm_source_dm_x_mastodon,
)
