//! Booking a session: the public journey, the database's refusal of double bookings under
//! concurrency, the manage link (move, cancel), reminders, and the clock-bound rules.

use crate::smtp::{Arrived, Receiver};
use crate::support::{
    Backend, Browser, TOKYO, TestApp, at, choose_session, ics_of, key, link_in, see_other, text_of,
    today,
};
use crate::{backend_tests, db_tests};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use time::{Duration, OffsetDateTime};
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::schedule::SessionMode;

/// The answers of the details page for a sign-language session.
fn details<'a>(name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("email", email),
        ("member_number", ""),
        ("topic", "points"),
        ("topic_other", ""),
        ("sign_language", "jsl"),
        ("sign_language_other", ""),
        ("needs", "Please go slowly."),
    ]
}

/// Walks the journey up to the check page, choosing `start`.
async fn walk_to_check(browser: &Browser, mode: SessionMode, start: OffsetDateTime) {
    assert_eq!(choose_session(browser, mode, start).await, "/book/details");
    assert_eq!(
        see_other(
            &browser
                .post(
                    "/book/details",
                    &details("Hanako Yamada", "hanako@example.jp")
                )
                .await
        ),
        "/book/check"
    );
}

db_tests!(
    the_whole_journey_books_a_session_and_emails_the_confirmation,
    rejected_answers_come_back_with_what_was_typed,
    fifty_confirmations_for_the_last_slot_make_one_booking,
    times_respect_notice_and_horizon,
    a_mail_filter_opening_the_link_changes_nothing,
    after_the_cut_off_the_customer_cannot_cancel_online,
    the_least_booked_interpreter_gets_the_session,
    another_instances_change_shows_within_seconds,
);

async fn the_whole_journey_books_a_session_and_emails_the_confirmation(app: TestApp) {
    app.desk_with_interpreters().await;
    app.set_room_template("https://meet.example.jp/{room}")
        .await;
    let browser = app.browser();
    let start_page = browser.get("/").await;
    assert!(start_page.attr("a[href='/book']", "href").is_some());
    assert_eq!(browser.get("/book").await.status, StatusCode::OK);
    let tomorrow = today(&app) + Duration::days(1);
    let start = at(tomorrow, 10, 0);

    browser
        .post("/book/mode", &[("mode", "written_chat")])
        .await;
    let days = browser.get("/book/day").await;
    assert_eq!(days.status, StatusCode::OK);
    assert!(
        days.body.contains(&format!("value=\"{}\"", key(tomorrow))),
        "tomorrow is offered"
    );
    // Changing the mode is always possible; the journey goes on from the day question.
    walk_to_check(&browser, SessionMode::SignLanguageVideo, start).await;
    let times = browser.get("/book/time").await;
    assert!(
        times
            .body
            .contains(&format!("value=\"{}\" checked", start.unix_timestamp()))
    );

    let check = browser.get("/book/check").await;
    assert_eq!(check.status, StatusCode::OK);
    for shown in [
        "Hanako Yamada",
        "hanako@example.jp",
        "Please go slowly.",
        "10:00",
    ] {
        assert!(check.body.contains(shown), "{shown} on the check page");
    }
    assert!(
        check
            .attr("a[href='/book/details#email']", "href")
            .is_some()
    );

    let done = browser.post("/book/check", &[]).await;
    assert_eq!(see_other(&done), "/book/confirmation");
    let confirmation = browser.get("/book/confirmation").await;
    assert_eq!(confirmation.status, StatusCode::OK);
    let reference = confirmation.text(".panel strong");
    assert!(reference.starts_with("S-"), "{reference}");
    assert!(confirmation.body.contains("hanako@example.jp"));
    // A second press of the button (a double click, a reload) books nothing more.
    assert_eq!(
        see_other(&browser.post("/book/check", &[]).await),
        "/book/confirmation"
    );
    assert_eq!(app.count("bookings").await, 1);
    assert_eq!(
        app.count("interpreter_holds").await,
        3,
        "30 + 10 minutes = 3 cells"
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.created'")
            .await,
        1
    );

    let mails = app.wait_for_dropped(1).await;
    assert_eq!(mails.len(), 1);
    let text = text_of(&mails[0]);
    assert!(text.contains(&reference), "{text}");
    assert!(text.contains("sato"), "the interpreter's display name");
    let room = {
        use sea_orm::EntityTrait;
        yorisoi::entities::booking::Entity::find()
            .one(&app.state().db)
            .await
            .unwrap()
            .unwrap()
            .room
            .expect("a video session has a room")
    };
    let address = format!("https://meet.example.jp/{room}");
    assert!(text.contains(&address), "the session's own join address");
    assert_eq!(
        confirmation.attr("#join-address", "href").as_deref(),
        Some(address.as_str()),
        "the confirmation page shows it too"
    );
    let ics = ics_of(&mails[0]);
    assert!(ics.contains("METHOD:REQUEST"));
    assert!(ics.contains("SEQUENCE:0"));
    let utc = start.to_offset(time::UtcOffset::UTC);
    let dtstart = format!(
        "DTSTART:{:04}{:02}{:02}T{:02}{:02}00Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute()
    );
    assert!(ics.contains(&dtstart), "{dtstart} in {ics}");
    let manage = link_in(&mails[0], &format!("{}/bookings/", app.base));
    let path = manage.trim_start_matches(&app.base).to_owned();
    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&reference));

    // Starting again after a booking starts a fresh journey.
    let again = browser.get("/book/mode").await;
    assert!(
        !again.body.contains("checked"),
        "a new journey starts empty"
    );
}

