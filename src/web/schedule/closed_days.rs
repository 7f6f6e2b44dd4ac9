//! The closed-days page: whether the national holidays and a year-end break close the
//! desk, the days closed from today on, and closing or opening one day at a time.

use super::fields::{TypedDay, date_field};
use super::{DoneQuery, sane_day, today};
use crate::domain::Invalid;
use crate::domain::holidays::{AnnualBreak, ListedDay, MonthDay};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::settings;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::schedule::{self as view, ClosedDaysView, ClosedForm, ClosureRulesForm};
use crate::web::AppState;
use crate::web::context::StaffAct;
use crate::web::forms::Form;
use crate::web::forms::Query;
use crate::web::forms::{rejected, see_other};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;
use serde::Deserialize;
use time::{Date, Month};

/// The longest note on a closed day, in characters.
const CLOSED_NOTE_MAX_CHARS: usize = 100;

/// What the page's forms show instead of what is stored, after a rejection.
#[derive(Default)]
struct Typed {
    rules: Option<ClosureRulesForm>,
    closed: ClosedForm,
}

/// The last day the rules are listed for: the end of next year.
fn list_until(today: Date) -> Date {
    Date::from_calendar_date(today.year() + 1, Month::December, 31).unwrap_or(today)
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    typed: Typed,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let d = settings::load(&state.db).await?;
    let from = today(state);
    let until = list_until(from);
    let mut days = d.closed.listed(from, until);
    // Days staff closed further ahead are listed too.
    days.extend(
        d.closed
            .desk
            .range(until.next_day().unwrap_or(until)..)
            .map(|(day, note)| ListedDay {
                day: *day,
                why: crate::domain::holidays::Closure::Desk(note.clone()),
                reopened: false,
            }),
    );
    let rules = typed.rules.unwrap_or_else(|| {
        let shown = d.closed.year_end.unwrap_or(AnnualBreak::YEAR_END);
        ClosureRulesForm {
            national_holidays: d.closed.national_holidays,
            year_end: d.closed.year_end.is_some(),
            first: shown.first.as_string(),
            last: shown.last.as_string(),
        }
    });
    Ok(view::closed_days(
        ctx,
        ClosedDaysView {
            days: &days,
            until,
            rules: &rules,
            closed_form: &typed.closed,
            errors,
            notice,
        },
    ))
}

fn done(what: &str) -> Response {
    see_other(&format!("{}?done={what}", paths::staff::CLOSED_DAYS))
}

/// The closed-days page.
pub async fn closed_days(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<DoneQuery>,
) -> Result<Markup> {
    let notice = query.notice(
        &ctx,
        &[
            ("rules", "closed_days.done.rules"),
            ("closed", "schedule.done.closed"),
            ("reopened", "schedule.done.reopened"),
            ("closed_again", "closed_days.done.closed_again"),
        ],
    );
    page(&state, &ctx, Typed::default(), &Errors::new(), notice).await
}

/// Reads a day of the year field of the year-end break.
fn month_day(errors: &mut Errors, name: &'static str, raw: &str) -> Option<MonthDay> {
    match MonthDay::parse(raw) {
        Ok(md) => Some(md),
        Err(Invalid::Missing) => {
            errors.add(name, "closed_days.error.day_missing");
            None
        }
        Err(_) => {
            errors.add(name, "closed_days.error.day_format");
            None
        }
    }
}

/// The closure rules' form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RulesForm {
    national_holidays: String,
    year_end: String,
    year_end_first: String,
    year_end_last: String,
}

/// Saves whether the national holidays and a year-end break close the desk.
pub async fn save_rules(act: StaffAct, Form(form): Form<RulesForm>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let national_holidays = form.national_holidays == "1";
    let keeps_break = form.year_end == "1";
    let mut errors = Errors::new();
    let (first_raw, last_raw) = (form.year_end_first.as_str(), form.year_end_last.as_str());
    let year_end = if keeps_break {
        let first = month_day(&mut errors, "year_end_first", first_raw);
        let last = month_day(&mut errors, "year_end_last", last_raw);
        first
            .zip(last)
            .map(|(first, last)| AnnualBreak { first, last })
    } else {
        None
    };
    if !errors.is_empty() {
        let typed = Typed {
            rules: Some(ClosureRulesForm {
                national_holidays,
                year_end: keeps_break,
                first: first_raw.to_owned(),
                last: last_raw.to_owned(),
            }),
            ..Default::default()
        };
        return Ok(rejected(page(state, ctx, typed, &errors, None).await?));
    }
    settings::opening::save_closure_rules(&act.uc(), national_holidays, year_end).await?;
    Ok(done("rules"))
}

/// The form that closes a day.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    #[serde(rename = "closed_day-year")]
    year: String,
    #[serde(rename = "closed_day-month")]
    month: String,
    #[serde(rename = "closed_day-day")]
    day: String,
    closed_note: String,
}

/// Closes the desk on a date.
pub async fn close_day(act: StaffAct, Form(form): Form<CloseForm>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let mut errors = Errors::new();
    let typed = TypedDay {
        year: form.year,
        month: form.month,
        day: form.day,
    };
    let day = date_field(&mut errors, "closed_day", &typed, today(state));
    let note = form.closed_note.trim();
    if note.chars().count() > CLOSED_NOTE_MAX_CHARS {
        errors.add_with(
            "closed_note",
            "schedule.error.closed_note_too_long",
            vec![("max", CLOSED_NOTE_MAX_CHARS.to_string())],
        );
    } else if note.chars().any(char::is_control) {
        errors.add("closed_note", "schedule.error.closed_note_format");
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        let typed = Typed {
            closed: ClosedForm {
                year: typed.year,
                month: typed.month,
                day: typed.day,
                note: form.closed_note.clone(),
            },
            ..Default::default()
        };
        return Ok(rejected(page(state, ctx, typed, &errors, None).await?));
    };
    settings::opening::close_day(&act.uc(), day, note).await?;
    Ok(done("closed"))
}

/// Opens a closed day: a day staff closed, or a holiday or break day, which is then open
/// all the same.
pub async fn reopen_day(act: StaffAct, Path(day): Path<String>) -> Result<Response> {
    let StaffAct { state, .. } = &act;
    let day = sane_day(&day).ok_or(Error::NotFound)?;
    if settings::load(&state.db)
        .await?
        .closed
        .closure(day)
        .is_none()
    {
        return Err(Error::NotFound);
    }
    settings::opening::reopen_day(&act.uc(), day).await?;
    Ok(done("reopened"))
}

/// Closes again a holiday or break day that was opened.
pub async fn close_again(act: StaffAct, Path(day): Path<String>) -> Result<Response> {
    let day = sane_day(&day).ok_or(Error::NotFound)?;
    if !settings::opening::close_by_rule_again(&act.uc(), day).await? {
        return Err(Error::NotFound);
    }
    Ok(done("closed_again"))
}
