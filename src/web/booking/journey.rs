//! The booking journey: the mode, a day in a week of days with free times, one of the day's
//! free times, the customer's details, check your answers, and the confirmation.
//!
//! It is a journey of the kit's (see [`crate::web::journey`]), its answers kept on the server
//! under the `yorisoi_book` cookie; its mode and details are taken and checked as any
//! journey's steps are, its day and time chosen against the calendar by pages of their own.
//! Every POST answers 303 to the first step still open (or to the check page once all are
//! answered), and a refused answer 422 with what was typed.

use super::{
    DayRoutes, Week, WeekQuery, day_page, free_times, parse_start, session_facts, time_choices,
    week_list, week_number_of,
};
use crate::domain::Token;
use crate::domain::booking::{BookingForm, BookingStep, DetailsForm, Draft};
use crate::domain::dates::{iso_day, parse_day};
use crate::domain::journey::{Journey, refused_choice};
use crate::domain::proxy::Scope;
use crate::domain::schedule::SessionMode;
use crate::error::{Error, Result};
use crate::paths;
use crate::services::booking::make::{NewBooking, OnBehalf};
use crate::services::booking::{self, BookingError};
use crate::services::calendar::{Calendar, local_date};
use crate::services::incidents::measures::Identity;
use crate::services::settings;
use crate::services::{Actor, proxies};
use crate::views::PageContext;
use crate::views::booking::{self as view, Answers, TimeList};
use crate::views::components::Errors;
use crate::web::AppState;
use crate::web::context::{ClientIp, MaybeProxy};
use crate::web::cookies;
use crate::web::forms::Form;
use crate::web::forms::Query;
use crate::web::forms::{rejected, see_other};
use crate::web::journey::{
    Current, Route, finish_or_ask_again, keep, next_path, save_and_go, to_send, today,
};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

impl Route for Draft {
    const BASE: &'static str = paths::booking::START;
    const COOKIE: &'static str = cookies::BOOKING;
    const ENTRY: &'static str = paths::booking::MODE;
}

/// Where a customer goes when the time they chose was taken while they were confirming:
/// the times of that day still free, with a message saying so.
fn taken() -> String {
    format!("{}?taken=1", paths::booking::TIME)
}

/// The journey a step after the mode needs, with its mode; without one, the step is asked
/// from the mode page.
fn with_mode(current: Current<Draft>) -> Option<(Token, Draft, SessionMode)> {
    let (token, draft) = current.under_way()?;
    let mode = draft.mode()?;
    Some((token, draft, mode))
}

/// Saves a journey under way and goes to its first step still open.
async fn go_on(state: &AppState, token: Token, draft: &Draft) -> Result<Response> {
    // The address only counts for new journeys.
    save_and_go(
        state,
        Some(token),
        draft,
        &next_path(draft),
        &ClientIp(None),
    )
    .await
}

/// `/book`: what the service is, and the start button.
pub async fn start(ctx: PageContext, current: Current<Draft>) -> Response {
    let resume = current.resumable().map(next_path);
    view::start(&ctx, resume.as_deref()).into_response()
}

/// What the mode page sends.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ModeForm {
    mode: String,
}

/// The mode question.
pub async fn mode_form(ctx: PageContext, current: Current<Draft>) -> Response {
    let draft = current.answers();
    let ctx = ctx.acting_for(draft.for_customer.clone());
    view::mode(&ctx, draft.mode.as_deref(), &Errors::new()).into_response()
}

/// Saves the mode. A refused mode is not kept: the journey stays as it was.
pub async fn mode_save(
    State(state): State<AppState>,
    ctx: PageContext,
    client: ClientIp,
    current: Current<Draft>,
    Form(form): Form<ModeForm>,
) -> Result<Response> {
    let (token, mut draft) = current.for_saving();
    let answer = BookingForm {
        mode: form.mode,
        ..Default::default()
    };
    let refused = draft.answer(BookingStep::Mode, &answer, today(&state));
    if !refused.is_empty() {
        return Ok(rejected(view::mode(&ctx, None, &refused.into())));
    }
    save_and_go(&state, token, &draft, &next_path(&draft), &client).await
}

