//! Admins manage staff accounts.

use crate::db_tests;
use crate::support::{PASSWORD, TestApp, link_in};
use reqwest::StatusCode;
use yorisoi::domain::Role;

db_tests!(
    an_admin_creates_an_account_that_can_sign_in,
    invitations_expire_after_seven_days_and_can_be_sent_again,
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
        form.texts(".choice__label"),
        vec!["Administrator", "Supervisor", "Coordinator", "Interpreter"]
    );
    let fields = [
        ("email", "Nakamura@Example.jp"),
        ("full_name", "中村 一郎"),
        ("display_name", "中村"),
        ("role", "interpreter"),
    ];
    let created = admin.post("/staff/users/new", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let list = admin.get(created.location().unwrap()).await;
    assert!(list.body.contains("banner--success"));
    assert!(
        list.texts("tbody td")
            .contains(&"nakamura@example.jp".to_owned())
    );
    assert!(
        list.body.contains("招待中"),
        "the account waits for its password"
    );

    // With no mail server configured, the invitation is an .eml file in the mail folder.
    let emails = app.wait_for_dropped(1).await;
    assert_eq!(emails.len(), 1);
    let email = mail_parser::MessageParser::default()
        .parse(&emails[0])
        .unwrap();
    assert_eq!(
        email.to().unwrap().first().unwrap().address().unwrap(),
        "nakamura@example.jp"
    );
    assert_eq!(
        email.subject().unwrap(),
        "よりそいサポート窓口：職員アカウントの準備ができました"
    );
    let text = email.body_text(0).unwrap();
    assert!(
        text.contains("中村さん") && !text.contains("中村 一郎"),
        "display name only: {text}"
    );
    assert!(email.body_html(0).unwrap().contains("<html lang=\"ja\">"));
    let link = link_in(&emails[0], &app.base);
    let path = &link[app.base.len()..];
    assert!(path.starts_with("/staff/invitation/"));
    let early = app.browser().sign_in("nakamura@example.jp", PASSWORD).await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no password yet"
    );

    let invited = app.browser();
    let form = invited.get(path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.texts("h1"), vec!["パスワードを決める"]);
    let short = invited
        .post(
            path,
            &[("new_password", "short"), ("new_password_confirm", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = invited
        .post(
            path,
            &[
                ("new_password", PASSWORD),
                ("new_password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(saved.location(), Some("/staff/login?password_set=1"));
    assert_eq!(
        invited.get(path).await.status,
        StatusCode::NOT_FOUND,
        "the link works once"
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

async fn invitations_expire_after_seven_days_and_can_be_sent_again(app: TestApp) {
    let (admin, _) = app.signed_in(Role::Admin).await;
    let fields = [
        ("email", "late@example.jp"),
        ("full_name", "Late Comer"),
        ("display_name", "Late"),
        ("role", "coordinator"),
    ];
    assert_eq!(
        admin.post("/staff/users/new", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    let first = link_in(&app.wait_for_dropped(1).await[0], &app.base);
    app.clock
        .advance(time::Duration::days(7) + time::Duration::minutes(1));
    assert_eq!(
        app.browser().get(&first[app.base.len()..]).await.status,
        StatusCode::NOT_FOUND
    );

    // A week later the admin signs in again and sends a new invitation.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/staff/users").await;
    let row = scraper::Selector::parse("tbody tr").unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    let href = page
        .html()
        .select(&row)
        .find(|tr| tr.text().any(|t| t.contains("late@example.jp")))
        .and_then(|tr| tr.select(&link).next())
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a row for the invited account");
    let detail = admin.get(&href).await;
    assert!(
        detail.body.contains(&format!("action=\"{href}/invite\"")),
        "a button to send a new invitation"
    );
    let again = admin.post(&format!("{href}/invite"), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let second = link_in(&app.wait_for_dropped(2).await[1], &app.base);
    assert_ne!(first, second);
    assert_eq!(
        app.browser().get(&second[app.base.len()..]).await.status,
        StatusCode::OK
    );
}

async fn a_rejected_account_form_keeps_what_was_typed(app: TestApp) {
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.create_staff("taken@example.jp", Role::Coordinator)
        .await;
    let before = app.count("staff_users").await;
    let fields = [
        ("email", "TAKEN@example.jp"),
        ("full_name", "Taro Yamada"),
        ("display_name", "Yamada"),
        ("role", "coordinator"),
    ];
    let page = admin.post("/staff/users/new", &fields).await;
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
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        vec!["#email", "#full_name", "#display_name", "#role"]
    );
    assert_eq!(
        app.count("staff_users").await,
        before,
        "nothing half-written"
    );
    assert_eq!(
        app.count("outbox_messages").await,
        0,
        "no invitation for a rejected form"
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
