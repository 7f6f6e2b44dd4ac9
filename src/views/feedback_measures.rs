//! The measures of customer feedback for staff: responses and ease by month and channel,
//! the share satisfied, the response rate, volumes by kind and by theme, and (for those who
//! publish improvements) each staff member's own figures. Every chart is a figure with its
//! caption and a table of the same figures after it, with the method written beside it. The
//! month's chart is also a component the feedback triage page shows.

use super::PageContext;
use super::charts::{Chart, Fill, SeriesWithGaps, Unit, chart};
use super::components::{Errors, back_link, button, error_summary};
use super::layout::{Page, render};
use crate::domain::feedback::{Channel, Kind};
use crate::domain::feedback_measures::{
    EXPORT_CAP, Measures, MonthMeasures, StaffMeasures, Theme, is_asked, tenths_text,
};
use crate::i18n::format_month;
use crate::paths;
use maud::{Markup, html};

/// The export's filters as typed in the address: the triage list's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    /// A kind's stored name, or empty.
    pub kind: String,
    /// A channel's stored name, or empty.
    pub channel: String,
    /// First day received, `YYYY-MM-DD`, or empty.
    pub from: String,
    /// Last day received, `YYYY-MM-DD`, or empty.
    pub to: String,
    /// A theme's id, or empty.
    pub theme: String,
}

/// A channel's name in the page's language.
pub fn channel_name(ctx: &PageContext, channel: Channel) -> &'static str {
    match channel {
        Channel::SignLanguage => ctx.t("feedback_measures.channel.sign_language"),
        Channel::WrittenChat => ctx.t("feedback_measures.channel.written_chat"),
        Channel::Request => ctx.t("feedback_measures.channel.request"),
        Channel::Proxy => ctx.t("feedback_measures.channel.proxy"),
        Channel::General => ctx.t("feedback_measures.channel.general"),
    }
}

/// A kind's name in the page's language.
pub fn kind_name(ctx: &PageContext, kind: Kind) -> &'static str {
    match kind {
        Kind::Compliment => ctx.t("feedback_measures.kind.compliment"),
        Kind::Suggestion => ctx.t("feedback_measures.kind.suggestion"),
        Kind::Complaint => ctx.t("feedback_measures.kind.complaint"),
        Kind::Other => ctx.t("feedback_measures.kind.other"),
    }
}

fn month_labels(ctx: &PageContext, m: &Measures) -> Vec<String> {
    m.months
        .iter()
        .map(|month| format_month(ctx.lang, month.month))
        .collect()
}

/// A series for each channel in `channels`, a value per month from `value`.
fn by_channel(
    ctx: &PageContext,
    m: &Measures,
    channels: &[Channel],
    value: impl Fn(&MonthMeasures, Channel) -> Option<u64>,
) -> Vec<SeriesWithGaps> {
    channels
        .iter()
        .enumerate()
        .map(|(i, &channel)| SeriesWithGaps {
            name: channel_name(ctx, channel).to_owned(),
            values: m.months.iter().map(|month| value(month, channel)).collect(),
            fill: Fill::nth(i),
        })
        .collect()
}

/// The method beside a figure, in words.
fn method(text: String) -> Markup {
    html! { p .hint .chart__method { (text) } }
}

/// This month's and the past months' responses by channel, and their mean ease: two charts,
/// each with its caption and its table, and the method beside them. It has no heading of
/// its own, so it sits under the embedding page's.
pub fn month_chart(ctx: &PageContext, m: &Measures) -> Markup {
    let labels = month_labels(ctx, m);
    let responses = by_channel(ctx, m, Channel::ALL, |month, channel| {
        month.channel(channel).map(|c| c.answers.responses())
    });
    let ease = by_channel(ctx, m, Channel::ALL, |month, channel| {
        month.channel(channel).and_then(|c| c.answers.mean_tenths())
    });
    let all = m.answers();
    let this_month = m.latest().map(|l| l.answers()).unwrap_or_default();
    html! {
        (chart(ctx, &Chart {
            id: "feedback-responses",
            caption: ctx.t("feedback_measures.responses.caption"),
            label_heading: ctx.t("chart.period"),
            labels: &labels,
            series: &responses,
            unit: Unit::Count,
            top: None,
        }))
        (method(ctx.tn("feedback_measures.responses.method", all.responses(), &[
            ("this_month", &this_month.responses().to_string()),
        ])))
        (chart(ctx, &Chart {
            id: "feedback-ease",
            caption: ctx.t("feedback_measures.ease.caption"),
            label_heading: ctx.t("chart.period"),
            labels: &labels,
            series: &ease,
            unit: Unit::Tenths,
            top: Some(50),
        }))
        (method(ctx.tn("feedback_measures.ease.method", all.responses(), &[
            ("this_month", &this_month.mean_tenths().map(tenths_text).unwrap_or_else(|| "–".to_owned())),
        ])))
    }
}

