//! The customer's pages of support requests: the start page, the questions one a page, the
//! page about a lost or stolen card, check your answers, and the thread (which is also the
//! confirmation of a request just sent).

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, card_stop_box,
    card_stop_list, choices, error_summary, form, input, lines, notification_banner,
    secondary_button, summary_list, textarea, topic_name,
};
use super::journey::{StepNav, question_page};
use super::layout::{Page, render};
use crate::domain::Lang;
use crate::domain::journey::Step;
use crate::domain::request::{
    DETAILS_MAX_CHARS, MESSAGE_MAX_CHARS, ReplyChannel, RequestDraft, RequestStatus, RequestStep,
    Topic,
};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// A message typed into a thread, kept when refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    /// The message.
    pub message: String,
}

/// One message of a thread as shown.
#[derive(Debug, Clone)]
pub struct ThreadLine {
    /// Who wrote it, written out.
    pub who: String,
    /// Whether the desk wrote it.
    pub from_desk: bool,
    /// Whether it is an internal note (staff pages only).
    pub internal: bool,
    /// When.
    pub at: OffsetDateTime,
    /// What it says.
    pub body: String,
}

/// What the pages show of a request, as it stands.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// What it is about.
    pub topic: Topic,
    /// How the customer wants the answer.
    pub channel: ReplyChannel,
    /// Where it stands.
    pub status: RequestStatus,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's member number, if given.
    pub member_number: Option<String>,
    /// Where answers and links are emailed, if anywhere.
    pub email: Option<String>,
    /// The fax number, for an answer by fax.
    pub fax: Option<String>,
    /// The postal address, for an answer by post.
    pub postal_address: Option<String>,
    /// The customer's language.
    pub lang: Lang,
    /// The staff member it is with.
    pub assignee_id: Option<i64>,
    /// The registration of the proxy who sent it, if one did.
    pub proxy_registration_id: Option<i64>,
    /// When it was sent.
    pub created_at: OffsetDateTime,
    /// When the desk's next reply is due; none while nothing is owed.
    pub due_at: Option<OffsetDateTime>,
    /// When staff first replied.
    pub first_reply_at: Option<OffsetDateTime>,
}

/// Everything the thread page shows.
pub struct ThreadPage<'a> {
    /// The request.
    pub r: &'a RequestFacts,
    /// Where it stands.
    pub status: RequestStatus,
    /// Its messages, oldest first.
    pub lines: Vec<ThreadLine>,
    /// The sessions booked for it, written out.
    pub sessions: Vec<String>,
    /// Where a new message is posted.
    pub post_to: String,
    /// Where booking the session starts, when the reply comes in one.
    pub book_to: Option<String>,
    /// Whether the request was just sent (the page is its confirmation).
    pub sent: bool,
    /// The link to this page, to keep (for a customer's request just sent).
    pub link: Option<String>,
    /// The back link (a proxy's customer page).
    pub back: Option<String>,
    /// The feedback form about the request, offered once it is resolved and until answered.
    pub feedback: Option<String>,
}

/// A stored name written out: `request.{group}.{value}`.
pub fn label(ctx: &PageContext, group: &str, value: &str) -> String {
    ctx.t(&format!("request.{group}.{value}")).to_owned()
}

/// A sentence with a reference number in it (`{reference}` in the message), the reference
/// kept on one line: a narrow screen would otherwise break it after its first hyphen.
pub fn with_reference(ctx: &PageContext, key: &str, reference: &str) -> Markup {
    let text = ctx.tf(key, &[("reference", "{reference}")]);
    let mut parts = text.split("{reference}");
    let first = parts.next().unwrap_or_default();
    html! {
        (first)
        @for part in parts {
            span .nowrap { (reference) }
            (part)
        }
    }
}

