//! The staff side of sessions: the week board, one session (reassign, outcome, notes,
//! cancel), interpreters' own pages, weekly availability and the desk's session settings.

use crate::db_tests;
use crate::support::{Page, TOKYO, TestApp, at, key, see_other, text_of, tomorrow};
use reqwest::StatusCode;
use time::{Duration, Time};
use time_tz::OffsetDateTimeExt;
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::Role;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::services::calendar::Calendar;

fn rejected(page: &Page) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        !page.texts(".error-summary a").is_empty(),
        "a rejected form shows the error summary"
    );
}

/// The text of a board cell: the row whose header starts with `name`, the day `column`
/// (0 = Monday).
fn board_cell(page: &Page, name: &str, column: usize) -> String {
    let html = page.html();
    let rows = scraper::Selector::parse("table.board tbody tr").unwrap();
    let header = scraper::Selector::parse("th[scope=row]").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    for row in html.select(&rows) {
        let who: String = row
            .select(&header)
            .next()
            .map(|th| th.text().collect())
            .unwrap_or_default();
        if who.trim().starts_with(name) {
            return row
                .select(&cell)
                .nth(column)
                .map(|td| td.text().collect())
                .unwrap_or_default();
        }
    }
    panic!("no board row for {name}: {}", page.body);
}

fn email_texts(app: &TestApp) -> Vec<String> {
    app.dropped_emails()
        .iter()
        .map(|raw| text_of(raw))
        .collect()
}

