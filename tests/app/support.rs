//! The test harness: a real server on a loopback port over a fresh database (a SQLite file,
//! or a new PostgreSQL database when `TEST_POSTGRES_URL` is set), a cookie-keeping
//! browser, and the walks and readings many tests share: signing in, moving through the
//! booking journey, days and times in the desk's zone, the emails the app sent.

mod browser;
mod clock;
mod databases;
mod mail;

pub use browser::{Browser, Events, Page};
pub use clock::{TOKYO, at, key, today, tomorrow};
pub use mail::{addressed_to, first_recipient, html_of, ics_of, link_in, subject_of, text_of};

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use std::future::Future;
use std::sync::Arc;
use time::OffsetDateTime;
use time_tz::OffsetDateTimeExt;
use yorisoi::clock::ShiftedClock;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{DisplayName, Email, FullName, Qualification, Role};
use yorisoi::services::{Actor, UseCase, staff};
use yorisoi::web::AppState;
use yorisoi::{App, Config};

/// Who makes the changes a test makes directly, as `create-user` or the demo would: nobody
/// signed in.
static NOBODY: Actor = Actor {
    staff_id: None,
    role: None,
    ip: None,
    proxy_id: None,
};

/// A password every test account uses.
pub const PASSWORD: &str = "a long enough test passphrase";

/// [`PASSWORD`] hashed once per run by the app's own hasher (the production parameters):
/// every account a test makes shares it, so making one costs no hashing, while signing in
/// still checks the password in full.
static PASSWORD_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// With `TEST_LOG` set, the app's log goes to each test's output (shown for a failing test,
/// or for all with `--nocapture`): `TEST_LOG=1` at the info level, or a filter in
/// `RUST_LOG`'s syntax such as `TEST_LOG=debug` or `TEST_LOG=yorisoi=trace`. Without it
/// tests are quiet.
fn show_logs_if_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Some(filter) = std::env::var("TEST_LOG")
            .ok()
            .filter(|v| !v.is_empty() && v != "0")
        else {
            return;
        };
        let filter = match filter.as_str() {
            "1" => "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn".to_owned(),
            _ => filter,
        };
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    });
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body on a fresh app over the given backend. Without `TEST_POSTGRES_URL` the
/// PostgreSQL variant says so and returns; `.ci/run` always sets it.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    match TestApp::spawn(backend, |_| {}).await {
        Some(app) => test(app).await,
        None => eprintln!("skipped on PostgreSQL: TEST_POSTGRES_URL is not set"),
    }
}

/// Declares tests that run once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::support::run($crate::support::Backend::Sqlite, super::$name).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::support::run($crate::support::Backend::Postgres, super::$name).await
                }
            }
        )*
    };
}

/// Declares tests that run once on SQLite and once on PostgreSQL, where the test starts its
/// own app (to configure it) from the backend it is given.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::Backend::Postgres).await
                }
            }
        )*
    };
}

/// A running app and the handles a test needs.
pub struct TestApp {
    pub base: String,
    pub clock: Arc<ShiftedClock>,
    pub app: App,
    pub config: Config,
    pub mail_dir: std::path::PathBuf,
    _dir: tempfile::TempDir,
    /// Dropped after the server is stopped (see `Drop`).
    _postgres: Option<databases::PostgresDatabase>,
    server: tokio::task::JoinHandle<()>,
}

fn pg_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A database with nothing in it, for a test that starts the binary, which migrates it.
pub struct EmptyDatabase {
    pub url: String,
    _postgres: Option<databases::PostgresDatabase>,
}

/// An empty database on the backend: a SQLite file to be in `dir`, or a new PostgreSQL
/// database, dropped with the handle; `None` for PostgreSQL without `TEST_POSTGRES_URL`.
pub async fn empty_database(backend: Backend, dir: &std::path::Path) -> Option<EmptyDatabase> {
    Some(match backend {
        Backend::Sqlite => EmptyDatabase {
            url: format!("sqlite://{}", dir.join("y.db").display()),
            _postgres: None,
        },
        Backend::Postgres => {
            let database = databases::postgres(&pg_admin_url()?, false).await;
            EmptyDatabase {
                url: database.url.clone(),
                _postgres: Some(database),
            }
        }
    })
}

