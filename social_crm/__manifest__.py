# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM",
    "summary": "Social identities, listening and the social interaction history of contacts",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "application": True,
    "depends": ["mail", "contacts"],
    "external_dependencies": {
        "python": ["requests", "tweepy", "feedparser", "python-dateutil"],
    },
    "data": [
        "security/social_crm_security.xml",
        "security/ir.model.access.csv",
        "data/social_crm_network_data.xml",
        "data/ir_cron_data.xml",
        "views/social_crm_network_views.xml",
        "views/social_crm_identity_views.xml",
        "views/social_crm_post_views.xml",
        "views/social_crm_source_views.xml",
        "views/social_crm_match_suggestion_views.xml",
        "views/res_partner_views.xml",
        "views/social_crm_menus.xml",
        "security/social_crm_outbox_security.xml",
        "data/social_crm_outbox_data.xml",
        "views/social_crm_account_views.xml",
        "views/social_crm_outbox_views.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/social_crm_identity_demo.xml",
        "demo/social_crm_source_demo.xml",
        "demo/social_crm_post_demo.xml",
        "demo/social_crm_account_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "social_crm/static/tests/tours/*.js",
        ],
    },
}
