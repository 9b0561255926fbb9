#!/usr/bin/env python3
"""bench/dm: private messages to tickets, against the bare ORM floor.

N inbound Telegram private messages in C conversations (N/C messages each, Bot API ``Update``
payloads as the webhook receives them, one in six with an IBAN to redact) go through the real
path, a batch of 200 at a time: the webhook's storage of the raw events
(``social.crm.event._store_events``, one call per delivery as the route does), then one batch
of the processing cron (connector parsing, ``_ingest_posts`` with identity resolution,
redaction and classification, one ticket per conversation in the source's team with tier,
priority, deadline, assignment and alert, later messages in the ticket's chatter, the
conversation rows).

The floor is the bare ORM storing the same result, in the same batches of 200 messages: one
``helpdesk.ticket.create`` (a list) for the conversations new in the batch (name, description,
team, customer name) and one ``mail.message.create`` (a list) for the later messages (the
text as a note in the ticket's chatter). It keeps the chat id -> ticket map in memory; it stores
no raw event, no social post, identity or conversation row, redacts, classifies, notifies and
assigns nothing. ``--message-post`` adds the naive path: the same tickets, and one
``message_post`` per later message (what a gateway that posts each message does).

OCA ``mail_gateway`` 19.0 is not measured: it has no ticket path (a chat is a
``discuss.channel``), and its Telegram path (``mail_gateway_telegram``) needs
``python-telegram-bot`` and calls Telegram inside the request; see the addon's README.

Printed: total and time per message of each path, the ratio, the time per message and the
queries per batch of 200 over the 1,000 messages before 1k, 5k and 10k (flat = no growth with
the conversations' history). Each path runs in a savepoint rolled back afterwards. No timing
assertion.

Usage: python3 bench/dm.py [--messages 10000] [--conversations 1000] [--message-post]
       [--db bench_dm] [--rebuild]
"""

import argparse
import datetime as dt
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _odoo import odoo_env

TEXTS = [
    "Hallo, meine Lieferung ist seit einer Woche überfällig.",
    "Ich wurde doppelt belastet, bitte prüfen Sie das.",
    "Hello, my router keeps rebooting since the update.",
    "Wo bleibt meine Rückerstattung?",
    "Thanks, any news on my case?",
    "Meine IBAN für die Erstattung: DE89 3704 0044 0532 0130 00",
]


def make_updates(n_messages, n_conversations, seed=16):
    rng = random.Random(seed)
    base = int(dt.datetime.now(dt.UTC).timestamp()) - 3600
    updates = []
    for i in range(n_messages):
        chat = 7_000_000 + (i % n_conversations)
        updates.append({
            "update_id": 900_000 + i,
            "message": {
                "message_id": 10 + i,
                "from": {"id": chat, "is_bot": False, "first_name": f"Kunde{chat}",
                         "username": f"kunde_{chat}", "language_code": "de"},
                "chat": {"id": chat, "first_name": f"Kunde{chat}", "username": f"kunde_{chat}",
                         "type": "private"},
                "date": base + i // n_conversations,
                "text": rng.choice(TEXTS),
            },
        })
    return updates


def prepare(env):
    team = env["helpdesk.ticket.team"].create({"name": "Bench private care"})
    env.company.social_helpdesk_team_id = team
    source = env["social.crm.source"].create({
        "name": "Bench bot",
        "network_id": env.ref("social_crm_helpdesk_dm.network_telegram").id,
        "kind": "direct",
        "intake_mode": "push",
        "access_token": "bench-token",
        "dm_team_id": team.id,
    })
    return team, source


BATCH = 200


class Meter:
    """Time and queries of each batch, by the number of messages done after it."""

    def __init__(self, env):
        self.env = env
        self.rows = []  # (messages done, seconds, queries)

    def measure(self, done, function):
        queries = self.env.cr.sql_log_count
        start = time.perf_counter()
        function()
        self.env.flush_all()
        self.rows.append(
            (done, time.perf_counter() - start, self.env.cr.sql_log_count - queries)
        )
        if done % 1000 == 0:
            print(f"  {done:,} messages, {self.seconds:.1f} s", file=sys.stderr, flush=True)

    @property
    def seconds(self):
        return sum(row[1] for row in self.rows)

    def window(self, end, size=1000):
        """(ms per message, queries per batch) over the messages (end - size, end]."""
        rows = [row for row in self.rows if end - size < row[0] <= end]
        if not rows:
            return None
        count = min(size, rows[-1][0] - (rows[0][0] - BATCH))
        return (sum(r[1] for r in rows) / count * 1000, sum(r[2] for r in rows) / len(rows))


def batches(updates):
    for start in range(0, len(updates), BATCH):
        yield start + len(updates[start:start + BATCH]), updates[start:start + BATCH]


