# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM Helpdesk",
    "summary": "Complaints on social media become prioritised helpdesk tickets: detection, "
    "replies on the network, redaction of bank and card numbers, reaction-time KPIs",
    "version": "19.0.1.8.2",
    "category": "After-Sales",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "depends": ["social_crm", "helpdesk_mgmt", "helpdesk_mgmt_rating", "resource"],
    "external_dependencies": {
        "python": ["phonenumbers", "python-stdnum", "regex", "vaderSentiment"],
    },
    "data": [
        "security/social_crm_helpdesk_security.xml",
        "security/ir.model.access.csv",
        "data/helpdesk_ticket_channel_data.xml",
        "data/ir_cron_data.xml",
        "data/social_crm_ticket_cause_data.xml",
        "views/social_crm_post_views.xml",
        "views/social_crm_post_review_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/social_crm_complaint_label_views.xml",
        "views/social_crm_complaint_model_views.xml",
        "views/social_crm_reply_views.xml",
        "views/social_crm_wording_views.xml",
        "views/social_crm_post_reply_views.xml",
        "views/social_crm_pii_pattern_views.xml",
        "views/social_crm_helpdesk_report_views.xml",
        "views/social_crm_ticket_cause_views.xml",
        "views/social_crm_incident_views.xml",
        "views/social_crm_crisis_report_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/social_crm_reply_wizard_views.xml",
        "wizards/social_crm_incident_reply_wizard_views.xml",
        "wizards/social_crm_network_answer_wizard_views.xml",
        "views/social_crm_helpdesk_menus.xml",
    ],
    "demo": [
        "demo/social_crm_helpdesk_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_backend": [
            "social_crm_helpdesk/static/src/scss/*.scss",
        ],
        "web.assets_tests": [
            "social_crm_helpdesk/static/tests/tours/*.js",
        ],
    },
}
