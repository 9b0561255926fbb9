# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM Scoring",
    "summary": "Social Customer Score: reach, engagement, news mentions, network position "
    "and professional weight of contacts; influencers on contacts and leads",
    "version": "19.0.1.6.3",
    "category": "Sales/CRM",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "depends": ["social_crm", "crm"],
    "external_dependencies": {
        "python": ["numpy"],
    },
    "data": [
        "security/social_crm_scoring_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/social_crm_score_history_views.xml",
        "views/social_crm_score_explanation_templates.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views.xml",
        "views/social_crm_account_score_views.xml",
        "views/res_config_settings_views.xml",
        "views/social_crm_scoring_menus.xml",
    ],
    "demo": [
        "demo/social_crm_account_demo.xml",
        "demo/social_crm_scoring_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_tests": [
            "social_crm_scoring/static/tests/tours/*.js",
        ],
    },
}
