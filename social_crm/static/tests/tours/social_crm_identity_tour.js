import { registry } from "@web/core/registry";

// A user opens a demo contact, goes to the Social page, adds an identity and saves.
registry.category("web_tour.tours").add("social_crm_identity_tour", {
    steps: () => [
        {
            content: "The contact form of the demo contact is open",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Lena Hoffmann'), .o_form_view .o_field_widget[name=name] input",
        },
        {
            content: "Open the Social page",
            trigger: ".o_notebook .nav-link:contains('Social')",
            run: "click",
        },
        {
            content: "Existing identities are listed",
            trigger: ".o_field_widget[name=social_identity_ids] .o_data_row:contains('lena_testet')",
        },
        {
            content: "Latest posts are listed",
            trigger: ".o_field_widget[name=social_latest_post_ids] .o_data_row",
        },
        {
            content: "Add an identity",
            trigger: ".o_field_widget[name=social_identity_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the network",
            trigger: ".o_field_widget[name=social_identity_ids] .o_selected_row .o_field_widget[name=network_id] input",
            run: "edit Bluesky",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Bluesky')",
            run: "click",
        },
        {
            content: "Type the handle",
            trigger: ".o_field_widget[name=social_identity_ids] .o_selected_row .o_field_widget[name=handle] input",
            run: "edit @lena.bsky.social",
        },
        {
            content: "Save the contact",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, with the profile URL computed",
            trigger: ".o_form_saved .o_field_widget[name=social_identity_ids] .o_data_row:contains('https://bsky.app/profile/lena.bsky.social')",
        },
    ],
});
