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
    assert_eq!(
        app.count("account_sessions WHERE realm = 'staff'").await,
        16
    );
}

db_tests!(every_pooled_sqlite_connection_gets_the_pragmas);

async fn every_pooled_sqlite_connection_gets_the_pragmas(app: TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let db = &app.state().db;
    if db.get_database_backend() != DbBackend::Sqlite {
        // PostgreSQL has no pragmas; its foreign keys are always enforced.
        let refused = db.execute_unprepared("INSERT INTO staff_qualifications (staff_user_id, qualification, created_at) VALUES (424242, 'x', now())").await;
        assert!(refused.is_err(), "foreign keys are enforced");
        return;
    }
    // Hold several connections at once, so each answer comes from a different one.
    let mut open = Vec::new();
    for _ in 0..6 {
        open.push(db.begin().await.unwrap());
    }
    for txn in &open {
        let ask =
            |pragma: &str| Statement::from_string(DbBackend::Sqlite, format!("PRAGMA {pragma}"));
        let mode: String = txn
            .query_one_raw(ask("journal_mode"))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        let sync: i64 = txn
            .query_one_raw(ask("synchronous"))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        let fk: i64 = txn
            .query_one_raw(ask("foreign_keys"))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        let busy: i64 = txn
            .query_one_raw(ask("busy_timeout"))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index(0)
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 1, "synchronous=NORMAL");
        assert_eq!(fk, 1, "foreign keys on");
        assert!(busy >= 5000, "busy timeout {busy}");
    }
    for txn in open {
        txn.rollback().await.unwrap();
    }
}