impl TestApp {
    /// Starts an app; `adjust` may change the configuration first.
    pub async fn spawn(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        show_logs_if_asked();
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut postgres = None;
        let database_url = match backend {
            Backend::Sqlite => {
                let file = dir.path().join("yorisoi.db");
                databases::sqlite(&file).await;
                format!("sqlite://{}", file.display())
            }
            Backend::Postgres => {
                let database = databases::postgres(&pg_admin_url()?, true).await;
                let url = database.url.clone();
                postgres = Some(database);
                url
            }
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let mut config = Config::from_lookup(|_| None).expect("default config");
        config.database_url = database_url;
        config.bind = addr;
        config.base_url = format!("http://{addr}");
        config.mail_dir = dir.path().join("mail");
        config.relay_poll = std::time::Duration::from_millis(100);
        // Tests run the reminder and expiry jobs themselves when the clock says so; the
        // background loop would race them on a slow machine. A test that wants the loop
        // sets its own poll.
        config.reminder_poll = std::time::Duration::from_secs(24 * 3600);
        adjust(&mut config);
        let mail_dir = config.mail_dir.clone();
        let kept = config.clone();
        let clock = Arc::new(ShiftedClock::default());
        let app = App::start(config, clock.clone()).await.expect("app starts");
        let serving = app.clone();
        let server = tokio::spawn(async move {
            serving
                .serve(listener, std::future::pending())
                .await
                .expect("serve");
        });
        Some(TestApp {
            base: format!("http://{addr}"),
            clock,
            app,
            config: kept,
            mail_dir,
            _dir: dir,
            _postgres: postgres,
            server,
        })
    }

    pub fn state(&self) -> &AppState {
        self.app.state()
    }

    /// The context of a change the test makes directly through a service, now.
    pub fn uc(&self) -> UseCase<'_> {
        self.state().act(&NOBODY)
    }

    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Creates a staff account directly, as `create-user` would, with [`PASSWORD`]; the
    /// display name is the address's local part.
    pub async fn create_staff(&self, email: &str, role: Role) -> i64 {
        let display_name = email.split('@').next().unwrap();
        self.create_named_staff(email, &format!("Full Name of {email}"), display_name, role)
            .await
    }

    /// Creates a staff account directly with the full and display names given, with
    /// [`PASSWORD`].
    pub async fn create_named_staff(
        &self,
        email: &str,
        full_name: &str,
        display_name: &str,
        role: Role,
    ) -> i64 {
        let state = self.state();
        let hash = PASSWORD_HASH
            .get_or_init(|| async { state.hasher.hash(PASSWORD).await.unwrap() })
            .await
            .clone();
        let new = staff::NewStaff {
            email: Email::parse(email).unwrap(),
            full_name: FullName::parse(full_name).unwrap(),
            display_name: DisplayName::parse(display_name).unwrap(),
            role,
            password_hash: Some(hash),
        };
        staff::create(&self.uc(), &new, yorisoi::domain::Lang::Ja)
            .await
            .unwrap()
            .id
    }

    /// Creates an interpreter with qualifications and the same availability
    /// every day of the week (`spans` as `("09:00", "17:00")`), and returns their id.
    pub async fn add_interpreter(
        &self,
        name: &str,
        qualifications: &[yorisoi::domain::Qualification],
        spans: &[(&str, &str)],
    ) -> i64 {
        let id = self
            .create_staff(&format!("{name}@example.jp"), Role::Interpreter)
            .await;
        self.make_interpreter(id, qualifications, spans).await;
        id
    }

    /// Gives a staff member qualifications and the same availability every day of the
    /// week (`spans` as `("09:00", "17:00")`).
    pub async fn make_interpreter(
        &self,
        id: i64,
        qualifications: &[yorisoi::domain::Qualification],
        spans: &[(&str, &str)],
    ) {
        use yorisoi::domain::schedule::LocalSpan;
        use yorisoi::services::interpreters;
        let uc = self.uc();
        interpreters::set_qualifications(&uc, id, qualifications)
            .await
            .unwrap();
        let day: Vec<LocalSpan> = spans
            .iter()
            .map(|(a, b)| LocalSpan::parse(a, b).unwrap())
            .collect();
        let week = (1..=7u8).map(|d| (d, day.clone())).collect();
        interpreters::save_weekly(&uc, id, &week).await.unwrap();
    }

    /// Opens the desk every day of the week for the given hours (the default is weekdays
    /// nine to five), holidays and the year-end break included, so tests do not depend on
    /// which day they run.
    pub async fn open_every_day(&self, opens: &str, closes: &str) {
        use yorisoi::domain::schedule::LocalSpan;
        let span = LocalSpan::parse(opens, closes).unwrap();
        let hours = (1..=7u8).map(|d| (d, vec![span])).collect();
        yorisoi::services::settings::opening::save_hours(&self.uc(), &hours)
            .await
            .unwrap();
        self.open_on_holidays().await;
    }

    /// Keeps the desk open on national holidays and through the year-end break.
    pub async fn open_on_holidays(&self) {
        yorisoi::services::settings::opening::save_closure_rules(&self.uc(), false, None)
            .await
            .unwrap();
    }

