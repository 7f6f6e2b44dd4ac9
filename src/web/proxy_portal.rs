//! The proxy's portal: the customers they act for, booking a session for one of them, the
//! sessions they booked, stepping down and asking for renewal. Signing in and out,
//! activating the account and resetting a forgotten password are the door's
//! ([`super::door`]).
//!
//! Every route about a customer names one of the proxy's registrations, and checks it first
//! with [`proxies::acting_for`]: someone else's registration (or none) answers 404 and shows
//! nothing; an ended, expired or not yet approved one, or an action outside the scope the
//! customer granted, answers 403 with a page that says why.

use super::AppState;
use super::context::{ClientIp, CurrentProxy};
use super::forms::{DoneQuery, Form, Query, see_other};
use super::requests as web_requests;
use crate::domain::BookingStatus;
use crate::domain::booking::{DetailsForm, Draft};
use crate::domain::feedback::Channel;
use crate::domain::proxy::{RegistrationStatus, Scope};
use crate::domain::request::{RequestDraft, RequestStatus};
use crate::domain::schedule::SessionMode;
use crate::error::{Error, Result};
use crate::paths;
use crate::services::booking;
use crate::services::proxies::{self, Refusal, Registration};
use crate::services::requests;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::proxy::{self as view, CustomerCard, RequestLine, SessionLine};
use crate::views::requests::{self as request_view, MessageForm, ThreadPage};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// What the portal shows of one registration.
fn card(state: &AppState, ctx: &PageContext, r: &Registration) -> CustomerCard {
    let now = state.now();
    let status = r.status;
    CustomerCard {
        id: r.id,
        reference: r.reference.clone(),
        customer: r.principal_full_name.clone(),
        scopes: proxies::scopes_of(r).list(),
        status,
        active: proxies::active(r, now),
        until: proxies::until_text(ctx.lang, r, &state.config),
        renewal_requested: r.renewal_requested_at.is_some(),
        renewable: status == RegistrationStatus::Expired
            || (status == RegistrationStatus::Approved
                && r.valid_until
                    .is_some_and(|u| u - proxies::expiry::EXPIRY_REMINDER <= now)),
        feedback: false,
    }
}

fn notice(ctx: &PageContext, done: &str) -> Option<String> {
    match done {
        "stepped_down" | "renewal" | "cancelled" => {
            Some(ctx.t(&format!("portal.done.{done}")).to_owned())
        }
        _ => None,
    }
}

/// `/proxy`: the customers this proxy acts for.
pub async fn portal(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let cards: Vec<CustomerCard> = proxies::of_proxy(&state.db, state.now(), proxy.id)
        .await?
        .iter()
        .map(|r| card(&state, &ctx, r))
        .collect();
    Ok(view::portal(&ctx, &cards, notice(&ctx, &query.done).as_deref()).into_response())
}

/// The page for a refused proxy action, with its status.
fn refusal(ctx: &PageContext, why: Refusal) -> Response {
    let (status, heading, body) = match why {
        Refusal::NotTheirs => return Error::NotFound.into_response(),
        Refusal::NotActive(RegistrationStatus::Expired) => (
            StatusCode::FORBIDDEN,
            "portal.refused.expired_title",
            "portal.refused.expired",
        ),
        Refusal::NotActive(RegistrationStatus::Revoked) => (
            StatusCode::FORBIDDEN,
            "portal.refused.ended_title",
            "portal.refused.ended",
        ),
        Refusal::NotActive(_) => (
            StatusCode::FORBIDDEN,
            "portal.refused.not_yet_title",
            "portal.refused.not_yet",
        ),
        Refusal::OutOfScope(_) => (
            StatusCode::FORBIDDEN,
            "portal.refused.scope_title",
            "portal.refused.scope",
        ),
    };
    (
        status,
        view::refused(ctx, heading, body, paths::proxy::HOME),
    )
        .into_response()
}

/// The registration a link made for a proxy (a session's manage link) stands for, when it
/// lets them into the written-chat room of a session they booked now: while it is active
/// and covers booking sessions. Otherwise the same refusal page as the portal's.
pub(crate) async fn room_holder(
    state: &AppState,
    ctx: &PageContext,
    registration_id: i64,
) -> Result<std::result::Result<Registration, Response>> {
    Ok(
        proxies::by_proxy_link(&state.db, state.now(), registration_id, Scope::Book)
            .await?
            .map_err(|why| refusal(ctx, why)),
    )
}

