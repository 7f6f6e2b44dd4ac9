//! Closed days: Japan's national holidays and the year-end break close the desk out of the
//! box, the admin opens a single holiday (or closes it again) and changes the break, and
//! the booking journey never offers a closed day.

use crate::db_tests;
use crate::support::{Browser, Page, TestApp, at, see_other};
use reqwest::StatusCode;
use time::macros::date;
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::Role;

/// Whether the day page offers a day.
fn offers_day(page: &Page, day: &str) -> bool {
    page.attr(&format!("input[name=day][value='{day}']"), "value")
        .is_some()
}

/// A customer who has chosen a written chat, reading English.
async fn customer(app: &TestApp) -> Browser {
    let browser = app.english_browser().await;
    assert_eq!(
        see_other(
            &browser
                .post("/book/mode", &[("mode", "written_chat")])
                .await
        ),
        "/book/day"
    );
    browser
}

db_tests!(
    new_years_day_is_never_offered_until_the_admin_opens_it,
    the_admin_sees_holidays_by_name_and_changes_the_year_end_break,
);

async fn new_years_day_is_never_offered_until_the_admin_opens_it(app: TestApp) {
    // Monday 21 December 2026; the desk keeps its usual weekday hours and closed days.
    app.set_now(at(date!(2026 - 12 - 21), 10, 0));
    app.add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let browser = customer(&app).await;
    // The week of 28 December: Monday the 28th is open, the break and New Year's Day are not.
    let week = browser.get("/book/day?week=1").await;
    assert!(offers_day(&week, "2026-12-28"), "{}", week.body);
    for closed in ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"] {
        assert!(!offers_day(&week, closed), "{closed} offered");
    }
    // The page says why those days are missing, naming each.
    let said = week.text("main");
    assert!(said.contains("The desk is closed on these days"), "{said}");
    for named in [
        "Thu 31 Dec 2026 Year-end break",
        "Fri 1 Jan 2027 New Year's Day",
    ] {
        assert!(said.contains(named), "{named} in {said}");
    }
    let refused = browser
        .post("/book/day", &[("day", "2027-01-01"), ("week", "1")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The admin opens New Year's Day, and that day only.
    let admin = app.english_staff(Role::Admin).await;
    let page = admin.get("/staff/settings/closed-days").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("#closed-days").contains("New Year's Day"));
    let open = "/staff/settings/closed-days/2027-01-01/delete";
    assert!(
        page.attr(&format!("form[action='{open}']"), "action")
            .is_some()
    );
    assert_eq!(
        see_other(&admin.post(open, &[]).await),
        "/staff/settings/closed-days?done=reopened"
    );
    assert_eq!(
        app.count("desk_open_days").await,
        1,
        "the opening is stored"
    );
    let page = admin.get("/staff/settings/closed-days").await;
    let close_again = "/staff/settings/closed-days/2027-01-01/restore";
    assert!(
        page.attr(&format!("form[action='{close_again}']"), "action")
            .is_some(),
        "an opened holiday can be closed again"
    );

    let week = browser.get("/book/day?week=1").await;
    assert!(
        offers_day(&week, "2027-01-01"),
        "the opened holiday is offered"
    );
    assert!(
        !offers_day(&week, "2026-12-31"),
        "the rest of the break is not"
    );
    assert_eq!(
        see_other(
            &browser
                .post("/book/day", &[("day", "2027-01-01"), ("week", "1")])
                .await
        ),
        "/book/time"
    );
    let times = browser.get("/book/time").await;
    let ten = at(date!(2027 - 01 - 01), 10, 0)
        .unix_timestamp()
        .to_string();
    assert!(
        times
            .attr(&format!("input[name=start][value='{ten}']"), "value")
            .is_some(),
        "{}",
        times.body
    );

    // Closed again while the customer is on the time page: no time is offered.
    assert_eq!(
        see_other(&admin.post(close_again, &[]).await),
        "/staff/settings/closed-days?done=closed_again"
    );
    let times = browser.get("/book/time").await;
    assert!(
        times.texts("input[name=start]").is_empty(),
        "{}",
        times.body
    );
    assert!(
        times
            .body
            .contains("There are no free times left on this day.")
    );
    let chosen = browser.post("/book/time", &[("start", &ten)]).await;
    assert_eq!(chosen.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn the_admin_sees_holidays_by_name_and_changes_the_year_end_break(app: TestApp) {
    app.set_now(at(date!(2026 - 12 - 21), 10, 0));
    let admin = app.english_staff(Role::Admin).await;
    let page = admin.get("/staff/settings/closed-days").await;
    let listed = page.texts("#closed-days li");
    let line = |day: &str| {
        listed
            .iter()
            .find(|l| l.contains(day))
            .cloned()
            .unwrap_or_default()
    };
    assert!(
        line("11 Jan 2027").contains("Coming of Age Day"),
        "{listed:?}"
    );
    assert!(
        line("22 Mar 2027").contains("Substitute holiday"),
        "{listed:?}"
    );
    assert!(line("30 Dec 2026").contains("Year-end break"), "{listed:?}");
    assert!(line("22 Sep 2026").is_empty(), "past days are not listed");
    // In Japanese, by their own names.
    admin.get("/language/ja").await;
    let ja = admin.get("/staff/settings/closed-days").await;
    assert!(ja.body.contains("元日"));
    assert!(ja.body.contains("振替休日"));
    admin.get("/language/en").await;

    // A break that cannot be read is refused with what was typed.
    let refused = admin
        .post(
            "/staff/settings/closed-days/rules",
            &[
                ("national_holidays", "1"),
                ("year_end", "1"),
                ("year_end_first", "12-32"),
                ("year_end_last", "01-03"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attr("#year_end_first", "value").as_deref(),
        Some("12-32")
    );
    assert_eq!(
        refused.texts(".error-summary a"),
        ["Enter a real month and day, for example 12-29"]
    );

    // A shorter break: 30 December to 2 January. The 29th opens for booking.
    assert_eq!(
        see_other(
            &admin
                .post(
                    "/staff/settings/closed-days/rules",
                    &[
                        ("national_holidays", "1"),
                        ("year_end", "1"),
                        ("year_end_first", "12/30"),
                        ("year_end_last", "1-2"),
                    ],
                )
                .await
        ),
        "/staff/settings/closed-days?done=rules"
    );
    let page = admin.get("/staff/settings/closed-days").await;
    assert_eq!(
        page.attr("#year_end_first", "value").as_deref(),
        Some("12-30")
    );
    app.add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let browser = customer(&app).await;
    let week = browser.get("/book/day?week=1").await;
    assert!(offers_day(&week, "2026-12-29"), "{}", week.body);
    assert!(!offers_day(&week, "2026-12-30"));

    // No break and no holidays: New Year's Day is an ordinary Friday.
    see_other(
        &admin
            .post(
                "/staff/settings/closed-days/rules",
                &[("year_end_first", "12-29")],
            )
            .await,
    );
    let week = browser.get("/book/day?week=1").await;
    assert!(offers_day(&week, "2027-01-01"));
    assert!(offers_day(&week, "2026-12-31"));
    let page = admin.get("/staff/settings/closed-days").await;
    assert!(!page.body.contains("Coming of Age Day"));
    assert_eq!(
        app.count("audit_events WHERE action = 'desk.settings_changed'")
            .await,
        2
    );
}
