import { registry } from "@web/core/registry";

// A salesperson, in English and German, sees the B2B account: on the opportunity the key
// account badge, the account line and the influencers among the customer's contacts; on the
// company the account score with its explanation and its influencers.
const TEXTS = {
    en: {
        key: "Key account",
        score: "account score",
        tier: "Top influencer",
        summary: "Account score",
        strongest: "Strongest person",
        corporate: "Corporate identities",
        works: "Works at Nordwind Logistik GmbH",
    },
    de: {
        key: "Schlüsselkunde",
        score: "Account-Score",
        tier: "Top-Influencer",
        summary: "Account-Score",
        strongest: "Stärkste Person",
        corporate: "Unternehmensprofile",
        works: "Arbeitet bei Nordwind Logistik GmbH",
    },
};

for (const [lang, text] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`social_crm_account_lead_tour_${lang}`, {
        steps: () => [
            {
                content: "The opportunity says the customer is a key account",
                trigger: `.o_form_view .o_social_account_lead .o_social_key_account_badge:contains('${text.key}')`,
            },
            {
                content: "... with its account score",
                trigger: `.o_form_view .o_social_account_lead .o_field_widget[name='social_account_note']:contains('${text.score}')`,
            },
            {
                content: "Open the influencers at the customer",
                trigger: ".o_notebook_headers a[name='social_account_influencers']",
                run: "click",
            },
            {
                content: "The influencer among the customer's contacts, with tier and reach",
                trigger: `.o_field_widget[name='social_account_influencer_ids'] .o_data_row:contains('Jana Becker'):contains('${text.tier}'):contains('24')`,
            },
        ],
    });

    registry.category("web_tour.tours").add(`social_crm_account_company_tour_${lang}`, {
        steps: () => [
            {
                content: "The company is marked as a key account",
                trigger: `.o_form_view .o_social_account_badges .o_social_key_account_badge:contains('${text.key}')`,
            },
            {
                content: "Open the Account Score tab",
                trigger: ".o_notebook_headers a[name='social_account']",
                run: "click",
            },
            {
                content: "The explanation sums up the account score",
                trigger: `.o_field_widget[name='social_account_explanation'] p:contains('${text.summary}')`,
            },
            {
                content: "It names the strongest person",
                trigger: `.o_social_account_parts tr:contains('${text.strongest}'):contains('Jana Becker')`,
            },
            {
                content: "... and the corporate identities",
                trigger: `.o_social_account_parts tr:contains('${text.corporate}')`,
            },
            {
                content: "The company's influencers",
                trigger: ".o_field_widget[name='social_account_influencer_ids'] .o_data_row:contains('Jana Becker')",
            },
        ],
    });

    registry.category("web_tour.tours").add(`social_crm_account_person_tour_${lang}`, {
        steps: () => [
            {
                content: "A person shows the company they work at, a key account",
                trigger: `.o_form_view .o_social_account_badges:contains('${text.key}') .o_field_widget[name='social_account_note']:contains('${text.works}')`,
            },
        ],
    });
}
