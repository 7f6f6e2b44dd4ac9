//! Public pages, the layout, languages, preferences, headers and error pages.

use crate::db_tests;
use crate::support::TestApp;
use reqwest::StatusCode;

db_tests!(
    start_page_speaks_the_visitors_language,
    language_switch_is_remembered,
    every_response_carries_the_security_headers,
    unknown_pages_get_the_404_page_in_the_layout,
    health_check_answers_when_the_database_does,
    preferences_change_the_page_without_script,
    oversized_bodies_are_refused,
    a_broken_database_gives_the_500_page_with_a_request_id,
    assets_are_cached_for_a_year,
);

async fn start_page_speaks_the_visitors_language(app: TestApp) {
    let browser = app.browser();
    let ja = browser.get("/").await;
    assert_eq!(ja.status, StatusCode::OK);
    assert_eq!(
        ja.attr("html", "lang").as_deref(),
        Some("ja"),
        "Japanese is the default"
    );
    assert_eq!(ja.texts("h1"), vec!["電話を使わずにご相談いただけます"]);
    assert!(ja.title().contains("よりそいサポート窓口"));

    let en = browser
        .get_with("/", &[("accept-language", "en-GB,en;q=0.9,ja;q=0.5")])
        .await;
    assert_eq!(en.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(en.texts("h1"), vec!["Get help without using the phone"]);

    // Skip link, main landmark, footer link to the statement.
    assert_eq!(en.attr("a.skip-link", "href").as_deref(), Some("#main"));
    assert_eq!(en.attr("main", "id").as_deref(), Some("main"));
    assert!(
        en.texts("footer a")
            .contains(&"Accessibility statement".to_owned())
    );

    // The start page links the journeys that exist, and none that does not exist yet.
    assert!(en.body.contains("href=\"/book\""), "booking is offered");
    assert!(
        en.body.contains("href=\"/proxy/apply\""),
        "proxy applications are offered"
    );
    assert!(
        en.body.contains("href=\"/requests/new\""),
        "requests are offered"
    );
    assert!(
        en.body.contains("href=\"/feedback\""),
        "the feedback form is linked from every public footer"
    );

    let statement = browser
        .get_with("/accessibility", &[("accept-language", "en")])
        .await;
    assert_eq!(statement.status, StatusCode::OK);
    assert_eq!(statement.texts("h1"), vec!["Accessibility statement"]);
    assert!(statement.body.contains("Reporting a problem"));
}

async fn language_switch_is_remembered(app: TestApp) {
    let browser = app.browser();
    let page = browser.get("/accessibility").await;
    let href = page
        .attr("a[hreflang=en]", "href")
        .expect("a link to English");
    assert_eq!(href, "/language/en?next=%2Faccessibility");
    let switched = browser.get(&href).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), Some("/accessibility"));
    assert!(
        switched
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("yorisoi_lang=en;")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Lax"))
    );
    // The choice wins over the browser's Accept-Language from now on.
    let page = browser.get_with("/", &[("accept-language", "ja")]).await;
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    // An address elsewhere is never followed.
    let elsewhere = browser.get("/language/ja?next=//evil.example/").await;
    assert_eq!(elsewhere.location(), Some("/"));
    assert_eq!(
        browser.get("/language/fr").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    let browser = app.browser();
    let pages = [
        browser.get("/").await,
        browser.get("/no-such-page").await,
        browser.get("/healthz").await,
        browser.get("/staff/login").await,
        browser.post_raw("/staff/login", &[("email", "x")]).await,
    ];
    for page in pages {
        let csp = page
            .headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
        ] {
            assert!(
                csp.contains(directive),
                "{directive} missing for {}",
                page.status
            );
        }
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(
            page.headers.get("x-content-type-options").unwrap(),
            "nosniff"
        );
        assert!(page.headers.get("referrer-policy").is_some());
    }
}

async fn unknown_pages_get_the_404_page_in_the_layout(app: TestApp) {
    let page = app
        .browser()
        .get_with("/nothing/here", &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.texts("h1"), vec!["Page not found"]);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert!(
        page.body.contains("href=\"/accessibility\""),
        "the layout's footer is there"
    );
    let ja = app.browser().get("/nothing/here").await;
    assert_eq!(ja.texts("h1"), vec!["ページが見つかりません"]);
}

async fn health_check_answers_when_the_database_does(app: TestApp) {
    let page = app.browser().get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.trim(), "ok");
    app.state().db.clone().close().await.unwrap();
    let page = app.browser().get("/healthz").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.body.trim(), "database unavailable");
}

async fn preferences_change_the_page_without_script(app: TestApp) {
    let browser = app.browser();
    let form = browser
        .get_with("/preferences", &[("accept-language", "en")])
        .await;
    assert_eq!(
        form.attr("body", "class").as_deref(),
        Some("text-standard contrast-standard")
    );
    assert_eq!(form.texts("legend"), vec!["Text size", "Colours"]);
    let saved = browser
        .post(
            "/preferences",
            &[("text_size", "larger"), ("contrast", "high")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = browser.get(saved.location().unwrap()).await;
    assert_eq!(
        after.attr("body", "class").as_deref(),
        Some("text-larger contrast-high")
    );
    assert!(
        after.attr("#text_size-3", "checked").is_some(),
        "the chosen size is ticked"
    );
    assert!(after.body.contains("banner--success"));
    let other = browser.get("/").await;
    assert_eq!(
        other.attr("body", "class").as_deref(),
        Some("text-larger contrast-high")
    );
}

async fn oversized_bodies_are_refused(app: TestApp) {
    let browser = app.browser();
    browser.get("/").await;
    let big = format!(
        "csrf_token={}&email={}",
        browser.cookie("yorisoi_csrf").unwrap(),
        "a".repeat(200_000)
    );
    let page = browser
        .post_bytes(
            "/staff/login",
            "application/x-www-form-urlencoded",
            big.into_bytes(),
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(page.texts("h1").len(), 1, "the 413 page is in the layout");
}

async fn a_broken_database_gives_the_500_page_with_a_request_id(app: TestApp) {
    let (browser, _) = app.signed_in(yorisoi::domain::Role::Admin).await;
    app.sql("DROP TABLE audit_events").await;
    let page = browser
        .get_with("/staff/audit", &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(page.texts("h1"), vec!["Sorry, something went wrong"]);
    let id = page.text(".request-id");
    assert_eq!(id.len(), 16, "a request id is shown: {id:?}");
    assert_eq!(
        page.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some(id.as_str())
    );
    assert!(
        !page.body.to_lowercase().contains("no such table"),
        "no internals are shown"
    );
    assert!(!page.body.contains("audit_events"));
}

async fn assets_are_cached_for_a_year(app: TestApp) {
    let browser = app.browser();
    let page = browser.get("/").await;
    let href = page.attr("link[rel=stylesheet]", "href").unwrap();
    assert!(href.starts_with("/assets/site.") && href.ends_with(".css"));
    let css = browser.get(&href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(
        css.headers.get("content-type").unwrap(),
        "text/css; charset=utf-8"
    );
    assert!(
        css.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(css.body.contains(":focus-visible"));
    assert_eq!(
        browser.get("/assets/site.css").await.status,
        StatusCode::NOT_FOUND,
        "only fingerprinted names are served"
    );
}
