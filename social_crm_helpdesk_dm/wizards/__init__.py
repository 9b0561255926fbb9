from . import social_crm_dm_wizard