    /// Sets the room-address template of video sessions, as an admin would.
    pub async fn set_room_template(&self, template: &str) {
        let template = yorisoi::domain::RoomTemplate::parse(template)
            .unwrap()
            .unwrap();
        yorisoi::services::settings::save_room_template(&self.uc(), Some(&template))
            .await
            .unwrap();
    }

    /// Books a session directly through the service, as a confirmed journey would.
    pub async fn book(
        &self,
        mode: yorisoi::domain::schedule::SessionMode,
        start: time::OffsetDateTime,
        email: &str,
    ) -> yorisoi::services::booking::make::Confirmed {
        use yorisoi::domain::booking::DetailsForm;
        let details = DetailsForm {
            name: "Test Customer".into(),
            email: email.into(),
            topic: "statements".into(),
            sign_language: "jsl".into(),
            ..Default::default()
        }
        .validate(mode)
        .unwrap();
        let state = self.state();
        yorisoi::services::booking::make::confirm(
            &self.uc(),
            &state.calendars,
            &yorisoi::services::booking::make::NewBooking {
                mode,
                start,
                details,
                lang: yorisoi::domain::Lang::En,
                on_behalf: None,
                request_id: None,
            },
            None,
        )
        .await
        .unwrap()
    }

    /// A browser signed in as a new account with the role.
    pub async fn signed_in(&self, role: Role) -> (Browser, i64) {
        let email = format!(
            "{}-{}@example.jp",
            role.as_str(),
            &yorisoi::domain::Token::generate().expose()[..8]
        );
        let id = self.create_staff(&email, role).await;
        (self.sign_in_as(&email).await, id)
    }

    /// A browser signed in as a new account with the role, reading English.
    pub async fn english_staff(&self, role: Role) -> Browser {
        let (browser, _) = self.signed_in(role).await;
        browser.get("/language/en").await;
        browser
    }

    /// A browser signed in as an existing account with [`PASSWORD`].
    pub async fn sign_in_as(&self, email: &str) -> Browser {
        let browser = self.browser();
        let page = browser.sign_in(email, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "sign-in as {email}: {}",
            page.body
        );
        browser
    }

    /// A new browser that reads English.
    pub async fn english_browser(&self) -> Browser {
        let browser = self.browser();
        browser.get("/language/en").await;
        browser
    }

    /// The desk open every day from nine to five, with `sato` interpreting sign language
    /// and `suzuki` written chat at those hours; their ids.
    pub async fn desk_with_interpreters(&self) -> (i64, i64) {
        use Qualification::{SignLanguageInterpreter, WrittenChat};
        self.open_every_day("09:00", "17:00").await;
        let mut ids = Vec::new();
        for (name, qualification) in [("sato", SignLanguageInterpreter), ("suzuki", WrittenChat)] {
            ids.push(
                self.add_interpreter(name, &[qualification], &[("09:00", "17:00")])
                    .await,
            );
        }
        (ids[0], ids[1])
    }

    /// Runs a SQL statement on the app's database.
    pub async fn sql(&self, statement: &str) {
        self.state()
            .db
            .execute_unprepared(statement)
            .await
            .expect(statement);
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .state()
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.state().db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Another instance of the app on a test app's database, with its own port, its own
/// in-process state and the same clock, serving until dropped.
pub struct Instance {
    pub base: String,
    server: tokio::task::JoinHandle<()>,
}

impl Instance {
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// Starts another instance on this app's database, as a second machine would.
    pub async fn another_instance(&self) -> Instance {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let mut config = self.config.clone();
        config.bind = addr;
        let app = App::start(config, self.clock.clone())
            .await
            .expect("the second instance starts");
        let server = tokio::spawn(async move {
            app.serve(listener, std::future::pending())
                .await
                .expect("serve");
        });
        Instance {
            base: format!("http://{addr}"),
            server,
        }
    }
}

/// Where a redirect points, asserting that the answer is one.
pub fn see_other(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location().unwrap_or_default().to_owned()
}

/// Chooses the mode on the booking journey, then the day and time of `start`; where the
/// journey goes next.
pub async fn choose_session(browser: &Browser, mode: SessionMode, start: OffsetDateTime) -> String {
    assert_eq!(
        see_other(&browser.post("/book/mode", &[("mode", mode.as_str())]).await),
        "/book/day"
    );
    choose_time(browser, start).await
}

/// Chooses the day and time of `start` on the booking journey, whose mode is chosen; where
/// the journey goes next.
pub async fn choose_time(browser: &Browser, start: OffsetDateTime) -> String {
    let day = key(start.to_timezone(TOKYO).date());
    assert_eq!(
        see_other(
            &browser
                .post("/book/day", &[("day", &day), ("week", "0")])
                .await
        ),
        "/book/time"
    );
    let start = start.unix_timestamp().to_string();
    see_other(&browser.post("/book/time", &[("start", &start)]).await)
}
