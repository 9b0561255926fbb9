# the mixin first: the models below inherit it
from . import social_crm_credentials_mixin, social_crm_demo, social_crm_ingest_mixin

# isort: split
from . import (
    res_company,
    res_company_news,
    res_config_settings,
    res_config_settings_news,
    res_lang,
    res_partner,
    res_partner_enrich,
    res_partner_privacy,
    res_partner_social_news,
    social_crm_account,
    social_crm_event,
    social_crm_identity,
    social_crm_identity_enrich,
    social_crm_identity_metric,
    social_crm_match_suggestion,
    social_crm_network,
    social_crm_news_mention,
    social_crm_outbox,
    social_crm_post,
    social_crm_post_deleted,
    social_crm_post_enrich,
    social_crm_post_misplaced,
    social_crm_post_news,
    social_crm_post_recheck,
    social_crm_post_thread,
    social_crm_quarantine,
    social_crm_source,
    social_crm_source_held,
    social_crm_source_intake,
    social_crm_source_listener,
    social_crm_source_news,
    social_crm_source_refusal,
    social_crm_source_x_app,
    social_crm_x_compliance_job,
    social_crm_x_compliance_restore,
)

# isort: split
# a database view over the identities and their counts: created after their tables
from . import social_crm_follower_history
