//! Handlers for measures: supervisors take them on an incident's page, a second person
//! approves or declines a suspension, a measure is lifted early, and appeals are decided;
//! the person reads their notice and appeals from it. Also the checks at the desk's doors:
//! what a request or a booking meets while a measure holds it.

use super::AppState;
use super::context::StaffAct;
use super::forms::{Form, rejected, see_other};
use super::incidents::{Typed, detail_page, id_of};
use crate::domain::measure::{
    self as rules, AppealOutcome, Held, MeasureForm, MeasureKind, MeasureStatus,
};
use crate::domain::request::{ReplyChannel, Topic};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::incidents::Incident;
use crate::services::incidents::measures::{self, Identity, Measure, MeasureError};
use crate::services::{Actor, staff};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::measures::{self as view, AppealLine, Focus, MeasureLine, NoticeView, StepForm};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;
use std::collections::HashMap;
use time_tz::OffsetDateTimeExt;

impl From<MeasureError> for Error {
    fn from(e: MeasureError) -> Self {
        match e {
            MeasureError::Database(e) => e.into(),
            MeasureError::SamePerson => Error::Forbidden,
            _ => Error::NotFound,
        }
    }
}

fn appeal_lines(
    appeals: &[measures::Appeal],
    names: &HashMap<i64, String>,
    may_decide: bool,
) -> Vec<AppealLine> {
    appeals
        .iter()
        .map(|a| AppealLine {
            id: a.id,
            body: a.body.clone(),
            received_at: a.received_at,
            decided: match (a.outcome, &a.reply, a.decided_by, a.decided_at) {
                (Some(outcome), Some(reply), Some(by), Some(at)) => Some((
                    outcome,
                    reply.clone(),
                    names.get(&by).cloned().unwrap_or_default(),
                    at,
                )),
                _ => None,
            },
            viewer_may_decide: may_decide,
        })
        .collect()
}

/// The measures section of an incident's page, for the viewing supervisor.
pub async fn section(
    act: &StaffAct,
    incident: &Incident,
    typed: &Typed,
    errors: &Errors,
) -> Result<Markup> {
    let db = &act.state.db;
    let now = act.state.now();
    let me = act.staff.id;
    let names = staff::display_names(db).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let mut lines = Vec::new();
    for m in measures::for_incident(db, incident.id).await? {
        let took_part = m.proposed_by == me || m.decided_by == Some(me);
        lines.push(MeasureLine {
            id: m.id,
            reference: m.reference.clone(),
            kind: m.kind,
            status: m.status,
            in_force: measures::in_force_at(&m, now),
            terms: measures::terms(&m),
            reason: m.reason.clone(),
            proposed: (name(m.proposed_by), m.proposed_at),
            decided: match (m.decided_by, m.decided_at) {
                (Some(by), Some(at)) if m.kind == MeasureKind::Suspension => Some((name(by), at)),
                _ => None,
            },
            lifted: match (m.lifted_by, m.lifted_at, &m.lift_reason) {
                (Some(by), Some(at), Some(why)) => Some((name(by), at, why.clone())),
                _ => None,
            },
            has_email: m.email.is_some(),
            viewer_proposed: m.proposed_by == me,
            appeals: appeal_lines(&measures::appeals(db, m.id).await?, &names, !took_part),
        });
    }
    let can_attach = incident.customer_email.is_some()
        || incident.member_number.is_some()
        || incident.proxy_account_id.is_some()
        || incident.proxy_registration_id.is_some();
    let mut measure = typed.measure.clone();
    if measure.letter_lang.is_empty() {
        measure.letter_lang = crate::domain::Lang::default().code().to_owned();
    }
    Ok(view::section(
        &act.ctx,
        incident.id,
        &lines,
        can_attach,
        &measure,
        &typed.step,
        errors,
        typed.focus,
    ))
}

fn to_incident(incident_id: i64, done: &str) -> Response {
    see_other(&format!(
        "{}?done={done}#measures",
        paths::staff::incident(incident_id)
    ))
}

