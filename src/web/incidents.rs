//! Staff handlers for customer-harassment incidents: reporting one (from a request, a
//! session, a proxy registration, a call for support, or on its own), a reporter's own
//! reports, "I need support", and the supervisors' list and incident page, every read of
//! which is audited.

use super::AppState;
use super::context::StaffAct;
use super::forms::{DoneQuery, Form, Query, rejected, see_other};
use crate::domain::incident::{AdditionKind, IncidentStatus, ReportForm, addition_body};
use crate::domain::measure::MeasureForm;
use crate::domain::schedule::SessionMode;
use crate::domain::schedule::hhmm;
use crate::domain::{Invalid, Permission};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::accounts::SignedInStaff;
use crate::services::incidents::read::{self, Full, ListFilter};
use crate::services::incidents::support::{self, Place};
use crate::services::incidents::{self, Incident, IncidentError, Origin, Start};
use crate::services::{booking, proxies, requests, staff};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::incidents::{
    self as view, AdditionForm, AdditionLine, CallLine, DetailView, DraftLine, HistoryView,
    IncidentFacts, IncidentRow, ListQuery, ListView, QuoteChoice, QuoteLine, ReportPage,
};
use crate::views::measures::StepForm;
use axum::extract::Path;
use axum::response::Response;
use maud::Markup;
use serde::Deserialize;
use std::collections::HashMap;
use time_tz::OffsetDateTimeExt;

impl From<IncidentError> for Error {
    fn from(e: IncidentError) -> Self {
        match e {
            IncidentError::Database(e) => e.into(),
            _ => Error::NotFound,
        }
    }
}

/// Where a report starts, as the address says.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StartQuery {
    request: String,
    session: String,
    registration: String,
    call: String,
}

impl StartQuery {
    fn start(&self) -> Result<Start> {
        let id = |raw: &str| raw.parse::<i64>().ok().filter(|id| *id > 0);
        let given = [
            (&self.request, Start::Request as fn(i64) -> Start),
            (&self.session, Start::Session),
            (&self.registration, Start::Registration),
            (&self.call, Start::Call),
        ];
        let mut start = Start::Alone;
        for (raw, make) in given {
            if raw.is_empty() {
                continue;
            }
            // One start at a time, and a real one.
            match (start, id(raw)) {
                (Start::Alone, Some(id)) => start = make(id),
                _ => return Err(Error::NotFound),
            }
        }
        Ok(start)
    }

    fn action(&self) -> String {
        let pairs = [
            ("request", &self.request),
            ("session", &self.session),
            ("registration", &self.registration),
            ("call", &self.call),
        ];
        match pairs.iter().find(|(_, v)| !v.is_empty()) {
            Some((name, value)) => format!(
                "{}?{name}={}",
                paths::staff::INCIDENT_NEW,
                crate::views::layout::encode(value)
            ),
            None => paths::staff::INCIDENT_NEW.to_owned(),
        }
    }
}

/// Whether the staff member may report from `start`: they must be able to see it.
fn may_start_from(staff: &SignedInStaff, origin: &Origin, start: Start) -> bool {
    match start {
        Start::Alone | Start::Call(_) => true,
        Start::Request(_) => staff.role.may(Permission::HandleRequests),
        Start::Session(_) => {
            staff.role.may(Permission::ManageSchedule)
                || origin
                    .session
                    .as_ref()
                    .is_some_and(|b| b.interpreter_id == staff.id)
        }
        Start::Registration(_) => staff.role.may(Permission::VerifyProxies),
    }
}

/// The origin of a report, refused when the staff member may not see it.
async fn origin_for(act: &StaffAct, start: Start) -> Result<Origin> {
    let origin = incidents::origin(&act.state.db, start, act.staff.id).await?;
    if !may_start_from(&act.staff, &origin, start) {
        return Err(Error::Forbidden);
    }
    Ok(origin)
}

/// A label and staff page for what a report came from.
fn origin_label(ctx: &PageContext, origin: &Origin) -> Option<(String, String)> {
    if let Some(r) = &origin.request {
        return Some((
            ctx.tf("incident.origin.request", &[("reference", &r.reference)]),
            paths::staff::request(r.id),
        ));
    }
    if let Some(b) = &origin.session {
        return Some((
            ctx.tf("incident.origin.session", &[("reference", &b.reference)]),
            paths::staff::session(b.id),
        ));
    }
    origin.registration.as_ref().map(|r| {
        (
            ctx.tf(
                "incident.origin.registration",
                &[("reference", &r.reference)],
            ),
            paths::staff::proxy(r.id),
        )
    })
}

