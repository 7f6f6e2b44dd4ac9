//! The public pages of support requests: the journey at `/requests/new`, one question a
//! page (its steps are the journey kit's, see [`super::journey`]), with the lost-card page,
//! check your answers and the confirmation; and the thread a customer opens by the link in
//! their emails, to read the replies and write again.
//!
//! A proxy goes through the same journey for a customer they act for (started from their
//! portal, with the customer shown on every page); it is sent only while they are signed in
//! and the registration covers asking questions, and they follow the thread in the portal.

use super::AppState;
use super::context::{ClientIp, MaybeProxy};
use super::cookies;
use super::forms::{rejected, see_other};
use super::journey::{Current, Pages, Route, finish_or_ask_again, next_path, path, to_send};
use crate::domain::booking::{DetailsForm, Draft as BookingDraft};
use crate::domain::feedback::Channel;
use crate::domain::journey::{Journey, Place, StepErrors, back_from};
use crate::domain::proxy::Scope;
use crate::domain::request::NewRequest;
use crate::domain::request::{
    Author, DETAILS_MAX_CHARS, MESSAGE_MAX_CHARS, ReplyChannel, RequestDraft, RequestStatus,
    RequestStep, Topic,
};
use crate::domain::schedule::SessionMode;
use crate::domain::{Invalid, Token};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::incidents::measures::Identity;
use crate::services::requests::submit::ProxySender;
use crate::services::requests::{self, Request};
use crate::services::{Actor, proxies};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::journey::StepNav;
use crate::views::requests::{self as view, MessageForm, ThreadLine, ThreadPage};
use crate::web::forms::Form;
use crate::web::forms::Query;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

/// Starts a request journey with some answers already given (a proxy's, for a customer),
/// on a fresh cookie, at its first question.
pub use super::journey::begin;

impl Route for RequestDraft {
    const BASE: &'static str = paths::requests::NEW;
    const COOKIE: &'static str = cookies::REQUEST;
}

impl Pages for RequestDraft {
    /// What the desk can help with, how it answers, and the start button.
    fn start_page(ctx: &PageContext, resume: Option<&str>) -> Markup {
        view::start(ctx, resume)
    }

    fn step_page(
        &self,
        ctx: &PageContext,
        step: RequestStep,
        nav: &StepNav,
        errors: &Errors,
    ) -> Markup {
        view::step(ctx, step, self, nav, errors)
    }

    fn check_page(&self, ctx: &PageContext) -> Markup {
        view::check(ctx, self)
    }

    /// A proxy's request names the customer on every page.
    fn context(&self, ctx: PageContext) -> PageContext {
        ctx.sending_for(self.for_customer.clone())
    }

    /// The public start page offers only a visitor's own request, not one a proxy began
    /// for a customer.
    fn offered_again(&self) -> bool {
        self.for_registration.is_none()
    }

    fn back(&self, step: RequestStep, change: bool) -> String {
        match back_from(step, change) {
            // After a lost or stolen card, the page about it comes before the details.
            Place::Step(RequestStep::Topic) if self.topic() == Some(Topic::LostStolen) => {
                paths::requests::LOST_CARD.to_owned()
            }
            // A proxy started from the customer's page in their portal.
            Place::Start => match self.for_registration {
                Some(id) => paths::proxy::customer(id),
                None => Self::BASE.to_owned(),
            },
            place => path::<Self>(place),
        }
    }

    /// A lost or stolen card: what to do at once comes before the rest of the request.
    fn after(&self, step: RequestStep) -> Option<String> {
        (step == RequestStep::Topic && self.topic() == Some(Topic::LostStolen))
            .then(|| paths::requests::LOST_CARD.to_owned())
    }

    /// Too long a request says how long it is, counted here, and how long it may be.
    fn errors(&self, refused: StepErrors) -> Errors {
        let mut errors = Errors::new();
        for (field, why) in refused {
            if (field, why) == ("details", Invalid::TooLong) {
                errors.add_with(
                    field,
                    "error.details.too_long",
                    vec![
                        ("max", DETAILS_MAX_CHARS.to_string()),
                        ("count", self.details.trim().chars().count().to_string()),
                    ],
                );
            } else {
                errors.invalid(field, why);
            }
        }
        errors
    }
}

