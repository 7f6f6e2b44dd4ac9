//! The public booking journey and the manage-link pages.
//!
//! The journey's answers live on the server (`journey_drafts`), named by a random token in
//! the `yorisoi_book` cookie, so a person can take as long as they need and close the page.
//! Each page asks one question; every POST answers 303 to the next unanswered step (or to
//! the check page once all are answered), and a rejected answer 422 with what was typed.

use super::AppState;
use super::context::{ClientIp, MaybeProxy};
use super::cookies::{self, Lifetime};
use super::forms::{keep_journey, rejected, see_other};
use crate::domain::booking::{DetailsForm, Draft};
use crate::domain::dates::{iso_day, parse_day};
use crate::domain::proxy::Scope;
use crate::domain::schedule::{SessionMode, within_horizon};
use crate::domain::{BookingStatus, Invalid, Joining, Lang, Token};
use crate::error::{Error, Result};
use crate::services::Actor;
use crate::services::booking::make::{NewBooking, OnBehalf, last_bookable_day};
use crate::services::booking::manage::ChangedBy;
use crate::services::booking::{self, BookingError};
use crate::services::calendar::{Calendar, local_date};
use crate::services::drafts;
use crate::services::proxies;
use crate::services::settings;
use crate::views::PageContext;
use crate::views::book::{
    self as view, Answers, DayList, LOST_CARD, ManageState, Session, TimeChoice, TimeList,
};
use crate::views::components::Errors;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime};

/// The visitor's journey, if their cookie names one that is kept.
async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<(Token, Draft)>> {
    let Some(token) = cookies::get(headers, cookies::BOOKING).and_then(Token::from_presented)
    else {
        return Ok(None);
    };
    Ok(drafts::load(&state.db, &token).await?.map(|d| (token, d)))
}

