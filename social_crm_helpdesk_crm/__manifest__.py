# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM: Complaints on Leads",
    "summary": "Salespeople see on the lead that the customer has an open or overdue "
    "complaint (social helpdesk ticket), with a filter and a link to the tickets",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "depends": ["social_crm_helpdesk", "crm"],
    "data": ["views/crm_lead_views.xml"],
    "assets": {
        "web.assets_tests": [
            "social_crm_helpdesk_crm/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
}
