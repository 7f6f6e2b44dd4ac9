//! News of chat rooms, for the pages that follow a room live.
//!
//! A page following a room holds a [`Follower`]; whoever changes the room rings it through
//! the [`Hub`] after the change is committed, and every follower of that room wakes and
//! reads what is new from the database, from the last message it sent on. The bell carries
//! no message: the database stays the only record, so a follower that misses a ring, or
//! reconnects, still reads everything in order.
//!
//! On SQLite the writers are in this process, so the ring after commit is all there is. On
//! PostgreSQL another instance may have written: after each change commits, its writer
//! also sends a `NOTIFY` on [`CHANNEL`] ([`notify_others`]), and [`listen`] turns those
//! into rings here. When the listening connection drops, notifications may have been
//! lost meanwhile, so every room is rung once it is back.

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// The PostgreSQL notification channel chat rooms are rung on.
pub const CHANNEL: &str = "yorisoi_chat";

/// The rooms someone is following, each with its bell.
#[derive(Debug)]
pub struct Hub {
    rooms: Mutex<HashMap<i64, watch::Sender<u64>>>,
    closing: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            rooms: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
        }
    }
}

impl Hub {
    fn rooms(&self) -> std::sync::MutexGuard<'_, HashMap<i64, watch::Sender<u64>>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts following the room of a session.
    pub fn follow(self: &Arc<Self>, booking_id: i64) -> Follower {
        let bell = self
            .rooms()
            .entry(booking_id)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe();
        Follower {
            hub: self.clone(),
            booking_id,
            bell,
            closing: self.closing.subscribe(),
        }
    }

    /// Tells the followers of a room that it has changed. Nothing happens when nobody
    /// follows it.
    pub fn ring(&self, booking_id: i64) {
        if let Some(bell) = self.rooms().get(&booking_id) {
            bell.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Tells the followers of every room to look again.
    pub fn ring_all(&self) {
        for bell in self.rooms().values() {
            bell.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Ends every follow: the server is stopping, and live pages should let go of their
    /// connections so it can.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// How many rooms are followed now.
    pub fn followed(&self) -> usize {
        self.rooms().len()
    }
}

/// A page's follow of one room. Dropping it lets the room go when it was the last.
#[derive(Debug)]
pub struct Follower {
    hub: Arc<Hub>,
    booking_id: i64,
    bell: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
}

impl Follower {
    /// Waits until the room is rung, or `within` passes. Says `false` when the server is
    /// stopping and the follow is over.
    pub async fn news(&mut self, within: Duration) -> bool {
        if *self.closing.borrow() {
            return false;
        }
        tokio::select! {
            _ = self.bell.changed() => true,
            _ = self.closing.changed() => false,
            () = tokio::time::sleep(within) => true,
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let mut rooms = self.hub.rooms();
        // This follower's receiver is still counted until after this returns.
        if rooms
            .get(&self.booking_id)
            .is_some_and(|bell| bell.receiver_count() <= 1)
        {
            rooms.remove(&self.booking_id);
        }
    }
}

/// Rings the room of a session on other instances, after the change to it has committed.
/// On SQLite, where every writer is in this process, it does nothing.
///
/// The notification goes in a small transaction of its own, committed without waiting for
/// the disk: PostgreSQL lets transactions that notify commit one at a time, holding its
/// notification lock until the commit is on disk, so a `NOTIFY` inside each message's own
/// transaction would make every message wait for the previous one's disk write. A
/// notification is not durable in any case. Should it fail, the message is still written,
/// and pages on other instances read it when they next look (within half a minute), so the
/// failure is only logged.
pub async fn notify_others(db: &DatabaseConnection, booking_id: i64) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    if let Err(e) = notify(db, booking_id).await {
        tracing::warn!(error = %e, booking_id, "could not tell other instances of a chat message");
    }
}

async fn notify(db: &DatabaseConnection, booking_id: i64) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    txn.execute_unprepared("SET LOCAL synchronous_commit = off")
        .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), booking_id.to_string().into()],
    ))
    .await?;
    txn.commit().await
}

/// Turns other instances' notifications into rings on `hub`, for as long as the process
/// runs. Does nothing on SQLite.
pub async fn listen(db: DatabaseConnection, hub: Arc<Hub>) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        match listen_once(&pool, &hub).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, "lost the chat rooms' notifications; listening again");
                tokio::time::sleep(Duration::from_secs(1)).await;
                hub.ring_all();
            }
        }
    }
}

async fn listen_once(pool: &sea_orm::sqlx::PgPool, hub: &Hub) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Anything written while nobody listened is read again.
    hub.ring_all();
    loop {
        match listener.try_recv().await? {
            Some(note) => match note.payload().parse::<i64>() {
                Ok(booking_id) => hub.ring(booking_id),
                Err(_) => {
                    tracing::warn!(payload = note.payload(), "an unreadable chat notification")
                }
            },
            // The connection dropped and is back: what came meanwhile was not heard.
            None => hub.ring_all(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_ring_wakes_the_rooms_followers_only_and_rooms_are_let_go() {
        let hub = Arc::new(Hub::default());
        let mut a = hub.follow(1);
        let mut a2 = hub.follow(1);
        let mut b = hub.follow(2);
        assert_eq!(hub.followed(), 2);
        hub.ring(1);
        let quick = Duration::from_millis(50);
        assert!(tokio::time::timeout(quick, a.bell.changed()).await.is_ok());
        assert!(tokio::time::timeout(quick, a2.bell.changed()).await.is_ok());
        assert!(tokio::time::timeout(quick, b.bell.changed()).await.is_err());
        drop(a);
        assert_eq!(hub.followed(), 2, "room 1 still has a follower");
        drop(a2);
        assert_eq!(hub.followed(), 1);
        hub.close();
        assert!(!b.news(Duration::from_secs(5)).await);
    }
}
