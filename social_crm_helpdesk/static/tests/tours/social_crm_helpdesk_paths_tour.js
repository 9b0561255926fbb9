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
        matchReason: "E-mail address in the bio",
        overdueSince: "overdue since",
        notComplaintNote: "as not a complaint",
        complaint: "Complaint",
        // one datetime format, as the web client shows datetimes: "Dec 3, 3:37 AM"
        datetime: /^[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2} [AP]M$/,
        queued: "Queued",
        published: "will be published on Bluesky",
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
        matchReason: "E-Mail-Adresse in der Bio",
        overdueSince: "überfällig seit",
        notComplaintNote: "als keine Beschwerde",
        complaint: "Beschwerde",
        // "3. Dez., 03:37"
        datetime: /^\d{1,2}\. [A-ZÄÖÜ][a-zäöü]{2,3}\.?, \d{2}:\d{2}$/,
        queued: "In der Warteschlange",
        published: "auf Bluesky veröffentlicht",
    },
};

function agentSteps(t) {
    return [
        {
            content: "The social ticket list: the deadline column, sortable",
            trigger: `.o_list_view th[data-name=social_wait_deadline].o_column_sortable:contains('${t.respondBy}')`,
        },
        {
            content: "At 1280 px the whole list fits and the owner is readable",
            trigger: ".o_list_view .o_data_row:first-child .o_data_cell[name=social_owner]:contains('Mitchell Admin')",
            run() {
                const cell = this.anchor;
                const list = cell.closest(".o_list_renderer");
                if (window.innerWidth > 1280) {
                    throw new Error(`The window is ${window.innerWidth} px wide, not 1280`);
                }
                if (cell.getBoundingClientRect().right > window.innerWidth) {
                    throw new Error("The Owner column is outside the window");
                }
                if (list.scrollWidth > list.clientWidth + 1) {
                    throw new Error(`The list is ${list.scrollWidth} px wide in ${list.clientWidth} px`);
                }
                const name = cell.querySelector(".badge") || cell;
                if (name.scrollWidth > name.clientWidth + 1) {
                    throw new Error("The owner's name is cut");
                }
            },
        },
        {
            content: "The badge reads the deadline as the Respond By column shows it",
            trigger: `.o_list_view .o_data_row:first-child .o_data_cell[name=social_deadline_label]:contains('${t.overdueSince}')`,
            run() {
                const row = this.anchor.closest(".o_data_row");
                const time = row
                    .querySelector(".o_data_cell[name=social_wait_deadline]")
                    .textContent.trim();
                if (!t.datetime.test(time)) {
                    throw new Error(`Respond By "${time}" is not in the format ${t.datetime}`);
                }
                if (!this.anchor.textContent.includes(time)) {
                    throw new Error(`The badge "${this.anchor.textContent}" does not say "${time}"`);
                }
            },
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
            content: "The header starts with the answer: Reply, highlighted",
            trigger: ".o_form_view .o_statusbar_buttons > button.o_social_reply_button.btn-primary:first-child",
        },
        {
            content: "The header shows what this ticket needs (call, triage); rarer actions sit elsewhere",
            trigger: ".o_form_view .o_statusbar_buttons:has(.o_social_call_button):has(.o_social_not_complaint_button):not(:has(.o_social_open_button, .o_social_hide_button, .o_social_answered_in_app_button))",
        },
        {
            content: "The header fits on one row (the tour's browser is 1366 px wide)",
            trigger: ".o_form_view .o_form_statusbar",
            run() {
                const items = [...this.anchor.querySelectorAll(".o_statusbar_buttons > button, .o_statusbar_status")];
                const tops = new Set(items.map((el) => el.getBoundingClientRect().top));
                if (items.length < 3 || tops.size !== 1 || window.innerWidth > 1400) {
                    const labels = items.map((el) => el.innerText.trim()).join(" | ");
                    throw new Error(`Header on ${tops.size} rows at ${window.innerWidth} px: ${labels}`);
                }
            },
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
            trigger: `.o-mail-Message:contains('Mitchell Admin'):contains('Tina Tour'):contains('${t.notComplaintNote}')`,
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "Open the Bluesky complaint",
            trigger: ".o_list_view .o_data_row:contains('Bea Bluesky') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Bluesky tickets can be answered from the ticket",
            trigger: ".o_form_view button.o_social_reply_button",
            run: "click",
        },
        {
            content: "Write the reply",
            trigger: ".modal .o_field_widget[name=text] textarea",
            run: "edit @bea.bsky.social Sorry! We call you today.",
        },
        {
            content: "Send it",
            trigger: ".modal button.o_social_reply_send",
            run: "click",
        },
        {
            content: "The toast says the reply is queued for Bluesky",
            trigger: `.o_notification:contains('${t.queued}'):contains('${t.published}')`,
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
            content: "The verdict in the user's language, with its reasons",
            trigger: `.o_form_view .o_field_widget[name=complaint_label]:contains('${t.complaint}')`,
        },
        {
            trigger: ".o_form_view .o_field_widget[name=complaint_reasons]:not(:empty)",
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
            content: "Why Karl Kunde is suggested, in the reviewer's language",
            trigger: `.o_list_view .o_data_row:contains('karl_k') .o_data_cell[name=reason]:contains('${t.matchReason}')`,
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

// The agent's KPIs (issue 17): the month as a person names it, blanks where there is no data
// (never 0.00 or a negative time), headers not cut at 1280 px, an empty state that says how
// data arrives.
const KPI_LABELS = {
    en: { locale: "en-US", team: "Team", empty: "Tickets arrive from the listening" },
    de: { locale: "de-DE", team: "Team", empty: "Tickets entstehen aus dem Zuhören" },
};

function kpiSteps(t) {
    return [
        {
            content: "The tour team's line: this month, one ticket, no answer yet",
            trigger: ".o_list_view .o_data_row:contains('Tour Path Team')",
            run() {
                const cell = (name) =>
                    this.anchor.querySelector(`.o_data_cell[name=${name}]`).textContent.trim();
                const month = new Date().toLocaleString(t.locale, { month: "long", year: "numeric" });
                if (cell("month_label") !== month) {
                    throw new Error(`Month "${cell("month_label")}", not "${month}"`);
                }
                for (const name of ["in_time_label", "reaction_median_label"]) {
                    if (cell(name) !== "") {
                        throw new Error(`${name} shows "${cell(name)}" where there is no data`);
                    }
                }
                for (const td of document.querySelectorAll(".o_list_view .o_data_cell")) {
                    const text = td.textContent.trim();
                    if (/^-\d|^0[.,]00$/.test(text)) {
                        throw new Error(`A KPI shows "${text}"`);
                    }
                }
                const monthCell = this.anchor.querySelector(".o_data_cell[name=month_label]");
                if (monthCell.scrollWidth > monthCell.clientWidth + 1) {
                    throw new Error("The month is cut");
                }
                for (const th of document.querySelectorAll(".o_list_view thead th .text-truncate")) {
                    if (th.scrollWidth > th.clientWidth + 1) {
                        throw new Error(`The header "${th.textContent}" is cut`);
                    }
                }
            },
        },
        {
            content: "Search a team without tickets",
            trigger: ".o_searchview_input",
            run: "edit Nobody's team",
        },
        {
            content: "Search it as a team",
            trigger: `.o_searchview_autocomplete .o-dropdown-item:contains('${t.team}')`,
            run: "click",
        },
        {
            content: "The empty state says how data arrives",
            trigger: `.o_view_nocontent:contains('${t.empty}')`,
        },
    ];
}

for (const [lang, labels] of Object.entries(KPI_LABELS)) {
    registry.category("web_tour.tours").add(`social_crm_helpdesk_kpi_${lang}`, {
        steps: () => kpiSteps(labels),
    });
}