/// The form as first shown: now, the channel the origin says, the reporter affected.
fn first_answers(state: &AppState, origin: &Origin, reporter: i64) -> ReportForm {
    let now = state.now().to_timezone(state.config.timezone);
    use crate::domain::incident::Channel;
    let channel = if let Some(b) = &origin.session {
        match b.mode {
            SessionMode::WrittenChat => Channel::WrittenChat,
            SessionMode::SignLanguageVideo => Channel::SignLanguage,
        }
    } else if origin.request.is_some() {
        Channel::Request
    } else if origin.registration.is_some() {
        Channel::Proxy
    } else {
        Channel::Other
    };
    ReportForm {
        occurred_year: now.year().to_string(),
        occurred_month: u8::from(now.month()).to_string(),
        occurred_day: now.day().to_string(),
        occurred_time: hhmm(now.time()),
        channel: if origin.facts().names_customer {
            channel.as_str().to_owned()
        } else {
            String::new()
        },
        affected: vec![reporter.to_string()],
        ..ReportForm::default()
    }
}

/// Every staff member, active first, by display name: those a report may name.
async fn staff_choices(state: &AppState) -> Result<Vec<(i64, String)>> {
    let mut all: Vec<_> = staff::list(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| (s.id, s.display_name))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(all)
}

async fn report_page(
    act: &StaffAct,
    query: &StartQuery,
    origin: &Origin,
    typed: &ReportForm,
    errors: &Errors,
    called: bool,
) -> Result<Markup> {
    let ctx = &act.ctx;
    let customer = origin.customer_name();
    let quotable: Vec<QuoteChoice> = origin
        .messages
        .iter()
        .map(|m| QuoteChoice {
            id: m.id,
            author: crate::services::chat::shown_author(ctx.lang, m, customer.unwrap_or_default()),
            at: m.created_at,
            body: m.body.clone(),
        })
        .collect();
    let staff = staff_choices(&act.state).await?;
    let action = query.action();
    Ok(view::report_form(
        ctx,
        &ReportPage {
            action: &action,
            origin: origin_label(ctx, origin),
            customer,
            proxy: origin
                .registration
                .as_ref()
                .map(|r| r.proxy_full_name.as_str()),
            quotable: &quotable,
            staff: &staff,
            typed,
            called,
        },
        errors,
    ))
}

/// `?called=1` after "I need support".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CalledQuery {
    called: String,
}

/// The report form.
pub async fn new_form(
    act: StaffAct,
    Query(query): Query<StartQuery>,
    Query(called): Query<CalledQuery>,
) -> Result<Markup> {
    let start = query.start()?;
    let origin = origin_for(&act, start).await?;
    let typed = first_answers(&act.state, &origin, act.staff.id);
    report_page(
        &act,
        &query,
        &origin,
        &typed,
        &Errors::new(),
        called.called == "1",
    )
    .await
}

/// Sends a report. A refused one comes back with everything typed and each reason.
pub async fn submit(
    act: StaffAct,
    Query(query): Query<StartQuery>,
    Form(form): Form<ReportForm>,
) -> Result<Response> {
    let start = query.start()?;
    let origin = origin_for(&act, start).await?;
    let today = act
        .state
        .now()
        .to_timezone(act.state.config.timezone)
        .date();
    let errors: Errors = match form.check(today, origin.facts()) {
        Err(refusals) => refusals.into(),
        Ok(report) => match incidents::report(&act.uc(), act.staff.id, &origin, &report).await {
            Ok(incident) => {
                return Ok(see_other(&format!(
                    "{}?done=reported",
                    paths::staff::incident_mine(incident.id)
                )));
            }
            Err(IncidentError::UnknownStaff) => vec![("affected", Invalid::NotAChoice)].into(),
            Err(IncidentError::UnknownQuote) => vec![("quotes", Invalid::NotAChoice)].into(),
            Err(e) => return Err(e.into()),
        },
    };
    Ok(rejected(
        report_page(&act, &query, &origin, &form, &errors, false).await?,
    ))
}