def run_social(env, updates, source):
    from odoo.addons.social_crm.connectors import telegram

    Event = env["social.crm.event"].sudo()
    meter = Meter(env)

    def step(chunk):
        for update in chunk:  # one delivery per webhook call
            Event._store_events(source, telegram.split_update(update), "push")
        events = Event._claim(BATCH * 2)
        events._process()

    for done, chunk in batches(updates):
        meter.measure(done, lambda chunk=chunk: step(chunk))
    failed = Event.search_count([("source_id", "=", source.id), ("state", "!=", "done")])
    if failed:
        print(f"warning: {failed} events not processed", file=sys.stderr)
    tickets = env["helpdesk.ticket"].search_count([("team_id", "=", source.dm_team_id.id)])
    return meter, tickets


def _ticket_vals(message, team):
    return {
        "name": f"{message['from']['first_name']}: {message['text'][:60]}",
        "description": message["text"],
        "team_id": team.id,
        "partner_name": message["from"]["first_name"],
    }


def run_floor(env, updates, team, message_post=False):
    Ticket = env["helpdesk.ticket"]
    Message = env["mail.message"]
    note = env.ref("mail.mt_note").id
    meter = Meter(env)
    by_chat = {}

    def step(chunk):
        new, later = {}, []
        for update in chunk:
            message = update["message"]
            chat = message["chat"]["id"]
            if chat in by_chat or chat in new:
                later.append((chat, message))
            else:
                new[chat] = message
        created = Ticket.create([_ticket_vals(m, team) for m in new.values()])
        by_chat.update(zip(new, created, strict=True))
        if message_post:
            for chat, message in later:
                by_chat[chat].message_post(body=message["text"], message_type="comment",
                                           subtype_xmlid="mail.mt_note")
        elif later:
            Message.create([
                {
                    "model": "helpdesk.ticket",
                    "res_id": by_chat[chat].id,
                    "body": message["text"],
                    "message_type": "comment",
                    "subtype_id": note,
                }
                for chat, message in later
            ])

    for done, chunk in batches(updates):
        meter.measure(done, lambda chunk=chunk: step(chunk))
    return meter, len(by_chat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=1_000)
    parser.add_argument("--message-post", action="store_true",
                        help="also measure ticket.create + one message_post per later message")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--db", default=os.environ.get("SOCIAL_CRM_BENCH_DB", "bench_dm"),
                        help="database (made on first use; default bench_dm)")
    args = parser.parse_args()
    n, c = args.messages, args.conversations
    updates = make_updates(n, c)
    kinds = ["social", "floor"] + (["message_post"] if args.message_post else [])
    meters = {}
    with odoo_env(args.db, ["social_crm_helpdesk_dm"], rebuild=args.rebuild) as env:
        from unittest.mock import patch

        # the cron triggers are what the webhook does after storing; not measured here
        with patch.object(type(env["ir.cron"]), "_trigger", lambda *a, **k: None):
            for kind in kinds:
                print(f"{kind} …", file=sys.stderr, flush=True)
                with env.cr.savepoint(flush=False) as savepoint:
                    team, source = prepare(env)
                    if kind == "social":
                        meter, tickets = run_social(env, updates, source)
                    else:
                        meter, tickets = run_floor(env, updates, team,
                                                   message_post=kind == "message_post")
                    savepoint.rollback()
                env.invalidate_all()
                if tickets != c:
                    print(f"warning: {kind} made {tickets} tickets, expected {c}",
                          file=sys.stderr)
                meters[kind] = meter
    labels = {
        "social": "social CRM (webhook store + cron: parse, identities, redaction, tickets)",
        "floor": "floor: bare ORM (ticket create + mail.message create, per batch)",
        "message_post": "naive: ticket create + one message_post per later message",
    }
    floor = meters["floor"].seconds
    print(f"bench/dm: {n:,} private messages in {c:,} conversations (Telegram updates), "
          f"batches of {BATCH}")
    print(f"  {'path':74} {'total s':>8} {'ms/msg':>7} {'x floor':>7}")
    for kind in kinds:
        seconds = meters[kind].seconds
        print(f"  {labels[kind]:74} {seconds:8.2f} {seconds / n * 1000:7.2f} "
              f"{seconds / floor:7.2f}")
    marks = [m for m in (1_000, 5_000, 10_000) if m <= n] or [n]
    print("  per message (ms) and queries per batch over the 1,000 messages before:")
    print(f"  {'':24}" + "".join(f"{f'{m // 1000}k':>20}" for m in marks))
    for kind in kinds:
        cells = []
        for mark in marks:
            window = meters[kind].window(mark)
            cells.append(f"{window[0]:8.2f} ms {window[1]:6.0f} q" if window else "-")
        print(f"  {kind:24}" + "".join(f"{cell:>20}" for cell in cells))


if __name__ == "__main__":
    main()
