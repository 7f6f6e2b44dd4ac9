//! The written-chat room of a session: closed until a few minutes before the start unless
//! staff open it early; then the customer (by the manage link) and staff write to each
//! other, each under the name the other should see; staff end the session and the room
//! stays to be read. Only written-chat sessions have a room. When the session ends its
//! conversation is emailed to the customer (unless they unticked it) and written into the
//! thread of the request it was booked from; staff other than its interpreter who read it
//! are audited.

use crate::support::{Backend, Browser, TestApp, at, see_other, subject_of, text_of, tomorrow};
use crate::{backend_tests, db_tests};
use mail_parser::MessageParser;
use reqwest::StatusCode;
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Lang, Role};
use yorisoi::i18n::t;

db_tests!(
    customer_and_staff_write_to_each_other_in_the_room,
    ending_a_session_records_how_it_went,
    only_a_written_chat_session_has_a_room,
    no_conversation_is_emailed_when_the_customer_unticks_it_or_nobody_wrote,
    a_session_booked_from_a_request_keeps_its_conversation_in_the_thread,
    staff_other_than_the_interpreter_reading_the_conversation_are_audited,
);

backend_tests!(the_conversation_is_emailed_to_the_customer_when_the_session_ends);

const DESK: &str = "desk@example.jp";

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

    // The desk opens rooms half an hour early instead: the manage page and the room agree.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    yorisoi::entities::setting::ActiveModel {
        key: Set("chat.opens_minutes_before".to_owned()),
        value: Set("30".to_owned()),
        updated_at: Set(app.state().now()),
    }
    .insert(&app.state().db)
    .await
    .unwrap();
    assert!(customer.get(&manage).await.body.contains("09:30"));
    let earlier = customer.get(&room).await;
    assert!(
        earlier.text("#chat_state").contains("09:30"),
        "{}",
        earlier.body
    );
    app.sql("DELETE FROM settings WHERE key = 'chat.opens_minutes_before'")
        .await;

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

    // Ending asks how the session went, "it took place" chosen; an answer it does not offer
    // is refused, and the room stays open.
    assert_eq!(
        staff_seen
            .attr("input[name=outcome][checked]", "value")
            .as_deref(),
        Some("completed")
    );
    let refused = staff
        .post(
            &format!("/staff/sessions/{id}/chat/end"),
            &[("outcome", "cancelled")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text(".error-summary")
            .contains(t(Lang::En, "chat.staff.error.outcome")),
        "{}",
        refused.body
    );
    assert!(
        refused.attr("#chat_message", "name").is_some(),
        "still open"
    );

    // Staff end the session: the customer reads the messages, and can write no more, and
    // the session is recorded as having taken place.
    let ended = staff
        .post(
            &format!("/staff/sessions/{id}/chat/end"),
            &[("outcome", "completed")],
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let status = yorisoi::services::booking::get(&app.state().db, id)
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status, yorisoi::domain::BookingStatus::Completed);
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.status_changed'")
            .await,
        1
    );
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

/// A customer who never came: staff say so as they end the session, and it is recorded.
async fn ending_a_session_records_how_it_went(app: TestApp) {
    let chatted = chat_with_suzuki(&app, "c@example.jp", None).await;
    let ended = chatted
        .staff
        .post(
            &format!("/staff/sessions/{}/chat/end", chatted.id),
            &[("outcome", "no_show_customer")],
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let status = yorisoi::services::booking::get(&app.state().db, chatted.id)
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status, yorisoi::domain::BookingStatus::NoShowCustomer);
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.status_changed'")
            .await,
        1
    );
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

/// A written-chat session tomorrow at ten with `suzuki`, its room opened early by him, the
/// customer and him having written one message each: the customer's room, his browser,
/// and the session's id.
struct Chatted {
    room: String,
    customer: Browser,
    staff: Browser,
    id: i64,
}

