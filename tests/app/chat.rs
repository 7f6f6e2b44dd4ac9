//! The written-chat room of a session: closed until a few minutes before the start unless
//! staff open it early; then the customer (by the manage link) and staff write to each
//! other, each under the name the other should see; staff end the session and the room
//! stays to be read. Only written-chat sessions have a room.

use crate::db_tests;
use crate::support::{TestApp, at, tomorrow};
use reqwest::StatusCode;
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Lang, Role};
use yorisoi::i18n::t;

db_tests!(
    customer_and_staff_write_to_each_other_in_the_room,
    only_a_written_chat_session_has_a_room,
);

/// The messages shown in the room's log: who wrote each, and what.
fn log_of(page: &crate::support::Page) -> Vec<(String, String)> {
    let who = page.texts("[role=log] .thread__meta strong");
    let what = page.texts("[role=log] .thread__body");
    who.into_iter().zip(what).collect()
}

async fn customer_and_staff_write_to_each_other_in_the_room(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let suzuki = app
        .add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let start = at(tomorrow(&app), 10, 0);
    let booked = app
        .book(SessionMode::WrittenChat, start, "c@example.jp")
        .await;
    assert_eq!(booked.booking.interpreter_id, suzuki);
    let id = booked.booking.id;
    let manage = format!("/bookings/{}", booked.manage_token.expose());
    let room = format!("{manage}/chat");
    let customer = app.english_browser().await;

    // The manage page says when the room opens, and links to it.
    let page = customer.get(&manage).await;
    assert_eq!(
        page.attr("#chat-room", "href").as_deref(),
        Some(room.as_str())
    );
    assert!(page.body.contains("09:50"), "opens ten minutes before");

    // Before it opens: when, in the desk's time, and no form; a post is refused.
    let before = customer.get(&room).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        before.text("#chat_state").contains("09:50"),
        "{}",
        before.body
    );
    assert!(before.attr("#chat_message", "name").is_none());
    assert!(before.attr("meta[http-equiv=refresh]", "content").is_none());
    let refused = customer.post(&room, &[("chat_message", "hello?")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .text(".error-summary")
            .contains(t(Lang::En, "chat.error.not_open"))
    );
    assert_eq!(app.count("chat_messages").await, 0);

    // Another interpreter may not enter; the assigned one opens the room early.
    app.add_interpreter("tanaka", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let tanaka = app.sign_in_as("tanaka@example.jp").await;
    let staff_room = format!("/staff/sessions/{id}/chat");
    assert_eq!(tanaka.get(&staff_room).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        tanaka
            .post(&staff_room, &[("chat_message", "hi")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let staff = app.sign_in_as("suzuki@example.jp").await;
    staff.get("/language/en").await;
    let session = staff.get(&format!("/staff/sessions/{id}")).await;
    assert_eq!(
        session.attr("#chat-room", "href").as_deref(),
        Some(staff_room.as_str())
    );
    let opened = staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(
        app.count("audit_events WHERE action = 'chat.opened'").await,
        1
    );

    // Each writes, and each sees both messages in order, under the names to be seen.
    let sent = customer
        .post(&room, &[("chat_message", "  Hello, I have a question.  ")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), Some(room.as_str()));
    let sent = staff
        .post(
            &staff_room,
            &[("chat_message", "Good morning.\nHow can I help?")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let expected = vec![
        (
            "Test Customer".to_owned(),
            "Hello, I have a question.".to_owned(),
        ),
        (
            "suzuki".to_owned(),
            "Good morning.\nHow can I help?".to_owned(),
        ),
    ];
    let seen = customer.get(&room).await;
    assert_eq!(log_of(&seen), expected);
    assert!(!seen.body.contains("Full Name of"), "never a full name");
    assert_eq!(
        seen.attr("label[for=chat_message]", "for").as_deref(),
        Some("chat_message")
    );
    assert!(seen.text("label[for=chat_message]").contains("2,000"));
    assert_eq!(
        seen.attr("#chat-refresh", "href").as_deref(),
        Some(room.as_str())
    );
    let staff_seen = staff.get(&staff_room).await;
    assert_eq!(log_of(&staff_seen), expected);
    assert!(
        staff_seen
            .attr(
                &format!("form[action=\"/staff/sessions/{id}/chat/end\"]"),
                "data-destructive"
            )
            .is_some()
    );
    // Japanese, for the customer too.
    let ja = app.browser().get(&room).await;
    assert_eq!(ja.text("#chat-refresh"), t(Lang::Ja, "chat.refresh"));

    // An empty or too long message is refused with what was typed kept, and nothing
    // written.
    let too_long = "あ".repeat(2001);
    for typed in [" \n ", too_long.as_str()] {
        let refused = customer.post(&room, &[("chat_message", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.attr(".error-summary", "role").is_some());
        assert_eq!(
            refused.text("#chat_message"),
            typed.trim(),
            "what was typed is kept"
        );
        let refused = staff.post(&staff_room, &[("chat_message", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.text("#chat_message"), typed.trim());
    }
    assert_eq!(app.count("chat_messages").await, 2);

    // Staff end the session: the customer reads the messages, and can write no more.
    let ended = staff
        .post(&format!("/staff/sessions/{id}/chat/end"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    assert_eq!(
        app.count("audit_events WHERE action = 'chat.ended'").await,
        1
    );
    let after = customer.get(&room).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.text("#chat_state"), t(Lang::En, "chat.closed"));
    assert_eq!(log_of(&after), expected);
    assert!(after.attr("#chat_message", "name").is_none());
    let refused = customer.post(&room, &[("chat_message", "one more")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .text(".error-summary")
            .contains(t(Lang::En, "chat.error.closed"))
    );
    let refused = staff
        .post(&staff_room, &[("chat_message", "one more")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(app.count("chat_messages").await, 2);
    let page = customer.get(&manage).await;
    assert_eq!(
        page.attr("#chat-room", "href").as_deref(),
        Some(room.as_str())
    );
    assert!(page.body.contains(t(Lang::En, "book.manage.chat_ended")));
}

async fn only_a_written_chat_session_has_a_room(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let video = app
        .book(
            SessionMode::SignLanguageVideo,
            at(tomorrow(&app), 10, 0),
            "v@example.jp",
        )
        .await;
    let room = format!("/bookings/{}/chat", video.manage_token.expose());
    let customer = app.browser();
    assert_eq!(customer.get(&room).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        customer
            .post(&room, &[("chat_message", "hello")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let manage = customer
        .get(&format!("/bookings/{}", video.manage_token.expose()))
        .await;
    assert!(manage.attr("#chat-room", "href").is_none());
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let staff_room = format!("/staff/sessions/{}/chat", video.booking.id);
    assert_eq!(
        coordinator.get(&staff_room).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("chat_messages").await, 0);
}