/// The day page of the journey.
fn journey_day_page(
    ctx: &PageContext,
    mode: SessionMode,
    list: Week,
    selected: Option<&str>,
    errors: &Errors,
) -> maud::Markup {
    let routes = DayRoutes {
        action: paths::booking::DAY,
        method: "post",
        back: paths::booking::MODE,
        week_link: paths::booking::DAY,
    };
    day_page(ctx, &routes, mode, list, selected, errors)
}

/// The day question.
pub async fn day_form(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
    Query(query): Query<WeekQuery>,
) -> Result<Response> {
    let Some((_, draft, mode)) = with_mode(current) else {
        return Ok(see_other(Draft::ENTRY));
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let today = local_date(state.now(), state.config.timezone);
    // Without a week asked for, show the week of the day already chosen.
    let week = if query.week.is_empty() {
        draft
            .day
            .as_deref()
            .and_then(|d| parse_day(d).ok())
            .map(|d| week_number_of(d, today).to_string())
            .unwrap_or_default()
    } else {
        query.week.clone()
    };
    let list = week_list(&state, mode, &week).await?;
    let page = journey_day_page(&ctx, mode, list, draft.day.as_deref(), &Errors::new());
    Ok(page.into_response())
}

/// What the day page sends.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DayForm {
    day: String,
    week: String,
}

/// Saves the day.
pub async fn day_save(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
    Form(form): Form<DayForm>,
) -> Result<Response> {
    let Some((token, mut draft, mode)) = with_mode(current) else {
        return Ok(see_other(Draft::ENTRY));
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let list = week_list(&state, mode, &form.week).await?;
    let chosen = parse_day(form.day.trim()).ok();
    let free = chosen.is_some_and(|d| list.days.iter().any(|(day, _)| *day == d))
        || match chosen {
            // A day from another week (a page kept open for long): check it directly.
            Some(d) => !free_times(&state, mode, d, None).await?.1.is_empty(),
            None => false,
        };
    if !free {
        let mut errors = Errors::new();
        errors.invalid("day", refused_choice(&form.day));
        return Ok(rejected(journey_day_page(&ctx, mode, list, None, &errors)));
    }
    let day = chosen.map(iso_day);
    if draft.day != day {
        draft.day = day;
        draft.start = None;
    }
    go_on(&state, token, &draft).await
}

fn back_to_week(draft: &Draft, today: Date) -> String {
    match draft.day.as_deref().and_then(|d| parse_day(d).ok()) {
        Some(d) => format!("{}?week={}", paths::booking::DAY, week_number_of(d, today)),
        None => paths::booking::DAY.to_owned(),
    }
}

/// Where the time page was sent from.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TimeQuery {
    /// Set when a confirmation found its time taken meanwhile.
    taken: String,
}

/// The time page of the journey.
fn journey_time_page(
    state: &AppState,
    ctx: &PageContext,
    draft: &Draft,
    day: Date,
    (calendar, starts): (&Calendar, &[OffsetDateTime]),
    (selected, taken): (Option<&str>, bool),
    errors: &Errors,
) -> maud::Markup {
    let back = back_to_week(draft, local_date(state.now(), state.config.timezone));
    view::time(
        ctx,
        &TimeList {
            action: paths::booking::TIME,
            back: &back,
            day,
            times: time_choices(state, calendar, starts),
            selected,
            taken,
            extra: None,
            hidden: Vec::new(),
            submit: ctx.t("book.continue"),
        },
        errors,
    )
}

/// The time question.
pub async fn time_form(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
    Query(query): Query<TimeQuery>,
) -> Result<Response> {
    let Some((_, draft, mode)) = with_mode(current) else {
        return Ok(see_other(Draft::ENTRY));
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let Some(day) = draft.day.as_deref().and_then(|d| parse_day(d).ok()) else {
        return Ok(see_other(paths::booking::DAY));
    };
    let (calendar, starts) = free_times(&state, mode, day, None).await?;
    let selected = draft.start.map(|s| s.to_string());
    let page = journey_time_page(
        &state,
        &ctx,
        &draft,
        day,
        (&calendar, &starts),
        (selected.as_deref(), !query.taken.is_empty()),
        &Errors::new(),
    );
    Ok(page.into_response())
}

/// What the time page sends.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TimeForm {
    start: String,
    keep: String,
}

