//! The public pages of Senior Support: the proxy application, one question a page, with a
//! check-your-answers page and a confirmation; and the form a customer uses to ask for a
//! registration to end. The application's answers live on the server (`journey_drafts`),
//! named by a random token in the `yorisoi_apply` cookie, so nothing typed is lost and there
//! is no time limit.

use super::AppState;
use super::context::ClientIp;
use super::cookies::{self, Lifetime};
use super::forms::{keep_journey, rejected, see_other};
use crate::domain::proxy::{ApplicationDraft, ApplyStep, past_date};
use crate::domain::{Invalid, Token};
use crate::error::{Error, Result};
use crate::services::proxies::end_requests::EndRequestTyped;
use crate::services::proxies::{self, ProxyError};
use crate::services::{Actor, drafts};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::proxy::{self as view, EndForm, StepNav};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time_tz::OffsetDateTimeExt;

/// The visitor's application, if their cookie names one that is kept.
async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Token, ApplicationDraft)>> {
    let Some(token) =
        cookies::get(headers, cookies::PROXY_APPLICATION).and_then(Token::from_presented)
    else {
        return Ok(None);
    };
    Ok(drafts::load(&state.db, &token).await?.map(|d| (token, d)))
}

/// The desk's today, for dates of birth.
fn today(state: &AppState) -> time::Date {
    state.now().to_timezone(state.config.timezone).date()
}

/// Where the journey goes next: the first step not yet answered, or the check page.
fn next_path(draft: &ApplicationDraft) -> String {
    match draft.next_step() {
        Some(step) => format!("/proxy/apply/{}", step.slug()),
        None => "/proxy/apply/check".to_owned(),
    }
}

/// Turns a step's refused fields into the page's errors.
fn errors_of(refused: Vec<(&'static str, Invalid)>) -> Errors {
    let mut errors = Errors::new();
    for (field, why) in refused {
        errors.invalid(field, why);
    }
    errors
}

/// `/proxy/apply`: what a proxy is, what is needed, and the start button.
pub async fn start(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let resume = current(&state, &headers)
        .await?
        .filter(|(_, d)| d.submitted.is_none() && !d.done.is_empty())
        .map(|(_, d)| next_path(&d));
    Ok(view::apply_start(&ctx, resume.as_deref()).into_response())
}

/// `?change=1`: the step was opened from the check page, and goes back there.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct StepQuery {
    change: String,
}

fn step_nav(step: ApplyStep, change: bool) -> StepNav {
    let action = if change {
        format!("/proxy/apply/{}?change=1", step.slug())
    } else {
        format!("/proxy/apply/{}", step.slug())
    };
    let back = if change {
        "/proxy/apply/check".to_owned()
    } else {
        match step.previous() {
            Some(previous) => format!("/proxy/apply/{}", previous.slug()),
            None => "/proxy/apply".to_owned(),
        }
    };
    StepNav { action, back }
}

/// One question of the application.
pub async fn step_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(query): Query<StepQuery>,
) -> Result<Response> {
    let step = ApplyStep::from_slug(&slug).ok_or(Error::NotFound)?;
    let draft = current(&state, &headers)
        .await?
        .map(|(_, d)| d)
        .filter(|d| d.submitted.is_none())
        .unwrap_or_default();
    // A step is reached in order: the ones before it come first.
    if let Some(first) = draft.next_step()
        && first < step
    {
        return Ok(see_other(&format!("/proxy/apply/{}", first.slug())));
    }
    let nav = step_nav(step, query.change == "1");
    Ok(view::apply_step(&ctx, step, &draft, &nav, &Errors::new()).into_response())
}

/// The value of a field, as typed.
fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Copies a step's typed answers into the draft.
pub fn take_answers(draft: &mut ApplicationDraft, step: ApplyStep, form: &[(String, String)]) {
    let get = |name: &str| field(form, name).to_owned();
    match step {
        ApplyStep::CustomerName => {
            draft.principal_full_name = get("principal_full_name");
            draft.principal_kana = get("principal_kana");
        }
        ApplyStep::CustomerBirth => {
            draft.birth = (get("birth-year"), get("birth-month"), get("birth-day"));
        }
        ApplyStep::CustomerAddress => draft.principal_address = get("principal_address"),
        ApplyStep::CustomerContact => {
            draft.principal_member_number = get("principal_member_number");
            draft.principal_email = get("principal_email");
        }
        ApplyStep::ProxyName => {
            draft.proxy_full_name = get("proxy_full_name");
            draft.proxy_kana = get("proxy_kana");
        }
        ApplyStep::Relationship => draft.relationship = get("relationship"),
        ApplyStep::ProxyContact => {
            draft.proxy_email = get("proxy_email");
            draft.proxy_address = get("proxy_address");
        }
        ApplyStep::Scope => {
            draft.scope = form
                .iter()
                .filter(|(k, _)| k == "scope")
                .map(|(_, v)| v.clone())
                .collect();
        }
        ApplyStep::Consent => draft.consent_method = get("consent_method"),
        ApplyStep::Declaration => draft.declaration = field(form, "declaration") == "yes",
    }
}

