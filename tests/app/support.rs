//! The test harness: a real server on a loopback port over a fresh database (a SQLite file,
//! or a new PostgreSQL database when `TEST_POSTGRES_URL` is set), and a cookie-keeping client.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use sea_orm::{ConnectionTrait, Database};
use std::future::Future;
use std::sync::Arc;
use yorisoi::clock::ShiftedClock;
use yorisoi::domain::{DisplayName, Email, FullName, Role};
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
    pg: Option<(String, String)>,
    server: tokio::task::JoinHandle<()>,
}

fn pg_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Swaps the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
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

impl TestApp {
    /// Starts an app; `adjust` may change the configuration first.
    pub async fn spawn(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut pg = None;
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("yorisoi.db").display()),
            Backend::Postgres => {
                let admin = pg_admin_url()?;
                let name = format!(
                    "yorisoi_t_{}",
                    yorisoi::domain::Token::generate().expose()[..16].to_owned()
                );
                let conn = Database::connect(&admin)
                    .await
                    .expect("connect to TEST_POSTGRES_URL");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                pg = Some((admin.clone(), name.clone()));
                with_database(&admin, &name)
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
            pg,
            server,
        })
    }

    /// Emails written to the mail folder (no SMTP server configured), oldest first.
    pub fn dropped_emails(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort_by_key(|p| written_order(p));
        paths
            .into_iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }

    /// Waits until `n` emails were written to the mail folder, and returns them.
    pub async fn wait_for_dropped(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..200 {
            let found = self.dropped_emails();
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.dropped_emails()
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

    /// Creates a staff account directly, as `create-user` would.
    pub async fn create_staff(&self, email: &str, role: Role) -> i64 {
        let state = self.state();
        let hash = state.hasher.hash(PASSWORD).await.unwrap();
        let new = staff::NewStaff {
            email: Email::parse(email).unwrap(),
            full_name: FullName::parse(&format!("Full Name of {email}")).unwrap(),
            display_name: DisplayName::parse(email.split('@').next().unwrap()).unwrap(),
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
        use yorisoi::domain::schedule::LocalSpan;
        use yorisoi::services::interpreters;
        let id = self
            .create_staff(&format!("{name}@example.jp"), Role::Interpreter)
            .await;
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
        id
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

    /// Moves the app's clock so that it reads `at` now.
    pub fn set_now(&self, at: time::OffsetDateTime) {
        self.clock.advance(at - self.state().now());
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
        let browser = self.browser();
        let response = browser.sign_in(&email, PASSWORD).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in as {role:?}: {}",
            response.body
        );
        (browser, id)
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
        if let Some((admin, name)) = self.pg.take() {
            // The app's runtime is ending; drop the database from a runtime of our own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Where a file of the mail folder comes in the order the relay wrote them: by name
/// (`00000012-kind.eml`), a copy sent again after a crash (`00000012-kind.resent-2.eml`)
/// after the first and in the order of its number, even past 9.
fn written_order(path: &std::path::Path) -> (String, u32) {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.trim_end_matches(".eml");
    match stem.rsplit_once(".resent-") {
        Some((first, copy)) => (first.to_owned(), copy.parse().unwrap_or(u32::MAX)),
        None => (stem.to_owned(), 1),
    }
}

/// The text part of an email and the first link in it to a path starting with `prefix`.
pub fn link_in(raw: &[u8], prefix: &str) -> String {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parsable email");
    let text = message.body_text(0).expect("a text part").into_owned();
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// What came back from one request.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The parsed document.
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The text of every element matching a CSS selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect()
    }

    /// The text of the first element matching a selector.
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).into_iter().next().unwrap_or_default()
    }

    /// An attribute of the first element matching a selector.
    pub fn attr(&self, selector: &str, name: &str) -> Option<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(name))
            .map(str::to_owned)
    }

    /// The value of the `<title>`.
    pub fn title(&self) -> String {
        self.text("title")
    }
}

/// A client that keeps cookies and does not follow redirects, so tests see each step.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self::with_headers(base, &[])
    }

    /// A browser whose every request carries these headers, as a reverse proxy would add.
    pub fn with_headers(base: &str, headers: &[(&str, &str)]) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let mut defaults = HeaderMap::new();
        for (k, v) in headers {
            defaults.insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(defaults)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_owned(),
            client,
            jar,
        }
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.client
                .get(format!("{}{}", self.base, path))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(format!("{}{}", self.base, path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::read(request.send().await.unwrap()).await
    }

    /// The value of one of this browser's cookies.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Makes sure the browser holds a CSRF cookie, as it would after opening any page.
    async fn ensure_csrf(&self) -> String {
        if let Some(token) = self.cookie("yorisoi_csrf") {
            return token;
        }
        self.get("/healthz").await;
        self.cookie("yorisoi_csrf")
            .expect("the server sets a CSRF cookie")
    }

    /// Posts a form the way a browser does, with the CSRF token the page carried.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.ensure_csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields, with no CSRF token added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(path, fields, &[]).await
    }

    /// Posts exactly these fields with these headers (a `Referer`, an `Origin`), with no
    /// CSRF token added.
    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        self.ensure_csrf().await;
        let body = serde_urlencoded::to_string(fields).unwrap().into_bytes();
        self.post_bytes_with(path, "application/x-www-form-urlencoded", body, headers)
            .await
    }

    /// Posts raw bytes with a content type.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        self.post_bytes_with(path, content_type, body, &[]).await
    }

    /// Posts raw bytes with a content type and these headers.
    pub async fn post_bytes_with(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", content_type)
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::read(request.send().await.unwrap()).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/staff/login").await;
        self.post("/staff/login", &[("email", email), ("password", password)])
            .await
    }
}
