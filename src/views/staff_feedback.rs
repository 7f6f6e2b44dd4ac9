//! Staff pages of customer feedback: the list to triage with its filters, one piece of
//! feedback with its themes, case and the staff member it concerns, one's own compliments
//! with the weekly digest, and the admin's themes.

use super::PageContext;
use super::components::{
    Banner, Errors, Input, SummaryRow, back_link, button, error_summary, form, input,
    notification_banner, secondary_button, summary_list,
};
use super::layout::{Page, render};
use super::staff_requests::select;
use crate::domain::Permission;
use crate::domain::feedback::{Channel, FilterQuery, Kind, ThemeForm};
use crate::paths;
use maud::{Markup, html};
use time::OffsetDateTime;

/// A piece of feedback as the staff pages show it.
#[derive(Debug, Clone)]
pub struct FeedbackLine {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// When it came.
    pub created_at: OffsetDateTime,
    /// What it is about.
    pub channel: Channel,
    /// What kind of remark.
    pub kind: Kind,
    /// 1 to 5.
    pub ease: i16,
    /// The comment.
    pub comment: Option<String>,
    /// Its themes' names, in the reader's language.
    pub themes: Vec<String>,
    /// The reference of the case it is gathered into.
    pub case: Option<String>,
}

/// A theme, as offered or listed.
#[derive(Debug, Clone)]
pub struct ThemeLine {
    /// Its id.
    pub id: i64,
    /// In the reader's language.
    pub name: String,
    /// In Japanese.
    pub name_ja: String,
    /// In English.
    pub name_en: String,
    /// Whether it is archived.
    pub archived: bool,
    /// Whether the feedback shown is tagged with it.
    pub tagged: bool,
}

/// A channel's name.
pub fn channel_name(ctx: &PageContext, channel: Channel) -> String {
    ctx.t(&format!("feedback.channel.{}", channel.as_str()))
        .to_owned()
}

/// A kind's name.
pub fn kind_name(ctx: &PageContext, kind: Kind) -> String {
    ctx.t(&format!("feedback.kind.{}", kind.as_str()))
        .to_owned()
}

/// A rating as a number with its words, such as "4 – Easy".
pub fn ease_words(ctx: &PageContext, ease: i16) -> String {
    format!("{ease} – {}", ctx.t(&format!("feedback.ease.{ease}")))
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 120;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX).collect();
    format!("{cut}…")
}

/// What the list shows.
pub struct ListView<'a> {
    /// The filters as typed.
    pub query: &'a FilterQuery,
    /// The filters that could not be read.
    pub errors: &'a Errors,
    /// The feedback found.
    pub rows: &'a [FeedbackLine],
    /// Every theme, archived ones included.
    pub themes: &'a [ThemeLine],
    /// The most the list shows.
    pub max: u64,
    /// The month's chart with its table, drawn by the measures.
    pub chart: Option<Markup>,
}

/// The address of the CSV with the filters the list applied: one that could not be read is
/// left out of the list, and so of the download.
fn export_link(q: &FilterQuery, errors: &Errors) -> String {
    let pairs = [
        ("kind", &q.kind),
        ("channel", &q.channel),
        ("from", &q.from),
        ("to", &q.to),
        ("theme", &q.theme),
    ];
    let query: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| !v.is_empty() && errors.iter().all(|e| e.field != *k))
        .map(|(k, v)| format!("{k}={}", super::layout::encode(v)))
        .collect();
    if query.is_empty() {
        paths::feedback::EXPORT.to_owned()
    } else {
        format!("{}?{}", paths::feedback::EXPORT, query.join("&"))
    }
}

fn filter_form(ctx: &PageContext, v: &ListView<'_>) -> Markup {
    let q = v.query;
    let any = || (String::new(), ctx.t("feedback.filter.any").to_owned());
    let kinds: Vec<_> = std::iter::once(any())
        .chain(
            Kind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), kind_name(ctx, *k))),
        )
        .collect();
    let channels: Vec<_> = std::iter::once(any())
        .chain(
            Channel::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), channel_name(ctx, *c))),
        )
        .collect();
    let theme_options: Vec<_> = std::iter::once(any())
        .chain(v.themes.iter().map(|t| (t.id.to_string(), t.name.clone())))
        .collect();
    html! {
        form .filter method="get" action=(paths::feedback::STAFF) {
            div .filter__row {
                (select(ctx, "kind", "feedback.field.kind", &q.kind, &kinds))
                (select(ctx, "channel", "feedback.field.channel", &q.channel, &channels))
                (select(ctx, "theme", "feedback.field.theme", &q.theme, &theme_options))
                // Plain text, not a date control, so a mistyped day is shown again as typed.
                (input(ctx, Input { name: "from", label: ctx.t("feedback.filter.from"), value: &q.from,
                    hint: Some(ctx.t("feedback.filter.date_hint")), width: Some("width-10"),
                    error: v.errors.message(ctx, "from"), ..Input::default() }))
                (input(ctx, Input { name: "to", label: ctx.t("feedback.filter.to"), value: &q.to,
                    hint: Some(ctx.t("feedback.filter.date_hint")), width: Some("width-10"),
                    error: v.errors.message(ctx, "to"), ..Input::default() }))
            }
            (secondary_button(ctx.t("feedback.filter.apply")))
        }
    }
}

