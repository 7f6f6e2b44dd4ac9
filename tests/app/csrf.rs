//! Every POST route refuses a request without a valid CSRF token and changes nothing.

use crate::support::{Backend, PASSWORD, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::Role;
use yorisoi::web::routes;

const TABLES: [&str; 13] = [
    "staff_users",
    "staff_sessions",
    "login_attempts",
    "audit_events",
    "outbox_messages",
    "staff_tokens",
    "setup_tokens",
    "journey_drafts",
    "proxy_registrations",
    "proxy_accounts",
    "proxy_sessions",
    "proxy_tokens",
    "proxy_end_requests",
];

async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        counts.push(app.count(table).await);
    }
    counts
}

async fn walk(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        eprintln!("skipped on PostgreSQL: TEST_POSTGRES_URL is not set");
        return;
    };
    let setup = app.app.setup_link().await.unwrap().unwrap();
    let setup_path = setup[setup.find("/setup/").unwrap()..].to_owned();
    let (admin, admin_id) = app.signed_in(Role::Admin).await;
    // The setup token row must outlive the sign-in above for the setup route to be walked.
    let target = app
        .create_staff("csrf-target@example.jp", Role::Coordinator)
        .await;
    let before = snapshot(&app).await;
    let mut posts = 0;
    for route in routes::table().into_iter().filter(|r| r.method == "POST") {
        let path = route
            .path
            .replace("{id}", &target.to_string())
            .replace("{token}", &setup_path["/setup/".len()..]);
        let fields: Vec<(&str, &str)> = vec![
            ("email", "forged@example.jp"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("full_name", "Forged"),
            ("display_name", "Forged"),
            ("role", "admin"),
            ("text_size", "larger"),
        ];
        let missing = admin.post_raw(&path, &fields).await;
        assert_eq!(
            missing.status,
            StatusCode::FORBIDDEN,
            "POST {path} without a token"
        );
        assert_eq!(
            missing.texts("h1").len(),
            1,
            "the 403 page is in the layout"
        );
        let zeros = "0".repeat(64);
        let mut wrong: Vec<(&str, &str)> = vec![("csrf_token", zeros.as_str())];
        wrong.extend_from_slice(&fields);
        let forged = admin.post_raw(&path, &wrong).await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "POST {path} with a wrong token"
        );
        posts += 1;
    }
    assert!(posts >= 8, "every POST route was walked ({posts})");
    assert_eq!(snapshot(&app).await, before, "nothing changed");
    assert!(
        admin.get("/staff").await.status == StatusCode::OK,
        "the admin is still signed in"
    );
    assert_eq!(
        admin.cookie("yorisoi_prefs"),
        None,
        "preferences were not changed"
    );
    let _ = admin_id;

    // A cross-site form post with the victim's cookies but a foreign Origin is refused too.
    let token = admin.cookie("yorisoi_csrf").unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/preferences", app.base))
        .header("origin", "https://evil.example")
        .header("cookie", format!("yorisoi_csrf={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={token}&text_size=large"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_route_refuses_a_missing_token_on_sqlite() {
    walk(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_route_refuses_a_missing_token_on_postgres() {
    walk(Backend::Postgres).await;
}
