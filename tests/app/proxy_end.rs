//! When a proxy's registration ends, what the proxy did for the customer is hers: the desk
//! writes about it to her (or, when she has no email address, staff are told to reach her
//! by post), never again to the proxy; she holds links of her own; and while the
//! registration was active she was sent a copy of each thing done in her name.

use crate::proxies::{approved, proxy_browser};
use crate::smtp::Receiver;
use crate::support::{
    Backend, Browser, PASSWORD, TestApp, addressed_to, at, choose_session, link_in, see_other,
    subject_of, text_of, today,
};
use crate::{backend_tests, db_tests};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Date, Duration, OffsetDateTime};
use yorisoi::domain::booking::DetailsForm;
use yorisoi::domain::proxy::{
    Application, ConsentMethod, RegistrationStatus, Relationship, Scopes,
};
use yorisoi::domain::request::{NewRequest, ReplyChannel, Topic};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Email, Lang, Qualification, Role};
use yorisoi::entities::proxy_registration;
use yorisoi::services::proxies::{self, Registration};
use yorisoi::services::{Actor, booking, requests};

const PROXY: &str = "yumi@example.jp";
const CUSTOMER: &str = "hanako@example.jp";

/// Sato Yumi's application to ask and book for her mother, Sato Hanako.
fn application(customer_email: Option<&str>) -> Application {
    Application {
        principal_full_name: "Sato Hanako".to_owned(),
        principal_kana: "さとう はなこ".to_owned(),
        principal_birth_date: Date::from_calendar_date(1941, time::Month::March, 9).unwrap(),
        principal_member_number: Some("AB12345".to_owned()),
        principal_address: "〒100-0001\n東京都千代田区千代田1-1".to_owned(),
        principal_email: customer_email.map(|e| Email::parse(e).unwrap()),
        proxy_full_name: "Sato Yumi".to_owned(),
        proxy_kana: "さとう ゆみ".to_owned(),
        relationship: Relationship::Child,
        proxy_email: Email::parse(PROXY).unwrap(),
        proxy_address: "東京都港区芝公園2-2".to_owned(),
        scopes: Scopes {
            ask: true,
            book: true,
            procedures: false,
        },
        consent_method: ConsentMethod::Post,
    }
}

/// Two written-chat interpreters, the desk open every day; their ids.
async fn desk(app: &TestApp) -> (i64, i64) {
    app.open_every_day("09:00", "17:00").await;
    let first = app
        .add_interpreter("kato", &[Qualification::WrittenChat], &[("09:00", "17:00")])
        .await;
    let second = app
        .add_interpreter("mori", &[Qualification::WrittenChat], &[("09:00", "17:00")])
        .await;
    (first, second)
}

