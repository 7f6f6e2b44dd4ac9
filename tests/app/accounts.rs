//! Admins manage staff accounts.

use crate::db_tests;
use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::Role;

db_tests!(
    an_admin_creates_an_account_that_can_sign_in,
    a_rejected_account_form_keeps_what_was_typed,
    an_admin_changes_display_name_and_role,
    deactivation_ends_sessions_and_blocks_sign_in,
    the_last_admin_cannot_be_removed,
);

async fn an_admin_creates_an_account_that_can_sign_in(app: TestApp) {
    let (admin, _) = app.signed_in(Role::Admin).await;
    let form = admin
        .get_with("/staff/users/new", &[("accept-language", "en")])
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.texts("#role ~ label, .choice__label"),
        vec!["Administrator", "Supervisor", "Coordinator", "Interpreter"]
    );
    let created = admin
        .post(
            "/staff/users/new",
            &[
                ("email", "Nakamura@Example.jp"),
                ("full_name", "中村 一郎"),
                ("display_name", "中村"),
                ("role", "interpreter"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let list = admin.get(created.location().unwrap()).await;
    assert!(list.body.contains("banner--success"));
    assert!(
        list.texts("tbody td")
            .contains(&"nakamura@example.jp".to_owned())
    );
    let staff = app.browser();
    assert_eq!(
        staff.sign_in("nakamura@example.jp", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let dashboard = staff.get("/staff").await;
    assert!(dashboard.body.contains("中村"));
    assert_eq!(
        staff.get("/staff/users").await.status,
        StatusCode::FORBIDDEN,
        "an interpreter manages no accounts"
    );
}

async fn a_rejected_account_form_keeps_what_was_typed(app: TestApp) {
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.create_staff("taken@example.jp", Role::Coordinator)
        .await;
    let before = app.count("staff_users").await;
    let page = admin
        .post(
            "/staff/users/new",
            &[
                ("email", "TAKEN@example.jp"),
                ("full_name", "Taro Yamada"),
                ("display_name", "Yamada"),
                ("role", "coordinator"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.texts(".error-summary a"),
        vec!["このメールアドレスのアカウントはすでにあります"]
    );
    assert_eq!(
        page.attr("#full_name", "value").as_deref(),
        Some("Taro Yamada")
    );
    assert!(
        page.attr("input[name=role][value=coordinator]", "checked")
            .is_some()
    );

    let page = admin.post("/staff/users/new", &[("role", "root")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let links: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse(".error-summary a").unwrap())
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(
        links,
        vec![
            "#email",
            "#full_name",
            "#display_name",
            "#role",
            "#password"
        ]
    );
    assert_eq!(
        app.count("staff_users").await,
        before,
        "nothing half-written"
    );
}

async fn an_admin_changes_display_name_and_role(app: TestApp) {
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = app
        .create_staff("kimura@example.jp", Role::Interpreter)
        .await;
    let (staff, staff_id) = (app.browser(), id);
    staff.sign_in("kimura@example.jp", PASSWORD).await;
    assert_eq!(
        staff.get("/staff/audit").await.status,
        StatusCode::FORBIDDEN
    );

    let path = format!("/staff/users/{staff_id}");
    let empty = admin
        .post(&path, &[("display_name", " "), ("role", "admin")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.texts(".error-summary a"),
        vec!["表示名を入力してください"]
    );

    let saved = admin
        .post(&path, &[("display_name", "木村"), ("role", "admin")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = admin.get(saved.location().unwrap()).await;
    assert_eq!(page.attr("#display_name", "value").as_deref(), Some("木村"));
    // The new role applies to the live session at once.
    assert_eq!(staff.get("/staff/audit").await.status, StatusCode::OK);
    assert_eq!(
        admin.get("/staff/users/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/staff/users/not-a-number").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn deactivation_ends_sessions_and_blocks_sign_in(app: TestApp) {
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = app
        .create_staff("sakai@example.jp", Role::Coordinator)
        .await;
    let staff = app.browser();
    staff.sign_in("sakai@example.jp", PASSWORD).await;
    assert_eq!(staff.get("/staff").await.status, StatusCode::OK);

    let done = admin
        .post(&format!("/staff/users/{id}/deactivate"), &[])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        staff.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "the session ended"
    );
    let again = app.browser().sign_in("sakai@example.jp", PASSWORD).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a deactivated account cannot sign in"
    );
    let page = admin.get(&format!("/staff/users/{id}")).await;
    assert!(page.body.contains("停止中"));

    assert_eq!(
        admin
            .post(&format!("/staff/users/{id}/reactivate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.browser()
            .sign_in("sakai@example.jp", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn the_last_admin_cannot_be_removed(app: TestApp) {
    let (admin, admin_id) = app.signed_in(Role::Admin).await;
    let own = admin
        .post(&format!("/staff/users/{admin_id}/deactivate"), &[])
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
    assert_eq!(
        own.texts(".error-summary a"),
        vec!["自分のアカウントは停止できません"]
    );
    let demote = admin
        .post(
            &format!("/staff/users/{admin_id}"),
            &[("display_name", "Boss"), ("role", "coordinator")],
        )
        .await;
    assert_eq!(demote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(demote.body.contains("有効な管理者はこのアカウントだけです"));
    assert_eq!(
        admin.get("/staff/users").await.status,
        StatusCode::OK,
        "still an admin"
    );
}
