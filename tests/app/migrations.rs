//! Migrations keep what is stored: rows written before a migration are found, and work,
//! after it. Each test builds a database at an older version itself, on SQLite and on
//! PostgreSQL.

use crate::backend_tests;
use crate::support::Backend;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryOrder, Value};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use yorisoi::domain::{LinkPurpose, Realm, Token};
use yorisoi::entities::{account_link, account_session, support_request};
use yorisoi::services::accounts::{SignedIn, links, sessions};

backend_tests!(
    sessions_and_links_move_into_the_account_tables,
    a_request_resolved_before_keeps_when_it_was_first_resolved,
    a_qualification_recorded_before_dates_keeps_working,
);

/// Runs `check` on a new, empty database of the backend, and removes the database after.
async fn on_fresh_database<F, Fut>(backend: Backend, check: F)
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let (url, admin) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("old.db").display()),
            None,
        ),
        Backend::Postgres => {
            let Some(admin) = std::env::var("TEST_POSTGRES_URL")
                .ok()
                .filter(|u| !u.is_empty())
            else {
                eprintln!("skipped on PostgreSQL: TEST_POSTGRES_URL is not set");
                return;
            };
            let name = format!("yorisoi_m_{}", &Token::generate().expose()[..16]);
            let server = Database::connect(&admin).await.expect("connect");
            server
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create database");
            let mut url = url::Url::parse(&admin).expect("TEST_POSTGRES_URL is a URL");
            url.set_path(&name);
            (url.to_string(), Some((server, name)))
        }
    };
    let db = yorisoi::db::connect(&url).await.expect("connect");
    // On its own task, so that the database is removed even when the check fails.
    let outcome = tokio::spawn(check(db)).await;
    if let Some((server, name)) = admin {
        server
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await
            .ok();
    }
    if let Err(failed) = outcome {
        std::panic::resume_unwind(failed.into_panic());
    }
}

/// Writes one row into a table by its column names, as the app of that version would have.
async fn insert(db: &DatabaseConnection, table: &str, row: &[(&str, Value)]) {
    let mut statement = Query::insert();
    statement
        .into_table(Alias::new(table))
        .columns(row.iter().map(|(column, _)| Alias::new(*column)))
        .values_panic(row.iter().map(|(_, value)| value.clone().into()));
    db.execute(&statement).await.expect(table);
}

async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

const SIGNED_IN: OffsetDateTime = datetime!(2026-11-30 09:00:00 UTC);
const SEEN: OffsetDateTime = datetime!(2026-11-30 09:30:00 UTC);
const USED: OffsetDateTime = datetime!(2026-11-29 18:00:00 UTC);

