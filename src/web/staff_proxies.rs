//! Staff handlers for proxy registrations: the queue, a registration's page with its checks
//! and decisions, customers' requests to end one, and the proxy settings.

use super::AppState;
use super::context::StaffAct;
use super::forms::DoneQuery;
use super::forms::{rejected, see_other};
use crate::domain::proxy::{ConsentMethod, IdDocument, RegistrationStatus, recent_date};
use crate::domain::{Invalid, required_text};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::audit;
use crate::services::proxies::review::Person;
use crate::services::proxies::{self, ProxyError};
use crate::services::settings::ProxySettings;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::staff_proxies::{
    self as view, DecisionForm, Detail, EndRequestRow, ProxyOrigin, QueueRow, SettingsForm,
};
use crate::web::forms::Form;
use crate::web::forms::Query;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time_tz::OffsetDateTimeExt;

/// Where a request or session came from, for its staff page, when a proxy made it under
/// `registration_id`: the proxy, the registration, and, once it has ended, when, and how to
/// reach the customer.
pub(super) async fn origin(
    state: &AppState,
    ctx: &PageContext,
    registration_id: Option<i64>,
) -> Result<Option<ProxyOrigin>> {
    let Some(id) = registration_id else {
        return Ok(None);
    };
    let Some(r) = proxies::get(&state.db, id).await? else {
        return Ok(None);
    };
    let now = state.now();
    // An approved registration past its end date has ended, whether or not the expiry job
    // has marked it yet.
    let ended_on = (!proxies::active(&r, now))
        .then(|| r.ended_at.or(r.valid_until).unwrap_or(now))
        .map(|at| ctx.datetime(at));
    Ok(Some(ProxyOrigin {
        proxy: r.proxy_full_name,
        registration_id: r.id,
        reference: r.reference,
        ended_on,
        customer_email: r.principal_email,
        customer_address: r.principal_address,
    }))
}

/// `?status=`: which tab of the queue.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    status: String,
}

/// The queue, one status at a time.
pub async fn queue(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<QueueQuery>,
) -> Result<Response> {
    let status = RegistrationStatus::parse(&query.status).unwrap_or(RegistrationStatus::Submitted);
    let counts: Vec<(RegistrationStatus, u64)> =
        proxies::counts(&state.db).await?.into_iter().collect();
    let rows: Vec<QueueRow> = proxies::list(&state.db, status)
        .await?
        .iter()
        .map(|r| QueueRow::masked(&r.into(), proxies::until_text(ctx.lang, r, &state.config)))
        .collect();
    let open = proxies::end_requests::open_end_requests(&state.db)
        .await?
        .len();
    Ok(view::queue(&ctx, status, &counts, &rows, open).into_response())
}

async fn detail_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    typed: &DecisionForm,
    errors: &Errors,
    done: &str,
) -> Result<maud::Markup> {
    let r = proxies::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    let others = proxies::same_customer(&state.db, &r)
        .await?
        .iter()
        .map(|o| QueueRow::masked(&o.into(), None))
        .collect();
    let end_requests = proxies::end_requests::open_end_requests(&state.db)
        .await?
        .into_iter()
        .filter(|q| q.registration_id == Some(r.id))
        .map(|q| (q.id, q.reference))
        .collect();
    let history = audit::about(&state.db, "proxy_registration", &r.id.to_string())
        .await?
        .into_iter()
        .map(|e| (e.occurred_at, e.action))
        .collect();
    let notice = match done {
        "documents" | "consent" | "review" | "approved" | "rejected" | "revoked" | "renewed" => {
            Some(ctx.t(&format!("proxies.done.{done}")).to_owned())
        }
        _ => None,
    };
    let d = Detail {
        status: r.status,
        active: proxies::active(&r, state.now()),
        scopes: proxies::scopes_of(&r),
        until: proxies::until_text(ctx.lang, &r, &state.config),
        checks_done: proxies::review::checks_done(&r),
        others,
        end_requests,
        history,
        r: &(&r).into(),
    };
    Ok(view::detail(ctx, &d, typed, errors, notice.as_deref()))
}

/// A registration's page.
pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let r = proxies::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    // The forms start from what is recorded.
    let mut typed = DecisionForm {
        customer_document: r
            .principal_document
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        proxy_document: r
            .proxy_document
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        consent_how: r
            .consent_confirmed_how
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        ..Default::default()
    };
    if let Some(on) = r
        .consent_confirmed_on
        .as_deref()
        .and_then(crate::domain::proxy::parse_iso_date)
    {
        typed.consent_year = on.year().to_string();
        typed.consent_month = u8::from(on.month()).to_string();
        typed.consent_day = on.day().to_string();
    }
    let page = detail_page(&state, &ctx, id, &typed, &Errors::new(), &query.done).await?;
    Ok(page.into_response())
}

