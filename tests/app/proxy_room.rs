//! A proxy in the written-chat room of a session they booked for the customer: they reach
//! it from the portal and from their manage link, write under their own name, and are shown
//! to everyone (the customer, staff, the transcript email and the request's thread) as the
//! customer's proxy. The room stops opening for them, even to read, the moment their
//! registration ends or stops covering booking sessions; from then on the room and its
//! conversation are the customer's alone.

use crate::db_tests;
use crate::proxies::{application, approved, proxy_browser, revoke, scopes};
use crate::support::{Page, TestApp, at, choose_session, see_other, text_of, tomorrow};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use yorisoi::domain::Email;
use yorisoi::domain::Lang;
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::entities::booking;
use yorisoi::i18n::{t, tf};
use yorisoi::services::proxies::Registration;

db_tests!(
    a_proxy_writes_in_the_room_as_themself,
    once_the_registration_ends_the_room_and_its_conversation_are_the_customers,
);

const CUSTOMER: &str = "山田 太郎";
const PROXY_NAME: &str = "佐藤 花子";
const CUSTOMER_EMAIL: &str = "taro@example.jp";

/// How long a live page is given to be sent something.
const SOON: std::time::Duration = std::time::Duration::from_secs(5);

/// The messages shown in a room's log: who wrote each, and what.
fn log_of(page: &Page) -> Vec<(String, String)> {
    let who = page.texts("[role=log] .thread__meta strong");
    let what = page.texts("[role=log] .thread__body");
    who.into_iter().zip(what).collect()
}

/// How a message of the proxy is labelled, in `lang`.
fn as_proxy(lang: Lang) -> String {
    tf(
        lang,
        "chat.author.proxy",
        &[("name", PROXY_NAME), ("customer", CUSTOMER)],
    )
}

/// A desk open every day with the written-chat interpreter `suzuki`, and 佐藤 花子 approved
/// (in English) to ask and book for 山田 太郎, who gave an email address.
async fn desk_and_proxy(app: &TestApp, proxy_email: &str) -> Registration {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    let mut a = application(
        CUSTOMER,
        "やまだ たろう",
        proxy_email,
        scopes(true, true, false),
        Some(CUSTOMER_EMAIL),
    );
    a.proxy_full_name = PROXY_NAME.to_owned();
    approved(app, &a).await
}

