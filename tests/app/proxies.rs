//! Senior Support: the application journey, the verification gate, activation, the
//! proxy's portal with scope and isolation on every proxy route, booking for a customer,
//! revocation (by staff, by the proxy, at the customer's request) and expiry.

use crate::db_tests;
use crate::support::{
    Browser, PASSWORD, Page, TOKYO, TestApp, at, choose_session, link_in, see_other, text_of,
    tomorrow,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Date, Duration};
use time_tz::OffsetDateTimeExt;
use yorisoi::domain::proxy::{Application, ConsentMethod, IdDocument, Relationship, Scopes};
use yorisoi::domain::schedule::SessionMode::SignLanguageVideo;
use yorisoi::domain::{Email, Lang, Role};
use yorisoi::entities::{audit_event, booking, proxy_registration};
use yorisoi::services::proxies::review::Person;
use yorisoi::services::proxies::{self, Registration};
use yorisoi::web::{Access, routes};

pub(crate) fn scopes(ask: bool, book: bool, procedures: bool) -> Scopes {
    Scopes {
        ask,
        book,
        procedures,
    }
}

/// An application for the customer `kana` (born 1941-03-09) by the proxy at `proxy_email`.
pub(crate) fn application(
    customer: &str,
    kana: &str,
    proxy_email: &str,
    scope: Scopes,
    customer_email: Option<&str>,
) -> Application {
    Application {
        principal_full_name: customer.to_owned(),
        principal_kana: kana.to_owned(),
        principal_birth_date: Date::from_calendar_date(1941, time::Month::March, 9).unwrap(),
        principal_member_number: Some("AB12345".to_owned()),
        principal_address: "東京都千代田区千代田1-1".to_owned(),
        principal_email: customer_email.map(|e| Email::parse(e).unwrap()),
        proxy_full_name: format!("Proxy {proxy_email}"),
        proxy_kana: "だいり たろう".to_owned(),
        relationship: Relationship::Child,
        proxy_email: Email::parse(proxy_email).unwrap(),
        proxy_address: "東京都港区2-2".to_owned(),
        scopes: scope,
        consent_method: ConsentMethod::Post,
    }
}

pub(crate) async fn submitted(app: &TestApp, a: &Application) -> Registration {
    proxies::apply::submit(&app.uc(), a, Lang::En, None)
        .await
        .unwrap()
}

/// An application approved through the services, as a coordinator would.
pub(crate) async fn approved(app: &TestApp, a: &Application) -> Registration {
    let r = submitted(app, a).await;
    let uc = app.uc();
    for person in [Person::Customer, Person::Proxy] {
        proxies::review::record_document(&uc, r.id, person, IdDocument::Passport)
            .await
            .unwrap();
    }
    let today = uc.now.to_timezone(TOKYO).date();
    proxies::review::record_consent(&uc, r.id, ConsentMethod::Post, today)
        .await
        .unwrap();
    proxies::review::approve(&uc, r.id).await.unwrap()
}

/// Revokes a registration through the services, as staff would.
pub(crate) async fn revoke(app: &TestApp, id: i64, reason: &str) {
    proxies::lifecycle::revoke(&app.uc(), id, reason)
        .await
        .unwrap();
}

