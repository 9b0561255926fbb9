from . import res_company
from . import res_config_settings
from . import social_crm_score_history
from . import res_partner
from . import crm_lead
from . import social_crm_post