/// The registration a route names, when this proxy may use it for `scope` now.
async fn acting(
    state: &AppState,
    proxy_id: i64,
    id: i64,
    scope: Option<Scope>,
) -> Result<std::result::Result<Registration, Refusal>> {
    Ok(proxies::acting_for(&state.db, state.now(), proxy_id, id, scope).await?)
}

/// The sessions a proxy booked under a registration, newest first.
async fn sessions(
    state: &AppState,
    ctx: &PageContext,
    r: &Registration,
) -> Result<Vec<SessionLine>> {
    let now = state.now();
    let desk = crate::services::settings::load(&state.db).await?;
    Ok(booking::queries::under_registration(&state.db, r.id)
        .await?
        .into_iter()
        .map(|b| {
            let mode = b.mode;
            let booked = b.status == BookingStatus::Booked;
            SessionLine {
                chat: mode == SessionMode::WrittenChat && b.status != BookingStatus::Cancelled,
                id: b.id,
                reference: b.reference.clone(),
                mode: crate::i18n::mode_name(ctx.lang, mode).to_owned(),
                when: crate::i18n::format_session_time(
                    ctx.lang,
                    b.starts_at,
                    b.ends_at,
                    state.config.timezone,
                ),
                status: b.status.as_str().to_owned(),
                changeable: booked && now < booking::manage::cutoff(&desk.rules(mode), &b),
            }
        })
        .collect())
}

/// One customer's page: what the proxy may do, the requests they sent and the sessions they
/// booked. A registration that ended is still shown to its proxy, saying so, with nothing
/// they can do and nothing of what is now the customer's own.
pub async fn customer(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let r = match acting(&state, proxy.id, id, None).await? {
        Ok(r) => r,
        Err(Refusal::NotTheirs) => return Err(Error::NotFound),
        // Theirs, but not active: shown, with nothing to do.
        Err(_) => proxies::get(&state.db, id).await?.ok_or(Error::NotFound)?,
    };
    let mut card = card(&state, &ctx, &r);
    card.feedback = card.active
        && crate::services::feedback::offered(&state.db, state.now(), Channel::Proxy, r.id).await?;
    // Once the registration has ended, what the proxy booked and asked is the customer's
    // own: the proxy sees no more of it, not even when it changes.
    let lines = if card.active {
        sessions(&state, &ctx, &r).await?
    } else {
        Vec::new()
    };
    let asked = if card.active {
        requests::thread::under_registration(&state.db, r.id)
            .await?
            .into_iter()
            .map(|q| RequestLine {
                id: q.id,
                reference: q.reference.clone(),
                topic: crate::views::components::topic_name(&ctx, q.topic.as_str()),
                status: ctx
                    .t(&format!("request.status.{}", q.status.as_str()))
                    .to_owned(),
                sent_at: q.created_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    let notice = notice(&ctx, &query.done);
    Ok(view::customer(&ctx, &card, &lines, &asked, notice.as_deref()).into_response())
}

/// Starts the booking journey for the customer, with their details filled in.
pub async fn book(
    State(state): State<AppState>,
    client: ClientIp,
    CurrentProxy(proxy): CurrentProxy,
    Path(id): Path<i64>,
    ctx: PageContext,
) -> Result<Response> {
    let r = match acting(&state, proxy.id, id, Some(Scope::Book)).await? {
        Ok(r) => r,
        Err(why) => return Ok(refusal(&ctx, why)),
    };
    let draft = Draft {
        details: DetailsForm {
            name: r.principal_full_name.clone(),
            email: proxy.email.clone(),
            member_number: r.principal_member_number.clone().unwrap_or_default(),
            ..Default::default()
        },
        for_registration: Some(r.id),
        for_customer: Some(r.principal_full_name.clone()),
        ..Default::default()
    };
    super::booking::begin(&state, &draft, &client).await
}

/// A fresh link of the proxy's to a session they booked under registration `id` that
/// `fits`, or the portal's refusal when they may not book for the customer now.
async fn fresh_link(
    state: &AppState,
    proxy_id: i64,
    (id, booking_id): (i64, i64),
    ctx: &PageContext,
    fits: impl Fn(&booking::Booking) -> bool,
) -> Result<std::result::Result<crate::domain::Token, Response>> {
    let r = match acting(state, proxy_id, id, Some(Scope::Book)).await? {
        Ok(r) => r,
        Err(why) => return Ok(Err(refusal(ctx, why))),
    };
    let b = booking::get(&state.db, booking_id)
        .await?
        .filter(|b| b.proxy_registration_id == Some(r.id) && fits(b))
        .ok_or(Error::NotFound)?;
    let token = booking::manage::manage_link(&state.db, state.now(), b.id, r.id).await?;
    Ok(Ok(token))
}

/// Opens a session the proxy booked on its manage page, under a fresh link: the same pages
/// the emailed link opens, to see, move or cancel it.
pub async fn manage(
    State(state): State<AppState>,
    CurrentProxy(proxy): CurrentProxy,
    Path(ids): Path<(i64, i64)>,
    ctx: PageContext,
) -> Result<Response> {
    Ok(
        match fresh_link(&state, proxy.id, ids, &ctx, |_| true).await? {
            Ok(token) => see_other(&paths::booking::manage(token.expose())),
            Err(page) => page,
        },
    )
}

/// Opens the written-chat room of a session the proxy booked, under a fresh link of theirs:
/// the same room the emailed link opens, where they write as themself.
pub async fn chat(
    State(state): State<AppState>,
    CurrentProxy(proxy): CurrentProxy,
    Path(ids): Path<(i64, i64)>,
    ctx: PageContext,
) -> Result<Response> {
    let written_chat = |b: &booking::Booking| b.mode == SessionMode::WrittenChat;
    Ok(
        match fresh_link(&state, proxy.id, ids, &ctx, written_chat).await? {
            Ok(token) => see_other(&paths::booking::chat(token.expose())),
            Err(page) => page,
        },
    )
}

/// Asks the proxy to confirm they are stepping down.
pub async fn step_down_form(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    Path(id): Path<i64>,
) -> Result<Response> {
    let r = match acting(&state, proxy.id, id, None).await? {
        Ok(r) => r,
        Err(why) => return Ok(refusal(&ctx, why)),
    };
    Ok(view::step_down(&ctx, &card(&state, &ctx, &r)).into_response())
}

/// The proxy steps down: at once, and both are told.
pub async fn step_down(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    if let Err(why) = acting(&state, proxy.id, id, None).await? {
        return Ok(refusal(&ctx, why));
    }
    let actor = proxy.actor(ip);
    match proxies::lifecycle::step_down(&state.act(&actor), id).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?done=stepped_down",
            paths::proxy::HOME
        ))),
        Err(proxies::ProxyError::Database(e)) => Err(e.into()),
        Err(proxies::ProxyError::NotFound) => Err(Error::NotFound),
        Err(_) => Ok(see_other(&paths::proxy::customer(id))),
    }
}

