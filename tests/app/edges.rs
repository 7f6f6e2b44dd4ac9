//! The site's edges, tried as an attacker would: redirects taken from the request, sign-in
//! throttling behind a reverse proxy, journeys that would fill the disk, pages a shared
//! computer or a cache must not keep, and the smaller doors found beside them.

use crate::support::{Backend, Browser, PASSWORD, TestApp, link_in};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use time_tz::OffsetDateTimeExt;
use yorisoi::domain::Role;
use yorisoi::domain::request::NewRequest;
use yorisoi::domain::request::{ReplyChannel, Topic};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::services::Actor;
use yorisoi::services::requests;

crate::db_tests!(
    come_back_paths_never_leave_the_site,
    a_flood_of_wrong_sign_ins_in_parallel_checks_no_more_passwords_than_the_limit,
    pages_with_anything_personal_are_never_stored,
    the_booking_confirmation_is_shown_once,
    a_closed_request_starts_no_booking,
    proxy_applications_cannot_be_used_to_send_email_over_and_over,
    a_cancelled_end_request_shows_the_year_of_birth_only,
    an_unknown_stored_value_is_the_500_page_never_a_default,
);
crate::backend_tests!(
    behind_a_trusted_proxy_each_client_is_throttled_on_its_own,
    one_address_can_start_only_so_many_journeys,
    https_sites_tell_browsers_to_stay_on_https,
);

fn location(page: &crate::support::Page) -> &str {
    page.location().unwrap_or_default()
}

/// Whether a browser would leave the site when following `location` from a page of it:
/// it drops tabs and newlines first, and treats `\` as `/`.
fn leaves_site(location: &str) -> bool {
    let cleaned: String = location
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    cleaned.starts_with("//") || cleaned.contains("://") || !cleaned.starts_with('/')
}