/// Takes a measure about an incident. A refused form comes back with what was typed.
pub async fn take(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<MeasureForm>,
) -> Result<Response> {
    let id = id_of(&id)?;
    let today = act
        .state
        .now()
        .to_timezone(act.state.config.timezone)
        .date();
    let refused = |errors: Errors, form: MeasureForm| {
        let act = &act;
        async move {
            let typed = Typed {
                measure: form,
                ..Typed::default()
            };
            Ok::<_, Error>(rejected(detail_page(act, id, &typed, &errors, None).await?))
        }
    };
    let new = match form.check(today) {
        Ok(new) => new,
        Err(refusals) => return refused(refusals.into(), form).await,
    };
    match measures::take(&act.uc(), act.staff.id, id, &new).await {
        Ok(m) if m.status == MeasureStatus::Proposed => Ok(to_incident(id, "proposed")),
        Ok(_) => Ok(to_incident(id, "measure")),
        Err(MeasureError::NoIdentity) => {
            let mut errors = Errors::new();
            errors.add("measure_kind", "error.measure_kind.no_identity");
            refused(errors, form).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn decide(act: StaffAct, raw: &str, approve: bool) -> Result<Response> {
    let id = id_of(raw)?;
    match measures::decide(&act.uc(), act.staff.id, id, approve).await {
        Ok(m) => Ok(to_incident(
            m.incident_id,
            if approve { "approved" } else { "declined" },
        )),
        Err(MeasureError::Moved) => {
            let m = measure(&act.state, id).await?;
            Ok(to_incident(m.incident_id, "moved"))
        }
        Err(e) => Err(e.into()),
    }
}

async fn measure(state: &AppState, id: i64) -> Result<Measure> {
    use sea_orm::EntityTrait;
    crate::entities::measure::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound)
}

/// A second person approves a proposed suspension.
pub async fn approve(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    decide(act, &id, true).await
}

/// A second person declines a proposed suspension.
pub async fn decline(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    decide(act, &id, false).await
}

/// The incident's page again after a refused lifting or decision, with what was typed in
/// the form that was refused.
async fn refused_step(
    act: &StaffAct,
    incident_id: i64,
    form: StepForm,
    focus: Focus,
    errors: &Errors,
) -> Result<Response> {
    let typed = Typed {
        step: form,
        focus: Some(focus),
        ..Typed::default()
    };
    Ok(rejected(
        detail_page(act, incident_id, &typed, errors, None).await?,
    ))
}

/// Lifts a measure early, with the reason written to the person.
pub async fn lift(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response> {
    let id = id_of(&id)?;
    let m = measure(&act.state, id).await?;
    let why = match rules::reason(&form.answer) {
        Ok(why) => why,
        Err(invalid) => {
            let mut errors = Errors::new();
            errors.invalid("answer", invalid);
            return refused_step(&act, m.incident_id, form, Focus::Lift(id), &errors).await;
        }
    };
    match measures::lift(&act.uc(), act.staff.id, id, &why).await {
        Ok(_) => Ok(to_incident(m.incident_id, "lifted")),
        Err(MeasureError::Moved) => Ok(to_incident(m.incident_id, "moved")),
        Err(e) => Err(e.into()),
    }
}

/// A supervisor who took no part in the measure decides an appeal.
pub async fn decide_appeal(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response> {
    use sea_orm::EntityTrait;
    let id = id_of(&id)?;
    let appeal = crate::entities::measure_appeal::Entity::find_by_id(id)
        .one(&act.state.db)
        .await?
        .ok_or(Error::NotFound)?;
    let m = measure(&act.state, appeal.measure_id).await?;
    let mut errors = Errors::new();
    let outcome = AppealOutcome::parse(&form.outcome);
    if outcome.is_none() {
        errors.invalid(
            "outcome",
            crate::domain::journey::refused_choice(&form.outcome),
        );
    }
    let reply = errors.check("answer", rules::reason(&form.answer));
    let (Some(outcome), Some(reply)) = (outcome, reply) else {
        return refused_step(&act, m.incident_id, form, Focus::Appeal(id), &errors).await;
    };
    match measures::decide_appeal(&act.uc(), act.staff.id, id, outcome, &reply).await {
        Ok(_) => Ok(to_incident(m.incident_id, "appeal")),
        Err(MeasureError::Moved) => Ok(to_incident(m.incident_id, "moved")),
        Err(e) => Err(e.into()),
    }
}

/// Suspensions waiting for a second person and appeals waiting for a decision, as lines
/// for the incidents list, each with its incident's page.
pub async fn waiting(state: &AppState, ctx: &PageContext) -> Result<Vec<(String, String)>> {
    let mut lines = Vec::new();
    for m in measures::waiting_approval(&state.db).await? {
        lines.push((
            ctx.tf("measure.waiting.approval", &[("reference", &m.reference)]),
            paths::staff::incident(m.incident_id),
        ));
    }
    for (_, m) in measures::waiting_appeals(&state.db).await? {
        lines.push((
            ctx.tf("measure.waiting.appeal", &[("reference", &m.reference)]),
            paths::staff::incident(m.incident_id),
        ));
    }
    Ok(lines)
}

/// What the appeal form sends.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppealForm {
    appeal: String,
}

/// `?sent=1` after an appeal.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SentQuery {
    sent: String,
}

async fn notice_page(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    m: &Measure,
    typed: &str,
    errors: &Errors,
    sent: bool,
) -> Result<Markup> {
    let now = state.now();
    let appeals = measures::appeals(&state.db, m.id).await?;
    let lines = appeal_lines(&appeals, &HashMap::new(), false);
    let in_force = measures::in_force_at(m, now);
    let waiting = appeals.iter().any(|a| a.decided_at.is_none());
    let may_appeal = !waiting
        && matches!(m.status, MeasureStatus::Active | MeasureStatus::Proposed)
        && m.ends_at > now;
    let action = paths::public::notice_appeal(token);
    Ok(view::notice(
        ctx,
        &NoticeView {
            reference: &m.reference,
            kind: m.kind,
            status: m.status,
            in_force,
            terms: measures::terms(m),
            reason: &m.reason,
            lifted: match (m.lifted_at, &m.lift_reason) {
                (Some(at), Some(why)) => Some((at, why.as_str())),
                _ => None,
            },
            appeals: &lines,
            may_appeal,
            appeal_action: &action,
            typed,
            notice: sent.then(|| ctx.t("notice.appeal_sent")),
        },
        errors,
    ))
}

/// The person's notice, by the link in a letter.
pub async fn notice(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    super::forms::Query(sent): super::forms::Query<SentQuery>,
) -> Result<Markup> {
    let m = measures::by_link(&state.db, &token)
        .await?
        .ok_or(Error::NotFound)?;
    notice_page(
        &state,
        &ctx,
        &token,
        &m,
        "",
        &Errors::new(),
        sent.sent == "1",
    )
    .await
}

/// The person appeals from their notice. A refused appeal comes back with what was typed.
pub async fn appeal(
    State(state): State<AppState>,
    ctx: PageContext,
    super::context::ClientIp(ip): super::context::ClientIp,
    Path(token): Path<String>,
    Form(form): Form<AppealForm>,
) -> Result<Response> {
    let m = measures::by_link(&state.db, &token)
        .await?
        .ok_or(Error::NotFound)?;
    let refused = |errors: Errors| {
        let (state, ctx, token, m, typed) = (&state, &ctx, &token, &m, &form.appeal);
        async move {
            Ok::<_, Error>(rejected(
                notice_page(state, ctx, token, m, typed, &errors, false).await?,
            ))
        }
    };
    let body = match rules::appeal(&form.appeal) {
        Ok(body) => body,
        Err(invalid) => {
            let mut errors = Errors::new();
            errors.invalid("appeal", invalid);
            return refused(errors).await;
        }
    };
    let actor = Actor::visitor(ip);
    match measures::appeal(&state.act(&actor), &m, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "{}?sent=1#{}",
            paths::public::notice(&token),
            view::APPEAL_SECTION
        ))),
        Err(MeasureError::AppealWaiting | MeasureError::Moved) => {
            let mut errors = Errors::new();
            errors.add("appeal", "error.appeal.closed");
            refused(errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether a new request about `topic`, answered by `channel`, is held for `who` now.
pub async fn request_held(
    state: &AppState,
    who: &Identity,
    topic: Topic,
    channel: ReplyChannel,
) -> Result<(Option<Held>, Vec<Measure>)> {
    let now = state.now();
    let found = measures::in_force(&state.db, now, who).await?;
    if found.is_empty() {
        return Ok((None, found));
    }
    let this_week = measures::requests_this_week(&state.db, now, who).await?;
    let terms: Vec<_> = found.iter().map(measures::terms).collect();
    Ok((
        rules::request_held(&terms, topic, channel, this_week),
        found,
    ))
}

/// Whether a new session about `topic` is held for `who` now. A session booked from a
/// request a supervisor handles is the approval the limit asks for.
pub async fn booking_held(
    state: &AppState,
    who: &Identity,
    topic: Topic,
    approved_by_supervisor: bool,
) -> Result<Option<Held>> {
    let found = measures::in_force(&state.db, state.now(), who).await?;
    let terms: Vec<_> = found.iter().map(measures::terms).collect();
    Ok(match rules::booking_held(&terms, topic) {
        Some(Held::NeedsApproval { .. }) if approved_by_supervisor => None,
        held => held,
    })
}

/// The calm page met instead of going on.
pub fn held_page(
    ctx: &PageContext,
    held: Held,
    change_topic: &str,
    change_reply: Option<&str>,
) -> Response {
    view::held(ctx, held, change_topic, change_reply).into_response()
}
