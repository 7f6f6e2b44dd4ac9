//! Repeated contact after a matter was resolved, for supervisors to look at: never a
//! verdict, and nothing is done about it automatically. A contact is a message the customer
//! (or their proxy) wrote in a request's thread after the request was first resolved, or a
//! new request sent after an earlier one of theirs was resolved, within the window ending
//! now. Nothing in a session counts (sign-language and written-chat sessions are themselves
//! accommodations, and a chat's conversation joins the thread as staff's message), and
//! nothing about a lost or stolen card ever counts.

use crate::domain::incident_settings::IncidentSettings;
use crate::domain::request::{Author, Topic};
use crate::domain::signals::{self, Contact, CustomerContacts};
use crate::entities::{request_message, support_request};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;

/// The most customers the list shows.
pub const LIST_MAX: usize = 100;
/// The most of a customer's requests a line links to.
pub const REQUESTS_MAX: u64 = 20;

/// One customer on the list.
#[derive(Debug, Clone)]
pub struct Signal {
    /// The name on their latest request counted.
    pub name: String,
    /// Their contacts: how many, between when, by which email addresses and member numbers.
    pub contacts: CustomerContacts,
    /// Their requests, newest first: those counted and the others they sent under the same
    /// email address or member number.
    pub requests: Vec<support_request::Model>,
}

/// The customers whose contacts after a resolved matter, in the window ending `now`, are
/// more than the threshold: the most contacts first, at most [`LIST_MAX`].
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    settings: &IncidentSettings,
) -> Result<Vec<Signal>, DbErr> {
    let since = settings.window_start(now);
    let mut contacts = thread_messages(conn, since, now).await?;
    contacts.extend(new_requests(conn, since, now).await?);
    let mut out = Vec::new();
    for customer in signals::by_customer(&contacts)
        .into_iter()
        .filter(|c| settings.listed(c.count))
        .take(LIST_MAX)
    {
        let requests = their_requests(conn, &customer).await?;
        let name = requests
            .iter()
            .find(|r| customer.request_ids.contains(&r.id))
            .or(requests.first())
            .map(|r| r.customer_name.clone())
            .unwrap_or_default();
        out.push(Signal {
            name,
            contacts: customer,
            requests,
        });
    }
    Ok(out)
}

/// What the customer or their proxy wrote in a thread after the request was first resolved.
async fn thread_messages<C: ConnectionTrait>(
    conn: &C,
    since: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<Contact>, DbErr> {
    let in_request = request_message::Entity::belongs_to(support_request::Entity)
        .from(request_message::Column::RequestId)
        .to(support_request::Column::Id);
    let rows: Vec<(i64, Option<String>, Option<String>, OffsetDateTime)> =
        request_message::Entity::find()
            .select_only()
            .column(request_message::Column::RequestId)
            .column(support_request::Column::Email)
            .column(support_request::Column::MemberNumber)
            .column(request_message::Column::CreatedAt)
            .join(JoinType::InnerJoin, in_request.into())
            .filter(request_message::Column::Author.is_in([Author::Customer, Author::Proxy]))
            .filter(request_message::Column::Internal.eq(false))
            .filter(request_message::Column::CreatedAt.gt(since))
            .filter(request_message::Column::CreatedAt.lte(now))
            .filter(support_request::Column::Topic.ne(Topic::LostStolen))
            .filter(
                Expr::col((request_message::Entity, request_message::Column::CreatedAt)).gt(
                    Expr::col((
                        support_request::Entity,
                        support_request::Column::FirstResolvedAt,
                    )),
                ),
            )
            .into_tuple()
            .all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(request_id, email, member_number, at)| Contact {
            request_id,
            email,
            member_number,
            at,
        })
        .collect())
}

/// New requests sent after an earlier request of the same customer (the same email address
/// or member number) was resolved.
async fn new_requests<C: ConnectionTrait>(
    conn: &C,
    since: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<Contact>, DbErr> {
    use support_request::{Column, Entity};
    let earlier = Alias::new("earlier");
    let same_customer = Condition::any()
        .add(Expr::col((earlier.clone(), Column::Email)).equals((Entity, Column::Email)))
        .add(
            Expr::col((earlier.clone(), Column::MemberNumber))
                .equals((Entity, Column::MemberNumber)),
        );
    let resolved_before = Query::select()
        .expr(Expr::val(1))
        .from_as(Entity, earlier.clone())
        .and_where(Expr::col((earlier.clone(), Column::Id)).ne(Expr::col((Entity, Column::Id))))
        .and_where(Expr::col((earlier.clone(), Column::Topic)).ne(Topic::LostStolen.as_str()))
        .and_where(
            Expr::col((earlier.clone(), Column::FirstResolvedAt))
                .lt(Expr::col((Entity, Column::CreatedAt))),
        )
        .cond_where(same_customer)
        .to_owned();
    let rows: Vec<(i64, Option<String>, Option<String>, OffsetDateTime)> = Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Email)
        .column(Column::MemberNumber)
        .column(Column::CreatedAt)
        .filter(Column::CreatedAt.gt(since))
        .filter(Column::CreatedAt.lte(now))
        .filter(Column::Topic.ne(Topic::LostStolen))
        .filter(Expr::exists(resolved_before))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(request_id, email, member_number, at)| Contact {
            request_id,
            email,
            member_number,
            at,
        })
        .collect())
}

/// A customer's requests, newest first: those counted, and the others sent under one of
/// their email addresses or member numbers.
async fn their_requests<C: ConnectionTrait>(
    conn: &C,
    customer: &CustomerContacts,
) -> Result<Vec<support_request::Model>, DbErr> {
    let mut theirs =
        Condition::any().add(support_request::Column::Id.is_in(customer.request_ids.clone()));
    if !customer.emails.is_empty() {
        theirs = theirs.add(support_request::Column::Email.is_in(customer.emails.clone()));
    }
    if !customer.member_numbers.is_empty() {
        theirs = theirs
            .add(support_request::Column::MemberNumber.is_in(customer.member_numbers.clone()));
    }
    support_request::Entity::find()
        .filter(theirs)
        .order_by_desc(support_request::Column::CreatedAt)
        .order_by_desc(support_request::Column::Id)
        .limit(REQUESTS_MAX)
        .all(conn)
        .await
}
