//! Writing and reading the audit log.

use super::Actor;
use crate::domain::AuditAction;
use crate::entities::audit_event;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use time::{Date, OffsetDateTime};

/// What an audit row is about.
#[derive(Debug, Clone)]
pub struct Target {
    /// The kind of thing, such as `staff_user`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
}

impl Target {
    /// A booked session.
    pub fn booking(id: i64) -> Self {
        Target {
            kind: "booking",
            id: id.to_string(),
        }
    }

    /// A proxy registration.
    pub fn registration(id: i64) -> Self {
        Target {
            kind: "proxy_registration",
            id: id.to_string(),
        }
    }

    /// A support request.
    pub fn request(id: i64) -> Self {
        Target {
            kind: "support_request",
            id: id.to_string(),
        }
    }

    /// A customer-harassment incident.
    pub fn incident(id: i64) -> Self {
        Target {
            kind: "incident",
            id: id.to_string(),
        }
    }

    /// A measure taken about an incident.
    pub fn measure(id: i64) -> Self {
        Target {
            kind: "measure",
            id: id.to_string(),
        }
    }

    /// A staff member's call for support.
    pub fn support_call(id: i64) -> Self {
        Target {
            kind: "support_call",
            id: id.to_string(),
        }
    }

    /// A piece of customer feedback.
    pub fn feedback(id: i64) -> Self {
        Target {
            kind: "feedback",
            id: id.to_string(),
        }
    }

    /// A feedback theme.
    pub fn theme(id: i64) -> Self {
        Target {
            kind: "feedback_theme",
            id: id.to_string(),
        }
    }

    /// An improvement case.
    pub fn improvement(id: i64) -> Self {
        Target {
            kind: "improvement_case",
            id: id.to_string(),
        }
    }

    /// A staff account.
    pub fn staff(id: i64) -> Self {
        Target {
            kind: "staff_user",
            id: id.to_string(),
        }
    }
}

/// Writes one audit row, on the connection or inside the transaction of the change it records.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    at: OffsetDateTime,
    actor: &Actor,
    action: AuditAction,
    target: Option<Target>,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    let (target_type, target_id) = match target {
        Some(t) => (Some(t.kind.to_owned()), Some(t.id)),
        None => (None, None),
    };
    audit_event::Entity::insert(audit_event::ActiveModel {
        id: NotSet,
        occurred_at: Set(at),
        actor_staff_id: Set(actor.staff_id),
        actor_role: Set(actor.role.map(|r| r.as_str().to_owned())),
        action: Set(action.as_str().to_owned()),
        target_type: Set(target_type),
        target_id: Set(target_id),
        detail: Set(detail.to_string()),
        ip: Set(actor.ip.clone()),
        actor_proxy_id: Set(actor.proxy_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Every audit row about one thing, oldest first: a page's own history.
pub async fn about<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    id: &str,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::TargetType.eq(kind))
        .filter(audit_event::Column::TargetId.eq(id))
        .order_by_asc(audit_event::Column::OccurredAt)
        .order_by_asc(audit_event::Column::Id)
        .all(conn)
        .await
}

/// Which audit rows to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only rows by this staff member.
    pub actor_staff_id: Option<i64>,
    /// Only rows of this kind.
    pub action: Option<AuditAction>,
    /// Only rows at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Only rows before this instant.
    pub until: Option<OffsetDateTime>,
}

/// One page of audit rows, newest first.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rows on this page.
    pub rows: Vec<audit_event::Model>,
    /// How many rows match the filter in all.
    pub total: u64,
    /// The page shown, from 1.
    pub page: u64,
    /// How many pages there are.
    pub pages: u64,
}

/// Rows shown on one page of the audit log.
pub const PAGE_SIZE: u64 = 50;

/// Reads one page of the audit log.
pub async fn list<C: ConnectionTrait>(conn: &C, filter: &Filter, page: u64) -> Result<Page, DbErr> {
    let mut query = audit_event::Entity::find();
    if let Some(id) = filter.actor_staff_id {
        query = query.filter(audit_event::Column::ActorStaffId.eq(id));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::OccurredAt.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::OccurredAt.lt(until));
    }
    let paginator = query
        .order_by_desc(audit_event::Column::OccurredAt)
        .order_by_desc(audit_event::Column::Id)
        .paginate(conn, PAGE_SIZE);
    let counts = paginator.num_items_and_pages().await?;
    let pages = counts.number_of_pages.max(1);
    let page = page.clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await?;
    Ok(Page {
        rows,
        total: counts.number_of_items,
        page,
        pages,
    })
}

/// The instant a local calendar day starts in the desk's zone, for date filters. It is
/// given in UTC, as times are stored: SQLite compares stored times as text, so a bound
/// written with another offset would cut the day at the wrong hour.
pub fn start_of_day(date: Date, tz: &time_tz::Tz) -> OffsetDateTime {
    use time_tz::PrimitiveDateTimeExt;
    date.midnight()
        .assume_timezone(tz)
        .take_first()
        .unwrap_or_else(|| date.midnight().assume_utc())
        .to_offset(time::UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_local_day_starts_at_the_utc_instant_stored_times_are_compared_with() {
        let tokyo = time_tz::timezones::db::asia::TOKYO;
        let start = start_of_day(date!(2026 - 12 - 01), tokyo);
        assert_eq!(start, datetime!(2026-11-30 15:00 UTC));
        assert_eq!(start.offset(), time::UtcOffset::UTC);
    }
}