/// The page a customer whose card is lost or stolen reads first.
pub async fn lost_card(ctx: PageContext, current: Current<RequestDraft>) -> Response {
    let draft = current.under_way().map(|(_, d)| d);
    let ctx = ctx.sending_for(draft.as_ref().and_then(|d| d.for_customer.clone()));
    let next = match &draft {
        Some(d) if d.topic() == Some(Topic::LostStolen) => next_path(d),
        _ => path::<RequestDraft>(Place::Step(RequestStep::Topic)),
    };
    view::lost_card(&ctx, &next).into_response()
}

/// Sends the request. A proxy's request is sent only by that proxy, signed in, while the
/// registration lets them ask questions for the customer.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    MaybeProxy(proxy): MaybeProxy,
    current: Current<RequestDraft>,
) -> Result<Response> {
    let (token, mut draft) = match to_send(current) {
        Ok(journey) => journey,
        Err(elsewhere) => return Ok(see_other(&elsewhere)),
    };
    let new = match finish_or_ask_again(&state, &token, &mut draft).await? {
        Ok(new) => new,
        Err(ask_again) => return Ok(ask_again),
    };
    let (actor, by_proxy) = match draft.for_registration {
        None => (Actor::visitor(ip), None),
        Some(registration) => {
            let Some(proxy) = proxy else {
                return Ok(see_other(&format!(
                    "{}?next={}",
                    paths::proxy::LOGIN,
                    paths::requests::CHECK
                )));
            };
            match proxies::acting_for(
                &state.db,
                state.now(),
                proxy.id,
                registration,
                Some(Scope::Ask),
            )
            .await?
            {
                Ok(r) => (
                    proxy.actor(ip),
                    Some(ProxySender {
                        proxy_id: proxy.id,
                        registration_id: r.id,
                    }),
                ),
                Err(_) => return Err(Error::Forbidden),
            }
        }
    };
    // A measure may hold it; what always stays open never is.
    let who = identity(&new, by_proxy.as_ref().map(|p| p.proxy_id));
    let (held, in_force) =
        super::measures::request_held(&state, &who, new.topic, new.channel).await?;
    if held.is_some() {
        return Ok(see_other(paths::requests::LIMITED));
    }
    let uc = state.act(&actor);
    let sent = requests::submit::send(&uc, &new, ctx.lang, by_proxy.as_ref(), Some(&token)).await?;
    // Under an email-only limit, the supervisor who took the measure handles it.
    if let Some(supervisor) =
        crate::services::incidents::measures::handling_supervisor(&state.db, &in_force).await?
    {
        requests::staff::assign(&uc, sent.request.id, Some(supervisor)).await?;
    }
    Ok(match (&by_proxy, &sent.token) {
        (Some(p), _) => see_other(&format!(
            "{}?sent=1",
            paths::proxy::request(p.registration_id, sent.request.id)
        )),
        (None, Some(link)) => see_other(&format!(
            "{}?sent=1",
            paths::requests::thread(link.expose())
        )),
        (None, None) => see_other(paths::requests::CONFIRMATION),
    })
}

/// Who a request is from, for the measures: the proxy sending it, or the customer as they
/// gave their details. A proxy's measures never hold the customer's own requests, nor the
/// customer's a proxy's.
fn identity(new: &NewRequest, proxy: Option<i64>) -> Identity {
    match proxy {
        Some(id) => Identity::Proxy(id),
        None => Identity::Customer {
            email: new.email.as_ref().map(|e| e.as_str().to_owned()),
            member_number: new.member_number.clone(),
        },
    }
}

