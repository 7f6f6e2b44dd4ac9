//! The written-chat room of a session, as the customer (by the manage link) and staff
//! read it: before it opens, when it opens; while open, the messages and a form to write
//! one, and for the customer whether the conversation is emailed when the session ends;
//! once the session has ended, the messages to read. Plain pages that work without
//! scripts: "check for new messages" loads the page again. The session's staff page shows
//! the same messages as its transcript.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, back_link, button, choices, csrf_field, error_summary,
    form, notification_banner, secondary_button, textarea, warning_button,
};
use super::layout::{Page, render};
use super::requests::with_reference;
use crate::domain::chat::RoomState;
use maud::{Markup, html};
use time::OffsetDateTime;

/// One message as shown.
#[derive(Debug, Clone)]
pub struct ChatLine {
    /// The message's id: ids rise in the order messages were written.
    pub id: i64,
    /// Who wrote it: the customer's name as booked, a proxy's name, or a staff member's
    /// display name.
    pub who: String,
    /// When a proxy wrote it, the customer (as booked) they wrote for: shown with the
    /// name, so everyone knows who is who.
    pub proxy_for: Option<String>,
    /// When.
    pub at: OffsetDateTime,
    /// What it says.
    pub body: String,
    /// Whether the desk wrote it.
    pub from_desk: bool,
}

/// What staff can do to the room, and where.
pub struct StaffControls<'a> {
    /// Where "open the room now" posts.
    pub open: &'a str,
    /// Where "end the session" posts.
    pub end: &'a str,
    /// The customer's name as booked.
    pub customer: &'a str,
    /// The viewer's saved phrases and the session's notes.
    pub desk: super::staff_room::StaffDesk<'a>,
}

/// The customer's choice of the conversation by email when the session ends.
pub struct TranscriptChoice<'a> {
    /// Where the choice is saved.
    pub action: &'a str,
    /// Whether it is ticked now.
    pub by_email: bool,
}

/// Everything the room page shows.
pub struct ChatPage<'a> {
    /// The session's reference number.
    pub reference: &'a str,
    /// Where the room stands.
    pub state: RoomState,
    /// The messages, oldest first.
    pub lines: &'a [ChatLine],
    /// The room's own address: messages are posted here, and it is loaded again to check
    /// for new ones.
    pub action: &'a str,
    /// Where the back link goes.
    pub back: &'a str,
    /// Where the open room's news can be followed live.
    pub events: &'a str,
    /// What was typed, kept when refused.
    pub typed: &'a str,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
    /// Staff's controls; none on the customer's page.
    pub staff: Option<StaffControls<'a>>,
    /// The customer's choice of the conversation by email; none on staff's page.
    pub transcript: Option<TranscriptChoice<'a>>,
    /// When a proxy is in the room for the customer, by a link made for them: the
    /// customer, as booked.
    pub proxy_for: Option<&'a str>,
}

/// The messages, oldest first, each with who wrote it and when; `none_key` says there are
/// none.
pub fn messages(ctx: &PageContext, lines: &[ChatLine], none_key: &str) -> Markup {
    html! {
        @if lines.is_empty() {
            p { (ctx.t(none_key)) }
        } @else {
            ol .thread {
                @for line in lines {
                    (message_item(ctx, line))
                }
            }
        }
    }
}

/// One message of the list: the page draws each, and a live page is sent each new one.
pub fn message_item(ctx: &PageContext, line: &ChatLine) -> Markup {
    html! {
        li .thread__message .thread__message--desk[line.from_desk] id=(format!("m-{}", line.id)) {
            p .thread__meta {
                strong {
                    @if let Some(customer) = &line.proxy_for {
                        (ctx.tf("chat.author.proxy", &[("name", &line.who), ("customer", customer)]))
                    } @else {
                        (line.who)
                    }
                }
                br;
                span .muted { (ctx.datetime(line.at)) }
            }
            div .thread__body .pre-line { (line.body) }
        }
    }
}

/// The customer's choice of the conversation by email, with its own small form.
fn transcript_choice(
    ctx: &PageContext,
    choice: &TranscriptChoice<'_>,
    proxy_for: Option<&str>,
) -> Markup {
    let label = ctx.t("chat.transcript.label");
    let hint = match proxy_for {
        Some(customer) => ctx.tf("chat.proxy.transcript_hint", &[("customer", customer)]),
        None => ctx.t("chat.transcript.hint").to_owned(),
    };
    form(
        ctx,
        choice.action,
        html! {
            (choices(ctx, ChoiceGroup {
                name: "transcript_by_email",
                legend: ctx.t("chat.transcript.legend"),
                legend_is_heading: false,
                hint: Some(&hint),
                choices: vec![Choice { value: "yes", label: label.to_owned(), hint: None }],
                selected: if choice.by_email { vec!["yes"] } else { Vec::new() },
                error: None,
                multiple: true,
            }))
            (secondary_button(ctx.t("chat.transcript.submit")))
        },
    )
}

