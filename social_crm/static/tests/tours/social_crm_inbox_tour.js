import { registry } from "@web/core/registry";

// A CRM user opens the Social Inbox: the kanban shows every state as a column with its count,
// there is no "New" button (posts come from sources), one Reporting menu; a post's form shows
// who wrote what first, the technical ids in their own tab.
registry.category("web_tour.tours").add("social_crm_inbox_tour", {
    steps: () => [
        {
            content: "The inbox list is open, without a New button",
            trigger: ".o_list_view .o_data_row",
        },
        {
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
        },
        {
            content: "One Reporting menu only",
            trigger: ".o_menu_sections [data-menu-xmlid='social_crm.social_crm_reporting_menu']",
        },
        {
            trigger: ".o_main_navbar:not(:has([data-menu-xmlid='social_crm_scoring.social_crm_reporting_menu'], [data-menu-xmlid='social_crm_helpdesk.social_crm_reporting_menu']))",
        },
        {
            content: "Switch to the kanban",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Several state columns, each with a count",
            trigger: ".o_kanban_view .o_kanban_group:nth-child(2) .o_kanban_header",
            run() {
                const headers = [...document.querySelectorAll(".o_kanban_view .o_kanban_header")];
                const counted = headers.filter((header) => /\(\d+\)/.test(header.textContent));
                if (counted.length < 2) {
                    throw new Error(`${counted.length} of ${headers.length} columns show a count`);
                }
            },
        },
        {
            trigger: ".o_kanban_view:not(:has(.o_kanban_quick_add))",
        },
        {
            content: "Open a post",
            trigger: ".o_kanban_view .o_kanban_record",
            run: "click",
        },
        {
            content: "The author and the text come first",
            trigger: ".o_form_view .oe_title [name=author_name]",
        },
        {
            trigger: ".o_form_view .o_social_crm_post_text",
        },
        {
            content: "The network and the date read as one line: “Bluesky · Dec 2, 1:16 AM”",
            trigger: ".o_form_view .oe_title [name=posted_at] span",
            run() {
                const top = (name) =>
                    document.querySelector(`.o_form_view .oe_title [name=${name}]`)
                        .getBoundingClientRect().top;
                if (Math.abs(top("network_id") - top("posted_at")) > 4) {
                    throw new Error("the network and the date of the post are on two lines");
                }
            },
        },
        {
            content: "Technical ids live in their own tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=details]",
        },
    ],
});
