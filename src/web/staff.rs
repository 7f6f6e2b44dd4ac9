//! Handlers for staff: the dashboard, one's password and staff accounts. Signing in and
//! out is the door's ([`super::door`]).

use super::AppState;
use super::context::{ClientIp, CurrentStaff, StaffAct};
use super::forms::DoneQuery;
use super::forms::{rejected, see_other};
use crate::domain::{DisplayName, Email, FullName, Password, Role};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::accounts::{self, PasswordChange};
use crate::services::staff::{self as staff_service, NewStaff, StaffError};
use crate::views::components::Errors;
use crate::views::staff::{StaffForm, StaffRow};
use crate::views::{self, PageContext};
use crate::web::forms::Form;
use crate::web::forms::Query;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;

/// The staff dashboard.
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Markup> {
    use crate::domain::Permission;
    use crate::domain::proxy::RegistrationStatus;
    let now = state.now();
    let mut figures: Vec<(u64, &str, String)> = Vec::new();
    if staff.role.may(Permission::HandleRequests) {
        let counts = crate::services::requests::queue::counts(&state.db, now).await?;
        figures.push((
            counts.new,
            "dashboard.count.new_requests",
            format!("{}?status=new", paths::staff::REQUESTS),
        ));
        figures.push((
            counts.overdue,
            "dashboard.count.overdue_requests",
            format!("{}?overdue=1", paths::staff::REQUESTS),
        ));
        figures.push((
            counts.wrote_again,
            "dashboard.count.wrote_again",
            format!("{}?wrote_again=1", paths::staff::REQUESTS),
        ));
    }
    let sessions_today = |interpreter: Option<i64>| {
        let state = state.clone();
        async move {
            let tz = state.config.timezone;
            let today = time_tz::OffsetDateTimeExt::to_timezone(&now, tz).date();
            let from = crate::services::audit::start_of_day(today, tz);
            let until = crate::services::audit::start_of_day(today.next_day().unwrap_or(today), tz);
            let found = crate::services::booking::queries::between(
                &state.db,
                from,
                until,
                None,
                interpreter,
            )
            .await?;
            Ok::<u64, sea_orm::DbErr>(
                found
                    .iter()
                    .filter(|b| b.status == crate::domain::BookingStatus::Booked)
                    .count() as u64,
            )
        }
    };
    if staff.role.may(Permission::ManageSchedule) {
        figures.push((
            sessions_today(None).await?,
            "dashboard.count.sessions_today",
            paths::staff::SCHEDULE.to_owned(),
        ));
        let needing =
            crate::services::attention::upcoming(&state.db, state.config.timezone, now).await?;
        figures.push((
            needing.len() as u64,
            "attention.dashboard.count",
            paths::staff::ATTENTION.to_owned(),
        ));
    } else if staff.role.may(Permission::ManageOwnSessions) {
        figures.push((
            sessions_today(Some(staff.id)).await?,
            "dashboard.count.my_sessions_today",
            paths::staff::MY_SESSIONS.to_owned(),
        ));
    }
    if staff.role.may(Permission::VerifyProxies) {
        let counts = crate::services::proxies::counts(&state.db).await?;
        let waiting = [
            RegistrationStatus::Submitted,
            RegistrationStatus::UnderReview,
        ]
        .iter()
        .map(|s| counts.get(s).copied().unwrap_or(0))
        .sum();
        figures.push((
            waiting,
            "dashboard.count.proxy_applications",
            paths::staff::PROXIES.to_owned(),
        ));
    }
    let calls = if staff.role.may(Permission::HandleIncidents) {
        super::incidents::waiting_calls(&state, &ctx).await?
    } else {
        Vec::new()
    };
    Ok(views::staff::dashboard(
        &ctx,
        &staff.display_name,
        staff.role,
        &figures,
        &calls,
    ))
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ChangedQuery {
    changed: String,
}

/// The form to change one's password.
pub async fn password_form(ctx: PageContext, Query(query): Query<ChangedQuery>) -> Markup {
    views::staff::password(&ctx, &Errors::new(), query.changed == "1")
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

/// Checks both new password fields agree and meet the rules.
pub(crate) fn new_password(
    errors: &mut Errors,
    field: &'static str,
    confirm_field: &'static str,
    raw: &str,
    confirm: &str,
) -> Option<Password> {
    let password = errors.check(field, Password::parse(raw));
    if password.is_some() && raw != confirm {
        errors.add(confirm_field, format!("error.{confirm_field}.mismatch"));
        return None;
    }
    password
}

/// Changes one's password.
pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<PasswordForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    if form.current_password.is_empty() {
        errors.add("current_password", "error.current_password.missing");
    }
    let new = new_password(
        &mut errors,
        "new_password",
        "new_password_confirm",
        &form.new_password,
        &form.new_password_confirm,
    );
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Ok(rejected(views::staff::password(&ctx, &errors, false)));
    };
    match accounts::change_password(
        &state.db,
        &state.hasher,
        state.now(),
        &staff,
        &form.current_password,
        &new,
        ip,
    )
    .await?
    {
        PasswordChange::Changed => Ok(see_other(&format!("{}?changed=1", paths::staff::PASSWORD))),
        PasswordChange::WrongCurrentPassword => {
            errors.add("current_password", "error.current_password.wrong");
            Ok(rejected(views::staff::password(&ctx, &errors, false)))
        }
    }
}

fn row(user: crate::entities::staff_user::Model) -> StaffRow {
    StaffRow {
        id: user.id,
        role: Some(user.role),
        email: user.email,
        full_name: user.full_name,
        display_name: user.display_name,
        active: user.active,
        invited: user.password_hash.is_none(),
    }
}

