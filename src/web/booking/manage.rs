//! The pages a booked session's manage link opens: the session with what can still be done,
//! cancelling it, and moving it to another day and time. GET never changes anything, so a
//! mail filter opening the link is harmless.

use super::{
    DayRoutes, Week, WeekQuery, day_page, free_times, new_time_asked, parse_start, session_facts,
    time_choices, week_list, week_number_of,
};
use crate::domain::dates::{iso_day, parse_day};
use crate::domain::journey::refused_choice;
use crate::domain::proxy::Scope;
use crate::domain::schedule::{SessionMode, within_horizon};
use crate::domain::{BookingStatus, Invalid, Token};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::booking::manage::ChangedBy;
use crate::services::booking::{self, BookingError};
use crate::services::calendar::local_date;
use crate::services::settings;
use crate::services::{Actor, proxies};
use crate::views::PageContext;
use crate::views::booking::{self as view, ManageState, TimeList};
use crate::views::components::Errors;
use crate::web::AppState;
use crate::web::context::ClientIp;
use crate::web::forms::Form;
use crate::web::forms::Query;
use crate::web::forms::{rejected, see_other};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use time::{Date, OffsetDateTime};

/// The session a manage link names, with who holds the link, or the "link does not work"
/// page.
pub(crate) async fn by_link(
    state: &AppState,
    ctx: &PageContext,
    raw: &str,
) -> Result<std::result::Result<booking::manage::Managed, Response>> {
    let managed = match link_session(state, ctx, raw).await? {
        Ok(managed) => managed,
        Err(page) => return Ok(Err(page)),
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

/// The session a manage link names, with who holds the link, or the "link does not work"
/// page, before anything is checked of a proxy the link was made for: whoever calls this
/// checks their registration.
pub(crate) async fn link_session(
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
    let (b, for_proxy) = match by_link(&state, &ctx, &token).await? {
        Ok(managed) => (managed.booking, managed.proxy_registration_id),
        Err(page) => return Ok(page),
    };
    // The proxy who booked the session goes into its room too, while the customer lets
    // them book sessions.
    let may_enter = match for_proxy {
        None => true,
        Some(id) => proxies::by_proxy_link(&state.db, state.now(), id, Scope::Book)
            .await?
            .is_ok(),
    };
    let facts = session_facts(&state, ctx.lang, &b).await?;
    let desk = settings::load(&state.db).await?;
    // A written-chat session's room: where it stands, until cancelled.
    let room =
        (b.mode == SessionMode::WrittenChat && b.status != BookingStatus::Cancelled && may_enter)
            .then(|| crate::services::chat::room(desk.chat_opens_minutes, &b).state(state.now()));
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
    let channel = crate::domain::feedback::Channel::of_session(b.mode);
    let feedback =
        crate::services::feedback::offered(&state.db, state.now(), channel, b.id).await?;
    let page = view::manage(
        &ctx,
        &token,
        &facts.view(),
        &manage_state,
        notice,
        (room, feedback),
    );
    Ok(page.into_response())
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

/// The session a manage link names while the customer may still change it, with the
/// link's own address; or the page to show instead (the link does not work, the session is
/// no longer booked, or it is too late to change it online).
async fn changeable(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
) -> Result<std::result::Result<(booking::manage::Managed, String), Response>> {
    let managed = match by_link(state, ctx, token).await? {
        Ok(managed) => managed,
        Err(page) => return Ok(Err(page)),
    };
    let base = paths::booking::manage(token);
    let b = &managed.booking;
    if b.status != BookingStatus::Booked {
        return Ok(Err(see_other(&base)));
    }
    let desk = settings::load(&state.db).await?;
    let mode = b.mode;
    if state.now() > booking::manage::cutoff(&desk.rules(mode), b) && !new_time_asked(state, b) {
        return Ok(Err(too_late(ctx, &base)));
    }
    Ok(Ok((managed, base)))
}

/// "Cancel your session?"
pub async fn cancel_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response> {
    let b = match changeable(&state, &ctx, &token).await? {
        Ok((managed, _)) => managed.booking,
        Err(page) => return Ok(page),
    };
    let facts = session_facts(&state, ctx.lang, &b).await?;
    Ok(view::cancel(&ctx, &token, &facts.view(), "", &Errors::new()).into_response())
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
    let (managed, base) = match changeable(&state, &ctx, &token).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let b = managed.booking.clone();
    let reason = match crate::domain::booking::optional_text(&form.cancel_reason, 1000) {
        Ok(r) => r,
        Err(why) => {
            let mut errors = Errors::new();
            errors.invalid("cancel_reason", why);
            let facts = session_facts(&state, ctx.lang, &b).await?;
            return Ok(rejected(view::cancel(
                &ctx,
                &token,
                &facts.view(),
                &form.cancel_reason,
                &errors,
            )));
        }
    };
    let actor = link_actor(&state, &managed, ip).await?;
    match booking::manage::cancel(&state.act(&actor), b.id, ChangedBy::Customer, reason).await {
        Ok(_) => Ok(see_other(&format!("{base}?done=cancelled"))),
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
    let b = match changeable(&state, &ctx, &token).await? {
        Ok((managed, _)) => managed.booking,
        Err(page) => return Ok(page),
    };
    let mode = b.mode;
    let list = week_list(&state, mode, &query.week).await?;
    Ok(move_day_page(&ctx, &token, mode, list, &Errors::new()).into_response())
}

/// The day page for moving the session behind the manage link of `token`.
fn move_day_page(
    ctx: &PageContext,
    token: &str,
    mode: SessionMode,
    list: Week,
    errors: &Errors,
) -> maud::Markup {
    let routes = DayRoutes {
        action: &paths::booking::move_time(token),
        method: "get",
        back: &paths::booking::manage(token),
        week_link: &paths::booking::move_day(token),
    };
    day_page(ctx, &routes, mode, list, None, errors)
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct MoveQuery {
    day: String,
    week: String,
}

/// What the time page for moving a session shows chosen: the day, the time (once one was
/// sent), and whether only its own interpreter will do.
struct MoveChoice<'a> {
    day: Date,
    selected: Option<&'a str>,
    keep: bool,
}

/// The time page for moving a session, marking the times its interpreter is free.
async fn move_time_page(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    b: &booking::Booking,
    choice: MoveChoice<'_>,
    errors: &Errors,
) -> Result<maud::Markup> {
    let MoveChoice {
        day,
        selected,
        keep,
    } = choice;
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
    let back = format!(
        "{}?week={}",
        paths::booking::move_day(token),
        week_number_of(day, today)
    );
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
            action: &paths::booking::move_day(token),
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
    let b = match changeable(&state, &ctx, &token).await? {
        Ok((managed, _)) => managed.booking,
        Err(page) => return Ok(page),
    };
    let Some(day) = parse_day(query.day.trim()).ok() else {
        let mode = b.mode;
        let list = week_list(&state, mode, &query.week).await?;
        let mut errors = Errors::new();
        errors.invalid("day", refused_choice(&query.day));
        return Ok(rejected(move_day_page(&ctx, &token, mode, list, &errors)));
    };
    let choice = MoveChoice {
        day,
        selected: None,
        keep: false,
    };
    let page = move_time_page(&state, &ctx, &token, &b, choice, &Errors::new()).await?;
    Ok(page.into_response())
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
    let (managed, base) = match changeable(&state, &ctx, &token).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let b = managed.booking.clone();
    let Some(day) = parse_day(form.day.trim()).ok() else {
        return Ok(see_other(&paths::booking::move_day(&token)));
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
        let errors = reject("start", Some(refused_choice(&form.start)));
        let choice = MoveChoice {
            day,
            selected: None,
            keep,
        };
        let page = move_time_page(&state, &ctx, &token, &b, choice, &errors).await?;
        return Ok(rejected(page));
    };
    let actor = link_actor(&state, &managed, ip).await?;
    let uc = state.act(&actor);
    let outcome = booking::manage::reschedule(&uc, b.id, ChangedBy::Customer, start, keep).await;
    let errors = match outcome {
        Ok(_) => return Ok(see_other(&format!("{base}?done=moved"))),
        Err(BookingError::Taken) => reject("start", Some(Invalid::NotAChoice)),
        Err(BookingError::InterpreterBusy) => reject("keep", None),
        Err(BookingError::TooLate { .. }) => return Ok(too_late(&ctx, &base)),
        Err(BookingError::NotBooked) => return Ok(see_other(&base)),
        Err(BookingError::Database(e)) => return Err(e.into()),
        Err(BookingError::NotFound) => return Err(Error::NotFound),
        Err(BookingError::NotAllowed) => return Err(Error::Forbidden),
        // Only an outcome waits for the start; moving a session never does.
        Err(e @ BookingError::NotStarted { .. }) => return Err(Error::Internal(e.to_string())),
    };
    let choice = MoveChoice {
        day,
        selected: Some(&form.start),
        keep,
    };
    let page = move_time_page(&state, &ctx, &token, &b, choice, &errors).await?;
    Ok(rejected(page))
}
