import { registry } from "@web/core/registry";

// An agent opens a ticket created from a complaint, sees the priority badge and the redaction
// banner, answers on the network from the wizard and sees the reply queued on the ticket
// (the test then runs the outbox's sender and checks what went out).
registry.category("web_tour.tours").add("social_crm_helpdesk_tour", {
    steps: () => [
        {
            content: "The influencer badge with the response deadline",
            trigger: ".o_form_view .o_social_deadline_badge:visible:contains('Influencer')",
        },
        {
            content: "The banner says which data was removed",
            trigger: ".o_form_view .o_social_pii_banner:visible:contains('IBAN')",
        },
        {
            content: "The description shows the redacted text",
            trigger: ".o_form_view .o_field_widget[name=description]:contains('[IBAN removed, ends 3000]')",
        },
        {
            content: "Open the reply wizard",
            trigger: ".o_form_view button.o_social_reply_button",
            run: "click",
        },
        {
            content: "Write the reply",
            trigger: ".modal .o_field_widget[name=text] textarea",
            run: "edit @tina_tour Sorry! We are on it and sent you a DM.",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_social_reply_send",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal .o_social_reply_send))",
        },
        {
            content: "The toast says the reply is queued, not that it is public",
            trigger: ".o_notification:contains('Queued'):contains('will be published on X')",
        },
        {
            content: "Open the Social Media tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name=social]",
            run: "click",
        },
        {
            content: "The ticket shows the reply as queued",
            trigger: ".o_field_widget[name=social_reply_ids] .o_data_row:contains('We are on it') .badge:contains('Queued')",
        },
    ],
});

registry.category("web_tour.tours").add("social_crm_helpdesk_report_tour", {
    steps: () => [
        {
            content: "The analysis opens as a pivot table",
            trigger: ".o_pivot_view .o_pivot",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is shown",
            trigger: ".o_graph_view canvas",
        },
    ],
});

// The critic with 10,000 followers: an agent sees the alert in the team's "Social alerts"
// channel, follows its link to the ticket (top priority, influencer deadline, assigned) and
// answers from the reply wizard (the demo's replayed posts have no network behind them: the
// reply is recorded, not sent).
registry.category("web_tour.tours").add("social_crm_helpdesk_alert_tour", {
    steps: () => [
        {
            content: "The alert in the team's channel links to the ticket",
            trigger: ".o-mail-Message:contains('Complaint of a top influencer') a[data-oe-model='helpdesk.ticket']:contains('Sabine Richter')",
            run: "click",
        },
        {
            content: "The ticket opens with the influencer deadline",
            trigger: ".o_form_view .o_social_deadline_badge:visible:contains('Influencer')",
        },
        {
            content: "It is assigned",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(/\\S/)",
        },
        {
            content: "The wave of replies is in the chatter",
            trigger: ".o-mail-Message:contains('Same here: no internet for a week')",
        },
        {
            content: "Open the reply wizard",
            trigger: ".o_form_view button.o_social_reply_button",
            run: "click",
        },
        {
            content: "Write the reply",
            trigger: ".modal .o_field_widget[name=text] textarea",
            run: "edit @sabine_richter_tech Das tut uns sehr leid. Ein Techniker meldet sich heute noch bei Ihnen.",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_social_reply_send",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal .o_social_reply_send))",
        },
        {
            content: "The demo says what really happens: recorded, not sent",
            trigger: ".o_notification:contains('not sent')",
        },
    ],
});