async fn come_back_paths_never_leave_the_site(app: TestApp) {
    let browser = app.browser();
    for next in [
        "/%09/evil.example/x",
        "/%0a/evil.example/x",
        "/%0d%0a/evil.example",
        "/%5C/evil.example",
        "/%5C%09/evil.example",
        "//evil.example",
        "/%2F/evil.example",
        "https://evil.example",
        "/%01",
        "/%00",
        "/%7f",
        "/%1f/x",
        "/%C2%85",
    ] {
        let page = browser.get(&format!("/language/en?next={next}")).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "next={next}");
        let to = location(&page);
        assert!(!leaves_site(to), "next={next} went to {to:?}");
        assert!(!to.contains("evil.example"), "next={next} went to {to:?}");
    }
    // A real path on the site still comes back, encoded for the header.
    let page = browser
        .get("/language/ja?next=/requests/new%3Fq%3D%E3%81%82")
        .await;
    assert_eq!(location(&page), "/requests/new?q=%E3%81%82");

    // Signing in with a poisoned come-back path signs in and goes to the staff home.
    app.create_staff("kato@example.jp", Role::Coordinator).await;
    for next in [
        "/%01",
        "/staff%09/evil.example",
        "/staff/../book",
        "/%09/evil",
    ] {
        let browser = app.browser();
        browser.get("/staff/login").await;
        let page = browser
            .post(
                "/staff/login",
                &[
                    ("email", "kato@example.jp"),
                    ("password", PASSWORD),
                    ("next", &percent_decode(next)),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(location(&page), "/staff", "next={next}");
    }
    // The sign-in page itself does not carry such a path into its form.
    let form = app
        .browser()
        .get("/staff/login?next=/%09/evil.example")
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(!form.body.contains("evil.example"));
}

fn percent_decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

async fn behind_a_trusted_proxy_each_client_is_throttled_on_its_own(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |c| {
        c.trusted_proxies = yorisoi::domain::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await
    else {
        return;
    };
    app.create_staff("ito@example.jp", Role::Coordinator).await;
    // An attacker behind the proxy has used up the address limit with made-up emails.
    let attacker = "198.51.100.66";
    let now = app.state().now();
    for n in 0..yorisoi::services::accounts::sign_in::MAX_FAILURES_PER_ADDRESS {
        yorisoi::entities::login_attempt::Entity::insert(
            yorisoi::entities::login_attempt::ActiveModel {
                id: sea_orm::ActiveValue::NotSet,
                email: sea_orm::ActiveValue::Set(format!("made-up-{n}@example.jp")),
                ip: sea_orm::ActiveValue::Set(Some(attacker.to_owned())),
                attempted_at: sea_orm::ActiveValue::Set(now),
                succeeded: sea_orm::ActiveValue::Set(false),
                realm: sea_orm::ActiveValue::Set("staff".to_owned()),
            },
        )
        .exec(&app.state().db)
        .await
        .unwrap();
    }
    let from_attacker = Browser::with_headers(&app.base, &[("x-forwarded-for", attacker)]);
    let refused = from_attacker.sign_in("ito@example.jp", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // The staff member, through the same proxy from another address, signs in.
    let colleague =
        Browser::with_headers(&app.base, &[("x-forwarded-for", "203.0.113.7, 127.0.0.1")]);
    let page = colleague.sign_in("ito@example.jp", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // So does one whose proxy speaks RFC 7239.
    let rfc = Browser::with_headers(&app.base, &[("forwarded", "for=\"203.0.113.8:5000\"")]);
    assert_eq!(
        rfc.sign_in("ito@example.jp", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // The attacker cannot slip out by forging the header: the proxy appends the real
    // address, and that is the one counted.
    let forging = Browser::with_headers(
        &app.base,
        &[("x-forwarded-for", &format!("203.0.113.7, {attacker}"))],
    );
    assert_eq!(
        forging.sign_in("ito@example.jp", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Without the setting, the headers are not believed at all.
    let Some(plain) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    plain
        .create_staff("ito@example.jp", Role::Coordinator)
        .await;
    let forged = Browser::with_headers(&plain.base, &[("x-forwarded-for", attacker)]);
    forged
        .sign_in("ito@example.jp", "wrong, wrong, wrong")
        .await;
    let recorded: Vec<Option<String>> = yorisoi::entities::login_attempt::Entity::find()
        .all(&plain.state().db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.ip)
        .collect();
    assert_eq!(recorded, vec![Some("127.0.0.1".to_owned())]);
}

async fn a_flood_of_wrong_sign_ins_in_parallel_checks_no_more_passwords_than_the_limit(
    app: TestApp,
) {
    app.create_staff("flood@example.jp", Role::Coordinator)
        .await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let browser = app.browser();
        attempts.spawn(async move {
            browser
                .sign_in("flood@example.jp", "not the password at all")
                .await
                .status
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = attempts.join_next().await {
        statuses.push(status.unwrap());
    }
    let checked = app
        .count("audit_events WHERE action = 'staff.sign_in_failed'")
        .await as u64;
    assert!(
        checked <= yorisoi::services::accounts::sign_in::MAX_FAILURES_PER_ACCOUNT,
        "{checked} passwords were checked in a flood of 30"
    );
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
    // The account is locked, and stays locked for the right password.
    assert_eq!(
        app.browser()
            .sign_in("flood@example.jp", PASSWORD)
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn one_address_can_start_only_so_many_journeys(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |c| c.new_journeys_per_hour = 3).await else {
        return;
    };
    let first = app.browser();
    assert_eq!(
        first
            .post("/requests/new/topic", &[("topic", "statements")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for _ in 0..2 {
        let other = app.browser();
        other.post("/book/mode", &[("mode", "written_chat")]).await;
    }
    assert_eq!(app.count("journey_drafts").await, 3);
    // The fourth new journey within the hour is asked to wait, calmly, and nothing is kept.
    let late = app.english_browser().await;
    let refused = late
        .post(
            "/proxy/apply/customer-name",
            &[
                ("principal_full_name", "山田 花子"),
                ("principal_kana", "やまだ はなこ"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.body.contains("Please try again in a few minutes"),
        "{}",
        refused.body
    );
    assert!(refused.headers.get("retry-after").is_some());
    // Someone whose card is lost is never made to wait for what to do.
    assert!(
        refused.body.contains("href=\"/requests/new/lost-card\""),
        "{}",
        refused.body
    );
    assert_eq!(
        late.get("/requests/new/lost-card").await.status,
        StatusCode::OK
    );
    assert_eq!(app.count("journey_drafts").await, 3);
    // A journey under way goes on: its next answers are kept.
    let long = "x".repeat(60_000);
    let rejected = first
        .post("/requests/new/details", &[("details", &long)])
        .await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The over-long answer is shown back whole, but only what a question accepts is stored.
    assert!(rejected.body.contains(&long));
    let stored: Vec<yorisoi::entities::journey_draft::Model> =
        yorisoi::entities::journey_draft::Entity::find()
            .all(&app.state().db)
            .await
            .unwrap();
    let longest = stored.iter().map(|d| d.data.len()).max().unwrap();
    assert!(
        longest < 2_000 * 3 + 1_000,
        "a stored journey takes {longest} bytes"
    );
    let shorter = first
        .post("/requests/new/details", &[("details", "A short question.")])
        .await;
    assert_eq!(shorter.status, StatusCode::SEE_OTHER, "{}", shorter.body);
    // An hour later the address may start again.
    app.clock.advance(time::Duration::minutes(61));
    assert_eq!(
        late.post(
            "/proxy/apply/customer-name",
            &[
                ("principal_full_name", "山田 花子"),
                ("principal_kana", "やまだ はなこ"),
            ],
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
}

fn cache_control(page: &crate::support::Page) -> String {
    page.headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn pages_with_anything_personal_are_never_stored(app: TestApp) {
    app.open_every_day("00:00", "23:45").await;
    app.add_interpreter(
        "sato",
        &[yorisoi::domain::Qualification::WrittenChat],
        &[("00:00", "23:45")],
    )
    .await;
    let start = two_days_on(&app);
    app.book(SessionMode::WrittenChat, start, "cache@example.jp")
        .await;
    let mail = app.wait_for_dropped(1).await;
    let manage = link_in(&mail[0], &format!("{}/bookings/", app.base));
    let manage = manage.trim_start_matches(&app.base).to_owned();
    let (_, thread) = send_request(&app).await;

    let browser = app.browser();
    browser
        .post("/requests/new/topic", &[("topic", "statements")])
        .await;
    for path in [
        manage.as_str(),
        thread.as_str(),
        "/requests/new/details",
        "/requests/new/check",
        "/book/mode",
        "/book/check",
        "/proxy/apply",
        "/proxy/login",
        "/staff/login",
        "/preferences",
    ] {
        let page = browser.get(path).await;
        assert_eq!(cache_control(&page), "no-store", "{path}: {}", page.status);
    }
    let (staff, _) = app.signed_in(Role::Coordinator).await;
    for path in ["/staff", "/staff/requests", "/", "/accessibility"] {
        let page = staff.get(path).await;
        assert_eq!(cache_control(&page), "no-store", "{path} signed in");
    }
    // Only pages that say the same to everyone may be kept, and are checked again.
    for path in ["/", "/accessibility", "/policy/customer-harassment"] {
        assert_eq!(cache_control(&app.browser().get(path).await), "no-cache");
    }
    assert!(
        app.browser()
            .get("/")
            .await
            .headers
            .get("strict-transport-security")
            .is_none(),
        "plain http sends no HSTS"
    );
}

/// Noon, two days from now in the desk's zone: a time the desk (open from 00:00 to 23:45 in
/// these tests) offers whatever the hour the test runs at.
fn two_days_on(app: &TestApp) -> time::OffsetDateTime {
    crate::support::at(crate::support::today(app) + time::Duration::days(2), 12, 0)
}

/// Sends a request asking for a written-chat session; its id and thread path.
async fn send_request(app: &TestApp) -> (i64, String) {
    let sent = requests::submit::send(
        &app.uc(),
        &new_request(),
        yorisoi::domain::Lang::En,
        None,
        None,
    )
    .await
    .unwrap();
    let thread = format!("/requests/{}", sent.token.unwrap().expose());
    (sent.request.id, thread)
}

fn new_request() -> NewRequest {
    NewRequest {
        topic: Topic::Statements,
        details: "Why was I charged twice?".to_owned(),
        name: "Hanako Yamada".to_owned(),
        member_number: None,
        channel: ReplyChannel::WrittenChat,
        email: Some(yorisoi::domain::Email::parse("hanako@example.jp").unwrap()),
        fax: None,
        address: None,
    }
}

async fn https_sites_tell_browsers_to_stay_on_https(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |c| {
        c.base_url = "https://support.example.jp".to_owned();
    })
    .await
    else {
        return;
    };
    let page = app.browser().get("/").await;
    assert_eq!(
        page.headers
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
}

async fn the_booking_confirmation_is_shown_once(app: TestApp) {
    app.open_every_day("00:00", "23:45").await;
    app.add_interpreter(
        "sato",
        &[yorisoi::domain::Qualification::WrittenChat],
        &[("00:00", "23:45")],
    )
    .await;
    let browser = app.english_browser().await;
    let start = two_days_on(&app);
    let day = start
        .to_timezone(time_tz::timezones::db::asia::TOKYO)
        .date();
    let day = format!(
        "{}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
    let steps: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("/book/mode", vec![("mode", "written_chat".into())]),
        ("/book/day", vec![("day", day), ("week", "0".into())]),
        (
            "/book/time",
            vec![("start", start.unix_timestamp().to_string())],
        ),
        (
            "/book/details",
            vec![
                ("name", "Hanako Yamada".into()),
                ("email", "shared@example.jp".into()),
                ("member_number", String::new()),
                ("topic", "statements".into()),
                ("topic_other", String::new()),
                ("needs", String::new()),
            ],
        ),
    ];
    for (path, fields) in steps {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = browser.post(path, &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}: {}", page.body);
    }
    let done = browser.post("/book/check", &[]).await;
    assert_eq!(location(&done), "/book/confirmation");
    let first = browser.get("/book/confirmation").await;
    assert!(first.body.contains("shared@example.jp"));
    assert!(first.text(".panel strong").starts_with("S-"));
    // The next person at the same computer finds no booking.
    let again = browser.get("/book/confirmation").await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(!again.body.contains("shared@example.jp"));
    assert!(!again.body.contains("S-"));
    assert!(again.body.contains("confirmation email"), "{}", again.body);
    // A second press of the button still books nothing more.
    browser.post("/book/check", &[]).await;
    assert_eq!(app.count("bookings").await, 1);
}

async fn a_closed_request_starts_no_booking(app: TestApp) {
    let (id, thread) = send_request(&app).await;
    let customer = app.browser();
    assert!(
        customer
            .get(&thread)
            .await
            .body
            .contains(&format!("action=\"{thread}/book\""))
    );
    requests::staff::set_status(
        &app.uc(),
        id,
        yorisoi::domain::request::RequestStatus::Closed,
    )
    .await
    .unwrap();
    let page = customer.get(&thread).await;
    assert!(!page.body.contains(&format!("action=\"{thread}/book\"")));
    let pressed = customer.post(&format!("{thread}/book"), &[]).await;
    assert_eq!(location(&pressed), thread);
    assert_eq!(customer.cookie("yorisoi_book"), None);
    assert_eq!(app.count("journey_drafts").await, 0);
}

async fn proxy_applications_cannot_be_used_to_send_email_over_and_over(app: TestApp) {
    use yorisoi::services::limits::{APPLICATIONS_FROM_ADDRESS, APPLICATIONS_TO_EMAIL};
    use yorisoi::services::proxies::{self, ProxyError};
    let state = app.state();
    let apply = |n: u64, ip: &str, to: &str| {
        let mut a = crate::proxies::application(
            "山田 花子",
            "やまだ はなこ",
            &format!("proxy-{n}@example.jp"),
            crate::proxies::scopes(true, false, false),
            Some(to),
        );
        a.principal_email = Some(yorisoi::domain::Email::parse(to).unwrap());
        let actor = Actor::visitor(Some(ip.to_owned()));
        async move {
            proxies::apply::submit(&state.act(&actor), &a, yorisoi::domain::Lang::Ja, None).await
        }
    };
    // One address sends applications naming different people, up to the limit.
    for n in 0..APPLICATIONS_FROM_ADDRESS.max {
        apply(n, "198.51.100.1", &format!("victim-{n}@example.jp"))
            .await
            .unwrap();
    }
    let refused = apply(99, "198.51.100.1", "someone-new@example.jp").await;
    assert!(matches!(refused, Err(ProxyError::TooManyApplications)));
    // Many addresses naming one person's email reach its limit too.
    for n in 0..APPLICATIONS_TO_EMAIL.max {
        apply(100 + n, &format!("203.0.113.{n}"), "target@example.jp")
            .await
            .unwrap();
    }
    let refused = apply(200, "203.0.113.200", "target@example.jp").await;
    assert!(matches!(refused, Err(ProxyError::TooManyApplications)));
    let allowed = APPLICATIONS_FROM_ADDRESS.max + APPLICATIONS_TO_EMAIL.max;
    assert_eq!(app.count("proxy_registrations").await as u64, allowed);
    assert_eq!(
        app.count("outbox_messages").await as u64,
        allowed * 2,
        "a refused application writes no email"
    );
}

async fn a_cancelled_end_request_shows_the_year_of_birth_only(app: TestApp) {
    let browser = app.english_browser().await;
    let page = browser
        .post(
            "/proxy/revoke",
            &[
                ("reference", "P-NOSUCH"),
                ("name", "山田 花子"),
                ("birth-year", "1948"),
                ("birth-month", "3"),
                ("birth-day", "14"),
                ("note", ""),
            ],
        )
        .await;
    assert!(
        page.status == StatusCode::SEE_OTHER || page.status == StatusCode::OK,
        "{}: {}",
        page.status,
        page.body
    );
    let (staff, _) = app.signed_in(Role::Coordinator).await;
    let list = staff.get("/staff/proxies/end-requests").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("山田 花子"), "{}", list.body);
    assert!(list.body.contains("1948"));
    assert!(
        !list.body.contains("1948-03-14"),
        "the full date of birth is shown"
    );
}

/// Asserts the page is the 500 page with its request id, and shows none of `hidden`.
fn the_500_page(page: &crate::support::Page, what: &str, hidden: &[&str]) {
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "{what}");
    assert_eq!(
        page.texts("h1"),
        vec!["Sorry, something went wrong"],
        "{what}"
    );
    assert_eq!(page.text(".request-id").len(), 16, "{what}: a request id");
    for text in hidden {
        assert!(!page.body.contains(text), "{what} shows {text:?}");
    }
}

async fn an_unknown_stored_value_is_the_500_page_never_a_default(app: TestApp) {
    use yorisoi::domain::Lang::En;
    use yorisoi::domain::Qualification::WrittenChat;
    use yorisoi::i18n::{mode_name, t};
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("sato", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let day = crate::support::today(&app) + time::Duration::days(2);
    let booked = app
        .book(
            SessionMode::WrittenChat,
            crate::support::at(day, 10, 0),
            "hanako@example.jp",
        )
        .await;
    let (staff, _) = app.signed_in(Role::Coordinator).await;
    let english = [("accept-language", "en")];
    let session = format!("/staff/sessions/{}", booked.booking.id);
    let manage = format!("/bookings/{}", booked.manage_token.expose());
    assert_eq!(
        staff.get_with(&session, &english).await.status,
        StatusCode::OK
    );

    // A mode written by hand that no code knows: neither staff nor the customer are shown
    // the session as a written chat, the default the pages once fell back to.
    app.sql(&format!(
        "UPDATE bookings SET mode = 'carrier_pigeon' WHERE id = {}",
        booked.booking.id
    ))
    .await;
    let chat = mode_name(En, SessionMode::WrittenChat);
    let hidden = ["carrier_pigeon", chat, "Test Customer"];
    let page = staff.get_with(&session, &english).await;
    the_500_page(&page, "the staff page of the session", &hidden);
    let page = app.browser().get_with(&manage, &english).await;
    the_500_page(&page, "the manage page", &hidden);

    // Nor is a request whose status no code knows shown as a new one.
    let (id, _) = send_request(&app).await;
    let queue = "/staff/requests";
    assert_eq!(staff.get_with(queue, &english).await.status, StatusCode::OK);
    app.sql(&format!(
        "UPDATE support_requests SET status = 'mislaid' WHERE id = {id}"
    ))
    .await;
    let page = staff.get_with(&format!("{queue}/{id}"), &english).await;
    let details = new_request().details;
    let new = t(En, "requests.status.new");
    the_500_page(&page, "the request's page", &["mislaid", &details, new]);
}
