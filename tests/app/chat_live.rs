//! A chat room followed live: the room's page names its stream while the room is open; the
//! stream sends each new message as the page draws it, resumes after the last one a
//! reconnecting browser had, says when the session ends and then lets go; a reader who may
//! no longer follow the room stops getting news; and on PostgreSQL a message written
//! through one instance reaches a page following the room on another.

use crate::support::{Backend, Events, TestApp, at, tomorrow};
use crate::{backend_tests, db_tests};
use reqwest::StatusCode;
use std::time::Duration;
use yorisoi::domain::Lang;
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::i18n::t;

db_tests!(
    messages_arrive_live_and_a_reconnect_resumes_where_it_left_off,
    a_reader_who_may_no_longer_follow_the_room_stops_getting_news,
);

backend_tests!(a_page_that_stops_reading_is_let_go);

const SOON: Duration = Duration::from_secs(5);

/// A written-chat session tomorrow at ten with its interpreter, `suzuki@example.jp`: its
/// id and its manage path.
async fn session(app: &TestApp) -> (i64, String) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let booked = app
        .book(
            SessionMode::WrittenChat,
            at(tomorrow(app), 10, 0),
            "c@example.jp",
        )
        .await;
    (
        booked.booking.id,
        format!("/bookings/{}", booked.manage_token.expose()),
    )
}

/// The next message event: its id and data.
async fn next_message(events: &mut Events) -> (i64, String) {
    let event = events.next(SOON).await.expect("a message arrives");
    assert_eq!(event.event, "message", "{event:?}");
    let id = event.id.expect("messages carry their id").parse().unwrap();
    (id, event.data)
}

async fn messages_arrive_live_and_a_reconnect_resumes_where_it_left_off(app: TestApp) {
    let (id, manage) = session(&app).await;
    let room = format!("{manage}/chat");
    let customer_events = format!("{room}/events");
    let customer = app.english_browser().await;

    // Before the room opens, its page follows nothing: no timer, no automatic refresh.
    let before = customer.get(&room).await;
    assert!(before.attr("#chat-log", "data-events").is_none());

    let staff = app.sign_in_as("suzuki@example.jp").await;
    let staff_room = format!("/staff/sessions/{id}/chat");
    staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;

    // Open, the page names its stream, from the last message it shows, and its script.
    let page = customer.get(&room).await;
    assert_eq!(
        page.attr("#chat-log", "data-events").as_deref(),
        Some(customer_events.as_str())
    );
    assert_eq!(page.attr("#chat-log", "data-last").as_deref(), Some("0"));
    assert!(
        page.attr("script[src^='/assets/chat.']", "src").is_some(),
        "{}",
        page.body
    );

    let mut live = customer
        .events(&format!("{customer_events}?after=0"), &[])
        .await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(
        live.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );

    // The customer's own message comes back as the page draws it.
    customer
        .post(&room, &[("chat_message", "Hello <b>there</b>")])
        .await;
    let (first, item) = next_message(&mut live).await;
    assert!(item.contains(&format!("id=\"m-{first}\"")), "{item}");
    assert!(item.contains("Hello &lt;b&gt;there&lt;/b&gt;"), "{item}");

    // Staff follow from the first message on, as a reconnecting browser does: the header
    // wins over the page's `after`, and only what came later is sent.
    let mut staff_live = staff
        .events(
            &format!("{staff_room}/events?after=0"),
            &[("last-event-id", &first.to_string())],
        )
        .await;
    assert_eq!(staff_live.status, StatusCode::OK);
    staff
        .post(
            &staff_room,
            &[("chat_message", "Good morning.\nHow can I help?")],
        )
        .await;
    let (second, item) = next_message(&mut staff_live).await;
    assert!(second > first);
    assert!(item.contains("How can I help?"), "{item}");
    let (same, _) = next_message(&mut live).await;
    assert_eq!(same, second, "both readers see the same order");
    let page = staff.get(&staff_room).await;
    assert_eq!(
        page.attr("#chat-log", "data-last").as_deref(),
        Some(second.to_string().as_str())
    );

    // Staff end the session: the customer's page is told, and the stream lets go.
    staff
        .post(&format!("/staff/sessions/{id}/chat/end"), &[])
        .await;
    let ended = staff_live
        .next(SOON)
        .await
        .expect("the end is sent to staff");
    assert_eq!(
        (ended.event.as_str(), ended.data.as_str()),
        ("ended", t(Lang::Ja, "chat.staff.closed"))
    );
    let ended = live.next(SOON).await.expect("the end is sent");
    assert_eq!(ended.event, "ended");
    assert_eq!(ended.data, t(Lang::En, "chat.closed"));
    assert!(live.ended(SOON).await, "the stream ends with the session");

    // Over, with nothing left to send: 204 tells the browser not to reconnect; a reader
    // with nothing yet is sent the conversation and the end.
    let again = customer
        .events(&customer_events, &[("last-event-id", &second.to_string())])
        .await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    let mut from_start = customer.events(&customer_events, &[]).await;
    assert_eq!(next_message(&mut from_start).await.0, first);
    assert_eq!(next_message(&mut from_start).await.0, second);
    assert_eq!(from_start.next(SOON).await.unwrap().event, "ended");
    let closed = customer.get(&room).await;
    assert!(closed.attr("#chat-log", "data-events").is_none());
}

