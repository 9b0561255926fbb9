# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM: Helpdesk and Scoring",
    "summary": "Social tickets follow their customer's Social Score tier (priority, deadline, "
    "alert) when both the helpdesk and the scoring addons are installed",
    "version": "19.0.1.1.4",
    "category": "After-Sales",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "depends": ["social_crm_helpdesk", "social_crm_scoring"],
    "data": ["views/helpdesk_ticket_views.xml"],
    "demo": ["demo/social_crm_helpdesk_scoring_demo.xml"],
    "auto_install": True,
    "post_init_hook": "post_init_hook",
}