/// The calm page met instead of sending while a measure holds the request: what is held
/// and until when, with what stays open. A request no longer held goes back to its check.
pub async fn limited(
    State(state): State<AppState>,
    ctx: PageContext,
    MaybeProxy(proxy): MaybeProxy,
    current: Current<RequestDraft>,
) -> Result<Response> {
    let Some((_, draft)) = current.under_way() else {
        return Ok(see_other(paths::requests::NEW));
    };
    let ctx = ctx.sending_for(draft.for_customer.clone());
    let Ok(new) = draft.finish(super::journey::today(&state)) else {
        return Ok(see_other(paths::requests::CHECK));
    };
    let proxy_id = match (draft.for_registration, &proxy) {
        (Some(_), Some(p)) => Some(p.id),
        (Some(_), None) => return Ok(see_other(paths::requests::CHECK)),
        (None, _) => None,
    };
    let who = identity(&new, proxy_id);
    let (held, _) = super::measures::request_held(&state, &who, new.topic, new.channel).await?;
    let Some(held) = held else {
        return Ok(see_other(paths::requests::CHECK));
    };
    let topic = path::<RequestDraft>(Place::Step(RequestStep::Topic));
    let reply = path::<RequestDraft>(Place::Step(RequestStep::Channel));
    Ok(super::measures::held_page(&ctx, held, &topic, Some(&reply)))
}

/// The page a second press of "send" reaches: the reference, and where the link went.
pub async fn confirmation(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<RequestDraft>,
) -> Result<Response> {
    let Some(reference) = current.0.and_then(|(_, d)| d.sent) else {
        return Ok(see_other(paths::requests::NEW));
    };
    let r = requests::by_reference(&state.db, &reference)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(view::sent_again(&ctx, &r.reference, r.email.is_some()).into_response())
}

/// `?sent=1`: the thread is shown as the confirmation of a request just sent.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ThreadQuery {
    sent: String,
}

/// The lines of a thread as the customer (or their proxy) reads them: no internal notes,
/// staff by display name only.
pub async fn lines_for_customer(
    state: &AppState,
    ctx: &PageContext,
    r: &Request,
) -> Result<Vec<ThreadLine>> {
    let names = crate::services::staff::display_names(&state.db).await?;
    Ok(requests::thread::messages(&state.db, r.id, false)
        .await?
        .into_iter()
        .map(|m| {
            let author = m.author;
            let who = match author {
                Author::Customer => r.customer_name.clone(),
                Author::Proxy => {
                    ctx.tf("request.thread.by_proxy", &[("customer", &r.customer_name)])
                }
                Author::Staff => ctx.tf(
                    "request.thread.by_staff",
                    &[(
                        "name",
                        m.staff_id
                            .and_then(|id| names.get(&id))
                            .map(String::as_str)
                            .unwrap_or_default(),
                    )],
                ),
            };
            ThreadLine {
                who,
                from_desk: author == Author::Staff,
                internal: m.internal,
                at: m.created_at,
                body: m.body,
            }
        })
        .collect())
}

/// The sessions booked for a request, written out for people.
pub async fn session_lines(
    state: &AppState,
    ctx: &PageContext,
    r: &Request,
) -> Result<Vec<String>> {
    Ok(requests::thread::sessions(&state.db, r.id)
        .await?
        .iter()
        .map(|b| {
            let mode = b.mode;
            format!(
                "{} ({}, {})",
                crate::i18n::format_session_time(
                    ctx.lang,
                    b.starts_at,
                    b.ends_at,
                    state.config.timezone
                ),
                crate::i18n::mode_name(ctx.lang, mode),
                b.reference
            )
        })
        .collect())
}

/// The mode of session a request's reply channel asks for.
pub fn session_mode(channel: ReplyChannel) -> Option<SessionMode> {
    match channel {
        ReplyChannel::WrittenChat => Some(SessionMode::WrittenChat),
        ReplyChannel::SignLanguage => Some(SessionMode::SignLanguageVideo),
        _ => None,
    }
}

/// The request a thread link opens, or 404 for a wrong or expired link.
pub(crate) async fn by_link(state: &AppState, raw: &str) -> Result<Request> {
    let token = Token::from_presented(raw).ok_or(Error::NotFound)?;
    requests::thread::by_link(&state.db, state.now(), &token)
        .await?
        .ok_or(Error::NotFound)
}

