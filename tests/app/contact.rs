//! A written way back: every email carries the desk's address as `Reply-To` when it has one
//! and ends with a link back (the request's thread, or the request form) that opens; the
//! admin's fax number and postal address show wherever pages and emails speak of writing to
//! the desk. "This was not me" stops a proxy application without the reference. A lost or
//! stolen card meets the card company's 24-hour stop page and line, and the public
//! telephone relay service, on the lost-card page, in `/book` and in every acknowledgement.

use crate::proxies::{application, approved, scopes, submitted};
use crate::smtp::Receiver;
use crate::support::{
    Backend, Browser, Page, TestApp, at, choose_session, html_of, see_other, subject_of, text_of,
    today,
};
use crate::{backend_tests, db_tests};
use mail_parser::MessageParser;
use reqwest::StatusCode;
use time::Duration;
use yorisoi::domain::Qualification::SignLanguageInterpreter;
use yorisoi::domain::Role;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::services::proxies::{self, Registration};
use yorisoi::services::requests;

const DESK: &str = "desk@example.jp";
const STOP_PAGE: &str = "https://card.example.jp/stop-now";
const STOP_LINE: &str = "0120-111-222";
const FAX: &str = "03-5555-0101";
const POST_LINE: &str = "東京都千代田区丸の内9-9-9";
const RELAY: &str = "電話リレーサービス";

backend_tests!(every_email_replies_to_the_desk_and_leads_back_to_a_page_that_opens);

db_tests!(
    admins_set_the_fax_and_address_that_pages_and_emails_show,
    the_customer_stops_an_application_that_was_not_hers_without_the_reference,
    an_approved_registration_ends_when_the_customer_says_it_was_not_her,
    a_lost_card_is_stopped_first_in_booking_and_in_every_acknowledgement,
);

/// The `Reply-To` address of a raw email, if it has one.
fn reply_to(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse(raw).unwrap();
    message
        .reply_to()
        .and_then(|r| r.first())
        .and_then(|a| a.address())
        .map(str::to_owned)
}

/// The way back at the end of an email's text: the last link to a request page.
fn way_back(app: &TestApp, raw: &[u8]) -> String {
    let body = text_of(raw);
    let prefix = format!("{}/requests/", app.base);
    let at = body
        .rfind(&prefix)
        .unwrap_or_else(|| panic!("no way back in {body}"));
    body[at..].split_whitespace().next().unwrap().to_owned()
}

/// Follows a full link with a fresh browser and answers the page.
async fn open(app: &TestApp, link: &str) -> Page {
    app.browser()
        .get_with(&app.path_of(link), &[("accept-language", "en")])
        .await
}

/// Sends a request by email through the journey, about `topic`; the browser, on the
/// thread it lands on.
async fn send_request(app: &TestApp, topic: &str, email: &str) -> (Browser, Page) {
    let browser = app.english_browser().await;
    let answers: [(&str, Vec<(&str, &str)>); 5] = [
        ("/requests/new/topic", vec![("topic", topic)]),
        (
            "/requests/new/details",
            vec![("details", "I need help with my card.")],
        ),
        (
            "/requests/new/about-you",
            vec![("name", "山田 花子"), ("member_number", "")],
        ),
        ("/requests/new/reply", vec![("channel", "email")]),
        ("/requests/new/contact", vec![("email", email)]),
    ];
    for (path, fields) in answers {
        let page = browser.post(path, &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}: {}", page.body);
    }
    let sent = see_other(&browser.post("/requests/new/check", &[]).await);
    let thread = browser.get(&sent).await;
    assert_eq!(thread.status, StatusCode::OK);
    (browser, thread)
}

/// Saves the contact settings as an admin does.
async fn set_contacts(app: &TestApp, fields: &[(&str, &str)]) {
    let admin = app.english_staff(Role::Admin).await;
    let saved = admin.post("/staff/settings/contact", fields).await;
    assert_eq!(
        see_other(&saved),
        "/staff/settings/contact?saved=1",
        "{}",
        saved.body
    );
}