/// Back to a registration's page, saying what was done.
fn done_page(id: i64, what: &str) -> Response {
    see_other(&format!("{}?done={what}", paths::staff::proxy(id)))
}

/// The registration's page again, with what was typed and why it was refused.
async fn again(act: &StaffAct, id: i64, typed: &DecisionForm, errors: &Errors) -> Result<Response> {
    let page = detail_page(&act.state, &act.ctx, id, typed, errors, "").await?;
    Ok(rejected(page))
}

/// Where a change leads: back to the registration's page, saying what was `done`; or, when
/// it was refused, the page again with a message, or an error page.
async fn answered<T>(
    act: &StaffAct,
    id: i64,
    typed: &DecisionForm,
    done: &str,
    outcome: std::result::Result<T, ProxyError>,
) -> Result<Response> {
    let mut errors = Errors::new();
    match outcome {
        Ok(_) => return Ok(done_page(id, done)),
        Err(ProxyError::NotFound) => return Err(Error::NotFound),
        Err(ProxyError::Database(e)) => return Err(e.into()),
        Err(ProxyError::TooManyApplications) => return Err(Error::TooMany),
        Err(ProxyError::WrongStatus(_)) => errors.add("status", "error.proxy.wrong_status"),
        Err(ProxyError::ChecksMissing) => errors.add("status", "error.proxy.checks_missing"),
        Err(ProxyError::TooManyProxies(n)) => errors.add_with(
            "status",
            "error.proxy.too_many",
            vec![("max", n.to_string())],
        ),
        Err(ProxyError::RequestNotOpen) => errors.add("status", "error.proxy.request_not_open"),
    }
    again(act, id, typed, &errors).await
}

/// Marks an application as being checked.
pub async fn start_review(act: StaffAct, Path(id): Path<i64>) -> Result<Response> {
    let outcome = proxies::review::start_review(&act.uc(), id).await;
    answered(&act, id, &DecisionForm::default(), "review", outcome).await
}

/// Records the identity documents checked for the customer and the proxy.
pub async fn record_documents(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let pick = |raw: &str| match raw {
        "" => Err(Invalid::Missing),
        raw => IdDocument::parse(raw).ok_or(Invalid::NotAChoice),
    };
    let customer = errors.check("customer_document", pick(&form.customer_document));
    let proxy = errors.check("proxy_document", pick(&form.proxy_document));
    let (Some(customer), Some(proxy)) = (customer, proxy) else {
        return again(&act, id, &form, &errors).await;
    };
    for (person, document) in [(Person::Customer, customer), (Person::Proxy, proxy)] {
        let outcome = proxies::review::record_document(&act.uc(), id, person, document).await;
        if outcome.is_err() {
            return answered(&act, id, &form, "documents", outcome).await;
        }
    }
    Ok(done_page(id, "documents"))
}

/// Records how and when the customer's own consent was confirmed.
pub async fn record_consent(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let how = errors.check(
        "consent_how",
        match form.consent_how.as_str() {
            "" => Err(Invalid::Missing),
            raw => ConsentMethod::parse(raw).ok_or(Invalid::NotAChoice),
        },
    );
    let state = &act.state;
    let today = state.now().to_timezone(state.config.timezone).date();
    let on = errors.check(
        "consent_on",
        recent_date(
            &form.consent_year,
            &form.consent_month,
            &form.consent_day,
            today,
        ),
    );
    let (Some(how), Some(on)) = (how, on) else {
        return again(&act, id, &form, &errors).await;
    };
    let outcome = proxies::review::record_consent(&act.uc(), id, how, on).await;
    answered(&act, id, &form, "consent", outcome).await
}

/// Approves an application whose checks are recorded.
pub async fn approve(act: StaffAct, Path(id): Path<i64>) -> Result<Response> {
    let outcome = proxies::review::approve(&act.uc(), id).await;
    answered(&act, id, &DecisionForm::default(), "approved", outcome).await
}

/// The two decisions staff give a reason for.
#[derive(Clone, Copy)]
enum WithReason {
    Reject,
    Revoke,
}