/// The proxy asks for their registration to be renewed.
pub async fn renew(
    State(state): State<AppState>,
    CurrentProxy(proxy): CurrentProxy,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    let actor = proxy.actor(ip);
    match proxies::lifecycle::request_renewal(&state.act(&actor), id).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?done=renewal",
            paths::proxy::customer(id)
        ))),
        Err(proxies::ProxyError::Database(e)) => Err(e.into()),
        Err(proxies::ProxyError::NotFound) => Err(Error::NotFound),
        Err(_) => Ok(see_other(&paths::proxy::customer(id))),
    }
}

/// Starts a support request for the customer, with their name filled in and the reply
/// coming to the proxy's email.
pub async fn ask(
    State(state): State<AppState>,
    client: ClientIp,
    CurrentProxy(proxy): CurrentProxy,
    Path(id): Path<i64>,
    ctx: PageContext,
) -> Result<Response> {
    let r = match acting(&state, proxy.id, id, Some(Scope::Ask)).await? {
        Ok(r) => r,
        Err(why) => return Ok(refusal(&ctx, why)),
    };
    let draft = RequestDraft {
        name: r.principal_full_name.clone(),
        member_number: r.principal_member_number.clone().unwrap_or_default(),
        email: proxy.email.clone(),
        for_registration: Some(r.id),
        for_customer: Some(r.principal_full_name.clone()),
        ..Default::default()
    };
    web_requests::begin(&state, &draft, &client).await
}

