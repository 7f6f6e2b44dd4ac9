//! Staff sign-in, sessions, lock-out and password changes.

use crate::db_tests;
use crate::support::{Backend, Browser, PASSWORD, TestApp};
use reqwest::StatusCode;
use time::Duration;
use yorisoi::domain::Role;

db_tests!(
    wrong_password_and_unknown_email_get_the_same_answer,
    sign_in_starts_a_fresh_session_and_sign_out_ends_it,
    sessions_expire_when_idle,
    ten_failures_pause_the_account_for_fifteen_minutes,
    a_staff_member_changes_their_password,
    anonymous_visitors_are_sent_to_sign_in_and_come_back,
);

async fn wrong_password_and_unknown_email_get_the_same_answer(app: TestApp) {
    app.create_staff("kato@example.jp", Role::Coordinator).await;
    let browser = app.browser();
    let wrong = browser
        .sign_in("kato@example.jp", "not the right password")
        .await;
    let unknown = browser
        .sign_in("nobody@example.jp", "not the right password")
        .await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.texts(".error-summary a"),
            vec!["メールアドレスまたはパスワードが正しくありません"]
        );
        assert!(
            page.set_cookies()
                .iter()
                .all(|c| !c.starts_with("yorisoi_session="))
        );
    }
    assert_eq!(
        wrong.attr("#email", "value").as_deref(),
        Some("kato@example.jp"),
        "the email typed is kept"
    );
    let empty = browser
        .post("/staff/login", &[("email", ""), ("password", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.texts(".error-summary a").len(), 2);
}

async fn sign_in_starts_a_fresh_session_and_sign_out_ends_it(app: TestApp) {
    app.create_staff("ito@example.jp", Role::Interpreter).await;
    let browser = app.browser();
    let page = browser.sign_in("ito@example.jp", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("yorisoi_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "plain http base URL");
    let session = browser.cookie("yorisoi_session").unwrap();
    assert_eq!(app.count("account_sessions WHERE realm = 'staff'").await, 1);
    // Only the hash of the cookie is stored.
    let stored: i64 = {
        let backend = app.state().db.get_database_backend();
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &app.state().db,
            sea_orm::Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM account_sessions WHERE id = '{session}'"),
            ),
        )
        .await
        .unwrap()
        .unwrap();
        row.try_get("", "n").unwrap()
    };
    assert_eq!(stored, 0, "the raw token is not in the database");

    // Signing in again gives a different session id.
    let again = app.browser();
    again.sign_in("ito@example.jp", PASSWORD).await;
    assert_ne!(again.cookie("yorisoi_session").unwrap(), session);

    assert_eq!(browser.get("/staff").await.status, StatusCode::OK);
    let out = browser.post("/staff/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/staff/login?signed_out=1"));
    // The old cookie no longer opens anything, even if replayed.
    let replay = Browser::new(&app.base);
    replay.get("/").await;
    let replayed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/staff", app.base))
        .header("cookie", format!("yorisoi_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), StatusCode::SEE_OTHER);
    assert!(
        replayed.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/staff/login")
    );
}

async fn sessions_expire_when_idle(app: TestApp) {
    let (browser, _) = app.signed_in(Role::Supervisor).await;
    app.clock.advance(Duration::minutes(90));
    assert_eq!(
        browser.get("/staff").await.status,
        StatusCode::OK,
        "activity within the idle limit keeps it"
    );
    app.clock.advance(Duration::minutes(90));
    assert_eq!(browser.get("/staff").await.status, StatusCode::OK);
    app.clock.advance(Duration::hours(2) + Duration::minutes(1));
    let page = browser.get("/staff").await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "idle for over two hours"
    );
    assert!(page.location().unwrap().starts_with("/staff/login"));
    assert_eq!(app.count("account_sessions WHERE realm = 'staff'").await, 0);
}

async fn ten_failures_pause_the_account_for_fifteen_minutes(app: TestApp) {
    app.create_staff("mori@example.jp", Role::Coordinator).await;
    let browser = app.browser();
    for attempt in 1..=9 {
        let page = browser
            .sign_in("mori@example.jp", "a wrong password, again")
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}"
        );
    }
    let tenth = browser
        .sign_in("mori@example.jp", "a wrong password, again")
        .await;
    assert_eq!(tenth.status, StatusCode::TOO_MANY_REQUESTS);
    // Even the right password is refused now, with a clear time to come back.
    let refused = browser.get("/language/en?next=/staff/login").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let refused = browser.sign_in("mori@example.jp", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Sign-in is paused for a while"));
    assert!(
        refused.body.contains("You can try again after"),
        "{}",
        refused.body
    );
    assert!(refused.headers.get("retry-after").is_some());
    assert_eq!(
        app.count("audit_events WHERE action = 'staff.locked_out'")
            .await,
        1
    );

    app.clock.advance(Duration::minutes(16));
    let page = browser.sign_in("mori@example.jp", PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "the pause lifts after fifteen minutes"
    );
}

async fn a_staff_member_changes_their_password(app: TestApp) {
    let email = "ueda@example.jp";
    app.create_staff(email, Role::Coordinator).await;
    let browser = app.browser();
    browser.sign_in(email, PASSWORD).await;
    let elsewhere = app.browser();
    elsewhere.sign_in(email, PASSWORD).await;

    let wrong = browser
        .post(
            "/staff/password",
            &[
                ("current_password", "not my password at all"),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.texts(".error-summary a"),
        vec!["現在のパスワードが正しくありません"]
    );

    let mismatch = browser
        .post(
            "/staff/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a different one here"),
            ],
        )
        .await;
    assert_eq!(
        mismatch.texts(".error-summary a"),
        vec!["2つの新しいパスワードが一致しません"]
    );

    let done = browser
        .post(
            "/staff/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        browser.get("/staff").await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "other sessions end"
    );
    assert_eq!(
        app.browser().sign_in(email, PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.browser()
            .sign_in(email, "a brand new passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn anonymous_visitors_are_sent_to_sign_in_and_come_back(app: TestApp) {
    app.create_staff("abe@example.jp", Role::Admin).await;
    let browser = app.browser();
    let page = browser.get("/staff/users?done=created").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        Some("/staff/login?next=%2Fstaff%2Fusers%3Fdone%3Dcreated")
    );
    let form = browser.get(page.location().unwrap()).await;
    assert_eq!(
        form.attr("input[name=next]", "value").as_deref(),
        Some("/staff/users?done=created")
    );
    let signed_in = browser
        .post(
            "/staff/login",
            &[
                ("email", "abe@example.jp"),
                ("password", PASSWORD),
                ("next", "/staff/users?done=created"),
            ],
        )
        .await;
    assert_eq!(signed_in.location(), Some("/staff/users?done=created"));
    let hostile = app
        .browser()
        .post(
            "/staff/login",
            &[
                ("email", "abe@example.jp"),
                ("password", PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(hostile.location(), Some("/staff"));
}

#[tokio::test]
async fn secure_cookies_when_the_base_url_is_https() {
    let app = TestApp::spawn(Backend::Sqlite, |config| {
        config.base_url = "https://support.example.jp".into()
    })
    .await
    .unwrap();
    app.create_staff("https@example.jp", Role::Admin).await;
    let page = app.browser().get("/").await;
    assert!(
        page.set_cookies().iter().all(|c| c.contains("; Secure")),
        "{:?}",
        page.set_cookies()
    );
}
