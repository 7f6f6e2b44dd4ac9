//! Interpreters: the list, and one interpreter's availability, date exceptions and
//! qualifications.

use super::fields::{
    TypedDay, date_field, only_span_fields, read_spans, spans_to_fields, time_field,
};
use super::hours::{self, Saving};
use super::{DoneQuery, Fields, may_see, parse_id, today, value};
use crate::domain::schedule::{DayChange, LocalSpan, hhmm};
use crate::domain::{Lang, Permission, Qualification};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::accounts::SignedInStaff;
use crate::services::interpreters::{self, HoursChange, Interpreter};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::qualifications::RecordForm;
use crate::views::schedule::{
    self as view, ExceptionForm, ExceptionRow, InterpreterView, SpanForm,
};
use crate::web::AppState;
use crate::web::context::StaffAct;
use crate::web::forms::Form;
use crate::web::forms::Query;
use crate::web::forms::{rejected, see_other};
use crate::web::qualifications::QualificationsForm;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;
use serde::Deserialize;
use time::Duration;

/// How far ahead date exceptions are listed.
const LIST_AHEAD_DAYS: i64 = 3 * 366;

/// Every interpreter, with qualifications.
pub async fn interpreters_list(State(state): State<AppState>, ctx: PageContext) -> Result<Markup> {
    let rows = interpreters::list(&state.db).await?;
    Ok(view::interpreters(&ctx, &rows, today(&state)))
}

/// Loads an interpreter the staff member may see, and whether they manage the schedule.
async fn visible_interpreter(
    state: &AppState,
    staff: &SignedInStaff,
    raw_id: &str,
) -> Result<(Interpreter, bool)> {
    let id = parse_id(raw_id)?;
    if !may_see(staff, id) {
        return Err(Error::NotFound);
    }
    let found = interpreters::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((found, staff.role.may(Permission::ManageSchedule)))
}

/// What the interpreter page's forms show instead of the stored values, after a rejection.
#[derive(Default)]
struct InterpreterTyped {
    weekly: Option<Fields>,
    qualifications: Option<RecordForm>,
    sign_languages: Option<Vec<String>>,
    exception: ExceptionForm,
}

async fn interpreter_markup(
    StaffAct {
        state, ctx, staff, ..
    }: &StaffAct,
    found: Interpreter,
    manage: bool,
    typed: InterpreterTyped,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let id = found.id;
    let weekly = match typed.weekly {
        Some(typed) => typed,
        None => {
            let stored = interpreters::weekly_of(&state.db, &[id]).await?;
            stored
                .get(&id)
                .map(|week| spans_to_fields(SpanForm::Availability, week))
                .unwrap_or_default()
        }
    };
    let from = today(state);
    let exceptions: Vec<ExceptionRow> = interpreters::exceptions_between(
        &state.db,
        &[id],
        from,
        from + Duration::days(LIST_AHEAD_DAYS),
    )
    .await?
    .remove(&id)
    .unwrap_or_default()
    .into_iter()
    .map(|e| ExceptionRow {
        id: e.id,
        day: e.day,
        extra: match e.change {
            DayChange::Off => None,
            DayChange::Extra(span) => Some((hhmm(span.starts), hhmm(span.ends))),
        },
    })
    .collect();
    let records = typed
        .qualifications
        .unwrap_or_else(|| RecordForm::stored(&found.records));
    let languages: Vec<String> = typed.sign_languages.unwrap_or_else(|| {
        found
            .sign_languages
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect()
    });
    let signs: Vec<&str> = languages.iter().map(String::as_str).collect();
    Ok(view::interpreter(
        ctx,
        InterpreterView {
            interpreter: &found,
            manage,
            own: staff.id == id,
            weekly: &weekly,
            records: &records,
            today: from,
            sign_languages: &signs,
            exceptions: &exceptions,
            exception_form: &typed.exception,
            errors,
            notice,
        },
    ))
}