async fn the_board_shows_each_session_in_its_interpreters_row_and_days_column(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("alice", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    app.add_interpreter("bob", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let video = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "v@example.jp",
        )
        .await;
    let chat = app
        .book(SessionMode::WrittenChat, at(day, 10, 0), "c@example.jp")
        .await;
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;

    let page = coordinator
        .get(&format!("/staff/schedule?week={}", key(day)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("table.board caption").len(), 1);
    assert_eq!(
        page.attr(".table-scroll", "aria-labelledby").as_deref(),
        Some("board-caption")
    );
    assert_eq!(
        page.attr(".table-scroll", "role").as_deref(),
        Some("region")
    );
    assert_eq!(
        page.texts("table.board thead th[scope=col]").len(),
        8,
        "the interpreter column and one a day"
    );
    let row_headers = page.texts("table.board tbody th[scope=row]");
    assert_eq!(row_headers, vec!["alice", "bob"]);
    let column = day.weekday().number_days_from_monday() as usize;
    let alice = board_cell(&page, "alice", column);
    assert!(alice.contains(&video.booking.reference), "{alice}");
    assert!(alice.contains("10:00–10:30"), "{alice}");
    assert!(!alice.contains(&chat.booking.reference));
    let bob = board_cell(&page, "bob", column);
    assert!(bob.contains(&chat.booking.reference), "{bob}");
    assert_eq!(
        page.attr(
            &format!("a[href=\"/staff/sessions/{}\"]", video.booking.id),
            "href"
        )
        .as_deref(),
        Some(format!("/staff/sessions/{}", video.booking.id).as_str()),
        "the reference links to the session page"
    );
    let other_day = (column + 1) % 7;
    assert!(!board_cell(&page, "alice", other_day).contains(&video.booking.reference));

    // The mode filter keeps the week and leaves out the other mode (and its interpreters).
    let chat_only = coordinator
        .get(&format!(
            "/staff/schedule?week={}&mode=written_chat",
            key(day)
        ))
        .await;
    assert_eq!(chat_only.status, StatusCode::OK);
    assert!(chat_only.body.contains(&chat.booking.reference));
    assert!(!chat_only.body.contains(&video.booking.reference));
    assert_eq!(
        chat_only.attr("input[name=week]", "value"),
        Some(key(day - Duration::days(column as i64)))
    );
    assert_eq!(
        chat_only.texts("table.board tbody th[scope=row]"),
        vec!["bob"]
    );

    // Another week shows neither; values that cannot be read fall back to this week.
    let next = coordinator
        .get(&format!(
            "/staff/schedule?week={}",
            key(day + Duration::days(7))
        ))
        .await;
    assert!(!next.body.contains(&video.booking.reference));
    for query in [
        "week=not-a-date&mode=nonsense",
        "week=9999-12-31",
        "week=2026-02-30",
        "mode=written_chat&mode=sign_language_video",
    ] {
        let page = coordinator.get(&format!("/staff/schedule?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
    }
}

async fn interpreters_see_only_their_own_sessions_and_pages(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let alice_id = app
        .add_interpreter("alice", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let bob_id = app
        .add_interpreter("bob", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let mine = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 11, 0),
            "v@example.jp",
        )
        .await;
    let theirs = app
        .book(SessionMode::WrittenChat, at(day, 11, 0), "c@example.jp")
        .await;
    let alice = app.sign_in_as("alice@example.jp").await;

    assert_eq!(
        alice.get("/staff/schedule").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        alice.get("/staff/interpreters").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        alice.get("/staff/settings/sessions").await.status,
        StatusCode::FORBIDDEN
    );
    let own = alice
        .get(&format!("/staff/sessions/{}", mine.booking.id))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Test Customer"));
    assert_eq!(
        own.texts("form[action$=\"/reassign\"]").len(),
        0,
        "an interpreter cannot reassign"
    );
    let other = alice
        .get(&format!("/staff/sessions/{}", theirs.booking.id))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let note = alice
        .post(
            &format!("/staff/sessions/{}/notes", theirs.booking.id),
            &[("note", "not mine")],
        )
        .await;
    assert_eq!(note.status, StatusCode::NOT_FOUND);
    let reassign = alice
        .post(
            &format!("/staff/sessions/{}/reassign", mine.booking.id),
            &[("interpreter", &bob_id.to_string())],
        )
        .await;
    assert_eq!(reassign.status, StatusCode::FORBIDDEN);

    let list = alice.get("/staff/my-sessions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&mine.booking.reference));
    assert!(!list.body.contains(&theirs.booking.reference));
    assert!(list.body.contains("href=\"/staff/availability\""));

    let availability = alice.get("/staff/availability").await;
    assert_eq!(
        see_other(&availability),
        format!("/staff/interpreters/{alice_id}")
    );
    let page = alice.get(&format!("/staff/interpreters/{alice_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr("#avail-1-1-from", "value").as_deref(),
        Some("09:00")
    );
    assert_eq!(
        page.texts("form[action$=\"/qualifications\"]").len(),
        0,
        "an interpreter cannot change qualifications"
    );
    assert_eq!(
        alice
            .get(&format!("/staff/interpreters/{bob_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let before = app.count("availability_weekly").await;
    let forged = alice
        .post(
            &format!("/staff/interpreters/{bob_id}/weekly"),
            &[("avail-1-1-from", "10:00"), ("avail-1-1-to", "11:00")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    let forged = alice
        .post(
            &format!("/staff/interpreters/{bob_id}/qualifications"),
            &[("qualification", "written_chat")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("availability_weekly").await, before);

    // Their own hours they may change; their session that day no longer fits, so they
    // see it before saving.
    let weekly = format!("/staff/interpreters/{alice_id}/weekly");
    let asked = alice
        .post(
            &weekly,
            &[("avail-2-1-from", "13:00"), ("avail-2-1-to", "15:00")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert_eq!(asked.texts(".affected-session").len(), 1);
    let saved = alice
        .post(
            &weekly,
            &[
                ("avail-2-1-from", "13:00"),
                ("avail-2-1-to", "15:00"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(
        see_other(&saved),
        format!("/staff/interpreters/{alice_id}?done=weekly")
    );
    assert_eq!(
        app.count(&format!(
            "availability_weekly WHERE staff_user_id = {alice_id}"
        ))
        .await,
        1
    );
}

async fn a_coordinator_reassigns_to_a_qualified_free_interpreter_only(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let alice = app
        .add_interpreter("alice", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let carol = app
        .add_interpreter("carol", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let dave = app
        .add_interpreter("dave", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let erin = app
        .add_interpreter("erin", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let first = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "one@example.jp",
        )
        .await;
    let second = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "two@example.jp",
        )
        .await;
    assert_eq!(first.booking.interpreter_id, alice);
    assert_eq!(
        second.booking.interpreter_id, carol,
        "carol is busy at that time"
    );
    app.wait_for_dropped(2).await;
    let holds = |id: i64| format!("interpreter_holds WHERE staff_user_id = {id}");
    let held = app.count(&holds(alice)).await;
    assert!(held > 0);

    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let path = format!("/staff/sessions/{}", first.booking.id);
    let page = coordinator.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let offered = page.texts("input[name=interpreter] + label");
    assert_eq!(
        offered,
        vec!["erin"],
        "only the free, qualified one is offered"
    );

    for (who, id) in [("busy", carol), ("unqualified", dave)] {
        let refused = coordinator
            .post(
                &format!("{path}/reassign"),
                &[("interpreter", &id.to_string())],
            )
            .await;
        rejected(&refused);
        assert!(
            refused
                .text("#interpreter-error")
                .contains(if id == carol { "carol" } else { "dave" }),
            "{who}: {}",
            refused.body
        );
    }
    rejected(
        &coordinator
            .post(&format!("{path}/reassign"), &[("interpreter", "")])
            .await,
    );
    assert_eq!(app.count(&holds(alice)).await, held, "nothing moved");
    assert_eq!(app.count(&holds(erin)).await, 0);
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.reassigned'")
            .await,
        0
    );
    assert!(email_texts(&app).iter().all(|t| !t.contains("erin")));

    let done = coordinator
        .post(
            &format!("{path}/reassign"),
            &[("interpreter", &erin.to_string())],
        )
        .await;
    assert_eq!(see_other(&done), format!("{path}?done=reassigned"));
    assert_eq!(app.count(&holds(alice)).await, 0);
    assert_eq!(app.count(&holds(erin)).await, held);
    assert_eq!(
        app.count(&format!(
            "bookings WHERE id = {} AND interpreter_id = {erin}",
            first.booking.id
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.reassigned'")
            .await,
        1
    );
    let told = app.email_with("one@example.jp", "new interpreter").await;
    assert!(
        crate::support::text_of(&told).contains("erin"),
        "the customer is told the new interpreter's name"
    );
    // Both interpreters are told too.
    app.email_with("alice@example.jp", &first.booking.reference)
        .await;
    app.email_with("erin@example.jp", &first.booking.reference)
        .await;
    let page = coordinator.get(&format!("{path}?done=reassigned")).await;
    assert_eq!(page.texts(".banner--success").len(), 1);
    assert!(page.text(".summary-list").contains("erin"));
    assert!(
        page.text("table").contains("alice") && page.text("table").contains("erin"),
        "the history says from whom to whom"
    );
}

async fn outcomes_notes_and_cancelling_are_recorded(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("alice", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let session = app
        .book(SessionMode::WrittenChat, at(day, 14, 0), "c@example.jp")
        .await;
    let path = format!("/staff/sessions/{}", session.booking.id);
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;

    let empty = coordinator
        .post(&format!("{path}/notes"), &[("note", "  ")])
        .await;
    rejected(&empty);
    let long = "あ".repeat(2001);
    let too_long = coordinator
        .post(&format!("{path}/notes"), &[("note", &long)])
        .await;
    rejected(&too_long);
    assert_eq!(
        too_long.text("textarea#note").chars().count(),
        2001,
        "the typed note is kept"
    );
    assert_eq!(app.count("booking_notes").await, 0);
    let added = coordinator
        .post(
            &format!("{path}/notes"),
            &[("note", "Prefers short sentences.\nCall back on Friday.")],
        )
        .await;
    assert_eq!(see_other(&added), format!("{path}?done=note"));
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.note_added'")
            .await,
        1
    );
    let page = coordinator.get(&path).await;
    assert!(page.text(".note-list").contains("Prefers short sentences."));

    // A second session, the day after, to cancel below.
    let other = app
        .book(
            SessionMode::WrittenChat,
            at(day + Duration::days(1), 15, 0),
            "d@example.jp",
        )
        .await;
    // How a session went is recorded once it has started.
    app.set_now(at(day, 14, 5));
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    rejected(
        &coordinator
            .post(&format!("{path}/outcome"), &[("outcome", "cancelled")])
            .await,
    );
    let recorded = coordinator
        .post(&format!("{path}/outcome"), &[("outcome", "completed")])
        .await;
    assert_eq!(see_other(&recorded), format!("{path}?done=outcome"));
    assert_eq!(app.count("bookings WHERE status = 'completed'").await, 1);
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.status_changed'")
            .await,
        1
    );

    // The second session is cancelled by staff, with a reason, after a confirmation page.
    app.wait_for_dropped(2).await;
    let other_path = format!("/staff/sessions/{}", other.booking.id);
    let confirm = coordinator.get(&format!("{other_path}/cancel")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(confirm.texts("textarea#reason").len(), 1);
    let cancelled = coordinator
        .post(
            &format!("{other_path}/cancel"),
            &[("reason", "The customer phoned the branch.")],
        )
        .await;
    assert_eq!(
        see_other(&cancelled),
        format!("{other_path}?done=cancelled")
    );
    assert_eq!(
        app.count(&format!(
            "bookings WHERE id = {} AND status = 'cancelled'",
            other.booking.id
        ))
        .await,
        1
    );
    assert_eq!(
        app.count(&format!(
            "interpreter_holds WHERE booking_id = {}",
            other.booking.id
        ))
        .await,
        0
    );
    assert_eq!(
        app.wait_for_dropped(3).await.len(),
        3,
        "the customer is told"
    );
    let again = coordinator.post(&format!("{other_path}/cancel"), &[]).await;
    rejected(&again);
    assert_eq!(
        again.attr("#session-status", "id").as_deref(),
        Some("session-status"),
        "the error links to the session's status"
    );
    let page = coordinator.get(&other_path).await;
    assert!(page.body.contains("The customer phoned the branch."));
}

async fn weekly_availability_is_saved_or_refused_as_typed(app: TestApp) {
    let alice = app
        .add_interpreter("alice", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let path = format!("/staff/interpreters/{alice}");
    let rows = format!("availability_weekly WHERE staff_user_id = {alice}");
    assert_eq!(app.count(&rows).await, 7);

    let saved = coordinator
        .post(
            &format!("{path}/weekly"),
            &[
                ("avail-1-1-from", "9:00"),
                ("avail-1-1-to", "12:00"),
                ("avail-1-2-from", "13:00"),
                ("avail-1-2-to", "17:30"),
                ("avail-5-1-from", "10:15"),
                ("avail-5-1-to", "11:45"),
            ],
        )
        .await;
    assert_eq!(see_other(&saved), format!("{path}?done=weekly"));
    assert_eq!(app.count(&rows).await, 3);
    let page = coordinator.get(&format!("{path}?done=weekly")).await;
    assert_eq!(
        page.attr("#avail-1-1-from", "value").as_deref(),
        Some("09:00")
    );
    assert_eq!(
        page.attr("#avail-1-2-to", "value").as_deref(),
        Some("17:30")
    );
    assert_eq!(page.attr("#avail-2-1-from", "value").as_deref(), Some(""));
    assert_eq!(page.texts(".banner--success").len(), 1);
    assert_eq!(
        page.texts("label[for=avail-1-1-from]").len(),
        1,
        "every time field has a visible label"
    );

    let refused = coordinator
        .post(
            &format!("{path}/weekly"),
            &[
                ("avail-2-1-from", "12:00"),
                ("avail-2-1-to", "11:00"),
                ("avail-3-1-from", "9:10"),
                ("avail-3-1-to", "10:00"),
                ("avail-4-1-from", "garbage"),
                ("avail-4-1-to", "12:00"),
                ("avail-6-1-from", "09:00"),
                ("avail-6-1-to", "12:00"),
                ("avail-6-2-from", "11:00"),
                ("avail-6-2-to", "13:00"),
                ("avail-7-1-from", "10:00"),
            ],
        )
        .await;
    rejected(&refused);
    assert_eq!(
        refused.texts(".error-summary a").len(),
        5,
        "{}",
        refused.body
    );
    assert!(refused.title().contains('5'), "{}", refused.title());
    for (field, typed) in [
        ("avail-2-1-to", "11:00"),
        ("avail-3-1-from", "9:10"),
        ("avail-4-1-from", "garbage"),
        ("avail-6-2-from", "11:00"),
        ("avail-7-1-to", ""),
    ] {
        assert_eq!(
            refused.attr(&format!("#{field}"), "value").as_deref(),
            Some(typed),
            "{field} keeps what was typed"
        );
        assert_eq!(
            refused
                .attr(&format!("#{field}"), "aria-invalid")
                .as_deref(),
            Some("true"),
            "{field} is marked"
        );
    }
    assert_eq!(
        refused.attr("#avail-7-1-from", "value").as_deref(),
        Some("10:00")
    );
    assert_eq!(
        refused.attr("#avail-1-1-from", "value").as_deref(),
        Some(""),
        "the form shows what was sent, not what is stored"
    );
    assert_eq!(app.count(&rows).await, 3, "nothing saved");

    // Qualifications. Each session has a room of its own: an interpreter has no permanent
    // join link to set.
    assert!(
        coordinator
            .get(&path)
            .await
            .attr("#join_url", "name")
            .is_none()
    );
    let qualified = coordinator
        .post(
            &format!("{path}/qualifications"),
            &[
                ("qualification", "written_chat"),
                ("qualification", "sign_language_interpreter"),
                ("sign_language", "jsl"),
            ],
        )
        .await;
    assert_eq!(see_other(&qualified), format!("{path}?done=qualifications"));
    assert_eq!(
        app.count(&format!(
            "staff_qualifications WHERE staff_user_id = {alice}"
        ))
        .await,
        2
    );

    // A day off on a date, listed, then removed; a past date is refused.
    let day = tomorrow(&app);
    let (y, m, d) = (
        day.year().to_string(),
        u8::from(day.month()).to_string(),
        day.day().to_string(),
    );
    let past = day - Duration::days(3);
    rejected(
        &coordinator
            .post(
                &format!("{path}/exceptions"),
                &[
                    ("exception_day-year", &past.year().to_string()),
                    ("exception_day-month", &u8::from(past.month()).to_string()),
                    ("exception_day-day", &past.day().to_string()),
                    ("exception_kind", "off"),
                ],
            )
            .await,
    );
    let extra_wrong = coordinator
        .post(
            &format!("{path}/exceptions"),
            &[
                ("exception_day-year", &y),
                ("exception_day-month", &m),
                ("exception_day-day", &d),
                ("exception_kind", "extra"),
                ("exception_from", "18:00"),
                ("exception_to", "17:00"),
            ],
        )
        .await;
    rejected(&extra_wrong);
    assert_eq!(
        extra_wrong.attr("#exception_day", "value").as_deref(),
        Some(if extra_wrong.body.contains("lang=\"ja\"") {
            y.as_str()
        } else {
            d.as_str()
        })
    );
    assert_eq!(app.count("availability_exceptions").await, 0);
    let added = coordinator
        .post(
            &format!("{path}/exceptions"),
            &[
                ("exception_day-year", &y),
                ("exception_day-month", &m),
                ("exception_day-day", &d),
                ("exception_kind", "off"),
            ],
        )
        .await;
    assert_eq!(see_other(&added), format!("{path}?done=exception_added"));
    assert_eq!(app.count("availability_exceptions").await, 1);
    let page = coordinator.get(&path).await;
    let remove = page
        .attr("form[data-destructive]", "action")
        .expect("a remove form marked destructive");
    let removed = coordinator.post(&remove, &[]).await;
    assert_eq!(
        see_other(&removed),
        format!("{path}?done=exception_removed")
    );
    assert_eq!(app.count("availability_exceptions").await, 0);
    assert_eq!(
        coordinator.post(&remove, &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn admins_change_session_rules_and_free_times_follow(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("alice", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let last_start = |app: &TestApp| {
        let state = app.state().clone();
        async move {
            let calendar = Calendar::load(
                &state.db,
                state.config.timezone,
                SessionMode::WrittenChat,
                day,
                day,
                None,
            )
            .await
            .unwrap();
            calendar
                .free_starts(day, state.now())
                .last()
                .map(|at| at.to_timezone(TOKYO).time())
        }
    };
    assert_eq!(
        last_start(&app).await,
        Some(Time::from_hms(16, 30, 0).unwrap())
    );

    for role in [Role::Supervisor, Role::Coordinator, Role::Interpreter] {
        let (browser, _) = app.signed_in(role).await;
        assert_eq!(
            browser.get("/staff/settings/sessions").await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        assert_eq!(
            browser
                .post("/staff/settings/reminders", &[("reminder_hours", "1")])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }

    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/staff/settings/sessions").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr("#written_chat-length", "value").as_deref(),
        Some("30")
    );
    let rules = |length: &'static str| {
        vec![
            ("written_chat-length", length),
            ("written_chat-buffer", "0"),
            ("written_chat-notice", "0"),
            ("written_chat-horizon", "30"),
            ("written_chat-cutoff", "60"),
        ]
    };
    let refused = admin
        .post("/staff/settings/sessions/written_chat", &rules("3"))
        .await;
    rejected(&refused);
    assert_eq!(
        refused.attr("#written_chat-length", "value").as_deref(),
        Some("3")
    );
    rejected(
        &admin
            .post(
                "/staff/settings/sessions/written_chat",
                &rules("half an hour"),
            )
            .await,
    );
    assert_eq!(
        admin
            .post("/staff/settings/sessions/telepathy", &rules("60"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        last_start(&app).await,
        Some(Time::from_hms(16, 30, 0).unwrap())
    );

    let saved = admin
        .post("/staff/settings/sessions/written_chat", &rules("60"))
        .await;
    assert_eq!(see_other(&saved), "/staff/settings/sessions?done=rules");
    let page = admin.get("/staff/settings/sessions?done=rules").await;
    assert_eq!(
        page.attr("#written_chat-length", "value").as_deref(),
        Some("60")
    );
    assert_eq!(
        page.attr("#sign_language_video-length", "value").as_deref(),
        Some("30"),
        "the other mode keeps its rules"
    );
    assert_eq!(
        last_start(&app).await,
        Some(Time::from_hms(16, 0, 0).unwrap()),
        "an hour-long session must start by four to end by five"
    );

    rejected(
        &admin
            .post("/staff/settings/reminders", &[("reminder_hours", "200")])
            .await,
    );
    let reminders = admin
        .post("/staff/settings/reminders", &[("reminder_hours", "12")])
        .await;
    assert_eq!(
        see_other(&reminders),
        "/staff/settings/sessions?done=reminders"
    );
    let refused = admin
        .post(
            "/staff/settings/hours",
            &[("hours-1-1-from", "10:00"), ("hours-1-1-to", "9:00")],
        )
        .await;
    rejected(&refused);
    assert_eq!(
        refused.attr("#hours-1-1-to", "value").as_deref(),
        Some("9:00")
    );
    let hours = admin
        .post(
            "/staff/settings/hours",
            &[("hours-1-1-from", "10:00"), ("hours-1-1-to", "16:00")],
        )
        .await;
    assert_eq!(see_other(&hours), "/staff/settings/sessions?done=hours");
    assert_eq!(app.count("desk_hours").await, 1);

    let closed = admin
        .post(
            "/staff/settings/closed-days",
            &[
                ("closed_day-year", &day.year().to_string()),
                ("closed_day-month", &u8::from(day.month()).to_string()),
                ("closed_day-day", &day.day().to_string()),
                ("closed_note", "Foundation day"),
            ],
        )
        .await;
    assert_eq!(
        see_other(&closed),
        "/staff/settings/closed-days?done=closed"
    );
    let page = admin.get("/staff/settings/closed-days").await;
    assert!(page.body.contains("Foundation day"));
    let reopen = format!("/staff/settings/closed-days/{}/delete", key(day));
    assert_eq!(
        page.attr("form[data-destructive]", "action").as_deref(),
        Some(reopen.as_str())
    );
    assert_eq!(
        see_other(&admin.post(&reopen, &[]).await),
        "/staff/settings/closed-days?done=reopened"
    );
    assert_eq!(app.count("desk_closed_days").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action = 'desk.settings_changed'")
            .await,
        7,
        "the desk's own opening hours and closed days, then five changes here"
    );
}

db_tests!(
    the_board_shows_each_session_in_its_interpreters_row_and_days_column,
    interpreters_see_only_their_own_sessions_and_pages,
    a_coordinator_reassigns_to_a_qualified_free_interpreter_only,
    outcomes_notes_and_cancelling_are_recorded,
    weekly_availability_is_saved_or_refused_as_typed,
    admins_change_session_rules_and_free_times_follow,
);
