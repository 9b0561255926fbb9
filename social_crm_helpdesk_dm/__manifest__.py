# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM Helpdesk: Direct Messages",
    "summary": "Private messages (Telegram bots, Facebook Messenger, Instagram Direct, WhatsApp) "
    "become helpdesk tickets, "
    "answered from the ticket; a public complaint moves to a private channel",
    "version": "19.0.1.0.6",
    "category": "After-Sales",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "depends": ["social_crm_helpdesk"],
    "data": [
        "security/social_crm_helpdesk_dm_security.xml",
        "security/ir.model.access.csv",
        "data/social_crm_network_data.xml",
        "views/social_crm_dm_conversation_views.xml",
        "views/social_crm_source_views.xml",
        "views/helpdesk_ticket_views.xml",
        "wizards/social_crm_dm_wizard_views.xml",
    ],
    "demo": [
        "demo/social_crm_helpdesk_dm_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "social_crm_helpdesk_dm/static/tests/tours/*.js",
        ],
    },
}