const ALL_SET: [(&str, &str); 4] = [
    ("desk_fax", FAX),
    ("desk_address", "〒100-0005\r\n東京都千代田区丸の内9-9-9"),
    ("card_stop_page", STOP_PAGE),
    ("card_stop_line", STOP_LINE),
];

async fn every_email_replies_to_the_desk_and_leads_back_to_a_page_that_opens(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| {
        c.smtp_url = Some(url);
        c.desk_email = Some(DESK.to_owned());
    })
    .await
    else {
        return;
    };
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;

    // A request (acknowledged), and the desk's answer to it.
    let (_, _) = send_request(&app, "statements", "hanako@example.jp").await;
    let state = app.state();
    let r = requests::by_reference(&state.db, &only_reference(&app).await)
        .await
        .unwrap()
        .unwrap();
    requests::staff::reply(&app.uc(), r.id, "Here is what happened.")
        .await
        .unwrap();
    // A session booked, a proxy application (to the proxy and to the customer), and a
    // staff password reset.
    let day = today(&app) + Duration::days(1);
    app.book(
        SessionMode::SignLanguageVideo,
        at(day, 10, 0),
        "taro@example.jp",
    )
    .await;
    submitted(
        &app,
        &application(
            "山田 花子",
            "やまだ はなこ",
            "ichiro@example.jp",
            scopes(true, false, false),
            Some("hanako@example.jp"),
        ),
    )
    .await;
    app.create_staff("hoshi@example.jp", Role::Coordinator)
        .await;
    let staff_browser = app.english_browser().await;
    let forgot = staff_browser
        .post("/staff/forgot", &[("email", "hoshi@example.jp")])
        .await;
    assert_eq!(forgot.status, StatusCode::OK);
    state.mail_waiting();

    let arrived = receiver.wait_for(6, 30).await;
    let subjects: Vec<String> = arrived.iter().map(|a| subject_of(&a.data)).collect();
    assert_eq!(arrived.len(), 6, "{subjects:?}");
    for expected in [
        "We have your request",
        "We have answered your request",
        "Your session is booked",
        "We have your application",
        "Someone has applied to act for you",
        "Reset your Yorisoi password",
    ] {
        assert!(
            subjects.iter().any(|s| s.contains(expected)),
            "{expected} in {subjects:?}"
        );
    }
    for mail in &arrived {
        let about = subject_of(&mail.data);
        assert_eq!(
            reply_to(&mail.data).as_deref(),
            Some(DESK),
            "Reply-To of {about}"
        );
        if about.contains("Reset your Yorisoi password") {
            // A staff member's email ends with the staff pages, not the customers' ways in.
            let text = text_of(&mail.data);
            assert!(text.contains("A notice for staff"), "{text}");
            assert!(
                text.lines()
                    .any(|l| l.trim_end() == format!("{}/staff", app.base)),
                "{text}"
            );
            assert!(!text.contains("never have to phone"), "{text}");
            continue;
        }
        let back = way_back(&app, &mail.data);
        assert!(
            html_of(&mail.data).contains(&format!("href=\"{back}\"")),
            "the HTML part of {about} links back too"
        );
        if about.contains("request") {
            assert_ne!(
                back,
                format!("{}/requests/new", app.base),
                "{about} leads back to its thread"
            );
        } else {
            assert_eq!(back, format!("{}/requests/new", app.base), "{about}");
        }
        let page = open(&app, &back).await;
        assert_eq!(page.status, StatusCode::OK, "the way back of {about} opens");
        assert!(
            text_of(&mail.data).contains("reply to this email"),
            "{about}"
        );
    }
}

async fn only_reference(app: &TestApp) -> String {
    use sea_orm::EntityTrait;
    let all = yorisoi::entities::support_request::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    all[0].reference.clone()
}