/// What the staff pages show of an incident.
async fn facts(state: &AppState, ctx: &PageContext, full: &Full) -> Result<IncidentFacts> {
    let names = staff::display_names(&state.db).await?;
    let i = &full.incident;
    let registration = match i.proxy_registration_id {
        Some(id) => proxies::get(&state.db, id).await?,
        None => None,
    };
    let origin = if let Some(id) = i.request_id {
        requests::get(&state.db, id).await?.map(|r| {
            (
                ctx.tf("incident.origin.request", &[("reference", &r.reference)]),
                paths::staff::request(r.id),
            )
        })
    } else if let Some(id) = i.booking_id {
        booking::get(&state.db, id).await?.map(|b| {
            (
                ctx.tf("incident.origin.session", &[("reference", &b.reference)]),
                paths::staff::session(b.id),
            )
        })
    } else {
        registration.as_ref().map(|r| {
            (
                ctx.tf(
                    "incident.origin.registration",
                    &[("reference", &r.reference)],
                ),
                paths::staff::proxy(r.id),
            )
        })
    };
    Ok(IncidentFacts {
        id: i.id,
        reference: i.reference.clone(),
        status: i.status,
        reported_by: names.get(&i.reported_by).cloned().unwrap_or_default(),
        reported_at: i.reported_at,
        occurred_at: i.occurred_at,
        channel: i.channel,
        category: i.category,
        account: i.account.clone(),
        demand: i.demand,
        manner: i.manner,
        done_then: i.done_then.clone(),
        subject: i.subject,
        customer_name: i.customer_name.clone(),
        customer_email: i.customer_email.clone(),
        member_number: i.member_number.clone(),
        proxy_name: registration.map(|r| r.proxy_full_name),
        origin,
        affected: full
            .affected
            .iter()
            .map(|id| names.get(id).cloned().unwrap_or_default())
            .collect(),
    })
}

fn quote_lines(full: &Full) -> Vec<QuoteLine> {
    full.quotes
        .iter()
        .map(|q| QuoteLine {
            author: q.author.clone(),
            at: q.sent_at,
            body: q.body.clone(),
        })
        .collect()
}

fn addition_lines(
    full: &Full,
    names: &HashMap<i64, String>,
    shown: impl Fn(&incidents::Addition) -> bool,
) -> Vec<AdditionLine> {
    full.additions
        .iter()
        .filter(|a| shown(a))
        .map(|a| AdditionLine {
            kind: a.kind,
            author: names.get(&a.author_id).cloned().unwrap_or_default(),
            at: a.created_at,
            body: a.body.clone(),
        })
        .collect()
}

fn row(i: &Incident) -> IncidentRow {
    IncidentRow {
        id: i.id,
        reference: i.reference.clone(),
        reported_at: i.reported_at,
        category: i.category,
        status: i.status,
        customer: i.customer_name.clone(),
        channel: i.channel,
    }
}

/// Where a call for support was made, in words, and its staff page.
async fn call_place(
    state: &AppState,
    ctx: &PageContext,
    call: &support::Call,
) -> Result<(String, String)> {
    let place = support::place(call);
    let label = match place {
        Some(Place::Request(id)) => requests::get(&state.db, id)
            .await?
            .map(|r| ctx.tf("incident.origin.request", &[("reference", &r.reference)])),
        Some(Place::Session(id)) => booking::get(&state.db, id)
            .await?
            .map(|b| ctx.tf("incident.origin.session", &[("reference", &b.reference)])),
        None => None,
    };
    Ok((
        label.unwrap_or_default(),
        place.map(Place::page).unwrap_or_default(),
    ))
}

/// The calls for support no supervisor has taken yet, for the banner.
pub async fn waiting_calls(state: &AppState, ctx: &PageContext) -> Result<Vec<CallLine>> {
    let names = staff::display_names(&state.db).await?;
    let mut lines = Vec::new();
    for call in support::waiting(&state.db).await? {
        let (place, link) = call_place(state, ctx, &call).await?;
        lines.push(CallLine {
            id: call.id,
            by: names.get(&call.staff_user_id).cloned().unwrap_or_default(),
            place,
            link,
            at: call.raised_at,
        });
    }
    Ok(lines)
}

/// The notices of the incident pages, after each form.
pub const NOTICES: &[(&str, &str)] = &[
    ("reported", "incident.done.reported"),
    ("measure", "measure.done.taken"),
    ("proposed", "measure.done.proposed"),
    ("approved", "measure.done.approved"),
    ("declined", "measure.done.declined"),
    ("lifted", "measure.done.lifted"),
    ("appeal", "measure.done.appeal"),
    ("moved", "measure.done.moved"),
    ("added", "incident.done.added"),
    ("status", "incident.done.status"),
];