/// `/requests/new`: the start page.
pub fn start(ctx: &PageContext, resume: Option<&str>) -> Markup {
    let title = ctx.t("request.start.title");
    let body = html! {
        h1 .heading-l { (title) }
        p .lead { (ctx.t("request.start.lead")) }
        h2 .heading-m { (ctx.t("request.start.how_heading")) }
        ul .list .list--bullet {
            @for channel in ReplyChannel::ALL {
                li { (label(ctx, "channel", channel.as_str())) }
            }
        }
        p { (ctx.t("request.start.no_phone")) }
        h2 .heading-m { (ctx.t("request.start.lost_heading")) }
        p { a href=(paths::requests::LOST_CARD) { (ctx.t("request.start.lost_link")) } }
        h2 .heading-m { (ctx.t("request.start.need_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("request.start.need_1")) }
            li { (ctx.t("request.start.need_2")) }
        }
        p { (ctx.t("request.start.no_time_limit")) }
        @if let Some(resume) = resume {
            p { a .button href=(resume) draggable="false" { (ctx.t("request.start.resume")) } }
        } @else {
            p { a .button href=(paths::requests::step(RequestStep::Topic.slug())) draggable="false" { (ctx.t("request.start.button")) } }
        }
    };
    render(ctx, Page::new(title, body))
}

/// What to do at once about a lost or stolen card, before the request goes on.
pub fn lost_card(ctx: &PageContext, next: &str) -> Markup {
    let title = ctx.t("request.lost.title");
    let body = html! {
        (back_link(ctx, &paths::requests::step(RequestStep::Topic.slug())))
        h1 .heading-l { (title) }
        div .warning-text {
            strong { (ctx.t("request.lost.first")) }
        }
        h2 .heading-m { (ctx.t("request.lost.now_heading")) }
        (card_stop_list(ctx))
        ol .list .list--number {
            li { (ctx.t("request.lost.step_1")) }
            li { (ctx.t("request.lost.step_2")) }
            li { (ctx.t("request.lost.step_3")) }
            li { (ctx.t("request.lost.step_4")) }
        }
        p { (ctx.t("request.lost.not_charged")) }
        h2 .heading-m { (ctx.t("request.lost.here_heading")) }
        p { (ctx.t("request.lost.here")) }
        p { a .button href=(next) draggable="false" { (ctx.t("request.lost.continue")) } }
    };
    render(ctx, Page::new(title, body))
}

fn channel_choices<'a>(ctx: &PageContext) -> Vec<Choice<'a>> {
    ReplyChannel::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str(),
            label: label(ctx, "channel", c.as_str()).to_owned(),
            hint: Some(
                ctx.t(&format!("request.channel_hint.{}", c.as_str()))
                    .to_owned(),
            ),
        })
        .collect()
}

fn text_field(
    ctx: &PageContext,
    errors: &Errors,
    name: &'static str,
    value: &str,
    kind: &str,
    autocomplete: Option<&str>,
    hint: Option<&str>,
) -> Markup {
    input(
        ctx,
        Input {
            name,
            label: ctx.t(&format!("request.field.{name}")),
            hint,
            value,
            kind,
            autocomplete,
            error: errors.message(ctx, name),
            no_spellcheck: kind == "email",
            width: None,
        },
    )
}

/// One question of the journey.
pub fn step(
    ctx: &PageContext,
    step: RequestStep,
    draft: &RequestDraft,
    nav: &StepNav,
    errors: &Errors,
) -> Markup {
    let title = ctx
        .t(&format!("request.step.{}.title", step.slug()))
        .to_owned();
    let heading = html! { h1 .heading-l { (title) } };
    let limit = DETAILS_MAX_CHARS.to_string();
    let fields = match step {
        RequestStep::Topic => html! {
            (choices(ctx, ChoiceGroup {
                name: "topic",
                legend: &title,
                legend_is_heading: true,
                hint: Some(ctx.t("request.hint.topic")),
                choices: Topic::ALL.iter().map(|t| Choice {
                    value: t.as_str(),
                    label: topic_name(ctx, t.as_str()).to_owned(),
                    hint: Some(ctx.t(&format!("request.topic_hint.{}", t.as_str())).to_owned()),
                }).collect(),
                selected: vec![draft.topic.as_str()],
                error: errors.message(ctx, "topic"),
                multiple: false,
            }))
        },
        RequestStep::Details => html! {
            (heading)
            @if let Some(topic) = draft.topic() {
                p { (ctx.tf("request.details.about", &[("topic", &topic_name(ctx, topic.as_str()))])) }
            }
            (textarea(ctx, "details", ctx.t("request.field.details"),
                Some(&ctx.tf("request.hint.details", &[("max", &limit)])), &draft.details,
                errors.message(ctx, "details").as_deref()))
        },
        RequestStep::AboutYou => html! {
            (heading)
            (text_field(ctx, errors, "name", &draft.name, "text", Some("name"), None))
            (text_field(ctx, errors, "member_number", &draft.member_number, "text", Some("off"),
                Some(ctx.t("request.hint.member_number"))))
        },
        RequestStep::Channel => html! {
            (choices(ctx, ChoiceGroup {
                name: "channel",
                legend: &title,
                legend_is_heading: true,
                hint: Some(ctx.t("request.hint.channel")),
                choices: channel_choices(ctx),
                selected: vec![draft.channel.as_str()],
                error: errors.message(ctx, "channel"),
                multiple: false,
            }))
        },
        RequestStep::Contact => {
            let channel = draft.channel();
            let email_hint = match channel {
                Some(ReplyChannel::Fax | ReplyChannel::Post) => {
                    ctx.t("request.hint.email_optional")
                }
                Some(ReplyChannel::Email) => ctx.t("request.hint.email_reply"),
                _ => ctx.t("request.hint.email_session"),
            };
            html! {
                (heading)
                @match channel {
                    Some(ReplyChannel::Fax) => {
                        (text_field(ctx, errors, "fax", &draft.fax, "tel", Some("off"), Some(ctx.t("request.hint.fax"))))
                    }
                    Some(ReplyChannel::Post) => {
                        (textarea(ctx, "address", ctx.t("request.field.address"), Some(ctx.t("request.hint.address")),
                            &draft.address, errors.message(ctx, "address").as_deref()))
                    }
                    _ => {}
                }
                (text_field(ctx, errors, "email", &draft.email, "email", Some("email"), Some(email_hint)))
            }
        }
    };
    question_page(ctx, title, nav, errors, fields)
}

