import { registry } from "@web/core/registry";

// The salesperson's path, in English and German: the influencer's contact explains its score
// (the weighted sum of the parts and its percentile), and the lead says, before the call,
// that the customer waits for an answer to a complaint, with a link to it.
const TEXTS = {
    en: {
        tier: "Top influencer",
        weighted: "Weighted sum",
        summary: "more influential than",
        overdue: "This customer has an overdue complaint",
        tickets: "Open Complaints of",
        // the date of the score as the web client shows dates: "Dec 3"
        since: /since [A-Z][a-z]{2} \d{1,2}(, \d{4})?\./,
        // the demo contact's two posts, in the plural form
        posts: "reactions on 2 posts in the last",
    },
    de: {
        tier: "Top-Influencer",
        weighted: "Gewichtete Summe",
        summary: "einflussreicher als",
        overdue: "Dieser Kunde hat eine überfällige Beschwerde",
        tickets: "Offene Beschwerden von",
        // "Seit 3. Dez.: ..." (the date first: an abbreviated month's dot ends no sentence)
        since: /Seit \d{1,2}\. [^\s,:]+( \d{4})?:/,
        posts: "Reaktionen auf 2 Beiträge in den letzten",
    },
};

function scoreFigures() {
    return ["social_score", "social_score_weighted", "social_score_rank"]
        .map((name) => document.querySelector(`.o_notebook .o_field_widget[name=${name}]`)?.textContent.trim())
        .join(" | ");
}

for (const [lang, text] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`social_crm_salesperson_contact_tour_${lang}`, {
        steps: () => [
            {
                content: "Open the Social Score tab",
                trigger: ".o_notebook_headers a[name='social_score']",
                run: "click",
            },
            {
                content: "The contact's tier",
                trigger: `.o_notebook .o_field_widget[name='social_score_tier']:contains('${text.tier}')`,
            },
            {
                content: "The weighted sum of the parts is shown next to the score",
                trigger: ".o_field_widget[name='social_score_weighted']:visible",
            },
            {
                content: "The explanation says the percentile of the weighted sum",
                trigger: `.o_field_widget[name='social_score_explanation'] p:contains('${text.summary}')`,
            },
            {
                content: "The parts add up to the weighted sum",
                trigger: `.o_social_score_parts tfoot:contains('${text.weighted}') .o_social_score_weighted_sum`,
            },
            {
                content: "The explanation dates the score as the lists show dates",
                trigger: `.o_field_widget[name='social_score_explanation'] p:contains('${text.summary}')`,
                run() {
                    if (!text.since.test(this.anchor.textContent)) {
                        throw new Error(`No date like ${text.since} in "${this.anchor.textContent}"`);
                    }
                    const explanation = this.anchor.closest(".o_field_widget").textContent;
                    // real plural forms: no "Beitrag/Beiträge", "Kontakt(en)", "post(s)", ".."
                    if (/\w\((s|en|n|e)\)|Beitrag\/|\/Beiträge|\.\./.test(explanation)) {
                        throw new Error(`A slash or bracket plural or "..": "${explanation}"`);
                    }
                    window.socialScoreBefore = scoreFigures();
                },
            },
            {
                content: "The engagement part counts the posts in the plural form",
                trigger: `.o_social_score_parts td:contains('${text.posts}')`,
            },
            {
                content: "Recompute the contact's score now",
                trigger: ".o_notebook button[name=action_social_score_recompute]",
                run: "click",
            },
            {
                content: "One contact's recompute gives the score, rank and sum of the full run",
                trigger: `.o_form_saved .o_field_widget[name='social_score_explanation'] p:contains('${text.summary}')`,
                run() {
                    const after = scoreFigures();
                    if (after !== window.socialScoreBefore) {
                        throw new Error(`Recompute changed ${window.socialScoreBefore} to ${after}`);
                    }
                },
            },
        ],
    });

    registry.category("web_tour.tours").add(`social_crm_salesperson_lead_tour_${lang}`, {
        steps: () => [
            {
                content: "The lead shows the customer's tier",
                trigger: `.o_form_view .o_social_score_lead_badge .badge:contains('${text.tier}')`,
            },
            {
                content: "The lead warns of the overdue complaint",
                trigger: `.o_form_view .o_social_lead_overdue:contains('${text.overdue}')`,
            },
            {
                content: "Open the customer's complaints",
                trigger: ".o_form_view .o_social_lead_overdue button",
                run: "click",
            },
            {
                content: "The customer's open complaint is listed",
                trigger: ".o_list_view .o_data_row:contains('Still waiting for the refund')",
            },
            {
                content: "The list says whose complaints these are",
                trigger: `.o_breadcrumb:contains('${text.tickets}')`,
            },
        ],
    });
}