async fn a_reader_who_may_no_longer_follow_the_room_stops_getting_news(app: TestApp) {
    let (id, manage) = session(&app).await;
    let room = format!("{manage}/chat");
    let staff_events = format!("/staff/sessions/{id}/chat/events");
    let customer = app.english_browser().await;
    let staff = app.sign_in_as("suzuki@example.jp").await;
    staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;

    // Nobody else follows a room: a made-up link, and another interpreter.
    let stranger = app.browser();
    let made_up = stranger
        .events("/bookings/not-a-token/chat/events", &[])
        .await;
    assert_eq!(made_up.status, StatusCode::NOT_FOUND);
    app.add_interpreter("tanaka", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let tanaka = app.sign_in_as("tanaka@example.jp").await;
    assert_eq!(
        tanaka.events(&staff_events, &[]).await.status,
        StatusCode::FORBIDDEN
    );

    // The interpreter follows the room, then signs out elsewhere: the next message is not
    // sent to the page left open, and its stream ends.
    let mut live = staff.events(&staff_events, &[]).await;
    assert_eq!(live.status, StatusCode::OK);
    customer.post(&room, &[("chat_message", "one")]).await;
    assert!(next_message(&mut live).await.1.contains("one"));
    staff.post("/staff/logout", &[]).await;
    customer.post(&room, &[("chat_message", "two")]).await;
    assert!(
        live.next(SOON).await.is_none(),
        "nothing is sent after signing out"
    );
    assert!(live.ended(SOON).await);
}

/// On PostgreSQL, several instances share one database: a page following a room on one
/// instance is sent what is written through another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_written_through_another_instance_arrives() {
    crate::support::run(Backend::Postgres, |app| async move {
        let (id, manage) = session(&app).await;
        let room = format!("{manage}/chat");
        let staff = app.sign_in_as("suzuki@example.jp").await;
        staff
            .post(&format!("/staff/sessions/{id}/chat/open"), &[])
            .await;
        let other = app.another_instance().await;
        let customer_there = other.browser();
        let customer_here = app.english_browser().await;
        let mut there = customer_there.events(&format!("{room}/events"), &[]).await;
        assert_eq!(there.status, StatusCode::OK);
        // Written here, followed there, and the other way round.
        customer_here
            .post(&room, &[("chat_message", "written on the first")])
            .await;
        let (first, item) = next_message(&mut there).await;
        assert!(item.contains("written on the first"), "{item}");
        let mut here = customer_here
            .events(
                &format!("{room}/events"),
                &[("last-event-id", &first.to_string())],
            )
            .await;
        customer_there
            .post(&room, &[("chat_message", "written on the second")])
            .await;
        assert!(
            next_message(&mut here)
                .await
                .1
                .contains("written on the second")
        );
        assert!(
            next_message(&mut there)
                .await
                .1
                .contains("written on the second")
        );
    })
    .await;
}

/// A page following a room whose reader stops taking what is sent (a laptop closed, a
/// network gone) does not hold its connection and what is queued for it for ever: once
/// nothing has been taken for the write-stall limit, the connection is closed.
async fn a_page_that_stops_reading_is_let_go(backend: Backend) {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use yorisoi::domain::chat::Author;
    use yorisoi::entities::chat_message;
    let Some(app) = TestApp::spawn(backend, |c| {
        c.limits.write_stall = Duration::from_secs(1);
    })
    .await
    else {
        return;
    };
    let (id, manage) = session(&app).await;
    let staff = app.sign_in_as("suzuki@example.jp").await;
    staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    // A long conversation: far more than the sockets between the two can hold.
    const MESSAGES: usize = 3_000;
    const CHARS: usize = 2_000;
    let now = app.state().now();
    for chunk in (0..MESSAGES).collect::<Vec<_>>().chunks(500) {
        chat_message::Entity::insert_many(chunk.iter().map(|_| chat_message::ActiveModel {
            booking_id: Set(id),
            author: Set(Author::Customer),
            staff_user_id: Set(None),
            author_name: Set("Test Customer".to_owned()),
            body: Set("a".repeat(CHARS)),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec(&app.state().db)
        .await
        .unwrap();
    }
    // A client with a small window that asks for everything and then reads nothing.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = app.base.trim_start_matches("http://").parse().unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    let request = format!(
        "GET {manage}/chat/events?after=0 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(4)).await;
    // Read now: what the kernel still held arrives, then the end, well short of the whole.
    let mut taken = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => taken += n,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the connection was still open");
    assert!(
        taken < MESSAGES * CHARS / 2,
        "closed only after sending {taken} bytes"
    );
}
