//! The first-run setup link.

use crate::db_tests;
use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;

db_tests!(
    setup_link_creates_the_first_admin_once,
    setup_link_rejects_mistakes_and_keeps_what_was_typed,
    no_setup_link_once_staff_exist
);

fn path_of(link: &str) -> String {
    let start = link.find("/setup/").unwrap();
    link[start..].to_owned()
}

async fn setup_link_creates_the_first_admin_once(app: TestApp) {
    let link = app
        .app
        .setup_link()
        .await
        .unwrap()
        .expect("no staff yet, so a link");
    assert!(link.starts_with(&app.base));
    // A second instance starting at the same time makes its own link.
    let other = app.app.setup_link().await.unwrap().unwrap();
    let path = path_of(&link);
    let browser = app.browser();
    let form = browser.get_with(&path, &[("accept-language", "en")]).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.texts("h1"), vec!["Create the first administrator"]);
    assert_eq!(form.headers.get("cache-control").unwrap(), "no-store");

    let done = browser
        .post(
            &path,
            &[
                ("email", "Admin@Example.JP"),
                ("full_name", "Hanako Sato"),
                ("display_name", "Sato"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some("/staff/login?created=1"));

    // The link, and the other instance's link, answer 404 for ever.
    assert_eq!(browser.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        browser.get(&path_of(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let again = browser
        .post(
            &path_of(&other),
            &[
                ("email", "intruder@example.jp"),
                ("full_name", "Intruder"),
                ("display_name", "X"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("staff_users").await, 1);

    // The new admin signs in and reaches the dashboard.
    let signed_in = browser.sign_in("admin@example.jp", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.location(), Some("/staff"));
    let dashboard = browser
        .get_with("/staff", &[("accept-language", "en")])
        .await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(dashboard.texts("h1"), vec!["Welcome, Sato"]);
    assert!(dashboard.body.contains("Signed in as Sato (Administrator)"));
    assert!(
        app.app.setup_link().await.unwrap().is_none(),
        "no new link once an admin exists"
    );
}

async fn setup_link_rejects_mistakes_and_keeps_what_was_typed(app: TestApp) {
    let path = path_of(&app.app.setup_link().await.unwrap().unwrap());
    let browser = app.browser();
    browser.get(&path).await;
    let page = browser
        .post(
            &path,
            &[
                ("email", "not-an-address"),
                ("full_name", "佐藤 花子"),
                ("display_name", ""),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.title().starts_with("エラー（3件）："),
        "{}",
        page.title()
    );
    let summary = page.texts(".error-summary a");
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert_eq!(
        page.attr(".error-summary a", "href").as_deref(),
        Some("#email")
    );
    assert_eq!(
        page.attr("#email", "value").as_deref(),
        Some("not-an-address")
    );
    assert_eq!(
        page.attr("#full_name", "value").as_deref(),
        Some("佐藤 花子")
    );
    assert_eq!(
        page.attr("#email", "aria-describedby").as_deref(),
        Some("email-hint email-error")
    );
    assert_eq!(
        page.attr("#password", "value").as_deref(),
        Some(""),
        "passwords are never sent back"
    );
    assert_eq!(app.count("staff_users").await, 0, "nothing half-written");
    assert_eq!(
        browser.get(&path).await.status,
        StatusCode::OK,
        "the link still works after a mistake"
    );
}

async fn no_setup_link_once_staff_exist(app: TestApp) {
    let link = app.app.setup_link().await.unwrap().unwrap();
    app.create_staff("first@example.jp", yorisoi::domain::Role::Admin)
        .await;
    assert_eq!(
        app.browser().get(&path_of(&link)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser().get("/setup/0000").await.status,
        StatusCode::NOT_FOUND
    );
}