/// The messages, oldest first, as a log. While the room is open, `events` is where a
/// script may follow it live, from the last message shown on.
fn log(ctx: &PageContext, lines: &[ChatLine], events: Option<&str>) -> Markup {
    let last = lines.last().map_or(0, |l| l.id);
    html! {
        h2 .heading-m #chat-log-heading { (ctx.t("chat.log_heading")) }
        div #chat-log role="log" aria-labelledby="chat-log-heading"
            data-events=[events] data-last=[events.map(|_| last)] {
            (messages(ctx, lines, "chat.none"))
        }
    }
}

/// The room page.
pub fn room(ctx: &PageContext, page: &ChatPage<'_>) -> Markup {
    let staff = page.staff.is_some();
    let title_key = if staff {
        "chat.staff.title"
    } else {
        "chat.title"
    };
    let title = ctx.tf(title_key, &[("reference", page.reference)]);
    let (label, hint) = if staff {
        ("chat.staff.message_label", "chat.staff.message_hint")
    } else {
        ("chat.message_label", "chat.message_hint")
    };
    let hint = match page.proxy_for {
        Some(customer) => ctx.tf("chat.proxy.message_hint", &[("customer", customer)]),
        None => ctx.t(hint).to_owned(),
    };
    let body = html! {
        (back_link(ctx, page.back))
        @if let Some(key) = page.notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t(key)) } }))
        }
        (error_summary(ctx, page.errors))
        h1 .heading-l { (with_reference(ctx, title_key, page.reference)) }
        @if let Some(customer) = page.proxy_for {
            p #chat-proxy { (ctx.tf("chat.proxy.lead", &[("customer", customer)])) }
        }
        @if let Some(controls) = &page.staff {
            p { (ctx.tf("chat.staff.customer", &[("name", controls.customer)])) }
        }
        @match page.state {
            RoomState::NotYet { opens_at } => {
                p #chat_state .lead {
                    (ctx.tf(if staff { "chat.staff.not_yet" } else { "chat.not_yet" },
                        &[("time", &ctx.datetime(opens_at))]))
                }
                @if let Some(controls) = &page.staff {
                    h2 .heading-m { (ctx.t("chat.staff.open_heading")) }
                    p { (ctx.t("chat.staff.open_lead")) }
                    (form(ctx, controls.open, html! { (secondary_button(ctx.t("chat.staff.open_submit"))) }))
                }
                (log(ctx, page.lines, None))
            }
            RoomState::Open => {
                p #chat_state { (ctx.t(if staff { "chat.staff.open_lead_now" } else { "chat.open_lead" })) }
                div #chat-status .visually-hidden role="status" {}
                (log(ctx, page.lines, Some(page.events)))
                p { a #chat-refresh href=(page.action) { (ctx.t("chat.refresh")) } }
                form method="post" action=(page.action) novalidate data-chat-send data-chat-while-open {
                    (csrf_field(ctx))
                    (textarea(ctx, "chat_message", ctx.t(label), Some(&hint), page.typed,
                        page.errors.message(ctx, "chat_message").as_deref()))
                    (button(ctx.t("chat.send")))
                    @if let Some(controls) = &page.staff {
                        (super::staff_room::phrases(ctx, &controls.desk))
                    }
                }
                @if let Some(choice) = &page.transcript {
                    div data-chat-while-open { (transcript_choice(ctx, choice, page.proxy_for)) }
                }
                @if let Some(controls) = &page.staff {
                    h2 .heading-m { (ctx.t("chat.staff.end_heading")) }
                    p { (ctx.t("chat.staff.end_lead")) }
                    form method="post" action=(controls.end) novalidate data-destructive data-chat-while-open {
                        (csrf_field(ctx))
                        (choices(ctx, ChoiceGroup {
                            name: "outcome",
                            legend: ctx.t("chat.staff.outcome_legend"),
                            legend_is_heading: false,
                            hint: None,
                            choices: vec![
                                Choice { value: "completed", label: ctx.t("chat.staff.outcome.completed").to_owned(), hint: None },
                                Choice { value: "no_show_customer", label: ctx.t("chat.staff.outcome.no_show_customer").to_owned(), hint: None },
                            ],
                            selected: vec!["completed"],
                            error: page.errors.message(ctx, "outcome"),
                            multiple: false,
                        }))
                        (warning_button(ctx.t("chat.staff.end_submit")))
                    }
                }
            }
            RoomState::Closed => {
                p #chat_state .lead { (ctx.t(if staff { "chat.staff.closed" } else { "chat.closed" })) }
                (log(ctx, page.lines, None))
            }
        }
        @if let Some(controls) = &page.staff {
            (super::staff_room::notes(ctx, &controls.desk, page.errors))
            (super::incidents::support_box(ctx, controls.desk.support_action, controls.desk.report_link))
        }
    };
    let mut layout = Page::new(&title, body)
        .with_errors(page.errors.len())
        .with_script("chat.js");
    if staff {
        layout = layout.with_script("staff-room.js");
    }
    render(ctx, layout)
}
