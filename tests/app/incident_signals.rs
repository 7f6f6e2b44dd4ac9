//! Repeated contact after a resolved matter, listed for supervisors and admins to look at:
//! messages in a resolved request's thread and new requests after a resolved one, counted in
//! the window ending now; more than the threshold lists a customer. Nothing in a session
//! and nothing about a lost or stolen card counts, and nothing is done automatically.

use crate::db_tests;
use crate::support::{Browser, TestApp, at, tomorrow};
use reqwest::StatusCode;
use time::Duration;
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::booking::DetailsForm;
use yorisoi::domain::chat::Author;
use yorisoi::domain::request::{NewRequest, ReplyChannel, RequestStatus, Topic};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Email, Lang, Role};
use yorisoi::services::booking::make;
use yorisoi::services::{chat, requests};

db_tests!(
    customers_over_the_threshold_are_listed_for_a_person_to_look_at,
    contacts_outside_the_window_in_sessions_or_about_a_lost_card_do_not_count,
);

const PAGE: &str = "/staff/incidents/signals";

/// Sends a request; its id.
async fn send(
    app: &TestApp,
    name: &str,
    email: &str,
    member_number: Option<&str>,
    topic: Topic,
) -> i64 {
    let new = NewRequest {
        topic,
        details: "Why was I charged twice?".to_owned(),
        name: name.to_owned(),
        member_number: member_number.map(str::to_owned),
        channel: ReplyChannel::Email,
        email: Some(Email::parse(email).unwrap()),
        fax: None,
        address: None,
    };
    requests::submit::send(&app.uc(), &new, Lang::En, None, None)
        .await
        .unwrap()
        .request
        .id
}

async fn resolve(app: &TestApp, id: i64) {
    requests::staff::set_status(&app.uc(), id, RequestStatus::Resolved)
        .await
        .unwrap();
}

/// The customer writes `times` more messages in the request's thread.
async fn write_again(app: &TestApp, id: i64, times: usize) {
    for n in 0..times {
        requests::thread::customer_message(&app.uc(), id, &format!("Still not clear ({n})."))
            .await
            .unwrap();
    }
}

