//! What every use-case starts from: the database, the moment it happens, the settings, who
//! acts, and the bell that wakes the outbox relay. A use-case begins its transaction here
//! and commits it here, and committing rings the bell, so an email written in the
//! transaction goes out at once instead of at the relay's next look, whoever called.

use super::Actor;
use crate::config::Config;
use crate::db::{WriteTxn, begin_write};
use sea_orm::{DatabaseConnection, DbErr};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// One use-case's context: borrowed, and copied freely.
#[derive(Clone, Copy)]
pub struct UseCase<'a> {
    /// The database pool.
    pub db: &'a DatabaseConnection,
    /// The moment the use-case happens, read once from the app's clock.
    pub now: OffsetDateTime,
    /// The settings.
    pub config: &'a Config,
    /// Who is acting.
    pub actor: &'a Actor,
    /// Wakes the outbox relay.
    pub mail_wake: &'a Notify,
}

impl UseCase<'_> {
    /// Starts the use-case's transaction (see [`begin_write`]).
    pub async fn begin(&self) -> Result<WriteTxn, DbErr> {
        begin_write(self.db).await
    }

    /// Commits the use-case's transaction, then wakes the relay to send what it wrote.
    /// A transaction that wrote no email costs the relay one look at the outbox.
    pub async fn commit(&self, txn: WriteTxn) -> Result<(), DbErr> {
        txn.commit().await?;
        self.mail_wake.notify_one();
        Ok(())
    }
}

impl std::fmt::Debug for UseCase<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UseCase")
            .field("now", &self.now)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}