/// Waits until every email written so far has been delivered.
async fn settled(app: &TestApp) {
    for _ in 0..400 {
        if app.count("outbox_messages WHERE status <> 'sent'").await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("emails still waiting to be sent");
}

async fn sign_in(browser: &Browser) -> crate::support::Page {
    browser
        .post("/proxy/login", &[("email", PROXY), ("password", PASSWORD)])
        .await
}

backend_tests!(the_customer_carries_on_when_she_ends_her_proxy);
db_tests!(
    a_customer_without_email_is_reached_by_post,
    an_expired_registration_hands_the_session_back,
);

/// The acceptance walk: a proxy asks and books for the customer, who gets copies; she
/// ends the registration and staff confirm; the desk answers and changes the session;
/// she gets both, with links of her own that work, and the proxy gets nothing more.
async fn the_customer_carries_on_when_she_ends_her_proxy(backend: Backend) {
    let receiver = Receiver::start().await;
    let url = receiver.url();
    let Some(app) = TestApp::spawn(backend, |c| {
        c.smtp_url = Some(url);
        c.desk_email = Some(DESK_ADDRESS.to_owned());
    })
    .await
    else {
        return;
    };
    let (first, second) = desk(&app).await;
    let r = approved(&app, &application(Some(CUSTOMER))).await;

    // The proxy sets up their account from the emailed link and signs in.
    let activation = receiver.email_with(PROXY, "/proxy/activate/").await;
    let proxy = app.browser();
    let activate = app.path_of(&link_in(&activation.data, &app.base));
    see_other(
        &proxy
            .post(
                &activate,
                &[
                    ("new_password", PASSWORD),
                    ("new_password_confirm", PASSWORD),
                ],
            )
            .await,
    );
    assert_eq!(see_other(&sign_in(&proxy).await), "/proxy");

    // A request for the customer; its pages say for whom the proxy is sending.
    see_other(
        &proxy
            .post(&format!("/proxy/customers/{}/ask", r.id), &[])
            .await,
    );
    let topic = proxy
        .get_with("/requests/new/topic", &[("accept-language", "en")])
        .await;
    assert!(
        topic
            .body
            .contains("You are sending for Sato Hanako, as their proxy."),
        "{}",
        topic.text(".acting-for")
    );
    assert!(!topic.body.contains("You are booking for"));
    let asked = "Please check my mother's November statement: one payment shows twice.";
    for (path, fields) in [
        ("/requests/new/topic", vec![("topic", "statements")]),
        ("/requests/new/details", vec![("details", asked)]),
        (
            "/requests/new/about-you",
            vec![("name", "Sato Hanako"), ("member_number", "AB12345")],
        ),
        ("/requests/new/reply", vec![("channel", "email")]),
        ("/requests/new/contact", vec![("email", PROXY)]),
    ] {
        see_other(&proxy.post(path, &fields).await);
    }
    see_other(&proxy.post("/requests/new/check", &[]).await);
    let q = requests::thread::under_registration(&app.state().db, r.id)
        .await
        .unwrap()
        .remove(0);

    // A session for the customer; booking pages keep saying "booking for".
    see_other(
        &proxy
            .post(&format!("/proxy/customers/{}/book", r.id), &[])
            .await,
    );
    let mode = proxy
        .get_with("/book/mode", &[("accept-language", "en")])
        .await;
    assert!(
        mode.body
            .contains("You are booking for Sato Hanako, as their proxy.")
    );
    let day = today(&app) + Duration::days(2);
    choose_session(&proxy, SessionMode::WrittenChat, at(day, 10, 0)).await;
    see_other(
        &proxy
            .post(
                "/book/details",
                &[
                    ("name", "Sato Hanako"),
                    ("email", PROXY),
                    ("member_number", "AB12345"),
                    ("topic", "statements"),
                    ("needs", ""),
                ],
            )
            .await,
    );
    assert_eq!(
        see_other(&proxy.post("/book/check", &[]).await),
        "/book/confirmation"
    );
    let b = booking::queries::under_registration(&app.state().db, r.id)
        .await
        .unwrap()
        .remove(0);

    // The customer is sent a copy of each, at the time, in her language (the
    // registration's: English), greeting her, naming the proxy, saying how to object.
    let copy = receiver.email_with(CUSTOMER, &q.reference).await;
    let copy_text = text_of(&copy.data);
    assert!(subject_of(&copy.data).contains("Your proxy sent us a request for you"));
    assert!(copy_text.contains("Hello Sato Hanako,"), "{copy_text}");
    assert!(copy_text.contains("Sato Yumi sent us this request for you"));
    assert!(copy_text.contains(asked), "the copy says what was asked");
    assert!(copy_text.contains("If you did not want Sato Yumi to do this"));
    assert!(copy_text.contains(&format!("{}/proxy/revoke", app.base)));
    assert!(copy_text.contains(&r.reference));
    let session_copy = receiver.email_with(CUSTOMER, &b.reference).await;
    let session_text = text_of(&session_copy.data);
    assert!(session_text.contains("Hello Sato Hanako,"));
    assert!(session_text.contains("Sato Yumi booked this session for you"));
    assert!(session_text.contains("If you did not want Sato Yumi to do this"));
    assert!(!session_text.contains("/bookings/"), "no manage link yet");
    // The proxy's own emails greet the proxy, in the language they used (Japanese).
    let acknowledged = text_of(&receiver.email_with(PROXY, &q.reference).await.data);
    assert!(acknowledged.contains("Sato Yumi 様"), "{acknowledged}");
    assert!(!acknowledged.contains("Sato Hanako 様"));
    assert!(acknowledged.contains(&format!("/proxy/customers/{}/requests/{}", r.id, q.id)));
    let confirmation = receiver.email_with(PROXY, &b.reference).await;
    assert!(
        text_of(&confirmation.data).contains("Sato Yumi 様"),
        "{}",
        text_of(&confirmation.data)
    );
    let proxy_manage = app.link_path(&confirmation.data, "/bookings/");
    assert_eq!(proxy.get(&proxy_manage).await.status, StatusCode::OK);

    // The customer ends the registration; staff confirm it.
    let visitor = app.browser();
    see_other(
        &visitor
            .post(
                "/proxy/revoke",
                &[
                    ("reference", &r.reference),
                    ("name", "Sato Hanako"),
                    ("birth-year", "1941"),
                    ("birth-month", "3"),
                    ("birth-day", "9"),
                ],
            )
            .await,
    );
    let coordinator = app.english_staff(Role::Coordinator).await;
    let open = proxies::end_requests::open_end_requests(&app.state().db)
        .await
        .unwrap();
    see_other(
        &coordinator
            .post(
                &format!("/staff/proxies/end-requests/{}/confirm", open[0].id),
                &[],
            )
            .await,
    );
    // One sentence says who ended what, and when.
    let ended = text_of(
        &receiver
            .email_with(PROXY, "Your registration as a proxy has ended")
            .await
            .data,
    );
    assert!(
        ended.contains("Sato Hanako ended your registration as their proxy on "),
        "{ended}"
    );
    let ended_customer = text_of(
        &receiver
            .email_with(CUSTOMER, "no longer acts for you")
            .await
            .data,
    );
    assert!(
        ended_customer.contains("You ended the registration of Sato Yumi as your proxy on "),
        "{ended_customer}"
    );
    // She is given links of her own to what the proxy booked and asked.
    let handed = receiver.email_with(CUSTOMER, "Links of your own").await;
    let handed_text = text_of(&handed.data);
    assert!(handed_text.contains(&b.reference) && handed_text.contains(&q.reference));
    let own_manage = app.link_path(&handed.data, "/bookings/");
    let own_thread = app.link_path(&handed.data, "/requests/");
    assert_ne!(own_manage, proxy_manage, "a link of her own");
    let customer = app.browser();
    let page = customer.get(&own_manage).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&b.reference));
    let page = customer.get(&own_thread).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(asked));

    settled(&app).await;
    let to_proxy_before = addressed_to(&receiver.arrived(), PROXY).len();
    let outbox_to_proxy = format!("outbox_messages WHERE recipient = '{PROXY}'");
    let written_to_proxy = app.count(&outbox_to_proxy).await;

    // Staff see on the request's and the session's pages that the registration ended,
    // and where the customer is reached now.
    let request_page = coordinator.get(&format!("/staff/requests/{}", q.id)).await;
    let notice = request_page.text("#proxy-ended");
    assert!(
        notice.contains("The proxy's registration has ended"),
        "{notice}"
    );
    assert!(notice.contains(CUSTOMER));
    let session_page = coordinator.get(&format!("/staff/sessions/{}", b.id)).await;
    assert!(session_page.text("#proxy-ended").contains(&r.reference));
    assert!(session_page.text("#proxy-ended").contains(CUSTOMER));

    // The desk answers the request and gives the session to another interpreter.
    let answer = "We checked the statement: the payment was taken only once.";
    see_other(
        &coordinator
            .post(
                &format!("/staff/requests/{}/reply", q.id),
                &[("reply", answer)],
            )
            .await,
    );
    let other = if b.interpreter_id == first {
        second
    } else {
        first
    };
    see_other(
        &coordinator
            .post(
                &format!("/staff/sessions/{}/reassign", b.id),
                &[("interpreter", &other.to_string())],
            )
            .await,
    );

    // The customer gets the answer, with a thread link of her own that shows it.
    let reply = receiver.email_with(CUSTOMER, answer).await;
    let reply_text = text_of(&reply.data);
    assert!(reply_text.contains("Hello Sato Hanako,"));
    assert!(reply_text.contains("Sato Yumi sent this request for you as your proxy"));
    let thread = customer
        .get(&app.link_path(&reply.data, "/requests/"))
        .await;
    assert_eq!(thread.status, StatusCode::OK);
    assert!(thread.body.contains(answer));
    // And the change to the session, with a manage link of her own that works.
    let changed = receiver.email_with(CUSTOMER, "new interpreter").await;
    assert!(
        text_of(&changed.data).contains("Sato Yumi booked this session for you as your proxy.")
    );
    let manage = customer
        .get(&app.link_path(&changed.data, "/bookings/"))
        .await;
    assert_eq!(manage.status, StatusCode::OK);
    assert!(manage.body.contains(&b.reference));

    // The proxy was sent nothing more.
    settled(&app).await;
    let arrived = receiver.arrived();
    let now_to_proxy = addressed_to(&arrived, PROXY);
    assert_eq!(
        now_to_proxy.len(),
        to_proxy_before,
        "{:?}",
        now_to_proxy
            .iter()
            .map(|a| subject_of(&a.data))
            .collect::<Vec<_>>()
    );
    assert_eq!(app.count(&outbox_to_proxy).await, written_to_proxy);

    // The proxy's old links answer as before, showing nothing of the customer's affairs.
    let gone = proxy.get(&proxy_manage).await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN);
    assert!(!gone.body.contains(&b.reference) && !gone.body.contains("Sato Hanako"));
    assert_eq!(see_other(&sign_in(&proxy).await), "/proxy");
    let old_thread = proxy
        .get(&format!("/proxy/customers/{}/requests/{}", r.id, q.id))
        .await;
    assert_eq!(old_thread.status, StatusCode::FORBIDDEN);
    assert!(!old_thread.body.contains(answer) && !old_thread.body.contains(asked));
    let portal = proxy
        .get_with(
            &format!("/proxy/customers/{}", r.id),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(!portal.body.contains(&b.reference) && !portal.body.contains(&q.reference));
    assert!(portal.body.contains("You were allowed to"));

    // Every email of the walk has a written way back: replies reach the desk, and the text
    // ends with the page to write on (the thread, the portal's thread, or a new request).
    let every = receiver.arrived();
    assert!(every.len() >= 6, "{} emails", every.len());
    for mail in &every {
        let parsed = mail.parsed();
        let about = subject_of(&mail.data);
        let reply_to = parsed
            .reply_to()
            .and_then(|r| r.first())
            .and_then(|a| a.address())
            .map(str::to_owned);
        assert_eq!(
            reply_to.as_deref(),
            Some(DESK_ADDRESS),
            "Reply-To of {about}"
        );
        let text = text_of(&mail.data);
        // A customer's or proxy's email leads to a request page; an interpreter's, to the
        // staff pages.
        let ways = [
            format!("{}/requests/", app.base),
            format!("{}/proxy/customers/", app.base),
            format!("{}/staff", app.base),
        ];
        assert!(
            ways.iter().any(|way| text.contains(way.as_str())),
            "no way back in {about}: {text}"
        );
    }
}

