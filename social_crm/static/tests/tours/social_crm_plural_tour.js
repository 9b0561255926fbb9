import { registry } from "@web/core/registry";

// Counts on screen read as a person writes them (issue 17): "One delivery refused" /
// "2 deliveries refused", "Eine Zustellung abgewiesen" / "2 Zustellungen abgewiesen", never
// "1 deliveries" nor a bracketed plural. Run in English and German, once with one refusal and
// once with two.
const TEXTS = {
    en_one: { shown: "One delivery refused", hidden: "deliveries refused" },
    en_many: { shown: "2 deliveries refused, the last one", hidden: "One delivery refused" },
    de_one: { shown: "Eine Zustellung abgewiesen", hidden: "Zustellungen abgewiesen" },
    de_many: { shown: "2 Zustellungen abgewiesen, die letzte", hidden: "Eine Zustellung" },
};

for (const [name, text] of Object.entries(TEXTS)) {
    registry.category("web_tour.tours").add(`social_crm_plural_tour_${name}`, {
        steps: () => [
            {
                content: "The push source's refusals, counted in the right form",
                trigger: `.o_form_view .alert-warning:visible:contains('${text.shown}')`,
                timeout: 30000,
                run() {
                    const shown = this.anchor.innerText.replace(/\s+/g, " ");
                    if (shown.includes(text.hidden) || /\w\((s|en|n|e)\)/.test(shown)) {
                        throw new Error(`Wrong plural form shown: "${shown}"`);
                    }
                    if (/\b1 (deliveries|Zustellungen)\b/.test(shown)) {
                        throw new Error(`"1" with a plural: "${shown}"`);
                    }
                },
            },
        ],
    });
}