async fn sessions_and_links_move_into_the_account_tables(backend: Backend) {
    on_fresh_database(backend, |db| async move {
        let db = &db;
        // The version before one table of each: twin tables for staff and proxies.
        Migrator::up(db, Some(10)).await.expect("migrate to 10");
        insert(
            db,
            "staff_users",
            &[
                ("id", 3i64.into()),
                ("email", "ito@example.jp".into()),
                ("full_name", "伊藤 一郎".into()),
                ("display_name", "伊藤".into()),
                ("role", "coordinator".into()),
                ("password_hash", Option::<String>::None.into()),
                ("active", true.into()),
                ("created_at", SIGNED_IN.into()),
                ("updated_at", SIGNED_IN.into()),
            ],
        )
        .await;
        insert(
            db,
            "proxy_accounts",
            &[
                ("id", 7i64.into()),
                ("email", "sato@example.jp".into()),
                ("full_name", "佐藤 花子".into()),
                ("password_hash", Option::<String>::None.into()),
                ("lang", "en".into()),
                ("created_at", SIGNED_IN.into()),
                ("activated_at", Option::<OffsetDateTime>::None.into()),
            ],
        )
        .await;
        let (staff_cookie, proxy_cookie) = (Token::generate(), Token::generate());
        for (table, account, cookie) in [
            ("staff_sessions", ("staff_user_id", 3i64), &staff_cookie),
            ("proxy_sessions", ("proxy_account_id", 7i64), &proxy_cookie),
        ] {
            insert(
                db,
                table,
                &[
                    ("id", cookie.hash().into()),
                    (account.0, account.1.into()),
                    ("created_at", SIGNED_IN.into()),
                    ("last_seen_at", SEEN.into()),
                ],
            )
            .await;
        }
        let (invitation, used_reset, activation) =
            (Token::generate(), Token::generate(), Token::generate());
        for (table, account, token, purpose, used_at) in [
            (
                "staff_tokens",
                ("staff_user_id", 3i64),
                &invitation,
                "invitation",
                None,
            ),
            (
                "staff_tokens",
                ("staff_user_id", 3i64),
                &used_reset,
                "password_reset",
                Some(USED),
            ),
            (
                "proxy_tokens",
                ("proxy_account_id", 7i64),
                &activation,
                "activation",
                None,
            ),
        ] {
            insert(
                db,
                table,
                &[
                    ("token_hash", token.hash().into()),
                    (account.0, account.1.into()),
                    ("purpose", purpose.into()),
                    ("created_at", SIGNED_IN.into()),
                    ("expires_at", (SIGNED_IN + Duration::days(7)).into()),
                    ("used_at", used_at.into()),
                ],
            )
            .await;
        }

        Migrator::up(db, None).await.expect("migrate to the newest");

        let moved = account_session::Entity::find()
            .order_by_asc(account_session::Column::Realm)
            .all(db)
            .await
            .unwrap();
        let session = |id: &Token, realm: &str, account_id| account_session::Model {
            id: id.hash(),
            realm: realm.to_owned(),
            account_id,
            created_at: SIGNED_IN,
            last_seen_at: SEEN,
        };
        assert_eq!(
            moved,
            [
                session(&proxy_cookie, "proxy", 7),
                session(&staff_cookie, "staff", 3)
            ]
        );
        let moved = account_link::Entity::find()
            .order_by_asc(account_link::Column::Realm)
            .order_by_asc(account_link::Column::Purpose)
            .all(db)
            .await
            .unwrap();
        let link =
            |token: &Token, realm: &str, account_id, purpose: &str, used_at| account_link::Model {
                token_hash: token.hash(),
                realm: realm.to_owned(),
                account_id,
                purpose: purpose.to_owned(),
                created_at: SIGNED_IN,
                expires_at: SIGNED_IN + Duration::days(7),
                used_at,
            };
        assert_eq!(
            moved,
            [
                link(&activation, "proxy", 7, "activation", None),
                link(&invitation, "staff", 3, "invitation", None),
                link(&used_reset, "staff", 3, "password_reset", Some(USED)),
            ]
        );
        for old in [
            "staff_sessions",
            "proxy_sessions",
            "staff_tokens",
            "proxy_tokens",
        ] {
            let gone = db
                .execute_unprepared(&format!("SELECT COUNT(*) FROM {old}"))
                .await;
            assert!(gone.is_err(), "{old} is dropped");
        }

        // Whoever was signed in stays signed in, in their own realm only, and the links
        // still open what they opened.
        let now = SEEN + Duration::minutes(5);
        let staff = sessions::find(db, now, Realm::Staff, &staff_cookie)
            .await
            .unwrap();
        assert!(matches!(staff, Some(SignedIn::Staff(s)) if s.id == 3 && s.display_name == "伊藤"));
        let proxy = sessions::find(db, now, Realm::Proxy, &proxy_cookie)
            .await
            .unwrap();
        assert!(matches!(proxy, Some(SignedIn::Proxy(p)) if p.id == 7));
        let crossed = sessions::find(db, now, Realm::Proxy, &staff_cookie)
            .await
            .unwrap();
        assert!(crossed.is_none(), "a staff session is no proxy session");
        let holder = |realm, purpose, token| links::holder(db, now, realm, purpose, token);
        let opens = holder(Realm::Proxy, LinkPurpose::FirstPassword, &activation).await;
        assert_eq!(
            opens.unwrap().map(|a| a.full_name).as_deref(),
            Some("佐藤 花子")
        );
        let opens = holder(Realm::Staff, LinkPurpose::FirstPassword, &invitation).await;
        assert_eq!(opens.unwrap().map(|a| a.id), Some(3));
        let opens = holder(Realm::Staff, LinkPurpose::PasswordReset, &used_reset).await;
        assert!(opens.unwrap().is_none(), "a used link stays used");

        // Going back puts every row where it was (undoing every later migration too).
        let after_ten = u32::try_from(Migrator::migrations().len() - 10).unwrap();
        Migrator::down(db, Some(after_ten))
            .await
            .expect("migrate back to 10");
        for (table, rows) in [
            ("staff_sessions", 1),
            ("proxy_sessions", 1),
            ("staff_tokens", 2),
            ("proxy_tokens", 1),
            ("staff_tokens WHERE used_at IS NOT NULL", 1),
        ] {
            assert_eq!(count(db, table).await, rows, "{table}");
        }
    })
    .await;
}

/// A request as the app before the first resolution was kept would have written it.
async fn old_request(
    db: &DatabaseConnection,
    id: i64,
    status: &str,
    resolved_at: Option<OffsetDateTime>,
) {
    insert(
        db,
        "support_requests",
        &[
            ("id", id.into()),
            ("reference", format!("R-OLD{id}").into()),
            ("status", status.into()),
            ("topic", "statements".into()),
            ("details", "Why was I charged twice?".into()),
            ("customer_name", "Hanako Yamada".into()),
            ("member_number", Option::<String>::None.into()),
            ("channel", "email".into()),
            ("email", "hanako@example.jp".into()),
            ("fax", Option::<String>::None.into()),
            ("postal_address", Option::<String>::None.into()),
            ("lang", "en".into()),
            ("assignee_id", Option::<i64>::None.into()),
            ("proxy_registration_id", Option::<i64>::None.into()),
            ("created_at", SIGNED_IN.into()),
            ("updated_at", SIGNED_IN.into()),
            ("due_at", Option::<OffsetDateTime>::None.into()),
            ("first_reply_at", Option::<OffsetDateTime>::None.into()),
            ("resolved_at", resolved_at.into()),
            ("closed_at", Option::<OffsetDateTime>::None.into()),
        ],
    )
    .await;
}