/// Check your answers.
pub fn check(ctx: &PageContext, draft: &RequestDraft) -> Markup {
    let title = ctx.t("request.check.title");
    let none = ctx.t("request.check.none");
    let or_none = |v: &str| -> Markup {
        if v.trim().is_empty() {
            html! { (none) }
        } else {
            lines(v.trim())
        }
    };
    let row = |key: &str, value: Markup, step: RequestStep| SummaryRow {
        key: ctx.t(key).to_owned(),
        value,
        change: Some((
            format!("{}?change=1", paths::requests::step(step.slug())),
            ctx.t(key).to_owned(),
        )),
    };
    let channel = draft.channel();
    let mut rows = vec![
        row(
            "request.field.topic",
            html! { (topic_name(ctx, draft.topic.as_str())) },
            RequestStep::Topic,
        ),
        row(
            "request.field.details",
            lines(draft.details.trim()),
            RequestStep::Details,
        ),
        row(
            "request.field.name",
            html! { (draft.name.trim()) },
            RequestStep::AboutYou,
        ),
        row(
            "request.field.member_number",
            or_none(&draft.member_number),
            RequestStep::AboutYou,
        ),
        row(
            "request.field.channel",
            html! { (label(ctx, "channel", draft.channel.as_str())) },
            RequestStep::Channel,
        ),
    ];
    match channel {
        Some(ReplyChannel::Fax) => rows.push(row(
            "request.field.fax",
            html! { (draft.fax.trim()) },
            RequestStep::Contact,
        )),
        Some(ReplyChannel::Post) => rows.push(row(
            "request.field.address",
            lines(draft.address.trim()),
            RequestStep::Contact,
        )),
        _ => {}
    }
    rows.push(row(
        "request.field.email",
        or_none(&draft.email),
        RequestStep::Contact,
    ));
    let body = html! {
        (back_link(ctx, &paths::requests::step(RequestStep::Contact.slug())))
        h1 .heading-l { (title) }
        (summary_list(ctx, &rows))
        h2 .heading-m { (ctx.t("request.check.send_heading")) }
        p { (ctx.t("request.check.send_lead")) }
        @if channel.is_some_and(ReplyChannel::is_session) {
            p { (ctx.t("request.check.session_next")) }
        }
        (form(ctx, paths::requests::CHECK, html! {
            (button(ctx.t("request.check.send")))
        }))
    };
    render(ctx, Page::new(title, body))
}

/// The page a second press of "send" reaches.
pub fn sent_again(ctx: &PageContext, reference: &str, with_email: bool) -> Markup {
    let title = ctx.t("request.sent_again.title");
    let body = html! {
        div .panel {
            h1 .panel__title { (title) }
            div .panel__body {
                (ctx.t("request.done.reference")) br;
                strong .reference { (reference) }
            }
        }
        @if with_email {
            p { (ctx.t("request.sent_again.email")) }
        } @else {
            p { (ctx.t("request.sent_again.no_email")) }
        }
        p { a href=(paths::public::HOME) { (ctx.t("apply.done.home")) } }
    };
    render(ctx, Page::new(title, body))
}