/// Where replies to the desk's emails go in the acceptance walk.
const DESK_ADDRESS: &str = "desk@example.jp";

/// A request sent and a session booked by the proxy, through the services.
async fn made_by_proxy(app: &TestApp, r: &Registration, start: OffsetDateTime) -> (i64, i64) {
    let state = app.state();
    let proxy_id = r.proxy_account_id.unwrap();
    let actor = Actor::proxy(proxy_id, None);
    let sent = requests::submit::send(
        &state.act(&actor),
        &NewRequest {
            topic: Topic::Points,
            details: "How many points does my mother have?".to_owned(),
            name: r.principal_full_name.clone(),
            member_number: None,
            channel: ReplyChannel::Email,
            email: Some(Email::parse(PROXY).unwrap()),
            fax: None,
            address: None,
        },
        Lang::En,
        Some(&requests::submit::ProxySender {
            proxy_id,
            registration_id: r.id,
        }),
        None,
    )
    .await
    .unwrap();
    let details = DetailsForm {
        name: r.principal_full_name.clone(),
        email: PROXY.to_owned(),
        topic: "points".to_owned(),
        ..Default::default()
    }
    .validate(SessionMode::WrittenChat)
    .unwrap();
    let booked = booking::make::confirm(
        &state.act(&actor),
        &state.calendars,
        &booking::make::NewBooking {
            mode: SessionMode::WrittenChat,
            start,
            details,
            lang: Lang::En,
            on_behalf: Some(booking::make::OnBehalf {
                proxy_id,
                registration_id: r.id,
                copy_to: r
                    .principal_email
                    .as_deref()
                    .map(|e| Email::parse(e).unwrap()),
            }),
            request_id: None,
        },
        None,
    )
    .await
    .unwrap();
    (sent.request.id, booked.booking.id)
}

