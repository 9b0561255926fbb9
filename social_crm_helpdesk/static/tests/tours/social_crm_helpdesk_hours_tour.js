import { registry } from "@web/core/registry";

// A helpdesk lead sets the working hours and time zone of a team member on the team form
// (Team Members), and saves; the time off of the members is one click away.
registry.category("web_tour.tours").add("social_crm_helpdesk_member_hours_tour", {
    steps: () => [
        {
            content: "The member has no working hours yet",
            trigger: ".o_field_widget[name=user_ids] .o_data_row:contains('Bert Shift') .o_data_cell[name=social_calendar_id]",
            run: "click",
        },
        {
            content: "Search the working time",
            trigger: ".o_field_widget[name=user_ids] .o_data_row.o_selected_row .o_field_widget[name=social_calendar_id] input",
            run: "edit Late shift",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item .dropdown-item:contains('Late shift Tour')",
            run: "click",
        },
        {
            content: "The working hours are chosen",
            trigger: ".o_field_widget[name=user_ids] .o_data_row.o_selected_row .o_field_widget[name=social_calendar_id] input:value('Late shift Tour')",
        },
        {
            content: "Search the time zone",
            trigger: ".o_field_widget[name=user_ids] .o_data_row.o_selected_row .o_field_widget[name=social_resource_tz] input.o_select_menu_toggler",
            run: "edit Lisbon",
        },
        {
            content: "Pick it",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Europe/Lisbon')",
            run: "click",
        },
        {
            content: "The time zone is chosen",
            trigger: ".o_field_widget[name=user_ids] .o_data_row.o_selected_row .o_field_widget[name=social_resource_tz] input:value('Europe/Lisbon')",
        },
        {
            content: "Save the team",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the member shows the working hours",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=user_ids] .o_data_row:contains('Bert Shift') .o_data_cell[name=social_calendar_id]:contains('Late shift Tour')",
        },
        {
            content: "The time off of the members opens",
            trigger: ".o_form_view button.o_social_time_off_button",
            run: "click",
        },
        {
            content: "The time off of the team opens",
            trigger: ".o_breadcrumb .active:contains('Time Off: Hours Tour Team')",
        },
        {
            content: "The public holiday of the member's working time is listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Holiday')",
        },
    ],
});