/// The messages of a thread, oldest first.
pub fn messages(ctx: &PageContext, lines_: &[ThreadLine]) -> Markup {
    html! {
        ol .thread {
            @for line in lines_ {
                li .thread__message .thread__message--desk[line.from_desk] .thread__message--note[line.internal] {
                    p .thread__meta {
                        strong { (line.who) }
                        @if line.internal { " " strong .tag { (ctx.t("request.thread.internal")) } }
                        br;
                        span .muted { (ctx.datetime(line.at)) }
                    }
                    div .thread__body { (lines(&line.body)) }
                }
            }
        }
    }
}

/// The thread, as the customer or their proxy reads it.
pub fn thread(
    ctx: &PageContext,
    page: &ThreadPage<'_>,
    typed: &MessageForm,
    errors: &Errors,
) -> Markup {
    let r = page.r;
    let title = if page.sent {
        ctx.t("request.done.title").to_owned()
    } else {
        ctx.tf("request.thread.title", &[("reference", &r.reference)])
    };
    let limit = MESSAGE_MAX_CHARS.to_string();
    let body = html! {
        @if let Some(back) = &page.back { (back_link(ctx, back)) }
        (error_summary(ctx, errors))
        @if page.sent {
            div .panel {
                h1 .panel__title { (title) }
                div .panel__body {
                    (ctx.t("request.done.reference")) br;
                    strong .reference { (r.reference) }
                }
            }
            @if r.email.is_some() {
                p { (ctx.tf("request.done.email", &[("email", r.email.as_deref().unwrap_or_default())])) }
            }
            @if let Some(link) = &page.link {
                h2 .heading-m { (ctx.t("request.done.link_heading")) }
                p { (ctx.t("request.done.link")) }
                p .link-box { a href=(link) { (link) } }
            }
            h2 .heading-m { (ctx.t("request.done.next_heading")) }
            p { (ctx.t(&format!("request.done.next.{}", r.channel.as_str()))) }
            @if let Some(due) = r.due_at {
                p { (ctx.tf("request.done.due", &[("due", &ctx.datetime(due))])) }
            }
        } @else {
            h1 .heading-l { (with_reference(ctx, "request.thread.title", &r.reference)) }
        }
        @if r.topic == Topic::LostStolen {
            (card_stop_box(ctx, "lost.stop.request_warning"))
        }
        @if let Some(book) = &page.book_to {
            @if page.sessions.is_empty() {
                h2 .heading-m { (ctx.t("request.thread.book_heading")) }
                p { (ctx.t(&format!("request.thread.book_lead.{}", r.channel.as_str()))) }
                (form(ctx, book, html! { (button(ctx.t("request.thread.book"))) }))
            }
        }
        @if let Some(href) = &page.feedback {
            (super::feedback::offer(ctx, href))
        }
        h2 .heading-m { (ctx.t("request.thread.about_heading")) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("request.field.status").to_owned(), value: html! { strong class={ "tag tag--" (page.status.as_str()) } { (label(ctx, "status", page.status.as_str())) } }, change: None },
            SummaryRow { key: ctx.t("request.field.topic").to_owned(), value: html! { (topic_name(ctx, r.topic.as_str())) }, change: None },
            SummaryRow { key: ctx.t("request.field.channel").to_owned(), value: html! { (label(ctx, "channel", r.channel.as_str())) }, change: None },
            SummaryRow { key: ctx.t("request.field.sent_at").to_owned(), value: html! { (ctx.datetime(r.created_at)) }, change: None },
        ]))
        @if !page.sessions.is_empty() {
            h2 .heading-m { (ctx.t("request.thread.sessions")) }
            ul .list { @for s in &page.sessions { li { (s) } } }
        }
        h2 .heading-m #messages { (ctx.t("request.thread.messages")) }
        (messages(ctx, &page.lines))
        @if page.status == RequestStatus::Closed {
            p { (ctx.t("request.thread.closed")) }
            p { a href=(paths::requests::NEW) { (ctx.t("request.thread.new")) } }
        } @else {
            // Said before the form, where it is read before writing, not after it.
            @if page.status == RequestStatus::Waiting || page.status == RequestStatus::Resolved {
                (notification_banner(ctx, Banner::Important, html! {
                    p { (ctx.t("request.thread.reopen_hint")) }
                }))
            }
            (form(ctx, &page.post_to, html! {
                (textarea(ctx, "message", ctx.t("request.field.message"),
                    Some(&ctx.tf("request.hint.message", &[("max", &limit)])), &typed.message,
                    errors.message(ctx, "message").as_deref()))
                (secondary_button(ctx.t("request.thread.send")))
            }))
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