/// Staff revoke a registration whose customer gave no email address: nothing about what
/// the proxy made goes to anyone by email any more, and staff are told to write by post.
async fn a_customer_without_email_is_reached_by_post(app: TestApp) {
    desk(&app).await;
    let r = approved(&app, &application(None)).await;
    let (request_id, booking_id) =
        made_by_proxy(&app, &r, at(today(&app) + Duration::days(2), 11, 0)).await;
    let coordinator = app.english_staff(Role::Coordinator).await;
    // While active, staff see the proxy gets the emails.
    let page = coordinator
        .get(&format!("/staff/requests/{request_id}"))
        .await;
    assert!(page.body.contains("Emails about it go to the proxy"));
    assert!(page.texts("#proxy-ended").is_empty());

    see_other(
        &coordinator
            .post(
                &format!("/staff/proxies/{}/revoke", r.id),
                &[("reason", "The customer reported misuse.")],
            )
            .await,
    );
    let ended = text_of(&app.email_with(PROXY, "The customer reported misuse.").await);
    assert!(
        ended.contains("The desk ended your registration as the proxy of Sato Hanako on "),
        "{ended}"
    );
    let written = app.count("outbox_messages").await;

    // The desk answers and cancels the session: nobody is emailed, and staff are told so.
    let replied = see_other(
        &coordinator
            .post(
                &format!("/staff/requests/{request_id}/reply"),
                &[("reply", "Your mother has 1,200 points.")],
            )
            .await,
    );
    let cancelled = see_other(
        &coordinator
            .post(
                &format!("/staff/sessions/{booking_id}/cancel"),
                &[("reason", "")],
            )
            .await,
    );
    for path in [replied, cancelled] {
        let page = coordinator.get(&path).await;
        assert!(
            page.text(".banner").contains("nobody was emailed"),
            "{path}"
        );
    }
    assert_eq!(
        app.count("outbox_messages").await,
        written,
        "nothing more was emailed, to the proxy or anyone"
    );
    assert!(
        app.emails_to(PROXY)
            .iter()
            .all(|raw| !text_of(raw).contains("1,200 points")),
    );

    // Both pages say the registration ended and how to reach her: by post.
    for path in [
        format!("/staff/requests/{request_id}"),
        format!("/staff/sessions/{booking_id}"),
    ] {
        let page = coordinator.get(&path).await;
        let notice = page.text("#proxy-ended");
        assert!(notice.contains("ended on"), "{path}: {notice}");
        assert!(
            notice.contains("The customer gave no email address"),
            "{path}"
        );
        assert!(notice.contains("by post"), "{path}");
        assert!(notice.contains("東京都千代田区千代田1-1"), "{path}");
    }
    // The registration's page shows the scope as what was allowed, and when it ended.
    let registration = coordinator.get(&format!("/staff/proxies/{}", r.id)).await;
    assert!(registration.body.contains("Was allowed to"));
    assert!(!registration.body.contains("What the proxy may do"));
    assert!(registration.body.contains("Ended on "));
    assert!(
        registration
            .body
            .contains("What the proxy booked and asked was handed back to the customer")
    );
    // And the proxy's portal no longer lists what is now the customer's.
    let proxy = proxy_browser(&app, PROXY).await;
    let portal = proxy
        .get_with(
            &format!("/proxy/customers/{}", r.id),
            &[("accept-language", "en")],
        )
        .await;
    assert!(portal.body.contains("You were allowed to"));
    assert!(portal.body.contains("theirs now"));
    let listed = proxy.get_with("/proxy", &[("accept-language", "en")]).await;
    assert!(listed.body.contains("You were allowed to"));
}

