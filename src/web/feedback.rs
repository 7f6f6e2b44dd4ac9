//! The customer's feedback: the form about one contact, reached by the emailed link or from
//! the contact's own page (a request's thread, a session's manage page, the proxy's portal),
//! and the open form anyone may use. Each contact is answered once.

use super::AppState;
use super::context::{ClientIp, CurrentProxy};
use super::forms::{Form, Query, rejected, see_other};
use crate::domain::Reference;
use crate::domain::feedback::{Channel, FeedbackForm};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::Actor;
use crate::services::feedback::answer::{self, Answered, FeedbackError};
use crate::services::feedback::{self, Contact};
use crate::services::{booking, proxies};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::feedback::{self as view, About};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Where to go once feedback is taken: the thanks, naming the request opened to answer it.
fn thanks(answered: &Answered) -> Response {
    match &answered.request {
        Some((reference, _)) => {
            see_other(&format!("{}?request={reference}", paths::feedback::THANKS))
        }
        None => see_other(paths::feedback::THANKS),
    }
}

fn service_error(e: FeedbackError) -> Error {
    match e {
        FeedbackError::TooMany => Error::TooMany,
        FeedbackError::Database(e) => Error::Database(e),
        FeedbackError::AlreadyAnswered => Error::NotFound,
    }
}

/// The form about a contact, or the page saying it was answered.
async fn contact_form(
    state: &AppState,
    ctx: &PageContext,
    contact: &Contact,
    action: &str,
    typed: &FeedbackForm,
    errors: &Errors,
) -> Result<Response> {
    let db = &state.db;
    if feedback::invitation(db, contact.channel, contact.id)
        .await?
        .is_some_and(|i| i.answered_at.is_some())
    {
        return Ok(view::already(ctx).into_response());
    }
    let invitation = feedback::invitation(db, contact.channel, contact.id).await?;
    let staff_id = invitation
        .and_then(|i| i.staff_user_id)
        .or(contact.staff_user_id);
    let staff = feedback::display_name(db, staff_id).await?;
    let sentence = contact.about(ctx.lang, &state.config);
    let about = About::Contact {
        sentence: &sentence,
        staff: staff.as_deref(),
    };
    let page = view::form_page(ctx, action, &about, typed, errors);
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        rejected(page)
    })
}

/// Takes the answer about a contact: refused fields come back with what was typed.
async fn contact_send(
    state: &AppState,
    ctx: &PageContext,
    contact: &Contact,
    action: &str,
    actor: &Actor,
    typed: &FeedbackForm,
) -> Result<Response> {
    let answer = match typed.check(false) {
        Ok(answer) => answer,
        Err(refused) => {
            let errors = Errors::from(refused);
            return contact_form(state, ctx, contact, action, typed, &errors).await;
        }
    };
    match answer::about_contact(&state.act(actor), contact, &answer, ctx.lang).await {
        Ok(answered) => Ok(thanks(&answered)),
        Err(FeedbackError::AlreadyAnswered) => Ok(view::already(ctx).into_response()),
        Err(e) => Err(service_error(e)),
    }
}

/// The contact an emailed link asks about.
async fn linked(state: &AppState, token: &str) -> Result<Contact> {
    let invitation = feedback::by_link(&state.db, token)
        .await?
        .ok_or(Error::NotFound)?;
    let contact = feedback::contact(
        &state.db,
        state.now(),
        invitation.channel,
        invitation.contact_id,
    )
    .await?;
    contact.ok_or(Error::NotFound)
}

/// The form the emailed link opens.
pub async fn by_link_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response> {
    let contact = linked(&state, &token).await?;
    let action = paths::feedback::by_link(&token);
    contact_form(
        &state,
        &ctx,
        &contact,
        &action,
        &FeedbackForm::default(),
        &Errors::new(),
    )
    .await
}

/// Sends the form the emailed link opened.
pub async fn by_link_send(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(typed): Form<FeedbackForm>,
) -> Result<Response> {
    let contact = linked(&state, &token).await?;
    let action = paths::feedback::by_link(&token);
    contact_send(&state, &ctx, &contact, &action, &Actor::visitor(ip), &typed).await
}

/// The request a thread link opens, once it can be asked about.
async fn of_request(state: &AppState, token: &str) -> Result<Contact> {
    let r = super::requests::by_link(state, token).await?;
    feedback::contact(&state.db, state.now(), Channel::Request, r.id)
        .await?
        .ok_or(Error::NotFound)
}

/// The form about a request, from its thread.
pub async fn request_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response> {
    let contact = of_request(&state, &token).await?;
    let action = paths::feedback::request(&token);
    contact_form(
        &state,
        &ctx,
        &contact,
        &action,
        &FeedbackForm::default(),
        &Errors::new(),
    )
    .await
}

/// Sends the form about a request.
pub async fn request_send(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(typed): Form<FeedbackForm>,
) -> Result<Response> {
    let contact = of_request(&state, &token).await?;
    let action = paths::feedback::request(&token);
    contact_send(&state, &ctx, &contact, &action, &Actor::visitor(ip), &typed).await
}