/// Saves the time.
pub async fn time_save(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
    Form(form): Form<TimeForm>,
) -> Result<Response> {
    let Some((token, mut draft, mode)) = with_mode(current) else {
        return Ok(see_other(Draft::ENTRY));
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let Some(day) = draft.day.as_deref().and_then(|d| parse_day(d).ok()) else {
        return Ok(see_other(paths::booking::DAY));
    };
    let (calendar, starts) = free_times(&state, mode, day, None).await?;
    let chosen = parse_start(&form.start).filter(|s| starts.contains(s));
    let Some(start) = chosen else {
        let mut errors = Errors::new();
        errors.invalid("start", refused_choice(&form.start));
        return Ok(rejected(journey_time_page(
            &state,
            &ctx,
            &draft,
            day,
            (&calendar, &starts),
            (None, false),
            &errors,
        )));
    };
    draft.start = Some(start.unix_timestamp());
    go_on(&state, token, &draft).await
}

/// The details question.
pub async fn details_form(ctx: PageContext, current: Current<Draft>) -> Response {
    let Some((_, draft, mode)) = with_mode(current) else {
        return see_other(Draft::ENTRY);
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    if draft.start.is_none() {
        return see_other(&next_path(&draft));
    }
    view::details(&ctx, mode, &draft.details, &Errors::new()).into_response()
}

/// Saves the details; what was typed is kept even when refused.
pub async fn details_save(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
    Form(form): Form<DetailsForm>,
) -> Result<Response> {
    let Some((token, mut draft, mode)) = with_mode(current) else {
        return Ok(see_other(Draft::ENTRY));
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let answer = BookingForm {
        details: form,
        ..Default::default()
    };
    let refused = draft.answer(BookingStep::Details, &answer, today(&state));
    let response = if refused.is_empty() {
        see_other(&next_path(&draft))
    } else {
        rejected(view::details(&ctx, mode, &draft.details, &refused.into()))
    };
    keep(&state, Some(token), &draft, &ClientIp(None), response).await
}

/// Check your answers.
pub async fn check_form(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
) -> Result<Response> {
    let Some((_, draft, mode)) = with_mode(current) else {
        return Ok(see_other(Draft::ENTRY));
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let (Some(start), true) = (draft.start_at(), draft.details_done) else {
        return Ok(see_other(&next_path(&draft)));
    };
    let desk = settings::load(&state.db).await?;
    let end = start + desk.rules(mode).length;
    let answers = Answers {
        mode,
        when: crate::i18n::format_session_time(ctx.lang, start, end, state.config.timezone),
        details: &draft.details,
    };
    Ok(view::check(&ctx, &answers, draft.request.as_deref()).into_response())
}

/// Books the session.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    MaybeProxy(proxy): MaybeProxy,
    current: Current<Draft>,
) -> Result<Response> {
    // A second press of the button after the booking went through shows the booking.
    let (token, mut draft) = match to_send(current) {
        Ok(journey) => journey,
        Err(elsewhere) => return Ok(see_other(&elsewhere)),
    };
    if draft.mode().is_none() {
        return Ok(see_other(Draft::ENTRY));
    }
    // A proxy's journey is confirmed only by that proxy, signed in, while the registration
    // lets them book for the customer.
    let (actor, on_behalf) = match draft.for_registration {
        None => (Actor::visitor(ip), None),
        Some(registration) => {
            let Some(proxy) = proxy else {
                return Ok(see_other(&format!(
                    "{}?next={}",
                    paths::proxy::LOGIN,
                    paths::booking::CHECK
                )));
            };
            let r = match proxies::acting_for(
                &state.db,
                state.now(),
                proxy.id,
                registration,
                Some(Scope::Book),
            )
            .await?
            {
                Ok(r) => r,
                Err(_) => return Err(Error::Forbidden),
            };
            let on_behalf = OnBehalf {
                proxy_id: proxy.id,
                registration_id: r.id,
                copy_to: r
                    .principal_email
                    .as_deref()
                    .and_then(|e| crate::domain::Email::parse(e).ok()),
            };
            (proxy.actor(ip), Some(on_behalf))
        }
    };
    let answers = match finish_or_ask_again(&state, &token, &mut draft).await? {
        Ok(answers) => answers,
        Err(ask_again) => return Ok(ask_again),
    };
    let request = match &draft.request {
        Some(reference) => crate::services::requests::by_reference(&state.db, reference).await?,
        None => None,
    };
    let request_id = request.as_ref().map(|r| r.id);
    // A measure may hold it; what always stays open never is.
    let who = booking_identity(&answers.details, on_behalf.as_ref().map(|b| b.proxy_id));
    let approved = supervisor_handles(&state, request.as_ref()).await?;
    if super::super::measures::booking_held(&state, &who, answers.details.topic, approved)
        .await?
        .is_some()
    {
        return Ok(see_other(paths::booking::LIMITED));
    }
    let new = NewBooking {
        mode: answers.mode,
        start: answers.start,
        details: answers.details,
        lang: ctx.lang,
        on_behalf,
        request_id,
    };
    let uc = state.act(&actor);
    match booking::make::confirm(&uc, &state.calendars, &new, Some(&token)).await {
        Ok(_) => Ok(see_other(paths::booking::CONFIRMATION)),
        // Nothing is written: the journey keeps every answer, and the time page offers only
        // the times still free.
        Err(BookingError::Taken) => Ok(see_other(&taken())),
        Err(BookingError::NotAllowed) => Err(Error::Forbidden),
        Err(other) => Err(other.into()),
    }
}

/// The confirmation page of the journey just finished.
/// Who a booking is for, for the measures: the proxy booking it, or the customer as they
/// gave their details.
fn booking_identity(details: &crate::domain::booking::Details, proxy: Option<i64>) -> Identity {
    match proxy {
        Some(id) => Identity::Proxy(id),
        None => Identity::Customer {
            email: Some(details.email.as_str().to_owned()),
            member_number: details.member_number.clone(),
        },
    }
}

/// Whether a session answers a request a supervisor (or admin) handles: under a limit of
/// sessions only with a supervisor's approval, that is the approval.
async fn supervisor_handles(
    state: &AppState,
    request: Option<&crate::services::requests::Request>,
) -> Result<bool> {
    let Some(assignee) = request.and_then(|r| r.assignee_id) else {
        return Ok(false);
    };
    Ok(crate::services::staff::get(&state.db, assignee)
        .await?
        .is_some_and(|s| s.active && s.role.may(crate::domain::Permission::HandleIncidents)))
}

/// The calm page met instead of booking while a measure holds the session: what is held
/// and until when, with what stays open. A booking no longer held goes back to its check.
pub async fn limited(
    State(state): State<AppState>,
    ctx: PageContext,
    MaybeProxy(proxy): MaybeProxy,
    current: Current<Draft>,
) -> Result<Response> {
    let Some((_, draft)) = current.under_way() else {
        return Ok(see_other(paths::booking::START));
    };
    let Ok(answers) = draft.finish(super::super::journey::today(&state)) else {
        return Ok(see_other(paths::booking::CHECK));
    };
    let proxy_id = match (draft.for_registration, &proxy) {
        (Some(_), Some(p)) => Some(p.id),
        (Some(_), None) => return Ok(see_other(paths::booking::CHECK)),
        (None, _) => None,
    };
    let request = match &draft.request {
        Some(reference) => crate::services::requests::by_reference(&state.db, reference).await?,
        None => None,
    };
    let approved = supervisor_handles(&state, request.as_ref()).await?;
    let who = booking_identity(&answers.details, proxy_id);
    let Some(held) =
        super::super::measures::booking_held(&state, &who, answers.details.topic, approved).await?
    else {
        return Ok(see_other(paths::booking::CHECK));
    };
    let topic = crate::web::journey::path::<Draft>(crate::domain::journey::Place::Step(
        BookingStep::Details,
    ));
    Ok(super::super::measures::held_page(&ctx, held, &topic, None))
}

pub async fn confirmation(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<Draft>,
) -> Result<Response> {
    let Some((token, mut draft)) = current.0 else {
        return Ok(see_other(paths::booking::START));
    };
    let Some(id) = draft.confirmed else {
        return Ok(see_other(paths::booking::START));
    };
    if draft.confirmation_shown {
        return Ok(view::manage_message(
            &ctx,
            "book.confirmation.shown_title",
            "book.confirmation.shown",
            None,
        )
        .into_response());
    }
    let Some(b) = booking::get(&state.db, id).await? else {
        return Ok(see_other(paths::booking::START));
    };
    draft.confirmation_shown = true;
    crate::services::drafts::save_now(&state.db, state.now(), &token, &draft).await?;
    let facts = session_facts(&state, ctx.lang, &b).await?;
    Ok(view::confirmation(&ctx, &facts.view()).into_response())
}
