//! Odd values typed into forms or edited into addresses: dates and times far outside any
//! calendar the desk keeps, and email addresses the mailer could never send to. Each comes
//! back as a message on the page, a 404 or a redirect; never a 500.

use crate::db_tests;
use crate::support::{Page, TestApp, at, choose_session, key, today, tomorrow};
use reqwest::StatusCode;
use time::Duration;
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::Role;
use yorisoi::domain::schedule::SessionMode;

/// Seconds since 1970 that name instants far outside the desk's calendar: the last second
/// of year 9999, the first of year -9999, and the ends of what a 64-bit number holds.
const ODD_STARTS: [&str; 6] = [
    "253402300799",
    "-377705116800",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999",
    "0",
];

/// Days outside the desk's calendar, written the way the pages write days.
const ODD_DAYS: [&str; 6] = [
    "0001-01-01",
    "-5000-01-01",
    "9999-12-31",
    "+10000-01-01",
    "1899-12-31",
    "2201-01-01",
];

db_tests!(
    odd_start_times_never_break_moving_a_session,
    odd_days_and_weeks_never_break_the_booking_journey,
    odd_audit_dates_are_refused_with_a_message,
    odd_dates_on_the_staff_schedule_pages_are_refused,
    odd_dates_of_birth_are_refused_with_a_message,
    an_address_the_mailer_cannot_send_to_comes_back_with_what_was_typed,
);

fn refused_on_the_page(page: &Page, what: &str) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}: {}",
        page.body
    );
    assert!(!page.texts(".error-summary a").is_empty(), "{what}");
}

async fn odd_start_times_never_break_moving_a_session(app: TestApp) {
    app.desk_with_interpreters().await;
    let day = today(&app) + Duration::days(2);
    let booked = app
        .book(
            SessionMode::SignLanguageVideo,
            at(day, 10, 0),
            "hanako@example.jp",
        )
        .await;
    let base = format!("/bookings/{}", booked.manage_token.expose());
    let browser = app.english_browser().await;
    let next = key(day + Duration::days(1));
    for start in ODD_STARTS {
        let moved = browser
            .post(
                &format!("{base}/reschedule"),
                &[("day", &next), ("start", start)],
            )
            .await;
        refused_on_the_page(&moved, start);
        assert_eq!(
            moved.texts(".error-summary a"),
            ["That time is not free any more. Choose another time."],
            "{start}"
        );
    }
    // A time on the grid but past the horizon is no choice either.
    let far = at(today(&app) + Duration::days(400), 10, 0).unix_timestamp();
    let moved = browser
        .post(
            &format!("{base}/reschedule"),
            &[("day", &next), ("start", &far.to_string())],
        )
        .await;
    refused_on_the_page(&moved, "past the horizon");
    // An odd day sends the customer back to choose one; an odd day to look at is refused.
    for day in ODD_DAYS {
        let moved = browser
            .post(
                &format!("{base}/reschedule"),
                &[("day", day), ("start", "253402300799")],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{day}: {}", moved.body);
        let times = browser
            .get(&format!("{base}/reschedule/time?day={day}"))
            .await;
        refused_on_the_page(&times, day);
    }
    for week in ["-1", "99999999999999999999", "9223372036854775807", "１"] {
        let page = browser.get(&format!("{base}/reschedule?week={week}")).await;
        assert_eq!(page.status, StatusCode::OK, "week {week}: {}", page.body);
    }
    // The session did not move.
    let page = browser.get(&base).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        app.count(&format!(
            "interpreter_holds WHERE cell_start = {}",
            at(day, 10, 0).unix_timestamp()
        ))
        .await,
        1
    );
}

async fn odd_days_and_weeks_never_break_the_booking_journey(app: TestApp) {
    app.desk_with_interpreters().await;
    let browser = app.english_browser().await;
    browser
        .post("/book/mode", &[("mode", "sign_language_video")])
        .await;
    for day in ODD_DAYS {
        let page = browser
            .post("/book/day", &[("day", day), ("week", "0")])
            .await;
        refused_on_the_page(&page, day);
    }
    for week in ["-9223372036854775808", "9223372036854775807", "1e9", "+3"] {
        let page = browser.get(&format!("/book/day?week={week}")).await;
        assert_eq!(page.status, StatusCode::OK, "week {week}: {}", page.body);
        let page = browser
            .post("/book/day", &[("day", ""), ("week", week)])
            .await;
        refused_on_the_page(&page, week);
    }
    let tomorrow = today(&app) + Duration::days(1);
    let chosen = browser
        .post("/book/day", &[("day", &key(tomorrow)), ("week", "0")])
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    for start in ODD_STARTS {
        let page = browser.post("/book/time", &[("start", start)]).await;
        refused_on_the_page(&page, start);
    }
}

async fn odd_audit_dates_are_refused_with_a_message(app: TestApp) {
    let admin = app.english_staff(Role::Admin).await;
    for (field, day) in [
        ("from", "0001-01-01"),
        ("from", "-5000-01-01"),
        ("from", "1899-12-31"),
        ("to", "9999-12-31"),
        ("to", "-0001-12-31"),
        ("from", "+10000-01-01"),
    ] {
        let encoded = day.replace('+', "%2B");
        let page = admin.get(&format!("/staff/audit?{field}={encoded}")).await;
        assert_eq!(page.status, StatusCode::OK, "{field}={day}: {}", page.body);
        let label = if field == "from" { "start" } else { "end" };
        assert_eq!(
            page.texts(".error-summary a"),
            [format!(
                "The {label} date must be between 1900-01-01 and 2200-12-31"
            )],
            "{field}={day}"
        );
        assert_eq!(
            page.attr(&format!("#{field}"), "value").as_deref(),
            Some(day),
            "what was typed is kept"
        );
    }
    // The window's own ends are fine.
    let page = admin
        .get("/staff/audit?from=1900-01-01&to=2200-12-31")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts(".error-summary a").is_empty(), "{}", page.body);
    for page_number in ["-1", "18446744073709551616", "0"] {
        let page = admin.get(&format!("/staff/audit?page={page_number}")).await;
        assert_eq!(page.status, StatusCode::OK, "page={page_number}");
    }
    assert!(
        yorisoi::i18n::missing_keys().is_empty(),
        "{:?}",
        yorisoi::i18n::missing_keys()
    );
}