/// One interpreter's availability and qualifications.
pub async fn interpreter_page(
    act: StaffAct,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Markup> {
    let (found, manage) = visible_interpreter(&act.state, &act.staff, &id).await?;
    let notice = query.notice(
        &act.ctx,
        &[
            ("weekly", "schedule.done.weekly"),
            ("qualifications", "schedule.done.qualifications"),
            ("exception_added", "schedule.done.exception_added"),
            ("exception_removed", "schedule.done.exception_removed"),
            ("email_lang", "interpreter.done.email_lang"),
        ],
    );
    let typed = InterpreterTyped::default();
    interpreter_markup(&act, found, manage, typed, &Errors::new(), notice).await
}

fn interpreter_done(id: i64, what: &str) -> Response {
    see_other(&format!("{}?done={what}", paths::staff::interpreter(id)))
}

/// Saves an interpreter's usual weekly hours.
pub async fn save_weekly(
    act: StaffAct,
    Path(id): Path<String>,
    Form(typed): Form<Fields>,
) -> Result<Response> {
    let (found, manage) = visible_interpreter(&act.state, &act.staff, &id).await?;
    let mut errors = Errors::new();
    let week = read_spans(&act.ctx, SpanForm::Availability, &typed, &mut errors);
    if !errors.is_empty() {
        let typed = InterpreterTyped {
            weekly: Some(only_span_fields(SpanForm::Availability, &typed)),
            ..Default::default()
        };
        let page = interpreter_markup(&act, found, manage, typed, &errors, None).await?;
        return Ok(rejected(page));
    }
    let action = paths::staff::interpreter_weekly(found.id);
    let saving = Saving {
        interpreter: &found,
        manage,
        typed: &typed,
        action: &action,
        done: "weekly",
    };
    hours::save(&act, saving, HoursChange::Weekly(week)).await
}

/// Replaces an interpreter's qualifications, with their dates, and sign languages
/// (coordinators and above only).
pub async fn save_qualifications(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<QualificationsForm>,
) -> Result<Response> {
    let (found, manage) = visible_interpreter(&act.state, &act.staff, &id).await?;
    let mut errors = Errors::new();
    let records = form.records(&act.ctx, today(&act.state), &mut errors);
    let languages = form.sign_languages();
    match (&records, &languages) {
        (_, None) => errors.add("sign_language", "interpreter.error.sign_language_unknown"),
        (Some(records), Some(languages))
            if records
                .iter()
                .any(|r| r.qualification == Qualification::SignLanguageInterpreter)
                && languages.is_empty() =>
        {
            errors.add("sign_language", "interpreter.error.sign_language_missing")
        }
        (Some(records), Some(languages)) if errors.is_empty() => {
            interpreters::set_qualifications_and_languages(&act.uc(), found.id, records, languages)
                .await?;
            return Ok(interpreter_done(found.id, "qualifications"));
        }
        _ => {}
    }
    let typed = InterpreterTyped {
        qualifications: Some(form.typed()),
        sign_languages: Some(form.sign_language.clone()),
        ..Default::default()
    };
    let page = interpreter_markup(&act, found, manage, typed, &errors, None).await?;
    Ok(rejected(page))
}

/// The form that picks the language of an interpreter's emails.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailLangForm {
    email_lang: String,
}

/// Sets the language of an interpreter's emails (their own, or anyone's for a
/// coordinator).
pub async fn save_email_lang(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<EmailLangForm>,
) -> Result<Response> {
    let (found, manage) = visible_interpreter(&act.state, &act.staff, &id).await?;
    let Some(lang) = Lang::from_code(&form.email_lang) else {
        let mut errors = Errors::new();
        errors.add("email_lang", "interpreter.error.email_lang_missing");
        let typed = InterpreterTyped::default();
        let page = interpreter_markup(&act, found, manage, typed, &errors, None).await?;
        return Ok(rejected(page));
    };
    interpreters::set_email_lang(&act.uc(), found.id, lang).await?;
    Ok(interpreter_done(found.id, "email_lang"))
}

/// Adds a day off or extra hours on one date.
pub async fn add_exception(
    act: StaffAct,
    Path(id): Path<String>,
    Form(typed): Form<Fields>,
) -> Result<Response> {
    let ctx = &act.ctx;
    let (found, manage) = visible_interpreter(&act.state, &act.staff, &id).await?;
    let mut errors = Errors::new();
    let typed_day = TypedDay {
        year: value(&typed, "exception_day-year").to_owned(),
        month: value(&typed, "exception_day-month").to_owned(),
        day: value(&typed, "exception_day-day").to_owned(),
    };
    let day = date_field(&mut errors, "exception_day", &typed_day, today(&act.state));
    let kind = value(&typed, "exception_kind");
    let change = match kind {
        "off" => Some(DayChange::Off),
        "extra" => {
            let from = time_field(
                &mut errors,
                "exception_from",
                value(&typed, "exception_from"),
                ctx.t("schedule.exceptions.from"),
            );
            let to = time_field(
                &mut errors,
                "exception_to",
                value(&typed, "exception_to"),
                ctx.t("schedule.exceptions.to"),
            );
            match (from, to) {
                (Some(starts), Some(ends)) if ends > starts => {
                    Some(DayChange::Extra(LocalSpan { starts, ends }))
                }
                (Some(_), Some(_)) => {
                    errors.add_with(
                        "exception_to",
                        "schedule.error.end_before_start",
                        vec![("label", ctx.t("schedule.exceptions.to").to_owned())],
                    );
                    None
                }
                _ => None,
            }
        }
        _ => {
            errors.add("exception_kind", "schedule.error.kind_missing");
            None
        }
    };
    let (Some(day), Some(change)) = (day, change.filter(|_| errors.is_empty())) else {
        let typed = InterpreterTyped {
            exception: ExceptionForm {
                year: typed_day.year,
                month: typed_day.month,
                day: typed_day.day,
                kind: kind.to_owned(),
                from: value(&typed, "exception_from").to_owned(),
                to: value(&typed, "exception_to").to_owned(),
            },
            ..Default::default()
        };
        let page = interpreter_markup(&act, found, manage, typed, &errors, None).await?;
        return Ok(rejected(page));
    };
    let action = paths::staff::interpreter_exceptions(found.id);
    let saving = Saving {
        interpreter: &found,
        manage,
        typed: &typed,
        action: &action,
        done: "exception_added",
    };
    hours::save(&act, saving, HoursChange::Exception(day, change)).await
}

/// Removes one date exception.
pub async fn remove_exception(
    act: StaffAct,
    Path((id, exception_id)): Path<(String, String)>,
) -> Result<Response> {
    let (found, _) = visible_interpreter(&act.state, &act.staff, &id).await?;
    let exception_id = parse_id(&exception_id)?;
    if !interpreters::remove_exception(&act.uc(), found.id, exception_id).await? {
        return Err(Error::NotFound);
    }
    Ok(interpreter_done(found.id, "exception_removed"))
}