/// What the measures page shows.
#[derive(Debug, Clone, Copy)]
pub struct MeasuresView<'a> {
    pub measures: &'a Measures,
    /// Each staff member's own figures, for those who may read them.
    pub staff: Option<&'a StaffMeasures>,
    /// Every theme, for the export's filter.
    pub themes: &'a [Theme],
}

/// The measures page: every chart with its table and method, the staff figures for those
/// who may read them, and the CSV export.
pub fn page(ctx: &PageContext, view: MeasuresView<'_>) -> Markup {
    let MeasuresView {
        measures: m,
        staff,
        themes,
    } = view;
    let title = ctx.t("feedback_measures.title");
    let labels = month_labels(ctx, m);
    let all = m.answers();
    let responses = all.responses().to_string();
    let satisfied = by_channel(ctx, m, Channel::ALL, |month, channel| {
        month
            .channel(channel)
            .and_then(|c| c.answers.satisfied_percent())
    });
    let contact_channels: Vec<Channel> = Channel::ALL
        .iter()
        .copied()
        .filter(|c| is_asked(*c))
        .collect();
    let rate = by_channel(ctx, m, &contact_channels, |month, channel| {
        month
            .channel(channel)
            .and_then(|c| c.asked)
            .and_then(|a| a.rate_percent())
    });
    let (asked, answered) = m
        .months
        .iter()
        .flat_map(|month| month.channels.iter().filter_map(|c| c.asked))
        .fold((0, 0), |(asked, answered), a| {
            (asked + a.asked, answered + a.answered)
        });
    let kinds: Vec<SeriesWithGaps> = Kind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| SeriesWithGaps {
            name: kind_name(ctx, kind).to_owned(),
            values: m
                .months
                .iter()
                .map(|month| {
                    month
                        .by_kind
                        .iter()
                        .find(|(k, _)| *k == kind)
                        .map(|(_, n)| *n)
                })
                .collect(),
            fill: Fill::nth(i),
        })
        .collect();
    let mut theme_labels: Vec<String> = m
        .themes
        .iter()
        .map(|t| {
            if t.theme.archived {
                ctx.tf(
                    "feedback_measures.themes.archived",
                    &[("name", t.theme.name(ctx.lang))],
                )
            } else {
                t.theme.name(ctx.lang).to_owned()
            }
        })
        .collect();
    theme_labels.push(ctx.t("feedback_measures.themes.none").to_owned());
    let mut theme_values: Vec<Option<u64>> = m.themes.iter().map(|t| Some(t.count)).collect();
    theme_values.push(Some(m.untagged));
    let theme_series = [SeriesWithGaps {
        name: ctx.t("feedback_measures.themes.series").to_owned(),
        values: theme_values,
        fill: Fill::Solid,
    }];
    let body = html! {
        (back_link(ctx, paths::feedback::STAFF))
        h1 .heading-l { (title) }
        p .lead { (ctx.t("feedback_measures.lead")) }
        p { (ctx.tf("feedback_measures.total", &[("responses", &responses)])) }
        p { a href=(paths::feedback::EXPORT) download { (ctx.t("feedback_measures.export.all")) } }
        h2 .heading-m #responses { (ctx.t("feedback_measures.responses.heading")) }
        (month_chart(ctx, m))
        h2 .heading-m #satisfied { (ctx.t("feedback_measures.satisfied.heading")) }
        (chart(ctx, &Chart {
            id: "feedback-satisfied",
            caption: ctx.t("feedback_measures.satisfied.caption"),
            label_heading: ctx.t("chart.period"),
            labels: &labels,
            series: &satisfied,
            unit: Unit::Percent,
            top: Some(100),
        }))
        (method(ctx.tn("feedback_measures.satisfied.method", all.responses(), &[
            ("satisfied", &all.satisfied().to_string()),
        ])))
        h2 .heading-m #response-rate { (ctx.t("feedback_measures.rate.heading")) }
        (chart(ctx, &Chart {
            id: "feedback-rate",
            caption: ctx.t("feedback_measures.rate.caption"),
            label_heading: ctx.t("chart.period"),
            labels: &labels,
            series: &rate,
            unit: Unit::Percent,
            top: Some(100),
        }))
        (asked_table(ctx, m, &labels, &contact_channels))
        (method(ctx.tn("feedback_measures.rate.method", asked, &[
            ("answered", &answered.to_string()),
        ])))
        h2 .heading-m #kinds { (ctx.t("feedback_measures.kinds.heading")) }
        (chart(ctx, &Chart {
            id: "feedback-kinds",
            caption: ctx.t("feedback_measures.kinds.caption"),
            label_heading: ctx.t("chart.period"),
            labels: &labels,
            series: &kinds,
            unit: Unit::Count,
            top: None,
        }))
        (method(ctx.tn("feedback_measures.kinds.method", all.responses(), &[])))
        h2 .heading-m #themes { (ctx.t("feedback_measures.themes.heading")) }
        (chart(ctx, &Chart {
            id: "feedback-themes",
            caption: ctx.t("feedback_measures.themes.caption"),
            label_heading: ctx.t("feedback_measures.themes.theme"),
            labels: &theme_labels,
            series: &theme_series,
            unit: Unit::Count,
            top: None,
        }))
        (method(ctx.tn("feedback_measures.themes.method", all.responses(), &[
            ("untagged", &m.untagged.to_string()),
        ])))
        @if let Some(staff) = staff {
            (staff_table(ctx, staff))
        }
        h2 .heading-m #export { (ctx.t("feedback_measures.export.heading")) }
        p { (ctx.tf("feedback_measures.export.lead", &[("cap", &EXPORT_CAP.to_string())])) }
        (export_form(ctx, &ExportQuery::default(), &Errors::new(), themes))
    };
    render(ctx, Page::new(title, body))
}

