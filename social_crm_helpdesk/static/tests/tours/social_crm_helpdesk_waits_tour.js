import { registry } from "@web/core/registry";

// A helpdesk agent, in English and in German, reads the current wait of a ticket reopened by a
// new complaint after the answer (the list's Respond By column and the form), and a ticket
// whose post its author deleted on the network (the scrubbed title, the note, no public
// reply offered).
const LABELS = {
    en: {
        respondBy: "Respond by",
        overdue: "Overdue",
        waitsAgain: "Waits again",
        socialTab: "Social Media",
        waitsAgainLabel: "Waits Again",
        waitingSince: "Waiting Since",
        currentDeadline: "Current Deadline",
        firstDeadline: "First Deadline",
        deletedTitle: "Karl Kunde: post deleted by its author",
        deletedNote: "Karl Kunde deleted the post on X (Twitter)",
        clockStopped: "the response clock stopped",
    },
    de: {
        respondBy: "Antworten bis",
        overdue: "Überfällig",
        waitsAgain: "Wartet erneut",
        socialTab: "Social Media",
        waitsAgainLabel: "Wartet erneut",
        waitingSince: "Wartet seit",
        currentDeadline: "Aktuelle Frist",
        firstDeadline: "Erste Frist",
        deletedTitle: "Karl Kunde: Beitrag vom Autor gelöscht",
        deletedNote: "Karl Kunde hat den Beitrag auf X (Twitter) gelöscht",
        clockStopped: "Die Antwortfrist ist angehalten",
    },
};

function text(el) {
    return el.textContent.replace(/\s+/g, " ").trim();
}

function waitsAgainSteps(t) {
    // the Respond By cell of the list, compared with the form's badge
    let respondBy = "";
    return [
        {
            content: "The reopened ticket is in the list, waiting: the new deadline, not the first",
            trigger: `.o_list_view .o_data_row:contains('Klara Kundin') .o_data_cell[name=social_deadline_label]:contains('${t.respondBy}')`,
            run() {
                const row = this.anchor.closest(".o_data_row");
                respondBy = text(row.querySelector(".o_data_cell[name=social_wait_deadline]"));
                if (!respondBy) {
                    throw new Error("The Respond By column is empty for the reopened ticket");
                }
                if (!text(this.anchor).includes(respondBy)) {
                    throw new Error(`The badge "${text(this.anchor)}" does not say "${respondBy}"`);
                }
                if (text(this.anchor).includes(t.overdue)) {
                    throw new Error("The reopened ticket reads as overdue (the first deadline?)");
                }
            },
        },
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:contains('Klara Kundin') .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The form says the ticket waits again",
            trigger: `.o_form_view .o_social_waits_again_badge:visible:contains('${t.waitsAgain}')`,
        },
        {
            content: "and until when: the deadline of the list",
            trigger: `.o_form_view .o_social_deadline_badge:visible:contains('${t.respondBy}')`,
            run() {
                if (!text(this.anchor).includes(respondBy)) {
                    throw new Error(`The form's deadline "${text(this.anchor)}" is not "${respondBy}"`);
                }
            },
        },
        {
            content: "The social media tab",
            trigger: `.o_form_view .o_notebook .nav-link:contains('${t.socialTab}')`,
            run: "click",
        },
        {
            content: "It counts the new wait",
            trigger: `.o_form_view .o_notebook .o_inner_group:has(label:contains('${t.waitsAgainLabel}')) .o_field_widget[name=social_reopen_count]:contains('1')`,
        },
        {
            trigger: `.o_form_view .o_notebook label:contains('${t.waitingSince}')`,
        },
        {
            content: "The current deadline is not the first complaint's",
            trigger: `.o_form_view .o_notebook label:contains('${t.currentDeadline}')`,
            run() {
                const value = (name) =>
                    text(document.querySelector(`.o_form_view .o_field_widget[name=${name}]`));
                const current = value("social_wait_deadline");
                const first = value("social_response_deadline");
                if (!current || current === first) {
                    throw new Error(`Current deadline "${current}", first deadline "${first}"`);
                }
            },
        },
        {
            content: "The current wait is the product's to write, not the agent's",
            trigger: ".o_form_view .o_notebook .o_field_widget[name=social_wait_deadline]",
            run() {
                for (const name of ["social_wait_since", "social_wait_deadline"]) {
                    const field = document.querySelector(`.o_form_view .o_field_widget[name=${name}]`);
                    if (field.querySelector("input, button, .o_input")) {
                        throw new Error(`${name} can be edited by hand`);
                    }
                }
            },
        },
        {
            content: "The first complaint's deadline is named so (not a second 'Respond By')",
            trigger: `.o_form_view .o_notebook .o_inner_group:has(label:contains('${t.firstDeadline}')) .o_field_widget[name=social_response_deadline]`,
        },
    ];
}

function deletedPostSteps(t) {
    return [
        {
            content: "The title no longer quotes the deleted post",
            trigger: ".o_form_view .o_field_widget[name=name] :is(input, textarea)",
            run() {
                if (this.anchor.value !== t.deletedTitle) {
                    throw new Error(`The title is "${this.anchor.value}", not "${t.deletedTitle}"`);
                }
            },
        },
        {
            content: "The description says what happened",
            trigger: `.o_form_view .o_field_widget[name=description]:contains('${t.deletedNote}')`,
        },
        {
            content: "The note in the chatter: deleted, the clock stopped",
            trigger: `.o-mail-Message:contains('${t.deletedNote}'):contains('${t.clockStopped}')`,
        },
        {
            content: "Nothing to answer publicly: no reply, no link to the post, no deadline",
            trigger: ".o_form_view:not(:has(.o_social_reply_button, .o_social_open_button, .o_social_hide_button, .o_social_hide_banner_button))",
        },
        {
            trigger: ".o_form_view:not(:has(.o_social_deadline_badge))",
        },
        {
            content: "The deleted words are nowhere on the screen",
            trigger: ".o_form_view",
            run() {
                const screen = document.body.innerText;
                for (const word of ["Router", "Frechheit"]) {
                    if (screen.includes(word)) {
                        throw new Error(`"${word}" of the deleted post is still shown`);
                    }
                }
            },
        },
    ];
}

for (const [lang, labels] of Object.entries(LABELS)) {
    registry.category("web_tour.tours").add(`social_crm_helpdesk_waits_again_${lang}`, {
        steps: () => waitsAgainSteps(labels),
    });
    registry.category("web_tour.tours").add(`social_crm_helpdesk_deleted_post_${lang}`, {
        steps: () => deletedPostSteps(labels),
    });
}