async fn status_changed(
    db: &DatabaseConnection,
    id: i64,
    request: i64,
    to: &str,
    at: OffsetDateTime,
) {
    insert(
        db,
        "audit_events",
        &[
            ("id", id.into()),
            ("occurred_at", at.into()),
            ("actor_staff_id", Option::<i64>::None.into()),
            ("actor_role", Option::<String>::None.into()),
            ("action", "request.status_changed".into()),
            ("target_type", "support_request".into()),
            ("target_id", request.to_string().into()),
            (
                "detail",
                serde_json::json!({ "reference": format!("R-OLD{request}"), "from": "open", "to": to })
                    .to_string()
                    .into(),
            ),
            ("ip", Option::<String>::None.into()),
        ],
    )
    .await;
}

async fn a_request_resolved_before_keeps_when_it_was_first_resolved(backend: Backend) {
    on_fresh_database(backend, |db| async move {
        let db = &db;
        Migrator::up(db, Some(15)).await.expect("migrate to 15");
        let first = SIGNED_IN + Duration::hours(1);
        let again = SIGNED_IN + Duration::hours(3);
        // Resolved, then open again when the customer wrote (which cleared `resolved_at`),
        // then resolved again.
        old_request(db, 1, "resolved", Some(again)).await;
        status_changed(db, 1, 1, "resolved", first).await;
        status_changed(db, 2, 1, "resolved", again).await;
        // Resolved, then open again: nothing in the row says it ever was.
        old_request(db, 2, "open", None).await;
        status_changed(db, 3, 2, "resolved", first).await;
        status_changed(db, 4, 2, "open", again).await;
        // Closed with no change recorded in the log, and never resolved.
        old_request(db, 3, "closed", Some(again)).await;
        old_request(db, 4, "open", None).await;

        Migrator::up(db, None).await.expect("migrate to the newest");

        let found: Vec<(i64, Option<OffsetDateTime>)> = support_request::Entity::find()
            .order_by_asc(support_request::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.first_resolved_at))
            .collect();
        assert_eq!(
            found,
            vec![
                (1, Some(first)),
                (2, Some(first)),
                (3, Some(again)),
                (4, None)
            ]
        );
    })
    .await;
}

async fn a_qualification_recorded_before_dates_keeps_working(backend: Backend) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use yorisoi::domain::Qualification;
    use yorisoi::domain::schedule::SessionMode;
    use yorisoi::entities::staff_qualification;
    on_fresh_database(backend, |db| async move {
        let db = &db;
        Migrator::up(db, Some(17)).await.expect("migrate to 17");
        insert(
            db,
            "staff_users",
            &[
                ("id", 5i64.into()),
                ("email", "ito@example.jp".into()),
                ("full_name", "伊藤 一郎".into()),
                ("display_name", "伊藤".into()),
                ("role", "interpreter".into()),
                ("password_hash", Option::<String>::None.into()),
                ("active", true.into()),
                ("lang", "ja".into()),
                ("created_at", SIGNED_IN.into()),
                ("updated_at", SIGNED_IN.into()),
            ],
        )
        .await;
        insert(
            db,
            "staff_qualifications",
            &[
                ("staff_user_id", 5i64.into()),
                ("qualification", "sign_language_interpreter".into()),
                ("created_at", SIGNED_IN.into()),
            ],
        )
        .await;

        Migrator::up(db, None).await.expect("migrate to the newest");

        // No dates: obtained on a day not known, and it does not expire.
        let row = staff_qualification::Entity::find()
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.qualification, Qualification::SignLanguageInterpreter);
        assert_eq!((row.obtained_on, row.expires_on), (None, None));
        assert_eq!(
            yorisoi::services::calendar::qualified(db, SessionMode::SignLanguageVideo)
                .await
                .unwrap(),
            [(5, None)]
        );
        // Dates are written and read back as days on both databases.
        let mut dated: staff_qualification::ActiveModel = row.into();
        dated.obtained_on = Set(Some(time::macros::date!(2019 - 04 - 01)));
        dated.expires_on = Set(Some(time::macros::date!(2029 - 03 - 31)));
        dated.update(db).await.unwrap();
        assert_eq!(
            yorisoi::services::calendar::qualified(db, SessionMode::SignLanguageVideo)
                .await
                .unwrap(),
            [(5, Some(time::macros::date!(2029 - 03 - 31)))]
        );
    })
    .await;
}
