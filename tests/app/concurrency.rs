//! Many writers at once never meet "database is locked".

use crate::db_tests;
use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::Role;

db_tests!(concurrent_writers_all_succeed);

async fn concurrent_writers_all_succeed(app: TestApp) {
    for n in 0..4 {
        app.create_staff(&format!("busy{n}@example.jp"), Role::Coordinator)
            .await;
    }
    let mut tasks = Vec::new();
    for n in 0..32 {
        let base = app.base.clone();
        tasks.push(tokio::spawn(async move {
            let browser = crate::support::Browser::new(&base);
            let email = format!("busy{}@example.jp", n % 4);
            // Half sign in (session + attempt + audit rows), half fail (attempt + audit rows).
            let password = if n % 2 == 0 {
                PASSWORD.to_owned()
            } else {
                format!("wrong password number {n}")
            };
            let page = browser.sign_in(&email, &password).await;
            (n, page.status)
        }));
    }
    for task in tasks {
        let (n, status) = task.await.unwrap();
        let expected = if n % 2 == 0 {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        assert_eq!(status, expected, "request {n}");
    }
    assert_eq!(
        app.count("login_attempts WHERE succeeded = false").await,
        16,
        "every failure was kept"
    );
    assert_eq!(app.count("staff_sessions").await, 16);
}
