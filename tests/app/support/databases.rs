//! Each test's database, copied from one migrated once per run: on PostgreSQL with
//! `CREATE DATABASE … TEMPLATE`, on SQLite by copying the file. Migrating a new database
//! for every test took most of a short test's time.
//!
//! Tests run on threads of their own, each with its own tokio runtime, so the PostgreSQL
//! side is kept by two threads with runtimes of their own: one makes the template on the
//! first request and keeps a couple of copies ready while tests run, the other drops each
//! test's database once its test is over, without the test waiting. When the test process
//! exits, the template and any unused copies are dropped; what an interrupted run leaves
//! behind carries its time in its name, and a later run drops it once it is older than any
//! run takes.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Once, OnceLock, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use yorisoi::db::with_database;

/// The start of every database name made here; then the second it was made.
const TEST_PREFIX: &str = "yorisoi_t_";
const TEMPLATE_PREFIX: &str = "yorisoi_tmpl_";
/// The start of the folder the SQLite template is made in.
const SQLITE_PREFIX: &str = "yorisoi-template-";
/// Older than any run: what is left this long is an interrupted run's.
const STALE_AFTER: Duration = Duration::from_secs(2 * 3600);
/// Copies of the template made ahead of the tests that will ask for them.
const READY_COPIES: usize = 2;
/// How long the process waits at exit for its databases to be dropped.
const EXIT_WAIT: Duration = Duration::from_secs(60);

/// A PostgreSQL database of one test, dropped (in the background) with this handle.
pub struct PostgresDatabase {
    pub url: String,
    name: String,
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if let Some(keeper) = KEEPER.get() {
            let _ = keeper
                .dropper
                .send(Job::Drop(std::mem::take(&mut self.name)));
        }
    }
}

/// A new PostgreSQL database on the server of `admin_url` (a URL whose user may create
/// databases): with every migration applied, copied from the run's template, or `migrated:
/// false` for an empty one.
pub async fn postgres(admin_url: &str, migrated: bool) -> PostgresDatabase {
    let (reply, answer) = tokio::sync::oneshot::channel();
    keeper(admin_url)
        .maker
        .send(Job::Create { migrated, reply })
        .expect("the database keeper is running");
    let name = answer.await.expect("the database keeper made a database");
    PostgresDatabase {
        url: with_database(admin_url, &name),
        name,
    }
}

/// Writes a migrated SQLite database at `path`, a copy of the run's template.
pub async fn sqlite(path: &Path) {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let template = SQLITE_TEMPLATE.get_or_init(sqlite_template);
        std::fs::copy(template, path).expect("copy the SQLite template");
    })
    .await
    .unwrap();
}

/// A name no other test or run uses, starting with `prefix` and the second it was made.
fn new_name(prefix: &str) -> String {
    let random = yorisoi::domain::Token::generate();
    format!("{prefix}{}_{}", now_secs(), &random.expose()[..12])
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Whether a name made by [`new_name`] with `prefix` is older than any run. Other names,
/// such as another version's, are never stale.
fn is_stale(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.split('_').next())
        .and_then(|secs| secs.parse::<u64>().ok())
        .is_some_and(|made| now_secs().saturating_sub(made) > STALE_AFTER.as_secs())
}

/// Runs async work to the end on a thread and runtime of its own, outside the caller's
/// runtime.
fn on_own_runtime<F>(work: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || own_runtime().block_on(work))
        .join()
        .expect("the work on its own runtime finished")
}

// ---------------------------------------------------------------------------------------
// SQLite

static SQLITE_TEMPLATE: OnceLock<PathBuf> = OnceLock::new();

/// Makes the migrated template file in a folder of its own, removed at exit.
fn sqlite_template() -> PathBuf {
    remove_stale_sqlite_templates();
    let dir = tempfile::Builder::new()
        .prefix(&new_name(SQLITE_PREFIX))
        .tempdir()
        .expect("a folder for the SQLite template")
        .keep();
    let file = dir.join("template.db");
    let url = format!("sqlite://{}", file.display());
    on_own_runtime(async move {
        let db = yorisoi::db::connect(&url)
            .await
            .expect("create the template");
        yorisoi::db::migrate(&db)
            .await
            .expect("migrate the template");
        // Everything into the file itself, so that the file alone is the database.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .expect("checkpoint the template");
        db.close().await.ok();
    });
    clean_up_at_exit();
    file
}

/// Removes template folders an interrupted run left behind.
fn remove_stale_sqlite_templates() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_stale(&name, SQLITE_PREFIX) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

