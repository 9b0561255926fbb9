import { registry } from "@web/core/registry";

// A salesperson opens the pipeline: the influencer's opportunity shows the tier badge on the
// card and on the form.
registry.category("web_tour.tours").add("social_crm_scoring_lead_tour", {
    steps: () => [
        {
            content: "The influencer's opportunity card shows the tier badge",
            trigger: ".o_kanban_record:contains('Sophie Turner: brand ambassador') .o_social_score_lead_kanban .badge",
        },
        {
            content: "Open the opportunity",
            trigger: ".o_kanban_record:contains('Sophie Turner: brand ambassador') .o_social_score_lead_kanban",
            run: "click",
        },
        {
            content: "The form shows the tier badge and the Social Score",
            trigger: ".o_form_view .o_social_score_lead_badge .badge:contains('Top influencer'), .o_form_view .o_social_score_lead_badge .badge:contains('Multiplier')",
        },
        {
            content: "The customer is the influencer",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains('Sophie Turner'), .o_form_view .o_field_widget[name=partner_id] input",
        },
    ],
});
