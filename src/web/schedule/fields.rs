//! Reading the schedule forms' fields: times, weekly spans and dates, each refused with a
//! message naming the field.

use super::{Fields, value};
use crate::domain::schedule::{LocalSpan, hhmm, parse_hhmm};
use crate::domain::{Invalid, dates};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::schedule::{SpanForm, span_field, span_label};
use std::collections::{BTreeMap, HashMap};
use time::{Date, Time};

pub(super) fn spans_to_fields(form: SpanForm, week: &BTreeMap<u8, Vec<LocalSpan>>) -> Fields {
    let mut out = HashMap::new();
    for (day, spans) in week {
        for (i, span) in spans.iter().take(form.per_day()).enumerate() {
            out.insert(
                span_field(form, *day, i + 1, false).to_owned(),
                hhmm(span.starts),
            );
            out.insert(
                span_field(form, *day, i + 1, true).to_owned(),
                hhmm(span.ends),
            );
        }
    }
    out
}

/// Reads a time field; `label` names the field in the error.
pub(super) fn time_field(
    errors: &mut Errors,
    name: &'static str,
    raw: &str,
    label: &str,
) -> Option<Time> {
    match parse_hhmm(raw) {
        Ok(at) => Some(at),
        Err(why) => {
            let key = if why == Invalid::Missing {
                "schedule.error.time_missing"
            } else {
                "schedule.error.time_format"
            };
            errors.add_with(name, key, vec![("label", label.to_owned())]);
            None
        }
    }
}

/// Reads a week of spans (availability or opening hours): each pair both empty or both
/// times on the quarter hour, the end after the start, no two spans of a day overlapping.
pub(super) fn read_spans(
    ctx: &PageContext,
    form: SpanForm,
    typed: &Fields,
    errors: &mut Errors,
) -> BTreeMap<u8, Vec<LocalSpan>> {
    let mut week = BTreeMap::new();
    for day in 1..=7u8 {
        let mut spans: Vec<(usize, LocalSpan)> = Vec::new();
        for n in 1..=form.per_day() {
            let from_name = span_field(form, day, n, false);
            let to_name = span_field(form, day, n, true);
            let from = value(typed, from_name).trim();
            let to = value(typed, to_name).trim();
            if from.is_empty() && to.is_empty() {
                continue;
            }
            let from_label = span_label(ctx, form, day, n, false);
            let to_label = span_label(ctx, form, day, n, true);
            let starts = time_field(errors, from_name, from, &from_label);
            let ends = time_field(errors, to_name, to, &to_label);
            if let (Some(starts), Some(ends)) = (starts, ends) {
                if ends <= starts {
                    errors.add_with(
                        to_name,
                        "schedule.error.end_before_start",
                        vec![("label", to_label)],
                    );
                } else {
                    spans.push((n, LocalSpan { starts, ends }));
                }
            }
        }
        spans.sort_by_key(|(_, span)| *span);
        let mut kept: Vec<LocalSpan> = Vec::new();
        for (n, span) in spans {
            let overlaps = kept.last().is_some_and(|last| span.starts < last.ends);
            if overlaps {
                errors.add_with(
                    span_field(form, day, n, false),
                    "schedule.error.overlap",
                    vec![("label", span_label(ctx, form, day, n, false))],
                );
            } else {
                kept.push(span);
            }
        }
        if !kept.is_empty() {
            week.insert(day, kept);
        }
    }
    week
}

pub(super) fn only_span_fields(form: SpanForm, typed: &Fields) -> Fields {
    let mut out = HashMap::new();
    for day in 1..=7u8 {
        for n in 1..=form.per_day() {
            for end in [false, true] {
                let name = span_field(form, day, n, end);
                out.insert(name.to_owned(), value(typed, name).to_owned());
            }
        }
    }
    out
}

/// Reads a date typed as three fields (`{name}-year`, `-month`, `-day`), today or later.
/// A day typed into three fields: year, month and day.
#[derive(Debug, Default)]
pub(super) struct TypedDay {
    pub year: String,
    pub month: String,
    pub day: String,
}

/// Reads a day from its three fields: a day from today on, within the desk's calendar.
pub(super) fn date_field(
    errors: &mut Errors,
    name: &'static str,
    typed: &TypedDay,
    today: Date,
) -> Option<Date> {
    match dates::typed_date(&typed.year, &typed.month, &typed.day) {
        Ok(date) if date < today => {
            errors.add(name, "schedule.error.date_past");
            None
        }
        Ok(date) => Some(date),
        Err(Invalid::Missing) => {
            errors.add(name, "schedule.error.date_missing");
            None
        }
        Err(Invalid::OutOfRange) => {
            let last = dates::iso_day(dates::LAST_DAY);
            errors.add_with(name, "schedule.error.date_range", vec![("last", last)]);
            None
        }
        Err(_) => {
            errors.add(name, "schedule.error.date_invalid");
            None
        }
    }
}
