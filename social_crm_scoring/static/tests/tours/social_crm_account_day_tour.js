import { registry } from "@web/core/registry";

// A salesperson, in English and German, opens the lead of a customer that became a key
// account during the day: the key-account badge, and the to-do the product planned.
const TEXTS = {
    en: { key: "Key account", todo: "Customer became a key account" },
    de: { key: "Schlüsselkunde", todo: "Kunde ist jetzt Schlüsselkunde" },
};

for (const [lang, text] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`social_crm_account_day_tour_${lang}`, {
        steps: () => [
            {
                content: "The lead of Velo GmbH is open",
                trigger: ".o_form_view .o_field_widget[name=partner_id] input",
                run() {
                    if (!this.anchor.value.includes("Velo GmbH")) {
                        throw new Error(`Another customer: "${this.anchor.value}"`);
                    }
                },
            },
            {
                content: "The lead says the customer is a key account",
                trigger: `.o_form_view .o_social_account_lead .o_social_key_account_badge:visible:contains('${text.key}')`,
            },
            {
                content: "The salesperson's to-do is on the lead",
                trigger: `.o-mail-Activity:contains('${text.todo}')`,
            },
        ],
    });
}
