import { registry } from "@web/core/registry";

// Edited and deleted posts, in English and in German: a CRM user finds the edited posts of the
// inbox, reads that a post was edited, when, and what it said before; a Social CRM manager
// opens Deleted Posts from the Configuration menu; a CRM user has no such menu.
const LABELS = {
    en: {
        edited: "Edited",
        beforeEdit: "Before the Edit",
        technical: "Technical Details",
        versionLabel: "Edited Version ID",
        configuration: "Configuration",
        deletedPosts: "Deleted Posts",
        deletedOn: "Deleted On",
        postId: "Post ID on Network",
        networkReason: "Removed on the network",
    },
    de: {
        edited: "Bearbeitet",
        beforeEdit: "Vor der Bearbeitung",
        technical: "Technische Details",
        versionLabel: "ID der bearbeiteten Fassung",
        configuration: "Konfiguration",
        deletedPosts: "Gelöschte Beiträge",
        deletedOn: "Gelöscht am",
        postId: "Beitrags-ID im Netzwerk",
        networkReason: "Im Netzwerk entfernt",
    },
};

function editedSteps(t) {
    return [
        {
            content: "The inbox shows the edited post and the one never edited",
            trigger: ".o_list_view .o_data_row:contains('erika_edit')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('otto_original')",
        },
        {
            content: "Open the filters",
            trigger: ".o_control_panel .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the edited posts",
            trigger: `.o_filter_menu .dropdown-item.o_menu_item:contains('${t.edited}')`,
            run: "click",
        },
        {
            content: "Only the edited post is left",
            trigger: `.o_searchview .o_facet_value:contains('${t.edited}')`,
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('otto_original')))",
        },
        {
            content: "Open the edited post",
            trigger: ".o_list_view .o_data_row:contains('erika_edit') .o_data_cell[name=text_preview]",
            run: "click",
        },
        {
            content: "The post says it was edited, and when",
            trigger: `.o_form_view .o_social_crm_post_edited:visible:contains('${t.edited}')`,
            run() {
                const when = this.anchor.querySelector(".o_field_widget[name=edited_at]");
                if (!when || !/\d{1,2}:\d{2}/.test(when.textContent)) {
                    throw new Error(`No time of the edit: "${this.anchor.textContent}"`);
                }
            },
        },
        {
            content: "The text is the edited one",
            trigger: ".o_form_view .o_field_widget[name=text]:contains('Deckel ist kaputt')",
        },
        {
            content: "The text before the edit is the first tab",
            trigger: `.o_form_view .o_notebook .nav-link.active:contains('${t.beforeEdit}')`,
        },
        {
            trigger: ".o_form_view .o_field_widget[name=previous_text]:contains('das Paket ist angekommen')",
        },
        {
            content: "The technical details",
            trigger: `.o_form_view .o_notebook .nav-link:contains('${t.technical}')`,
            run: "click",
        },
        {
            content: "The id of the X version read",
            trigger: `.o_form_view .o_inner_group:has(label:contains('${t.versionLabel}')) .o_field_widget[name=version_external_id]:contains('1885000000000000009')`,
        },
        {
            trigger: ".o_form_view .o_field_widget[name=external_id]:contains('1885000000000000001')",
        },
    ];
}

function deletedManagerSteps(t) {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Social CRM",
            trigger: ".o_app[data-menu-xmlid='social_crm.social_crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the configuration",
            trigger: `.o_menu_sections [data-menu-xmlid='social_crm.social_crm_config_menu']:contains('${t.configuration}')`,
            run: "click",
        },
        {
            content: "Go to the deleted posts",
            trigger: `.dropdown-item[data-menu-xmlid='social_crm.social_crm_post_deleted_menu']:contains('${t.deletedPosts}')`,
            run: "click",
        },
        {
            content: "The list of deleted posts, in the user's language",
            trigger: `.o_breadcrumb:contains('${t.deletedPosts}')`,
        },
        {
            trigger: `.o_list_view th:contains('${t.deletedOn}')`,
        },
        {
            trigger: `.o_list_view th:contains('${t.postId}')`,
        },
        {
            content: "The post its author deleted on X, said so (not deleted by the process that received it)",
            trigger: `.o_list_view .o_data_row:contains('1885000000000000101'):contains('X') .o_data_cell[name=reason]:contains('${t.networkReason}')`,
            run() {
                const row = this.anchor.closest(".o_data_row");
                const by = row.querySelector(".o_data_cell[name=create_uid]");
                if (by && by.textContent.trim()) {
                    throw new Error(`"Deleted By" says "${by.textContent.trim()}" for a deletion on the network`);
                }
            },
        },
        {
            content: "Nothing to create by hand",
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
        },
    ];
}

function deletedUserSteps() {
    return [
        {
            content: "The CRM user's Social CRM menus are loaded",
            trigger: ".o_menu_sections [data-menu-xmlid='social_crm.social_crm_identity_menu']",
        },
        {
            content: "No Configuration menu, so no Deleted Posts",
            trigger: ".o_main_navbar:not(:has([data-menu-xmlid='social_crm.social_crm_config_menu'], [data-menu-xmlid='social_crm.social_crm_post_deleted_menu']))",
        },
    ];
}

for (const [lang, labels] of Object.entries(LABELS)) {
    registry.category("web_tour.tours").add(`social_crm_edited_post_tour_${lang}`, {
        steps: () => editedSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_deleted_posts_manager_tour_${lang}`, {
        steps: () => deletedManagerSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_deleted_posts_user_tour_${lang}`, {
        steps: () => deletedUserSteps(labels),
    });
}