async fn admins_set_the_fax_and_address_that_pages_and_emails_show(app: TestApp) {
    // Only an admin reaches the page.
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    assert_eq!(
        coordinator.get("/staff/settings/contact").await.status,
        StatusCode::FORBIDDEN
    );
    let admin = app.english_staff(Role::Admin).await;
    let dashboard = admin.get("/staff").await;
    assert!(
        dashboard
            .attr("a[href='/staff/settings/contact']", "href")
            .is_some()
    );
    let page = admin.get("/staff/settings/contact").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("none set"), "no desk email configured");

    // Bad values come back with what was typed and a message for each.
    let refused = admin
        .post(
            "/staff/settings/contact",
            &[
                ("desk_fax", "call us"),
                ("desk_address", "東京都"),
                ("card_stop_page", "card.example.jp/stop"),
                ("card_stop_line", STOP_LINE),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.title().starts_with("Error (2):"),
        "{}",
        refused.title()
    );
    assert_eq!(
        refused.attr("#desk_fax", "value").as_deref(),
        Some("call us")
    );
    assert_eq!(
        refused.attr("#card_stop_page", "value").as_deref(),
        Some("card.example.jp/stop")
    );
    assert_eq!(refused.texts(".error-summary a").len(), 2);
    assert!(
        refused
            .body
            .contains("Enter a web address starting with https://")
    );

    // Before anything is set, pages that speak of writing to the desk link to the form.
    let before = app
        .browser()
        .get_with("/accessibility", &[("accept-language", "en")])
        .await;
    assert!(
        before
            .attr(".write-to-us a[href='/requests/new']", "href")
            .is_some()
    );
    assert!(!before.body.contains(FAX));

    set_contacts(&app, &ALL_SET).await;
    let shown = admin.get("/staff/settings/contact?saved=1").await;
    assert_eq!(shown.attr("#desk_fax", "value").as_deref(), Some(FAX));
    assert_eq!(
        shown.attr("#card_stop_page", "value").as_deref(),
        Some(STOP_PAGE)
    );

    for path in ["/accessibility", "/proxy/revoke"] {
        let page = app
            .browser()
            .get_with(path, &[("accept-language", "en")])
            .await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let box_ = page.text(".write-to-us");
        assert!(box_.contains(FAX), "{path}: {box_}");
        assert!(box_.contains(POST_LINE), "{path}: {box_}");
        assert!(
            page.attr(".write-to-us a[href='/requests/new']", "href")
                .is_some(),
            "{path}"
        );
        let link = open(&app, "/requests/new").await;
        assert_eq!(link.status, StatusCode::OK);
    }

    // Emails show them too; with no desk address, they say replies are not read and carry
    // no Reply-To.
    let day = today(&app) + Duration::days(1);
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    app.book(
        SessionMode::SignLanguageVideo,
        at(day, 10, 0),
        "taro@example.jp",
    )
    .await;
    let mail = app.email_with("taro@example.jp", "booked").await;
    assert_eq!(reply_to(&mail), None);
    let body = text_of(&mail);
    assert!(body.contains(&format!("By fax: {FAX}")), "{body}");
    assert!(body.contains(POST_LINE), "{body}");
    assert!(
        body.contains("Replies to this email are not read"),
        "{body}"
    );
    assert!(html_of(&mail).contains(FAX));

    // An empty field removes what was set.
    set_contacts(
        &app,
        &[
            ("desk_fax", ""),
            ("desk_address", ""),
            ("card_stop_page", ""),
            ("card_stop_line", ""),
        ],
    )
    .await;
    let after = app
        .browser()
        .get_with("/accessibility", &[("accept-language", "en")])
        .await;
    assert!(!after.body.contains(FAX));
    assert!(!after.body.contains(POST_LINE));
}

/// The "not me" link in the customer's email about an application to `proxy_email`.
async fn not_me_link(app: &TestApp, customer: &str) -> String {
    let mail = app.email_with(customer, "applied to act for you").await;
    let body = text_of(&mail);
    assert!(body.contains("This was not me"), "{body}");
    crate::support::link_in(&mail, &format!("{}/proxy/not-me/", app.base))
}

async fn registration(app: &TestApp, id: i64) -> Registration {
    proxies::get(&app.state().db, id).await.unwrap().unwrap()
}

