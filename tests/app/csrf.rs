//! Every POST route refuses a request without a valid CSRF token and changes nothing.

use crate::support::{Backend, PASSWORD, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::Role;
use yorisoi::web::routes;

const TABLES: [&str; 11] = [
    "staff_users",
    "account_sessions",
    "login_attempts",
    "audit_events",
    "outbox_messages",
    "account_links",
    "setup_tokens",
    "journey_drafts",
    "proxy_registrations",
    "proxy_accounts",
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

mod stale {
    //! A form whose security token has gone stale is shown again holding what was typed,
    //! with a plain message, and nothing is done; the token cookie outlives the browser.

    use crate::db_tests;
    use crate::support::{Browser, TestApp, see_other};
    use reqwest::StatusCode;
    use yorisoi::domain::Role;

    db_tests!(
        a_stale_token_shows_the_form_again_with_the_text,
        a_lost_token_cookie_keeps_the_thread_message_and_outlives_the_browser,
        a_form_that_cannot_be_shown_again_shows_what_was_written,
        a_foreign_page_gets_nothing_back_and_a_password_is_never_shown,
    );

    const STORY: &str = "I lost my card at Ueno station on 28 November around 15:00.\nThe last payment I made was at a café.";

    /// Posts a form with a wrong token, from the page at `from`, as a browser would.
    async fn post_stale(
        app: &TestApp,
        browser: &Browser,
        path: &str,
        from: &str,
        fields: &[(&str, &str)],
    ) -> crate::support::Page {
        let zeros = "0".repeat(64);
        let mut all = vec![("csrf_token", zeros.as_str())];
        all.extend_from_slice(fields);
        let referer = format!("{}{from}", app.base);
        browser
            .post_with(path, &all, &[("referer", referer.as_str())])
            .await
    }

    async fn a_stale_token_shows_the_form_again_with_the_text(app: TestApp) {
        let browser = app.english_browser().await;
        see_other(
            &browser
                .post("/requests/new/topic", &[("topic", "statements")])
                .await,
        );
        browser.get("/requests/new/details").await;
        let page = post_stale(
            &app,
            &browser,
            "/requests/new/details",
            "/requests/new/details",
            &[("details", STORY)],
        )
        .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(page.text("#kept-title"), "Please send it again");
        assert!(page.body.contains("For your safety"), "{}", page.body);
        assert!(!page.body.contains("account"), "no talk of an account");
        assert_eq!(
            page.text("textarea#details"),
            STORY,
            "the text is back in its field"
        );
        // Nothing was saved: the step page on its own shows an empty field.
        assert_eq!(
            browser
                .get("/requests/new/details")
                .await
                .text("textarea#details"),
            ""
        );
        // The form shown again carries a good token: sending it again goes on.
        let token = page.attr("input[name=csrf_token]", "value").unwrap();
        let sent = browser
            .post_with(
                "/requests/new/details",
                &[("csrf_token", token.as_str()), ("details", STORY)],
                &[],
            )
            .await;
        assert_eq!(see_other(&sent), "/requests/new/about-you");
        assert_eq!(
            browser
                .get("/requests/new/details")
                .await
                .text("textarea#details"),
            STORY
        );
    }

    async fn a_lost_token_cookie_keeps_the_thread_message_and_outlives_the_browser(app: TestApp) {
        // A request sent by email, then its thread opened in a browser that has lost the
        // token cookie (it only holds the language).
        let browser = app.english_browser().await;
        for (path, fields) in [
            ("/requests/new/topic", vec![("topic", "statements")]),
            (
                "/requests/new/details",
                vec![("details", "A payment shows twice.")],
            ),
            (
                "/requests/new/about-you",
                vec![("name", "山田 花子"), ("member_number", "")],
            ),
            ("/requests/new/reply", vec![("channel", "email")]),
            (
                "/requests/new/contact",
                vec![("email", "hanako@example.jp")],
            ),
        ] {
            see_other(&browser.post(path, &fields).await);
        }
        let thread = see_other(&browser.post("/requests/new/check", &[]).await);
        let thread = thread.trim_end_matches("?sent=1").to_owned();
        let messages = app.count("request_messages").await;

        let bare = Browser::with_headers(&app.base, &[("cookie", "yorisoi_lang=en")]);
        let referer = format!("{}{thread}", app.base);
        let page = bare
            .post_bytes_with(
                &thread,
                "application/x-www-form-urlencoded",
                serde_urlencoded::to_string([("message", STORY)])
                    .unwrap()
                    .into_bytes(),
                &[("referer", referer.as_str())],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(page.text("#kept-title"), "Please send it again");
        assert!(
            page.body.contains("A payment shows twice."),
            "the thread is shown"
        );
        assert_eq!(page.text("textarea#message"), STORY);
        assert_eq!(
            app.count("request_messages").await,
            messages,
            "nothing sent"
        );
        let cookie = page
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("yorisoi_csrf="))
            .expect("a new token cookie");
        assert!(
            cookie.contains("Max-Age="),
            "the token cookie outlives the browser session: {cookie}"
        );
        let token = page.attr("input[name=csrf_token]", "value").unwrap();
        assert!(
            cookie.starts_with(&format!("yorisoi_csrf={token};")),
            "the form carries the new cookie's token"
        );
    }

    async fn a_form_that_cannot_be_shown_again_shows_what_was_written(app: TestApp) {
        // No page to come back to (no Referer, and the step's own page needs a journey
        // this browser has not begun): what was written is shown to copy.
        let browser = app.english_browser().await;
        let zeros = "0".repeat(64);
        let page = browser
            .post_with(
                "/requests/new/details",
                &[("csrf_token", zeros.as_str()), ("details", STORY)],
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(page.text("h1"), "Please send it again");
        assert!(page.texts(".kept-text").iter().any(|t| t == STORY));
        assert_eq!(
            app.count("journey_drafts").await,
            0,
            "nothing kept on the server"
        );
    }

    async fn a_foreign_page_gets_nothing_back_and_a_password_is_never_shown(app: TestApp) {
        let browser = app.english_browser().await;
        browser.get("/requests/new/topic").await;
        let token = browser.cookie("yorisoi_csrf").unwrap();
        let foreign = browser
            .post_with(
                "/requests/new/topic",
                &[("csrf_token", token.as_str()), ("topic", "<b>planted</b>")],
                &[("origin", "https://evil.example")],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        assert!(!foreign.body.contains("planted"));
        assert!(!foreign.body.contains("send it again"));

        let staff_email = "stale-login@example.jp";
        app.create_staff(staff_email, Role::Coordinator).await;
        browser.get("/staff/login").await;
        let page = post_stale(
            &app,
            &browser,
            "/staff/login",
            "/staff/login",
            &[("email", staff_email), ("password", "secret-words-typed")],
        )
        .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(
            page.attr("input#email", "value").as_deref(),
            Some(staff_email)
        );
        assert!(!page.body.contains("secret-words-typed"));
        assert!(
            browser.get("/staff").await.status != StatusCode::OK,
            "not signed in"
        );
    }
}