/// Turns an application down or revokes a registration, with the reason typed; the page
/// again when there is none.
async fn decide(
    act: StaffAct,
    id: i64,
    form: DecisionForm,
    decision: WithReason,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(why) = errors.check("reason", required_text(&form.reason, 1000)) else {
        return again(&act, id, &form, &errors).await;
    };
    let uc = act.uc();
    let (outcome, done) = match decision {
        WithReason::Reject => (proxies::review::reject(&uc, id, &why).await, "rejected"),
        WithReason::Revoke => (proxies::lifecycle::revoke(&uc, id, &why).await, "revoked"),
    };
    answered(&act, id, &form, done, outcome).await
}

/// Turns an application down, with a reason.
pub async fn reject(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    decide(act, id, form, WithReason::Reject).await
}

/// Revokes an approved registration, with a reason.
pub async fn revoke(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    decide(act, id, form, WithReason::Revoke).await
}

/// Renews a registration for another full term.
pub async fn renew(act: StaffAct, Path(id): Path<i64>) -> Result<Response> {
    let outcome = proxies::lifecycle::renew(&act.uc(), id).await;
    answered(&act, id, &DecisionForm::default(), "renewed", outcome).await
}

/// Customers' open requests to end a registration.
pub async fn end_requests(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let mut rows = Vec::new();
    for q in proxies::end_requests::open_end_requests(&state.db).await? {
        let matched = match q.registration_id {
            Some(id) => proxies::get(&state.db, id).await?.map(|r| {
                let active = proxies::active(&r, state.now());
                (r.id, r.reference, r.proxy_full_name, active)
            }),
            None => None,
        };
        rows.push(EndRequestRow {
            id: q.id,
            reference: q.reference,
            requested_at: q.requested_at,
            // Only the year, as in the queue: whether it matched is what staff need.
            typed: (
                q.typed_reference,
                q.typed_name,
                crate::domain::proxy::birth_year(&q.typed_birth_date),
            ),
            note: q.note,
            matched,
        });
    }
    let notice = match query.done.as_str() {
        "confirmed" => Some(ctx.t("proxies.done.request_confirmed")),
        "declined" => Some(ctx.t("proxies.done.request_declined")),
        _ => None,
    };
    Ok(view::end_requests(&ctx, &rows, notice).into_response())
}

/// Confirms a customer's request: the registration it matched ends.
pub async fn confirm_end(act: StaffAct, Path(id): Path<i64>) -> Result<Response> {
    match proxies::end_requests::confirm_end(&act.uc(), id).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?done=confirmed",
            paths::staff::PROXY_END_REQUESTS
        ))),
        Err(ProxyError::Database(e)) => Err(e.into()),
        Err(_) => Ok(see_other(paths::staff::PROXY_END_REQUESTS)),
    }
}

/// Closes a request without ending anything.
pub async fn decline_end(act: StaffAct, Path(id): Path<i64>) -> Result<Response> {
    match proxies::end_requests::decline_end(&act.uc(), id).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?done=declined",
            paths::staff::PROXY_END_REQUESTS
        ))),
        Err(ProxyError::Database(e)) => Err(e.into()),
        Err(_) => Ok(see_other(paths::staff::PROXY_END_REQUESTS)),
    }
}

/// `?saved=1` after saving.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

/// The proxy settings.
pub async fn settings_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<SavedQuery>,
) -> Result<Response> {
    let now = crate::services::settings::proxies::load(&state.db).await?;
    let typed = SettingsForm {
        validity_years: now.validity_years.to_string(),
        max_active: now.max_active.to_string(),
    };
    Ok(view::settings(&ctx, &typed, &Errors::new(), query.saved == "1").into_response())
}

fn whole_number(raw: &str, min: i64, max: i64) -> std::result::Result<i64, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Missing);
    }
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Invalid::BadFormat),
    }
}

/// Saves the proxy settings.
pub async fn settings_save(act: StaffAct, Form(form): Form<SettingsForm>) -> Result<Response> {
    let mut errors = Errors::new();
    let years = errors.check("validity_years", whole_number(&form.validity_years, 1, 10));
    let max = errors.check("max_active", whole_number(&form.max_active, 1, 10));
    let (Some(validity_years), Some(max_active)) = (years, max) else {
        return Ok(rejected(view::settings(&act.ctx, &form, &errors, false)));
    };
    let new = ProxySettings {
        validity_years,
        max_active,
    };
    crate::services::settings::proxies::save(&act.uc(), &new).await?;
    Ok(see_other(&format!(
        "{}?saved=1",
        paths::staff::SETTINGS_PROXIES
    )))
}