async fn the_customer_stops_an_application_that_was_not_hers_without_the_reference(app: TestApp) {
    let state = app.state();
    let r = submitted(
        &app,
        &application(
            "山田 花子",
            "やまだ はなこ",
            "stranger@example.jp",
            scopes(true, true, false),
            Some("hanako@example.jp"),
        ),
    )
    .await;
    let link = not_me_link(&app, "hanako@example.jp").await;
    let path = app.path_of(&link);
    assert!(!path.contains(&r.reference), "the link needs no reference");

    // A fresh browser, no reference typed: the page opens and says nothing of the
    // application beyond what the email said.
    let browser = app.english_browser().await;
    let page = browser.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for secret in [
        r.reference.as_str(),
        "Proxy stranger@example.jp",
        "stranger@example.jp",
        "山田 花子",
        "AB12345",
    ] {
        assert!(
            !page.body.contains(secret),
            "the page does not show {secret}"
        );
    }
    assert_eq!(page.text("h1"), "Stop a proxy application");
    // Opening it changes nothing.
    assert_eq!(registration(&app, r.id).await.status.as_str(), "submitted");

    // One press stops it and tells staff.
    let stopped = browser
        .post(&path, &[("note", "I do not know this person.")])
        .await;
    assert_eq!(see_other(&stopped), path);
    let done = browser.get(&path).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.text("h1"), "The application is stopped");
    let after = registration(&app, r.id).await;
    assert_eq!(after.status.as_str(), "rejected");
    assert!(
        after
            .rejection_reason
            .as_deref()
            .is_some_and(|why| why.contains("do not agree"))
    );
    // Staff see it in their queue, in her name, with her note.
    let staff = app.english_staff(Role::Coordinator).await;
    let queue = staff.get("/staff/requests").await;
    assert!(queue.body.contains("山田 花子"), "{}", queue.body);
    let request = requests::by_reference(&state.db, &only_reference(&app).await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.status.as_str(), "new");
    assert!(request.details.contains(&r.reference));
    assert!(request.details.contains("I do not know this person."));
    let audit = app
        .count(&format!(
            "audit_events WHERE action = 'proxy.not_me' AND target_id = '{}'",
            r.id
        ))
        .await;
    assert_eq!(audit, 1);
    // She is emailed the request's link; the applicant is told it was not approved.
    let ack = app
        .email_with("hanako@example.jp", "We have your request")
        .await;
    let thread = crate::support::link_in(&ack, &format!("{}/requests/", app.base));
    assert_eq!(open(&app, &thread).await.status, StatusCode::OK);
    app.email_with("stranger@example.jp", "Your application to act as a proxy")
        .await;

    // The link works once; a second press changes nothing, and a wrong link is not found.
    let again = browser.post(&path, &[("note", "")]).await;
    assert_eq!(see_other(&again), path);
    assert_eq!(app.count("support_requests").await, 1);
    let wrong = browser
        .get("/proxy/not-me/0000000000000000000000000000000000000000000")
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let wrong_post = browser
        .post(
            "/proxy/not-me/0000000000000000000000000000000000000000000",
            &[],
        )
        .await;
    assert_eq!(wrong_post.status, StatusCode::NOT_FOUND);
    // A note too long comes back with what was typed.
    let long = "あ".repeat(1001);
    let other = submitted(
        &app,
        &application(
            "佐藤 一",
            "さとう はじめ",
            "other@example.jp",
            scopes(true, false, false),
            Some("sato@example.jp"),
        ),
    )
    .await;
    let other_path = app.path_of(&not_me_link(&app, "sato@example.jp").await);
    let refused = browser.post(&other_path, &[("note", &long)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.text("#note"), long);
    assert_eq!(
        registration(&app, other.id).await.status.as_str(),
        "submitted"
    );
}

async fn an_approved_registration_ends_when_the_customer_says_it_was_not_her(app: TestApp) {
    let r = approved(
        &app,
        &application(
            "山田 花子",
            "やまだ はなこ",
            "ichiro@example.jp",
            scopes(true, true, false),
            Some("hanako@example.jp"),
        ),
    )
    .await;
    assert_eq!(r.status.as_str(), "approved");
    let link = not_me_link(&app, "hanako@example.jp").await;
    let path = app.path_of(&link);
    let browser = app.browser();
    assert_eq!(browser.get(&path).await.status, StatusCode::OK);
    see_other(&browser.post(&path, &[]).await);
    let after = registration(&app, r.id).await;
    assert_eq!(after.status.as_str(), "revoked");
    assert_eq!(after.ended_by.map(|by| by.as_str()), Some("customer"));
}

