//! Incidents are kept for the years an admin sets (three unless changed), counted from when
//! they were closed, then deleted with all that belongs to them, each deletion leaving one
//! audit row with the reference and category alone. An open incident is never deleted by
//! time. The admin's incident settings page refuses what it cannot take, with the reason
//! and what was typed.

use crate::db_tests;
use crate::incidents::send_request;
use crate::support::{TestApp, see_other, today};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Duration, OffsetDateTime};
use yorisoi::domain::Role;
use yorisoi::domain::incident::{AdditionKind, IncidentStatus, ReportForm};
use yorisoi::domain::incident_settings::years_before;
use yorisoi::entities::{audit_event, incident, support_call};
use yorisoi::services::incidents::retention::delete_expired;
use yorisoi::services::incidents::support::{self, Place};
use yorisoi::services::incidents::{self, Start};

db_tests!(
    closed_incidents_are_deleted_once_kept_for_the_years_set,
    the_incident_settings_refuse_what_they_cannot_take_and_record_what_changed,
);

/// Reports an incident at `at` from `start`, with `affected` staff, and closes it there
/// when `close` (after recording the follow-up the affected staff were offered).
async fn incident_at(
    app: &TestApp,
    at: OffsetDateTime,
    reporter: i64,
    start: Start,
    affected: &[i64],
    close: bool,
) -> incident::Model {
    app.set_now(at);
    let db = &app.state().db;
    let origin = incidents::origin(db, start, reporter).await.unwrap();
    let day = today(app);
    let form = ReportForm {
        occurred_year: day.year().to_string(),
        occurred_month: u8::from(day.month()).to_string(),
        occurred_day: day.day().to_string(),
        occurred_time: "10:00".to_owned(),
        channel: "request".to_owned(),
        category: "abusive_words".to_owned(),
        account: "Wrote that I was useless and should be fired.".to_owned(),
        demand: "unreasonable".to_owned(),
        manner: "unacceptable".to_owned(),
        affected: affected.iter().map(i64::to_string).collect(),
        not_accommodation: "yes".to_owned(),
        ..ReportForm::default()
    };
    let report = form.check(day, origin.facts()).unwrap();
    let uc = app.uc();
    let found = incidents::report(&uc, reporter, &origin, &report)
        .await
        .unwrap();
    if close {
        incidents::add(
            &uc,
            reporter,
            found.id,
            AdditionKind::FollowUp,
            "Offered a talk with the supervisor and time off the queue.",
        )
        .await
        .unwrap();
        incidents::set_status(&uc, reporter, found.id, IncidentStatus::Closed)
            .await
            .unwrap();
    }
    found
}

async fn rows_for(app: &TestApp, table: &str, incident_id: i64) -> i64 {
    app.count(&format!("{table} WHERE incident_id = {incident_id}"))
        .await
}

async fn deletions(app: &TestApp) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("incident.deleted"))
        .all(&app.state().db)
        .await
        .unwrap()
}

/// The same moment `years` calendar years later.
fn years_after(at: OffsetDateTime, years: i64) -> OffsetDateTime {
    years_before(at, -years)
}

