import { registry } from "@web/core/registry";

// The follower history on the contact (issue 17): a day without a count carries the last one,
// never drawn or listed as 0. Run in English and German.
const LABELS = {
    en: { title: "Followers of Hanna Historie", carried: "1,000", counted: "1,200" },
    de: { title: "Follower von Hanna Historie", carried: "1.000", counted: "1.200" },
};

for (const [lang, t] of Object.entries(LABELS)) {
    registry.category("web_tour.tours").add(`social_crm_follower_history_tour_${lang}`, {
        steps: () => [
            {
                content: "The contact is open",
                trigger: ".o_form_view .o_field_widget[name=name] input:value(/Hanna Historie/)",
                timeout: 30000,
            },
            {
                content: "Open the contact's Social page",
                trigger: ".o_notebook .nav-link[name=social]",
                run: "click",
            },
            {
                content: "The follower history is on the contact",
                trigger: ".o_form_view button.o_social_follower_history_button",
                run: "click",
            },
            {
                content: "It opens as a chart of the contact's followers",
                trigger: ".o_graph_view canvas",
            },
            {
                content: "The chart is titled with the contact",
                trigger: `.o_breadcrumb:contains('${t.title}')`,
            },
            {
                content: "Switch to the list of days",
                trigger: ".o_switch_view.o_list",
                run: "click",
            },
            {
                content: "Today's count",
                trigger: `.o_list_view .o_data_row:first-child .o_data_cell[name=followers_count]:contains('${t.counted}')`,
            },
            {
                content: "The days without a count carry the last one, never 0",
                trigger: `.o_list_view .o_data_row:nth-child(2) .o_data_cell[name=followers_count]:contains('${t.carried}')`,
                run() {
                    const cells = [
                        ...document.querySelectorAll(".o_list_view .o_data_row .o_data_cell[name=followers_count]"),
                    ];
                    if (cells.length !== 4) {
                        throw new Error(`${cells.length} days listed, not 4`);
                    }
                    const zero = cells.find((cell) => cell.textContent.trim() === "0");
                    if (zero) {
                        throw new Error("A day without a count is listed as 0");
                    }
                    const carried = this.anchor.closest(".o_data_row");
                    if (carried.querySelector(".o_data_cell[name=measured] input:checked")) {
                        throw new Error("A carried day is marked as counted");
                    }
                },
            },
        ],
    });
}
