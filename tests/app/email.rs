//! Email that is never lost: the outbox, the relay, SMTP and the emailed staff links.

use crate::backend_tests;
use crate::smtp::Receiver;
use crate::support::{Backend, PASSWORD, TestApp, link_in};
use mail_parser::MimeHeaders;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, TransactionTrait,
};
use std::sync::Arc;
use time::Duration;
use yorisoi::clock::ShiftedClock;
use yorisoi::domain::{Email, Lang, Role};
use yorisoi::entities::outbox_message;
use yorisoi::mail::ics::{CalendarEvent, Method};
use yorisoi::mail::relay::BATCH;
use yorisoi::mail::transport::SENDING;
use yorisoi::mail::{Attachment, OutgoingEmail, Relay, Transport, enqueue, templates};

fn booking_email(to: &str, event: &CalendarEvent) -> OutgoingEmail {
    let content = templates::EmailContent {
        subject: "ご相談のご予約を承りました".into(),
        greeting: "山田さん".into(),
        reference: Some("K7P3-XW2M".into()),
        before: vec!["手話通訳によるビデオ相談のご予約を承りました。".into()],
        action: Some((
            "予約の確認・変更".into(),
            "https://desk.example.jp/manage/abc".into(),
        )),
        links: vec![],
        after: vec![],
        way_back: templates::WayBack {
            link: "https://desk.example.jp/requests/new".into(),
            thread: false,
            desk: Default::default(),
            for_staff: false,
        },
    };
    OutgoingEmail {
        kind: "test_booking",
        recipient: Email::parse(to).unwrap(),
        lang: Lang::Ja,
        message: templates::render(Lang::Ja, &content),
        attachments: vec![Attachment {
            filename: "session.ics".into(),
            content_type: event.content_type().into(),
            content: event.render(),
        }],
    }
}

fn event(now: time::OffsetDateTime) -> CalendarEvent {
    CalendarEvent {
        uid: "booking-K7P3@yorisoi".into(),
        sequence: 0,
        stamp: now,
        start: now + Duration::days(2),
        end: now + Duration::days(2) + Duration::minutes(30),
        summary: "手話通訳によるビデオ相談".into(),
        description: "受付番号: K7P3-XW2M".into(),
        location: None,
        method: Method::Request,
        organizer: Some("no-reply@localhost".into()),
        attendee: None,
    }
}

