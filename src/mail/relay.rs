//! The relay: claims due outbox rows with a lease, sends them, and records the outcome.
//!
//! Several relays (in several processes, on one PostgreSQL database or one SQLite file) share
//! the work without sending a row twice: a relay claims a batch of rows by writing its lease
//! on them where no other relay can claim the same rows at once (one statement that skips
//! rows being claimed on PostgreSQL, one write transaction on SQLite), and only the relay
//! holding the lease sends a row. The lease is short and renewed while the batch is being
//! sent. A relay that dies while holding a lease loses it when it expires, and the row is
//! sent again with the same `Message-ID`.

use super::outbox::{Attachment, status};
use super::transport::{SENDING, Transport};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::domain::{Token, delivery};
use crate::entities::outbox_message::{self, Column};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

/// Rows one claim takes at most.
pub const BATCH: u64 = 20;
/// How long a claim lasts before another relay may take the row, unless it is renewed.
/// Short, so that the rows of a relay that died are sent again soon.
const LEASE: time::Duration = time::Duration::seconds(60);
/// How often a relay renews the leases of the batch it is sending: a third of the lease,
/// so that one slow or failed renewal still leaves time for the next.
const RENEW_EVERY: Duration = Duration::from_secs(20);

/// Claims on PostgreSQL. The due rows are picked once, in a materialised CTE, and then
/// leased: as `UPDATE … WHERE id IN (SELECT … LIMIT … FOR UPDATE SKIP LOCKED)` the planner
/// may run the subquery again for every row it joins, and each run returns a new batch, so
/// one claim took the whole backlog.
const CLAIM_ON_POSTGRES: &str = "\
WITH due AS MATERIALIZED (
    SELECT id FROM outbox_messages
    WHERE status = $1 AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2)
    ORDER BY id
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE outbox_messages SET lease_owner = $4, lease_until = $5
FROM due
WHERE outbox_messages.id = due.id
RETURNING outbox_messages.*";

/// Delivers the outbox.
#[derive(Clone)]
pub struct Relay {
    db: DatabaseConnection,
    transport: Transport,
    clock: Arc<dyn Clock>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    wake: Arc<Notify>,
    poll: Duration,
}

impl Relay {
    /// A relay sending from `from` through `transport`, looking for due rows every `poll`
    /// and whenever `wake` is notified.
    pub fn new(
        db: DatabaseConnection,
        transport: Transport,
        clock: Arc<dyn Clock>,
        from: Mailbox,
        wake: Arc<Notify>,
        poll: Duration,
    ) -> Self {
        Relay {
            db,
            transport,
            clock,
            from,
            reply_to: None,
            wake,
            poll,
        }
    }

    /// The same relay, with replies to every email it sends going to `reply_to` (the
    /// desk's own address) rather than to the sender, which nobody may read.
    pub fn with_reply_to(mut self, reply_to: Option<Mailbox>) -> Self {
        self.reply_to = reply_to;
        self
    }

    /// Runs until the task is dropped.
    pub async fn run(self) {
        loop {
            if let Err(e) = self.deliver_due().await {
                tracing::warn!(error = %e, "outbox relay could not read or update the outbox");
            }
            tokio::select! {
                () = self.wake.notified() => {},
                () = tokio::time::sleep(self.poll) => {},
            }
        }
    }

    /// Sends every row that is due now, a batch at a time. Returns how many rows it tried.
    ///
    /// The rows of a batch go out side by side, since each SMTP exchange spends most of its
    /// time waiting for the server, but at most [`SENDING`] at once, so that one relay holds
    /// only that many connections to the mail server. Each outcome is recorded as soon as it
    /// is known: a relay that stops mid-batch leaves only the emails it was sending to be
    /// sent again, under the same `Message-ID`. While the batch is out, the relay renews its
    /// leases, so that a slow mail server does not let another relay take rows being sent.
    pub async fn deliver_due(&self) -> Result<usize, DbErr> {
        let mut tried = 0;
        loop {
            let owner: Arc<str> = Token::generate().expose()[..32].into();
            let rows = self.claim_batch(&owner).await?;
            if rows.is_empty() {
                return Ok(tried);
            }
            tried += rows.len();
            let permits = Arc::new(Semaphore::new(SENDING));
            let mut sending = JoinSet::new();
            for row in rows {
                let (relay, owner, permits) = (self.clone(), owner.clone(), permits.clone());
                sending.spawn(async move {
                    // The semaphore is never closed, so a permit always comes.
                    let permit = permits.acquire_owned().await;
                    let outcome = relay.send(&row).await;
                    drop(permit);
                    relay.record(&owner, &row, &outcome).await
                });
            }
            let mut renewal = tokio::time::interval_at(Instant::now() + RENEW_EVERY, RENEW_EVERY);
            renewal.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let mut unrecorded = None;
            loop {
                tokio::select! {
                    done = sending.join_next() => match done {
                        None => break,
                        Some(Ok(Ok(()))) => {}
                        Some(Ok(Err(e))) => {
                            tracing::warn!(error = %e, "could not record what became of an email");
                            unrecorded.get_or_insert(e);
                        }
                        Some(Err(e)) => tracing::error!(error = %e, "an email delivery task failed"),
                    },
                    _ = renewal.tick() => {
                        if let Err(e) = self.renew(&owner).await {
                            tracing::warn!(error = %e, "could not renew the leases of the emails being sent");
                        }
                    }
                }
            }
            // An outcome that could not be recorded leaves its row leased until the lease
            // runs out; then it is sent again.
            if let Some(e) = unrecorded {
                return Err(e);
            }
        }
    }