/// The session a manage link opens (a proxy's only while they act), once it can be asked
/// about, with who is answering.
async fn of_session(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    ip: Option<String>,
) -> Result<std::result::Result<(Contact, Actor), Response>> {
    let managed = match super::booking::manage::by_link(state, ctx, token).await? {
        Ok(managed) => managed,
        Err(page) => return Ok(Err(page)),
    };
    let b = &managed.booking;
    let contact = feedback::contact(&state.db, state.now(), Channel::of_session(b.mode), b.id)
        .await?
        .ok_or(Error::NotFound)?;
    let proxy = match managed.proxy_registration_id {
        Some(id) => proxies::get(&state.db, id)
            .await?
            .and_then(|r| r.proxy_account_id),
        None => None,
    };
    let actor = match proxy {
        Some(proxy) => Actor::proxy(proxy, ip),
        None => Actor::visitor(ip),
    };
    Ok(Ok((contact, actor)))
}

/// The form about a session, from its manage page.
pub async fn session_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response> {
    let (contact, _) = match of_session(&state, &ctx, &token, None).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let action = paths::feedback::session(&token);
    contact_form(
        &state,
        &ctx,
        &contact,
        &action,
        &FeedbackForm::default(),
        &Errors::new(),
    )
    .await
}

/// Sends the form about a session.
pub async fn session_send(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(typed): Form<FeedbackForm>,
) -> Result<Response> {
    let (contact, actor) = match of_session(&state, &ctx, &token, ip).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let action = paths::feedback::session(&token);
    contact_send(&state, &ctx, &contact, &action, &actor, &typed).await
}

/// What a proxy's feedback link names: the registration itself, or one of the requests or
/// sessions made under it.
fn proxy_about(about: &str) -> Option<(Option<Channel>, Option<i64>)> {
    if about == "registration" {
        return Some((Some(Channel::Proxy), None));
    }
    if let Some(id) = about.strip_prefix("request-") {
        return Some((Some(Channel::Request), Some(id.parse().ok()?)));
    }
    let id = about.strip_prefix("session-")?;
    Some((None, Some(id.parse().ok()?)))
}

/// The contact a signed-in proxy's link names, under a registration of theirs that lets
/// them act now.
async fn of_proxy(state: &AppState, proxy_id: i64, id: i64, about: &str) -> Result<Contact> {
    let now = state.now();
    let r = proxies::acting_for(&state.db, now, proxy_id, id, None)
        .await?
        .map_err(|why| match why {
            proxies::Refusal::NotTheirs => Error::NotFound,
            // Theirs, but they may not act for the customer now.
            _ => Error::Forbidden,
        })?;
    let (channel, contact_id) = proxy_about(about).ok_or(Error::NotFound)?;
    let (channel, contact_id) = match (channel, contact_id) {
        (Some(Channel::Proxy), None) => (Channel::Proxy, r.id),
        (Some(Channel::Request), Some(request)) => {
            let q = crate::services::requests::get(&state.db, request).await?;
            let q = q.filter(|q| q.proxy_registration_id == Some(r.id));
            (Channel::Request, q.ok_or(Error::NotFound)?.id)
        }
        (_, Some(session)) => {
            let b = booking::get(&state.db, session).await?;
            let b = b
                .filter(|b| b.proxy_registration_id == Some(r.id))
                .ok_or(Error::NotFound)?;
            (Channel::of_session(b.mode), b.id)
        }
        _ => return Err(Error::NotFound),
    };
    feedback::contact(&state.db, now, channel, contact_id)
        .await?
        .ok_or(Error::NotFound)
}

/// The form a proxy reaches from the portal.
pub async fn proxy_form(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentProxy(proxy): CurrentProxy,
    Path((id, about)): Path<(i64, String)>,
) -> Result<Response> {
    let contact = of_proxy(&state, proxy.id, id, &about).await?;
    let action = paths::feedback::proxy(id, &about);
    contact_form(
        &state,
        &ctx,
        &contact,
        &action,
        &FeedbackForm::default(),
        &Errors::new(),
    )
    .await
}

/// Sends the form a proxy reached from the portal.
pub async fn proxy_send(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    CurrentProxy(proxy): CurrentProxy,
    Path((id, about)): Path<(i64, String)>,
    Form(typed): Form<FeedbackForm>,
) -> Result<Response> {
    let contact = of_proxy(&state, proxy.id, id, &about).await?;
    let action = paths::feedback::proxy(id, &about);
    let actor = Actor::proxy(proxy.id, ip);
    contact_send(&state, &ctx, &contact, &action, &actor, &typed).await
}

/// The open form.
pub async fn open_form(ctx: PageContext) -> Response {
    let page = view::form_page(
        &ctx,
        paths::feedback::OPEN,
        &About::Open,
        &FeedbackForm::default(),
        &Errors::new(),
    );
    page.into_response()
}

/// Sends the open form.
pub async fn open_send(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(typed): Form<FeedbackForm>,
) -> Result<Response> {
    let answer = match typed.check(true) {
        Ok(answer) => answer,
        Err(refused) => {
            let errors = Errors::from(refused);
            let page = view::form_page(&ctx, paths::feedback::OPEN, &About::Open, &typed, &errors);
            return Ok(rejected(page));
        }
    };
    let actor = Actor::visitor(ip);
    let answered = answer::open_form(&state.act(&actor), &answer, ctx.lang)
        .await
        .map_err(service_error)?;
    Ok(thanks(&answered))
}

/// `?request=` names the request opened to answer the feedback.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ThanksQuery {
    request: String,
}

/// Thanks.
pub async fn thanks_page(ctx: PageContext, Query(query): Query<ThanksQuery>) -> Response {
    let request = Reference::parse(&query.request, 'R');
    view::thanks(&ctx, request.as_ref().map(|r| r.as_str())).into_response()
}