/// A staff member's own reports, and the calls for support still waiting for one.
pub async fn mine(act: StaffAct, Query(done): Query<DoneQuery>) -> Result<Markup> {
    let ctx = &act.ctx;
    let rows: Vec<IncidentRow> = read::mine(&act.state.db, act.staff.id)
        .await?
        .iter()
        .map(row)
        .collect();
    let mut drafts = Vec::new();
    for call in support::unreported(&act.state.db, act.staff.id).await? {
        let (place, _) = call_place(&act.state, ctx, &call).await?;
        drafts.push(DraftLine {
            link: format!("{}?call={}", paths::staff::INCIDENT_NEW, call.id),
            place,
            at: call.raised_at,
        });
    }
    Ok(view::mine(ctx, &rows, &drafts, done.notice(ctx, NOTICES)))
}

async fn own_page(
    act: &StaffAct,
    id: i64,
    typed: &AdditionForm,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let full = read::own(&act.state.db, act.staff.id, id).await?;
    let names = staff::display_names(&act.state.db).await?;
    let facts = facts(&act.state, &act.ctx, &full).await?;
    // The reporter reads what they added, where it stands and the follow-up offered;
    // supervisors' own notes stay with supervisors.
    let me = act.staff.id;
    let additions = addition_lines(&full, &names, |a| {
        a.kind != AdditionKind::Note || a.author_id == me
    });
    Ok(view::own(
        &act.ctx,
        &facts,
        &quote_lines(&full),
        &additions,
        typed,
        errors,
        notice,
    ))
}

pub(super) fn id_of(raw: &str) -> Result<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(Error::NotFound)
}

/// One of a staff member's own reports.
pub async fn own(
    act: StaffAct,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Markup> {
    let notice = done.notice(&act.ctx, NOTICES);
    own_page(
        &act,
        id_of(&id)?,
        &AdditionForm::default(),
        &Errors::new(),
        notice,
    )
    .await
}

/// The reporter adds to their own report.
pub async fn own_add(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<AdditionForm>,
) -> Result<Response> {
    let id = id_of(&id)?;
    read::own(&act.state.db, act.staff.id, id).await?;
    let body = match addition_body(&form.body) {
        Ok(body) => body,
        Err(why) => {
            let mut errors = Errors::new();
            errors.invalid("addition", why);
            return Ok(rejected(own_page(&act, id, &form, &errors, None).await?));
        }
    };
    incidents::add(&act.uc(), act.staff.id, id, AdditionKind::Note, &body).await?;
    Ok(see_other(&format!(
        "{}?done=added#additions",
        paths::staff::incident_mine(id)
    )))
}

/// The supervisors' list.
pub async fn list(act: StaffAct, Query(query): Query<ListQuery>) -> Result<Markup> {
    let ctx = &act.ctx;
    let filter = ListFilter {
        status: IncidentStatus::parse(&query.status),
        category: crate::domain::incident::Category::parse(&query.category),
    };
    let (found, total) = read::list(&act.state.db, &filter).await?;
    let rows: Vec<IncidentRow> = found.iter().map(row).collect();
    let counts = read::counts(&act.state.db).await?;
    let calls = waiting_calls(&act.state, ctx).await?;
    let waiting = super::measures::waiting(&act.state, ctx).await?;
    let notice = DoneQuery {
        done: query.done.clone(),
    };
    Ok(view::list(
        ctx,
        &ListView {
            query: &query,
            rows: &rows,
            total,
            counts: &counts,
            calls: &calls,
            waiting: &waiting,
            notice: notice.notice(ctx, NOTICES),
        },
    ))
}

/// What the incident page's forms typed, kept when one of them is refused.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// A note or follow-up, or the new status.
    pub addition: AdditionForm,
    /// A measure being taken.
    pub measure: MeasureForm,
    /// A lifting or an appeal's answer.
    pub step: StepForm,
    /// The measure or appeal whose form it was.
    pub focus: Option<crate::views::measures::Focus>,
}

impl Typed {
    fn addition(form: AdditionForm) -> Self {
        Typed {
            addition: form,
            ..Typed::default()
        }
    }
}

