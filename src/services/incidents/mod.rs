//! Customer-harassment incidents: a staff member's report, kept unchanged once made; what
//! supervisors add to it later; and the customer's history around it. Reports start from a
//! request, a session (quoting its chat word for word), a proxy registration, a call for
//! support, or nothing at all.
//!
//! [`support`] holds the calls for a supervisor's support; [`read`] what supervisors and
//! reporters read; [`retention`] the deletion of closed incidents once their time is up;
//! [`signals`] the list of repeated contact for supervisors to look at.

pub mod measures;
pub mod read;
pub mod reports;
pub mod retention;
pub mod signals;
pub mod support;

use super::UseCase;
use super::audit::{self, Target};
use crate::config::Config;
use crate::db::take_turn;
use crate::domain::incident::{AdditionKind, IncidentStatus, Report};
use crate::domain::schedule::local_instant;
use crate::domain::{AuditAction, Email, Reference, Role};
use crate::entities::{
    incident, incident_addition, incident_quote, incident_staff, staff_user, support_call,
};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::{booking, chat, proxies, requests};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use time::OffsetDateTime;

/// One incident as stored.
pub type Incident = incident::Model;
/// One addition to an incident.
pub type Addition = incident_addition::Model;
/// One quoted chat message.
pub type Quote = incident_quote::Model;

/// Where a report starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Nothing: the reporter names the customer.
    Alone,
    /// A support request.
    Request(i64),
    /// A booked session.
    Session(i64),
    /// A proxy registration.
    Registration(i64),
    /// A call for support the reporter made.
    Call(i64),
}

/// What a report's start says about the customer, read before the form is shown and again
/// when it is sent.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The request it happened in.
    pub request: Option<requests::Request>,
    /// The session it happened in.
    pub session: Option<booking::Booking>,
    /// The registration it happened around, or the one the request or session was made
    /// under.
    pub registration: Option<proxies::Registration>,
    /// The call for support it starts from.
    pub call: Option<support_call::Model>,
    /// The session's chat messages, which the report may quote.
    pub messages: Vec<chat::Message>,
}

impl Origin {
    /// The customer's name, as the origin gives it.
    pub fn customer_name(&self) -> Option<&str> {
        if let Some(r) = &self.request {
            return Some(&r.customer_name);
        }
        if let Some(b) = &self.session {
            return Some(&b.customer_name);
        }
        self.registration
            .as_ref()
            .map(|r| r.principal_full_name.as_str())
    }

    /// What the domain's check needs to know of the origin.
    pub fn facts(&self) -> crate::domain::incident::Origin {
        crate::domain::incident::Origin {
            names_customer: self.request.is_some()
                || self.session.is_some()
                || self.registration.is_some(),
            proxy_involved: self.registration.is_some(),
        }
    }

    /// The customer's email address and member number, as the origin gives them.
    fn identity(&self) -> (Option<String>, Option<String>) {
        if let Some(r) = &self.request {
            return (r.email.clone(), r.member_number.clone());
        }
        if let Some(b) = &self.session {
            return (Some(b.email.clone()), b.member_number.clone());
        }
        match &self.registration {
            Some(reg) => (
                reg.principal_email.clone(),
                reg.principal_member_number.clone(),
            ),
            None => (None, None),
        }
    }
}

/// Why a report or an addition was refused.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    /// No such incident, origin or call (or not the reporter's own).
    #[error("not found")]
    NotFound,
    /// A staff member named as affected does not exist.
    #[error("no such staff member")]
    UnknownStaff,
    /// A quoted message is not in the session's chat.
    #[error("no such message in the session's chat")]
    UnknownQuote,
    /// An incident cannot be closed before the follow-up offered to the staff affected is
    /// recorded.
    #[error("no follow-up recorded")]
    NoFollowUp,
    /// The change would leave the status as it is.
    #[error("no change")]
    NoChange,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Reads what a report's start says. A start that names nothing that exists is not found.