/// Walks `/book` to the check page with a lost or stolen card as the topic.
async fn book_about_a_lost_card(app: &TestApp, browser: &Browser) -> Page {
    let day = today(app) + Duration::days(3);
    assert_eq!(
        choose_session(browser, SessionMode::SignLanguageVideo, at(day, 10, 0)).await,
        "/book/details"
    );
    let details = [
        ("name", "Hanako Yamada"),
        ("email", "hanako@example.jp"),
        ("member_number", ""),
        ("topic", "lost_stolen"),
        ("topic_other", ""),
        ("sign_language", "jsl"),
        ("sign_language_other", ""),
        ("needs", ""),
    ];
    assert_eq!(
        see_other(&browser.post("/book/details", &details).await),
        "/book/check"
    );
    browser.get("/book/check").await
}

/// Whether a page gives the whole route: the stop page, the line and the relay service.
fn gives_the_route(page: &Page) -> bool {
    page.attr("#card-stop-page", "href").as_deref() == Some(STOP_PAGE)
        && page.attr("#card-stop-line", "href").as_deref() == Some("tel:0120111222")
        && page.body.contains(RELAY)
}

async fn a_lost_card_is_stopped_first_in_booking_and_in_every_acknowledgement(app: TestApp) {
    set_contacts(&app, &ALL_SET).await;
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let browser = app.english_browser().await;

    // The lost-card page gives the route.
    let lost = browser.get("/requests/new/lost-card").await;
    assert!(gives_the_route(&lost), "{}", lost.body);

    // /book sends a lost card to it from the start, and warns on the check page.
    let start = browser.get("/book").await;
    assert!(
        start
            .attr("#lost-card-first a[href='/requests/new/lost-card']", "href")
            .is_some()
    );
    let check = book_about_a_lost_card(&app, &browser).await;
    assert!(gives_the_route(&check), "{}", check.body);
    assert!(
        check
            .text("#lost-card-guidance .warning-text")
            .contains("A session is not the way to stop a lost or stolen card")
    );
    assert_eq!(
        see_other(&browser.post("/book/check", &[]).await),
        "/book/confirmation"
    );
    let confirmation = browser.get("/book/confirmation").await;
    assert!(gives_the_route(&confirmation));
    let booked = app
        .email_with("hanako@example.jp", "Your session is booked")
        .await;
    let said = text_of(&booked);
    for shown in [STOP_PAGE, STOP_LINE, RELAY, "stop it now"] {
        assert!(said.contains(shown), "{shown} in {said}");
    }
    // A session about something else says nothing of it.
    let other = app.english_browser().await;
    let day = today(&app) + Duration::days(4);
    choose_session(&other, SessionMode::SignLanguageVideo, at(day, 11, 0)).await;
    let points = [
        ("name", "Taro"),
        ("email", "taro@example.jp"),
        ("member_number", ""),
        ("topic", "points"),
        ("topic_other", ""),
        ("sign_language", "jsl"),
        ("sign_language_other", ""),
        ("needs", ""),
    ];
    assert_eq!(
        see_other(&other.post("/book/details", &points).await),
        "/book/check"
    );
    let plain = other.get("/book/check").await;
    assert!(plain.attr("#lost-card-guidance", "id").is_none());

    // A request about a lost card: the page that acknowledges it, and the email.
    let (_, thread) = send_request(&app, "lost_stolen", "jiro@example.jp").await;
    assert!(gives_the_route(&thread), "{}", thread.body);
    let ack = app
        .email_with("jiro@example.jp", "We have your request")
        .await;
    let said = text_of(&ack);
    for shown in [STOP_PAGE, STOP_LINE, RELAY] {
        assert!(said.contains(shown), "{shown} in {said}");
    }
    let (_, statements) = send_request(&app, "statements", "saburo@example.jp").await;
    assert!(statements.attr("#lost-card-guidance", "id").is_none());
}