/// Activates the proxy account from its emailed link and signs in; a proxy whose account
/// is already active just signs in.
pub(crate) async fn proxy_browser(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let account_active = {
        let n = app
            .count(&format!(
                "proxy_accounts WHERE email = '{email}' AND password_hash IS NOT NULL"
            ))
            .await;
        n > 0
    };
    if !account_active {
        let mail = app.email_with(email, "/proxy/activate/").await;
        let path = app.link_path(&mail, "/proxy/activate/");
        assert_eq!(browser.get(&path).await.status, StatusCode::OK);
        let saved = browser
            .post(
                &path,
                &[
                    ("new_password", PASSWORD),
                    ("new_password_confirm", PASSWORD),
                ],
            )
            .await;
        assert_eq!(see_other(&saved), "/proxy/login?password_set=1");
    }
    let signed = browser
        .post("/proxy/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(see_other(&signed), "/proxy");
    browser
}

async fn registration(app: &TestApp, id: i64) -> Registration {
    proxy_registration::Entity::find_by_id(id)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap()
}

async fn actions_about(app: &TestApp, id: i64) -> Vec<String> {
    yorisoi::services::audit::about(&app.state().db, "proxy_registration", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

db_tests!(
    the_application_journey_sends_a_registration_and_emails,
    rejected_answers_come_back_with_what_was_typed,
    staff_approve_only_with_documents_and_consent,
    the_activation_link_works_once_and_for_seven_days,
    every_proxy_route_checks_the_registration,
    revocation_ends_access_at_once,
    expiry_and_renewal_with_the_clock_moved,
    a_proxy_books_a_session_for_the_customer,
    a_customer_has_at_most_the_configured_number_of_proxies,
);

/// The answers of every step, as a person would type them.
const STEPS: [(&str, &[(&str, &str)]); 10] = [
    (
        "customer-name",
        &[
            ("principal_full_name", "山田 花子"),
            // Half-width katakana, as some keyboards type it.
            ("principal_kana", "ﾔﾏﾀﾞ ﾊﾅｺ"),
        ],
    ),
    (
        "customer-birth",
        &[
            // The year in the Japanese era, the month and day in full-width digits.
            ("birth-year", "昭和16"),
            ("birth-month", "３"),
            ("birth-day", "９"),
        ],
    ),
    (
        "customer-address",
        &[("principal_address", "〒100-0001\n東京都千代田区千代田1-1")],
    ),
    (
        "customer-contact",
        &[
            ("principal_member_number", "ab-12345"),
            ("principal_email", "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
        ],
    ),
    (
        "proxy-name",
        &[
            ("proxy_full_name", "山田 一郎"),
            ("proxy_kana", "ヤマダ イチロウ"),
        ],
    ),
    ("relationship", &[("relationship", "child")]),
    (
        "proxy-contact",
        &[
            ("proxy_email", "ichiro@example.jp"),
            ("proxy_address", "東京都港区芝公園2-2"),
        ],
    ),
    ("scope", &[("scope", "ask"), ("scope", "book")]),
    ("consent", &[("consent_method", "video")]),
    ("declaration", &[("declaration", "yes")]),
];

async fn the_application_journey_sends_a_registration_and_emails(app: TestApp) {
    let browser = app.english_browser().await;
    let start = browser
        .get_with("/proxy/apply", &[("accept-language", "en")])
        .await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("href=\"/proxy/apply/customer-name\""));
    for (i, (step, fields)) in STEPS.iter().enumerate() {
        let page = browser.get(&format!("/proxy/apply/{step}")).await;
        assert_eq!(page.status, StatusCode::OK, "{step}");
        assert_eq!(page.texts("h1").len(), 1, "{step} has one heading");
        let back = page.attr("a.back-link", "href").unwrap();
        let expected_back = match i {
            0 => "/proxy/apply".to_owned(),
            _ => format!("/proxy/apply/{}", STEPS[i - 1].0),
        };
        assert_eq!(back, expected_back, "the back link of {step}");
        let next = see_other(&browser.post(&format!("/proxy/apply/{step}"), fields).await);
        let expected = match STEPS.get(i + 1) {
            Some((next, _)) => format!("/proxy/apply/{next}"),
            None => "/proxy/apply/check".to_owned(),
        };
        assert_eq!(next, expected, "after {step}");
    }
    let check = browser
        .get_with("/proxy/apply/check", &[("accept-language", "en")])
        .await;
    assert_eq!(check.status, StatusCode::OK);
    for shown in [
        "山田 花子",
        "9 Mar 1941",
        "山田 一郎",
        "Son or daughter",
        "ichiro@example.jp",
        "Ask questions and receive information",
        "Book sign-language and written-chat sessions",
        "In a video session with our staff",
    ] {
        assert!(check.body.contains(shown), "the check page shows {shown}");
    }
    assert!(!check.body.contains("Carry out procedures"));
    // Change links go back to each question and return here.
    assert!(
        check
            .body
            .contains("href=\"/proxy/apply/relationship?change=1\"")
    );
    let changed = browser
        .post(
            "/proxy/apply/relationship?change=1",
            &[("relationship", "grandchild")],
        )
        .await;
    assert_eq!(see_other(&changed), "/proxy/apply/check");

    let sent = browser.post("/proxy/apply/check", &[]).await;
    assert_eq!(see_other(&sent), "/proxy/apply/confirmation");
    let done = browser
        .get_with("/proxy/apply/confirmation", &[("accept-language", "en")])
        .await;
    let reference = done.text(".reference");
    assert!(reference.starts_with("P-"), "{reference}");
    assert!(done.body.contains("copy to the customer"));
    // Pressing send again sends nothing more.
    assert_eq!(
        see_other(&browser.post("/proxy/apply/check", &[]).await),
        "/proxy/apply/confirmation"
    );
    assert_eq!(app.count("proxy_registrations").await, 1);
    let r = proxies::by_reference(&app.state().db, &reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status.as_str(), "submitted");
    assert_eq!(r.relationship.as_str(), "grandchild");
    assert_eq!(r.principal_member_number.as_deref(), Some("AB12345"));
    assert_eq!(r.principal_kana, "ヤマダ ハナコ");
    assert_eq!(r.principal_birth_date, "1941-03-09");
    assert_eq!(r.principal_email.as_deref(), Some("hanako@example.jp"));
    assert!(r.scope_ask && r.scope_book && !r.scope_procedures);
    assert_eq!(r.principal_birth_date, "1941-03-09");

    let to_proxy = app.email_with("ichiro@example.jp", &reference).await;
    let body = text_of(&to_proxy);
    assert!(
        body.starts_with(&format!("Reference number: {reference}")),
        "{body}"
    );
    assert!(body.contains("山田 花子"));
    let to_customer = app.email_with("hanako@example.jp", &reference).await;
    assert!(text_of(&to_customer).contains("山田 一郎"));
    assert_eq!(actions_about(&app, r.id).await, vec!["proxy.applied"]);
}

async fn rejected_answers_come_back_with_what_was_typed(app: TestApp) {
    let browser = app.browser();
    let page = browser
        .post(
            "/proxy/apply/customer-name",
            &[
                ("principal_full_name", "山田 花子"),
                ("principal_kana", "山田"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.attr(".error-summary a", "href").as_deref(),
        Some("#principal_kana")
    );
    assert!(page.title().starts_with("エラー"), "{}", page.title());
    assert_eq!(
        page.attr("#principal_full_name", "value").as_deref(),
        Some("山田 花子")
    );
    assert_eq!(
        page.attr("#principal_kana", "value").as_deref(),
        Some("山田")
    );
    // A later step cannot be skipped to.
    assert_eq!(
        see_other(&browser.get("/proxy/apply/scope").await),
        "/proxy/apply/customer-name"
    );
    assert_eq!(
        see_other(&browser.get("/proxy/apply/check").await),
        "/proxy/apply/customer-name"
    );
    let page = browser
        .post(
            "/proxy/apply/customer-birth",
            &[
                ("birth-year", "2090"),
                ("birth-month", "2"),
                ("birth-day", "3"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("1900"), "the message says which dates");
    assert_eq!(page.attr("#birth", "value").as_deref(), Some("2090"));
    let en = browser
        .post("/proxy/apply/scope", &[("scope", "everything")])
        .await;
    assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
    let none = browser.post("/proxy/apply/declaration", &[]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        none.attr(".error-summary a", "href").as_deref(),
        Some("#declaration")
    );
    assert_eq!(app.count("proxy_registrations").await, 0);
    assert!(
        yorisoi::i18n::missing_keys().is_empty(),
        "{:?}",
        yorisoi::i18n::missing_keys()
    );
}

async fn staff_approve_only_with_documents_and_consent(app: TestApp) {
    let r = submitted(
        &app,
        &application(
            "佐藤 和子",
            "さとう かずこ",
            "proxy@example.jp",
            scopes(true, true, false),
            Some("kazuko@example.jp"),
        ),
    )
    .await;
    let (interpreter, _) = app.signed_in(Role::Interpreter).await;
    assert_eq!(
        interpreter.get("/staff/proxies").await.status,
        StatusCode::FORBIDDEN
    );
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let queue = coordinator
        .get_with("/staff/proxies", &[("accept-language", "en")])
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("born 1941"),
        "the list masks the birth date"
    );
    assert!(!queue.body.contains("1941-03-09"));
    assert!(
        !queue.body.contains("千代田1-1"),
        "the list masks the address"
    );
    let page_path = format!("/staff/proxies/{}", r.id);
    let page = coordinator
        .get_with(&page_path, &[("accept-language", "en")])
        .await;
    assert!(page.body.contains("9 Mar 1941") && page.body.contains("千代田1-1"));

    // Approval before the checks is refused, and changes nothing.
    let early = coordinator.post(&format!("{page_path}/approve"), &[]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("error-summary"));
    assert_eq!(registration(&app, r.id).await.status.as_str(), "submitted");
    let half = coordinator
        .post(
            &format!("{page_path}/documents"),
            &[("customer_document", "passport"), ("proxy_document", "")],
        )
        .await;
    assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        half.attr("#customer_document", "checked").as_deref(),
        None,
        "the first radio is not passport"
    );
    assert!(half.body.contains("value=\"passport\" checked"));
    assert!(registration(&app, r.id).await.principal_document.is_none());
    let docs = coordinator
        .post(
            &format!("{page_path}/documents"),
            &[
                ("customer_document", "my_number_card"),
                ("proxy_document", "driving_licence"),
            ],
        )
        .await;
    assert_eq!(see_other(&docs), format!("{page_path}?done=documents"));
    assert_eq!(
        registration(&app, r.id).await.status.as_str(),
        "under_review"
    );
    let future = coordinator
        .post(
            &format!("{page_path}/consent"),
            &[
                ("consent_how", "post"),
                ("consent_on-year", "2999"),
                ("consent_on-month", "1"),
                ("consent_on-day", "1"),
            ],
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    let today = app.state().now().to_timezone(TOKYO).date();
    let consent = coordinator
        .post(
            &format!("{page_path}/consent"),
            &[
                ("consent_how", "counter"),
                ("consent_on-year", &today.year().to_string()),
                ("consent_on-month", &u8::from(today.month()).to_string()),
                ("consent_on-day", &today.day().to_string()),
            ],
        )
        .await;
    assert_eq!(see_other(&consent), format!("{page_path}?done=consent"));
    let approve = coordinator.post(&format!("{page_path}/approve"), &[]).await;
    assert_eq!(see_other(&approve), format!("{page_path}?done=approved"));
    let r2 = registration(&app, r.id).await;
    assert_eq!(r2.status.as_str(), "approved");
    let until = r2.valid_until.unwrap();
    assert_eq!(until.year(), app.state().now().year() + 3, "three years");
    assert!(r2.proxy_account_id.is_some());
    // The proxy is sent an activation link; the customer is told.
    app.email_with("proxy@example.jp", "/proxy/activate/").await;
    // She is told how to end it, by a link that opens the ending form.
    let told = app
        .email_with("kazuko@example.jp", "is now your proxy")
        .await;
    assert_eq!(app.link_path(&told, "/proxy/revoke"), "/proxy/revoke");
    assert_eq!(
        actions_about(&app, r.id).await,
        vec![
            "proxy.applied",
            "proxy.document_recorded",
            "proxy.document_recorded",
            "proxy.consent_recorded",
            "proxy.approved"
        ]
    );

    // Another application is turned down with a reason, told in plain words.
    let other = submitted(
        &app,
        &application(
            "鈴木 一",
            "すずき はじめ",
            "other@example.jp",
            scopes(true, false, false),
            None,
        ),
    )
    .await;
    let path = format!("/staff/proxies/{}/reject", other.id);
    let empty = coordinator.post(&path, &[("reason", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "We could not reach the customer to confirm.";
    assert!(
        see_other(&coordinator.post(&path, &[("reason", reason)]).await)
            .ends_with("?done=rejected")
    );
    assert_eq!(
        registration(&app, other.id).await.status.as_str(),
        "rejected"
    );
    app.email_with("other@example.jp", reason).await;
}

async fn the_activation_link_works_once_and_for_seven_days(app: TestApp) {
    let r = approved(
        &app,
        &application(
            "高橋 節子",
            "たかはし せつこ",
            "setsuko-son@example.jp",
            scopes(true, true, false),
            None,
        ),
    )
    .await;
    let mail = app
        .email_with("setsuko-son@example.jp", "/proxy/activate/")
        .await;
    let link = link_in(&mail, &app.base);
    let path = link.trim_start_matches(&app.base).to_owned();
    let browser = app.browser();
    let mismatch = browser
        .post(
            &path,
            &[
                ("new_password", PASSWORD),
                ("new_password_confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = browser
        .post(
            &path,
            &[
                ("new_password", PASSWORD),
                ("new_password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(see_other(&saved), "/proxy/login?password_set=1");
    assert_eq!(
        browser.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "once only"
    );
    let signed = browser
        .post(
            "/proxy/login",
            &[("email", "setsuko-son@example.jp"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(see_other(&signed), "/proxy");
    let portal = browser
        .get_with("/proxy", &[("accept-language", "en")])
        .await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(portal.body.contains("高橋 節子") && portal.body.contains(&r.reference));
    assert!(
        portal
            .body
            .contains("Book sign-language and written-chat sessions")
    );
    let out = browser.post("/proxy/logout", &[]).await;
    assert_eq!(see_other(&out), "/proxy/login?signed_out=1");
    assert!(see_other(&browser.get("/proxy").await).starts_with("/proxy/login?next="));

    // A link not used within seven days no longer works.
    approved(
        &app,
        &application(
            "高橋 節子",
            "たかはし せつこ",
            "setsuko-daughter@example.jp",
            scopes(true, false, false),
            None,
        ),
    )
    .await;
    let mail = app
        .email_with("setsuko-daughter@example.jp", "/proxy/activate/")
        .await;
    let late = link_in(&mail, &app.base);
    app.clock.advance(Duration::days(8));
    let page = app.browser().get(late.trim_start_matches(&app.base)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Ten wrong passwords pause the proxy's sign-in, with the time to try again.
    let stranger = app.browser();
    for _ in 0..9 {
        let wrong = stranger
            .post(
                "/proxy/login",
                &[
                    ("email", "setsuko-son@example.jp"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let paused = stranger
        .post(
            "/proxy/login",
            &[
                ("email", "setsuko-son@example.jp"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(paused.headers.contains_key("retry-after"));
    // Staff sign-in with the same address is not paused by a proxy's failures.
    let staff = app.browser();
    app.create_staff("setsuko-son@example.jp", Role::Coordinator)
        .await;
    let fine = staff.sign_in("setsuko-son@example.jp", PASSWORD).await;
    assert_eq!(see_other(&fine), "/staff");
}

async fn send(browser: &Browser, method: &str, path: &str) -> Page {
    if method == "GET" {
        browser.get(path).await
    } else {
        browser.post(path, &[]).await
    }
}

/// What a proxy route answers for each kind of registration.
struct Expect {
    own: u16,
    out_of_scope: u16,
    expired: u16,
    revoked: u16,
}

fn expectations(path: &str, method: &str) -> Option<Expect> {
    let e = |own, out_of_scope, expired, revoked| {
        Some(Expect {
            own,
            out_of_scope,
            expired,
            revoked,
        })
    };
    match (method, path) {
        ("GET", "/proxy/customers/{id}") => e(200, 200, 200, 200),
        ("POST", "/proxy/customers/{id}/book") => e(303, 403, 403, 403),
        ("POST", "/proxy/customers/{id}/sessions/{booking_id}/manage") => e(303, 403, 403, 403),
        ("POST", "/proxy/customers/{id}/sessions/{booking_id}/chat") => e(303, 403, 403, 403),
        ("GET", "/proxy/customers/{id}/step-down") => e(200, 200, 403, 403),
        // Stepping down is tried last, so the others still find the registration.
        ("POST", "/proxy/customers/{id}/step-down") => e(303, 303, 403, 403),
        ("POST", "/proxy/customers/{id}/renew") => e(303, 303, 303, 303),
        ("POST", "/proxy/customers/{id}/ask") => e(303, 403, 403, 403),
        ("GET", "/proxy/customers/{id}/requests/{request_id}") => e(200, 403, 403, 403),
        // An empty message is refused with the thread shown again.
        ("POST", "/proxy/customers/{id}/requests/{request_id}") => e(422, 403, 403, 403),
        ("POST", "/proxy/customers/{id}/requests/{request_id}/book") => e(303, 403, 403, 403),
        // How registering went: asked of an active registration; an empty form is refused.
        ("GET", "/proxy/customers/{id}/feedback/{about}") => e(200, 200, 403, 403),
        ("POST", "/proxy/customers/{id}/feedback/{about}") => e(422, 422, 403, 403),
        _ => None,
    }
}

async fn every_proxy_route_checks_the_registration(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter(
        "sato",
        &[yorisoi::domain::Qualification::WrittenChat],
        &[("09:00", "17:00")],
    )
    .await;
    let me = "me@example.jp";
    let own = approved(
        &app,
        &application(
            "本人 一",
            "ほんにん はじめ",
            me,
            scopes(true, true, false),
            None,
        ),
    )
    .await;
    // Activated before the other approvals, which then email no new link.
    proxy_browser(&app, me).await;
    let narrow = approved(
        &app,
        &application(
            "本人 二",
            "ほんにん じろう",
            me,
            scopes(false, false, true),
            None,
        ),
    )
    .await;
    let expired = approved(
        &app,
        &application(
            "本人 三",
            "ほんにん さぶろう",
            me,
            scopes(true, true, true),
            None,
        ),
    )
    .await;
    let revoked = approved(
        &app,
        &application(
            "本人 四",
            "ほんにん しろう",
            me,
            scopes(true, true, true),
            None,
        ),
    )
    .await;
    let foreign = approved(
        &app,
        &application(
            "他人 五",
            "たにん ごろう",
            "someone-else@example.jp",
            scopes(true, true, true),
            None,
        ),
    )
    .await;
    let state = app.state();
    // Its end date passed (the expiry job has not run yet).
    proxy_registration::Entity::update_many()
        .col_expr(
            proxy_registration::Column::ValidUntil,
            sea_orm::sea_query::Expr::value(state.now() - Duration::days(1)),
        )
        .filter(proxy_registration::Column::Id.eq(expired.id))
        .exec(&state.db)
        .await
        .unwrap();
    revoke(&app, revoked.id, "test").await;
    // A session booked under each registration, for the manage route.
    let tomorrow = tomorrow(&app);
    let mut sessions = std::collections::HashMap::new();
    for (i, r) in [&own, &narrow, &expired, &revoked, &foreign]
        .iter()
        .enumerate()
    {
        let start = at(tomorrow, 9 + i as u8, 0);
        let b = app
            .book(
                yorisoi::domain::schedule::SessionMode::WrittenChat,
                start,
                me,
            )
            .await;
        app.sql(&format!(
            "UPDATE bookings SET proxy_registration_id = {} WHERE id = {}",
            r.id, b.booking.id
        ))
        .await;
        sessions.insert(r.id, b.booking.id);
    }
    // A request sent under each registration, for the thread routes.
    let mut asked = std::collections::HashMap::new();
    for r in [&own, &narrow, &expired, &revoked, &foreign] {
        let sent = yorisoi::services::requests::submit::send(
            &app.uc(),
            &yorisoi::domain::request::NewRequest {
                topic: yorisoi::domain::request::Topic::Points,
                details: format!("A question for {}", r.principal_full_name),
                name: r.principal_full_name.clone(),
                member_number: None,
                channel: yorisoi::domain::request::ReplyChannel::WrittenChat,
                email: Some(Email::parse(me).unwrap()),
                fax: None,
                address: None,
            },
            Lang::Ja,
            Some(&yorisoi::services::requests::submit::ProxySender {
                proxy_id: r.proxy_account_id.unwrap_or_default(),
                registration_id: r.id,
            }),
            None,
        )
        .await
        .unwrap();
        asked.insert(r.id, sent.request.id);
    }
    // Signed in after the revocation, which ended the proxy's sessions.
    let browser = proxy_browser(&app, me).await;
    let anonymous = app.browser();

    let mut routes: Vec<_> = routes::table()
        .into_iter()
        .filter(|r| r.access == Access::Proxy)
        .collect();
    // Stepping down last.
    routes.sort_by_key(|r| r.path.ends_with("step-down") && r.method == "POST");
    let mut walked = 0;
    for route in routes {
        let method = route.method.as_str();
        if !route.path.contains("{id}") {
            // `/proxy` and sign-out: anonymous visitors are sent to sign in.
            let page = send(&anonymous, method, route.path).await;
            assert!(
                see_other(&page).starts_with("/proxy/login"),
                "anonymous {method} {}",
                route.path
            );
            continue;
        }
        let expect = expectations(route.path, method)
            .unwrap_or_else(|| panic!("no expectations for {method} {}", route.path));
        let path_for = |r: &Registration| {
            route
                .path
                .replace("{id}", &r.id.to_string())
                .replace("{booking_id}", &sessions[&r.id].to_string())
                .replace("{request_id}", &asked[&r.id].to_string())
                .replace("{about}", "registration")
        };
        let anon = send(&anonymous, method, &path_for(&own)).await;
        assert!(
            see_other(&anon).starts_with("/proxy/login?next="),
            "anonymous {method} {}",
            route.path
        );
        let foreign_page = send(&browser, method, &path_for(&foreign)).await;
        assert_eq!(
            foreign_page.status,
            StatusCode::NOT_FOUND,
            "foreign {method} {}",
            route.path
        );
        assert!(
            !foreign_page.body.contains("他人 五"),
            "nothing of another customer is shown"
        );
        for (r, status, what) in [
            (&expired, expect.expired, "expired"),
            (&revoked, expect.revoked, "revoked"),
            (&narrow, expect.out_of_scope, "out of scope"),
            (&own, expect.own, "own"),
        ] {
            let page = send(&browser, method, &path_for(r)).await;
            assert_eq!(
                page.status.as_u16(),
                status,
                "{what} {method} {}: {}",
                route.path,
                page.body.chars().take(300).collect::<String>()
            );
            walked += 1;
        }
    }
    assert!(walked >= 6 * 4, "every proxy route was walked ({walked})");
    // The proxy's own actions are on the record, for the customer they were for.
    let proxy_rows = audit_event::Entity::find()
        .all(&state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.actor_proxy_id.is_some() && e.action == "proxy.stepped_down")
        .count();
    assert_eq!(proxy_rows, 2, "own and out-of-scope were stepped down from");
}

async fn revocation_ends_access_at_once(app: TestApp) {
    let proxy = "revoked-proxy@example.jp";
    let r = approved(
        &app,
        &application(
            "伊藤 清",
            "いとう きよし",
            proxy,
            scopes(true, true, false),
            Some("kiyoshi@example.jp"),
        ),
    )
    .await;
    let browser = proxy_browser(&app, proxy).await;
    assert_eq!(
        browser
            .get(&format!("/proxy/customers/{}", r.id))
            .await
            .status,
        StatusCode::OK
    );
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let revoke = format!("/staff/proxies/{}/revoke", r.id);
    let empty = coordinator.post(&revoke, &[("reason", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "The customer asked us by letter.";
    see_other(&coordinator.post(&revoke, &[("reason", reason)]).await);
    // The proxy's session ended with it.
    assert!(see_other(&browser.get("/proxy").await).starts_with("/proxy/login"));
    let again = proxy_browser(&app, proxy).await;
    let page = again
        .get_with(
            &format!("/proxy/customers/{}", r.id),
            &[("accept-language", "en")],
        )
        .await;
    assert!(page.body.contains("You cannot act for this customer now"));
    assert!(!page.body.contains("Book a session for them"));
    assert_eq!(
        again
            .post(&format!("/proxy/customers/{}/book", r.id), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.email_with(proxy, reason).await;
    app.email_with("kiyoshi@example.jp", "no longer acts for you")
        .await;
    assert!(
        actions_about(&app, r.id)
            .await
            .contains(&"proxy.revoked".to_owned())
    );

    // A customer asks on the public form; staff confirm; the registration ends.
    let other = approved(
        &app,
        &application(
            "伊藤 清",
            "いとう きよし",
            "second@example.jp",
            scopes(true, false, false),
            None,
        ),
    )
    .await;
    let visitor = app.browser();
    let form = visitor.get("/proxy/revoke").await;
    assert_eq!(form.status, StatusCode::OK);
    let refused = visitor
        .post("/proxy/revoke", &[("reference", ""), ("name", "伊藤 清")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.attr("#name", "value").as_deref(), Some("伊藤 清"));
    let typed_reference = other.reference.to_lowercase().replace('-', " ");
    let sent = visitor
        .post(
            "/proxy/revoke",
            &[
                ("reference", &typed_reference),
                ("name", "イトウ キヨシ"),
                ("birth-year", "1941"),
                ("birth-month", "3"),
                ("birth-day", "9"),
            ],
        )
        .await;
    let to = see_other(&sent);
    assert!(to.starts_with("/proxy/revoke/sent?reference=E-"), "{to}");
    assert_eq!(visitor.get(&to).await.status, StatusCode::OK);
    // A request that matches nothing gets the same answer.
    let unmatched = visitor
        .post(
            "/proxy/revoke",
            &[
                ("reference", &other.reference),
                ("name", "伊藤 清"),
                ("birth-year", "1950"),
                ("birth-month", "1"),
                ("birth-day", "1"),
            ],
        )
        .await;
    assert!(see_other(&unmatched).starts_with("/proxy/revoke/sent?reference=E-"));
    let requests = coordinator
        .get_with("/staff/proxies/end-requests", &[("accept-language", "en")])
        .await;
    assert!(requests.body.contains(&other.reference));
    assert!(requests.body.contains("match no registration"));
    let open = proxies::end_requests::open_end_requests(&app.state().db)
        .await
        .unwrap();
    let matched = open
        .iter()
        .find(|q| q.registration_id == Some(other.id))
        .unwrap();
    let confirmed = coordinator
        .post(
            &format!("/staff/proxies/end-requests/{}/confirm", matched.id),
            &[],
        )
        .await;
    assert_eq!(
        see_other(&confirmed),
        "/staff/proxies/end-requests?done=confirmed"
    );
    let ended = registration(&app, other.id).await;
    assert_eq!(ended.status.as_str(), "revoked");
    assert_eq!(ended.ended_by.map(|by| by.as_str()), Some("customer"));
    let unmatched_request = open.iter().find(|q| q.registration_id.is_none()).unwrap();
    see_other(
        &coordinator
            .post(
                &format!(
                    "/staff/proxies/end-requests/{}/decline",
                    unmatched_request.id
                ),
                &[],
            )
            .await,
    );
    assert!(
        proxies::end_requests::open_end_requests(&app.state().db)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn expiry_and_renewal_with_the_clock_moved(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter(
        "suzuki",
        &[yorisoi::domain::Qualification::WrittenChat],
        &[("09:00", "17:00")],
    )
    .await;
    let proxy = "expiring@example.jp";
    let customer_email = "miyo@example.jp";
    let r = approved(
        &app,
        &application(
            "木村 美代",
            "きむら みよ",
            proxy,
            scopes(false, true, false),
            Some(customer_email),
        ),
    )
    .await;
    let browser = proxy_browser(&app, proxy).await;
    let until = r.valid_until.unwrap();
    let state = app.state();
    // Two days before the reminder window: nothing yet.
    app.clock.advance(until - state.now() - Duration::days(32));
    assert_eq!(
        proxies::expiry::send_expiry_reminders(&state.db, state.now(), &state.config)
            .await
            .unwrap(),
        0
    );
    app.clock.advance(Duration::days(3));
    assert_eq!(
        proxies::expiry::send_expiry_reminders(&state.db, state.now(), &state.config)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        proxies::expiry::send_expiry_reminders(&state.db, state.now(), &state.config)
            .await
            .unwrap(),
        0,
        "once"
    );
    app.email_with(proxy, "ends on").await;
    // Within the window the proxy can ask for renewal.
    let browser = {
        // The session idled out while the clock moved on.
        assert!(see_other(&browser.get("/proxy").await).starts_with("/proxy/login"));
        proxy_browser(&app, proxy).await
    };
    let asked = browser
        .post(&format!("/proxy/customers/{}/renew", r.id), &[])
        .await;
    assert_eq!(
        see_other(&asked),
        format!("/proxy/customers/{}?done=renewal", r.id)
    );
    assert!(
        registration(&app, r.id)
            .await
            .renewal_requested_at
            .is_some()
    );

    // Past the end date the proxy can do nothing, whether or not the expiry job ran.
    app.clock.advance(Duration::days(30));
    let browser = proxy_browser(&app, proxy).await;
    assert_eq!(
        browser
            .post(&format!("/proxy/customers/{}/book", r.id), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        proxies::expiry::expire_due(&state.db, state.now(), &state.config)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        proxies::expiry::expire_due(&state.db, state.now(), &state.config)
            .await
            .unwrap(),
        0
    );
    assert_eq!(registration(&app, r.id).await.status.as_str(), "expired");
    assert!(
        actions_about(&app, r.id)
            .await
            .contains(&"proxy.expired".to_owned())
    );
    app.email_with(proxy, "has expired").await;

    // Staff renew it: the proxy can book again.
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let renewed = coordinator
        .post(&format!("/staff/proxies/{}/renew", r.id), &[])
        .await;
    assert!(see_other(&renewed).ends_with("?done=renewed"));
    let told = app
        .email_with(customer_email, "as your proxy is renewed")
        .await;
    assert_eq!(app.link_path(&told, "/proxy/revoke"), "/proxy/revoke");
    let r = registration(&app, r.id).await;
    assert_eq!(r.status.as_str(), "approved");
    assert!(r.valid_until.unwrap() > app.state().now() + Duration::days(365 * 2));
    assert_eq!(
        see_other(
            &browser
                .post(&format!("/proxy/customers/{}/book", r.id), &[])
                .await
        ),
        "/book/mode"
    );
}

async fn a_proxy_books_a_session_for_the_customer(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter(
        "tanaka",
        &[yorisoi::domain::Qualification::SignLanguageInterpreter],
        &[("09:00", "17:00")],
    )
    .await;
    let proxy = "booking-proxy@example.jp";
    let r = approved(
        &app,
        &application(
            "中村 正",
            "なかむら ただし",
            proxy,
            scopes(true, true, false),
            Some("tadashi@example.jp"),
        ),
    )
    .await;
    let browser = proxy_browser(&app, proxy).await;
    let start = browser
        .post(&format!("/proxy/customers/{}/book", r.id), &[])
        .await;
    assert_eq!(see_other(&start), "/book/mode");
    let mode = browser
        .get_with("/book/mode", &[("accept-language", "en")])
        .await;
    assert!(
        mode.body
            .contains("You are booking for 中村 正, as their proxy.")
    );
    let tomorrow = tomorrow(&app);
    choose_session(&browser, SignLanguageVideo, at(tomorrow, 10, 0)).await;
    let details = browser.get("/book/details").await;
    assert_eq!(details.attr("#name", "value").as_deref(), Some("中村 正"));
    assert_eq!(details.attr("#email", "value").as_deref(), Some(proxy));
    assert_eq!(
        details.attr("#member_number", "value").as_deref(),
        Some("AB12345")
    );
    see_other(
        &browser
            .post(
                "/book/details",
                &[
                    ("name", "中村 正"),
                    ("email", proxy),
                    ("member_number", "AB12345"),
                    ("topic", "points"),
                    ("sign_language", "jsl"),
                    ("needs", ""),
                ],
            )
            .await,
    );
    let confirmed = browser.post("/book/check", &[]).await;
    assert_eq!(see_other(&confirmed), "/book/confirmation");
    let b = booking::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(b.proxy_registration_id, Some(r.id));
    assert_eq!(b.customer_name, "中村 正");
    assert_eq!(b.email, proxy);
    assert_eq!(b.copy_email.as_deref(), Some("tadashi@example.jp"));
    let created = audit_event::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "booking.created")
        .unwrap();
    assert_eq!(
        created.actor_proxy_id, r.proxy_account_id,
        "recorded as the proxy's act"
    );
    assert!(
        created
            .detail
            .contains(&format!("\"on_behalf_of_registration\":{}", r.id))
    );
    let confirmation = app.email_with(proxy, &b.reference).await;
    assert!(text_of(&confirmation).contains("中村 正"));
    assert!(
        text_of(&confirmation).contains("/bookings/"),
        "with the manage link"
    );
    let copy = app.email_with("tadashi@example.jp", &b.reference).await;
    assert!(text_of(&copy).contains(&format!("Proxy {proxy}")));
    assert!(
        !text_of(&copy).contains("/bookings/"),
        "the copy has no manage link"
    );

    // The portal lists it and opens its manage page.
    let page = browser.get(&format!("/proxy/customers/{}", r.id)).await;
    assert!(page.body.contains(&b.reference));
    let manage = browser
        .post(
            &format!("/proxy/customers/{}/sessions/{}/manage", r.id, b.id),
            &[],
        )
        .await;
    let link = see_other(&manage);
    assert!(link.starts_with("/bookings/"));
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);

    // A journey begun before the registration was revoked books nothing after.
    see_other(
        &browser
            .post(&format!("/proxy/customers/{}/book", r.id), &[])
            .await,
    );
    choose_session(&browser, SignLanguageVideo, at(tomorrow, 11, 0)).await;
    see_other(
        &browser
            .post(
                "/book/details",
                &[
                    ("name", "中村 正"),
                    ("email", proxy),
                    ("topic", "points"),
                    ("sign_language", "jsl"),
                ],
            )
            .await,
    );
    revoke(&app, r.id, "ended").await;
    let again = proxy_browser(&app, proxy).await;
    let refused = again.post("/book/check", &[]).await;
    assert!(
        refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::SEE_OTHER,
        "{}",
        refused.status
    );
    assert_eq!(app.count("bookings").await, 1, "nothing more was booked");
    // The emailed manage link stops working with the registration.
    let gone = app.browser().get(&link).await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN);
}

async fn a_customer_has_at_most_the_configured_number_of_proxies(app: TestApp) {
    for n in 0..3 {
        approved(
            &app,
            &application(
                "渡辺 幸",
                "わたなべ さち",
                &format!("p{n}@example.jp"),
                scopes(true, false, false),
                None,
            ),
        )
        .await;
    }
    let fourth = submitted(
        &app,
        &application(
            "渡辺 幸",
            "ワタナベ サチ",
            "p3@example.jp",
            scopes(true, false, false),
            None,
        ),
    )
    .await;
    let uc = app.uc();
    for person in [Person::Customer, Person::Proxy] {
        proxies::review::record_document(&uc, fourth.id, person, IdDocument::Passport)
            .await
            .unwrap();
    }
    let today = uc.now.to_timezone(TOKYO).date();
    proxies::review::record_consent(&uc, fourth.id, ConsentMethod::Video, today)
        .await
        .unwrap();
    let coordinator = app.english_staff(Role::Coordinator).await;
    let refused = coordinator
        .post(&format!("/staff/proxies/{}/approve", fourth.id), &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("already has 3 active proxies"),
        "{}",
        refused.body
    );
    // An admin allows four.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let bad = admin
        .post(
            "/staff/settings/proxies",
            &[("validity_years", "3"), ("max_active", "none")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.attr("#max_active", "value").as_deref(), Some("none"));
    let saved = admin
        .post(
            "/staff/settings/proxies",
            &[("validity_years", "3"), ("max_active", "4")],
        )
        .await;
    assert_eq!(see_other(&saved), "/staff/settings/proxies?saved=1");
    let approved = coordinator
        .post(&format!("/staff/proxies/{}/approve", fourth.id), &[])
        .await;
    assert!(see_other(&approved).ends_with("?done=approved"));
}
