//! A room of its own for every video session: the join address is made from the desk's
//! room-address template and the session's random room, shown on the manage page, in the
//! emails and as the calendar file's `LOCATION`; it survives a move and a new interpreter,
//! and ends with a cancellation. A written-chat session has no video address at all.

use crate::db_tests;
use crate::support::{Browser, PASSWORD, Page, TestApp, at, ics_of, link_in, text_of, tomorrow};
use reqwest::StatusCode;
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Lang, Role};
use yorisoi::i18n::t;
use yorisoi::services::booking::{self, manage::ChangedBy};

const TEMPLATE: &str = "https://meet.example.jp/{room}";

/// The calendar file's `LOCATION`, if it has one.
fn location(ics: &str) -> Option<String> {
    ics.lines()
        .find_map(|l| l.strip_prefix("LOCATION:"))
        .map(|l| l.trim().to_owned())
}

/// The email about the session with this reference whose subject starts as given.
fn email_about(app: &TestApp, reference: &str, subject: &str) -> Vec<u8> {
    app.dropped_emails()
        .into_iter()
        .rev()
        .find(|raw| {
            let message = mail_parser::MessageParser::default().parse(raw).unwrap();
            message
                .subject()
                .is_some_and(|s| s.starts_with(subject) && s.contains(reference))
        })
        .unwrap_or_else(|| panic!("an email \"{subject}\" about {reference}"))
}

async fn stored_room(app: &TestApp, id: i64) -> Option<String> {
    booking::get(&app.state().db, id)
        .await
        .unwrap()
        .unwrap()
        .room
}

