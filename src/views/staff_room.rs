//! The staff side of a written-chat room: the saved phrases inside the message form, each a
//! button that puts the phrase into the message (the page again without scripts, at the
//! caret with them; nothing is sent), the notes only staff read, and the page where a
//! staff member keeps their own phrases.

use super::PageContext;
use super::components::{
    Banner, Errors, back_link, button, error_summary, form, notification_banner, secondary_button,
    textarea,
};
use super::layout::{Page, render};
use super::schedule::NoteLine;
use crate::domain::staff_room::PHRASES_MAX;
use maud::{Markup, html};

/// One saved phrase as shown.
#[derive(Debug, Clone)]
pub struct PhraseLine {
    /// Its id, which the button sends.
    pub id: i64,
    /// What it says.
    pub body: String,
}

/// What staff's room shows of the staff side: the viewer's phrases and the session's notes.
pub struct StaffDesk<'a> {
    /// The viewer's own phrases, in the order added.
    pub phrases: &'a [PhraseLine],
    /// Where the viewer keeps their phrases, with the way back to this room.
    pub phrases_page: &'a str,
    /// The session's notes, oldest first.
    pub notes: &'a [NoteLine],
    /// Where a note is posted.
    pub note_action: &'a str,
    /// The note being written, kept when refused.
    pub note_typed: &'a str,
    /// Where "I need support" posts.
    pub support_action: &'a str,
    /// The report form, starting from this session.
    pub report_link: &'a str,
}

/// The phrases inside the message form, after its send button, so that sending stays the
/// form's default: each a button that puts its phrase into the message. With none saved, a
/// hint where to save some.
pub fn phrases(ctx: &PageContext, desk: &StaffDesk<'_>) -> Markup {
    html! {
        @if desk.phrases.is_empty() {
            p #phrases-hint .hint {
                (ctx.t("phrases.room.none")) " "
                a href=(desk.phrases_page) { (ctx.t("phrases.room.none_link")) }
            }
        } @else {
            fieldset .fieldset #phrases aria-describedby="phrases-hint" {
                legend .fieldset__legend { (ctx.t("phrases.room.legend")) }
                div .hint #phrases-hint { (ctx.t("phrases.room.hint")) }
                ul .phrase-list {
                    @for phrase in desk.phrases {
                        li {
                            button .button .button--secondary .phrase type="submit"
                                name="insert_phrase" value=(phrase.id) data-phrase=(phrase.body) {
                                (phrase.body)
                            }
                        }
                    }
                }
                p { a href=(desk.phrases_page) { (ctx.t("phrases.room.manage_link")) } }
            }
        }
    }
}

/// The notes of a session as a list, or that there are none.
fn note_list(ctx: &PageContext, notes: &[NoteLine], labelled_by: &str) -> Markup {
    html! {
        @if notes.is_empty() {
            p { (ctx.t("chat_notes.none")) }
        } @else {
            ul .note-list aria-labelledby=(labelled_by) {
                @for note in notes {
                    li .note {
                        p .note__meta { (ctx.tf("chat_notes.meta", &[("name", &note.author), ("time", &ctx.datetime(note.at))])) }
                        p .note__body .pre-line { (note.body) }
                    }
                }
            }
        }
    }
}

/// The room's notes, in a section of their own that says only staff see them, with the
/// form to write one; whether the room is open or not.
pub fn notes(ctx: &PageContext, desk: &StaffDesk<'_>, errors: &Errors) -> Markup {
    html! {
        section #chat-notes .staff-only aria-labelledby="chat-notes-heading" {
            h2 .heading-m #chat-notes-heading { (ctx.t("chat_notes.heading")) }
            p { strong { (ctx.t("chat_notes.lead")) } }
            (note_list(ctx, desk.notes, "chat-notes-heading"))
            (form(ctx, desk.note_action, html! {
                (textarea(ctx, "chat_note", ctx.t("chat_notes.label"), Some(ctx.t("chat_notes.hint")),
                    desk.note_typed, errors.message(ctx, "chat_note").as_deref()))
                (secondary_button(ctx.t("chat_notes.submit")))
            }))
        }
    }
}

/// The page where a staff member keeps their own phrases.
pub struct PhrasesView<'a> {
    /// Their phrases, in the order added.
    pub phrases: &'a [PhraseLine],
    /// Where phrases are added.
    pub action: &'a str,
    /// The address that removes a phrase, by its id.
    pub remove: &'a dyn Fn(i64) -> String,
    /// Where the back link goes: the room they came from, or the dashboard.
    pub back: &'a str,
    /// What was typed, kept when refused.
    pub typed: &'a str,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
}

/// The page of one's saved phrases: the list, each with its own remove button, and a form
/// to add one.
pub fn phrases_page(ctx: &PageContext, view: &PhrasesView<'_>) -> Markup {
    let title = ctx.t("phrases.title");
    let body = html! {
        (back_link(ctx, view.back))
        @if let Some(key) = view.notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t(key)) } }))
        }
        (error_summary(ctx, view.errors))
        h1 .heading-l { (title) }
        p { (ctx.t("phrases.lead")) }
        h2 .heading-m #phrases-heading { (ctx.t("phrases.list_heading")) }
        @if view.phrases.is_empty() {
            p #phrases-none { (ctx.t("phrases.none")) }
        } @else {
            ul .note-list .phrase-manage aria-labelledby="phrases-heading" {
                @for phrase in view.phrases {
                    li .note {
                        p .note__body .pre-line { (phrase.body) }
                        (form(ctx, &(view.remove)(phrase.id), html! {
                            button .button .button--secondary type="submit" {
                                (ctx.t("phrases.remove"))
                                span .visually-hidden { ": " (phrase.body) }
                            }
                        }))
                    }
                }
            }
        }
        h2 .heading-m { (ctx.t("phrases.add_heading")) }
        p { (ctx.tf("phrases.add_lead", &[("max", &PHRASES_MAX.to_string())])) }
        (form(ctx, view.action, html! {
            (textarea(ctx, "phrase", ctx.t("phrases.label"), Some(ctx.t("phrases.hint")),
                view.typed, view.errors.message(ctx, "phrase").as_deref()))
            (button(ctx.t("phrases.submit")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(view.errors.len()))
}
