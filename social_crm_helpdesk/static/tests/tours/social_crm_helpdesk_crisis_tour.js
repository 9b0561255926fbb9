import { registry } from "@web/core/registry";

// The team leader follows the crisis alert: the incident is in the list of open incidents,
// its tickets are grouped, and one approved wording answers all of them.
registry.category("web_tour.tours").add("social_crm_helpdesk_crisis_tour", {
    steps: () => [
        {
            content: "The alert's incident is open",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('Pile-on in conversation x:1880000000000000501')",
            run: "click",
        },
        {
            content: "It groups the tickets of the conversation",
            trigger: ".o_form_view .o_field_widget[name=ticket_ids] .o_data_row",
        },
        {
            content: "Reply to all tickets",
            trigger: ".o_form_view button[name=action_bulk_reply]",
            run: "click",
        },
        {
            content: "Search the wordings",
            trigger: ".modal .o_field_widget[name=wording_id] input",
            run: "edit Störung",
        },
        {
            content: "Pick the status wording",
            trigger: ".o-autocomplete--dropdown-item .dropdown-item:contains('Tour Störung')",
            run: "click",
        },
        {
            content: "The preview is rendered for the first ticket",
            trigger: ".modal .o_field_widget[name=preview]:contains('Wir kennen die Störung')",
        },
        {
            content: "Send to all",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The result says how many replies are queued (one or many)",
            trigger: ".modal .o_field_widget[name=result]:contains(' queued.')",
        },
        {
            content: "Close",
            trigger: ".modal button.btn-secondary:contains('Close')",
            run: "click",
        },
        {
            content: "The incident is answered",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked=true]:contains('Answered')",
        },
    ],
});