async fn a_proxy_writes_in_the_room_as_themself(app: TestApp) {
    let proxy = "hanako@example.jp";
    let r = desk_and_proxy(&app, proxy).await;
    let browser = proxy_browser(&app, proxy).await;
    browser.get("/language/en").await;

    // The proxy books a written chat for the customer from the portal.
    see_other(
        &browser
            .post(&format!("/proxy/customers/{}/book", r.id), &[])
            .await,
    );
    choose_session(
        &browser,
        SessionMode::WrittenChat,
        at(tomorrow(&app), 10, 0),
    )
    .await;
    see_other(
        &browser
            .post(
                "/book/details",
                &[
                    ("name", CUSTOMER),
                    ("email", proxy),
                    ("member_number", "AB12345"),
                    ("topic", "points"),
                    ("needs", ""),
                ],
            )
            .await,
    );
    assert_eq!(
        see_other(&browser.post("/book/check", &[]).await),
        "/book/confirmation"
    );
    let b = booking::Entity::find()
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.proxy_registration_id, Some(r.id));
    assert_eq!(b.mode, SessionMode::WrittenChat);
    let id = b.id;
    let staff = app.sign_in_as("suzuki@example.jp").await;
    staff.get("/language/en").await;
    let opened = staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);

    // The portal lists the session with the way into its room.
    let go = format!("/proxy/customers/{}/sessions/{id}/chat", r.id);
    let portal = browser.get(&format!("/proxy/customers/{}", r.id)).await;
    assert!(
        portal
            .attr(&format!("form[action=\"{go}\"]"), "method")
            .is_some(),
        "{}",
        portal.body
    );
    let room = see_other(&browser.post(&go, &[]).await);
    assert!(
        room.starts_with("/bookings/") && room.ends_with("/chat"),
        "{room}"
    );
    let page = browser.get(&room).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text("#chat-proxy"),
        tf(Lang::En, "chat.proxy.lead", &[("customer", CUSTOMER)])
    );
    assert!(
        page.body.contains(&tf(
            Lang::En,
            "chat.proxy.message_hint",
            &[("customer", CUSTOMER)]
        )),
        "{}",
        page.body
    );
    // The manage page the same link opens leads to the room too.
    let manage = browser.get(room.trim_end_matches("/chat")).await;
    assert_eq!(
        manage.attr("#chat-room", "href").as_deref(),
        Some(room.as_str())
    );

    // The proxy writes as themself; staff answer.
    let sent = browser
        .post(&room, &[("chat_message", "I am writing for my father.")])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), Some(room.as_str()));
    let staff_room = format!("/staff/sessions/{id}/chat");
    let sent = staff
        .post(
            &staff_room,
            &[("chat_message", "Thank you. How can I help?")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        app.count("chat_messages WHERE author = 'proxy' AND author_name = '佐藤 花子'")
            .await,
        1,
        "stored under the proxy's own name, as the proxy"
    );
    let expected = vec![
        (as_proxy(Lang::En), "I am writing for my father.".to_owned()),
        ("suzuki".to_owned(), "Thank you. How can I help?".to_owned()),
    ];
    assert_eq!(log_of(&browser.get(&room).await), expected);
    // Staff see who is who, in the room and on the session's page.
    assert_eq!(log_of(&staff.get(&staff_room).await), expected);
    let session = staff.get(&format!("/staff/sessions/{id}")).await;
    assert_eq!(
        session.texts("#transcript .thread__meta strong"),
        [as_proxy(Lang::En), "suzuki".to_owned()]
    );
    // In Japanese too.
    let ja = app.browser().get(&room).await;
    assert_eq!(
        log_of(&ja)[0].0,
        "佐藤 花子（山田 太郎さまの代理人）",
        "{}",
        ja.body
    );

    // Staff end the session: the conversation goes where the session's emails go, to the
    // proxy with a link of theirs to the room, and a copy to the customer without one.
    let ended = staff
        .post(&format!("/staff/sessions/{id}/chat/end"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let mail = app.email_with(proxy, "conversation").await;
    let body = text_of(&mail);
    assert!(
        body.contains(&format!("{} (", as_proxy(Lang::En))),
        "{body}"
    );
    assert!(
        body.contains(&tf(
            Lang::En,
            "email.session.for_customer",
            &[("customer", CUSTOMER)]
        )),
        "{body}"
    );
    let link = app.link_path(&mail, "/bookings/");
    assert!(link.ends_with("/chat"), "{link}");
    let read = app.english_browser().await.get(&link).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.text("#chat_state"), t(Lang::En, "chat.closed"));
    assert_eq!(log_of(&read), expected);
    let copy = app.email_with(CUSTOMER_EMAIL, "conversation").await;
    let copy_body = text_of(&copy);
    assert!(
        copy_body.contains(&format!("{} (", as_proxy(Lang::En))),
        "{copy_body}"
    );
    assert!(
        !copy_body.contains("/bookings/"),
        "the copy has no link: {copy_body}"
    );

    // The registration ends: neither of the proxy's links opens the room, even to read;
    // the portal's refusal says why, and shows nothing of the conversation.
    revoke(&app, r.id, "ended").await;
    for path in [&room, &link] {
        let refused = app.english_browser().await.get(path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(
            refused
                .body
                .contains(t(Lang::En, "portal.refused.ended_title")),
            "{}",
            refused.body
        );
        assert!(!refused.body.contains("How can I help?"));
        assert!(!refused.body.contains("I am writing for my father."));
    }
    let refused = browser.post(&room, &[("chat_message", "One more")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("chat_messages").await, 2);
}

async fn once_the_registration_ends_the_room_and_its_conversation_are_the_customers(app: TestApp) {
    use yorisoi::domain::booking::DetailsForm;
    use yorisoi::domain::request::{NewRequest, ReplyChannel, Topic};
    use yorisoi::services::booking::make;
    use yorisoi::services::requests::submit;
    let proxy = "carer@example.jp";
    let r = desk_and_proxy(&app, proxy).await;
    let proxy_id = r.proxy_account_id.unwrap();
    // The proxy asked a question for the customer and booked a written chat to answer it.
    let sent = submit::send(
        &app.uc(),
        &NewRequest {
            topic: Topic::Points,
            details: "A question about points".into(),
            name: CUSTOMER.into(),
            member_number: None,
            channel: ReplyChannel::WrittenChat,
            email: Some(Email::parse(proxy).unwrap()),
            fax: None,
            address: None,
        },
        Lang::En,
        Some(&submit::ProxySender {
            proxy_id,
            registration_id: r.id,
        }),
        None,
    )
    .await
    .unwrap();
    let mode = SessionMode::WrittenChat;
    let details = DetailsForm {
        name: CUSTOMER.into(),
        email: proxy.into(),
        topic: "points".into(),
        ..Default::default()
    }
    .validate(mode)
    .unwrap();
    let state = app.state();
    let booked = make::confirm(
        &app.uc(),
        &state.calendars,
        &make::NewBooking {
            mode,
            start: at(tomorrow(&app), 11, 0),
            details,
            lang: Lang::En,
            on_behalf: Some(make::OnBehalf {
                proxy_id,
                registration_id: r.id,
                copy_to: Some(Email::parse(CUSTOMER_EMAIL).unwrap()),
            }),
            request_id: Some(sent.request.id),
        },
        None,
    )
    .await
    .unwrap();
    let id = booked.booking.id;
    // The link the proxy was emailed opens the room for them.
    let room = format!("/bookings/{}/chat", booked.manage_token.expose());
    let staff = app.sign_in_as("suzuki@example.jp").await;
    let opened = staff
        .post(&format!("/staff/sessions/{id}/chat/open"), &[])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let carer = app.english_browser().await;
    let sent_message = carer
        .post(&room, &[("chat_message", "Hello from the carer.")])
        .await;
    assert_eq!(sent_message.status, StatusCode::SEE_OTHER);

    // A registration that no longer covers booking sessions does not open the room.
    app.sql(&format!(
        "UPDATE proxy_registrations SET scope_book = false WHERE id = {}",
        r.id
    ))
    .await;
    let refused = carer.get(&room).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused
            .body
            .contains(t(Lang::En, "portal.refused.scope_title")),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("Hello from the carer."));
    app.sql(&format!(
        "UPDATE proxy_registrations SET scope_book = true WHERE id = {}",
        r.id
    ))
    .await;
    assert_eq!(carer.get(&room).await.status, StatusCode::OK);
    // The carer's page follows the room live.
    let mut live = carer.events(&format!("{room}/events"), &[]).await;
    assert_eq!(live.status, StatusCode::OK);
    let first = live.next(SOON).await.expect("the carer's own message");
    assert!(first.data.contains("Hello from the carer."), "{first:?}");

    // The registration ends while the room is open: the proxy is out at once, and the
    // customer gets a link of her own, which opens the room for her, as herself.
    revoke(&app, r.id, "ended").await;
    let refused = carer.get(&room).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("Hello from the carer."));
    let handed = app.email_with(CUSTOMER_EMAIL, "/bookings/").await;
    let mine = app.link_path(&handed, "/bookings/");
    let her_room = format!("{mine}/chat");
    let customer = app.english_browser().await;
    let page = customer.get(&her_room).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.attr("#chat-proxy", "id").is_none());
    let written = customer
        .post(&her_room, &[("chat_message", "This is Taro myself.")])
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    // The page the carer left open is not sent what the customer wrote, and lets go.
    assert!(live.next(SOON).await.is_none(), "sent after the end");
    assert!(live.ended(SOON).await);
    let expected = vec![
        (as_proxy(Lang::En), "Hello from the carer.".to_owned()),
        (CUSTOMER.to_owned(), "This is Taro myself.".to_owned()),
    ];
    assert_eq!(log_of(&customer.get(&her_room).await), expected);
    assert_eq!(
        log_of(&staff.get(&format!("/staff/sessions/{id}/chat")).await)[0].0,
        as_proxy(Lang::Ja)
    );

    // Staff end the session: the conversation goes to the customer alone, with a link of
    // her own to the room, and never to the proxy; the request's thread keeps it, with the
    // proxy's lines labelled.
    let ended = staff
        .post(&format!("/staff/sessions/{id}/chat/end"), &[])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    assert_eq!(
        app.count("outbox_messages WHERE kind = 'chat_transcript'")
            .await,
        1
    );
    let mail = app.email_with(CUSTOMER_EMAIL, "conversation").await;
    let body = text_of(&mail);
    assert!(
        body.contains(&format!("{} (", as_proxy(Lang::En))),
        "{body}"
    );
    assert!(body.contains("): This is Taro myself."), "{body}");
    let link = app.link_path(&mail, "/bookings/");
    assert!(link.ends_with("/chat"), "{link}");
    let read = app.english_browser().await.get(&link).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(log_of(&read), expected);
    assert!(
        app.emails_to(proxy)
            .iter()
            .all(|m| !text_of(m).contains("This is Taro myself.")),
        "nothing of the conversation reaches the proxy"
    );
    assert_eq!(
        app.count(&format!(
            "request_messages WHERE request_id = {} AND body LIKE '%{} (%'",
            sent.request.id,
            as_proxy(Lang::En)
        ))
        .await,
        1
    );
}
