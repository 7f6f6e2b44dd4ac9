//! The audit log records sign-ins and account changes; admins filter it.

use crate::db_tests;
use crate::support::{PASSWORD, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::Role;

db_tests!(account_changes_and_sign_ins_are_on_the_record);

async fn account_changes_and_sign_ins_are_on_the_record(app: TestApp) {
    let (admin, admin_id) = app.signed_in(Role::Admin).await;
    app.browser()
        .sign_in("nobody@example.jp", "wrong wrong wrong wrong")
        .await;
    let created = admin
        .post(
            "/staff/users/new",
            &[
                ("email", "okada@example.jp"),
                ("full_name", "岡田 次郎"),
                ("display_name", "岡田"),
                ("role", "coordinator"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);

    let page = admin
        .get_with("/staff/audit", &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let actions = page.texts("tbody tr td:nth-child(3)");
    for expected in ["Signed in", "Sign-in failed", "Staff account created"] {
        assert!(
            actions.contains(&expected.to_owned()),
            "{expected} missing from {actions:?}"
        );
    }
    // The creator and their role are on the row.
    assert!(page.body.contains("Administrator"));

    let only_created = admin
        .get(&format!(
            "/staff/audit?action=staff.account_created&actor={admin_id}"
        ))
        .await;
    let rows = only_created.texts("tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("okada@example.jp"));

    let tz = app.state().config.timezone;
    let today = time_tz::OffsetDateTimeExt::to_timezone(&app.state().now(), tz).date();
    let tomorrow = today.next_day().unwrap();
    let in_future = admin.get(&format!("/staff/audit?from={tomorrow}")).await;
    assert_eq!(in_future.texts("tbody tr").len(), 0);
    let up_to_today = admin
        .get(&format!("/staff/audit?to={today}&action=staff.signed_in"))
        .await;
    assert_eq!(up_to_today.texts("tbody tr").len(), 1);

    let bad = admin.get("/staff/audit?from=2026-13-40").await;
    assert_eq!(
        bad.texts(".error-summary a"),
        vec!["開始日を正しい日付で入力してください"]
    );
    assert_eq!(bad.attr("#from", "value").as_deref(), Some("2026-13-40"));

    // Sign-out is recorded too.
    admin.post("/staff/logout", &[]).await;
    assert_eq!(
        app.count("audit_events WHERE action = 'staff.signed_out'")
            .await,
        1
    );
    assert!(
        yorisoi::i18n::missing_keys().is_empty(),
        "{:?}",
        yorisoi::i18n::missing_keys()
    );
}