/// The contacts asked and answered each month, by contact channel: the counts behind the
/// response rate.
fn asked_table(ctx: &PageContext, m: &Measures, labels: &[String], channels: &[Channel]) -> Markup {
    html! {
        div .table-wrap role="region" aria-labelledby="feedback-asked-caption" tabindex="0" {
            table .table #feedback-asked-table {
                caption .table__caption #feedback-asked-caption { (ctx.t("feedback_measures.rate.asked_caption")) }
                thead {
                    tr {
                        td {}
                        @for channel in channels {
                            th scope="colgroup" colspan="2" { (channel_name(ctx, *channel)) }
                        }
                    }
                    tr {
                        th scope="col" { (ctx.t("chart.period")) }
                        @for _ in channels {
                            th scope="col" .table__numeric { (ctx.t("feedback_measures.rate.asked")) }
                            th scope="col" .table__numeric { (ctx.t("feedback_measures.rate.answered")) }
                        }
                    }
                }
                tbody {
                    @for (month, label) in m.months.iter().zip(labels) {
                        tr {
                            th scope="row" { (label) }
                            @for channel in channels {
                                @let asked = month.channel(*channel).and_then(|c| c.asked).unwrap_or_default();
                                td .table__numeric { (asked.asked) }
                                td .table__numeric { (asked.answered) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Each staff member's own figures, with what is left out said beside them.
fn staff_table(ctx: &PageContext, staff: &StaffMeasures) -> Markup {
    html! {
        h2 .heading-m #staff { (ctx.t("feedback_measures.staff.heading")) }
        p #feedback-staff-excluded .chart__method { (ctx.tn("feedback_measures.staff.excluded", staff.left_out, &[])) }
        @if staff.staff.is_empty() {
            p { (ctx.t("feedback_measures.staff.none")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="feedback-staff-caption" tabindex="0" {
                table .table #feedback-staff-table aria-describedby="feedback-staff-excluded" {
                    caption .table__caption #feedback-staff-caption { (ctx.t("feedback_measures.staff.caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("feedback_measures.staff.display_name")) }
                        th scope="col" { (ctx.t("feedback_measures.staff.full_name")) }
                        th scope="col" .table__numeric { (ctx.t("feedback_measures.staff.responses")) }
                        th scope="col" .table__numeric { (ctx.t("feedback_measures.staff.mean_ease")) }
                        th scope="col" .table__numeric { (ctx.t("feedback_measures.staff.compliments")) }
                    } }
                    tbody {
                        @for one in &staff.staff {
                            tr {
                                th scope="row" { (one.display_name) }
                                td { (one.full_name) }
                                td .table__numeric { (one.answers.responses()) }
                                td .table__numeric { (one.answers.mean_tenths().map(tenths_text).unwrap_or_else(|| "–".to_owned())) }
                                td .table__numeric { (one.compliments) }
                            }
                        }
                    }
                }
            }
        }
        (method(ctx.t("feedback_measures.staff.method").to_owned()))
    }
}

/// The export's filters as a form that downloads the CSV: the typed values kept, each
/// refused one with its message.
fn export_form(
    ctx: &PageContext,
    query: &ExportQuery,
    errors: &Errors,
    themes: &[Theme],
) -> Markup {
    let group = |name: &str, inner: Markup| {
        let error = errors.message(ctx, name);
        html! {
            div .form-group .form-group--error[error.is_some()] {
                label .label for=(name) { (ctx.t(&format!("feedback_measures.export.{name}"))) }
                @if let Some(error) = &error {
                    p .error-message #{ (name) "-error" } { span .visually-hidden { (ctx.t("error.prefix")) } (error) }
                }
                (inner)
            }
        }
    };
    let described = |name: &str, hint: bool| -> Option<String> {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{name}-hint"));
        }
        if errors.message(ctx, name).is_some() {
            ids.push(format!("{name}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    html! {
        form .filter method="get" action=(paths::feedback::EXPORT) {
            div .filter__row {
                (group("kind", html! {
                    select .select #kind name="kind" aria-describedby=[described("kind", false)] {
                        option value="" { (ctx.t("feedback_measures.export.any_kind")) }
                        @for kind in Kind::ALL {
                            option value=(kind.as_str()) selected[query.kind == kind.as_str()] { (kind_name(ctx, *kind)) }
                        }
                    }
                }))
                (group("channel", html! {
                    select .select #channel name="channel" aria-describedby=[described("channel", false)] {
                        option value="" { (ctx.t("feedback_measures.export.any_channel")) }
                        @for channel in Channel::ALL {
                            option value=(channel.as_str()) selected[query.channel == channel.as_str()] { (channel_name(ctx, *channel)) }
                        }
                    }
                }))
                (group("theme", html! {
                    select .select #theme name="theme" aria-describedby=[described("theme", false)] {
                        option value="" { (ctx.t("feedback_measures.export.any_theme")) }
                        @for theme in themes {
                            option value=(theme.id) selected[query.theme == theme.id.to_string()] {
                                @if theme.archived {
                                    (ctx.tf("feedback_measures.themes.archived", &[("name", theme.name(ctx.lang))]))
                                } @else {
                                    (theme.name(ctx.lang))
                                }
                            }
                        }
                    }
                }))
                @for (name, value) in [("from", &query.from), ("to", &query.to)] {
                    (group(name, html! {
                        div .hint #{ (name) "-hint" } { (ctx.t("feedback_measures.export.date_hint")) }
                        // Plain text, not a date control, so a mistyped date is shown again as typed.
                        input .input .width-10 type="text" inputmode="numeric" autocomplete="off" id=(name) name=(name)
                            value=(value) aria-describedby=[described(name, true)];
                    }))
                }
            }
            (button(ctx.t("feedback_measures.export.download")))
        }
    }
}

/// The export refused for filters that cannot be read: each named, the form again with
/// what was typed.
pub fn export_refused(
    ctx: &PageContext,
    query: &ExportQuery,
    errors: &Errors,
    themes: &[Theme],
) -> Markup {
    let title = ctx.t("feedback_measures.export.refused_title");
    let body = html! {
        (back_link(ctx, paths::feedback::MEASURES))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t("feedback_measures.export.refused_lead")) }
        (export_form(ctx, query, errors, themes))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
