//! An interpreter's day off or shorter hours over booked sessions: the sessions are shown
//! before anything is saved, each given to a free interpreter or its customer asked to
//! choose another time, and what is left is flagged on the board and the dashboard. A sign
//! language the interpreter does not sign is flagged to staff and told to the customer.
//! Interpreters are emailed, in their language, when a session is given to or taken off
//! them. And: the week's count leaves out cancelled sessions, an outcome waits for the
//! start, and the time page groups times by morning and afternoon in Japan time.

use crate::db_tests;
use crate::support::{
    Browser, Page, TestApp, at, choose_session, key, see_other, subject_of, text_of, tomorrow,
};
use reqwest::StatusCode;
use time::{Date, Duration, OffsetDateTime};
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::Role;
use yorisoi::domain::schedule::SessionMode;

fn unprocessable(page: &Page) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
}

/// A browser signed in as an interpreter made with `add_interpreter`, reading English.
async fn interpreter(app: &TestApp, name: &str) -> Browser {
    let browser = app.sign_in_as(&format!("{name}@example.jp")).await;
    browser.get("/language/en").await;
    browser
}

/// The fields of a day off on `day`.
fn day_off(day: Date) -> Vec<(&'static str, String)> {
    vec![
        ("exception_day-year", day.year().to_string()),
        ("exception_day-month", u8::from(day.month()).to_string()),
        ("exception_day-day", day.day().to_string()),
        ("exception_kind", "off".to_owned()),
    ]
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn count(app: &TestApp, table_and_condition: String) -> i64 {
    app.count(&table_and_condition).await
}

/// Books a sign-language session through the journey, asking for `language`.
async fn book_sign_language(browser: &Browser, start: OffsetDateTime, language: &str) {
    browser.get("/language/en").await;
    choose_session(browser, SessionMode::SignLanguageVideo, start).await;
    let details = browser
        .post(
            "/book/details",
            &[
                ("name", "Mary Smith"),
                ("email", "mary@example.jp"),
                ("topic", "points"),
                ("sign_language", language),
            ],
        )
        .await;
    assert_eq!(see_other(&details), "/book/check");
    assert_eq!(
        see_other(&browser.post("/book/check", &[]).await),
        "/book/confirmation"
    );
}

db_tests!(
    a_day_off_over_booked_sessions_asks_first_then_gives_each_away,
    shorter_hours_an_interpreter_saves_leave_their_sessions_flagged,
    a_sign_language_the_interpreter_lacks_is_flagged_and_told,
    the_weeks_count_leaves_out_cancelled_sessions,
    how_a_session_went_is_recorded_once_it_has_started,
    the_time_page_groups_times_by_morning_and_afternoon_in_japan_time,
);

async fn a_day_off_over_booked_sessions_asks_first_then_gives_each_away(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let sato = app
        .add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let first = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "hanako@example.jp",
        )
        .await
        .booking;
    let second = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 14, 0),
            "taro@example.jp",
        )
        .await
        .booking;
    assert_eq!((first.interpreter_id, second.interpreter_id), (sato, sato));
    let suzuki = app
        .add_interpreter("suzuki", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let coordinator = app.english_staff(Role::Coordinator).await;
    // Suzuki reads their emails in English; Sato keeps Japanese.
    assert_eq!(
        see_other(
            &coordinator
                .post(
                    &format!("/staff/interpreters/{suzuki}/email-language"),
                    &[("email_lang", "en")],
                )
                .await
        ),
        format!("/staff/interpreters/{suzuki}?done=email_lang")
    );

    // A day off tomorrow: the sessions are shown, and nothing is saved yet.
    let path = format!("/staff/interpreters/{sato}/exceptions");
    let fields = day_off(day);
    let asked = coordinator.post(&path, &pairs(&fields)).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_eq!(app.count("availability_exceptions").await, 0);
    let headings = asked.texts(".affected-session h2");
    assert_eq!(headings.len(), 2, "{headings:?}");
    assert!(headings[0].starts_with(&first.reference), "{headings:?}");
    assert!(headings[1].starts_with(&second.reference), "{headings:?}");
    for shown in [
        "Test Customer",
        "Sign-language video session",
        "10:00–10:30",
    ] {
        assert!(asked.body.contains(shown), "{shown}");
    }
    let give = format!("give-{suzuki}");
    assert!(
        asked
            .attr(&format!("input[name='session-1'][value='{give}']"), "value")
            .is_some(),
        "the free interpreter is offered"
    );
    let labels = asked.texts("label.choice__label");
    assert!(
        labels.contains(&"Give it to suzuki".to_owned()),
        "{labels:?}"
    );

    // Saving without an answer for each session is refused, and saves nothing.
    let mut confirm = fields.clone();
    confirm.push(("confirm", "1".to_owned()));
    confirm.push(("session-1-id", first.id.to_string()));
    confirm.push(("session-2-id", second.id.to_string()));
    let refused = coordinator.post(&path, &pairs(&confirm)).await;
    unprocessable(&refused);
    let summary = refused.texts(".error-summary a");
    assert_eq!(
        summary,
        [
            format!("Choose what should happen to {}", first.reference),
            format!("Choose what should happen to {}", second.reference),
        ]
    );
    assert_eq!(app.count("availability_exceptions").await, 0);

    // The first goes to Suzuki; the second's customer is asked to choose another time.
    confirm.push(("session-1", give.clone()));
    confirm.push(("session-2", "ask".to_owned()));
    assert_eq!(
        see_other(&coordinator.post(&path, &pairs(&confirm)).await),
        format!("/staff/interpreters/{sato}?done=exception_added")
    );
    assert_eq!(app.count("availability_exceptions").await, 1);
    assert_eq!(
        count(
            &app,
            format!(
                "bookings WHERE id = {} AND interpreter_id = {suzuki}",
                first.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            format!(
                "bookings WHERE id = {} AND interpreter_id = {sato} AND rebook_asked_at IS NOT NULL",
                second.id
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            format!(
                "interpreter_holds WHERE booking_id = {} AND staff_user_id = {suzuki}",
                first.id
            )
        )
        .await,
        3,
        "Suzuki's time is held"
    );

    // Each is told, in their own language.
    let moved = app.email_with("hanako@example.jp", "new interpreter").await;
    assert!(text_of(&moved).contains("suzuki"));
    let given = app.email_with("suzuki@example.jp", &first.reference).await;
    assert_eq!(
        subject_of(&given),
        format!("A session has been given to you ({})", first.reference)
    );
    assert!(text_of(&given).contains(&format!("/staff/sessions/{}", first.id)));
    let taken = app.email_with("sato@example.jp", &first.reference).await;
    assert_eq!(
        subject_of(&taken),
        format!("セッションの担当が変わりました（{}）", first.reference)
    );
    let ask = app
        .email_with("taro@example.jp", "choose another time")
        .await;
    assert_eq!(
        subject_of(&ask),
        format!(
            "Please choose another time for your session ({})",
            second.reference
        )
    );
    let manage = app.link_path(&ask, "/bookings/");
    let customer = app.english_browser().await;
    let page = customer.get(&manage).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Please choose another time for this session")
    );
    assert!(
        page.attr(&format!("a[href='{manage}/reschedule']"), "href")
            .is_some()
    );

    // What is left is flagged, on the board and on the session's page.
    let board = coordinator
        .get(&format!("/staff/schedule?week={}", key(day)))
        .await;
    assert_eq!(board.texts(".tag--attention"), ["Interpreter unavailable"]);
    let session = coordinator
        .get(&format!("/staff/sessions/{}", second.id))
        .await;
    let flags = session.text("#session-attention");
    assert!(
        flags.contains("sato is not available at this time any more"),
        "{flags}"
    );
    assert!(flags.contains("was asked on"), "{flags}");
}

async fn shorter_hours_an_interpreter_saves_leave_their_sessions_flagged(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let sato = app
        .add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let session = app
        .book(
            SessionMode::WrittenChat,
            at(day, 15, 0),
            "hanako@example.jp",
        )
        .await
        .booking;
    let own = interpreter(&app, "sato").await;
    let mornings: Vec<(String, &str)> = (1..=7)
        .flat_map(|d| {
            [
                (format!("avail-{d}-1-from"), "09:00"),
                (format!("avail-{d}-1-to"), "12:00"),
            ]
        })
        .collect();
    let mut form: Vec<(&str, &str)> = mornings.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let path = format!("/staff/interpreters/{sato}/weekly");
    let asked = own.post(&path, &form).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(
        asked
            .text("h1")
            .contains("Check the sessions this change affects")
    );
    assert!(asked.body.contains(&session.reference));
    assert!(asked.body.contains("shown to the coordinators"));
    assert!(
        asked.texts("input[type=radio]").is_empty(),
        "an interpreter does not choose"
    );
    assert_eq!(
        app.count("availability_weekly WHERE ends = '17:00'").await,
        7,
        "nothing saved yet"
    );
    form.push(("confirm", "1"));
    assert_eq!(
        see_other(&own.post(&path, &form).await),
        format!("/staff/interpreters/{sato}?done=weekly")
    );
    assert_eq!(
        app.count("availability_weekly WHERE ends = '12:00'").await,
        7
    );

    // The coordinator sees it on the dashboard, the list and the board.
    let coordinator = app.english_staff(Role::Coordinator).await;
    let dashboard = coordinator.get("/staff").await;
    let figure = dashboard
        .texts(".stat")
        .into_iter()
        .find(|t| t.contains("Sessions needing attention"))
        .unwrap_or_default();
    assert!(figure.starts_with('1'), "{:?}", dashboard.texts(".stat"));
    let list = coordinator.get("/staff/schedule/attention").await;
    assert_eq!(
        list.texts("tbody tr td:first-child a"),
        std::slice::from_ref(&session.reference)
    );
    let board = coordinator
        .get(&format!("/staff/schedule?week={}", key(day)))
        .await;
    assert!(
        board
            .text("#board-attention")
            .contains("Sessions needing attention this week: 1")
    );

    // Given to another interpreter from the session's page: nothing is left to do, and
    // both interpreters are told.
    let tanaka = app
        .add_interpreter("tanaka", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let page = coordinator
        .get(&format!("/staff/sessions/{}", session.id))
        .await;
    assert!(
        page.text("#session-attention")
            .contains("not available at this time any more")
    );
    assert_eq!(
        see_other(
            &coordinator
                .post(
                    &format!("/staff/sessions/{}/reassign", session.id),
                    &[("interpreter", &tanaka.to_string())],
                )
                .await
        ),
        format!("/staff/sessions/{}?done=reassigned", session.id)
    );
    let list = coordinator.get("/staff/schedule/attention").await;
    assert!(list.body.contains("No session needs attention."));
    let taken = app.email_with("sato@example.jp", &session.reference).await;
    assert!(subject_of(&taken).contains("セッションの担当が変わりました"));
    let given = app
        .email_with("tanaka@example.jp", &session.reference)
        .await;
    assert!(subject_of(&given).contains("セッションの担当になりました"));
}

async fn a_sign_language_the_interpreter_lacks_is_flagged_and_told(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let customer = app.browser();
    book_sign_language(&customer, at(day, 10, 0), "asl").await;
    let booked = app.email_with("mary@example.jp", "is booked").await;
    let told = text_of(&booked);
    assert!(
        told.contains("You asked for American Sign Language (ASL)."),
        "{told}"
    );
    assert!(told.contains("sato, the interpreter booked for you, does not sign it"));
    let manage = app.link_path(&booked, "/bookings/");
    let page = customer.get(&manage).await;
    assert!(
        page.text("#language-note")
            .contains("American Sign Language")
    );

    // Staff see it on the board and the session page; nobody free signs ASL yet.
    let coordinator = app.english_staff(Role::Coordinator).await;
    let board = coordinator
        .get(&format!("/staff/schedule?week={}", key(day)))
        .await;
    assert_eq!(
        board.texts(".tag--attention"),
        ["Sign language not matched"]
    );
    let id: i64 = board
        .attr(".board__session a", "href")
        .and_then(|h| h.rsplit('/').next().map(str::to_owned))
        .and_then(|id| id.parse().ok())
        .unwrap();
    let session = coordinator.get(&format!("/staff/sessions/{id}")).await;
    assert!(
        session.text("#session-attention").contains(
            "The customer asked for American Sign Language (ASL), which sato does not sign"
        )
    );
    assert!(
        session.texts("input[name=interpreter]").is_empty(),
        "nobody to give it to"
    );

    // An interpreter who signs ASL joins; the session can go to them, and only to them.
    let kim = app
        .add_interpreter("kim", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let jo = app
        .add_interpreter("jo", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let refused = coordinator
        .post(
            &format!("/staff/interpreters/{kim}/qualifications"),
            &[("qualification", "sign_language_interpreter")],
        )
        .await;
    unprocessable(&refused);
    assert_eq!(
        refused.texts(".error-summary a"),
        ["Choose at least one sign language for a sign-language interpreter"]
    );
    see_other(
        &coordinator
            .post(
                &format!("/staff/interpreters/{kim}/qualifications"),
                &[
                    ("qualification", "sign_language_interpreter"),
                    ("sign_language", "jsl"),
                    ("sign_language", "asl"),
                ],
            )
            .await,
    );
    let session = coordinator.get(&format!("/staff/sessions/{id}")).await;
    let offered: Vec<String> = session
        .html()
        .select(&scraper::Selector::parse("input[name=interpreter]").unwrap())
        .filter_map(|i| i.value().attr("value").map(str::to_owned))
        .collect();
    assert_eq!(offered, [kim.to_string()], "not {jo}, who signs only JSL");
    see_other(
        &coordinator
            .post(
                &format!("/staff/sessions/{id}/reassign"),
                &[("interpreter", &kim.to_string())],
            )
            .await,
    );
    let page = customer.get(&manage).await;
    assert!(page.texts("#language-note").is_empty(), "{}", page.body);
    let changed = app.email_with("mary@example.jp", "new interpreter").await;
    assert!(!text_of(&changed).contains("does not sign"));
    app.email_with("kim@example.jp", "セッションの担当になりました")
        .await;

    // A new ASL booking goes to the interpreter who signs it, though busier.
    let other = app.browser();
    book_sign_language(&other, at(day, 13, 0), "asl").await;
    assert_eq!(
        app.count(&format!("bookings WHERE interpreter_id = {kim}"))
            .await,
        2
    );
}

async fn the_weeks_count_leaves_out_cancelled_sessions(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let kept = app
        .book(SessionMode::WrittenChat, at(day, 10, 0), "a@example.jp")
        .await
        .booking;
    let called_off = app
        .book(SessionMode::WrittenChat, at(day, 14, 0), "b@example.jp")
        .await
        .booking;
    let coordinator = app.english_staff(Role::Coordinator).await;
    see_other(
        &coordinator
            .post(
                &format!("/staff/sessions/{}/cancel", called_off.id),
                &[("reason", "")],
            )
            .await,
    );
    let board = coordinator
        .get(&format!("/staff/schedule?week={}", key(day)))
        .await;
    assert!(
        board.body.contains("Sessions this week: 1"),
        "{}",
        board.text("main")
    );
    assert!(board.body.contains(&kept.reference));
    assert!(
        board.body.contains(&called_off.reference),
        "still shown, as cancelled"
    );
}

async fn how_a_session_went_is_recorded_once_it_has_started(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let start = at(tomorrow(&app), 10, 0);
    let b = app
        .book(SessionMode::WrittenChat, start, "a@example.jp")
        .await
        .booking;
    let coordinator = app.english_staff(Role::Coordinator).await;
    let path = format!("/staff/sessions/{}", b.id);
    let page = coordinator.get(&path).await;
    assert!(page.attr("form[action$='/outcome']", "action").is_none());
    let early = coordinator
        .post(&format!("{path}/outcome"), &[("outcome", "completed")])
        .await;
    unprocessable(&early);
    assert!(
        early
            .text("#session-status-error")
            .contains("How the session went can be recorded once it has started"),
        "{}",
        early.text("#session-status-error")
    );
    assert_eq!(app.count("bookings WHERE status = 'booked'").await, 1);

    app.set_now(start + Duration::minutes(40));
    let coordinator = app.english_staff(Role::Coordinator).await;
    let page = coordinator.get(&path).await;
    assert!(page.attr("form[action$='/outcome']", "action").is_some());
    assert_eq!(
        see_other(
            &coordinator
                .post(&format!("{path}/outcome"), &[("outcome", "completed")])
                .await
        ),
        format!("{path}?done=outcome")
    );
    assert_eq!(app.count("bookings WHERE status = 'completed'").await, 1);
}

async fn the_time_page_groups_times_by_morning_and_afternoon_in_japan_time(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = tomorrow(&app);
    let browser = app.english_browser().await;
    see_other(
        &browser
            .post("/book/mode", &[("mode", "written_chat")])
            .await,
    );
    see_other(
        &browser
            .post("/book/day", &[("day", &key(day)), ("week", "0")])
            .await,
    );
    let page = browser.get("/book/time").await;
    assert_eq!(
        page.texts("fieldset.time-group legend"),
        ["Morning (before 12:00)", "Afternoon (from 12:00)"]
    );
    let html = page.html();
    let group = scraper::Selector::parse("fieldset.time-group").unwrap();
    let radio = scraper::Selector::parse("input[name=start]").unwrap();
    let values: Vec<Vec<String>> = html
        .select(&group)
        .map(|g| {
            g.select(&radio)
                .filter_map(|r| r.value().attr("value").map(str::to_owned))
                .collect()
        })
        .collect();
    let stamp = |hh, mm| at(day, hh, mm).unix_timestamp().to_string();
    assert_eq!(values.len(), 2);
    assert_eq!(values[0].first(), Some(&stamp(9, 0)));
    assert_eq!(values[0].last(), Some(&stamp(11, 45)));
    assert_eq!(values[1].first(), Some(&stamp(12, 0)));
    assert_eq!(values[1].last(), Some(&stamp(16, 30)));
    assert!(
        page.text("#start-hint")
            .contains("Times are in Japan time.")
    );
    assert_eq!(
        page.attr("input[name=start]", "id").as_deref(),
        Some("start")
    );
    // Nothing chosen: the error summary links to the first time.
    let refused = browser.post("/book/time", &[]).await;
    unprocessable(&refused);
    assert_eq!(
        refused.attr(".error-summary a", "href").as_deref(),
        Some("#start")
    );
    assert!(refused.attr("#start-error", "id").is_some());
    browser.get("/language/ja").await;
    let ja = browser.get("/book/time").await;
    assert!(ja.text("#start-hint").contains("日本時間"));
    assert_eq!(
        ja.texts("fieldset.time-group legend"),
        ["午前（12:00より前）", "午後（12:00から）"]
    );
}