async fn chat_with_suzuki(app: &TestApp, email: &str, request_id: Option<i64>) -> Chatted {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let booked = book_chat(app, 10, email, request_id).await;
    let id = booked.booking.id;
    let room = format!("/bookings/{}/chat", booked.manage_token.expose());
    let staff = app.sign_in_as("suzuki@example.jp").await;
    staff.get("/language/en").await;
    let opened = staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let customer = app.english_browser().await;
    let sent = customer
        .post(&room, &[("chat_message", "Hello, I have a question.")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let sent = staff
        .post(
            &format!("/staff/sessions/{id}/chat"),
            &[("chat_message", "Good morning.\nHow can I help?")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    Chatted {
        room,
        customer,
        staff,
        id,
    }
}

/// Books a written-chat session tomorrow at `hour`, answering `request_id` when given.
async fn book_chat(
    app: &TestApp,
    hour: u8,
    email: &str,
    request_id: Option<i64>,
) -> yorisoi::services::booking::make::Confirmed {
    use yorisoi::domain::booking::DetailsForm;
    use yorisoi::services::booking::make;
    let mode = SessionMode::WrittenChat;
    let details = DetailsForm {
        name: "Test Customer".into(),
        email: email.into(),
        topic: "statements".into(),
        ..Default::default()
    }
    .validate(mode)
    .unwrap();
    let state = app.state();
    make::confirm(
        &app.uc(),
        &state.calendars,
        &make::NewBooking {
            mode,
            start: at(tomorrow(app), hour, 0),
            details,
            lang: Lang::En,
            on_behalf: None,
            request_id,
        },
        None,
    )
    .await
    .unwrap()
}

async fn end(staff: &Browser, id: i64) {
    let ended = staff
        .post(&format!("/staff/sessions/{id}/chat/end"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
}

async fn transcripts(app: &TestApp) -> i64 {
    app.count("outbox_messages WHERE kind = 'chat_transcript'")
        .await
}

async fn the_conversation_is_emailed_to_the_customer_when_the_session_ends(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |c| c.desk_email = Some(DESK.to_owned())).await else {
        return;
    };
    let chatted = chat_with_suzuki(&app, "c@example.jp", None).await;
    // The room offers the choice, ticked.
    let page = chatted.customer.get(&chatted.room).await;
    assert!(
        page.attr("#transcript_by_email", "checked").is_some(),
        "{}",
        page.body
    );
    assert_eq!(
        page.attr("#transcript_by_email", "value").as_deref(),
        Some("yes")
    );
    end(&chatted.staff, chatted.id).await;
    // Pressed again: the room is closed already, and nothing more is sent.
    end(&chatted.staff, chatted.id).await;
    assert_eq!(transcripts(&app).await, 1);

    let mail = app.email_with("c@example.jp", "conversation").await;
    let booking = yorisoi::services::booking::get(&app.state().db, chatted.id)
        .await
        .unwrap()
        .unwrap();
    assert!(subject_of(&mail).contains(&booking.reference));
    let body = text_of(&mail).replace("\r\n", "\n");
    let first = body
        .find("Test Customer (")
        .unwrap_or_else(|| panic!("{body}"));
    let second = body.find("suzuki (").unwrap_or_else(|| panic!("{body}"));
    assert!(first < second, "in order: {body}");
    assert!(body.contains("): Hello, I have a question."), "{body}");
    assert!(body.contains("): Good morning.\nHow can I help?"), "{body}");
    // The HTML part keeps a message's line breaks too.
    let html = crate::support::html_of(&mail).replace("\r\n", "\n");
    assert!(html.contains("Good morning.\nHow can I help?"), "{html}");
    assert!(html.contains("white-space:pre-line"), "{html}");
    // The way back and Reply-To, as every customer email.
    assert!(
        body.contains(&format!("{}/requests/new", app.base)),
        "{body}"
    );
    let message = MessageParser::default().parse(&mail).unwrap();
    let reply_to = message
        .reply_to()
        .and_then(|r| r.first())
        .and_then(|a| a.address())
        .map(str::to_owned);
    assert_eq!(reply_to.as_deref(), Some(DESK));
    // The link opens the room, where the conversation stays to be read.
    let link = app.link_path(&mail, "/bookings/");
    assert!(link.ends_with("/chat"), "{link}");
    let room = app.english_browser().await.get(&link).await;
    assert_eq!(room.status, StatusCode::OK);
    assert_eq!(room.text("#chat_state"), t(Lang::En, "chat.closed"));
    assert_eq!(log_of(&room).len(), 2);
    assert!(room.attr("#transcript_by_email", "name").is_none());
}

async fn no_conversation_is_emailed_when_the_customer_unticks_it_or_nobody_wrote(app: TestApp) {
    let chatted = chat_with_suzuki(&app, "c@example.jp", None).await;
    let action = format!("{}/transcript", chatted.room);
    let saved = chatted.customer.post(&action, &[]).await;
    assert_eq!(
        see_other(&saved),
        format!("{}?done=transcript", chatted.room)
    );
    let page = chatted
        .customer
        .get(&format!("{}?done=transcript", chatted.room))
        .await;
    assert!(page.body.contains(t(Lang::En, "chat.transcript.saved")));
    assert!(page.attr("#transcript_by_email", "checked").is_none());
    // Ticked again, and unticked again: the last choice counts.
    let saved = chatted
        .customer
        .post(&action, &[("transcript_by_email", "yes")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = chatted.customer.get(&chatted.room).await;
    assert!(page.attr("#transcript_by_email", "checked").is_some());
    chatted.customer.post(&action, &[]).await;
    end(&chatted.staff, chatted.id).await;
    assert_eq!(transcripts(&app).await, 0);
    assert_eq!(app.count("chat_messages").await, 2);

    // A room nobody wrote in sends nothing either.
    let quiet = book_chat(&app, 14, "quiet@example.jp", None).await;
    let id = quiet.booking.id;
    let staff = app.sign_in_as("suzuki@example.jp").await;
    let opened = staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    end(&staff, id).await;
    assert_eq!(transcripts(&app).await, 0);
}

/// A customer's support request about a statement, answered by written chat, from `email`.
pub async fn statement_request(
    app: &TestApp,
    email: &str,
) -> yorisoi::services::requests::submit::Sent {
    use yorisoi::domain::Email;
    use yorisoi::domain::request::{NewRequest, ReplyChannel, Topic};
    yorisoi::services::requests::submit::send(
        &app.uc(),
        &NewRequest {
            topic: Topic::Statements,
            details: "A question about my statement".into(),
            name: "Test Customer".into(),
            member_number: None,
            channel: ReplyChannel::WrittenChat,
            email: Some(Email::parse(email).unwrap()),
            fax: None,
            address: None,
        },
        Lang::En,
        None,
        None,
    )
    .await
    .unwrap()
}

async fn a_session_booked_from_a_request_keeps_its_conversation_in_the_thread(app: TestApp) {
    let sent = statement_request(&app, "r@example.jp").await;
    let chatted = chat_with_suzuki(&app, "r@example.jp", Some(sent.request.id)).await;
    end(&chatted.staff, chatted.id).await;
    let thread = format!("/requests/{}", sent.token.unwrap().expose());
    let page = app.english_browser().await.get(&thread).await;
    assert_eq!(page.status, StatusCode::OK);
    let booking = yorisoi::services::booking::get(&app.state().db, chatted.id)
        .await
        .unwrap()
        .unwrap();
    let heading = yorisoi::i18n::tf(
        Lang::En,
        "chat.transcript.thread_heading",
        &[("reference", &booking.reference)],
    );
    let at = page
        .body
        .find(&heading)
        .unwrap_or_else(|| panic!("{}", page.body));
    let rest = &page.body[at..];
    let first = rest.find("): Hello, I have a question.").unwrap();
    let second = rest
        .find("): Good morning.<br>How can I help?")
        .unwrap_or_else(|| panic!("{rest}"));
    assert!(first < second);
    // One message, not one for each end pressed.
    end(&chatted.staff, chatted.id).await;
    let page = app.english_browser().await.get(&thread).await;
    assert_eq!(page.body.matches(&heading).count(), 1);
    // The customer's email leads back to the thread.
    let mail = app.email_with("r@example.jp", "conversation").await;
    assert!(text_of(&mail).contains(&format!("{}/requests/", app.base)));
}

async fn staff_other_than_the_interpreter_reading_the_conversation_are_audited(app: TestApp) {
    let chatted = chat_with_suzuki(&app, "c@example.jp", None).await;
    let reads = "audit_events WHERE action = 'chat.transcript_read'";
    let session = format!("/staff/sessions/{}", chatted.id);
    // The session's own interpreter reads it freely.
    let page = chatted.staff.get(&session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts("#transcript .thread__body"),
        [
            "Hello, I have a question.",
            "Good morning.\nHow can I help?"
        ]
    );
    chatted
        .staff
        .get(&format!("/staff/sessions/{}/chat", chatted.id))
        .await;
    assert_eq!(app.count(reads).await, 0);
    // A supervisor may read it, and the log says so, naming the session.
    let supervisor = app.english_staff(Role::Supervisor).await;
    let page = supervisor.get(&session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("#transcript .thread__body").len(), 2);
    assert_eq!(app.count(reads).await, 1);
    assert_eq!(
        app.count(&format!(
            "audit_events WHERE action = 'chat.transcript_read' AND target_type = 'booking' AND target_id = '{}'",
            chatted.id
        ))
        .await,
        1
    );
    // A coordinator opening the staff room is recorded too.
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let room = coordinator
        .get(&format!("/staff/sessions/{}/chat", chatted.id))
        .await;
    assert_eq!(room.status, StatusCode::OK);
    assert_eq!(app.count(reads).await, 2);

    // A session nobody wrote in shows so, and reading it is not recorded.
    let quiet = book_chat(&app, 14, "quiet@example.jp", None).await;
    let page = supervisor
        .get(&format!("/staff/sessions/{}", quiet.booking.id))
        .await;
    assert!(
        page.text("#transcript")
            .contains(t(Lang::En, "chat.transcript.none"))
    );
    assert_eq!(app.count(reads).await, 2);
}
