//! The public pages of Senior Support: the proxy application, one question a page, with a
//! check-your-answers page and a confirmation (its steps are the journey kit's, see
//! [`super::journey`]); and the form a customer uses to ask for a registration to end.

use super::AppState;
use super::context::ClientIp;
use super::cookies;
use super::forms::{rejected, see_other};
use super::journey::{Current, Pages, Route, finish_or_ask_again, to_send, today};
use crate::domain::Invalid;
use crate::domain::proxy::{ApplicationDraft, ApplyStep, past_date};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::Actor;
use crate::services::proxies::end_requests::EndRequestTyped;
use crate::services::proxies::{self, ProxyError};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::journey::StepNav;
use crate::views::proxy::{self as view, EndForm};
use crate::web::forms::Form;
use crate::web::forms::Query;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

impl Route for ApplicationDraft {
    const BASE: &'static str = paths::proxy::APPLY;
    const COOKIE: &'static str = cookies::PROXY_APPLICATION;
}

impl Pages for ApplicationDraft {
    /// What a proxy is, what is needed, and the start button.
    fn start_page(ctx: &PageContext, resume: Option<&str>) -> Markup {
        view::apply_start(ctx, resume)
    }

    fn step_page(
        &self,
        ctx: &PageContext,
        step: ApplyStep,
        nav: &StepNav,
        errors: &Errors,
    ) -> Markup {
        view::apply_step(ctx, step, self, nav, errors)
    }

    fn check_page(&self, ctx: &PageContext) -> Markup {
        view::apply_check(ctx, self, &Errors::new())
    }
}

/// Sends the application.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    current: Current<ApplicationDraft>,
) -> Result<Response> {
    let (token, mut draft) = match to_send(current) {
        Ok(journey) => journey,
        Err(elsewhere) => return Ok(see_other(&elsewhere)),
    };
    let application = match finish_or_ask_again(&state, &token, &mut draft).await? {
        Ok(application) => application,
        Err(ask_again) => return Ok(ask_again),
    };
    let actor = Actor::visitor(ip);
    let uc = state.act(&actor);
    let applied = proxies::apply::submit(&uc, &application, ctx.lang, Some(&token)).await;
    match applied {
        Ok(_) => {}
        // The answers stay, for sending again later.
        Err(ProxyError::TooManyApplications) => return Err(Error::TooMany),
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(paths::proxy::APPLY_CONFIRMATION))
}

/// The confirmation page, with the reference.
pub async fn confirmation(
    State(state): State<AppState>,
    ctx: PageContext,
    current: Current<ApplicationDraft>,
) -> Result<Response> {
    let Some(reference) = current.0.and_then(|(_, d)| d.submitted) else {
        return Ok(see_other(paths::proxy::APPLY));
    };
    let with_customer_email = proxies::by_reference(&state.db, &reference)
        .await?
        .is_some_and(|r| r.principal_email.is_some());
    Ok(view::apply_done(&ctx, &reference, with_customer_email).into_response())
}

/// The form a customer uses to ask for a registration to end.
pub async fn end_form(ctx: PageContext) -> Response {
    view::end_form(&ctx, &EndForm::default(), &Errors::new()).into_response()
}

/// Takes the request. The answer is the same whether or not a registration matched.
pub async fn end_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(form): Form<EndForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let reference = form.reference.trim();
    if reference.is_empty() {
        errors.invalid("reference", Invalid::Missing);
    } else if reference.chars().count() > 40 {
        errors.invalid("reference", Invalid::TooLong);
    }
    let name = errors.check("name", crate::domain::required_text(&form.name, 100));
    let birth = errors.check(
        "birth",
        past_date(
            &form.birth_year,
            &form.birth_month,
            &form.birth_day,
            today(&state),
        ),
    );
    let note = errors.check(
        "note",
        crate::domain::booking::optional_text(&form.note, 1000),
    );
    let (Some(name), Some(birth), Some(note), true) = (name, birth, note, errors.is_empty()) else {
        return Ok(rejected(view::end_form(&ctx, &form, &errors)));
    };
    let typed = EndRequestTyped {
        reference: reference.to_owned(),
        name,
        birth,
        note,
    };
    let actor = Actor::visitor(ip);
    let request = proxies::end_requests::request_end(&state.act(&actor), &typed, ctx.lang).await?;
    Ok(see_other(&format!(
        "{}?reference={}",
        paths::proxy::REVOKE_SENT,
        request.reference
    )))
}

/// `?reference=`: the request's own reference.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SentQuery {
    reference: String,
}

/// The page after a request to end a registration.
pub async fn end_sent(ctx: PageContext, Query(query): Query<SentQuery>) -> Response {
    match crate::domain::Reference::parse(&query.reference, 'E') {
        Some(reference) => view::end_done(&ctx, reference.as_str()).into_response(),
        None => see_other(paths::proxy::REVOKE),
    }
}
