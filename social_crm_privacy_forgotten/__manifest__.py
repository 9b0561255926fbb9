# Copyright 2026 Social CRM contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social CRM: Right to be Forgotten",
    "summary": "Anonymizing a contact with OCA privacy_partner_to_be_forgotten also erases "
    "its social data (identities, posts, mentions, score history, ticket texts)",
    "version": "19.0.1.0.0",
    "category": "Data Protection",
    "website": "https://github.com/social-crm/social-crm",
    "author": "Social CRM contributors",
    "license": "AGPL-3",
    "depends": ["social_crm", "privacy_partner_to_be_forgotten"],
    "auto_install": True,
}