/// A registration past its end date: the reminder goes to the customer, with a link of her
/// own, before and after the expiry job marks it; the proxy hears only that it expired.
async fn an_expired_registration_hands_the_session_back(app: TestApp) {
    desk(&app).await;
    let r = approved(&app, &application(Some(CUSTOMER))).await;
    let start = at(today(&app) + Duration::days(4), 10, 0);
    let (_, booking_id) = made_by_proxy(&app, &r, start).await;
    let state = app.state();
    proxy_registration::Entity::update_many()
        .col_expr(
            proxy_registration::Column::ValidUntil,
            sea_orm::sea_query::Expr::value(state.now() + Duration::days(1)),
        )
        .filter(proxy_registration::Column::Id.eq(r.id))
        .exec(&state.db)
        .await
        .unwrap();
    // A day before the session the registration is past its end date, not yet marked.
    app.clock.advance(start - Duration::hours(20) - state.now());
    assert_eq!(
        booking::reminders::send_due_reminders(&state.db, state.now(), &state.config)
            .await
            .unwrap(),
        1
    );
    let reminder = app.email_with(CUSTOMER, "Reminder").await;
    let reminder_text = text_of(&reminder);
    assert!(reminder_text.contains("Hello Sato Hanako,"));
    assert!(reminder_text.contains("Their registration has ended"));
    let link = link_in(&reminder, &format!("{}/bookings/", app.base));
    let page = app.browser().get(&app.path_of(&link)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        app.emails_to(PROXY)
            .iter()
            .all(|raw| !subject_of(raw).contains("Reminder")),
        "the proxy is not reminded"
    );

    // The expiry job marks it and hands the session back. The app's own loop may be the
    // one that runs it first (its first look can come late on a busy machine): either way
    // it is done once, and marked.
    let marked_now = proxies::expiry::expire_due(&state.db, state.now(), &state.config)
        .await
        .unwrap();
    assert!(marked_now <= 1);
    let expired = proxy_registration::Entity::find_by_id(r.id)
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(expired.status, RegistrationStatus::Expired);
    let handed = app.email_with(CUSTOMER, "Links of your own").await;
    let own = link_in(&handed, &format!("{}/bookings/", app.base));
    let page = app.browser().get(&app.path_of(&own)).await;
    assert_eq!(page.status, StatusCode::OK);
    app.email_with(PROXY, "has expired").await;
    let coordinator = app.english_staff(Role::Coordinator).await;
    let page = coordinator
        .get(&format!("/staff/sessions/{booking_id}"))
        .await;
    assert!(page.text("#proxy-ended").contains(CUSTOMER));
}