/// An incident's page for supervisors, with what a refused form typed.
pub async fn detail_page(
    act: &StaffAct,
    id: i64,
    typed: &Typed,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let ctx = &act.ctx;
    let full = read::for_supervisor(&act.uc(), id).await?;
    let names = staff::display_names(&act.state.db).await?;
    let facts = facts(&act.state, ctx, &full).await?;
    let found = read::history(&act.state.db, &full.incident).await?;
    let history = HistoryView {
        requests: found
            .requests
            .iter()
            .map(|r| {
                (
                    ctx.tf(
                        "incident.history.request",
                        &[
                            ("reference", &r.reference),
                            ("time", &ctx.datetime(r.created_at)),
                        ],
                    ),
                    paths::staff::request(r.id),
                )
            })
            .collect(),
        sessions: found
            .sessions
            .iter()
            .map(|b| {
                (
                    ctx.tf(
                        "incident.history.session",
                        &[
                            ("reference", &b.reference),
                            ("time", &ctx.datetime(b.starts_at)),
                        ],
                    ),
                    paths::staff::session(b.id),
                )
            })
            .collect(),
        incidents: found
            .incidents
            .iter()
            .map(|i| {
                (
                    ctx.tf(
                        "incident.history.incident",
                        &[
                            ("reference", &i.reference),
                            ("category", &view::category_name(ctx, i.category)),
                        ],
                    ),
                    paths::staff::incident(i.id),
                )
            })
            .collect(),
    };
    let followed_up = full
        .additions
        .iter()
        .any(|a| a.kind == AdditionKind::FollowUp);
    let measures = super::measures::section(act, &full.incident, typed, errors).await?;
    Ok(view::detail(
        ctx,
        &DetailView {
            facts: &facts,
            quotes: &quote_lines(&full),
            additions: &addition_lines(&full, &names, |_| true),
            history: &history,
            followed_up,
            notice,
            measures,
        },
        &typed.addition,
        errors,
    ))
}

/// One incident, for supervisors and admins. The read is audited.
pub async fn detail(
    act: StaffAct,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Markup> {
    let notice = done.notice(&act.ctx, NOTICES);
    detail_page(&act, id_of(&id)?, &Typed::default(), &Errors::new(), notice).await
}

/// A supervisor adds a note or the follow-up offered.
pub async fn add(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<AdditionForm>,
) -> Result<Response> {
    let id = id_of(&id)?;
    let mut errors = Errors::new();
    let kind = match AdditionKind::parse(&form.kind) {
        Some(kind @ (AdditionKind::Note | AdditionKind::FollowUp)) => Some(kind),
        _ => {
            errors.invalid(
                "addition_kind",
                crate::domain::journey::refused_choice(&form.kind),
            );
            None
        }
    };
    let body = errors.check("addition", addition_body(&form.body));
    let (Some(kind), Some(body)) = (kind, body) else {
        return Ok(rejected(
            detail_page(&act, id, &Typed::addition(form), &errors, None).await?,
        ));
    };
    incidents::add(&act.uc(), act.staff.id, id, kind, &body).await?;
    Ok(see_other(&format!(
        "{}?done=added#additions",
        paths::staff::incident(id)
    )))
}

/// A supervisor moves an incident on. Closing waits for the follow-up to be recorded.
pub async fn set_status(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<AdditionForm>,
) -> Result<Response> {
    let id = id_of(&id)?;
    let Some(status) = IncidentStatus::parse(&form.status) else {
        let mut errors = Errors::new();
        errors.invalid(
            "status",
            crate::domain::journey::refused_choice(&form.status),
        );
        return Ok(rejected(
            detail_page(&act, id, &Typed::addition(form), &errors, None).await?,
        ));
    };
    match incidents::set_status(&act.uc(), act.staff.id, id, status).await {
        Ok(()) | Err(IncidentError::NoChange) => Ok(see_other(&format!(
            "{}?done=status",
            paths::staff::incident(id)
        ))),
        Err(IncidentError::NoFollowUp) => {
            let mut errors = Errors::new();
            errors.add("status", "error.status.no_follow_up");
            Ok(rejected(
                detail_page(&act, id, &Typed::addition(form), &errors, None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// "I need support" on a request: the supervisors are called, and the report form opens
/// from the call.
pub async fn call_from_request(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let id = id_of(&id)?;
    requests::get(&act.state.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    called(&act, Place::Request(id)).await
}

/// "I need support" in a written-chat room.
pub async fn call_from_session(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let b = super::chat::staff_session(&act.state, &act.staff, &id).await?;
    called(&act, Place::Session(b.id)).await
}

async fn called(act: &StaffAct, place: Place) -> Result<Response> {
    let call = support::call(&act.uc(), act.staff.id, place).await?;
    Ok(see_other(&format!(
        "{}?call={}&called=1",
        paths::staff::INCIDENT_NEW,
        call.id
    )))
}

/// A supervisor takes a call for support, and goes to where it was made.
pub async fn take_call(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let call = support::take(&act.uc(), act.staff.id, id_of(&id)?).await?;
    let page = support::place(&call)
        .map(Place::page)
        .unwrap_or_else(|| paths::staff::INCIDENTS.to_owned());
    Ok(see_other(&page))
}
