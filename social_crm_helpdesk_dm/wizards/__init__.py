from . import social_crm_dm_wizard, social_crm_reply_wizard