fn done_notice<'a>(ctx: &PageContext, done: &str) -> Option<&'a str> {
    let key = match done {
        "created" => "users.done_created",
        "updated" => "users.done_updated",
        "deactivated" => "users.done_deactivated",
        "reactivated" => "users.done_reactivated",
        "invited" => "users.done_invited",
        _ => return None,
    };
    Some(ctx.t(key))
}

/// The list of staff accounts.
pub async fn users(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<DoneQuery>,
) -> Result<Markup> {
    let rows: Vec<StaffRow> = staff_service::list(&state.db)
        .await?
        .into_iter()
        .map(row)
        .collect();
    Ok(views::staff::users(
        &ctx,
        &rows,
        done_notice(&ctx, &query.done),
    ))
}

/// The form to create an account.
pub async fn user_new_form(ctx: PageContext) -> Markup {
    views::staff::user_new(&ctx, &StaffForm::default(), &Errors::new())
}

/// Reads the identity part of a staff form.
pub(crate) fn parse_identity(
    errors: &mut Errors,
    form: &StaffForm,
) -> (Option<Email>, Option<FullName>, Option<DisplayName>) {
    (
        errors.check("email", Email::parse(&form.email)),
        errors.check("full_name", FullName::parse(&form.full_name)),
        errors.check("display_name", DisplayName::parse(&form.display_name)),
    )
}

/// Creates an account and emails its holder an invitation to choose a password.
pub async fn user_create(act: StaffAct, Form(form): Form<StaffForm>) -> Result<Response> {
    let ctx = &act.ctx;
    let mut errors = Errors::new();
    let (email, full_name, display_name) = parse_identity(&mut errors, &form);
    let role = errors.check("role", Role::parse(&form.role));
    let (Some(email), Some(full_name), Some(display_name), Some(role)) =
        (email, full_name, display_name, role)
    else {
        return Ok(rejected(views::staff::user_new(ctx, &form, &errors)));
    };
    let new = NewStaff {
        email,
        full_name,
        display_name,
        role,
        password_hash: None,
    };
    match staff_service::create(&act.uc(), &new, ctx.lang).await {
        Ok(_) => Ok(see_other(&format!("{}?done=created", paths::staff::USERS))),
        Err(StaffError::EmailTaken) => {
            errors.add("email", "error.email.taken");
            Ok(rejected(views::staff::user_new(ctx, &form, &errors)))
        }
        Err(e) => Err(staff_error(e)),
    }
}

/// Emails a fresh invitation to an account still waiting for its first password.
pub async fn user_reinvite(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    if !staff_service::reinvite(&act.uc(), id, act.ctx.lang).await? {
        return Err(Error::NotFound);
    }
    Ok(see_other(&format!(
        "{}?done=invited",
        paths::staff::user(id)
    )))
}

fn staff_error(e: StaffError) -> Error {
    match e {
        StaffError::NotFound => Error::NotFound,
        other => other.into(),
    }
}

fn parse_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| Error::NotFound)
}

async fn load_user(state: &AppState, id: &str) -> Result<StaffRow> {
    let id = parse_id(id)?;
    staff_service::get(&state.db, id)
        .await?
        .map(row)
        .ok_or(Error::NotFound)
}

/// The page to edit an account.
pub async fn user_edit_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Markup> {
    let user = load_user(&state, &id).await?;
    let values = StaffForm {
        display_name: user.display_name.clone(),
        role: user.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        ..Default::default()
    };
    Ok(views::staff::user_edit(
        &ctx,
        &user,
        &values,
        &Errors::new(),
        done_notice(&ctx, &query.done),
    ))
}

/// Saves an account's display name and role.
pub async fn user_update(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<StaffForm>,
) -> Result<Response> {
    let ctx = &act.ctx;
    let user = load_user(&act.state, &id).await?;
    let mut errors = Errors::new();
    let display_name = errors.check("display_name", DisplayName::parse(&form.display_name));
    let role = errors.check("role", Role::parse(&form.role));
    let (Some(display_name), Some(role)) = (display_name, role) else {
        return Ok(rejected(views::staff::user_edit(
            ctx, &user, &form, &errors, None,
        )));
    };
    match staff_service::update(&act.uc(), user.id, &display_name, role).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?done=updated",
            paths::staff::user(user.id)
        ))),
        Err(StaffError::LastAdmin) => {
            errors.add("role", "error.role.last_admin");
            Ok(rejected(views::staff::user_edit(
                ctx, &user, &form, &errors, None,
            )))
        }
        Err(e) => Err(staff_error(e)),
    }
}

/// Deactivates an account.
pub async fn user_deactivate(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let user = load_user(&act.state, &id).await?;
    let problem = match staff_service::deactivate(&act.uc(), user.id).await {
        Ok(()) => {
            return Ok(see_other(&format!(
                "{}?done=deactivated",
                paths::staff::user(user.id)
            )));
        }
        Err(StaffError::OwnAccount) => "error.deactivate.own_account",
        Err(StaffError::LastAdmin) => "error.deactivate.last_admin",
        Err(e) => return Err(staff_error(e)),
    };
    let values = StaffForm {
        display_name: user.display_name.clone(),
        role: user.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        ..Default::default()
    };
    let mut errors = Errors::new();
    errors.add("deactivate", problem);
    let page = views::staff::user_edit(&act.ctx, &user, &values, &errors, None);
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// Reactivates an account.
pub async fn user_reactivate(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    staff_service::reactivate(&act.uc(), id)
        .await
        .map_err(staff_error)?;
    Ok(see_other(&format!(
        "{}?done=reactivated",
        paths::staff::user(id)
    )))
}
