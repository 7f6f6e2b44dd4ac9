//! The staff side of the written-chat room: each staff member's saved phrases, put into a
//! message without scripts and without sending anything; notes about the session that only
//! staff ever read; and the admin's setting of how early rooms open.

use crate::smtp::Receiver;
use crate::support::{Backend, Browser, TestApp, at, html_of, see_other, text_of, tomorrow};
use crate::{backend_tests, db_tests};
use reqwest::StatusCode;
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::staff_room::PHRASES_MAX;
use yorisoi::domain::{Lang, Role};
use yorisoi::i18n::t;

db_tests!(
    saved_phrases_go_into_the_message_without_sending_and_are_each_staff_members_own,
    the_room_opening_time_is_an_admin_setting,
);

backend_tests!(notes_in_the_room_are_for_staff_alone);

/// Books a written-chat session tomorrow at ten with `suzuki`, answering `request_id` when
/// given; its id and its manage token.
async fn book_chat(app: &TestApp, email: &str, request_id: Option<i64>) -> (i64, String) {
    use yorisoi::domain::booking::DetailsForm;
    use yorisoi::services::booking::make;
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
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
    let booked = make::confirm(
        &app.uc(),
        &state.calendars,
        &make::NewBooking {
            mode,
            start: at(tomorrow(app), 10, 0),
            details,
            lang: Lang::En,
            on_behalf: None,
            request_id,
        },
        None,
    )
    .await
    .unwrap();
    (booked.booking.id, booked.manage_token.expose().to_owned())
}

/// `suzuki`, signed in and reading English.
async fn suzuki(app: &TestApp) -> Browser {
    let staff = app.sign_in_as("suzuki@example.jp").await;
    staff.get("/language/en").await;
    staff
}

async fn open(staff: &Browser, id: i64) {
    let opened = staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
}