/// Builds the thread page for the customer's link.
async fn thread_page(
    state: &AppState,
    ctx: &PageContext,
    raw: &str,
    r: &Request,
    sent: bool,
    typed: &MessageForm,
    errors: &Errors,
) -> Result<maud::Markup> {
    let lines = lines_for_customer(state, ctx, r).await?;
    let sessions = session_lines(state, ctx, r).await?;
    let page = ThreadPage {
        r: &r.into(),
        status: r.status,
        lines,
        sessions,
        post_to: paths::requests::thread(raw),
        book_to: booking_draft(r, "")
            .is_some()
            .then(|| paths::requests::book(raw)),
        sent,
        link: sent.then(|| state.config.link(&paths::requests::thread(raw))),
        back: None,
        feedback: crate::services::feedback::offered(
            &state.db,
            state.now(),
            Channel::Request,
            r.id,
        )
        .await?
        .then(|| paths::feedback::request(raw)),
    };
    Ok(view::thread(ctx, &page, typed, errors))
}

/// The thread, by the link in the customer's emails.
pub async fn thread(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
    Query(query): Query<ThreadQuery>,
) -> Result<Response> {
    let r = by_link(&state, &raw).await?;
    let page = thread_page(
        &state,
        &ctx,
        &raw,
        &r,
        query.sent == "1",
        &MessageForm::default(),
        &Errors::new(),
    )
    .await?;
    Ok(page.into_response())
}

/// Reads a message typed into a thread.
pub fn check_message(typed: &MessageForm) -> std::result::Result<String, Errors> {
    let mut errors = Errors::new();
    let body = typed.message.trim();
    if body.is_empty() {
        errors.invalid("message", Invalid::Missing);
    } else if body.chars().count() > MESSAGE_MAX_CHARS {
        errors.add_with(
            "message",
            "error.message.too_long",
            vec![
                ("max", MESSAGE_MAX_CHARS.to_string()),
                ("count", body.chars().count().to_string()),
            ],
        );
    }
    if errors.is_empty() {
        Ok(body.to_owned())
    } else {
        Err(errors)
    }
}

/// The customer writes again.
pub async fn add_message(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(typed): Form<MessageForm>,
) -> Result<Response> {
    let r = by_link(&state, &raw).await?;
    let body = match check_message(&typed) {
        Ok(body) => body,
        Err(errors) => {
            let page = thread_page(&state, &ctx, &raw, &r, false, &typed, &errors).await?;
            return Ok(rejected(page));
        }
    };
    let actor = Actor::visitor(ip);
    match requests::thread::customer_message(&state.act(&actor), r.id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "{}#messages",
            paths::requests::thread(&raw)
        ))),
        Err(requests::RequestError::Closed) => {
            let mut errors = Errors::new();
            errors.add("message", "error.request.closed");
            let page = thread_page(&state, &ctx, &raw, &r, false, &typed, &errors).await?;
            Ok(rejected(page))
        }
        Err(requests::RequestError::Database(e)) => Err(e.into()),
        Err(_) => Err(Error::NotFound),
    }
}

/// The booking journey for the session a request asked for, with the customer's details
/// and the request's reference carried in; none when the request asked for no session or
/// has been closed.
pub fn booking_draft(r: &Request, email: &str) -> Option<BookingDraft> {
    if r.status == RequestStatus::Closed {
        return None;
    }
    let mode = session_mode(r.channel)?;
    Some(BookingDraft {
        mode: Some(mode.as_str().to_owned()),
        details: DetailsForm {
            name: r.customer_name.clone(),
            email: email.to_owned(),
            member_number: r.member_number.clone().unwrap_or_default(),
            topic: r.topic.as_str().to_owned(),
            ..Default::default()
        },
        request: Some(r.reference.clone()),
        ..Default::default()
    })
}

/// Starts booking the session the request asked for.
pub async fn book(
    State(state): State<AppState>,
    client: ClientIp,
    Path(raw): Path<String>,
) -> Result<Response> {
    let r = by_link(&state, &raw).await?;
    // A request a proxy sent gives the proxy's address: the customer opening her own link
    // books with hers.
    let email = match r.proxy_registration_id {
        Some(id) => proxies::get(&state.db, id)
            .await?
            .and_then(|p| p.principal_email),
        None => r.email.clone(),
    };
    let Some(draft) = booking_draft(&r, email.as_deref().unwrap_or_default()) else {
        // Closed meanwhile (or never asking for a session): the thread says why.
        return Ok(see_other(&paths::requests::thread(&raw)));
    };
    super::booking::begin(&state, &draft, &client).await
}