/// What the keeper's threads are asked for.
enum Job {
    /// Answers the name of a new database.
    Create {
        migrated: bool,
        reply: tokio::sync::oneshot::Sender<String>,
    },
    /// Drops a database whose test is over.
    Drop(String),
    /// Ends the thread once its work is done, and answers.
    Finish(mpsc::Sender<()>),
}

/// The two threads that keep the run's databases: one makes them, one drops them.
/// PostgreSQL checkpoints at every `DROP DATABASE`, which takes seconds on a busy disk
/// however little there is to write; drops sent together share one checkpoint, so the
/// dropping thread sends whatever has gathered at once, while the making thread carries on.
struct Keeper {
    maker: mpsc::Sender<Job>,
    dropper: mpsc::Sender<Job>,
}

static KEEPER: OnceLock<Keeper> = OnceLock::new();

/// The keeper, started on first use.
fn keeper(admin_url: &str) -> &'static Keeper {
    KEEPER.get_or_init(|| {
        let (dropper, dropper_inbox) = mpsc::channel();
        let (maker, maker_inbox) = mpsc::channel();
        let url = admin_url.to_owned();
        std::thread::Builder::new()
            .name("test-databases-dropper".into())
            .spawn(move || drop_databases(&url, dropper_inbox))
            .expect("start the database dropper");
        let url = admin_url.to_owned();
        let drops = dropper.clone();
        std::thread::Builder::new()
            .name("test-databases-maker".into())
            .spawn(move || make_databases(&url, maker_inbox, drops))
            .expect("start the database maker");
        clean_up_at_exit();
        Keeper { maker, dropper }
    })
}

fn own_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn admin_connection(admin_url: &str, connections: u32) -> DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(admin_url.to_owned());
    options.sqlx_logging(false).max_connections(connections);
    sea_orm::Database::connect(options)
        .await
        .expect("connect to TEST_POSTGRES_URL")
}

async fn run(admin: &DatabaseConnection, statement: &str) -> Result<(), DbErr> {
    admin.execute_unprepared(statement).await.map(|_| ())
}

/// The databases on the server whose names tests make.
async fn databases(admin: &DatabaseConnection) -> Vec<String> {
    let rows = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'yorisoi%'",
        ))
        .await
        .unwrap_or_default();
    rows.iter()
        .filter_map(|row| row.try_get::<String>("", "datname").ok())
        .collect()
}

/// The making thread: requests in the order they came, and copies made ahead when idle.
fn make_databases(admin_url: &str, inbox: mpsc::Receiver<Job>, drops: mpsc::Sender<Job>) {
    let runtime = own_runtime();
    let mut maker = runtime.block_on(Maker::connect(admin_url, drops));
    runtime.block_on(maker.drop_stale());
    loop {
        let job = match inbox.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Empty) if maker.wants_copy() => {
                runtime.block_on(maker.make_copy());
                continue;
            }
            Err(mpsc::TryRecvError::Empty) => match inbox.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Err(mpsc::TryRecvError::Disconnected) => return,
        };
        match job {
            Job::Create { migrated, reply } => {
                let name = runtime.block_on(maker.hand_out(migrated));
                if let Err(unused) = reply.send(name) {
                    // The test is gone already (it failed or was cancelled).
                    maker.drop_later(unused);
                }
            }
            Job::Drop(name) => maker.drop_later(name),
            Job::Finish(done) => {
                maker.finish();
                let _ = done.send(());
                return;
            }
        }
    }
}

struct Maker {
    admin: DatabaseConnection,
    admin_url: String,
    drops: mpsc::Sender<Job>,
    /// The migrated template, once made.
    template: Option<String>,
    /// Copies of the template made ahead.
    ready: VecDeque<String>,
}

impl Maker {
    async fn connect(admin_url: &str, drops: mpsc::Sender<Job>) -> Maker {
        Maker {
            admin: admin_connection(admin_url, 1).await,
            admin_url: admin_url.to_owned(),
            drops,
            template: None,
            ready: VecDeque::new(),
        }
    }

    fn wants_copy(&self) -> bool {
        self.template.is_some() && self.ready.len() < READY_COPIES
    }

    fn drop_later(&self, name: String) {
        let _ = self.drops.send(Job::Drop(name));
    }