    /// Takes up to [`BATCH`] due rows under a lease named `owner`, and answers them, leased,
    /// in the order they were written. [`Relay::deliver_due`] claims through this; it is
    /// public so that what one claim takes can be checked.
    pub async fn claim_batch(&self, owner: &str) -> Result<Vec<outbox_message::Model>, DbErr> {
        let now = self.clock.now();
        let until = now + LEASE;
        let mut rows = if self.db.get_database_backend() == DbBackend::Postgres {
            // One statement; relays on other processes skip the rows it is claiming
            // instead of waiting for them.
            let claim = Statement::from_sql_and_values(
                DbBackend::Postgres,
                CLAIM_ON_POSTGRES,
                [
                    status::PENDING.into(),
                    now.into(),
                    (BATCH as i64).into(),
                    owner.into(),
                    until.into(),
                ],
            );
            outbox_message::Entity::find()
                .from_raw_sql(claim)
                .all(&self.db)
                .await?
        } else {
            // SQLite has one writer at a time, and a write transaction holds the file from
            // its start: the rows read here are still free when they are leased.
            let txn = begin_write(&self.db).await?;
            let mut rows = outbox_message::Entity::find()
                .filter(Column::Status.eq(status::PENDING))
                .filter(Column::NextAttemptAt.lte(now))
                .filter(
                    Condition::any()
                        .add(Column::LeaseUntil.is_null())
                        .add(Column::LeaseUntil.lt(now)),
                )
                .order_by_asc(Column::Id)
                .limit(BATCH)
                .all(&txn)
                .await?;
            if !rows.is_empty() {
                outbox_message::Entity::update_many()
                    .col_expr(Column::LeaseOwner, Expr::value(owner))
                    .col_expr(Column::LeaseUntil, Expr::value(until))
                    .filter(Column::Id.is_in(rows.iter().map(|r| r.id)))
                    .exec(&txn)
                    .await?;
                txn.commit().await?;
            }
            for row in &mut rows {
                row.lease_owner = Some(owner.to_owned());
                row.lease_until = Some(until);
            }
            rows
        };
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Extends the leases `owner` still holds on rows not yet sent.
    async fn renew(&self, owner: &str) -> Result<(), DbErr> {
        let txn = begin_write(&self.db).await?;
        outbox_message::Entity::update_many()
            .col_expr(Column::LeaseUntil, Expr::value(self.clock.now() + LEASE))
            .filter(Column::LeaseOwner.eq(owner))
            .filter(Column::Status.eq(status::PENDING))
            .exec(&txn)
            .await?;
        txn.commit().await
    }

    /// Sends one row; on failure, says why and whether trying again could help.
    async fn send(&self, row: &outbox_message::Model) -> Result<(), (String, bool)> {
        match build(&self.from, self.reply_to.as_ref(), row) {
            Ok(message) => self
                .transport
                .send(message, &format!("{:08}-{}", row.id, row.kind))
                .await
                .map_err(|e| (e, false)),
            Err(e) => Err((e, true)),
        }
    }

    /// Records what became of a row sent under the lease `owner`, in a transaction of its
    /// own. Nothing is written if the lease was lost to another relay meanwhile.
    async fn record(
        &self,
        owner: &str,
        row: &outbox_message::Model,
        outcome: &Result<(), (String, bool)>,
    ) -> Result<(), DbErr> {
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        let mut update = outbox_message::Entity::update_many()
            .col_expr(Column::Attempts, Expr::value(attempts))
            .col_expr(Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(
                Column::LeaseUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            );
        match outcome {
            Ok(()) => {
                tracing::info!(outbox_id = row.id, kind = %row.kind, "email sent");
                update = update
                    .col_expr(Column::Status, Expr::value(status::SENT))
                    .col_expr(Column::SentAt, Expr::value(now))
                    .col_expr(Column::LastError, Expr::value(Option::<String>::None));
            }
            Err((error, permanent)) => {
                let jitter = rand::random::<f64>();
                let next = (!*permanent)
                    .then(|| delivery::next_attempt(row.created_at, now, attempts as u32, jitter))
                    .flatten();
                update = update.col_expr(Column::LastError, Expr::value(error.clone()));
                update = match next {
                    Some(next) => {
                        tracing::warn!(outbox_id = row.id, attempts, error = %error, "email not sent; will retry");
                        update.col_expr(Column::NextAttemptAt, Expr::value(next))
                    }
                    None => {
                        tracing::error!(outbox_id = row.id, attempts, error = %error, "email given up on");
                        update.col_expr(Column::Status, Expr::value(status::FAILED))
                    }
                };
            }
        }
        let txn = begin_write(&self.db).await?;
        update
            .filter(Column::Id.eq(row.id))
            .filter(Column::LeaseOwner.eq(owner))
            .exec(&txn)
            .await?;
        txn.commit().await
    }
}

/// Builds the MIME message of an outbox row: text and HTML as alternatives, then attachments.
fn build(
    from: &Mailbox,
    reply_to: Option<&Mailbox>,
    row: &outbox_message::Model,
) -> Result<Message, String> {
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    let attachments: Vec<Attachment> =
        serde_json::from_str(&row.attachments).map_err(|e| format!("attachments: {e}"))?;
    let body = MultiPart::alternative_plain_html(row.text_body.clone(), row.html_body.clone());
    let body = if attachments.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for attachment in attachments {
            let content_type = ContentType::parse(&attachment.content_type)
                .map_err(|e| format!("attachment type: {e}"))?;
            mixed = mixed.singlepart(
                lettre::message::Attachment::new(attachment.filename)
                    .body(attachment.content, content_type),
            );
        }
        mixed
    };
    let mut message = Message::builder().from(from.clone());
    if let Some(reply_to) = reply_to {
        message = message.reply_to(reply_to.clone());
    }
    message
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(row.created_at.into())
        .multipart(body)
        .map_err(|e| e.to_string())
}