async fn odd_dates_on_the_staff_schedule_pages_are_refused(app: TestApp) {
    app.desk_with_interpreters().await;
    let interpreter = app
        .add_interpreter("tanaka", &[WrittenChat], &[("09:00", "12:00")])
        .await;
    let admin = app.english_staff(Role::Admin).await;
    for day in ODD_DAYS {
        let board = admin.get(&format!("/staff/schedule?week={day}")).await;
        assert_eq!(board.status, StatusCode::OK, "board {day}");
        let reopen = admin
            .post(&format!("/staff/settings/closed-days/{day}/delete"), &[])
            .await;
        assert_eq!(reopen.status, StatusCode::NOT_FOUND, "reopen {day}");
    }
    for (year, month, day) in [
        ("99999", "1", "1"),
        ("-5000", "1", "1"),
        ("2201", "1", "1"),
        ("0", "1", "1"),
        ("2100", "13", "1"),
        ("２１００", "２", "３０"),
    ] {
        let closed = admin
            .post(
                "/staff/settings/closed-days",
                &[
                    ("closed_day-year", year),
                    ("closed_day-month", month),
                    ("closed_day-day", day),
                    ("closed_note", "odd"),
                ],
            )
            .await;
        refused_on_the_page(&closed, year);
        let exception = admin
            .post(
                &format!("/staff/interpreters/{interpreter}/exceptions"),
                &[
                    ("exception_day-year", year),
                    ("exception_day-month", month),
                    ("exception_day-day", day),
                    ("exception_kind", "off"),
                ],
            )
            .await;
        refused_on_the_page(&exception, year);
    }
    for query in [
        "status=all&age=99999999999999999999",
        "age=-1&page=18446744073709551616",
        "assignee=-9223372036854775808&page=-1",
    ] {
        let queue = admin.get(&format!("/staff/requests?{query}")).await;
        assert_eq!(queue.status, StatusCode::OK, "{query}");
    }
    assert_eq!(app.count("desk_closed_days").await, 0);
    assert_eq!(app.count("availability_exceptions").await, 0);
}

async fn odd_dates_of_birth_are_refused_with_a_message(app: TestApp) {
    let browser = app.english_browser().await;
    browser.get("/proxy/apply").await;
    for (year, month, day) in [
        ("-5000", "1", "1"),
        ("99999", "1", "1"),
        ("0000", "1", "1"),
        ("1899", "12", "31"),
        ("1941", "2", "30"),
        ("9223372036854775807", "1", "1"),
    ] {
        let page = browser
            .post(
                "/proxy/apply/customer-birth",
                &[
                    ("birth-year", year),
                    ("birth-month", month),
                    ("birth-day", day),
                ],
            )
            .await;
        refused_on_the_page(&page, year);
        let end = browser
            .post(
                "/proxy/revoke",
                &[
                    ("reference", "P-2345-6789"),
                    ("name", "山田 花子"),
                    ("birth-year", year),
                    ("birth-month", month),
                    ("birth-day", day),
                    ("note", ""),
                ],
            )
            .await;
        refused_on_the_page(&end, year);
    }
}

async fn an_address_the_mailer_cannot_send_to_comes_back_with_what_was_typed(app: TestApp) {
    app.desk_with_interpreters().await;
    let browser = app.english_browser().await;
    choose_session(
        &browser,
        SessionMode::WrittenChat,
        at(tomorrow(&app), 11, 30),
    )
    .await;
    let typed = [
        ("name", "Hanako Yamada"),
        ("email", "a,b@example.jp"),
        ("topic", "statements"),
    ];
    let page = browser.post("/book/details", &typed).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_eq!(
        page.texts(".error-summary a"),
        ["This email address contains characters we cannot send to"]
    );
    assert_eq!(
        page.attr("#email", "value").as_deref(),
        Some("a,b@example.jp")
    );
    assert_eq!(
        page.attr("#name", "value").as_deref(),
        Some("Hanako Yamada")
    );

    // The same on a support request, in Japanese, with a right-to-left override hidden in it.
    let customer = app.browser();
    customer.get("/language/ja").await;
    for (path, fields) in [
        ("/requests/new/topic", vec![("topic", "statements")]),
        (
            "/requests/new/details",
            vec![("details", "明細に同じ支払いが二回あります。")],
        ),
        ("/requests/new/about-you", vec![("name", "山田 花子")]),
        ("/requests/new/reply", vec![("channel", "email")]),
    ] {
        let page = customer.post(path, &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}: {}", page.body);
    }
    let hidden = "hanako\u{202E}pj.elpmaxe@example.jp";
    let page = customer
        .post("/requests/new/contact", &[("email", hidden)])
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert_eq!(
        page.texts(".error-summary a"),
        ["このメールアドレスには、送信できない文字が含まれています"]
    );
    assert_eq!(page.attr("#email", "value").as_deref(), Some(hidden));
    assert_eq!(app.count("bookings").await, 0);
    assert_eq!(app.count("support_requests").await, 0);
    assert!(
        yorisoi::i18n::missing_keys().is_empty(),
        "{:?}",
        yorisoi::i18n::missing_keys()
    );
}
