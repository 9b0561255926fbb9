# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    """19.0.1.1.0 stores the reasons of a detection as codes (translated when shown) and the
    companies' learned complaint models in their own table (social.crm.complaint.model,
    trained by the cron only).

    - posts: the former English reason text is kept as one ``legacy`` code, shown as it was;
    - companies: the model columns are dropped; the cron retrains each labelled company's
      model into the new table on its next run (the labels themselves are untouched).
    """
    if not version:
        return
    if column_exists(cr, "social_crm_post", "complaint_reasons"):
        if not column_exists(cr, "social_crm_post", "complaint_reason_codes"):
            create_column(cr, "social_crm_post", "complaint_reason_codes", "jsonb")
        cr.execute(
            SQL(
                """UPDATE social_crm_post
                      SET complaint_reason_codes = jsonb_build_array(
                              jsonb_build_array('legacy', complaint_reasons))
                    WHERE complaint_reasons IS NOT NULL AND complaint_reasons != ''"""
            )
        )
        cr.execute(SQL("ALTER TABLE social_crm_post DROP COLUMN complaint_reasons"))
    for column in (
        "social_complaint_model",
        "social_complaint_model_stamp",
        "social_complaint_model_date",
        "social_complaint_model_labels",
    ):
        cr.execute(
            SQL("ALTER TABLE res_company DROP COLUMN IF EXISTS %s", SQL.identifier(column))
        )
