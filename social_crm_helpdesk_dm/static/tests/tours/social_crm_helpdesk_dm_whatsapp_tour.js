import { registry } from "@web/core/registry";

// An agent opens the ticket of a WhatsApp chat whose 24-hour window closed: the banner says
// only an approved template can be sent; the dialog offers the number's templates, shows the
// chosen one's text and queues it (the test then runs the sender and checks what went to the
// Cloud API).
registry.category("web_tour.tours").add("social_crm_helpdesk_dm_whatsapp_tour", {
    steps: () => [
        {
            content: "The banner says only an approved template can be sent now",
            trigger: ".o_form_view .o_social_dm_window:visible:contains('only an approved template')",
        },
        {
            content: "Open the private message dialog",
            trigger: ".o_form_view button.o_social_dm_button",
            run: "click",
        },
        {
            content: "The dialog names the customer",
            trigger: ".modal .o_field_widget[name=customer]:contains('Wanda Weber')",
        },
        {
            content: "Search the number's templates",
            trigger: ".modal .o_field_widget[name=template_id] input",
            run: "edit service",
        },
        {
            content: "Pick the follow-up template",
            trigger: ".o-autocomplete--dropdown-item .dropdown-item:contains('service_followup')",
            run: "click",
        },
        {
            content: "Its approved text is shown",
            trigger: ".modal .o_field_widget[name=template_body]:contains('Bitte schreiben Sie uns')",
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
            content: "The ticket shows the template message as queued",
            trigger: ".o_field_widget[name=social_dm_message_ids] .o_data_row:contains('Bitte schreiben Sie uns') .badge:contains('Queued')",
        },
    ],
});
