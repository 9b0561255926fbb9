import { registry } from "@web/core/registry";

// An agent reads in German and decides the posts the complaint detection is least sure of,
// one click each (issue 15): a complaint gets its ticket, the other leaves the list.
registry.category("web_tour.tours").add("social_crm_helpdesk_unsure_tour", {
    steps: () => [
        {
            content: "The least sure post comes first",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name=text_preview]:contains('Packstation')",
        },
        {
            content: "It is no complaint: one click",
            trigger: ".o_list_view .o_data_row:contains('Packstation') button[name=action_not_complaint]:contains('Keine Beschwerde')",
            run: "click",
        },
        {
            content: "The agent's decision is noted, the post leaves the list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Packstation')))",
        },
        {
            content: "The next post is a complaint: one click opens its ticket",
            trigger: ".o_list_view .o_data_row:contains('Paketbox') button[name=action_review_complaint]:contains('Beschwerde')",
            run: "click",
        },
        {
            content: "A toast confirms the ticket",
            trigger: ".o_notification:contains('Ticket')",
        },
        {
            content: "The list is empty of the tour's posts",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Paketbox')))",
        },
    ],
});