/// The list to triage.
pub fn list(ctx: &PageContext, v: &ListView<'_>) -> Markup {
    let title = ctx.t("feedback.staff.title");
    let body = html! {
        (error_summary(ctx, v.errors))
        h1 .heading-l { (title) }
        ul .link-list {
            li { a href=(paths::feedback::MEASURES) { (ctx.t("feedback.staff.measures_link")) } }
            li { a href=(paths::feedback::CASES) { (ctx.t("feedback.staff.cases_link")) } }
            li { a href=(paths::feedback::MINE) { (ctx.t("feedback.staff.mine_link")) } }
            @if ctx.staff_may(Permission::ManageDeskSettings) {
                li { a href=(paths::feedback::THEMES) { (ctx.t("feedback.staff.themes_link")) } }
            }
        }
        @if let Some(chart) = &v.chart {
            h2 .heading-m { (ctx.t("feedback.staff.chart_heading")) }
            (chart)
        }
        h2 .heading-m { (ctx.t("feedback.staff.list_heading")) }
        (filter_form(ctx, v))
        p {
            a href=(export_link(v.query, v.errors)) download { (ctx.t("feedback.staff.export")) }
        }
        p { (ctx.tf("feedback.staff.count", &[("count", &v.rows.len().to_string()), ("max", &v.max.to_string())])) }
        @if v.rows.is_empty() {
            p { (ctx.t("feedback.staff.empty")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="feedback-caption" tabindex="0" {
                table .table #feedback-list {
                    caption #feedback-caption .table__caption { (ctx.t("feedback.staff.caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("feedback.field.reference")) }
                        th scope="col" { (ctx.t("feedback.field.received")) }
                        th scope="col" { (ctx.t("feedback.field.channel")) }
                        th scope="col" { (ctx.t("feedback.field.kind")) }
                        th scope="col" { (ctx.t("feedback.field.ease")) }
                        th scope="col" { (ctx.t("feedback.field.theme")) }
                        th scope="col" { (ctx.t("feedback.field.case")) }
                        th scope="col" { (ctx.t("feedback.field.comment")) }
                    } }
                    tbody {
                        @for f in v.rows {
                            tr {
                                td .nowrap { a href=(paths::feedback::item(f.id)) { (f.reference) } }
                                td { (ctx.datetime(f.created_at)) }
                                td { (channel_name(ctx, f.channel)) }
                                td { (kind_name(ctx, f.kind)) }
                                td { (ease_words(ctx, f.ease)) }
                                td { (f.themes.join(ctx.t("feedback.list_separator"))) }
                                td { @if let Some(reference) = &f.case { (reference) } }
                                td { (f.comment.as_deref().map(excerpt).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(title, body).with_errors(v.errors.len()))
}

/// One piece of feedback, and what staff set on it.
pub struct ItemView<'a> {
    /// The feedback.
    pub line: &'a FeedbackLine,
    /// The name and address given on the open form.
    pub given: (Option<&'a str>, Option<&'a str>),
    /// Whether it is left out of staff members' own figures.
    pub under_measure: bool,
    /// The case it is gathered into, and the staff member it concerns, by id.
    pub chosen: (Option<i64>, Option<i64>),
    /// The themes offered: active ones, and archived ones where already tagged.
    pub themes: &'a [ThemeLine],
    /// The cases it can be gathered into: id and a label.
    pub cases: &'a [(i64, String)],
    /// Active staff, by id and display name.
    pub staff: &'a [(i64, String)],
    /// The display name of the staff member it concerns.
    pub staff_name: Option<&'a str>,
    /// The request opened to answer it: reference and staff page.
    pub request: Option<(String, String)>,
    /// What the contact was, in a sentence.
    pub contact: Option<String>,
    /// Whether it was just saved.
    pub saved: bool,
    /// Why saving was refused.
    pub errors: &'a Errors,
}

fn facts(ctx: &PageContext, v: &ItemView<'_>) -> Vec<SummaryRow> {
    let f = v.line;
    let mut rows = vec![
        SummaryRow::plain(ctx.t("feedback.field.received"), ctx.datetime(f.created_at)),
        SummaryRow::plain(
            ctx.t("feedback.field.channel"),
            channel_name(ctx, f.channel),
        ),
        SummaryRow::plain(ctx.t("feedback.field.kind"), kind_name(ctx, f.kind)),
        SummaryRow::plain(ctx.t("feedback.field.ease"), ease_words(ctx, f.ease)),
        SummaryRow::plain(
            ctx.t("feedback.field.comment"),
            f.comment
                .clone()
                .unwrap_or_else(|| ctx.t("feedback.no_comment").to_owned()),
        ),
    ];
    if let Some(contact) = &v.contact {
        rows.push(SummaryRow::plain(
            ctx.t("feedback.field.contact"),
            contact.clone(),
        ));
    }
    if let Some(name) = v.given.0 {
        rows.push(SummaryRow::plain(
            ctx.t("feedback.field.name"),
            name.to_owned(),
        ));
    }
    if let Some(email) = v.given.1 {
        rows.push(SummaryRow::plain(
            ctx.t("feedback.field.email"),
            email.to_owned(),
        ));
    }
    if let Some(name) = v.staff_name {
        rows.push(SummaryRow::plain(
            ctx.t("feedback.field.staff"),
            name.to_owned(),
        ));
    }
    if v.under_measure {
        rows.push(SummaryRow::plain(
            ctx.t("feedback.field.under_measure"),
            ctx.t("feedback.under_measure").to_owned(),
        ));
    }
    rows
}

/// One piece of feedback.
pub fn item(ctx: &PageContext, v: &ItemView<'_>) -> Markup {
    let f = v.line;
    let title = ctx.tf("feedback.item.title", &[("reference", &f.reference)]);
    let offered = v.themes;
    let kept_themes = ctx.kept.as_deref().map(|k| k.values("theme"));
    let tagged = |t: &ThemeLine| match &kept_themes {
        Some(kept) if !kept.is_empty() => kept.contains(&t.id.to_string().as_str()),
        _ => t.tagged,
    };
    let case_value = v.chosen.0.map(|c| c.to_string()).unwrap_or_default();
    let staff_value = v.chosen.1.map(|c| c.to_string()).unwrap_or_default();
    let mut cases = vec![(String::new(), ctx.t("feedback.triage.no_case").to_owned())];
    cases.extend(
        v.cases
            .iter()
            .map(|(id, label)| (id.to_string(), excerpt(label))),
    );
    let mut staff = vec![(String::new(), ctx.t("feedback.triage.no_staff").to_owned())];
    staff.extend(
        v.staff
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let body = html! {
        (back_link(ctx, paths::feedback::STAFF))
        (error_summary(ctx, v.errors))
        @if v.saved {
            (notification_banner(ctx, Banner::Success, html! { p { (ctx.t("feedback.triage.saved")) } }))
        }
        h1 .heading-l { (title) }
        (summary_list(ctx, &facts(ctx, v)))
        @if let Some((reference, href)) = &v.request {
            p { (ctx.t("feedback.item.request")) " " a href=(href) { (reference) } }
        }
        h2 .heading-m { (ctx.t("feedback.triage.heading")) }
        (form(ctx, &paths::feedback::item(f.id), html! {
            div .form-group .form-group--error[v.errors.message(ctx, "theme").is_some()] {
                fieldset .fieldset {
                    legend .fieldset__legend { (ctx.t("feedback.triage.themes")) }
                    @if let Some(error) = v.errors.message(ctx, "theme") {
                        p .error-message #theme-error { span .visually-hidden { (ctx.t("error.prefix")) } (error) }
                    }
                    @if offered.is_empty() {
                        p .hint { (ctx.t("feedback.triage.no_themes")) }
                    }
                    div .choices {
                        @for (i, theme) in offered.iter().enumerate() {
                            @let id = if i == 0 { "theme".to_owned() } else { format!("theme-{}", i + 1) };
                            div .choice {
                                input .choice__input type="checkbox" id=(id) name="theme" value=(theme.id) checked[tagged(theme)];
                                label .choice__label for=(id) {
                                    (theme.name)
                                    @if theme.archived { " " (ctx.t("feedback.theme.archived_mark")) }
                                }
                            }
                        }
                    }
                }
            }
            (select(ctx, "case_id", "feedback.triage.case", &case_value, &cases))
            p { a href={ (paths::feedback::CASE_NEW) "?feedback=" (f.id) } { (ctx.t("feedback.triage.new_case")) } }
            (select(ctx, "staff_id", "feedback.triage.staff", &staff_value, &staff))
            p .hint { (ctx.t("feedback.triage.staff_hint")) }
            (button(ctx.t("feedback.triage.save")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(v.errors.len()))
}

/// One's own compliments, and the weekly digest.
pub fn mine(ctx: &PageContext, compliments: &[FeedbackLine], digest: bool, saved: bool) -> Markup {
    let title = ctx.t("feedback.mine.title");
    let body = html! {
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p { (ctx.t("feedback.mine.saved")) } }))
        }
        h1 .heading-l { (title) }
        h2 .heading-m { (ctx.t("feedback.mine.compliments")) }
        @if compliments.is_empty() {
            p { (ctx.t("feedback.mine.none")) }
        } @else {
            ul .compliments {
                @for f in compliments {
                    li {
                        p .muted { (ctx.datetime(f.created_at)) " · " (channel_name(ctx, f.channel)) }
                        @if let Some(comment) = &f.comment {
                            blockquote { (super::components::lines(comment)) }
                        } @else {
                            p { (ctx.t("feedback.mine.no_words")) }
                        }
                    }
                }
            }
        }
        h2 .heading-m { (ctx.t("feedback.mine.digest")) }
        (form(ctx, paths::feedback::MINE, html! {
            div .form-group {
                div .choice {
                    input .choice__input type="checkbox" id="digest" name="digest" value="1" checked[digest]
                        aria-describedby="digest-hint";
                    label .choice__label for="digest" { (ctx.t("feedback.mine.digest_label")) }
                    div .hint .choice__hint #digest-hint { (ctx.t("feedback.mine.digest_hint")) }
                }
            }
            (button(ctx.t("feedback.mine.save")))
        }))
    };
    render(ctx, Page::new(title, body))
}

/// The admin's themes: each renamed or archived in place, and a new one added.
pub fn themes_page(
    ctx: &PageContext,
    all: &[ThemeLine],
    typed: &ThemeForm,
    errors: &Errors,
    saved: bool,
) -> Markup {
    let title = ctx.t("feedback.themes.title");
    let body = html! {
        (back_link(ctx, paths::feedback::STAFF))
        (error_summary(ctx, errors))
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p { (ctx.t("feedback.themes.saved")) } }))
        }
        h1 .heading-l { (title) }
        p { (ctx.t("feedback.themes.lead")) }
        @for theme in all {
            @let id_ja = format!("theme_ja-{}", theme.id);
            @let id_en = format!("theme_en-{}", theme.id);
            @let id_archived = format!("archived-{}", theme.id);
            section .theme aria-labelledby={ "theme-" (theme.id) } {
                h2 .heading-s #{ "theme-" (theme.id) } {
                    (theme.name)
                    @if theme.archived { " " (ctx.t("feedback.theme.archived_mark")) }
                }
                (form(ctx, &paths::feedback::theme(theme.id), html! {
                    div .form-group {
                        label .label for=(id_ja) { (ctx.t("feedback.themes.ja")) }
                        input .input #(id_ja) name="theme_ja" type="text" value=(theme.name_ja) lang="ja";
                    }
                    div .form-group {
                        label .label for=(id_en) { (ctx.t("feedback.themes.en")) }
                        input .input #(id_en) name="theme_en" type="text" value=(theme.name_en) lang="en";
                    }
                    div .form-group { div .choice {
                        input .choice__input type="checkbox" id=(id_archived) name="archived" value="1" checked[theme.archived];
                        label .choice__label for=(id_archived) { (ctx.t("feedback.themes.archive")) }
                    } }
                    (secondary_button(ctx.t("feedback.themes.save")))
                }))
            }
        }
        h2 .heading-m { (ctx.t("feedback.themes.add")) }
        (form(ctx, paths::feedback::THEMES, html! {
            (input(ctx, Input { name: "theme_ja", label: ctx.t("feedback.themes.ja"), value: &typed.theme_ja,
                error: errors.message(ctx, "theme_ja"), ..Input::default() }))
            (input(ctx, Input { name: "theme_en", label: ctx.t("feedback.themes.en"), value: &typed.theme_en,
                error: errors.message(ctx, "theme_en"), ..Input::default() }))
            (button(ctx.t("feedback.themes.add_button")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