/// The manage page in English.
async fn manage_page(app: &TestApp, path: &str) -> Page {
    let page = app
        .browser()
        .get_with(path, &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

fn is_room(room: &str) -> bool {
    room.len() == 32
        && room
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

db_tests!(
    every_video_session_has_a_room_of_its_own,
    a_written_chat_session_has_no_video_address,
    without_a_room_address_customers_are_told_the_link_comes_later,
    only_a_web_address_with_one_room_is_taken_as_the_room_address,
);

async fn every_video_session_has_a_room_of_its_own(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let sato = app
        .add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    app.set_room_template(TEMPLATE).await;
    let day = tomorrow(&app);
    let first = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "a@example.jp",
        )
        .await;
    let second = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 13, 0),
            "b@example.jp",
        )
        .await;
    assert_eq!(first.booking.interpreter_id, sato);
    assert_eq!(second.booking.interpreter_id, sato);
    app.wait_for_dropped(2).await;

    let mut addresses = Vec::new();
    for confirmed in [&first, &second] {
        let room = stored_room(&app, confirmed.booking.id)
            .await
            .expect("a room");
        assert!(is_room(&room), "{room} is 128 random bits in hex");
        let address = format!("https://meet.example.jp/{room}");
        let path = format!("/bookings/{}", confirmed.manage_token.expose());
        let page = manage_page(&app, &path).await;
        assert_eq!(
            page.attr("#join-address", "href").as_deref(),
            Some(address.as_str())
        );
        assert_eq!(page.text("#join-address"), address);
        let email = email_about(&app, &confirmed.booking.reference, "Your session is booked");
        assert!(text_of(&email).contains(&address), "the email has it");
        assert_eq!(location(&ics_of(&email)), Some(address.clone()));
        assert!(!text_of(&email).contains("sato@"), "no interpreter's room");
        addresses.push(address);
    }
    assert_ne!(addresses[0], addresses[1], "two sessions, two rooms");

    // Moving the session keeps its room; so does giving it to another interpreter.
    booking::manage::reschedule(
        &app.uc(),
        first.booking.id,
        ChangedBy::Customer,
        at(day, 15, 0),
        false,
    )
    .await
    .unwrap();
    app.wait_for_dropped(3).await;
    let moved = email_about(
        &app,
        &first.booking.reference,
        "Your session has a new time",
    );
    assert_eq!(location(&ics_of(&moved)), Some(addresses[0].clone()));
    assert!(text_of(&moved).contains(&addresses[0]));
    let path = format!("/bookings/{}", first.manage_token.expose());
    assert_eq!(
        manage_page(&app, &path)
            .await
            .attr("#join-address", "href")
            .as_deref(),
        Some(addresses[0].as_str())
    );

    let tanaka = app
        .add_interpreter("tanaka", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let reassigned = coordinator
        .post(
            &format!("/staff/sessions/{}/reassign", first.booking.id),
            &[("interpreter", &tanaka.to_string())],
        )
        .await;
    assert_eq!(
        reassigned.status,
        StatusCode::SEE_OTHER,
        "{}",
        reassigned.body
    );
    // The customer is told, and both interpreters.
    app.wait_for_dropped(6).await;
    let changed = email_about(
        &app,
        &first.booking.reference,
        "Your session has a new interpreter",
    );
    assert_eq!(location(&ics_of(&changed)), Some(addresses[0].clone()));
    let staff_page = coordinator
        .get(&format!("/staff/sessions/{}", first.booking.id))
        .await;
    assert_eq!(
        staff_page.attr("#join-address", "href").as_deref(),
        Some(addresses[0].as_str()),
        "staff see where the session happens"
    );

    // Cancelling ends the room: no address anywhere, and the calendar file cancels
    // without it.
    let cancelled = app
        .browser()
        .post(&format!("{path}/cancel"), &[("cancel_reason", "")])
        .await;
    assert_eq!(
        cancelled.status,
        StatusCode::SEE_OTHER,
        "{}",
        cancelled.body
    );
    app.wait_for_dropped(7).await;
    let email = email_about(&app, &first.booking.reference, "Your session is cancelled");
    let ics = ics_of(&email);
    assert!(ics.contains("METHOD:CANCEL"), "{ics}");
    assert_eq!(location(&ics), None, "{ics}");
    assert!(!ics.contains(&addresses[0]));
    assert!(!text_of(&email).contains(&addresses[0]));
    let page = manage_page(&app, &path).await;
    assert!(page.attr("#join-address", "href").is_none());
    assert!(!page.body.contains(&addresses[0]));
    assert_eq!(stored_room(&app, first.booking.id).await, None);
    let staff_page = coordinator
        .get(&format!("/staff/sessions/{}", first.booking.id))
        .await;
    assert!(!staff_page.body.contains(&addresses[0]));

    // The other session is untouched.
    let other = format!("/bookings/{}", second.manage_token.expose());
    assert_eq!(
        manage_page(&app, &other)
            .await
            .attr("#join-address", "href")
            .as_deref(),
        Some(addresses[1].as_str())
    );
}

async fn a_written_chat_session_has_no_video_address(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    app.set_room_template(TEMPLATE).await;
    let chat = app
        .book(
            SessionMode::WrittenChat,
            at(tomorrow(&app), 10, 0),
            "c@example.jp",
        )
        .await;
    assert_eq!(stored_room(&app, chat.booking.id).await, None);
    let path = format!("/bookings/{}", chat.manage_token.expose());
    let en = manage_page(&app, &path).await;
    assert!(en.attr("#join-address", "href").is_none());
    assert!(!en.body.contains("meet.example.jp"));
    // The way in is the session's own chat room.
    assert_eq!(en.attr("#chat-room", "href"), Some(format!("{path}/chat")));
    let ja = app.browser().get(&path).await;
    assert_eq!(ja.text("#chat-room"), t(Lang::Ja, "book.manage.chat_link"));
    assert!(t(Lang::Ja, "book.manage.chat_how").contains("相談"));

    let email = app.wait_for_dropped(1).await.remove(0);
    let text = text_of(&email);
    assert!(text.contains(t(Lang::En, "email.session.chat")), "{text}");
    assert!(!text.contains("meet.example.jp"), "{text}");
    assert!(!text.contains(t(Lang::En, "email.session.join_later")));
    let ics = ics_of(&email);
    assert_eq!(location(&ics), None, "{ics}");
    assert!(!ics.contains("meet.example.jp"));
}

async fn without_a_room_address_customers_are_told_the_link_comes_later(app: TestApp) {
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
    let room = stored_room(&app, video.booking.id).await.expect("a room");
    let path = format!("/bookings/{}", video.manage_token.expose());
    let page = manage_page(&app, &path).await;
    assert!(page.attr("#join-address", "href").is_none());
    assert!(page.body.contains(t(Lang::En, "book.manage.join_later")));
    assert!(!page.body.contains(&room), "no address without a template");
    let email = app.wait_for_dropped(1).await.remove(0);
    assert!(text_of(&email).contains(t(Lang::En, "email.session.join_later")));
    assert_eq!(location(&ics_of(&email)), None);

    // Staff are warned where they look.
    let (admin, _) = app.signed_in(Role::Admin).await;
    for warned in ["/staff/settings/sessions", "/staff/schedule"] {
        let page = admin.get(warned).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.attr("#no-room-template", "class").is_some(),
            "{warned}"
        );
    }

    // Once an admin sets the room address, the session booked before shows its room.
    let saved = admin
        .post(
            "/staff/settings/video-rooms",
            &[("room_template", TEMPLATE)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let address = format!("https://meet.example.jp/{room}");
    assert_eq!(
        manage_page(&app, &path)
            .await
            .attr("#join-address", "href")
            .as_deref(),
        Some(address.as_str())
    );
    for warned in ["/staff/settings/sessions", "/staff/schedule"] {
        let page = admin.get(warned).await;
        assert!(
            page.attr("#no-room-template", "class").is_none(),
            "{warned}"
        );
    }
    // The manage link in the email still opens the same page.
    let link = link_in(&email, &format!("{}/bookings/", app.base));
    assert_eq!(link.trim_start_matches(&app.base), path);
}

async fn only_a_web_address_with_one_room_is_taken_as_the_room_address(app: TestApp) {
    for role in [Role::Supervisor, Role::Coordinator, Role::Interpreter] {
        let (browser, _) = app.signed_in(role).await;
        let tried = browser
            .post(
                "/staff/settings/video-rooms",
                &[("room_template", TEMPLATE)],
            )
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert!(
        yorisoi::services::settings::load(&app.state().db)
            .await
            .unwrap()
            .room_template
            .is_none()
    );

    let (admin, _) = app.signed_in(Role::Admin).await;
    app.create_staff("admin-en@example.jp", Role::Admin).await;
    let admin_en = Browser::with_headers(&app.base, &[("accept-language", "en")]);
    admin_en.sign_in("admin-en@example.jp", PASSWORD).await;
    for (typed, key) in [
        ("ftp://x", "schedule.error.room_template_format"),
        (
            "https://meet.example.jp/room",
            "schedule.error.room_template_room",
        ),
        (
            "https://meet.example.jp/{room}/{room}",
            "schedule.error.room_template_room",
        ),
    ] {
        let refused = admin_en
            .post("/staff/settings/video-rooms", &[("room_template", typed)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert_eq!(
            refused.attr("#room_template", "value").as_deref(),
            Some(typed),
            "what was typed is kept"
        );
        assert_eq!(
            refused.attr("#room_template", "aria-invalid").as_deref(),
            Some("true")
        );
        assert!(
            refused.text(".error-summary").contains(t(Lang::En, key)),
            "{typed}: {}",
            refused.text(".error-summary")
        );
        let ja = admin
            .post("/staff/settings/video-rooms", &[("room_template", typed)])
            .await;
        assert!(
            ja.text(".error-summary").contains(t(Lang::Ja, key)),
            "{typed}"
        );
    }

    let saved = admin
        .post(
            "/staff/settings/video-rooms",
            &[("room_template", "http://localhost:8443/{room}")],
        )
        .await;
    assert_eq!(
        saved.location(),
        Some("/staff/settings/sessions?done=rooms")
    );
    let page = admin.get("/staff/settings/sessions?done=rooms").await;
    assert_eq!(
        page.attr("#room_template", "value").as_deref(),
        Some("http://localhost:8443/{room}")
    );
    assert_eq!(
        app.count(
            "audit_events WHERE action = 'desk.settings_changed' \
             AND detail LIKE '%localhost:8443%'"
        )
        .await,
        1,
        "the change is in the audit log"
    );

    // Emptying the field removes the room address again.
    let cleared = admin
        .post("/staff/settings/video-rooms", &[("room_template", "")])
        .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    let page = admin.get("/staff/settings/sessions").await;
    assert_eq!(page.attr("#room_template", "value").as_deref(), Some(""));
    assert!(page.attr("#no-room-template", "class").is_some());
}