pub async fn origin<C: ConnectionTrait>(
    conn: &C,
    start: Start,
    reporter: i64,
) -> Result<Origin, IncidentError> {
    let mut origin = Origin::default();
    let (request_id, booking_id, registration_id) = match start {
        Start::Alone => (None, None, None),
        Start::Request(id) => (Some(id), None, None),
        Start::Session(id) => (None, Some(id), None),
        Start::Registration(id) => (None, None, Some(id)),
        Start::Call(id) => {
            let call = support_call::Entity::find_by_id(id)
                .filter(support_call::Column::StaffUserId.eq(reporter))
                .filter(support_call::Column::IncidentId.is_null())
                .one(conn)
                .await?
                .ok_or(IncidentError::NotFound)?;
            let ids = (call.request_id, call.booking_id, None);
            origin.call = Some(call);
            ids
        }
    };
    if let Some(id) = request_id {
        let r = requests::get(conn, id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        origin.registration = match r.proxy_registration_id {
            Some(reg) => proxies::get(conn, reg).await?,
            None => None,
        };
        origin.request = Some(r);
    }
    if let Some(id) = booking_id {
        let b = booking::get(conn, id)
            .await?
            .ok_or(IncidentError::NotFound)?;
        origin.registration = match b.proxy_registration_id {
            Some(reg) => proxies::get(conn, reg).await?,
            None => None,
        };
        origin.messages = chat::messages(conn, b.id).await?;
        origin.session = Some(b);
    }
    if let Some(id) = registration_id {
        origin.registration = Some(
            proxies::get(conn, id)
                .await?
                .ok_or(IncidentError::NotFound)?,
        );
    }
    Ok(origin)
}

/// Records a report (already checked by [`crate::domain::incident::ReportForm::check`]) by
/// `reporter`, from `origin`, and tells the supervisors. Staff named as affected must exist,
/// and quotes must be messages of the origin's session; otherwise nothing is written.
pub async fn report(
    uc: &UseCase<'_>,
    reporter: i64,
    origin: &Origin,
    report: &Report,
) -> Result<Incident, IncidentError> {
    let txn = uc.begin().await?;
    let known = staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(report.affected.clone()))
        .all(&txn)
        .await?;
    if known.len() != report.affected.len() {
        return Err(IncidentError::UnknownStaff);
    }
    let quoted: Vec<&chat::Message> = report
        .quotes
        .iter()
        .map(|id| origin.messages.iter().find(|m| m.id == *id))
        .collect::<Option<_>>()
        .ok_or(IncidentError::UnknownQuote)?;
    let occurred_at =
        local_instant(report.occurred_on, report.occurred_at, uc.config.timezone).unwrap_or(uc.now);
    let (email, member_number) = match origin.facts().names_customer {
        true => origin.identity(),
        false => (
            report.typed.email.as_ref().map(|e| e.as_str().to_owned()),
            report.typed.member_number.clone(),
        ),
    };
    let customer_name = origin
        .customer_name()
        .map(str::to_owned)
        .or_else(|| report.typed.name.clone());
    let incident = incident::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('H').as_str().to_owned()),
        status: Set(IncidentStatus::Reported),
        reported_by: Set(reporter),
        reported_at: Set(uc.now),
        occurred_at: Set(occurred_at),
        channel: Set(report.channel),
        category: Set(report.category),
        account: Set(report.account.clone()),
        demand: Set(report.demand),
        manner: Set(report.manner),
        done_then: Set(report.done_then.clone()),
        subject: Set(report.subject),
        customer_name: Set(customer_name),
        customer_email: Set(email),
        member_number: Set(member_number),
        proxy_account_id: Set(origin
            .registration
            .as_ref()
            .and_then(|r| r.proxy_account_id)),
        request_id: Set(origin.request.as_ref().map(|r| r.id)),
        booking_id: Set(origin.session.as_ref().map(|b| b.id)),
        proxy_registration_id: Set(origin.registration.as_ref().map(|r| r.id)),
        updated_at: Set(uc.now),
        closed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    for staff_id in &report.affected {
        incident_staff::Entity::insert(incident_staff::ActiveModel {
            incident_id: Set(incident.id),
            staff_user_id: Set(*staff_id),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let customer = origin.customer_name().unwrap_or_default();
    for m in quoted {
        incident_quote::ActiveModel {
            id: NotSet,
            incident_id: Set(incident.id),
            chat_message_id: Set(Some(m.id)),
            author: Set(chat::shown_author(
                crate::domain::Lang::default(),
                m,
                customer,
            )),
            sent_at: Set(m.created_at),
            body: Set(m.body.clone()),
        }
        .insert(&txn)
        .await?;
    }
    if let Some(call) = &origin.call {
        support_call::Entity::update_many()
            .col_expr(support_call::Column::IncidentId, Expr::value(incident.id))
            .filter(support_call::Column::Id.eq(call.id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::IncidentReported,
        Some(Target::incident(incident.id)),
        serde_json::json!({
            "reference": incident.reference,
            "category": report.category.as_str(),
            "venue": report.channel.as_str(),
        }),
    )
    .await?;
    tell_supervisors(&txn, uc.now, uc.config, Notice::Reported(&incident)).await?;
    uc.commit(txn).await?;
    Ok(incident)
}

/// What supervisors are told of.
enum Notice<'a> {
    /// A new report.
    Reported(&'a Incident),
    /// A staff member's call for support, by their display name, at the page given.
    Called { by: &'a str, link: String },
    /// A suspension waiting for a second person's approval, on the incident's page: told to
    /// supervisors and admins, but not to whoever proposed it.
    Approval {
        reference: &'a str,
        link: String,
        except: Vec<i64>,
    },
    /// An appeal waiting for a decision, on the incident's page: told to supervisors, but
    /// not to those who took part in the measure.
    Appeal {
        reference: &'a str,
        link: String,
        except: Vec<i64>,
    },
}

/// Emails every active supervisor (or, with none, every active admin), each in their own
/// language.
async fn tell_supervisors<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    notice: Notice<'_>,
) -> Result<(), DbErr> {
    let mut to = active_in(conn, Role::Supervisor).await?;
    let except = match &notice {
        Notice::Approval { except, .. } | Notice::Appeal { except, .. } => except.as_slice(),
        _ => &[],
    };
    to.retain(|s| !except.contains(&s.id));
    // Admins may approve a suspension too, and stand in when no supervisor can be told.
    if to.is_empty() || matches!(notice, Notice::Approval { .. }) {
        let admins = active_in(conn, Role::Admin).await?;
        to.extend(admins.into_iter().filter(|s| !except.contains(&s.id)));
    }
    for staff in to {
        let Ok(recipient) = Email::parse(&staff.email) else {
            continue;
        };
        let way_back = crate::services::contact::staff_way_back(config);
        let (kind, which, fill, reference, link) = match &notice {
            Notice::Reported(i) => (
                "staff_incident_reported",
                "reported",
                vec![("reference", i.reference.as_str())],
                Some(i.reference.as_str()),
                paths::staff::incident(i.id),
            ),
            Notice::Called { by, link } => (
                "staff_support_called",
                "called",
                vec![("name", *by)],
                None,
                link.clone(),
            ),
            Notice::Approval {
                reference, link, ..
            } => (
                "staff_measure_approval",
                "approval",
                vec![("reference", *reference)],
                Some(*reference),
                link.clone(),
            ),
            Notice::Appeal {
                reference, link, ..
            } => (
                "staff_measure_appeal",
                "appeal",
                vec![("reference", *reference)],
                Some(*reference),
                link.clone(),
            ),
        };
        let message = templates::supervisor_notice(
            staff.lang,
            which,
            &staff.display_name,
            &fill,
            reference,
            &config.link(&link),
            way_back,
        );
        mail::enqueue_plain(
            conn,
            now,
            &config.base_url,
            kind,
            recipient,
            staff.lang,
            message,
        )
        .await?;
    }
    Ok(())
}

async fn active_in<C: ConnectionTrait>(
    conn: &C,
    role: Role,
) -> Result<Vec<staff_user::Model>, DbErr> {
    staff_user::Entity::find()
        .filter(staff_user::Column::Role.eq(role))
        .filter(staff_user::Column::Active.eq(true))
        .order_by_asc(staff_user::Column::Id)
        .all(conn)
        .await
}

/// What takes turns on an incident's additions and status, so that a close and a
/// follow-up at once are seen in one order.
fn incident_key(id: i64) -> String {
    format!("incident {id}")
}

/// Adds a note or a follow-up (already read by [`crate::domain::incident::addition_body`])
/// to an incident. The reporter may add to their own report; supervisors to any (the
/// handler decides who may).
pub async fn add(
    uc: &UseCase<'_>,
    author: i64,
    incident_id: i64,
    kind: AdditionKind,
    body: &str,
) -> Result<Addition, IncidentError> {
    let txn = uc.begin().await?;
    take_turn(&txn, &incident_key(incident_id)).await?;
    incident::Entity::find_by_id(incident_id)
        .one(&txn)
        .await?
        .ok_or(IncidentError::NotFound)?;
    let addition = write_addition(&txn, uc.now, author, incident_id, kind, body).await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::IncidentAdded,
        Some(Target::incident(incident_id)),
        serde_json::json!({ "kind": kind.as_str() }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(addition)
}

async fn write_addition<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    author: i64,
    incident_id: i64,
    kind: AdditionKind,
    body: &str,
) -> Result<Addition, DbErr> {
    let addition = incident_addition::ActiveModel {
        id: NotSet,
        incident_id: Set(incident_id),
        author_id: Set(author),
        kind: Set(kind),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    incident::Entity::update_many()
        .col_expr(incident::Column::UpdatedAt, Expr::value(now))
        .filter(incident::Column::Id.eq(incident_id))
        .exec(conn)
        .await?;
    Ok(addition)
}

/// Moves an incident to `status`, recorded as an addition. Closing needs the follow-up
/// offered to the staff affected to be recorded first, when anyone was affected.
pub async fn set_status(
    uc: &UseCase<'_>,
    author: i64,
    incident_id: i64,
    status: IncidentStatus,
) -> Result<(), IncidentError> {
    let txn = uc.begin().await?;
    take_turn(&txn, &incident_key(incident_id)).await?;
    let found = incident::Entity::find_by_id(incident_id)
        .one(&txn)
        .await?
        .ok_or(IncidentError::NotFound)?;
    if found.status == status {
        return Err(IncidentError::NoChange);
    }
    if status == IncidentStatus::Closed {
        let affected = read::affected(&txn, incident_id).await?;
        let followed_up = incident_addition::Entity::find()
            .filter(incident_addition::Column::IncidentId.eq(incident_id))
            .filter(incident_addition::Column::Kind.eq(AdditionKind::FollowUp))
            .one(&txn)
            .await?
            .is_some();
        if !affected.is_empty() && !followed_up {
            return Err(IncidentError::NoFollowUp);
        }
    }
    write_addition(
        &txn,
        uc.now,
        author,
        incident_id,
        AdditionKind::Status,
        status.as_str(),
    )
    .await?;
    incident::Entity::update_many()
        .col_expr(incident::Column::Status, Expr::value(status))
        .col_expr(
            incident::Column::ClosedAt,
            Expr::value((status == IncidentStatus::Closed).then_some(uc.now)),
        )
        .filter(incident::Column::Id.eq(incident_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::IncidentStatusChanged,
        Some(Target::incident(incident_id)),
        serde_json::json!({ "from": found.status.as_str(), "to": status.as_str() }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(())
}
