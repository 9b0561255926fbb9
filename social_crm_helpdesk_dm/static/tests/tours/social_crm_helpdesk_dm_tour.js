import { registry } from "@web/core/registry";

// An agent opens the ticket of a Telegram private chat, sees that the chat is private and can
// be answered, writes the answer in the dialog and sees it queued on the ticket (the test then
// runs the outbox's sender and checks what went to the Bot API).
registry.category("web_tour.tours").add("social_crm_helpdesk_dm_tour", {
    steps: () => [
        {
            content: "The banner says the chat is private and when to answer",
            trigger: ".o_form_view .o_social_dm_window:visible:contains('Telegram: you can answer at any time')",
        },
        {
            content: "The customer's message is the description",
            trigger: ".o_form_view .o_field_widget[name=description]:contains('doppelt abgebucht')",
        },
        {
            content: "No public post to answer: the private answer is the header's first, highlighted button",
            trigger: ".o_form_view .o_statusbar_buttons > button.o_social_dm_button.btn-primary:first-child",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(.o_social_reply_button, .o_social_move_private_button, .o_social_open_button))",
        },
        {
            content: "Open the private message dialog",
            trigger: ".o_form_view button.o_social_dm_button",
            run: "click",
        },
        {
            content: "The dialog names the customer",
            trigger: ".modal .o_field_widget[name=customer]:contains('Tara Telegram')",
        },
        {
            content: "Write the answer",
            trigger: ".modal .o_field_widget[name=text] textarea",
            run: "edit Das klären wir sofort für Sie.",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_social_dm_send",
            run: "click",
        },
        {
            content: "The toast says it is queued",
            trigger: ".o_notification:contains('Queued')",
        },
        {
            content: "Open the Social Media tab",
            trigger: ".o_form_view .o_notebook a.nav-link[name=social]",
            run: "click",
        },
        {
            content: "The ticket shows the private message as queued",
            trigger: ".o_field_widget[name=social_dm_message_ids] .o_data_row:contains('Das klären wir sofort') .badge:contains('Queued')",
        },
    ],
});
