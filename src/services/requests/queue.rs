//! The staff queue: which requests it shows (by status, topic, reply channel, assignee,
//! age, overdue, written to again), in what order and by pages, and the counts the
//! dashboard shows.

use super::Request;
use crate::domain::request::{ReplyChannel, RequestStatus, Topic};
use crate::entities::support_request;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// Who a request is with, for the queue's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assignee {
    /// Anyone or no one.
    #[default]
    Any,
    /// No one yet.
    Nobody,
    /// This staff member.
    Staff(i64),
}

/// Which requests the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only these statuses; empty means new, open and waiting.
    pub statuses: Vec<RequestStatus>,
    /// Only this topic.
    pub topic: Option<Topic>,
    /// Only this reply channel.
    pub channel: Option<ReplyChannel>,
    /// Whose they are.
    pub assignee: Assignee,
    /// Only requests sent at least this many days ago.
    pub older_than_days: Option<i64>,
    /// Only requests past their target.
    pub overdue_only: bool,
    /// Only requests the customer wrote again on after an answer, not yet answered again.
    pub wrote_again_only: bool,
}

/// The statuses shown when the filter names none: everything not yet done.
pub const NOT_DONE: [RequestStatus; 3] = [
    RequestStatus::New,
    RequestStatus::Open,
    RequestStatus::Waiting,
];

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The requests on this page.
    pub rows: Vec<Request>,
    /// How many match in all.
    pub total: u64,
    /// The page shown, from 1.
    pub page: u64,
    /// How many pages there are.
    pub pages: u64,
}

/// Requests on one page of the queue.
pub const QUEUE_PAGE_SIZE: u64 = 50;

/// Reads one page of the queue: late ones first, then by due time, then the oldest.
pub async fn queue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    filter: &QueueFilter,
    page: u64,
) -> Result<QueuePage, DbErr> {
    let statuses = if filter.statuses.is_empty() {
        NOT_DONE.to_vec()
    } else {
        filter.statuses.clone()
    };
    let mut query =
        support_request::Entity::find().filter(support_request::Column::Status.is_in(statuses));
    if let Some(topic) = filter.topic {
        query = query.filter(support_request::Column::Topic.eq(topic));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(support_request::Column::Channel.eq(channel));
    }
    query = match filter.assignee {
        Assignee::Any => query,
        Assignee::Nobody => query.filter(support_request::Column::AssigneeId.is_null()),
        Assignee::Staff(id) => query.filter(support_request::Column::AssigneeId.eq(id)),
    };
    if let Some(days) = filter.older_than_days {
        query = query.filter(support_request::Column::CreatedAt.lte(now - Duration::days(days)));
    }
    if filter.overdue_only {
        query = query.filter(overdue_condition(now));
    }
    if filter.wrote_again_only {
        query = query.filter(wrote_again_condition());
    }
    // Counted without the order, which only the page needs.
    let total = query.clone().count(conn).await?;
    let pages = total.div_ceil(QUEUE_PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    // Nulls (nothing owed) after every due time, on both databases; the same expression as
    // the `idx_support_requests_queue` index, so the page is read in index order.
    let rows = query
        .order_by_asc(Expr::cust("CASE WHEN due_at IS NULL THEN 1 ELSE 0 END"))
        .order_by_asc(support_request::Column::DueAt)
        .order_by_asc(support_request::Column::CreatedAt)
        .order_by_asc(support_request::Column::Id)
        .offset((page - 1) * QUEUE_PAGE_SIZE)
        .limit(QUEUE_PAGE_SIZE)
        .all(conn)
        .await?;
    Ok(QueuePage {
        rows,
        total,
        page,
        pages,
    })
}

/// Whether the customer wrote again after an answer and has not been answered since: a
/// request open again once staff had replied (a reply makes it waiting).
pub fn wrote_again(r: &Request) -> bool {
    r.status == RequestStatus::Open && r.first_reply_at.is_some()
}

fn wrote_again_condition() -> Condition {
    Condition::all()
        .add(support_request::Column::Status.eq(RequestStatus::Open))
        .add(support_request::Column::FirstReplyAt.is_not_null())
}

fn overdue_condition(now: OffsetDateTime) -> Condition {
    Condition::all()
        .add(support_request::Column::Status.is_in([RequestStatus::New, RequestStatus::Open]))
        .add(support_request::Column::DueAt.lte(now))
}

/// The counts the dashboard shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests nobody has looked at yet.
    pub new: u64,
    /// Requests past their response-time target.
    pub overdue: u64,
    /// Requests the customer wrote again on, waiting for another answer.
    pub wrote_again: u64,
}

/// Counts new and overdue requests.
pub async fn counts<C: ConnectionTrait>(conn: &C, now: OffsetDateTime) -> Result<Counts, DbErr> {
    let new = support_request::Entity::find()
        .filter(support_request::Column::Status.eq(RequestStatus::New))
        .count(conn)
        .await?;
    let overdue = support_request::Entity::find()
        .filter(overdue_condition(now))
        .count(conn)
        .await?;
    let wrote_again = support_request::Entity::find()
        .filter(wrote_again_condition())
        .count(conn)
        .await?;
    Ok(Counts {
        new,
        overdue,
        wrote_again,
    })
}

/// How many requests stand in each status.
pub async fn status_counts<C: ConnectionTrait>(
    conn: &C,
) -> Result<BTreeMap<RequestStatus, u64>, DbErr> {
    let rows: Vec<(RequestStatus, i64)> = support_request::Entity::find()
        .select_only()
        .column(support_request::Column::Status)
        .column_as(support_request::Column::Id.count(), "n")
        .group_by(support_request::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: BTreeMap<RequestStatus, u64> =
        RequestStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for (status, n) in rows {
        out.insert(status, n.max(0) as u64);
    }
    Ok(out)
}
