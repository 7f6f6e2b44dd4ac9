//! Improvement cases for staff (the list by status, a new case gathering feedback, a case's
//! page with its words, status, publication, feedback and history), and the public "you
//! said, we did" page.

use super::PageContext;
use super::components::{
    Banner, Errors, SummaryRow, back_link, button, error_summary, form, lines, notification_banner,
    summary_list, warning_button,
};
use super::layout::{Page, render};
use crate::domain::feedback::Kind;
use crate::domain::improvement::{CaseForm, CaseStatus};
use crate::i18n;
use crate::paths;
use maud::{Markup, html};
use time::OffsetDateTime;
use time_tz::OffsetDateTimeExt;

/// A status's name.
pub fn status_name(ctx: &PageContext, status: CaseStatus) -> &'static str {
    i18n::t(ctx.lang, status_key(status))
}

fn status_key(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Proposed => "improvements.status.proposed",
        CaseStatus::InProgress => "improvements.status.in_progress",
        CaseStatus::Done => "improvements.status.done",
    }
}

fn status_tag(ctx: &PageContext, status: CaseStatus) -> Markup {
    html! { strong .tag { (status_name(ctx, status)) } }
}

fn kind_name(ctx: &PageContext, kind: Kind) -> &'static str {
    i18n::t(
        ctx.lang,
        match kind {
            Kind::Compliment => "improvements.kind.compliment",
            Kind::Suggestion => "improvements.kind.suggestion",
            Kind::Complaint => "improvements.kind.complaint",
            Kind::Other => "improvements.kind.other",
        },
    )
}

/// How easy it was, as a number of five and in words.
fn ease_text(ctx: &PageContext, ease: i16) -> String {
    let word = match ease {
        1 => ctx.t("improvements.ease.1"),
        2 => ctx.t("improvements.ease.2"),
        3 => ctx.t("improvements.ease.3"),
        4 => ctx.t("improvements.ease.4"),
        5 => ctx.t("improvements.ease.5"),
        _ => "",
    };
    ctx.tf(
        "improvements.ease.value",
        &[("ease", &ease.to_string()), ("word", word)],
    )
}

/// The notices of the case pages, after each form.
pub const NOTICES: &[(&str, &str)] = &[
    ("opened", "improvements.done.opened"),
    ("saved", "improvements.done.saved"),
    ("moved", "improvements.done.moved"),
    ("published", "improvements.done.published"),
    ("withdrawn", "improvements.done.withdrawn"),
];

fn notice_banner(ctx: &PageContext, notice: Option<&str>) -> Markup {
    html! {
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
    }
}

/// One case in the list.
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// For its link.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// What customers said, in the page's language.
    pub you_said: String,
    /// Where it stands.
    pub status: CaseStatus,
    /// How many pieces of feedback it gathers.
    pub gathered: u64,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// Whether it is on the public page.
    pub published: bool,
}

/// The list page.
#[derive(Debug, Clone)]
pub struct ListView<'a> {
    /// The status shown, or every status.
    pub status: Option<CaseStatus>,
    /// How many cases stand in each status.
    pub counts: &'a [(CaseStatus, u64)],
    /// The cases shown.
    pub rows: &'a [CaseRow],
    /// What the form before did.
    pub notice: Option<&'a str>,
}

