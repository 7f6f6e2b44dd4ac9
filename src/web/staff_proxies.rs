//! Staff handlers for proxy registrations: the queue, a registration's page with its checks
//! and decisions, customers' requests to end one, and the proxy settings.

use super::AppState;
use super::context::{ClientIp, CurrentStaff};
use super::forms::DoneQuery;
use super::forms::{rejected, see_other};
use crate::domain::proxy::{ConsentMethod, IdDocument, RegistrationStatus, recent_date};
use crate::domain::{Invalid, required_text};
use crate::error::{Error, Result};
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

/// What a refused change becomes: the page again with a message, or an error page.
async fn refused(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    typed: &DecisionForm,
    e: ProxyError,
) -> Result<Response> {
    let mut errors = Errors::new();
    match e {
        ProxyError::NotFound => return Err(Error::NotFound),
        ProxyError::Database(e) => return Err(e.into()),
        ProxyError::TooManyApplications => return Err(Error::TooMany),
        ProxyError::WrongStatus(_) => errors.add("status", "error.proxy.wrong_status"),
        ProxyError::ChecksMissing => errors.add("status", "error.proxy.checks_missing"),
        ProxyError::TooManyProxies(n) => errors.add_with(
            "status",
            "error.proxy.too_many",
            vec![("max", n.to_string())],
        ),
        ProxyError::RequestNotOpen => errors.add("status", "error.proxy.request_not_open"),
    }
    Ok(rejected(
        detail_page(state, ctx, id, typed, &errors, "").await?,
    ))
}

fn done(id: i64, what: &str) -> Response {
    see_other(&format!("/staff/proxies/{id}?done={what}"))
}

/// Marks an application as being checked.
pub async fn start_review(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    match proxies::review::start_review(&state.db, state.now(), &staff.actor(ip), id).await {
        Ok(_) => Ok(done(id, "review")),
        Err(e) => refused(&state, &ctx, id, &DecisionForm::default(), e).await,
    }
}

/// Records the identity documents checked for the customer and the proxy.
pub async fn record_documents(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
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
        let page = detail_page(&state, &ctx, id, &form, &errors, "").await?;
        return Ok(rejected(page));
    };
    let actor = staff.actor(ip);
    for (person, document) in [(Person::Customer, customer), (Person::Proxy, proxy)] {
        if let Err(e) =
            proxies::review::record_document(&state.db, state.now(), &actor, id, person, document)
                .await
        {
            return refused(&state, &ctx, id, &form, e).await;
        }
    }
    Ok(done(id, "documents"))
}

/// Records how and when the customer's own consent was confirmed.
pub async fn record_consent(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
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
        let page = detail_page(&state, &ctx, id, &form, &errors, "").await?;
        return Ok(rejected(page));
    };
    match proxies::review::record_consent(&state.db, state.now(), &staff.actor(ip), id, how, on)
        .await
    {
        Ok(_) => Ok(done(id, "consent")),
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// Approves an application whose checks are recorded.
pub async fn approve(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    match proxies::review::approve(&state.db, state.now(), &state.config, &staff.actor(ip), id)
        .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(done(id, "approved"))
        }
        Err(e) => refused(&state, &ctx, id, &DecisionForm::default(), e).await,
    }
}

/// Reads the reason typed for turning down or revoking.
fn reason(errors: &mut Errors, typed: &str) -> Option<String> {
    errors.check("reason", required_text(typed, 1000))
}

/// Turns an application down, with a reason.
pub async fn reject(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(why) = reason(&mut errors, &form.reason) else {
        let page = detail_page(&state, &ctx, id, &form, &errors, "").await?;
        return Ok(rejected(page));
    };
    let actor = staff.actor(ip);
    match proxies::review::reject(&state.db, state.now(), &state.config, &actor, id, &why).await {
        Ok(_) => {
            state.mail_waiting();
            Ok(done(id, "rejected"))
        }
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// Revokes an approved registration, with a reason.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(why) = reason(&mut errors, &form.reason) else {
        let page = detail_page(&state, &ctx, id, &form, &errors, "").await?;
        return Ok(rejected(page));
    };
    let actor = staff.actor(ip);
    match proxies::lifecycle::revoke(&state.db, state.now(), &state.config, &actor, id, &why).await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(done(id, "revoked"))
        }
        Err(e) => refused(&state, &ctx, id, &form, e).await,
    }
}

/// Renews a registration for another full term.
pub async fn renew(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    match proxies::lifecycle::renew(&state.db, state.now(), &state.config, &staff.actor(ip), id)
        .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(done(id, "renewed"))
        }
        Err(e) => refused(&state, &ctx, id, &DecisionForm::default(), e).await,
    }
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
pub async fn confirm_end(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    match proxies::end_requests::confirm_end(
        &state.db,
        state.now(),
        &state.config,
        &staff.actor(ip),
        id,
    )
    .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(see_other("/staff/proxies/end-requests?done=confirmed"))
        }
        Err(ProxyError::Database(e)) => Err(e.into()),
        Err(_) => Ok(see_other("/staff/proxies/end-requests")),
    }
}

/// Closes a request without ending anything.
pub async fn decline_end(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> Result<Response> {
    match proxies::end_requests::decline_end(&state.db, state.now(), &staff.actor(ip), id).await {
        Ok(()) => Ok(see_other("/staff/proxies/end-requests?done=declined")),
        Err(ProxyError::Database(e)) => Err(e.into()),
        Err(_) => Ok(see_other("/staff/proxies/end-requests")),
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
pub async fn settings_save(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let years = errors.check("validity_years", whole_number(&form.validity_years, 1, 10));
    let max = errors.check("max_active", whole_number(&form.max_active, 1, 10));
    let (Some(validity_years), Some(max_active)) = (years, max) else {
        return Ok(rejected(view::settings(&ctx, &form, &errors, false)));
    };
    let new = ProxySettings {
        validity_years,
        max_active,
    };
    crate::services::settings::proxies::save(&state.db, state.now(), &staff.actor(ip), &new)
        .await?;
    Ok(see_other("/staff/settings/proxies?saved=1"))
}
