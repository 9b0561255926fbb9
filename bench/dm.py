#!/usr/bin/env python3
"""bench/dm: private messages to tickets, against the bare ORM.

N inbound Telegram private messages in C conversations (N/C messages each, Bot API ``Update``
payloads as the webhook receives them) go through the real path: the webhook's storage of raw
events (``social.crm.event._store_events``, one statement per delivery as the route does), then
the processing cron's batches of 200 (connector parsing, ``_ingest_posts`` with identity
resolution and redaction, one ticket per conversation in the source's team with tier, priority
and deadline, later messages in the ticket's chatter, the conversation rows).

The reference is the bare ORM doing the least a gateway must: one ``helpdesk.ticket.create``
per conversation and one ``message_post`` per later message, looked up by the chat id (OCA
``mail_gateway`` is not installed: it keeps chats as ``discuss.channel`` rows and has no
ticket path; see the addon's README). Both run in one process, alternating, each in a
transaction rolled back after the run; the best time per message of each is printed with the
ratio. No timing assertion.

Usage: python3 bench/dm.py [--messages 10000] [--conversations 1000] [--runs 1] [--rebuild]
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


def run_social(env, updates, source, batch=200):
    from odoo.addons.social_crm.connectors import telegram

    Event = env["social.crm.event"].sudo()
    start = time.perf_counter()
    for update in updates:  # one delivery per webhook call
        Event._store_events(source, telegram.split_update(update), "push")
    while True:
        events = Event._claim(batch)
        if not events:
            break
        events._process()
    env.flush_all()
    elapsed = time.perf_counter() - start
    tickets = env["helpdesk.ticket"].search_count([("social_network_id.code", "=", "telegram")])
    return elapsed, tickets


def run_orm(env, updates, team):
    Ticket = env["helpdesk.ticket"]
    start = time.perf_counter()
    by_chat = {}
    for update in updates:
        message = update["message"]
        chat = message["chat"]["id"]
        ticket = by_chat.get(chat)
        if ticket is None:
            by_chat[chat] = Ticket.create({
                "name": f"{message['from']['first_name']}: {message['text'][:60]}",
                "description": message["text"],
                "team_id": team.id,
                "partner_name": message["from"]["first_name"],
            })
        else:
            ticket.message_post(body=message["text"], message_type="comment",
                                subtype_xmlid="mail.mt_note")
    env.flush_all()
    return time.perf_counter() - start, len(by_chat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    n, c = args.messages, args.conversations
    updates = make_updates(n, c)
    best = {"social": None, "orm": None}
    with odoo_env("bench_dm", ["social_crm_helpdesk_dm"], rebuild=args.rebuild) as env:
        from unittest.mock import patch

        # the cron triggers are what the webhook does after storing; not measured here
        with patch.object(type(env["ir.cron"]), "_trigger", lambda *a, **k: None):
            for _run in range(args.runs):
                for kind in ("social", "orm"):
                    with env.cr.savepoint(flush=False) as savepoint:
                        team, source = prepare(env)
                        if kind == "social":
                            elapsed, tickets = run_social(env, updates, source)
                        else:
                            elapsed, tickets = run_orm(env, updates, team)
                        savepoint.rollback()
                    env.invalidate_all()
                    if tickets != c:
                        print(f"warning: {kind} made {tickets} tickets, expected {c}",
                              file=sys.stderr)
                    if best[kind] is None or elapsed < best[kind]:
                        best[kind] = elapsed
    social, orm = best["social"], best["orm"]
    print(f"bench/dm: {n:,} private messages in {c:,} conversations (Telegram updates)")
    print(f"  social CRM path (webhook store + cron: parse, identities, redaction, tickets)"
          f"  {social:8.2f} s  {social / n * 1000:7.2f} ms/message")
    print(f"  bare ORM (ticket.create per chat + message_post per message)              "
          f"  {orm:8.2f} s  {orm / n * 1000:7.2f} ms/message")
    print(f"  ratio social / bare ORM{'':54}{social / orm:7.2f}x")


if __name__ == "__main__":
    main()
