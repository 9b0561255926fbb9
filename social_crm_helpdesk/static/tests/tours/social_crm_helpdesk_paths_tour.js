import { registry } from "@web/core/registry";

// The agent's and the CRM user's paths (issue 17), each in English and German: the same steps,
// the labels and toasts each user reads in their language.
const LABELS = {
    en: {
        respondBy: "Respond By",
        influencer: "Influencer",
        callPlanned: "Call planned",
        callButton: "Call the Customer",
        callSummary: "Call the customer",
        openButton: "Open on the Network",
        notComplaint: "Not a complaint",
        matchConfirmed: "Match confirmed",
        ticketsMoved: "Tickets moved to the contact: 1.",
        review: "To Review",
        matches: "Contact Matches",
    },
    de: {
        respondBy: "Antworten bis",
        influencer: "Influencer",
        callPlanned: "Anruf geplant",
        callButton: "Kunden anrufen",
        callSummary: "Kunden anrufen",
        openButton: "Im Netzwerk öffnen",
        notComplaint: "Keine Beschwerde",
        matchConfirmed: "Zuordnung bestätigt",
        ticketsMoved: "Tickets zum Kontakt verschoben: 1.",
        review: "Zu prüfen",
        matches: "Kontaktzuordnungen",
    },
};

function agentSteps(t) {
    return [
        {
            content: "The social ticket list: the deadline column, sortable",
            trigger: `.o_list_view th[data-name=social_response_deadline].o_column_sortable:contains('${t.respondBy}')`,
        },
        {
            content: "The overdue influencer comes first",
            trigger: ".o_list_view .o_data_row:first-child:contains('Tina Tour'):contains('" + t.influencer + "')",
        },
        {
            content: "The regular complaint, still in time, comes next",
            trigger: ".o_list_view .o_data_row:nth-child(2):contains('Rolf Regular')",
        },
        {
            content: "Open the overdue ticket",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "It is assigned to an agent",
            trigger: ".o_form_view .o_field_widget[name=user_id] input:value(/Mitchell Admin/)",
        },
        {
            content: "A way forward on every network: open the post there",
            trigger: `.o_form_view button.o_social_open_button:contains('${t.openButton}')`,
        },
        {
            content: "Call the customer from the ticket",
            trigger: `.o_form_view button.o_social_call_button:contains('${t.callButton}')`,
            run: "click",
        },
        {
            content: "The toast says the call is planned",
            trigger: `.o_notification:contains('${t.callPlanned}')`,
        },
        {
            content: "The call activity is on the ticket",
            trigger: `.o-mail-Activity:contains('${t.callSummary}')`,
        },
        {
            content: "Not a complaint",
            trigger: ".o_form_view button.o_social_not_complaint_button",
            run: "click",
        },
        {
            content: "The toast confirms the decision",
            trigger: `.o_notification:contains('${t.notComplaint}')`,
        },
        {
            content: "The chatter notes it",
            trigger: ".o-mail-Message:contains('Mitchell Admin'):contains('Tina Tour')",
        },
    ];
}

function crmUserSteps(t) {
    return [
        {
            content: "The Social Inbox shows the unknown author's complaint",
            trigger: ".o_list_view .o_data_row:contains('karl_k') .o_data_cell[name=text_preview]",
            run: "click",
        },
        {
            content: "The post: author and text first",
            trigger: ".o_form_view .o_social_crm_post_text:contains('Router')",
        },
        {
            content: "Open the menu of what waits for review",
            trigger: `.o_menu_sections [data-menu-xmlid='social_crm.social_crm_review_menu']:contains('${t.review}')`,
            run: "click",
        },
        {
            content: "Go to the contact matches to review",
            trigger: `.dropdown-item[data-menu-xmlid='social_crm.social_crm_match_suggestion_menu']:contains('${t.matches}')`,
            run: "click",
        },
        {
            content: "Confirm that Karl K. is the contact Karl Kunde",
            trigger: ".o_list_view .o_data_row:contains('karl_k'):contains('Karl Kunde') button.o_social_match_confirm",
            run: "click",
        },
        {
            content: "The toast says the match is confirmed and the ticket moved",
            trigger: `.o_notification:contains('${t.matchConfirmed}'):contains('${t.ticketsMoved}')`,
        },
        {
            content: "The suggestion is decided: no longer to review",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('karl_k')))",
        },
    ];
}

for (const [lang, labels] of Object.entries(LABELS)) {
    registry.category("web_tour.tours").add(`social_crm_helpdesk_agent_path_${lang}`, {
        steps: () => agentSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_crm_user_path_${lang}`, {
        steps: () => crmUserSteps(labels),
    });
}