/// Saves one step's answers (even refused ones, so they are shown again) and goes on.
pub async fn step_save(
    State(state): State<AppState>,
    ctx: PageContext,
    client: ClientIp,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Query(query): Query<StepQuery>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let step = ApplyStep::from_slug(&slug).ok_or(Error::NotFound)?;
    let (token, mut draft) = match current(&state, &headers).await? {
        Some((token, d)) if d.submitted.is_none() => (Some(token), d),
        // A sent application starts again from nothing, under the same cookie.
        Some((token, _)) => (Some(token), ApplicationDraft::default()),
        None => (None, ApplicationDraft::default()),
    };
    take_answers(&mut draft, step, &form);
    let refused = draft.check_step(step, today(&state));
    if refused.is_empty() {
        draft.done.insert(step.slug().to_owned());
    } else {
        draft.done.remove(step.slug());
    }
    let (token, fresh) = keep_journey(&state, token, &draft, &client).await?;
    let mut response = if refused.is_empty() {
        let to = if query.change == "1" && draft.next_step().is_none() {
            "/proxy/apply/check".to_owned()
        } else {
            next_path(&draft)
        };
        see_other(&to)
    } else {
        let nav = step_nav(step, query.change == "1");
        rejected(view::apply_step(
            &ctx,
            step,
            &draft,
            &nav,
            &errors_of(refused),
        ))
    };
    if fresh {
        let line = cookies::set(
            cookies::PROXY_APPLICATION,
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

/// Check your answers.
pub async fn check_form(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let Some((_, draft)) = current(&state, &headers)
        .await?
        .filter(|(_, d)| d.submitted.is_none())
    else {
        return Ok(see_other("/proxy/apply"));
    };
    if draft.next_step().is_some() {
        return Ok(see_other(&next_path(&draft)));
    }
    Ok(view::apply_check(&ctx, &draft, &Errors::new()).into_response())
}

/// Sends the application.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    let (token, mut draft) = match current(&state, &headers).await? {
        Some((_, d)) if d.submitted.is_some() => {
            // A second press after it was sent shows the confirmation again.
            return Ok(see_other("/proxy/apply/confirmation"));
        }
        Some(found) => found,
        None => return Ok(see_other("/proxy/apply")),
    };
    let application = match draft.validate(today(&state)) {
        Ok(a) => a,
        Err(refused) => {
            // Something changed since it was accepted (a date of birth that is now in the
            // future cannot be, but a step may have been refused meanwhile): ask again.
            for (field, _) in &refused {
                if let Some(step) = ApplyStep::ALL.iter().find(|s| {
                    s.fields().contains(field)
                        || (*field == "birth" && **s == ApplyStep::CustomerBirth)
                }) {
                    draft.done.remove(step.slug());
                }
            }
            drafts::save_now(&state.db, state.now(), &token, &draft).await?;
            return Ok(see_other(&next_path(&draft)));
        }
    };
    let applied = proxies::apply::submit(
        &state.db,
        state.now(),
        &state.config,
        &Actor::visitor(ip),
        &application,
        ctx.lang,
        Some(&token),
    )
    .await;
    match applied {
        Ok(_) => {}
        // The answers stay, for sending again later.
        Err(ProxyError::TooManyApplications) => return Err(Error::TooMany),
        Err(e) => return Err(e.into()),
    }
    state.mail_waiting();
    Ok(see_other("/proxy/apply/confirmation"))
}

/// The confirmation page, with the reference.
pub async fn confirmation(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
) -> Result<Response> {
    let Some(reference) = current(&state, &headers)
        .await?
        .and_then(|(_, d)| d.submitted)
    else {
        return Ok(see_other("/proxy/apply"));
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
    let request = proxies::end_requests::request_end(
        &state.db,
        state.now(),
        &Actor::visitor(ip),
        &typed,
        ctx.lang,
    )
    .await?;
    Ok(see_other(&format!(
        "/proxy/revoke/sent?reference={}",
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
        None => see_other("/proxy/revoke"),
    }
}
