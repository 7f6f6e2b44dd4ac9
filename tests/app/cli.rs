//! The `yorisoi` binary as an operator uses it.

use crate::support::{Browser, PASSWORD};
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn yorisoi(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yorisoi"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("YORISOI_BIND")
        .env_remove("YORISOI_BASE_URL")
        .env_remove("YORISOI_TIMEZONE")
        .env_remove("YORISOI_PASSWORD")
        .env("RUST_LOG", "info");
    command
}

#[test]
fn a_setting_that_cannot_be_used_stops_start_up_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in [
        ("YORISOI_BIND", "not-an-address"),
        ("YORISOI_TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://x"),
    ] {
        let output = yorisoi(dir.path())
            .arg("migrate")
            .env(name, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("yorisoi: {name}: ")),
            "{stderr}"
        );
    }
}

#[test]
fn migrate_and_create_user_on_a_new_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = yorisoi(dir.path()).arg("migrate").output().unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    assert!(
        dir.path().join("yorisoi.db").exists(),
        "the default SQLite file is created in the working directory"
    );

    let bad_role = yorisoi(dir.path())
        .args([
            "create-user",
            "--email",
            "a@example.jp",
            "--name",
            "A",
            "--display-name",
            "A",
            "--role",
            "root",
        ])
        .env("YORISOI_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("--role: `root` is not one of"));

    let no_password = yorisoi(dir.path())
        .args([
            "create-user",
            "--email",
            "a@example.jp",
            "--name",
            "A",
            "--display-name",
            "A",
            "--role",
            "admin",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!no_password.status.success());
    assert!(String::from_utf8_lossy(&no_password.stderr).contains("YORISOI_PASSWORD"));

    let created = yorisoi(dir.path())
        .args([
            "create-user",
            "--email",
            "Admin@Example.jp",
            "--name",
            "山本 花子",
            "--display-name",
            "山本",
            "--role",
            "admin",
        ])
        .env("YORISOI_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let again = yorisoi(dir.path())
        .args([
            "create-user",
            "--email",
            "admin@example.jp",
            "--name",
            "X",
            "--display-name",
            "X",
            "--role",
            "admin",
        ])
        .env("YORISOI_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_logs_a_setup_link_that_creates_the_first_admin() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = yorisoi(dir.path())
        .env("YORISOI_BIND", format!("127.0.0.1:{port}"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut link = None;
    while Instant::now() < deadline && link.is_none() {
        if let Ok(line) = receiver.recv_timeout(Duration::from_millis(200))
            && let Some(start) = line.find("http://")
            && line.contains("/setup/")
        {
            link = Some(line[start..].trim().to_owned());
        }
    }
    let link = link.expect("serve logs a setup link while no staff exist");
    let base = format!("http://127.0.0.1:{port}");
    assert!(link.starts_with(&base), "{link}");
    let browser = Browser::new(&base);
    let mut healthy = false;
    for _ in 0..100 {
        if let Ok(response) = reqwest::get(format!("{base}/healthz")).await {
            healthy = response.status() == StatusCode::OK;
            if healthy {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healthy, "/healthz answers 200");
    let path = &link[base.len()..];
    assert_eq!(browser.get(path).await.status, StatusCode::OK);
    let done = browser
        .post(
            path,
            &[
                ("email", "first@example.jp"),
                ("full_name", "First Admin"),
                ("display_name", "First"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get(path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        browser
            .sign_in("first@example.jp", PASSWORD)
            .await
            .location(),
        Some("/staff")
    );
    assert_eq!(browser.get("/staff").await.status, StatusCode::OK);
    drop(server);
}

fn start_server(dir: &std::path::Path, database_url: &str, port: u16, smtp: &str) -> Server {
    let child = yorisoi(dir)
        .env("DATABASE_URL", database_url)
        .env("YORISOI_BIND", format!("127.0.0.1:{port}"))
        .env("SMTP_URL", smtp)
        .stderr(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Server(child)
}

async fn wait_healthy(port: u16) {
    for _ in 0..200 {
        if let Ok(response) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await
            && response.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not answer /healthz");
}

/// An email committed while the server runs is delivered after the server is killed with
/// SIGKILL and started again, exactly once.
async fn a_killed_server_delivers_after_restart(backend: crate::support::Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = crate::support::empty_database(backend, dir.path()).await else {
        eprintln!("skipped on PostgreSQL: TEST_POSTGRES_URL is not set");
        return;
    };
    let database_url = database.url.clone();
    let mut receiver = crate::smtp::Receiver::down().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = start_server(dir.path(), &database_url, port, &receiver.url());
    wait_healthy(port).await;

    // Another process commits an invitation and exits; the server has not sent it yet.
    let created = yorisoi(dir.path())
        .args([
            "create-user",
            "--invite",
            "--lang",
            "en",
            "--email",
            "kill@example.jp",
            "--name",
            "Kill Test",
            "--display-name",
            "Kill",
            "--role",
            "coordinator",
        ])
        .env("DATABASE_URL", &database_url)
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    assert!(receiver.arrived().is_empty());

    receiver.up().await;
    let _restarted = start_server(dir.path(), &database_url, port, &receiver.url());
    let arrived = receiver.wait_for(1, 90).await;
    assert_eq!(arrived.len(), 1, "delivered after the restart");
    let parsed = arrived[0].parsed();
    assert_eq!(
        parsed.subject(),
        Some("Your Yorisoi staff account is ready")
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.arrived().len(), 1, "exactly once");
    drop(_restarted);
}

crate::backend_tests!(a_killed_server_delivers_after_restart);

#[test]
fn demo_loads_staff_with_free_times_and_can_run_twice() {
    let dir = tempfile::tempdir().unwrap();
    let first = yorisoi(dir.path()).arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    for line in [
        "coordinator@demo.yorisoi.example",
        "supervisor@demo.yorisoi.example",
        "sato@demo.yorisoi.example",
        "proxy@demo.yorisoi.example",
        "/book",
    ] {
        assert!(stdout.contains(line), "{line} in {stdout}");
    }
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Password for the new accounts: "))
        .expect("the password is printed")
        .to_owned();
    let again = yorisoi(dir.path()).arg("demo").output().unwrap();
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("already there"), "{stdout}");
    assert!(!stdout.contains("Password for the new accounts"));

    // The coordinator can sign in, and sessions can be booked at once.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut server = yorisoi(dir.path())
            .env("YORISOI_BIND", format!("127.0.0.1:{port}"))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let browser = Browser::new(&base);
        wait_healthy(port).await;
        let signed_in = browser
            .sign_in("coordinator@demo.yorisoi.example", &password)
            .await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
        let customer = Browser::new(&base);
        customer
            .post("/book/mode", &[("mode", "sign_language_video")])
            .await;
        let mut offered = false;
        for week in 0..3 {
            let days = customer.get(&format!("/book/day?week={week}")).await;
            offered |= days.body.contains("type=\"radio\"");
        }
        // The demo proxy signs in and sees the customer they act for.
        let proxy = Browser::new(&base);
        let signed_in = proxy
            .post(
                "/proxy/login",
                &[
                    ("email", "proxy@demo.yorisoi.example"),
                    ("password", &password),
                ],
            )
            .await;
        let portal = proxy.get("/proxy").await;
        // The lost-card page gives the demo's 24-hour stop page and line.
        let lost = customer.get("/requests/new/lost-card").await;
        // The demo's done case is on the public page, raised by two customers.
        let improvements = customer.get("/improvements").await;
        server.kill().ok();
        server.wait().ok();
        assert!(offered, "the demo offers free times within three weeks");
        assert_eq!(signed_in.location(), Some("/proxy"));
        assert!(portal.body.contains("山田 花子"), "{}", portal.body);
        assert_eq!(
            lost.attr("#card-stop-page", "href").as_deref(),
            Some(yorisoi::services::demo::DEMO_CARD_STOP_PAGE)
        );
        assert!(
            lost.body
                .contains(yorisoi::services::demo::DEMO_CARD_STOP_LINE)
        );
        assert_eq!(improvements.texts("main article").len(), 1);
        assert!(
            improvements.text("main article").contains("2人のお客さま"),
            "{}",
            improvements.body
        );
    });
}

/// Starts `yorisoi serve` under a descriptor limit of 1,024, as many hosts have, logging to
/// `log` at the info level.
fn start_limited_server(
    dir: &std::path::Path,
    database_url: &str,
    port: u16,
    log: &std::path::Path,
) -> Server {
    let child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" serve")
        .arg(env!("CARGO_BIN_EXE_yorisoi"))
        .current_dir(dir)
        .env_remove("YORISOI_BASE_URL")
        .env_remove("YORISOI_TRUSTED_PROXIES")
        .env_remove("YORISOI_MAX_CONNECTIONS")
        .env("RUST_LOG", "info")
        .env("DATABASE_URL", database_url)
        .env("YORISOI_BIND", format!("127.0.0.1:{port}"))
        .env("MAIL_DIR", dir.join("mail"))
        .stderr(std::fs::File::create(log).unwrap())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Server(child)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends SIGTERM and waits for the process to end; how long it took.
fn terminate(server: &mut Server, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    while started.elapsed() < within {
        if server.0.try_wait().unwrap().is_some() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// 1,100 clients that open a request and never finish it, at a limit of 1,024 open files:
/// the health check is still answered, and SIGTERM still stops the server.
async fn slow_clients_cannot_take_the_server(backend: crate::support::Backend) {
    flood_of_slow_clients(backend, 3).await;
}

/// The same when every one of them is busy sending a body a byte at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_alone_cannot_take_the_server() {
    flood_of_slow_clients(crate::support::Backend::Sqlite, usize::MAX).await;
}

/// Opens 1,100 connections of which every `headers_every`-th stops inside its headers and
/// the rest inside a body, then asks for `/healthz` and sends SIGTERM.
async fn flood_of_slow_clients(backend: crate::support::Backend, headers_every: usize) {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let Some(database) = crate::support::empty_database(backend, dir.path()).await else {
        return;
    };
    let database_url = database.url.clone();
    let port = free_port();
    let log = dir.path().join("server.log");
    let mut server = start_limited_server(dir.path(), &database_url, port, &log);
    wait_healthy(port).await;
    let mut slow = Vec::new();
    for n in 0..1_100 {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| panic!("connection {n}: {e}"));
        let start: &[u8] = if n % headers_every == 0 && headers_every != usize::MAX {
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "
        } else {
            b"POST /book/mode HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nmode="
        };
        let _ = stream.write_all(start).await;
        slow.push(stream);
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    // At the cap, with every connection busy sending a body, a stalled one makes way within
    // seconds; with quiet ones among them, at once.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut answered = 0;
    let mut last_error = String::new();
    while answered < 3 && Instant::now() < deadline {
        match client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
        {
            Ok(r) => {
                assert_eq!(r.status(), StatusCode::OK);
                answered += 1;
            }
            Err(e) => {
                last_error = e.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    assert_eq!(
        answered,
        3,
        "/healthz did not keep answering with 1,100 slow clients open: {last_error}\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let took = terminate(&mut server, Duration::from_secs(30));
    assert!(
        took.is_some(),
        "SIGTERM did not stop the server within 30 s while slow clients were open"
    );
    drop(slow);
}

crate::backend_tests!(slow_clients_cannot_take_the_server);

/// The request log names each route's pattern, never the secret token in a link's path; the
/// setup link printed at first start is still there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_holds_no_secret_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("server.log");
    let database_url = format!("sqlite://{}", dir.path().join("y.db").display());
    let mut server = start_limited_server(dir.path(), &database_url, port, &log);
    wait_healthy(port).await;
    let secret = "5ec7e7".repeat(10) + "abcd";
    let paths = [
        format!("/bookings/{secret}"),
        format!("/bookings/{secret}/reschedule"),
        format!("/requests/{secret}"),
        format!("/staff/reset/{secret}"),
        format!("/staff/invitation/{secret}"),
        format!("/proxy/activate/{secret}"),
        format!("/proxy/reset/{secret}"),
        format!("/setup/{secret}"),
        format!("/no/such/page/{secret}"),
    ];
    let browser = Browser::new(&format!("http://127.0.0.1:{port}"));
    for path in &paths {
        browser.get(path).await;
    }
    browser.post(&format!("/requests/{secret}/book"), &[]).await;
    terminate(&mut server, Duration::from_secs(30));
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        !written.contains(&secret),
        "a token reached the log:\n{written}"
    );
    for route in [
        "route=/bookings/{token}",
        "route=/requests/{token}/book",
        "route=/staff/reset/{token}",
        "route=/healthz",
    ] {
        assert!(written.contains(route), "{route} is not in:\n{written}");
    }
    assert!(
        written.contains("/setup/"),
        "the setup link is printed at first start"
    );
}