async fn saved_phrases_go_into_the_message_without_sending_and_are_each_staff_members_own(
    app: TestApp,
) {
    let (id, _) = book_chat(&app, "c@example.jp", None).await;
    let staff = suzuki(&app).await;
    let room = format!("/staff/sessions/{id}/chat");
    let phrases = format!("/staff/phrases?session={id}");
    open(&staff, id).await;

    // No phrases yet: a hint leads to the page where they are kept, from the dashboard too.
    let page = staff.get(&room).await;
    assert!(page.attr("button[name=insert_phrase]", "value").is_none());
    assert_eq!(
        page.attr("#phrases-hint a", "href").as_deref(),
        Some(phrases.as_str())
    );
    let dashboard = staff.get("/staff").await;
    assert!(
        dashboard
            .attrs(".card a", "href")
            .contains(&"/staff/phrases".to_owned())
    );

    // The page of phrases leads back to the room; a phrase that is empty or too long comes
    // back with what was typed, and nothing is saved.
    let page = staff.get(&phrases).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr(".back-link", "href").as_deref(),
        Some(room.as_str())
    );
    let too_long = "x".repeat(501);
    for typed in ["  ", too_long.as_str()] {
        let refused = staff.post(&phrases, &[("phrase", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.attr(".error-summary", "role").is_some());
        assert_eq!(refused.text("#phrase"), typed.trim());
    }
    assert_eq!(app.count("staff_phrases").await, 0);
    let added = staff
        .post(&phrases, &[("phrase", "Thanks for your patience.")])
        .await;
    assert_eq!(see_other(&added), format!("{phrases}&done=added"));
    staff
        .post(&phrases, &[("phrase", "少々お待ちください。")])
        .await;
    let page = staff.get(&format!("{phrases}&done=added")).await;
    assert!(page.body.contains(t(Lang::En, "phrases.done.added")));
    assert_eq!(
        page.texts(".phrase-manage .note__body"),
        ["Thanks for your patience.", "少々お待ちください。"]
    );

    // In the room each phrase is a button inside the message form, after the send button,
    // so that pressing Enter in a field sends; a script is there to enhance them.
    let page = staff.get(&room).await;
    let ids = page.attrs("button[name=insert_phrase]", "value");
    assert_eq!(ids.len(), 2);
    let form = format!("form[action=\"{room}\"]");
    assert_eq!(
        page.text(&format!("{form} button[type=submit]")),
        t(Lang::En, "chat.send")
    );
    assert!(
        page.attr(&format!("{form} button[type=submit]"), "name")
            .is_none()
    );
    assert_eq!(
        page.attr(&format!("{form} button[name=insert_phrase]"), "data-phrase")
            .as_deref(),
        Some("Thanks for your patience.")
    );
    let script = page
        .attr("script[src^='/assets/staff-room.']", "src")
        .unwrap_or_else(|| panic!("{}", page.body));
    let asset = app.browser().get(&script).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(asset.body.contains("insert_phrase"));

    // Without scripts, a phrase goes after what was typed and the room comes back: nothing
    // is sent.
    let put = staff
        .post(
            &room,
            &[("chat_message", "Hello."), ("insert_phrase", &ids[0])],
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(
        put.text("#chat_message"),
        "Hello. Thanks for your patience."
    );
    assert!(put.attr(".error-summary", "role").is_none());
    let put = staff
        .post(
            &room,
            &[
                ("chat_message", "ありがとうございます。"),
                ("insert_phrase", &ids[1]),
            ],
        )
        .await;
    assert_eq!(
        put.text("#chat_message"),
        "ありがとうございます。少々お待ちください。"
    );
    let put = staff
        .post(&room, &[("chat_message", ""), ("insert_phrase", &ids[1])])
        .await;
    assert_eq!(put.text("#chat_message"), "少々お待ちください。");
    assert_eq!(app.count("chat_messages").await, 0);

    // Another member of staff in the same room sees none of them, and can neither use nor
    // remove them.
    let coordinator = app.english_staff(Role::Coordinator).await;
    let theirs = coordinator.get(&room).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.attr("button[name=insert_phrase]", "value").is_none());
    assert!(!theirs.body.contains("Thanks for your patience."));
    let refused = coordinator
        .post(&room, &[("chat_message", "Hi"), ("insert_phrase", &ids[0])])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let refused = coordinator
        .post(&format!("/staff/phrases/{}/delete", ids[0]), &[])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let list = coordinator.get("/staff/phrases").await;
    assert!(!list.body.contains("Thanks for your patience."));
    assert!(list.body.contains(t(Lang::En, "phrases.none")));
    assert_eq!(app.count("staff_phrases").await, 2);
    assert_eq!(app.count("chat_messages").await, 0);

    // Removed by its owner; sending is the send button, as before.
    let removed = staff
        .post(
            &format!("/staff/phrases/{}/delete?session={id}", ids[0]),
            &[],
        )
        .await;
    assert_eq!(see_other(&removed), format!("{phrases}&done=removed"));
    assert_eq!(app.count("staff_phrases").await, 1);
    let sent = staff.post(&room, &[("chat_message", "Hello.")]).await;
    assert_eq!(see_other(&sent), room);
    assert_eq!(app.count("chat_messages").await, 1);

    // A full list takes no more.
    let owner: i64 = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        yorisoi::entities::staff_user::Entity::find()
            .filter(yorisoi::entities::staff_user::Column::Email.eq("suzuki@example.jp"))
            .one(&app.state().db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    for n in 1..PHRASES_MAX {
        yorisoi::services::phrases::add(&app.uc(), owner, &format!("Phrase {n}"))
            .await
            .unwrap();
    }
    let refused = staff.post(&phrases, &[("phrase", "One more")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text(".error-summary")
            .contains(&PHRASES_MAX.to_string())
    );
    assert_eq!(refused.text("#phrase"), "One more");
    assert_eq!(app.count("staff_phrases").await, PHRASES_MAX as i64);
}

async fn notes_in_the_room_are_for_staff_alone(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let sent = crate::chat::statement_request(&app, "r@example.jp").await;
    let (id, token) = book_chat(&app, "r@example.jp", Some(sent.request.id)).await;
    let staff = suzuki(&app).await;
    let room = format!("/staff/sessions/{id}/chat");
    let notes = format!("/staff/sessions/{id}/chat/notes");
    let manage = format!("/bookings/{token}");
    let customer_room = format!("{manage}/chat");

    // Before the room opens: a note is written, in a section that says only staff see it.
    let page = staff.get(&room).await;
    assert!(page.attr("#chat_message", "name").is_none(), "not open yet");
    assert_eq!(
        page.text("#chat-notes-heading"),
        t(Lang::En, "chat_notes.heading")
    );
    let added = staff
        .post(
            &notes,
            &[("chat_note", "NOTE-BEFORE prefers short sentences")],
        )
        .await;
    assert_eq!(see_other(&added), format!("{room}?done=note#chat-notes"));
    // Empty or too long: back with what was typed, nothing written.
    let too_long = "あ".repeat(2001);
    for typed in [" ", too_long.as_str()] {
        let refused = staff.post(&notes, &[("chat_note", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.attr(".error-summary", "role").is_some());
        assert_eq!(refused.text("#chat_note"), typed.trim());
    }

    // While open, the customer and staff write, and staff add a note.
    open(&staff, id).await;
    let customer = app.english_browser().await;
    let wrote = customer
        .post(
            &customer_room,
            &[("chat_message", "Hello, I have a question.")],
        )
        .await;
    assert_eq!(wrote.status, StatusCode::SEE_OTHER);
    let wrote = staff
        .post(&room, &[("chat_message", "Good morning.")])
        .await;
    assert_eq!(wrote.status, StatusCode::SEE_OTHER);
    staff
        .post(&notes, &[("chat_note", "NOTE-OPEN asked about statements")])
        .await;
    // Another staff member who may be in the room writes one too.
    let coordinator = app.english_staff(Role::Coordinator).await;
    let added = coordinator
        .post(&notes, &[("chat_note", "NOTE-COORDINATOR checked")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    // An interpreter who is not the session's may not.
    app.add_interpreter("tanaka", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let tanaka = app.sign_in_as("tanaka@example.jp").await;
    let refused = tanaka.post(&notes, &[("chat_note", "NOTE-TANAKA")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The customer sees none of it.
    for path in [&customer_room, &manage] {
        let page = customer.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("NOTE-"), "{path}: {}", page.body);
        assert!(page.attr("#chat-notes", "id").is_none());
    }

    // Staff end the session, and a note can still be written.
    let ended = staff
        .post(&format!("/staff/sessions/{id}/chat/end"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    let added = staff
        .post(&notes, &[("chat_note", "NOTE-AFTER follow up by post")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let expected = [
        "NOTE-BEFORE prefers short sentences",
        "NOTE-OPEN asked about statements",
        "NOTE-COORDINATOR checked",
        "NOTE-AFTER follow up by post",
    ];
    let page = staff.get(&room).await;
    assert_eq!(page.texts("#chat-notes .note__body"), expected);
    assert!(page.text("#chat-notes .note__meta").starts_with("suzuki, "));
    // They are the session's internal notes: its staff page shows the same.
    let session = staff.get(&format!("/staff/sessions/{id}")).await;
    assert_eq!(session.texts(".note-list .note__body"), expected);
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.note_added'")
            .await,
        4
    );
    assert_eq!(app.count("booking_notes").await, 4);
    // A coordinator reading the conversation on the session's page is audited once for
    // each time they open it, as in the room; writing a note reads nothing.
    let reads = "audit_events WHERE action = 'chat.transcript_read'";
    let before = app.count(reads).await;
    for n in 1..=2 {
        let page = coordinator.get(&format!("/staff/sessions/{id}")).await;
        assert_eq!(page.texts("#transcript .thread__body").len(), 2);
        assert_eq!(page.texts(".note-list .note__body"), expected);
        assert_eq!(app.count(reads).await, before + n);
    }

    // Nor in the conversation emailed, nor in the request's thread, nor after the end.
    let mail = receiver.email_with("r@example.jp", "conversation").await;
    let text = text_of(&mail.data);
    assert!(text.contains("Hello, I have a question."), "{text}");
    assert!(!text.contains("NOTE-"), "{text}");
    assert!(!html_of(&mail.data).contains("NOTE-"));
    let thread = format!("/requests/{}", sent.token.unwrap().expose());
    let page = customer.get(&thread).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Hello, I have a question."));
    assert!(!page.body.contains("NOTE-"), "{}", page.body);
    for path in [&customer_room, &manage] {
        assert!(!customer.get(path).await.body.contains("NOTE-"));
    }
}

async fn the_room_opening_time_is_an_admin_setting(app: TestApp) {
    let admin = app.english_staff(Role::Admin).await;
    let settings = "/staff/settings/sessions";
    let action = "/staff/settings/chat-rooms";
    let page = admin.get(settings).await;
    assert_eq!(
        page.attr("#chat_opens_minutes", "value").as_deref(),
        Some("10")
    );
    assert_eq!(
        page.text("label[for=chat_opens_minutes]"),
        t(Lang::En, "schedule.settings.chat_label")
    );

    // Out of bounds, not a number, or empty: refused with why, and what was typed kept.
    for typed in ["121", "-1", "ten", ""] {
        let refused = admin.post(action, &[("chat_opens_minutes", typed)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        let summary = refused.text(".error-summary");
        assert!(
            summary.contains(t(Lang::En, "schedule.settings.chat_label")),
            "{summary}"
        );
        assert_eq!(
            refused.attr("#chat_opens_minutes", "value").as_deref(),
            Some(typed)
        );
        assert!(
            refused.title().starts_with("Error (1):"),
            "{}",
            refused.title()
        );
    }
    assert_eq!(
        app.count("settings WHERE key = 'chat.opens_minutes_before'")
            .await,
        0
    );
    // Other admins only: a coordinator may not change it.
    let coordinator = app.english_staff(Role::Coordinator).await;
    let refused = coordinator
        .post(action, &[("chat_opens_minutes", "30")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let saved = admin.post(action, &[("chat_opens_minutes", " 30 ")]).await;
    assert_eq!(see_other(&saved), format!("{settings}?done=chat_rooms"));
    let page = admin.get(&format!("{settings}?done=chat_rooms")).await;
    assert!(page.body.contains(t(Lang::En, "schedule.done.chat_rooms")));
    assert_eq!(
        page.attr("#chat_opens_minutes", "value").as_deref(),
        Some("30")
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'desk.settings_changed' AND detail LIKE '%chat_opens_minutes%'")
            .await,
        1
    );

    // The customer's manage page and the room agree: the room opens at half past nine.
    let (_, token) = book_chat(&app, "c@example.jp", None).await;
    let customer = app.english_browser().await;
    let manage = customer.get(&format!("/bookings/{token}")).await;
    assert!(manage.body.contains("09:30"), "{}", manage.body);
    let room = customer.get(&format!("/bookings/{token}/chat")).await;
    assert!(room.text("#chat_state").contains("09:30"), "{}", room.body);

    // In Japanese too.
    let ja = app.signed_in(Role::Admin).await.0.get(settings).await;
    assert_eq!(
        ja.text("label[for=chat_opens_minutes]"),
        t(Lang::Ja, "schedule.settings.chat_label")
    );
}
