# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _social_merge_data(self, partners):
        """Scores are the product's data; the companies of the contacts' leads and
        opportunities count (the merge moves them to the kept contact, the leads show its
        tier). One grouped read each."""
        carries, companies = super()._social_merge_data(partners)
        # sudo: every company's rows, whoever merges
        for (company,) in self.env["social.crm.score.history"].sudo()._read_group(
                Domain("partner_id", "in", partners.ids), ["company_id"]):
            carries = True
            companies |= company
        for (company,) in self.env["crm.lead"].sudo().with_context(
                active_test=False)._read_group(
                Domain("partner_id", "in", partners.ids), ["company_id"]):
            companies |= company
        return carries, companies

    @api.model
    def _update_foreign_keys(self, src_partners, dst_partner):
        """Merged contacts' score histories move to the kept contact, which keeps one current
        score: its own if it has one, else that of the first merged contact that has one
        (the others' current rows become plain history rows, instead of clashing with it
        and being deleted by the merge), and one row per day."""
        history = self.env["social.crm.score.history"]
        history.flush_model(["partner_id", "is_current"])
        self.env.cr.execute(
            SQL(
                """UPDATE social_crm_score_history SET is_current = FALSE
                    WHERE is_current AND partner_id = ANY(%(sources)s)
                      AND id != (SELECT id FROM social_crm_score_history
                                  WHERE is_current AND partner_id = ANY(%(all)s)
                               ORDER BY partner_id = %(dst)s DESC,
                                        array_position(%(all)s, partner_id)
                                  LIMIT 1)""",
                sources=src_partners.ids,
                all=[dst_partner.id, *src_partners.ids],
                dst=dst_partner.id,
            )
        )
        # one row per contact and day: of the rows of a day, the current one is kept, else
        # the kept contact's, else the first merged contact's; the others are deleted here
        # (Odoo's merge would otherwise delete every row of a merged contact on one clash)
        self.env.cr.execute(
            SQL(
                """DELETE FROM social_crm_score_history AS h
                    USING (SELECT id, row_number() OVER (
                                      PARTITION BY date
                                      ORDER BY is_current IS TRUE DESC,
                                               partner_id = %(dst)s DESC,
                                               array_position(%(all)s, partner_id)) AS n
                             FROM social_crm_score_history
                            WHERE partner_id = ANY(%(all)s)) AS r
                    WHERE h.id = r.id AND r.n > 1""",
                all=[dst_partner.id, *src_partners.ids],
                dst=dst_partner.id,
            )
        )
        history.invalidate_model()
        result = super()._update_foreign_keys(src_partners, dst_partner)
        self.env["res.partner"]._social_score_invalidate()
        # the kept contact has the merged contacts' identities: known at once when unscored
        # or when its followers now reach a higher tier's floor (sudo: the product scores)
        self.env["res.partner"].sudo()._social_score_provisional_partners(dst_partner)
        return result

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The accounts of the merged contacts (which they leave) and of the kept contact
        (which gets their scores and may get their company) are scored again at once, up
        and down (see ``social.crm.account.score._social_account_refresh``); the salespeople
        are told when the kept account's open revenue reaches a company's threshold (two
        customer companies merged: the merged one's opportunities add up)."""
        # sudo: which accounts the contacts belong to, whoever merges them
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        accounts = set(partners.commercial_partner_id.ids)
        Account = self.env["social.crm.account.score"].sudo()
        # the merged contacts' open opportunities are the kept contact's now (Odoo moves
        # them in SQL): the revenue of its account, in the companies with a threshold
        revenues = Account._social_account_revenue_snapshot(accounts)
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        accounts |= set(partners.exists().commercial_partner_id.ids)
        Account._social_account_refresh(accounts)
        if revenues:
            Account._social_account_notify_revenue(revenues, accounts)
        return result
