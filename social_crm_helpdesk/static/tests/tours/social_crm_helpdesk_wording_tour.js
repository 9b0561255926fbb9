import { registry } from "@web/core/registry";

// An agent answers a ticket with an approved wording: the team's guidelines are shown, the
// wording is found by a word of its text, its placeholders are filled in from the ticket, the
// length counter shows X's limit, and the reply is queued.
registry.category("web_tour.tours").add("social_crm_helpdesk_wording_tour", {
    steps: () => [
        {
            content: "Open the reply wizard",
            trigger: ".o_form_view button.o_social_reply_button",
            run: "click",
        },
        {
            content: "The team's guidelines are shown",
            trigger: ".modal .o_social_reply_guideline:contains('Apologise once')",
        },
        {
            content: "Search the wordings (German, as the post) by a word of the text",
            trigger: ".modal .o_field_widget[name=wording_id] input",
            run: "edit leid",
        },
        {
            content: "Pick the apology",
            trigger: ".o-autocomplete--dropdown-item .dropdown-item:contains('Tour Entschuldigung')",
            run: "click",
        },
        {
            content: "The placeholders are filled in from the ticket",
            trigger: ".modal .o_field_widget[name=text] textarea:value('@tina_tour Hallo Tina')",
        },
        {
            content: "The length counter shows X's limit",
            trigger: ".modal .o_social_reply_length:contains('/ 280')",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_social_reply_send",
            run: "click",
        },
        {
            content: "The toast says the reply is queued",
            trigger: ".o_notification:contains('Queued')",
        },
    ],
});

// The same from the Social Inbox: a question gets an answer with a wording, without a ticket.
registry.category("web_tour.tours").add("social_crm_helpdesk_inbox_reply_tour", {
    steps: () => [
        {
            content: "Reply to the post",
            trigger: ".o_form_view button.o_social_post_reply_button",
            run: "click",
        },
        {
            content: "Search the wordings",
            trigger: ".modal .o_field_widget[name=wording_id] input",
            run: "edit Öffnungs",
        },
        {
            content: "Pick the opening hours answer",
            trigger: ".o-autocomplete--dropdown-item .dropdown-item:contains('Tour Öffnungszeiten')",
            run: "click",
        },
        {
            content: "The placeholders are filled in from the post",
            trigger: ".modal .o_field_widget[name=text] textarea:value('@otto_tour Hallo Otto')",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_social_reply_send",
            run: "click",
        },
        {
            content: "The toast says the reply is queued",
            trigger: ".o_notification:contains('Queued')",
        },
    ],
});
