//! Connecting to the database, and starting transactions that write.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::OwnedMutexGuard;

/// How long a SQLite connection waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a pool on the database named by `url`. Every SQLite connection in the pool gets
/// WAL, `synchronous=NORMAL`, a busy timeout and foreign keys, and a missing file is created.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 10 })
        .map_sqlx_sqlite_opts(|opts| {
            opts.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    Database::connect(options).await
}

/// Refreshes the statistics the query planner chooses indexes by. PostgreSQL keeps its own
/// (autovacuum); SQLite has none until asked, and then picks, for example, between reading
/// the request queue in its index order and sorting the open requests, by how many there
/// are. A full `ANALYZE` reads every index once; sampled statistics misjudged how many rows
/// a status has, and with them the plan.
pub async fn refresh_statistics(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let txn = begin_write(db).await?;
    txn.execute_unprepared("ANALYZE").await?;
    txn.commit().await
}

/// The URL of another database on the same PostgreSQL server: `url` with the database
/// name at its end swapped for `name`, its options kept. The tests and benchmarks make a
/// database of their own next to the one they are given.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = base.rsplit_once('/').map(|(p, _)| p).unwrap_or(base);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// A transaction that writes. On SQLite it also holds this process's turn to write to the
/// file (see [`begin_write`]), given back when the transaction ends.
pub struct WriteTxn {
    // Dropped first: an unfinished transaction rolls back before the next writer's turn.
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// Makes transactions that name the same `key` take turns from here until they end: on
/// PostgreSQL a transaction-scoped advisory lock on the key's hash, taken by every instance
/// alike. SQLite's writers take turns already (see [`begin_write`]). Use it where
/// concurrent transactions would otherwise lock the same rows in different orders.
pub async fn take_turn<C: ConnectionTrait>(txn: &C, key: &str) -> Result<(), DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock(hashtext($1))",
        [key.into()],
    ))
    .await?;
    Ok(())
}

/// One writer's turn per SQLite file in this process, in arrival order.
static SQLITE_TURNS: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
    LazyLock::new(Mutex::default);

/// The queue for writing to the SQLite file behind a pool.
fn sqlite_turn(db: &DatabaseConnection) -> Arc<tokio::sync::Mutex<()>> {
    let options = db.get_sqlite_connection_pool().connect_options();
    let file = options.get_filename();
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    let mut turns = SQLITE_TURNS.lock().unwrap_or_else(|e| e.into_inner());
    turns.entry(file).or_default().clone()
}

/// Starts a transaction that will write.
///
/// On SQLite it takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`), so it cannot fail with
/// "database is locked" when it later upgrades from reading to writing. Before that, it
/// waits for its turn among this process's writers to the same file: SQLite's own busy
/// handler waits by sleeping in steps of up to 100 ms, so a crowd of writers would each
/// sleep far longer than the lock is held, while an in-process queue hands the lock on the
/// moment it is free. Writers in other processes still meet the busy timeout.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let turn = if sqlite {
        Some(sqlite_turn(db).lock_owned().await)
    } else {
        None
    };
    let options = TransactionOptions {
        sqlite_transaction_mode: sqlite.then_some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    Ok(WriteTxn {
        txn: db.begin_with_options(options).await?,
        _turn: turn,
    })
}