async fn closed_incidents_are_deleted_once_kept_for_the_years_set(app: TestApp) {
    // The clock only moves forward, and the deletion is asked for at a later `now`: the
    // app's own hourly run, which may be under way at start, finds nothing due meanwhile.
    let start = app.state().now();
    let now = years_after(start, 5);
    let request = send_request(&app).await;
    let reporter = app.create_staff("kato@example.jp", Role::Coordinator).await;
    app.create_staff("boss@example.jp", Role::Supervisor).await;

    // Reported five years before `now`, and never closed.
    let open = incident_at(&app, start, reporter, Start::Request(request), &[], false).await;
    // Closed three years and a day before `now`: it started from a call for support,
    // affected the reporter, and has a follow-up and a status change added.
    let old_at = years_before(now, 3) - Duration::days(1);
    app.set_now(old_at);
    let call = support::call(&app.uc(), reporter, Place::Request(request))
        .await
        .unwrap();
    let old = incident_at(
        &app,
        old_at,
        reporter,
        Start::Call(call.id),
        &[reporter],
        true,
    )
    .await;
    // Closed two years before `now`.
    let recent = incident_at(
        &app,
        years_before(now, 2),
        reporter,
        Start::Request(request),
        &[],
        true,
    )
    .await;
    assert_eq!(rows_for(&app, "incident_staff", old.id).await, 1);
    assert_eq!(rows_for(&app, "incident_additions", old.id).await, 2);
    assert!(deletions(&app).await.is_empty());

    let db = &app.state().db;
    assert_eq!(delete_expired(db, now).await.unwrap(), 1);
    let left: Vec<i64> = incident::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert!(!left.contains(&old.id));
    assert!(left.contains(&recent.id) && left.contains(&open.id));
    // Everything that belonged to it went with it; the call for support stays, unlinked.
    assert_eq!(rows_for(&app, "incident_staff", old.id).await, 0);
    assert_eq!(rows_for(&app, "incident_additions", old.id).await, 0);
    assert_eq!(rows_for(&app, "incident_quotes", old.id).await, 0);
    let call = support_call::Entity::find_by_id(call.id)
        .one(db)
        .await
        .unwrap()
        .expect("the call for support is kept");
    assert_eq!(call.incident_id, None);

    // One audit row says so, with the reference and category and nothing of the customer.
    let rows = deletions(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].target_type.as_deref(), Some("incident"));
    assert_eq!(rows[0].target_id, Some(old.id.to_string()));
    let detail: serde_json::Value = serde_json::from_str(&rows[0].detail).unwrap();
    assert_eq!(
        detail,
        serde_json::json!({ "reference": old.reference, "category": "abusive_words" })
    );
    for private in ["Hanako", "hanako@example.jp", "AB12345", "useless"] {
        assert!(!rows[0].detail.contains(private), "{}", rows[0].detail);
    }

    // Supervisors no longer find it; the others are there. The audit log says what happened.
    let boss = app.sign_in_as("boss@example.jp").await;
    boss.get("/language/en").await;
    let gone = boss.get(&format!("/staff/incidents/{}", old.id)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let kept = boss.get(&format!("/staff/incidents/{}", recent.id)).await;
    assert_eq!(kept.status, StatusCode::OK);
    let admin = app.english_staff(Role::Admin).await;
    let log = admin.get("/staff/audit?action=incident.deleted").await;
    assert!(
        log.text("main")
            .contains("Incident deleted at the end of its keeping period"),
        "{}",
        log.body
    );
    assert!(log.text("main").contains(&old.reference));
    assert!(
        log.text("main")
            .contains("Abusive, insulting or defamatory words")
    );

    // Nothing more is due until the admin keeps incidents for a year only.
    assert_eq!(delete_expired(db, now).await.unwrap(), 0);
    let form = admin.get("/staff/settings/incidents").await;
    assert_eq!(form.attr("#retention_years", "value").as_deref(), Some("3"));
    let saved = admin
        .post(
            "/staff/settings/incidents",
            &[
                ("retention_years", "1"),
                ("signal_threshold", "5"),
                ("signal_window_days", "30"),
            ],
        )
        .await;
    assert_eq!(see_other(&saved), "/staff/settings/incidents?saved=1");
    assert_eq!(delete_expired(db, now).await.unwrap(), 1);
    let left: Vec<i64> = incident::Entity::find()
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    // The incident still open stays, however old.
    assert_eq!(left, vec![open.id]);
    assert_eq!(deletions(&app).await.len(), 2);
}

async fn the_incident_settings_refuse_what_they_cannot_take_and_record_what_changed(app: TestApp) {
    let admin = app.english_staff(Role::Admin).await;
    let dashboard = admin.get("/staff").await;
    assert!(
        dashboard
            .attrs("main a", "href")
            .contains(&"/staff/settings/incidents".to_owned())
    );
    let form = admin.get("/staff/settings/incidents").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        [
            form.attr("#retention_years", "value"),
            form.attr("#signal_threshold", "value"),
            form.attr("#signal_window_days", "value"),
        ],
        [Some("3".into()), Some("5".into()), Some("30".into())]
    );

    let refused = admin
        .post(
            "/staff/settings/incidents",
            &[
                ("retention_years", "11"),
                ("signal_threshold", ""),
                ("signal_window_days", "a month"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.title().starts_with("Error"), "{}", refused.title());
    assert_eq!(
        refused.texts(".error-summary a"),
        vec![
            "Enter a whole number of years from 1 to 10",
            "Enter the number of contacts",
            "Enter the days as a whole number, such as 30",
        ]
    );
    assert_eq!(
        refused.attr("#retention_years", "value").as_deref(),
        Some("11")
    );
    assert_eq!(
        refused.attr("#signal_window_days", "value").as_deref(),
        Some("a month")
    );
    let changed = || async {
        audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("desk.settings_changed"))
            .all(&app.state().db)
            .await
            .unwrap()
    };
    assert!(changed().await.is_empty());

    // Full-width digits, as a Japanese keyboard types them, are read.
    let saved = admin
        .post(
            "/staff/settings/incidents",
            &[
                ("retention_years", "５"),
                ("signal_threshold", "5"),
                ("signal_window_days", "14"),
            ],
        )
        .await;
    let back = see_other(&saved);
    let page = admin.get(&back).await;
    assert!(
        page.text("main")
            .contains("The incident settings were saved."),
        "{}",
        page.body
    );
    assert_eq!(page.attr("#retention_years", "value").as_deref(), Some("5"));
    assert_eq!(
        page.attr("#signal_window_days", "value").as_deref(),
        Some("14")
    );
    // The audit row names what changed, before and after, and nothing that stayed.
    let rows = changed().await;
    assert_eq!(rows.len(), 1);
    let detail: serde_json::Value = serde_json::from_str(&rows[0].detail).unwrap();
    assert_eq!(
        detail,
        serde_json::json!({
            "incident_retention_years_from": 3,
            "incident_retention_years_to": 5,
            "incident_signal_window_days_from": 30,
            "incident_signal_window_days_to": 14,
        })
    );

    // Only admins change them.
    for role in [Role::Supervisor, Role::Coordinator, Role::Interpreter] {
        let (other, _) = app.signed_in(role).await;
        assert_eq!(
            other.get("/staff/settings/incidents").await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
}