/// Saves a journey and answers with a redirect; a new journey also gets its cookie.
async fn save_and_go(
    state: &AppState,
    token: Option<Token>,
    draft: &Draft,
    to: &str,
    client: &ClientIp,
) -> Result<Response> {
    let (token, fresh) = keep_journey(state, token, draft, client).await?;
    let mut response = see_other(to);
    if fresh {
        let line = cookies::set(
            cookies::BOOKING,
            token.expose(),
            Lifetime::Month,
            state.config.is_https(),
        );
        if let Ok(value) = HeaderValue::from_str(&line) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// Saves a journey under way and goes to its first step still open.
async fn go_on(state: &AppState, token: Token, draft: &Draft) -> Result<Response> {
    // The address only counts for new journeys.
    save_and_go(state, Some(token), draft, next_step(draft), &ClientIp(None)).await
}

/// The first step the journey still needs.
fn next_step(draft: &Draft) -> &'static str {
    if draft.mode().is_none() {
        "/book/mode"
    } else if draft.day.is_none() {
        "/book/day"
    } else if draft.start.is_none() {
        "/book/time"
    } else if !draft.details_done {
        "/book/details"
    } else {
        "/book/check"
    }
}

/// Starts a booking journey with some answers already given (a proxy booking for a
/// customer, or a customer booking the session a request asked for), on a fresh cookie, and
/// goes to the first question still open.
pub async fn begin(state: &AppState, draft: &Draft, client: &ClientIp) -> Result<Response> {
    let (token, _) = keep_journey(state, None, draft, client).await?;
    let mut response = see_other(next_step(draft));
    let line = cookies::set(
        cookies::BOOKING,
        token.expose(),
        Lifetime::Month,
        state.config.is_https(),
    );
    if let Ok(value) = HeaderValue::from_str(&line) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

fn visitor(ip: Option<String>) -> Actor {
    Actor::visitor(ip)
}

/// `/book`: what the service is, and the start button.
pub async fn start(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let draft = current(&state, &headers).await?;
    let resume = draft
        .as_ref()
        .filter(|(_, d)| d.confirmed.is_none() && d.mode.is_some())
        .map(|(_, d)| next_step(d));
    Ok(view::start(&ctx, resume).into_response())
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ModeForm {
    mode: String,
}

/// The mode question.
pub async fn mode_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let draft = current(&state, &headers)
        .await?
        .map(|(_, d)| d)
        .filter(|d| d.confirmed.is_none())
        .unwrap_or_default();
    let ctx = ctx.acting_for(draft.for_customer.clone());
    Ok(view::mode(&ctx, draft.mode.as_deref(), &Errors::new()).into_response())
}

/// Saves the mode.
pub async fn mode_save(
    State(state): State<AppState>,
    ctx: PageContext,
    client: ClientIp,
    headers: HeaderMap,
    Form(form): Form<ModeForm>,
) -> Result<Response> {
    let Some(mode) = SessionMode::parse(&form.mode) else {
        let mut errors = Errors::new();
        errors.invalid(
            "mode",
            if form.mode.is_empty() {
                Invalid::Missing
            } else {
                Invalid::NotAChoice
            },
        );
        return Ok(rejected(view::mode(&ctx, None, &errors)));
    };
    let (token, mut draft) = match current(&state, &headers).await? {
        Some((token, d)) if d.confirmed.is_none() => (Some(token), d),
        // A finished journey starts again from nothing, under the same cookie.
        Some((token, _)) => (Some(token), Draft::default()),
        None => (None, Draft::default()),
    };
    if draft.mode() != Some(mode) {
        // Another mode has other free times (and other questions): ask them again.
        draft.mode = Some(mode.as_str().to_owned());
        draft.day = None;
        draft.start = None;
        draft.details_done = false;
    }
    save_and_go(&state, token, &draft, next_step(&draft), &client).await
}

/// Loads the journey a step needs, or says where to go instead.
async fn journey_for(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<std::result::Result<(Token, Draft, SessionMode), Response>> {
    match current(state, headers).await? {
        Some((token, d)) if d.confirmed.is_none() => match d.mode() {
            Some(mode) => Ok(Ok((token, d, mode))),
            None => Ok(Err(see_other("/book/mode"))),
        },
        _ => Ok(Err(see_other("/book/mode"))),
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct WeekQuery {
    week: String,
}

/// The furthest week a link can ask for: the longest horizon an admin can set is a year.
const MAX_WEEKS: i64 = 53;

/// How many weeks a customer can page through: up to the horizon.
fn last_week(
    state: &AppState,
    mode: SessionMode,
    desk: &settings::DeskSettings,
    today: Date,
) -> i64 {
    let last = last_bookable_day(&desk.rules(mode), state.now(), state.config.timezone);
    ((last - today).whole_days() / 7).max(0)
}

/// The days of week `n` (counting from today) with free times.
async fn week_list(
    state: &AppState,
    mode: SessionMode,
    raw_week: &str,
) -> Result<(i64, i64, Date, Vec<(Date, usize)>)> {
    let tz = state.config.timezone;
    let now = state.now();
    let today = local_date(now, tz);
    let asked = crate::domain::booking::week_number(raw_week, MAX_WEEKS);
    let week = |n: i64| {
        let from = today + Duration::days(7 * n);
        state
            .calendars
            .calendar(&state.db, tz, mode, from, from + Duration::days(6))
    };
    let mut calendar = week(asked.min(MAX_WEEKS)).await?;
    let max = last_week(state, mode, &calendar.desk, today);
    let n = asked.min(max);
    if n != asked.min(MAX_WEEKS) {
        calendar = week(n).await?;
    }
    let from = today + Duration::days(7 * n);
    Ok((n, max, from, calendar.days_with_free_times(from, 7, now)))
}

#[allow(clippy::too_many_arguments)]
fn day_page(
    ctx: &PageContext,
    action: &str,
    method: &str,
    back: &str,
    week_link: &str,
    mode: SessionMode,
    (n, max, from, days): (i64, i64, Date, Vec<(Date, usize)>),
    selected: Option<&str>,
    errors: &Errors,
) -> maud::Markup {
    view::day(
        ctx,
        &DayList {
            action,
            method,
            back,
            mode,
            week: (from, from + Duration::days(6)),
            week_number: n,
            week_link,
            has_next: n < max,
            days: &days,
            selected,
        },
        errors,
    )
}

/// The week number (from today) a day falls in.
fn week_number_of(day: Date, today: Date) -> i64 {
    ((day - today).whole_days() / 7).max(0)
}

/// The day question.
pub async fn day_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Query(query): Query<WeekQuery>,
) -> Result<Response> {
    let (_, draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
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
    Ok(day_page(
        &ctx,
        "/book/day",
        "post",
        "/book/mode",
        "/book/day",
        mode,
        list,
        draft.day.as_deref(),
        &Errors::new(),
    )
    .into_response())
}

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
    headers: HeaderMap,
    Form(form): Form<DayForm>,
) -> Result<Response> {
    let (token, mut draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let list = week_list(&state, mode, &form.week).await?;
    let chosen = parse_day(form.day.trim()).ok();
    let free = chosen.is_some_and(|d| list.3.iter().any(|(day, _)| *day == d))
        || match chosen {
            // A day from another week (a page kept open for long): check it directly.
            Some(d) => !free_times(&state, mode, d, None).await?.1.is_empty(),
            None => false,
        };
    if !free {
        let mut errors = Errors::new();
        errors.invalid(
            "day",
            if form.day.is_empty() {
                Invalid::Missing
            } else {
                Invalid::NotAChoice
            },
        );
        return Ok(rejected(day_page(
            &ctx,
            "/book/day",
            "post",
            "/book/mode",
            "/book/day",
            mode,
            list,
            None,
            &errors,
        )));
    }
    let day = chosen.map(iso_day);
    if draft.day != day {
        draft.day = day;
        draft.start = None;
    }
    go_on(&state, token, &draft).await
}

/// The free times of a day, for the time page.
async fn free_times(
    state: &AppState,
    mode: SessionMode,
    day: Date,
    ignore_booking: Option<i64>,
) -> Result<(Arc<Calendar>, Vec<OffsetDateTime>)> {
    let tz = state.config.timezone;
    let calendar = match ignore_booking {
        // Moving a session: its own hold does not count, so this calendar is its own.
        Some(id) => Arc::new(Calendar::load(&state.db, tz, mode, day, day, Some(id)).await?),
        None => {
            state
                .calendars
                .calendar(&state.db, tz, mode, day, day)
                .await?
        }
    };
    let starts = calendar.free_starts(day, state.now());
    Ok((calendar, starts))
}

fn time_choices(
    state: &AppState,
    calendar: &Calendar,
    starts: &[OffsetDateTime],
) -> Vec<TimeChoice> {
    starts
        .iter()
        .map(|s| TimeChoice {
            value: s.unix_timestamp().to_string(),
            label: view::time_range(*s, *s + calendar.rules.length, state.config.timezone),
            hint: None,
            afternoon: time_tz::OffsetDateTimeExt::to_timezone(s, state.config.timezone).hour()
                >= 12,
        })
        .collect()
}

fn back_to_week(draft: &Draft, today: Date) -> String {
    match draft.day.as_deref().and_then(|d| parse_day(d).ok()) {
        Some(d) => format!("/book/day?week={}", week_number_of(d, today)),
        None => "/book/day".to_owned(),
    }
}

/// Where the time page was sent from.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TimeQuery {
    /// Set when a confirmation found its time taken meanwhile.
    taken: String,
}

/// Where a customer goes when the time they chose was taken while they were confirming:
/// the times of that day still free, with a message saying so.
const TAKEN: &str = "/book/time?taken=1";

/// The time question.
pub async fn time_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Query(query): Query<TimeQuery>,
) -> Result<Response> {
    let (_, draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let Some(day) = draft.day.as_deref().and_then(|d| parse_day(d).ok()) else {
        return Ok(see_other("/book/day"));
    };
    let (calendar, starts) = free_times(&state, mode, day, None).await?;
    let taken = !query.taken.is_empty();
    let selected = draft.start.map(|s| s.to_string());
    let back = back_to_week(&draft, local_date(state.now(), state.config.timezone));
    let page = view::time(
        &ctx,
        &TimeList {
            action: "/book/time",
            back: &back,
            day,
            times: time_choices(&state, &calendar, &starts),
            selected: selected.as_deref(),
            taken,
            extra: None,
            hidden: Vec::new(),
            submit: ctx.t("book.continue"),
        },
        &Errors::new(),
    );
    Ok(page.into_response())
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TimeForm {
    start: String,
    keep: String,
}

fn parse_start(raw: &str) -> Option<OffsetDateTime> {
    crate::domain::dates::parse_unix_instant(raw).ok()
}

/// Saves the time.
pub async fn time_save(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Form(form): Form<TimeForm>,
) -> Result<Response> {
    let (token, mut draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let Some(day) = draft.day.as_deref().and_then(|d| parse_day(d).ok()) else {
        return Ok(see_other("/book/day"));
    };
    let (calendar, starts) = free_times(&state, mode, day, None).await?;
    let chosen = parse_start(&form.start).filter(|s| starts.contains(s));
    let Some(start) = chosen else {
        let mut errors = Errors::new();
        errors.invalid(
            "start",
            if form.start.is_empty() {
                Invalid::Missing
            } else {
                Invalid::NotAChoice
            },
        );
        let back = back_to_week(&draft, local_date(state.now(), state.config.timezone));
        return Ok(rejected(view::time(
            &ctx,
            &TimeList {
                action: "/book/time",
                back: &back,
                day,
                times: time_choices(&state, &calendar, &starts),
                selected: None,
                taken: false,
                extra: None,
                hidden: Vec::new(),
                submit: ctx.t("book.continue"),
            },
            &errors,
        )));
    };
    draft.start = Some(start.unix_timestamp());
    go_on(&state, token, &draft).await
}

fn details_errors(errors: Vec<(&'static str, Invalid)>) -> Errors {
    let mut out = Errors::new();
    for (field, why) in errors {
        out.invalid(field, why);
    }
    out
}

/// The details question.
pub async fn details_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let (_, draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    if draft.start.is_none() {
        return Ok(see_other(next_step(&draft)));
    }
    Ok(view::details(&ctx, mode, &draft.details, &Errors::new()).into_response())
}

/// Saves the details; what was typed is kept even when rejected.
pub async fn details_save(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Form(form): Form<DetailsForm>,
) -> Result<Response> {
    let (token, mut draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let checked = form.validate(mode);
    draft.details = form;
    draft.details_done = checked.is_ok();
    drafts::save_now(&state.db, state.now(), &token, &draft).await?;
    match checked {
        Ok(_) => Ok(see_other(next_step(&draft))),
        Err(errors) => Ok(rejected(view::details(
            &ctx,
            mode,
            &draft.details,
            &details_errors(errors),
        ))),
    }
}

/// Check your answers.
pub async fn check_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let (_, draft, mode) = match journey_for(&state, &headers).await? {
        Ok(j) => j,
        Err(redirect) => return Ok(redirect),
    };
    let ctx = ctx.acting_for(draft.for_customer.clone());
    let (Some(start), true) = (
        draft.start.and_then(|s| parse_start(&s.to_string())),
        draft.details_done,
    ) else {
        return Ok(see_other(next_step(&draft)));
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
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    MaybeProxy(proxy): MaybeProxy,
) -> Result<Response> {
    let (token, mut draft, mode) = match current(&state, &headers).await? {
        // A second press of the button after the booking went through shows the booking.
        Some((_, d)) if d.confirmed.is_some() => return Ok(see_other("/book/confirmation")),
        Some((token, d)) => match d.mode() {
            Some(mode) => (token, d, mode),
            None => return Ok(see_other("/book/mode")),
        },
        None => return Ok(see_other("/book/mode")),
    };
    // A proxy's journey is confirmed only by that proxy, signed in, while the registration
    // lets them book for the customer.
    let (actor, on_behalf) = match draft.for_registration {
        None => (visitor(ip), None),
        Some(registration) => {
            let Some(proxy) = proxy else {
                return Ok(see_other("/proxy/login?next=/book/check"));
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
    let start = draft.start.and_then(|s| parse_start(&s.to_string()));
    let details = draft.details.validate(mode);
    let (Some(start), Ok(details)) = (start, details) else {
        draft.details_done = false;
        drafts::save_now(&state.db, state.now(), &token, &draft).await?;
        return Ok(see_other(next_step(&draft)));
    };
    let request_id = match &draft.request {
        Some(reference) => crate::services::requests::by_reference(&state.db, reference)
            .await?
            .map(|r| r.id),
        None => None,
    };
    let new = NewBooking {
        mode,
        start,
        details,
        lang: ctx.lang,
        on_behalf,
        request_id,
    };
    match booking::make::confirm(
        &state.db,
        &state.calendars,
        state.now(),
        &state.config,
        &actor,
        &new,
        Some(&token),
    )
    .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(see_other("/book/confirmation"))
        }
        // Nothing is written: the journey keeps every answer, and the time page offers only
        // the times still free.
        Err(BookingError::Taken) => Ok(see_other(TAKEN)),
        Err(BookingError::NotAllowed) => Err(Error::Forbidden),
        Err(other) => Err(other.into()),
    }
}

/// Whether the desk asked the customer to choose another time for a session still to come:
/// then they may move it until it starts, whatever the usual cut-off.
fn new_time_asked(state: &AppState, b: &booking::Booking) -> bool {
    b.rebook_asked_at.is_some() && b.starts_at > state.now()
}

/// The facts of a session for the public pages.
async fn session_facts(state: &AppState, lang: Lang, b: &booking::Booking) -> Result<SessionView> {
    let card = booking::interpreter_card(&state.db, b).await?;
    let desk = crate::services::settings::load(&state.db).await?;
    let booked = b.status == BookingStatus::Booked;
    let language_note = if booked && b.starts_at > state.now() {
        booking::emails::language_note(&state.db, lang, b, &card).await?
    } else {
        None
    };
    Ok(SessionView {
        language_note,
        new_time_asked: booked && new_time_asked(state, b),
        reference: b.reference.clone(),
        mode: b.mode,
        when: crate::i18n::format_session_time(lang, b.starts_at, b.ends_at, state.config.timezone),
        interpreter: card.display_name,
        joining: booking::joining(&desk, b),
        email: b.email.clone(),
        status: b.status,
        lost_card: b.topic == LOST_CARD,
    })
}

/// Owned facts, lent to the views as a [`Session`].
struct SessionView {
    language_note: Option<String>,
    new_time_asked: bool,
    reference: String,
    mode: SessionMode,
    when: String,
    interpreter: String,
    joining: Joining,
    email: String,
    status: BookingStatus,
    lost_card: bool,
}

impl SessionView {
    fn view(&self) -> Session<'_> {
        Session {
            language_note: self.language_note.as_deref(),
            new_time_asked: self.new_time_asked,
            reference: &self.reference,
            mode: self.mode,
            when: self.when.clone(),
            interpreter: &self.interpreter,
            joining: &self.joining,
            email: &self.email,
            status: self.status,
            lost_card: self.lost_card,
        }
    }
}

/// The confirmation page of the journey just finished.
pub async fn confirmation(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let Some((token, mut draft)) = current(&state, &headers).await? else {
        return Ok(see_other("/book"));
    };
    let Some(id) = draft.confirmed else {
        return Ok(see_other("/book"));
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
        return Ok(see_other("/book"));
    };
    draft.confirmation_shown = true;
    drafts::save_now(&state.db, state.now(), &token, &draft).await?;
    let facts = session_facts(&state, ctx.lang, &b).await?;
    Ok(view::confirmation(&ctx, &facts.view()).into_response())
}

// ---------------------------------------------------------------------------------------
// Manage links: GET never changes anything, so a mail filter opening the link is harmless.

/// The session a manage link names, with who holds the link, or the "link does not work"
/// page.
async fn by_link(
    state: &AppState,
    ctx: &PageContext,
    raw: &str,
) -> Result<std::result::Result<booking::manage::Managed, Response>> {
    let found = match Token::from_presented(raw) {
        Some(token) => booking::manage::by_link(&state.db, &token).await?,
        None => None,
    };
    let Some(managed) = found else {
        return Ok(Err((
            axum::http::StatusCode::NOT_FOUND,
            view::manage_message(ctx, "book.manage.gone_title", "book.manage.gone", None),
        )
            .into_response()));
    };
    // A link made for a proxy works only while they act for the customer; the customer's
    // own link keeps working when the registration ends.
    if let Some(id) = managed.proxy_registration_id {
        let still = proxies::get(&state.db, id)
            .await?
            .is_some_and(|r| proxies::active(&r, state.now()));
        if !still {
            return Ok(Err((
                axum::http::StatusCode::FORBIDDEN,
                view::manage_message(
                    ctx,
                    "book.manage.gone_title",
                    "book.manage.proxy_ended",
                    None,
                ),
            )
                .into_response()));
        }
    }
    Ok(Ok(managed))
}

/// Who changes a session through its manage link: the proxy the link was made for, or
/// the customer.
async fn link_actor(
    state: &AppState,
    managed: &booking::manage::Managed,
    ip: Option<String>,
) -> Result<Actor> {
    let proxy = match managed.proxy_registration_id {
        Some(id) => proxies::get(&state.db, id)
            .await?
            .and_then(|r| r.proxy_account_id),
        None => None,
    };
    Ok(match proxy {
        Some(proxy_id) => Actor::proxy(proxy_id, ip),
        None => Actor::visitor(ip),
    })
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ManageQuery {
    done: String,
}

/// The session, with what can still be done.
pub async fn manage(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Query(query): Query<ManageQuery>,
) -> Result<Response> {
    let b = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => managed.booking,
        Err(page) => return Ok(page),
    };
    let facts = session_facts(&state, ctx.lang, &b).await?;
    let desk = settings::load(&state.db).await?;
    let cutoff = booking::manage::cutoff(&desk.rules(facts.mode), &b);
    let asked = new_time_asked(&state, &b);
    let manage_state = if facts.status != BookingStatus::Booked || b.starts_at <= state.now() {
        ManageState::Closed
    } else if asked {
        ManageState::Open {
            until: ctx.datetime(b.starts_at),
        }
    } else if state.now() > cutoff {
        ManageState::TooLate
    } else {
        ManageState::Open {
            until: ctx.datetime(cutoff),
        }
    };
    let notice = match query.done.as_str() {
        "cancelled" => Some("book.manage.cancelled"),
        "moved" => Some("book.manage.moved"),
        _ => None,
    };
    let base = format!("/bookings/{token}");
    Ok(view::manage(&ctx, &base, &facts.view(), &manage_state, notice).into_response())
}

/// The page shown when the customer is too late to change a session online.
fn too_late(ctx: &PageContext, base: &str) -> Response {
    (
        axum::http::StatusCode::CONFLICT,
        view::manage_message(
            ctx,
            "book.manage.late_title",
            "book.manage.too_late",
            Some(base),
        ),
    )
        .into_response()
}

/// Whether the customer may still change a session; the page to show when not.
async fn changeable(
    state: &AppState,
    ctx: &PageContext,
    b: &booking::Booking,
    base: &str,
) -> Result<Option<Response>> {
    if b.status != BookingStatus::Booked {
        return Ok(Some(see_other(base)));
    }
    let desk = settings::load(&state.db).await?;
    let mode = b.mode;
    if state.now() > booking::manage::cutoff(&desk.rules(mode), b) && !new_time_asked(state, b) {
        return Ok(Some(too_late(ctx, base)));
    }
    Ok(None)
}

/// "Cancel your session?"
pub async fn cancel_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response> {
    let b = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => managed.booking,
        Err(page) => return Ok(page),
    };
    let base = format!("/bookings/{token}");
    if let Some(page) = changeable(&state, &ctx, &b, &base).await? {
        return Ok(page);
    }
    let facts = session_facts(&state, ctx.lang, &b).await?;
    Ok(view::cancel(&ctx, &base, &facts.view(), "", &Errors::new()).into_response())
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    cancel_reason: String,
}

/// Cancels the session.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<CancelForm>,
) -> Result<Response> {
    let managed = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => managed,
        Err(page) => return Ok(page),
    };
    let b = managed.booking.clone();
    let base = format!("/bookings/{token}");
    if let Some(page) = changeable(&state, &ctx, &b, &base).await? {
        return Ok(page);
    }
    let reason = match crate::domain::booking::optional_text(&form.cancel_reason, 1000) {
        Ok(r) => r,
        Err(why) => {
            let mut errors = Errors::new();
            errors.invalid("cancel_reason", why);
            let facts = session_facts(&state, ctx.lang, &b).await?;
            return Ok(rejected(view::cancel(
                &ctx,
                &base,
                &facts.view(),
                &form.cancel_reason,
                &errors,
            )));
        }
    };
    match booking::manage::cancel(
        &state.db,
        state.now(),
        &state.config,
        &link_actor(&state, &managed, ip).await?,
        b.id,
        ChangedBy::Customer,
        reason,
    )
    .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(see_other(&format!("{base}?done=cancelled")))
        }
        Err(BookingError::TooLate { .. }) => Ok(too_late(&ctx, &base)),
        Err(BookingError::NotBooked) => Ok(see_other(&base)),
        Err(other) => Err(other.into()),
    }
}

/// Moving a session: which day.
pub async fn move_day(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Query(query): Query<WeekQuery>,
) -> Result<Response> {
    let b = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => managed.booking,
        Err(page) => return Ok(page),
    };
    let base = format!("/bookings/{token}");
    if let Some(page) = changeable(&state, &ctx, &b, &base).await? {
        return Ok(page);
    }
    let mode = b.mode;
    let list = week_list(&state, mode, &query.week).await?;
    let action = format!("{base}/reschedule/time");
    let week_link = format!("{base}/reschedule");
    Ok(day_page(
        &ctx,
        &action,
        "get",
        &base,
        &week_link,
        mode,
        list,
        None,
        &Errors::new(),
    )
    .into_response())
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct MoveQuery {
    day: String,
    week: String,
}

/// The time page for moving a session, marking the times its interpreter is free.
#[allow(clippy::too_many_arguments)]
async fn move_time_page(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    b: &booking::Booking,
    day: Date,
    selected: Option<&str>,
    keep: bool,
    errors: &Errors,
) -> Result<maud::Markup> {
    let base = format!("/bookings/{token}");
    let mode = b.mode;
    let (calendar, starts) = free_times(state, mode, day, Some(b.id)).await?;
    let interpreter = session_facts(state, ctx.lang, b).await?.interpreter;
    let with = ctx.tf("book.move.with", &[("name", &interpreter)]);
    let mut times = time_choices(state, &calendar, &starts);
    for (choice, start) in times.iter_mut().zip(&starts) {
        if calendar
            .free_interpreters(*start)
            .contains(&b.interpreter_id)
        {
            choice.hint = Some(with.clone());
        }
    }
    let today = local_date(state.now(), state.config.timezone);
    let back = format!("{base}/reschedule?week={}", week_number_of(day, today));
    let keep_label = ctx.tf("book.move.keep", &[("name", &interpreter)]);
    let keep_hint = ctx.tf("book.move.keep_hint", &[("name", &interpreter)]);
    let extra = crate::views::components::choices(
        ctx,
        crate::views::components::ChoiceGroup {
            name: "keep",
            legend: ctx.t("book.manage.interpreter"),
            legend_is_heading: false,
            hint: Some(&keep_hint),
            choices: vec![crate::views::components::Choice {
                value: "1",
                label: keep_label,
                hint: None,
            }],
            selected: if keep { vec!["1"] } else { Vec::new() },
            error: errors.message(ctx, "keep"),
            multiple: true,
        },
    );
    Ok(view::time(
        ctx,
        &TimeList {
            action: &format!("{base}/reschedule"),
            back: &back,
            day,
            times,
            selected,
            taken: false,
            extra: Some(html! { (extra) }),
            hidden: vec![("day", iso_day(day))],
            submit: ctx.t("book.move.submit"),
        },
        errors,
    ))
}

/// Moving a session: which time.
pub async fn move_time(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Query(query): Query<MoveQuery>,
) -> Result<Response> {
    let b = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => managed.booking,
        Err(page) => return Ok(page),
    };
    let base = format!("/bookings/{token}");
    if let Some(page) = changeable(&state, &ctx, &b, &base).await? {
        return Ok(page);
    }
    let Some(day) = parse_day(query.day.trim()).ok() else {
        let mode = b.mode;
        let list = week_list(&state, mode, &query.week).await?;
        let mut errors = Errors::new();
        errors.invalid(
            "day",
            if query.day.is_empty() {
                Invalid::Missing
            } else {
                Invalid::NotAChoice
            },
        );
        let action = format!("{base}/reschedule/time");
        let week_link = format!("{base}/reschedule");
        return Ok(rejected(day_page(
            &ctx, &action, "get", &base, &week_link, mode, list, None, &errors,
        )));
    };
    Ok(
        move_time_page(&state, &ctx, &token, &b, day, None, false, &Errors::new())
            .await?
            .into_response(),
    )
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    day: String,
    start: String,
    keep: String,
}

/// Moves the session.
pub async fn move_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response> {
    let managed = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => managed,
        Err(page) => return Ok(page),
    };
    let b = managed.booking.clone();
    let base = format!("/bookings/{token}");
    if let Some(page) = changeable(&state, &ctx, &b, &base).await? {
        return Ok(page);
    }
    let Some(day) = parse_day(form.day.trim()).ok() else {
        return Ok(see_other(&format!("{base}/reschedule")));
    };
    let keep = form.keep == "1";
    let reject = |field: &'static str, why: Option<Invalid>| {
        let mut errors = Errors::new();
        match why {
            Some(why) => errors.invalid(field, why),
            None => errors.add(field, "error.keep.busy"),
        }
        errors
    };
    let mode = b.mode;
    let rules = settings::load(&state.db).await?.rules(mode);
    let offerable =
        |start: &OffsetDateTime| within_horizon(*start, state.now(), state.config.timezone, &rules);
    let Some(start) = parse_start(&form.start).filter(offerable) else {
        let why = if form.start.is_empty() {
            Invalid::Missing
        } else {
            Invalid::NotAChoice
        };
        let errors = reject("start", Some(why));
        let page = move_time_page(&state, &ctx, &token, &b, day, None, keep, &errors).await?;
        return Ok(rejected(page));
    };
    let outcome = booking::manage::reschedule(
        &state.db,
        state.now(),
        &state.config,
        &link_actor(&state, &managed, ip).await?,
        b.id,
        ChangedBy::Customer,
        start,
        keep,
    )
    .await;
    let errors = match outcome {
        Ok(_) => {
            state.mail_waiting();
            return Ok(see_other(&format!("{base}?done=moved")));
        }
        Err(BookingError::Taken) => reject("start", Some(Invalid::NotAChoice)),
        Err(BookingError::InterpreterBusy) => reject("keep", None),
        Err(BookingError::TooLate { .. }) => return Ok(too_late(&ctx, &base)),
        Err(BookingError::NotBooked) => return Ok(see_other(&base)),
        Err(BookingError::NotFound) => return Err(Error::NotFound),
        Err(BookingError::NotAllowed) => return Err(Error::Forbidden),
        // Only an outcome waits for the start; moving a session never does.
        Err(e) => return Err(e.into()),
    };
    let selected = form.start.clone();
    let page = move_time_page(
        &state,
        &ctx,
        &token,
        &b,
        day,
        Some(&selected),
        keep,
        &errors,
    )
    .await?;
    Ok(rejected(page))
}