async fn rejected_answers_come_back_with_what_was_typed(app: TestApp) {
    app.desk_with_interpreters().await;
    let browser = app.browser();
    let empty = browser.post("/book/mode", &[("mode", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("error-summary"));
    let tomorrow = today(&app) + Duration::days(1);
    browser
        .post("/book/mode", &[("mode", "sign_language_video")])
        .await;
    let bad_day = browser
        .post("/book/day", &[("day", "2001-01-01"), ("week", "0")])
        .await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    browser
        .post("/book/day", &[("day", &key(tomorrow)), ("week", "0")])
        .await;
    let bad_time = browser.post("/book/time", &[("start", "12345")]).await;
    assert_eq!(bad_time.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_time.text(".error-summary").len() > 2);
    let start = at(tomorrow, 11, 30).unix_timestamp().to_string();
    browser.post("/book/time", &[("start", &start)]).await;

    let typed = [
        ("name", "山田 花子"),
        ("email", "not an address"),
        ("member_number", "12"),
        ("topic", "other"),
        ("topic_other", ""),
        ("sign_language", "other"),
        ("sign_language_other", ""),
        ("needs", "ゆっくり"),
    ];
    let page = browser.post("/book/details", &typed).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        [
            "#email",
            "#member_number",
            "#topic_other",
            "#sign_language_other"
        ]
    );
    assert_eq!(page.attr("#name", "value").as_deref(), Some("山田 花子"));
    assert_eq!(
        page.attr("#email", "value").as_deref(),
        Some("not an address")
    );
    assert!(page.body.contains("ゆっくり"));
    // No phone number is ever asked for.
    assert!(!page.body.contains("type=\"tel\""));
    // The typed answers survive leaving and coming back.
    let again = browser.get("/book/details").await;
    assert_eq!(again.attr("#name", "value").as_deref(), Some("山田 花子"));
    // Nothing was booked, and the check page is not reachable yet.
    assert_eq!(
        see_other(&browser.get("/book/check").await),
        "/book/details"
    );
    assert_eq!(app.count("bookings").await, 0);
}

async fn fifty_confirmations_for_the_last_slot_make_one_booking(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    // One interpreter, free for exactly one session tomorrow.
    app.add_interpreter("last", &[SignLanguageInterpreter], &[("10:00", "10:30")])
        .await;
    let tomorrow = today(&app) + Duration::days(1);
    let start = at(tomorrow, 10, 0);
    let mut browsers = Vec::new();
    for _ in 0..50 {
        let browser = app.browser();
        walk_to_check(&browser, SessionMode::SignLanguageVideo, start).await;
        browsers.push(browser);
    }
    let mut tasks = Vec::new();
    for browser in browsers {
        tasks.push(tokio::spawn(async move {
            let page = browser.post("/book/check", &[]).await;
            (
                browser,
                page.status,
                page.location().unwrap_or_default().to_owned(),
            )
        }));
    }
    let mut winners = 0;
    let mut losers = Vec::new();
    for task in tasks {
        let (browser, status, location) = task.await.unwrap();
        assert_eq!(status, StatusCode::SEE_OTHER, "no request fails");
        match location.as_str() {
            "/book/confirmation" => winners += 1,
            "/book/time?taken=1" => losers.push(browser),
            other => panic!("unexpected redirect to {other}"),
        }
    }
    assert_eq!(winners, 1);
    assert_eq!(losers.len(), 49);
    assert_eq!(app.count("bookings").await, 1);
    assert_eq!(app.count("interpreter_holds").await, 3);
    // The rule lives in the database itself: a second hold on a held cell is refused.
    let duplicate = "INSERT INTO interpreter_holds (staff_user_id, cell_start, booking_id) \
         SELECT staff_user_id, cell_start, booking_id FROM interpreter_holds LIMIT 1";
    assert!(app.state().db.execute_unprepared(duplicate).await.is_err());
    let taken = losers[0].get("/book/time?taken=1").await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(taken.body.contains("banner"), "the taken message is shown");
    assert!(
        !taken.body.contains("type=\"radio\""),
        "no free time is left that day"
    );
    // Another interpreter frees up 11:00; choosing it leads straight back to the check
    // page with everything typed before.
    app.add_interpreter("later", &[SignLanguageInterpreter], &[("11:00", "11:30")])
        .await;
    let eleven = at(tomorrow, 11, 0).unix_timestamp().to_string();
    let chosen = losers[0].post("/book/time", &[("start", &eleven)]).await;
    assert_eq!(see_other(&chosen), "/book/check");
    let check = losers[0].get("/book/check").await;
    assert!(check.body.contains("Hanako Yamada") && check.body.contains("Please go slowly."));
}

async fn times_respect_notice_and_horizon(app: TestApp) {
    app.open_every_day("00:00", "23:45").await;
    app.add_interpreter("allday", &[WrittenChat], &[("00:00", "23:45")])
        .await;
    let state = app.state();
    let now = state.now();
    let calendar = yorisoi::services::calendar::Calendar::load(
        &state.db,
        TOKYO,
        SessionMode::WrittenChat,
        today(&app),
        today(&app) + Duration::days(70),
        None,
    )
    .await
    .unwrap();
    let first = calendar
        .free_starts(today(&app), now)
        .into_iter()
        .chain(calendar.free_starts(today(&app) + Duration::days(1), now))
        .next()
        .unwrap();
    assert!(first >= now + Duration::hours(2), "two hours' notice");
    // The first time on the grid after the notice, or the next morning's first.
    assert!(first <= now + Duration::hours(2) + Duration::minutes(45));
    assert!(
        !calendar
            .free_starts(today(&app) + Duration::days(60), now)
            .is_empty()
    );
    assert!(
        calendar
            .free_starts(today(&app) + Duration::days(61), now)
            .is_empty(),
        "nothing beyond the 60-day horizon"
    );

    // Over HTTP: a day past the horizon is refused, and the last week has no "later" link.
    let browser = app.browser();
    browser
        .post("/book/mode", &[("mode", "written_chat")])
        .await;
    let late = today(&app) + Duration::days(61);
    let refused = browser
        .post("/book/day", &[("day", &key(late)), ("week", "9")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let last = browser.get("/book/day?week=99").await;
    assert_eq!(last.status, StatusCode::OK);
    assert!(
        !last.body.contains("week=9\""),
        "no week beyond the horizon"
    );

    // Two days later, the time that was too soon is now far enough ahead.
    app.clock.advance(Duration::days(2));
    let later = yorisoi::services::calendar::Calendar::load(
        &state.db,
        TOKYO,
        SessionMode::WrittenChat,
        today(&app),
        today(&app),
        None,
    )
    .await
    .unwrap();
    assert!(
        later
            .free_starts(today(&app), state.now())
            .iter()
            .all(|s| *s >= state.now() + Duration::hours(2))
    );
}

async fn a_mail_filter_opening_the_link_changes_nothing(app: TestApp) {
    app.desk_with_interpreters().await;
    let start = at(today(&app) + Duration::days(2), 14, 0);
    let booked = app
        .book(SessionMode::WrittenChat, start, "kenji@example.jp")
        .await;
    let base = format!("/bookings/{}", booked.manage_token.expose());
    let browser = app.browser();
    for path in [
        base.clone(),
        format!("{base}/cancel"),
        format!("{base}/reschedule"),
        format!(
            "{base}/reschedule/time?day={}",
            key(today(&app) + Duration::days(3))
        ),
    ] {
        assert_eq!(browser.get(&path).await.status, StatusCode::OK, "{path}");
    }
    let b = yorisoi::services::booking::get(&app.state().db, booked.booking.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.status.as_str(), "booked");
    assert_eq!(b.starts_at, start);
    // A wrong or partial token shows nothing.
    let wrong = browser.get(&format!("/bookings/{}", "a".repeat(64))).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(!wrong.body.contains(&booked.booking.reference));
    assert_eq!(
        browser.get("/bookings/short").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn after_the_cut_off_the_customer_cannot_cancel_online(app: TestApp) {
    app.desk_with_interpreters().await;
    let start = at(today(&app) + Duration::days(1), 15, 0);
    let booked = app
        .book(SessionMode::SignLanguageVideo, start, "late@example.jp")
        .await;
    let base = format!("/bookings/{}", booked.manage_token.expose());
    let browser = app.browser();
    assert!(browser.get(&base).await.body.contains("/cancel"));
    // Move the clock to 30 minutes before the start: past the one-hour cut-off.
    let now = app.state().now();
    app.clock.advance(start - now - Duration::minutes(30));
    let page = browser.get(&base).await;
    assert!(!page.body.contains(&format!("{base}/cancel\"")));
    let refused = browser
        .post(&format!("{base}/cancel"), &[("cancel_reason", "")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let moved = browser
        .post(
            &format!("{base}/reschedule"),
            &[("day", &key(today(&app))), ("start", "1"), ("keep", "")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::CONFLICT);
    assert_eq!(
        app.count("bookings WHERE status = 'booked'").await,
        1,
        "still booked"
    );
}

async fn the_least_booked_interpreter_gets_the_session(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    let first = app
        .add_interpreter("aoki", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let second = app
        .add_interpreter("baba", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let day = today(&app) + Duration::days(2);
    let a = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "a@example.jp",
        )
        .await;
    assert_eq!(a.booking.interpreter_id, first, "ties go to the lowest id");
    let b = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 13, 0),
            "b@example.jp",
        )
        .await;
    assert_eq!(b.booking.interpreter_id, second, "then to the less booked");
    // Both busy at 10:15 (aoki's session holds until 10:45): baba takes it.
    let c = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 15),
            "c@example.jp",
        )
        .await;
    assert_eq!(c.booking.interpreter_id, second);
}

backend_tests!(
    moving_and_cancelling_send_updated_calendars_over_smtp,
    a_reminder_goes_once_about_a_day_before,
);

fn from_receiver(arrived: &[Arrived], kind_subject: &str) -> Vec<Arrived> {
    arrived
        .iter()
        .filter(|a| {
            a.parsed()
                .subject()
                .is_some_and(|s| s.contains(kind_subject))
        })
        .cloned()
        .collect()
}

async fn moving_and_cancelling_send_updated_calendars_over_smtp(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| c.smtp_url = Some(url)).await else {
        return;
    };
    app.desk_with_interpreters().await;
    let day = today(&app) + Duration::days(2);
    let browser = app.english_browser().await;
    walk_to_check(&browser, SessionMode::SignLanguageVideo, at(day, 10, 0)).await;
    browser.post("/book/check", &[]).await;
    let arrived = receiver.wait_for(1, 20).await;
    let booked = from_receiver(&arrived, "booked");
    assert_eq!(booked.len(), 1, "the confirmation arrived over SMTP");
    let manage = link_in(&booked[0].data, &format!("{}/bookings/", app.base));
    let base = manage.trim_start_matches(&app.base).to_owned();

    // Move it to 14:00 the next day, keeping the interpreter.
    let next = day + Duration::days(1);
    let times = browser
        .get(&format!("{base}/reschedule/time?day={}", key(next)))
        .await;
    assert!(
        times.body.contains("sato"),
        "times with the same interpreter are marked"
    );
    let new_start = at(next, 14, 0);
    let moved = browser
        .post(
            &format!("{base}/reschedule"),
            &[
                ("day", &key(next)),
                ("start", &new_start.unix_timestamp().to_string()),
                ("keep", "1"),
            ],
        )
        .await;
    assert_eq!(see_other(&moved), format!("{base}?done=moved"));
    let arrived = receiver.wait_for(2, 20).await;
    let moved_mail = from_receiver(&arrived, "new time");
    assert_eq!(moved_mail.len(), 1);
    let ics = ics_of(&moved_mail[0].data);
    assert!(
        ics.contains("SEQUENCE:1") && ics.contains("METHOD:REQUEST"),
        "{ics}"
    );
    let uid = ics
        .lines()
        .find(|l| l.starts_with("UID:"))
        .unwrap()
        .to_owned();
    assert_eq!(
        app.count(&format!(
            "interpreter_holds WHERE cell_start = {}",
            new_start.unix_timestamp()
        ))
        .await,
        1
    );

    // Cancel it, with a reason.
    let confirm_page = browser.get(&format!("{base}/cancel")).await;
    assert_eq!(confirm_page.status, StatusCode::OK);
    let cancelled = browser
        .post(
            &format!("{base}/cancel"),
            &[("cancel_reason", "Feeling unwell")],
        )
        .await;
    assert_eq!(see_other(&cancelled), format!("{base}?done=cancelled"));
    let arrived = receiver.wait_for(3, 20).await;
    let cancel_mail = from_receiver(&arrived, "cancelled");
    assert_eq!(cancel_mail.len(), 1);
    let ics = ics_of(&cancel_mail[0].data);
    assert!(
        ics.contains("METHOD:CANCEL") && ics.contains("SEQUENCE:2"),
        "{ics}"
    );
    assert!(ics.contains(&uid), "the same event is cancelled");
    assert_eq!(
        app.count("interpreter_holds").await,
        0,
        "the interpreter is free again"
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'booking.cancelled'")
            .await,
        1
    );
    let page = browser.get(&base).await;
    assert!(!page.body.contains("/cancel\""), "nothing left to cancel");
}

async fn a_reminder_goes_once_about_a_day_before(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| {
        c.smtp_url = Some(url);
        c.reminder_poll = std::time::Duration::from_millis(100);
    })
    .await
    else {
        return;
    };
    app.desk_with_interpreters().await;
    let day = today(&app) + Duration::days(3);
    let kept = app
        .book(SessionMode::WrittenChat, at(day, 10, 0), "kept@example.jp")
        .await;
    let dropped = app
        .book(
            SessionMode::WrittenChat,
            at(day, 11, 0),
            "dropped@example.jp",
        )
        .await;
    let state = app.state();
    yorisoi::services::booking::manage::cancel(
        &app.uc(),
        dropped.booking.id,
        yorisoi::services::booking::manage::ChangedBy::Customer,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        receiver.wait_for(3, 20).await.len(),
        3,
        "two bookings, one cancellation"
    );

    // 25 hours before: too early.
    let now = state.now();
    app.clock
        .advance(kept.booking.starts_at - now - Duration::hours(25));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(receiver.arrived().len(), 3);
    // 23 hours before: the reminder goes, once, and not for the cancelled session.
    app.clock.advance(Duration::hours(2));
    receiver.wait_for(4, 20).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let reminders = from_receiver(&receiver.arrived(), "Reminder");
    assert_eq!(reminders.len(), 1, "{} emails", receiver.arrived().len());
    assert!(
        reminders[0]
            .to
            .iter()
            .any(|t| t.contains("kept@example.jp"))
    );
    assert!(text_of(&reminders[0].data).contains(&kept.booking.reference));
}

/// Another instance on the same database (here: a change written straight into it, which
/// this process never hears of) shows on the time page within the cache's freshness.
async fn another_instances_change_shows_within_seconds(app: TestApp) {
    app.desk_with_interpreters().await;
    let tomorrow = today(&app) + Duration::days(1);
    let ten = at(tomorrow, 10, 0);
    app.book(SessionMode::SignLanguageVideo, ten, "first@example.jp")
        .await;
    let browser = app.browser();
    browser
        .post("/book/mode", &[("mode", "sign_language_video")])
        .await;
    browser
        .post("/book/day", &[("day", &key(tomorrow)), ("week", "0")])
        .await;
    let ten = format!("value=\"{}\"", ten.unix_timestamp());
    let page = browser.get("/book/time").await;
    assert!(
        !page.body.contains(&ten),
        "10:00 is held by the first session"
    );
    // The session is cancelled elsewhere: its hold goes.
    app.state()
        .db
        .execute_unprepared("DELETE FROM interpreter_holds")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut shown = false;
    while started.elapsed() < std::time::Duration::from_secs(5) {
        if browser.get("/book/time").await.body.contains(&ten) {
            shown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown, "10:00 is offered again within seconds");
}
