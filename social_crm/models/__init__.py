from . import social_crm_network
from . import social_crm_identity
from . import social_crm_identity_metric
from . import social_crm_source
from . import social_crm_post
from . import social_crm_match_suggestion
from . import res_partner