async fn enqueue_one(app: &TestApp, to: &str) -> i64 {
    let state = app.state();
    let txn = yorisoi::db::begin_write(&state.db).await.unwrap();
    let id = enqueue(
        &txn,
        state.now(),
        &state.mail_host,
        booking_email(to, &event(state.now())),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    state.mail_waiting();
    id
}

async fn row(app: &TestApp, id: i64) -> outbox_message::Model {
    outbox_message::Entity::find_by_id(id)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap()
}

/// The row once the relay has recorded what became of its last attempt (just after the
/// attempt, in a transaction of its own).
async fn recorded(app: &TestApp, id: i64, attempts: i32) -> outbox_message::Model {
    for _ in 0..100 {
        let r = row(app, id).await;
        if r.attempts >= attempts && r.lease_owner.is_none() {
            return r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    row(app, id).await
}

backend_tests!(
    smtp_delivers_headers_both_parts_and_the_calendar,
    a_receiver_that_is_down_gets_the_message_once_it_is_up,
    two_relays_deliver_each_message_once,
    a_rolled_back_transaction_sends_nothing,
    staff_see_and_retry_stuck_email,
    forgotten_passwords_are_reset_by_an_emailed_link,
    one_claim_takes_at_most_a_batch_of_a_large_backlog,
    a_busy_mail_server_gets_a_bounded_number_of_messages_at_once,
    an_email_sent_again_after_a_crash_keeps_its_message_id,
    an_email_written_again_after_a_crash_is_a_new_file_beside_the_first,
    a_staff_reply_is_delivered_at_once_without_waiting_for_the_relay_to_look,
);

async fn smtp_delivers_headers_both_parts_and_the_calendar(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| {
        c.smtp_url = Some(url);
        c.mail_from = "Yorisoi Desk <desk@example.jp>".into();
    })
    .await
    else {
        return;
    };
    let id = enqueue_one(&app, "yamada@example.jp").await;
    let arrived = receiver.wait_for(1, 20).await;
    assert_eq!(arrived.len(), 1);
    let mail = &arrived[0];
    assert_eq!(mail.from, "desk@example.jp");
    assert_eq!(mail.to, vec!["yamada@example.jp"]);
    let parsed = mail.parsed();
    assert_eq!(parsed.subject(), Some("ご相談のご予約を承りました"));
    assert_eq!(
        parsed.from().unwrap().first().unwrap().name(),
        Some("Yorisoi Desk")
    );
    let stored = recorded(&app, id, 1).await;
    assert_eq!(
        format!("<{}>", parsed.message_id().unwrap()),
        stored.message_id,
        "the stored Message-ID is the one sent"
    );
    let text = parsed.body_text(0).unwrap();
    assert!(
        text.starts_with("受付番号：K7P3-XW2M"),
        "the reference comes first: {text}"
    );
    assert!(text.contains("https://desk.example.jp/manage/abc"));
    let html = parsed.body_html(0).unwrap();
    assert!(html.contains("<html lang=\"ja\">") && html.contains("K7P3-XW2M"));
    let attachment = parsed
        .attachments()
        .next()
        .expect("the calendar is attached");
    assert_eq!(attachment.attachment_name(), Some("session.ics"));
    let ics = String::from_utf8_lossy(attachment.contents()).into_owned();
    assert!(
        ics.contains("METHOD:REQUEST\r\n") && ics.contains("UID:booking-K7P3@yorisoi\r\n"),
        "{ics}"
    );
    assert!(ics.contains("DTSTART:") && ics.contains("Z\r\n"));

    assert_eq!(stored.status, "sent");
    assert_eq!(stored.attempts, 1);
    assert!(stored.sent_at.is_some() && stored.lease_owner.is_none());
}

async fn a_receiver_that_is_down_gets_the_message_once_it_is_up(backend: Backend) {
    let mut receiver = Receiver::down().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let id = enqueue_one(&app, "down@example.jp").await;
    // The relay tries at once and fails: the row stays pending with its error.
    let mut failed = row(&app, id).await;
    for _ in 0..100 {
        if failed.attempts > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        failed = row(&app, id).await;
    }
    assert_eq!(failed.status, "pending");
    assert_eq!(failed.attempts, 1);
    assert!(failed.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    let wait = failed.next_attempt_at - app.state().now();
    assert!(
        wait > Duration::seconds(10) && wait < Duration::minutes(1),
        "first retry within a minute: {wait}"
    );

    receiver.up().await;
    app.clock.advance(Duration::minutes(1));
    let arrived = receiver.wait_for(1, 20).await;
    assert_eq!(arrived.len(), 1);
    let sent = recorded(&app, id, 2).await;
    assert_eq!(sent.status, "sent");
    assert_eq!(sent.attempts, 2);
    assert_eq!(receiver.arrived().len(), 1, "delivered once");
}

async fn two_relays_deliver_each_message_once(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    // A second app on the same database: its own relay, polling the same outbox.
    let second = yorisoi::App::start(app.config.clone(), app.clock.clone())
        .await
        .unwrap();
    let second_relay = tokio::spawn(second.relay().clone().run());
    let state = app.state();
    let txn = yorisoi::db::begin_write(&state.db).await.unwrap();
    for n in 0..40 {
        enqueue(
            &txn,
            state.now(),
            &state.mail_host,
            booking_email(&format!("r{n}@example.jp"), &event(state.now())),
        )
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    state.mail_waiting();
    second.state().mail_waiting();
    let arrived = receiver.wait_for(40, 30).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let arrived_after = receiver.arrived();
    assert_eq!(arrived.len(), 40);
    assert_eq!(arrived_after.len(), 40, "no message arrived twice");
    let mut ids: Vec<String> = arrived_after.iter().map(|m| m.message_id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    assert_eq!(
        app.count("outbox_messages WHERE status = 'sent' AND attempts = 1")
            .await,
        40
    );
    second_relay.abort();
}

async fn a_rolled_back_transaction_sends_nothing(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let state = app.state();
    let txn = state.db.begin().await.unwrap();
    enqueue(
        &txn,
        state.now(),
        &state.mail_host,
        booking_email("never@example.jp", &event(state.now())),
    )
    .await
    .unwrap();
    txn.execute_unprepared("SELECT 1").await.unwrap();
    txn.rollback().await.unwrap();
    state.mail_waiting();
    assert_eq!(app.app.relay().deliver_due().await.unwrap(), 0);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(receiver.arrived().is_empty());
    assert_eq!(app.count("outbox_messages").await, 0);

    // A form the service rejects writes no email either: a taken address.
    let (admin, _) = app.signed_in(Role::Admin).await;
    app.create_staff("taken@example.jp", Role::Coordinator)
        .await;
    let page = admin
        .post(
            "/staff/users/new",
            &[
                ("email", "taken@example.jp"),
                ("full_name", "X"),
                ("display_name", "X"),
                ("role", "coordinator"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("outbox_messages").await, 0);
}

async fn staff_see_and_retry_stuck_email(backend: Backend) {
    let mut receiver = Receiver::down().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let id = enqueue_one(&app, "stuck@example.jp").await;
    for _ in 0..100 {
        if row(&app, id).await.attempts > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (supervisor, _) = app.signed_in(Role::Supervisor).await;
    let page = supervisor
        .get_with("/staff/outbox", &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let cells = page.texts("tbody td");
    assert!(cells.contains(&"stuck@example.jp".to_owned()), "{cells:?}");
    assert!(
        cells
            .iter()
            .any(|c| c.to_lowercase().contains("connection")),
        "the last error is shown: {cells:?}"
    );
    assert!(
        page.texts(".tabs__item a")
            .iter()
            .any(|t| t == "Waiting to be sent (1)")
    );
    // The subject is marked with the email's own language, whatever the page's.
    assert_eq!(
        page.attrs("tbody td span[lang]", "lang"),
        vec![row(&app, id).await.lang.code().to_owned()]
    );

    // Given up after a day of failures, then retried by hand once the server is back.
    // A day of failures later, the relay gives up on it.
    app.clock
        .advance(Duration::hours(24) + Duration::minutes(1));
    // The relay's own loop may be the one that tries it: wait for whichever does.
    let mut given_up = row(&app, id).await;
    for _ in 0..100 {
        app.app.relay().deliver_due().await.unwrap();
        given_up = row(&app, id).await;
        if given_up.status == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(given_up.status, "failed");
    assert!(given_up.last_error.is_some());
    let (supervisor, _) = app.signed_in(Role::Supervisor).await;
    let failed = supervisor.get("/staff/outbox?status=failed").await;
    assert!(
        failed
            .texts("tbody td")
            .contains(&"stuck@example.jp".to_owned())
    );
    receiver.up().await;
    let retried = supervisor
        .post(&format!("/staff/outbox/{id}/retry"), &[])
        .await;
    assert_eq!(retried.location(), Some("/staff/outbox?retried=1"));
    assert_eq!(receiver.wait_for(1, 20).await.len(), 1);
    assert_eq!(
        app.count("audit_events WHERE action = 'outbox.retried'")
            .await,
        1
    );
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    assert_eq!(
        coordinator.get("/staff/outbox").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn forgotten_passwords_are_reset_by_an_emailed_link(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    app.create_staff("hoshi@example.jp", Role::Interpreter)
        .await;
    let browser = app.browser();
    let other = app.browser();
    other.sign_in("hoshi@example.jp", PASSWORD).await;

    let known = browser
        .post("/staff/forgot", &[("email", "Hoshi@example.jp")])
        .await;
    let unknown = browser
        .post("/staff/forgot", &[("email", "nobody@example.jp")])
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(
        known.texts("h1"),
        unknown.texts("h1"),
        "the same answer either way"
    );
    assert_eq!(known.texts("main p")[1..], unknown.texts("main p")[1..]);
    let bad = browser
        .post("/staff/forgot", &[("email", "not-an-email")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.attr("#email", "value").as_deref(), Some("not-an-email"));

    let emails = app.wait_for_dropped(1).await;
    assert_eq!(emails.len(), 1, "only the known address got an email");
    let link = link_in(&emails[0], &app.base);
    let path = link[app.base.len()..].to_owned();
    assert!(path.starts_with("/staff/reset/"));
    // Only a hash of the token is stored.
    let token = path.trim_start_matches("/staff/reset/");
    assert_eq!(
        app.count(&format!("account_links WHERE token_hash = '{token}'"))
            .await,
        0
    );

    let saved = browser
        .post(
            &path,
            &[
                ("new_password", "a fresh new passphrase"),
                ("new_password_confirm", "a fresh new passphrase"),
            ],
        )
        .await;
    assert_eq!(saved.location(), Some("/staff/login?password_set=1"));
    assert_eq!(
        other.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "sessions end on reset"
    );
    assert_eq!(
        browser.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "single use"
    );
    assert_eq!(
        app.browser()
            .sign_in("hoshi@example.jp", "a fresh new passphrase")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // A second link, an hour and a minute later, no longer works.
    app.clock.advance(Duration::minutes(10));
    browser
        .post("/staff/forgot", &[("email", "hoshi@example.jp")])
        .await;
    let emails = app.wait_for_dropped(2).await;
    let late = link_in(&emails[1], &app.base);
    app.clock.advance(Duration::minutes(61));
    let gone = browser.get(&late[app.base.len()..]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.texts("h1"), vec!["このリンクは使えません"]);
}

/// A relay of the test's own on the app's database, with a clock a day and a minute ahead
/// of the app's: rows due in a day are due for it, and not yet for the app's relay.
fn relay_a_day_ahead(app: &TestApp) -> Relay {
    let clock = Arc::new(ShiftedClock::default());
    clock.advance(Duration::days(1) + Duration::minutes(1));
    Relay::new(
        app.state().db.clone(),
        Transport::Files(app.mail_dir.clone()),
        clock,
        yorisoi::mail::transport::parse_mailbox(&app.config.mail_from).unwrap(),
        Arc::default(),
        std::time::Duration::from_secs(3600),
    )
}

async fn one_claim_takes_at_most_a_batch_of_a_large_backlog(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    // 500 emails sent, statistics taken, and then a backlog of 120 due tomorrow, as a
    // desk's outbox is after a mail server outage: the statistics say almost nothing is
    // pending, which is what once led PostgreSQL to re-run the claim's `LIMIT` per row.
    let state = app.state();
    let tomorrow = state.now() + Duration::days(1);
    let enqueue_many = async |count: usize| {
        let txn = yorisoi::db::begin_write(&state.db).await.unwrap();
        for n in 0..count {
            let email = booking_email(&format!("b{n}@example.jp"), &event(tomorrow));
            enqueue(&txn, tomorrow, &state.mail_host, email)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    };
    enqueue_many(500).await;
    app.sql("UPDATE outbox_messages SET status = 'sent', sent_at = created_at")
        .await;
    if state.db.get_database_backend() == DbBackend::Postgres {
        app.sql("ANALYZE outbox_messages").await;
    } else {
        app.sql("ANALYZE").await;
    }
    enqueue_many(120).await;
    let pending_free = "outbox_messages WHERE status = 'pending' AND lease_owner IS NULL";
    assert_eq!(app.count(pending_free).await, 120);

    let relay = relay_a_day_ahead(&app);
    let first = relay.claim_batch("first-relay").await.unwrap();
    let leased = app
        .count("outbox_messages WHERE lease_owner = 'first-relay'")
        .await;
    assert!(
        leased as u64 <= BATCH,
        "one claim leased {leased} rows; a batch is {BATCH}"
    );
    assert_eq!(first.len() as i64, leased, "it answers the rows it leased");
    assert!(!first.is_empty());
    assert!(first.iter().all(|r| r.status == "pending"
        && r.lease_owner.as_deref() == Some("first-relay")
        && r.lease_until.is_some()));
    assert_eq!(
        app.count(pending_free).await,
        120 - leased,
        "the rest of the backlog is left for other relays"
    );

    // A second claim takes the next rows, none of the first's.
    let second = relay.claim_batch("second-relay").await.unwrap();
    assert!(!second.is_empty() && second.len() as u64 <= BATCH);
    assert!(second.iter().all(|r| first.iter().all(|f| f.id != r.id)));
    assert_eq!(
        app.count("outbox_messages WHERE status = 'sent' AND lease_owner IS NOT NULL")
            .await,
        0,
        "sent rows are never claimed"
    );
}

async fn a_busy_mail_server_gets_a_bounded_number_of_messages_at_once(backend: Backend) {
    let receiver = Receiver::slow(std::time::Duration::from_millis(200)).await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let state = app.state();
    let txn = yorisoi::db::begin_write(&state.db).await.unwrap();
    for n in 0..40 {
        let email = booking_email(&format!("busy{n}@example.jp"), &event(state.now()));
        enqueue(&txn, state.now(), &state.mail_host, email)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    state.mail_waiting();
    let arrived = receiver.wait_for(40, 30).await;
    assert_eq!(arrived.len(), 40);
    // Messages share pooled connections; each envelope still names its own recipient only.
    for mail in &arrived {
        let to = mail
            .parsed()
            .to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_owned();
        assert_eq!(
            mail.to,
            vec![to],
            "the envelope names this message's recipient alone"
        );
    }
    let most = receiver.most_in_flight();
    assert!(
        most <= SENDING,
        "{most} messages were sent at once; a relay sends at most {SENDING}"
    );
    assert!(
        most > 1,
        "the messages of a batch still go out side by side"
    );
    for _ in 0..100 {
        if app.count("outbox_messages WHERE status = 'sent'").await == 40 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.count("outbox_messages WHERE status = 'sent' AND attempts = 1")
            .await,
        40
    );
}

/// Puts a sent row back as a relay that died between sending it and recording it leaves
/// it: pending, under a lease that has run out.
async fn as_a_crash_leaves_it(app: &TestApp, id: i64) {
    use outbox_message::Column;
    outbox_message::Entity::update_many()
        .col_expr(Column::Status, Expr::value("pending"))
        .col_expr(
            Column::SentAt,
            Expr::value(Option::<time::OffsetDateTime>::None),
        )
        .col_expr(Column::LeaseOwner, Expr::value("a-relay-that-died"))
        .col_expr(
            Column::LeaseUntil,
            Expr::value(app.state().now() - Duration::seconds(1)),
        )
        .filter(Column::Id.eq(id))
        .exec(&app.state().db)
        .await
        .unwrap();
    app.state().mail_waiting();
}

async fn an_email_sent_again_after_a_crash_keeps_its_message_id(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let id = enqueue_one(&app, "twice@example.jp").await;
    assert_eq!(receiver.wait_for(1, 20).await.len(), 1);
    assert_eq!(recorded(&app, id, 1).await.status, "sent");

    as_a_crash_leaves_it(&app, id).await;
    let arrived = receiver.wait_for(2, 20).await;
    assert_eq!(arrived.len(), 2, "sent again: at least once");
    let stored = recorded(&app, id, 2).await;
    assert_eq!(stored.status, "sent");
    for mail in &arrived {
        assert_eq!(
            format!("<{}>", mail.message_id()),
            stored.message_id,
            "both copies carry the one Message-ID"
        );
    }
}

async fn an_email_written_again_after_a_crash_is_a_new_file_beside_the_first(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    let id = enqueue_one(&app, "twice@example.jp").await;
    let first = app.wait_for_dropped(1).await;
    assert_eq!(first.len(), 1);
    assert_eq!(recorded(&app, id, 1).await.status, "sent");

    as_a_crash_leaves_it(&app, id).await;
    let both = app.wait_for_dropped(2).await;
    assert_eq!(both.len(), 2, "the second copy is written beside the first");
    assert_eq!(both[0], first[0], "the first file is untouched");
    let stored = recorded(&app, id, 2).await;
    assert_eq!(stored.status, "sent");
    for raw in &both {
        let message = mail_parser::MessageParser::default().parse(raw).unwrap();
        assert_eq!(
            format!("<{}>", message.message_id().unwrap()),
            stored.message_id
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&app.mail_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{id:08}-test_booking.eml"),
            format!("{id:08}-test_booking.resent-2.eml"),
        ],
        "no half-written file is left"
    );
}

async fn a_staff_reply_is_delivered_at_once_without_waiting_for_the_relay_to_look(
    backend: Backend,
) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    // The relay looks for due emails once an hour by itself: only a use-case's commit
    // waking it delivers within the few seconds waited for here.
    let Some(app) = TestApp::spawn(backend, |c| {
        c.smtp_url = Some(url);
        c.relay_poll = std::time::Duration::from_secs(3600);
    })
    .await
    else {
        return;
    };
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let new = yorisoi::domain::request::NewRequest {
        topic: yorisoi::domain::request::Topic::Statements,
        details: "Why was I charged twice?".to_owned(),
        name: "Hanako Yamada".to_owned(),
        member_number: None,
        channel: yorisoi::domain::request::ReplyChannel::Email,
        email: Some(Email::parse("hanako@example.jp").unwrap()),
        fax: None,
        address: None,
    };
    let sent = yorisoi::services::requests::submit::send(&app.uc(), &new, Lang::En, None, None)
        .await
        .unwrap();
    let acknowledged = receiver.wait_for(1, 5).await;
    assert_eq!(
        acknowledged.len(),
        1,
        "the acknowledgement went out at once"
    );
    // Whatever woke the relay before is spent by now: the next email waits for a bell.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let replied = coordinator
        .post(
            &format!("/staff/requests/{}/reply", sent.request.id),
            &[("reply", "We have refunded the second payment.")],
        )
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER);
    let arrived = receiver.wait_for(2, 5).await;
    assert_eq!(arrived.len(), 2, "the reply went out at once");
    let reply = arrived[1].parsed();
    let to = reply
        .to()
        .and_then(|to| to.first())
        .and_then(|a| a.address());
    assert_eq!(to, Some("hanako@example.jp"));
    let text = reply.body_text(0).unwrap().into_owned();
    assert!(
        text.contains("We have refunded the second payment."),
        "{text}"
    );
}
