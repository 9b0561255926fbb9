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
            content: "Set the time zone",
            trigger: ".o_field_widget[name=user_ids] .o_data_row.o_selected_row .o_field_widget[name=social_resource_tz] select",
            run: "selectByLabel Europe/Lisbon",
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
            content: "The time off list",
            trigger: ".o_list_view, .o_view_nocontent",
        },
    ],
});