/// The cases, by status, with their counts.
pub fn list(ctx: &PageContext, v: &ListView<'_>) -> Markup {
    let title = ctx.t("improvements.list.title");
    let total: u64 = v.counts.iter().map(|(_, n)| n).sum();
    let body = html! {
        (back_link(ctx, paths::staff::HOME))
        (notice_banner(ctx, v.notice))
        h1 .heading-l { (title) }
        p { (ctx.t("improvements.list.lead")) }
        ul .list {
            li { a href=(paths::feedback::CASE_NEW) { (ctx.t("improvements.list.new")) } }
            li { a href=(paths::feedback::IMPROVEMENTS) { (ctx.t("improvements.list.public")) } }
        }
        nav aria-label=(ctx.t("improvements.list.by_status")) {
            ul .list .list--inline {
                li { a href=(paths::feedback::CASES) aria-current=[v.status.is_none().then_some("page")] {
                    (ctx.tf("improvements.list.all", &[("count", &total.to_string())]))
                } }
                @for (status, n) in v.counts {
                    li { a href={ (paths::feedback::CASES) "?status=" (status.as_str()) }
                        aria-current=[(v.status == Some(*status)).then_some("page")] {
                        (ctx.tf("improvements.list.status_count", &[("status", status_name(ctx, *status)), ("count", &n.to_string())]))
                    } }
                }
            }
        }
        @if v.rows.is_empty() {
            p { (ctx.t("improvements.list.empty")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="cases-caption" tabindex="0" {
                table .table {
                    caption .visually-hidden #cases-caption { (ctx.t("improvements.list.caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("improvements.field.reference")) }
                        th scope="col" { (ctx.t("improvements.field.you_said")) }
                        th scope="col" { (ctx.t("improvements.field.status")) }
                        th scope="col" .table__numeric { (ctx.t("improvements.field.gathered")) }
                        th scope="col" { (ctx.t("improvements.field.public")) }
                        th scope="col" { (ctx.t("improvements.field.updated")) }
                    } }
                    tbody {
                        @for r in v.rows {
                            tr {
                                td { a .nowrap href=(paths::feedback::case(r.id)) { (r.reference) } }
                                td { (excerpt(&r.you_said)) }
                                td { (status_tag(ctx, r.status)) }
                                td .table__numeric { (r.gathered) }
                                td { (ctx.t(if r.published { "improvements.list.published" } else { "improvements.list.not_published" })) }
                                td { (ctx.datetime(r.updated_at)) }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(title, body))
}

/// The first 120 characters of a text, for a list.
fn excerpt(text: &str) -> String {
    const SHOWN: usize = 120;
    match text.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A piece of feedback, as the case pages show it.
#[derive(Debug, Clone)]
pub struct FeedbackLine {
    /// For its staff page.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// What kind of remark.
    pub kind: Kind,
    /// 1 to 5.
    pub ease: i16,
    /// The comment, when one was written.
    pub comment: Option<String>,
    /// When it came in.
    pub received_at: OffsetDateTime,
    /// The case it is gathered into now, when another: its reference.
    pub elsewhere: Option<String>,
}

fn feedback_table(ctx: &PageContext, rows: &[FeedbackLine], caption: &str) -> Markup {
    html! {
        div .table-wrap role="region" aria-labelledby="feedback-caption" tabindex="0" {
            table .table {
                caption .visually-hidden #feedback-caption { (caption) }
                thead { tr {
                    th scope="col" { (ctx.t("improvements.feedback.reference")) }
                    th scope="col" { (ctx.t("improvements.feedback.kind")) }
                    th scope="col" { (ctx.t("improvements.feedback.ease")) }
                    th scope="col" { (ctx.t("improvements.feedback.comment")) }
                    th scope="col" { (ctx.t("improvements.feedback.received")) }
                } }
                tbody {
                    @for f in rows {
                        tr {
                            td { a .nowrap href=(paths::feedback::item(f.id)) { (f.reference) } }
                            td { (kind_name(ctx, f.kind)) }
                            td { (ease_text(ctx, f.ease)) }
                            td {
                                @match &f.comment {
                                    Some(comment) => { (lines(comment)) }
                                    None => { span .muted { (ctx.t("improvements.gathered.no_comment")) } }
                                }
                                @if let Some(other) = &f.elsewhere {
                                    p .hint { (ctx.tf("improvements.new.moves", &[("reference", other)])) }
                                }
                            }
                            td { (ctx.datetime(f.received_at)) }
                        }
                    }
                }
            }
        }
    }
}

/// A text box written in one language, whatever the page's: its label, hint and error.
fn text_in(
    ctx: &PageContext,
    name: &'static str,
    lang: &str,
    value: &str,
    hint_id: &str,
    errors: &Errors,
) -> Markup {
    let error = errors.message(ctx, name);
    let value = ctx.field_value(name, value);
    let described = match &error {
        Some(_) => format!("{hint_id} {name}-error"),
        None => hint_id.to_owned(),
    };
    html! {
        div .form-group .form-group--error[error.is_some()] {
            label .label for=(name) { (ctx.t(&format!("improvements.field.{name}"))) }
            @if let Some(error) = &error {
                p .error-message #{ (name) "-error" } {
                    span .visually-hidden { (ctx.t("error.prefix")) }
                    (error)
                }
            }
            textarea .textarea .input--error[error.is_some()] id=(name) name=(name) rows="5" lang=(lang)
                aria-describedby=(described) aria-invalid=[error.as_ref().map(|_| "true")] { (value) }
        }
    }
}

/// The four boxes of a case's words, in two fieldsets.
fn words_fields(ctx: &PageContext, typed: &CaseForm, errors: &Errors) -> Markup {
    html! {
        fieldset .fieldset aria-describedby="you-said-hint" {
            legend .fieldset__legend { (ctx.t("improvements.legend.you_said")) }
            div .hint #you-said-hint { (ctx.t("improvements.hint.you_said")) }
            (text_in(ctx, "you_said_ja", "ja", &typed.you_said_ja, "you-said-hint", errors))
            (text_in(ctx, "you_said_en", "en", &typed.you_said_en, "you-said-hint", errors))
        }
        fieldset .fieldset aria-describedby="we-did-hint" {
            legend .fieldset__legend { (ctx.t("improvements.legend.we_did")) }
            div .hint #we-did-hint { (ctx.t("improvements.hint.we_did")) }
            (text_in(ctx, "we_did_ja", "ja", &typed.we_did_ja, "we-did-hint", errors))
            (text_in(ctx, "we_did_en", "en", &typed.we_did_en, "we-did-hint", errors))
        }
    }
}

/// The form for a new case, with the feedback it will gather above it.
pub fn new_case(
    ctx: &PageContext,
    action: &str,
    gathering: &[FeedbackLine],
    typed: &CaseForm,
    errors: &Errors,
) -> Markup {
    let title = ctx.t("improvements.new.title");
    let body = html! {
        (back_link(ctx, paths::feedback::CASES))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t("improvements.new.lead")) }
        @if !gathering.is_empty() {
            h2 .heading-m { (ctx.t("improvements.new.gathering_heading")) }
            @let n = gathering.len() as u64;
            p { (ctx.tn("improvements.new.gathering", n, &[])) }
            (feedback_table(ctx, gathering, ctx.t("improvements.new.gathering_heading")))
        }
        (form(ctx, action, html! {
            (words_fields(ctx, typed, errors))
            (button(ctx.t("improvements.new.submit")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// One line of a case's history.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    /// When.
    pub at: OffsetDateTime,
    /// What, in the page's language.
    pub action: String,
    /// Who, by display name.
    pub by: String,
}

/// A case, as its page shows it.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// For its forms.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// Where it stands.
    pub status: CaseStatus,
    /// Who opened it, by display name, and when.
    pub opened: (String, OffsetDateTime),
    /// When work started.
    pub started_at: Option<OffsetDateTime>,
    /// When it was done.
    pub done_at: Option<OffsetDateTime>,
    /// When it was published, and by whom (display name).
    pub published: Option<(OffsetDateTime, String)>,
}

/// Everything on a case's page.
#[derive(Debug, Clone)]
pub struct CasePage<'a> {
    /// The case.
    pub case: &'a CaseView,
    /// The feedback it gathers.
    pub gathered: &'a [FeedbackLine],
    /// Its history, oldest first.
    pub history: &'a [HistoryLine],
    /// Whether the reader may publish and withdraw it.
    pub may_publish: bool,
    /// What the form before did.
    pub notice: Option<&'a str>,
}

/// A case's page.
pub fn case_page(ctx: &PageContext, p: &CasePage<'_>, typed: &CaseForm, errors: &Errors) -> Markup {
    let c = p.case;
    let title = ctx.tf("improvements.case.title", &[("reference", &c.reference)]);
    let when = |at: Option<OffsetDateTime>| match at {
        Some(at) => ctx.datetime(at),
        None => ctx.t("improvements.case.not_yet").to_owned(),
    };
    let rows = vec![
        SummaryRow {
            key: ctx.t("improvements.field.status").to_owned(),
            value: status_tag(ctx, c.status),
            change: None,
        },
        SummaryRow {
            key: ctx.t("improvements.field.opened").to_owned(),
            value: html! { (ctx.tf("improvements.case.by", &[("time", &ctx.datetime(c.opened.1)), ("name", &c.opened.0)])) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("improvements.field.started").to_owned(),
            value: html! { (when(c.started_at)) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("improvements.field.done").to_owned(),
            value: html! { (when(c.done_at)) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("improvements.field.public").to_owned(),
            value: html! {
                @match &c.published {
                    Some((at, by)) => { (ctx.tf("improvements.case.published", &[("time", &ctx.datetime(*at)), ("name", by)])) }
                    None => { (ctx.t("improvements.case.not_published")) }
                }
            },
            change: None,
        },
    ];
    let status_error = errors.message(ctx, "case_status");
    let publish_error = errors.message(ctx, "publish");
    let body = html! {
        (back_link(ctx, paths::feedback::CASES))
        (notice_banner(ctx, p.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (summary_list(ctx, &rows))

        h2 .heading-m #words { (ctx.t("improvements.case.words_heading")) }
        (form(ctx, &paths::feedback::case(c.id), html! {
            (words_fields(ctx, typed, errors))
            (button(ctx.t("improvements.case.save")))
            div .form-group .form-group--error[status_error.is_some()] #case_status tabindex="-1" {
                h3 .heading-s { (ctx.t("improvements.case.move_heading")) }
                p .hint #case-status-hint { (ctx.t("improvements.case.move_hint")) }
                @if c.status == CaseStatus::Done && c.published.is_some() {
                    p .hint { (ctx.t("improvements.case.reopen_withdraws")) }
                }
                @if let Some(error) = &status_error {
                    p .error-message #case_status-error {
                        span .visually-hidden { (ctx.t("error.prefix")) }
                        (error)
                    }
                }
                div .button-group {
                    @for to in c.status.next() {
                        button .button .button--secondary type="submit" name="status" value=(to.as_str())
                            formaction=(paths::feedback::case_status(c.id))
                            aria-describedby="case-status-hint" {
                            (ctx.t(&format!("improvements.move.{}.{}", c.status.as_str(), to.as_str())))
                        }
                    }
                }
            }
        }))

        @if p.may_publish {
            h2 .heading-m #publish { (ctx.t("improvements.publish.heading")) }
            @if let Some(error) = &publish_error {
                p .error-message #publish-error {
                    span .visually-hidden { (ctx.t("error.prefix")) }
                    (error)
                }
            }
            @if c.published.is_some() {
                p { (ctx.t("improvements.publish.is_published")) " "
                    a href=(paths::feedback::IMPROVEMENTS) { (ctx.t("improvements.list.public")) } }
                (form(ctx, &paths::feedback::case_publish(c.id), html! {
                    input type="hidden" name="publish" value="0";
                    (warning_button(ctx.t("improvements.publish.withdraw")))
                }))
            } @else if c.status == CaseStatus::Done {
                p { (ctx.t("improvements.publish.ready")) }
                (form(ctx, &paths::feedback::case_publish(c.id), html! {
                    input type="hidden" name="publish" value="1";
                    (button(ctx.t("improvements.publish.button")))
                }))
            } @else {
                p { (ctx.t("improvements.publish.only_done")) }
            }
        }

        h2 .heading-m #gathered { (ctx.t("improvements.gathered.heading")) }
        @if p.gathered.is_empty() {
            p { (ctx.t("improvements.gathered.empty")) }
        } @else {
            p { (ctx.tn("improvements.gathered.count", p.gathered.len() as u64, &[])) }
            (feedback_table(ctx, p.gathered, ctx.t("improvements.gathered.caption")))
        }

        @if !p.history.is_empty() {
            h2 .heading-m #history { (ctx.t("improvements.history.heading")) }
            ul .list {
                @for h in p.history {
                    li { (ctx.tf("improvements.history.line", &[("time", &ctx.datetime(h.at)), ("action", &h.action), ("name", &h.by)])) }
                }
            }
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// A message split around one placeholder, so that markup can stand in its place.
fn around(ctx: &PageContext, key: &'static str, name: &str) -> (&'static str, &'static str) {
    let text = ctx.t(key);
    text.split_once(&format!("{{{name}}}"))
        .unwrap_or((text, ""))
}

/// A published case, in the reader's language.
#[derive(Debug, Clone)]
pub struct PublicCase {
    /// What customers said.
    pub you_said: String,
    /// What the desk did.
    pub we_did: String,
    /// When it was done.
    pub done_at: OffsetDateTime,
    /// How many customers raised it.
    pub customers: u64,
}

/// The public "you said, we did" page.
pub fn public(ctx: &PageContext, cases: &[PublicCase]) -> Markup {
    let title = ctx.t("improvements.public.title");
    let (before, after) = around(ctx, "improvements.public.case_heading", "date");
    let body = html! {
        h1 .heading-xl { (title) }
        p .lead { (ctx.t("improvements.public.lead")) }
        p { a href=(paths::feedback::OPEN) { (ctx.t("improvements.public.tell_us")) } }
        @if cases.is_empty() {
            p { (ctx.t("improvements.public.empty")) }
        } @else {
            ol .you-said-we-did {
                @for (i, case) in cases.iter().enumerate() {
                    @let day = case.done_at.to_timezone(ctx.tz).date();
                    @let heading = format!("improvement-{}", i + 1);
                    li {
                        article .card .you-said-we-did__case aria-labelledby=(heading) {
                            h2 .heading-m #(heading) {
                                (before) time datetime=(day.to_string()) { (i18n::format_date(ctx.lang, day)) } (after)
                            }
                            h3 .heading-s { (ctx.t("improvements.public.you_said")) }
                            p { (lines(&case.you_said)) }
                            h3 .heading-s { (ctx.t("improvements.public.we_did")) }
                            p { (lines(&case.we_did)) }
                            @if case.customers > 0 {
                                p .muted { (ctx.tn("improvements.public.raised", case.customers, &[])) }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(title, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    fn ctx(lang: Lang) -> PageContext {
        PageContext::for_tests(lang)
    }

    #[test]
    fn a_long_text_is_cut_between_characters_in_the_list() {
        let long = "あ".repeat(130);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 121);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("短い"), "短い");
    }

    #[test]
    fn the_done_date_stands_where_each_language_puts_it() {
        assert_eq!(
            around(&ctx(Lang::En), "improvements.public.case_heading", "date"),
            ("Done on ", "")
        );
        assert_eq!(
            around(&ctx(Lang::Ja), "improvements.public.case_heading", "date"),
            ("", "に対応")
        );
    }

    #[test]
    fn the_public_page_counts_customers_in_each_languages_plural() {
        let case = |customers| PublicCase {
            you_said: "said".into(),
            we_did: "did".into(),
            done_at: time::macros::datetime!(2026-11-24 01:00 UTC),
            customers,
        };
        let en = public(&ctx(Lang::En), &[case(1), case(2), case(0)]).into_string();
        assert!(en.contains("Raised by 1 customer<"), "{en}");
        assert!(en.contains("Raised by 2 customers<"));
        assert_eq!(
            en.matches("Raised by").count(),
            2,
            "none is said for no one"
        );
        assert!(en.contains("<time datetime=\"2026-11-24\">Tue 24 Nov 2026</time>"));
        let ja = public(&ctx(Lang::Ja), &[case(1)]).into_string();
        assert!(ja.contains("1人のお客さまからいただいた声です"), "{ja}");
        assert!(ja.contains("2026年11月24日(火)</time>に対応"));
        let empty = public(&ctx(Lang::En), &[]).into_string();
        assert!(empty.contains("There is nothing here yet."));
        assert!(!empty.contains("<article"));
    }
}