    async fn hand_out(&mut self, migrated: bool) -> String {
        if !migrated {
            let name = new_name(TEST_PREFIX);
            run(&self.admin, &format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create an empty test database");
            self.without_waiting_for_the_disk(&name).await;
            return name;
        }
        match self.ready.pop_front() {
            Some(name) => name,
            None => self.copy_template().await,
        }
    }

    async fn make_copy(&mut self) {
        let name = self.copy_template().await;
        self.ready.push_back(name);
    }

    /// A new copy of the template, making the template first if there is none (or if a
    /// later run took it for an interrupted run's).
    async fn copy_template(&mut self) -> String {
        let name = new_name(TEST_PREFIX);
        for _ in 0..2 {
            let template = match &self.template {
                Some(template) => template.clone(),
                None => self.make_template().await,
            };
            let copy = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
            match run(&self.admin, &copy).await {
                Ok(()) => {
                    self.without_waiting_for_the_disk(&name).await;
                    return name;
                }
                Err(e) if !databases(&self.admin).await.contains(&template) => {
                    eprintln!("the template database {template} went away ({e}); making it again");
                    self.template = None;
                }
                Err(e) => panic!("copy the template database {template}: {e}"),
            }
        }
        panic!("the template database keeps going away");
    }

    /// Lets commits in a test's database return before the server has flushed them to
    /// disk. What every connection sees is the same; only a crash of the database server
    /// could lose the last commits, and no test crashes it. A busy disk made each commit
    /// wait on its turn to flush.
    async fn without_waiting_for_the_disk(&self, name: &str) {
        let statement = format!("ALTER DATABASE \"{name}\" SET synchronous_commit = off");
        run(&self.admin, &statement)
            .await
            .expect("set synchronous_commit for a test database");
    }

    /// Makes and migrates the template, as the app migrates a new database, and closes
    /// every connection to it: PostgreSQL copies only a database nobody is connected to.
    async fn make_template(&mut self) -> String {
        let name = new_name(TEMPLATE_PREFIX);
        run(&self.admin, &format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create the template database");
        let db = yorisoi::db::connect(&with_database(&self.admin_url, &name))
            .await
            .expect("connect to the template database");
        yorisoi::db::migrate(&db)
            .await
            .expect("migrate the template database");
        db.close().await.ok();
        self.template = Some(name.clone());
        name
    }

    /// Drops what interrupted runs left behind.
    async fn drop_stale(&self) {
        for name in databases(&self.admin).await {
            if is_stale(&name, TEST_PREFIX) || is_stale(&name, TEMPLATE_PREFIX) {
                self.drop_later(name);
            }
        }
    }

    /// Hands the template and the unused copies to the dropping thread.
    fn finish(&mut self) {
        for name in self.ready.drain(..).chain(self.template.take()) {
            let _ = self.drops.send(Job::Drop(name));
        }
    }
}

/// Drops at once every database that gathered while the last drops ran.
const DROPPING_AT_ONCE: u32 = 8;

/// The dropping thread: waits for a database to drop, then drops it with every other that
/// is waiting, each on its own connection.
fn drop_databases(admin_url: &str, inbox: mpsc::Receiver<Job>) {
    let runtime = own_runtime();
    let admin = runtime.block_on(admin_connection(admin_url, DROPPING_AT_ONCE));
    while let Ok(first) = inbox.recv() {
        let mut names = Vec::new();
        let mut finished = None;
        for job in std::iter::once(first).chain(inbox.try_iter()) {
            match job {
                Job::Drop(name) => names.push(name),
                Job::Finish(done) => finished = Some(done),
                Job::Create { .. } => unreachable!("the dropping thread makes no database"),
            }
        }
        runtime.block_on(async {
            let mut dropping = tokio::task::JoinSet::new();
            for name in names {
                let admin = admin.clone();
                dropping.spawn(async move {
                    let statement = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    if let Err(e) = run(&admin, &statement).await {
                        eprintln!("could not drop the test database {name}: {e}");
                    }
                });
            }
            dropping.join_all().await;
        });
        if let Some(done) = finished {
            let _ = done.send(());
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// At exit

/// Drops the run's PostgreSQL template and unused copies, and removes the SQLite template,
/// when the test process exits: the test harness runs no destructors of statics.
fn clean_up_at_exit() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        unsafe extern "C" {
            fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
        }
        // SAFETY: `at_exit` is a plain function that lives as long as the process.
        unsafe {
            atexit(at_exit);
        }
    });
}

extern "C" fn at_exit() {
    if let Some(keeper) = KEEPER.get() {
        // The maker first hands over what it holds, then the dropper drops it all.
        for thread in [&keeper.maker, &keeper.dropper] {
            let (done, finished) = mpsc::channel();
            if thread.send(Job::Finish(done)).is_ok() {
                let _ = finished.recv_timeout(EXIT_WAIT);
            }
        }
    }
    if let Some(dir) = SQLITE_TEMPLATE.get().and_then(|file| file.parent()) {
        let _ = std::fs::remove_dir_all(dir);
    }
}