/// Sets the list's threshold and window as an admin would.
async fn set_list(admin: &Browser, threshold: &str, days: &str) {
    let saved = admin
        .post(
            "/staff/settings/incidents",
            &[
                ("retention_years", "3"),
                ("signal_threshold", threshold),
                ("signal_window_days", days),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

/// The names listed, in order.
async fn listed(browser: &Browser) -> Vec<String> {
    let page = browser.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.texts("#signals tbody th")
}

async fn customers_over_the_threshold_are_listed_for_a_person_to_look_at(app: TestApp) {
    // Hanako: her first request resolved, then four more messages in its thread, a new
    // request from the same address and one from another address with her member number.
    let first = send(
        &app,
        "Hanako Yamada",
        "hanako@example.jp",
        Some("AB12345"),
        Topic::Statements,
    )
    .await;
    // Before the request is resolved, writing again is part of the matter and not counted.
    write_again(&app, first, 2).await;
    resolve(&app, first).await;
    // Her first message opens the request again; the later ones still count.
    write_again(&app, first, 4).await;
    let second = send(
        &app,
        "Hanako Yamada",
        "hanako@example.jp",
        None,
        Topic::Points,
    )
    .await;
    let third = send(
        &app,
        "Hanako Yamada",
        "h.yamada@example.jp",
        Some("AB12345"),
        Topic::CardPayments,
    )
    .await;
    // Taro: three messages after his request was resolved. Jiro: five, as many as the
    // threshold and not more.
    let taro = send(&app, "Taro Sato", "taro@example.jp", None, Topic::Other).await;
    resolve(&app, taro).await;
    write_again(&app, taro, 3).await;
    let jiro = send(&app, "Jiro Ito", "jiro@example.jp", None, Topic::Other).await;
    resolve(&app, jiro).await;
    write_again(&app, jiro, 5).await;

    let boss = app.english_staff(Role::Supervisor).await;
    let dashboard = boss.get("/staff").await;
    assert!(dashboard.attrs("main a", "href").contains(&PAGE.to_owned()));
    let incidents = boss.get("/staff/incidents").await;
    assert!(incidents.attrs("main a", "href").contains(&PAGE.to_owned()));

    let page = boss.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    // It says plainly what the list is, and is not, and links the published policy.
    let about = page.text("#about-signals");
    for said in [
        "a list for a person to look at",
        "Nothing is done automatically",
        "an answer was unclear",
        "needs an accommodation",
    ] {
        assert!(about.contains(said), "{said}: {about}");
    }
    assert_eq!(
        page.attr("#about-signals a", "href").as_deref(),
        Some("/policy/customer-harassment")
    );
    assert!(
        page.text("#rule")
            .contains("more than 5 times in the 30-day period up to now"),
        "{}",
        page.text("#rule")
    );
    // Only Hanako, with six contacts, both her addresses, her number and her requests.
    assert_eq!(page.texts("#signals tbody th"), vec!["Hanako Yamada"]);
    assert_eq!(page.texts("#signals td.contacts"), vec!["6"]);
    let row = page.text("#signals tbody tr");
    for shown in ["hanako@example.jp", "h.yamada@example.jp", "AB12345"] {
        assert!(row.contains(shown), "{shown}: {row}");
    }
    let mut links = page.attrs("#signals tbody a", "href");
    links.sort();
    let mut hers: Vec<String> = [first, second, third]
        .iter()
        .map(|id| format!("/staff/requests/{id}"))
        .collect();
    hers.sort();
    assert_eq!(links, hers);
    // Being listed changes nothing: her requests stand as they were.
    let r = requests::get(&app.state().db, first)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status, RequestStatus::Open);

    // A lower threshold lists the others too, the most contacts first.
    let admin = app.english_staff(Role::Admin).await;
    set_list(&admin, "2", "30").await;
    assert_eq!(
        listed(&boss).await,
        vec!["Hanako Yamada", "Jiro Ito", "Taro Sato"]
    );
    assert_eq!(listed(&admin).await.len(), 3);

    // Coordinators and interpreters do not see it.
    for role in [Role::Coordinator, Role::Interpreter] {
        let (other, _) = app.signed_in(role).await;
        assert_eq!(
            other.get(PAGE).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
}

async fn contacts_outside_the_window_in_sessions_or_about_a_lost_card_do_not_count(app: TestApp) {
    let base = app.state().now();
    // Kenji wrote six times after his request was resolved, forty days ago.
    app.set_now(base - Duration::days(40));
    let kenji = send(&app, "Kenji Mori", "kenji@example.jp", None, Topic::Other).await;
    resolve(&app, kenji).await;
    write_again(&app, kenji, 6).await;
    app.set_now(base);

    // Yumi wrote six times about her lost card after it was resolved, and sent six new
    // lost-card requests after another request of hers was resolved.
    let card = send(
        &app,
        "Yumi Kato",
        "yumi@example.jp",
        None,
        Topic::LostStolen,
    )
    .await;
    resolve(&app, card).await;
    write_again(&app, card, 6).await;
    let statement = send(
        &app,
        "Yumi Kato",
        "yumi@example.jp",
        None,
        Topic::Statements,
    )
    .await;
    resolve(&app, statement).await;
    for _ in 0..6 {
        send(
            &app,
            "Yumi Kato",
            "yumi@example.jp",
            None,
            Topic::LostStolen,
        )
        .await;
    }

    // Aiko's request was resolved; she then booked a written-chat session about it and
    // wrote many messages in it. The conversation joins her request's thread when the
    // session ends.
    // She also wrote once in its thread, which counts: one contact is not more than one.
    let aiko = send(&app, "Aiko Abe", "aiko@example.jp", None, Topic::Points).await;
    resolve(&app, aiko).await;
    write_again(&app, aiko, 1).await;
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let mode = SessionMode::WrittenChat;
    let details = DetailsForm {
        name: "Aiko Abe".into(),
        email: "aiko@example.jp".into(),
        topic: "points".into(),
        ..Default::default()
    }
    .validate(mode)
    .unwrap();
    let booked = make::confirm(
        &app.uc(),
        &app.state().calendars,
        &make::NewBooking {
            mode,
            start: at(tomorrow(&app), 10, 0),
            details,
            lang: Lang::En,
            on_behalf: None,
            request_id: Some(aiko),
        },
        None,
    )
    .await
    .unwrap();
    let session = booked.booking.id;
    chat::open_now(&app.uc(), session).await.unwrap();
    let writer = chat::Writer {
        author: Author::Customer,
        staff_user_id: None,
        name: "Aiko Abe",
    };
    for n in 0..8 {
        chat::post(
            &app.uc(),
            session,
            &writer,
            &format!("Could you say it again? ({n})"),
        )
        .await
        .unwrap();
    }
    chat::end(&app.uc(), session, chat::EndOutcome::Completed)
        .await
        .unwrap();
    let thread = requests::thread::messages(&app.state().db, aiko, false)
        .await
        .unwrap();
    assert!(
        thread
            .iter()
            .any(|m| m.body.contains("Could you say it again? (7)")),
        "the conversation is in the thread"
    );

    let admin = app.english_staff(Role::Admin).await;
    set_list(&admin, "1", "30").await;
    let page = admin.get(PAGE).await;
    assert!(page.texts("#signals tbody th").is_empty(), "{}", page.body);
    assert!(page.text("#no-signals").contains("No customer"));
    assert!(page.text("main").contains("lost or stolen card"));
    assert!(
        page.text("main")
            .contains("sign-language or written-chat session")
    );

    // Forty days ago is inside a window of sixty days.
    set_list(&admin, "5", "60").await;
    assert_eq!(listed(&admin).await, vec!["Kenji Mori"]);
}
