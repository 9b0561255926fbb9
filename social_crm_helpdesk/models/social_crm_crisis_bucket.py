# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class SocialCrmCrisisBucket(models.Model):
    """Counts of the crisis watch: posts and complaints of one conversation or brand keyword
    in one bucket of ``detection.crisis.BUCKET_MINUTES`` (written in bulk per ingestion batch,
    read by the watch as the company's own baseline)."""

    _name = "social.crm.crisis.bucket"
    _description = "Social Crisis Watch Counts"
    _order = "bucket_start desc, id desc"
    _rec_name = "key"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=False)
    kind = fields.Selection(
        [("conversation", "Conversation"), ("keyword", "Brand Keyword")],
        required=True,
        readonly=True,
    )
    key = fields.Char(required=True, readonly=True)
    bucket_start = fields.Datetime(required=True, readonly=True)
    post_count = fields.Integer(string="Posts", readonly=True, aggregator="sum")
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator="sum")

    _key_bucket_uniq = models.UniqueIndex("(company_id, kind, key, bucket_start)")
    _company_kind_bucket_idx = models.Index("(company_id, kind, bucket_start)")

    @api.model
    def _crisis_add(self, company, counts):
        """Add ``counts`` {(kind, key, bucket start): [posts, complaints]} (one query)."""
        if not counts:
            return
        self.env.execute_query(
            SQL(
                """INSERT INTO social_crm_crisis_bucket AS b
                          (company_id, kind, key, bucket_start, post_count, complaint_count,
                           create_date, write_date)
                   VALUES %s
                   ON CONFLICT (company_id, kind, key, bucket_start) DO UPDATE
                      SET post_count = b.post_count + EXCLUDED.post_count,
                          complaint_count = b.complaint_count + EXCLUDED.complaint_count,
                          write_date = EXCLUDED.write_date""",
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s, now() at time zone 'UTC', "
                        "now() at time zone 'UTC')",
                        company.id, kind, key, start, posts, complaints,
                    )
                    for (kind, key, start), (posts, complaints) in sorted(counts.items())
                ),
            )
        )
        self.invalidate_model()

    @api.model
    def _crisis_move(self, company, keys):
        """The conversation counts of ``company`` under the keys of ``keys`` {old key: new
        key} ("<network code>:<conversation key>") are added to the new keys' buckets of the
        same start and removed (one query): the posts they counted joined that
        conversation."""
        if not keys:
            return
        self.flush_model()
        self.env.execute_query(
            SQL(
                """WITH moved(old_key, new_key) AS (VALUES %s),
                        gone AS (
                            DELETE FROM social_crm_crisis_bucket b
                             USING moved m
                             WHERE b.company_id = %s AND b.kind = 'conversation'
                               AND b.key = m.old_key
                         RETURNING m.new_key, b.bucket_start, b.post_count,
                                   b.complaint_count)
                   INSERT INTO social_crm_crisis_bucket AS b
                          (company_id, kind, key, bucket_start, post_count, complaint_count,
                           create_date, write_date)
                   SELECT %s, 'conversation', new_key, bucket_start, sum(post_count),
                          sum(complaint_count), now() at time zone 'UTC',
                          now() at time zone 'UTC'
                     FROM gone
                    GROUP BY new_key, bucket_start
                   ON CONFLICT (company_id, kind, key, bucket_start) DO UPDATE
                      SET post_count = b.post_count + EXCLUDED.post_count,
                          complaint_count = b.complaint_count + EXCLUDED.complaint_count,
                          write_date = EXCLUDED.write_date""",
                SQL(", ").join(SQL("(%s, %s)", old, new) for old, new in sorted(keys.items())),
                company.id,
                company.id,
            )
        )
        self.invalidate_model()
