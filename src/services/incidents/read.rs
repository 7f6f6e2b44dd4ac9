//! Reading incidents: the supervisors' list, one incident with everything added to it (a
//! supervisor's read is audited), a reporter's own reports, and the customer's history
//! around an incident — their requests, sessions and earlier incidents.

use super::{Addition, Incident, IncidentError, Quote};
use crate::domain::AuditAction;
use crate::domain::incident::{Category, IncidentStatus};
use crate::entities::{
    booking, incident, incident_addition, incident_quote, incident_staff, support_request,
};
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// The most incidents one list shows.
pub const LIST_MAX: u64 = 200;
/// The most of each kind of thing a customer's history shows.
pub const HISTORY_MAX: u64 = 50;

/// Which incidents the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Only those in this status; none for every status.
    pub status: Option<IncidentStatus>,
    /// Only those of this category; none for every category.
    pub category: Option<Category>,
}

/// Incidents matching the filter, newest first, at most [`LIST_MAX`], and how many match.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    filter: &ListFilter,
) -> Result<(Vec<Incident>, u64), DbErr> {
    let mut query = incident::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(incident::Column::Status.eq(status));
    }
    if let Some(category) = filter.category {
        query = query.filter(incident::Column::Category.eq(category));
    }
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(incident::Column::ReportedAt)
        .order_by_desc(incident::Column::Id)
        .limit(LIST_MAX)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// How many incidents are in each status, in [`IncidentStatus::ALL`]'s order.
pub async fn counts<C: ConnectionTrait>(conn: &C) -> Result<Vec<(IncidentStatus, u64)>, DbErr> {
    let mut counts = Vec::new();
    for status in IncidentStatus::ALL {
        let n = incident::Entity::find()
            .filter(incident::Column::Status.eq(*status))
            .count(conn)
            .await?;
        counts.push((*status, n));
    }
    Ok(counts)
}

/// The reports one staff member made, newest first.
pub async fn mine<C: ConnectionTrait>(conn: &C, reporter: i64) -> Result<Vec<Incident>, DbErr> {
    incident::Entity::find()
        .filter(incident::Column::ReportedBy.eq(reporter))
        .order_by_desc(incident::Column::ReportedAt)
        .order_by_desc(incident::Column::Id)
        .limit(LIST_MAX)
        .all(conn)
        .await
}

/// The staff an incident affected, by id.
pub async fn affected<C: ConnectionTrait>(conn: &C, incident_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(incident_staff::Entity::find()
        .filter(incident_staff::Column::IncidentId.eq(incident_id))
        .order_by_asc(incident_staff::Column::StaffUserId)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.staff_user_id)
        .collect())
}

/// One incident with all that belongs to it.
#[derive(Debug, Clone)]
pub struct Full {
    /// The report.
    pub incident: Incident,
    /// The staff affected, by id.
    pub affected: Vec<i64>,
    /// The chat messages it quotes.
    pub quotes: Vec<Quote>,
    /// What was added, oldest first.
    pub additions: Vec<Addition>,
}

async fn full<C: ConnectionTrait>(conn: &C, incident: Incident) -> Result<Full, DbErr> {
    let affected = affected(conn, incident.id).await?;
    let quotes = incident_quote::Entity::find()
        .filter(incident_quote::Column::IncidentId.eq(incident.id))
        .order_by_asc(incident_quote::Column::SentAt)
        .order_by_asc(incident_quote::Column::Id)
        .all(conn)
        .await?;
    let additions = incident_addition::Entity::find()
        .filter(incident_addition::Column::IncidentId.eq(incident.id))
        .order_by_asc(incident_addition::Column::Id)
        .all(conn)
        .await?;
    Ok(Full {
        incident,
        affected,
        quotes,
        additions,
    })
}

/// One incident, for a supervisor or admin: the read is written to the audit log.
pub async fn for_supervisor(uc: &UseCase<'_>, id: i64) -> Result<Full, IncidentError> {
    let found = incident::Entity::find_by_id(id)
        .one(uc.db)
        .await?
        .ok_or(IncidentError::NotFound)?;
    audit::record(
        uc.db,
        uc.now,
        uc.actor,
        AuditAction::IncidentRead,
        Some(Target::incident(id)),
        serde_json::json!({ "reference": found.reference }),
    )
    .await?;
    Ok(full(uc.db, found).await?)
}

/// One of a staff member's own reports; another's is not found.
pub async fn own<C: ConnectionTrait>(
    conn: &C,
    reporter: i64,
    id: i64,
) -> Result<Full, IncidentError> {
    let found = incident::Entity::find_by_id(id)
        .filter(incident::Column::ReportedBy.eq(reporter))
        .one(conn)
        .await?
        .ok_or(IncidentError::NotFound)?;
    Ok(full(conn, found).await?)
}

/// The customer's history around an incident, newest first in each list.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Their requests.
    pub requests: Vec<support_request::Model>,
    /// Their sessions.
    pub sessions: Vec<booking::Model>,
    /// Other incidents about the same person.
    pub incidents: Vec<Incident>,
}

/// The requests, sessions and other incidents that share the incident's customer: the
/// same email address or member number, or, for a proxy, the same proxy account.
pub async fn history<C: ConnectionTrait>(conn: &C, i: &Incident) -> Result<History, DbErr> {
    let mut requests_match = Condition::any();
    let mut sessions_match = Condition::any();
    let mut incidents_match = Condition::any();
    let mut any = false;
    if let Some(email) = &i.customer_email {
        requests_match = requests_match.add(support_request::Column::Email.eq(email.clone()));
        sessions_match = sessions_match.add(booking::Column::Email.eq(email.clone()));
        incidents_match = incidents_match.add(incident::Column::CustomerEmail.eq(email.clone()));
        any = true;
    }
    if let Some(number) = &i.member_number {
        requests_match =
            requests_match.add(support_request::Column::MemberNumber.eq(number.clone()));
        sessions_match = sessions_match.add(booking::Column::MemberNumber.eq(number.clone()));
        incidents_match = incidents_match.add(incident::Column::MemberNumber.eq(number.clone()));
        any = true;
    }
    if let Some(account) = i.proxy_account_id {
        incidents_match = incidents_match.add(incident::Column::ProxyAccountId.eq(account));
        any = true;
    }
    if !any {
        return Ok(History::default());
    }
    let requests = support_request::Entity::find()
        .filter(requests_match)
        .order_by_desc(support_request::Column::CreatedAt)
        .limit(HISTORY_MAX)
        .all(conn)
        .await?;
    let sessions = booking::Entity::find()
        .filter(sessions_match)
        .order_by_desc(booking::Column::StartsAt)
        .limit(HISTORY_MAX)
        .all(conn)
        .await?;
    let incidents = incident::Entity::find()
        .filter(incidents_match)
        .filter(incident::Column::Id.ne(i.id))
        .order_by_desc(incident::Column::ReportedAt)
        .limit(HISTORY_MAX)
        .all(conn)
        .await?;
    Ok(History {
        requests,
        sessions,
        incidents,
    })
}