/// A request the proxy sent under a registration that lets them ask questions now.
async fn their_request(
    state: &AppState,
    proxy_id: i64,
    id: i64,
    request_id: i64,
) -> Result<std::result::Result<(Registration, requests::Request), Refusal>> {
    let r = match acting(state, proxy_id, id, Some(Scope::Ask)).await? {
        Ok(r) => r,
        Err(why) => return Ok(Err(why)),
    };
    let request = requests::get(&state.db, request_id)
        .await?
        .filter(|q| q.proxy_registration_id == Some(r.id))
        .ok_or(Error::NotFound)?;
    Ok(Ok((r, request)))
}

/// `?sent=1`: the thread is shown as the confirmation of a request just sent.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SentQuery {
    sent: String,
}

async fn request_page(
    state: &AppState,
    ctx: &PageContext,
    r: &Registration,
    q: &requests::Request,
    sent: bool,
    typed: &MessageForm,
    errors: &Errors,
) -> Result<maud::Markup> {
    let ctx = ctx.clone().sending_for(Some(r.principal_full_name.clone()));
    let may_book = proxies::scopes_of(r).covers(Scope::Book);
    let page = ThreadPage {
        r: &q.into(),
        status: q.status,
        lines: web_requests::lines_for_customer(state, &ctx, q).await?,
        sessions: web_requests::session_lines(state, &ctx, q).await?,
        post_to: paths::proxy::request(r.id, q.id),
        book_to: (may_book
            && web_requests::session_mode(q.channel).is_some()
            && q.status != RequestStatus::Closed)
            .then(|| paths::proxy::request_book(r.id, q.id)),
        sent,
        link: None,
        back: Some(paths::proxy::customer(r.id)),
        feedback: crate::services::feedback::offered(
            &state.db,
            state.now(),
            Channel::Request,
            q.id,
        )
        .await?
        .then(|| paths::feedback::proxy(r.id, format!("request-{}", q.id))),
    };
    Ok(request_view::thread(&ctx, &page, typed, errors))
}

/// A request's thread, in the portal.
pub async fn request_thread(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    Path((id, request_id)): Path<(i64, i64)>,
    Query(query): Query<SentQuery>,
) -> Result<Response> {
    let (r, q) = match their_request(&state, proxy.id, id, request_id).await? {
        Ok(found) => found,
        Err(why) => return Ok(refusal(&ctx, why)),
    };
    let page = request_page(
        &state,
        &ctx,
        &r,
        &q,
        query.sent == "1",
        &MessageForm::default(),
        &Errors::new(),
    )
    .await?;
    Ok(page.into_response())
}

/// The proxy writes again in a request's thread.
pub async fn request_message(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    ClientIp(ip): ClientIp,
    Path((id, request_id)): Path<(i64, i64)>,
    Form(typed): Form<MessageForm>,
) -> Result<Response> {
    let (r, q) = match their_request(&state, proxy.id, id, request_id).await? {
        Ok(found) => found,
        Err(why) => return Ok(refusal(&ctx, why)),
    };
    let body = match web_requests::check_message(&typed) {
        Ok(body) => body,
        Err(errors) => {
            let page = request_page(&state, &ctx, &r, &q, false, &typed, &errors).await?;
            return Ok(super::forms::rejected(page));
        }
    };
    let actor = proxy.actor(ip);
    match requests::thread::customer_message(&state.act(&actor), request_id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "{}#messages",
            paths::proxy::request(id, request_id)
        ))),
        Err(requests::RequestError::Closed) => {
            let mut errors = Errors::new();
            errors.add("message", "error.request.closed");
            let page = request_page(&state, &ctx, &r, &q, false, &typed, &errors).await?;
            Ok(super::forms::rejected(page))
        }
        Err(requests::RequestError::Database(e)) => Err(e.into()),
        Err(_) => Err(Error::NotFound),
    }
}

/// Starts booking the session a request asked for, for the customer.
pub async fn request_book(
    State(state): State<AppState>,
    ctx: PageContext,
    client: ClientIp,
    CurrentProxy(proxy): CurrentProxy,
    Path((id, request_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let (r, q) = match their_request(&state, proxy.id, id, request_id).await? {
        Ok(found) => found,
        Err(why) => return Ok(refusal(&ctx, why)),
    };
    if let Err(why) = acting(&state, proxy.id, id, Some(Scope::Book)).await? {
        return Ok(refusal(&ctx, why));
    }
    let mut draft = web_requests::booking_draft(&q, &proxy.email).ok_or(Error::NotFound)?;
    draft.for_registration = Some(r.id);
    draft.for_customer = Some(r.principal_full_name.clone());
    super::booking::begin(&state, &draft, &client).await
}
