//! The relay: claims due outbox rows with a lease, sends them, and records the outcome.
//!
//! Several relays (in several processes, on one PostgreSQL database or one SQLite file) share
//! the work without sending a row twice: a row is claimed by writing a lease on it in one
//! statement, and only the relay holding the lease sends it. A relay that dies while holding
//! a lease loses it when it expires, and the row is sent again with the same `Message-ID`.

use super::outbox::{Attachment, status};
use super::transport::Transport;
use crate::clock::Clock;
use crate::db::{WriteTxn, begin_write};
use crate::domain::{Token, delivery};
use crate::entities::outbox_message::{self, Column};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Notify;

/// Rows claimed at once.
const BATCH: u64 = 20;
/// How long a claim lasts before another relay may take the row.
const LEASE: time::Duration = time::Duration::minutes(2);

/// Delivers the outbox.
#[derive(Clone)]
pub struct Relay {
    db: DatabaseConnection,
    transport: Transport,
    clock: Arc<dyn Clock>,
    from: Mailbox,
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
            wake,
            poll,
        }
    }

    /// Runs until the task is dropped.
    pub async fn run(self) {
        loop {
            if let Err(e) = self.deliver_due().await {
                tracing::warn!(error = %e, "outbox relay could not read the outbox");
            }
            tokio::select! {
                () = self.wake.notified() => {},
                () = tokio::time::sleep(self.poll) => {},
            }
        }
    }

    /// Sends every row that is due now. Returns how many rows it tried. The rows of a batch
    /// go out at once, over as many pooled SMTP connections as the pool allows, since each
    /// SMTP exchange spends most of its time waiting for the server.
    pub async fn deliver_due(&self) -> Result<usize, DbErr> {
        let mut tried = 0;
        loop {
            let owner = Token::generate().expose()[..32].to_owned();
            let rows = self.claim(&owner).await?;
            if rows.is_empty() {
                return Ok(tried);
            }
            tried += rows.len();
            let mut sending = tokio::task::JoinSet::new();
            for row in rows {
                let relay = self.clone();
                sending.spawn(async move {
                    let outcome = relay.send(&row).await;
                    (row, outcome)
                });
            }
            let mut outcomes = Vec::new();
            while let Some(done) = sending.join_next().await {
                match done {
                    Ok(sent) => outcomes.push(sent),
                    Err(e) => tracing::error!(error = %e, "an email delivery task failed"),
                }
            }
            // One transaction records the whole batch. A row whose outcome is lost (the
            // process stopped first) is sent again once its lease runs out, under the same
            // Message-ID.
            let txn = begin_write(&self.db).await?;
            for (row, outcome) in &outcomes {
                self.record(&txn, &owner, row, outcome).await?;
            }
            txn.commit().await?;
        }
    }

    /// Takes up to a batch of due rows under a lease named `owner`.
    async fn claim(&self, owner: &str) -> Result<Vec<outbox_message::Model>, DbErr> {
        let now = self.clock.now();
        let free = Condition::any()
            .add(Column::LeaseUntil.is_null())
            .add(Column::LeaseUntil.lt(now));
        let mut due = Query::select();
        due.column(Column::Id)
            .from(outbox_message::Entity)
            .and_where(Column::Status.eq(status::PENDING))
            .and_where(Column::NextAttemptAt.lte(now))
            .cond_where(free.clone())
            .order_by(Column::Id, sea_orm::Order::Asc)
            .limit(BATCH);
        if self.db.get_database_backend() == DbBackend::Postgres {
            // Relays on other processes skip the rows this one is claiming instead of waiting.
            due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        // A write transaction of its own, so that on SQLite it waits its turn with the
        // app's other writers instead of in SQLite's busy handler.
        let txn = begin_write(&self.db).await?;
        let claimed = outbox_message::Entity::update_many()
            .col_expr(Column::LeaseOwner, Expr::value(owner))
            .col_expr(Column::LeaseUntil, Expr::value(now + LEASE))
            .filter(Column::Id.in_subquery(due))
            // Checked again on the row itself, so a row claimed meanwhile is left alone.
            .filter(free)
            .filter(Column::Status.eq(status::PENDING))
            .exec(&txn)
            .await?
            .rows_affected;
        txn.commit().await?;
        if claimed == 0 {
            return Ok(Vec::new());
        }
        outbox_message::Entity::find()
            .filter(Column::LeaseOwner.eq(owner))
            .filter(Column::Status.eq(status::PENDING))
            .order_by_asc(Column::Id)
            .all(&self.db)
            .await
    }

    /// Sends one row; on failure, says why and whether trying again could help.
    async fn send(&self, row: &outbox_message::Model) -> Result<(), (String, bool)> {
        match build(&self.from, row) {
            Ok(message) => self
                .transport
                .send(message, &format!("{:08}-{}", row.id, row.kind))
                .await
                .map_err(|e| (e, false)),
            Err(e) => Err((e, true)),
        }
    }

    /// Records what became of a row sent under the lease `owner`.
    async fn record(
        &self,
        txn: &WriteTxn,
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
        update
            .filter(Column::Id.eq(row.id))
            .filter(Column::LeaseOwner.eq(owner))
            .exec(txn)
            .await?;
        Ok(())
    }
}

/// Builds the MIME message of an outbox row: text and HTML as alternatives, then attachments.
fn build(from: &Mailbox, row: &outbox_message::Model) -> Result<Message, String> {
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
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(row.created_at.into())
        .multipart(body)
        .map_err(|e| e.to_string())
}
