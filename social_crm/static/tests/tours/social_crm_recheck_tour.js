import { registry } from "@web/core/registry";

// The re-check of posts, in English and in German: a Social CRM manager finds how many days
// of posts are re-checked in the settings, the switch on a Mastodon polling source, and, once
// the re-check job read an edit, when each post was last re-checked and that it was edited.
const LABELS = {
    en: {
        recheckDays: "Re-check Posts (days)",
        recheckPosts: "Re-check Posts",
        lastRecheck: "Last Re-check",
        edited: "Edited",
        technical: "Technical Details",
        hidden: "Not visible from your instance (instance blocked or limited)",
    },
    de: {
        recheckDays: "Beiträge erneut prüfen (Tage)",
        recheckPosts: "Beiträge erneut prüfen",
        lastRecheck: "Letzte erneute Prüfung",
        edited: "Bearbeitet",
        technical: "Technische Details",
        hidden: "Von Ihrer Instanz aus nicht sichtbar (Instanz gesperrt oder eingeschränkt)",
    },
};

const TIME = /\d{1,2}:\d{2}/;

function settingsSteps(t) {
    return [
        {
            content: "Open the Social CRM settings",
            trigger: ".settings_tab .tab[data-key='social_crm']",
            run: "click",
        },
        {
            content: "How many days of posts are re-checked, in the user's language",
            trigger: `.app_settings_block[data-key='social_crm'] #social_recheck label:contains('${t.recheckDays}')`,
        },
        {
            trigger: ".app_settings_block[data-key='social_crm'] #social_recheck .o_field_widget[name=social_recheck_days] input",
            run() {
                if (this.anchor.value.trim() !== "3") {
                    throw new Error(`Re-check days show "${this.anchor.value}", not 3`);
                }
            },
        },
    ];
}

function sourceSteps(t) {
    return [
        {
            content: "The Mastodon polling source has the re-check switch, on",
            trigger: `.o_form_view .o_inner_group:has(label:contains('${t.recheckPosts}')) .o_field_widget[name=recheck_posts] input:checked`,
        },
        {
            content: "... of the Mastodon source the tour opened",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run() {
                const text = this.anchor.value;
                if (!text.includes("Tour Mastodon mentions")) {
                    throw new Error(`Another source is open: "${text}"`);
                }
            },
        },
    ];
}

function postSteps(t) {
    return [
        {
            content: "The inbox says when the post was last re-checked",
            trigger: `.o_list_view th:contains('${t.lastRecheck}')`,
        },
        {
            trigger: ".o_list_view .o_data_row:contains('seit drei Tagen') .o_data_cell[name=rechecked_at]",
            run() {
                if (!TIME.test(this.anchor.textContent)) {
                    throw new Error(`No time of the re-check: "${this.anchor.textContent}"`);
                }
            },
        },
        {
            content: "Open the post the re-check found edited",
            trigger: ".o_list_view .o_data_row:contains('seit drei Tagen') .o_data_cell[name=text_preview]",
            run: "click",
        },
        {
            content: "The post says it was edited, and when",
            trigger: `.o_form_view .o_social_crm_post_edited:visible:contains('${t.edited}')`,
            run() {
                const when = this.anchor.querySelector(".o_field_widget[name=edited_at]");
                if (!when || !TIME.test(when.textContent)) {
                    throw new Error(`No time of the edit: "${this.anchor.textContent}"`);
                }
            },
        },
        {
            content: "The text is the edited one",
            trigger: ".o_form_view .o_field_widget[name=text]:contains('seit drei Tagen kein Internet')",
        },
        {
            content: "The technical details",
            trigger: `.o_form_view .o_notebook .nav-link:contains('${t.technical}')`,
            run: "click",
        },
        {
            content: "When the post was last re-checked",
            trigger: `.o_form_view .o_inner_group:has(label:contains('${t.lastRecheck}')) .o_field_widget[name=rechecked_at]`,
            run() {
                if (!TIME.test(this.anchor.textContent)) {
                    throw new Error(`No time of the re-check: "${this.anchor.textContent}"`);
                }
            },
        },
    ];
}

// a post of a defederated instance: kept by the re-check, and said so in the inbox and the form
function hiddenSteps(t) {
    return [
        {
            content: "The inbox says the post is not visible from the company's instance",
            trigger: `.o_list_view .o_data_row:contains('Paket nie angekommen') .o_data_cell[name=network_visibility]:contains('${t.hidden}')`,
        },
        {
            content: "Open the post",
            trigger: ".o_list_view .o_data_row:contains('Paket nie angekommen') .o_data_cell[name=text_preview]",
            run: "click",
        },
        {
            content: "The post says so next to its date",
            trigger: `.o_form_view .o_social_crm_post_visibility:visible:contains('${t.hidden}')`,
        },
        {
            content: "... and its text is still there",
            trigger: ".o_form_view .o_field_widget[name=text]:contains('Paket nie angekommen')",
        },
    ];
}

for (const [lang, labels] of Object.entries(LABELS)) {
    registry.category("web_tour.tours").add(`social_crm_recheck_hidden_tour_${lang}`, {
        steps: () => hiddenSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_recheck_settings_tour_${lang}`, {
        steps: () => settingsSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_recheck_source_tour_${lang}`, {
        steps: () => sourceSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_recheck_post_tour_${lang}`, {
        steps: () => postSteps(labels),
    });
}
