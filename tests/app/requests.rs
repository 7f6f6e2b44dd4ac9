//! Support requests: the journey and its acknowledgement, the lost-card page, the thread by
//! link (and that a wrong or old link shows nothing), staff replies and internal notes, a
//! proxy's request within and outside scope, the queue's filters, overdue counted in
//! opening hours across closed days, and the session a request asks for.

use crate::db_tests;
use crate::proxies::{application, approved, proxy_browser, revoke, scopes};
use crate::support::{
    Browser, Page, TOKYO, TestApp, at, choose_time, link_in, see_other, subject_of, text_of,
    tomorrow,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Date, Duration, OffsetDateTime, Weekday};
use time_tz::OffsetDateTimeExt;
use yorisoi::domain::request::{NewRequest, ReplyChannel, Topic};
use yorisoi::domain::{Email, Lang, Role};
use yorisoi::entities::{audit_event, request_link, request_message, support_request};
use yorisoi::services::requests::{self, Request};

db_tests!(
    the_journey_sends_a_request_with_a_link_and_an_acknowledgement,
    rejected_answers_come_back_with_what_was_typed,
    a_lost_card_is_told_what_to_do_first,
    the_thread_shows_replies_never_notes_and_a_wrong_or_old_link_shows_nothing,
    a_proxy_sends_requests_only_within_scope,
    the_queue_filters_by_status_topic_channel_assignee_and_age,
    overdue_counts_only_opening_hours_across_closed_days,
    the_year_end_break_and_holidays_do_not_count_towards_a_reply,
    a_session_request_goes_on_to_booking_with_its_reference,
    staff_are_told_when_the_customer_writes_again,
);

/// Answers every question for a request about statements, answered `channel` with the
/// contact fields given, and stops at the check page.
async fn walk_to_check(browser: &Browser, channel: &str, contact: &[(&str, &str)]) {
    type Step<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let steps: [Step; 5] = [
        (
            "/requests/new/topic",
            vec![("topic", "statements")],
            "/requests/new/details",
        ),
        (
            "/requests/new/details",
            vec![("details", "My November statement shows one payment twice.")],
            "/requests/new/about-you",
        ),
        (
            "/requests/new/about-you",
            vec![("name", "山田 花子"), ("member_number", "AB12345")],
            "/requests/new/reply",
        ),
        (
            "/requests/new/reply",
            vec![("channel", channel)],
            "/requests/new/contact",
        ),
        (
            "/requests/new/contact",
            contact.to_vec(),
            "/requests/new/check",
        ),
    ];
    for (path, fields, next) in steps {
        let page = browser.post(path, &fields).await;
        assert_eq!(see_other(&page), next, "{path}");
    }
}

/// Sends a request by email from a fresh browser; the thread's path and the browser.
async fn sent_by_email(app: &TestApp, email: &str) -> (String, Browser) {
    let browser = app.english_browser().await;
    walk_to_check(&browser, "email", &[("email", email)]).await;
    let sent = browser.post("/requests/new/check", &[]).await;
    let thread = see_other(&sent);
    assert!(thread.ends_with("?sent=1"), "{thread}");
    (thread.trim_end_matches("?sent=1").to_owned(), browser)
}

async fn only_request(app: &TestApp) -> Request {
    let all = support_request::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "one request");
    all.into_iter().next().unwrap()
}

async fn request(app: &TestApp, id: i64) -> Request {
    requests::get(&app.state().db, id).await.unwrap().unwrap()
}

async fn actions_about(app: &TestApp, id: i64) -> Vec<String> {
    yorisoi::services::audit::about(&app.state().db, "support_request", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn the_journey_sends_a_request_with_a_link_and_an_acknowledgement(app: TestApp) {
    let browser = app.english_browser().await;
    let home = browser.get("/").await;
    assert!(
        home.attr("a[href='/requests/new']", "href").is_some(),
        "the start page offers sending a request"
    );
    let start = browser.get("/requests/new").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(start.body.contains("/requests/new/topic"), "a start button");
    let topic = browser.get("/requests/new/topic").await;
    let options: Vec<String> = topic
        .html()
        .select(&scraper::Selector::parse("input[name=topic]").unwrap())
        .filter_map(|e| e.value().attr("value").map(str::to_owned))
        .collect();
    assert_eq!(
        options,
        [
            "card_payments",
            "statements",
            "points",
            "personal_details",
            "lost_stolen",
            "unauthorised_use",
            "accommodation",
            "staff_conduct",
            "other"
        ]
    );
    // Skipping ahead goes back to the first question not answered.
    let ahead = browser.get("/requests/new/contact").await;
    assert_eq!(see_other(&ahead), "/requests/new/topic");

    walk_to_check(&browser, "email", &[("email", "hanako@example.jp")]).await;
    let channels = browser.get("/requests/new/reply").await;
    let offered: Vec<String> = channels
        .html()
        .select(&scraper::Selector::parse("input[name=channel]").unwrap())
        .filter_map(|e| e.value().attr("value").map(str::to_owned))
        .collect();
    assert_eq!(
        offered,
        ["email", "written_chat", "sign_language", "fax", "post"],
        "never a phone-only choice"
    );
    let check = browser.get("/requests/new/check").await;
    assert_eq!(check.status, StatusCode::OK);
    for shown in [
        "My November statement shows one payment twice.",
        "山田 花子",
        "AB12345",
        "hanako@example.jp",
        "/requests/new/details?change=1",
    ] {
        assert!(check.body.contains(shown), "check page shows {shown}");
    }
    let sent = browser.post("/requests/new/check", &[]).await;
    let thread = see_other(&sent);
    assert!(thread.starts_with("/requests/"), "{thread}");
    let done = browser.get(&thread).await;
    assert_eq!(done.status, StatusCode::OK);
    let r = only_request(&app).await;
    assert!(r.reference.starts_with('R'), "{}", r.reference);
    assert_eq!(done.text("h1"), "Request sent");
    assert!(done.body.contains(&r.reference), "the reference is shown");
    let path = thread.trim_end_matches("?sent=1");
    assert!(
        done.body.contains(&format!("{}{path}", app.base)),
        "the link to keep is shown"
    );
    assert_eq!(r.status.as_str(), "new");
    assert!(r.due_at.is_some(), "a reply is due");
    assert_eq!(r.lang.code(), "en");

    // The acknowledgement: the reference near the top, and the same thread by its link.
    let mail = app.email_with("hanako@example.jp", &r.reference).await;
    assert!(subject_of(&mail).contains(&r.reference));
    let body = text_of(&mail);
    assert!(
        body.find(&r.reference) < body.find("Hello"),
        "reference first: {body}"
    );
    let link = link_in(&mail, &format!("{}/requests/", app.base));
    let by_mail = app.browser().get(link.trim_start_matches(&app.base)).await;
    assert_eq!(by_mail.status, StatusCode::OK);
    assert!(
        by_mail
            .body
            .contains("My November statement shows one payment twice.")
    );

    // Only hashes are stored.
    let token = path.trim_start_matches("/requests/");
    let links = request_link::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_ne!(links[0].token_hash, token);
    assert!(token.len() >= 22, "128 bits or more: {token}");

    // A second press shows the reference again and sends nothing more.
    let again = browser.post("/requests/new/check", &[]).await;
    assert_eq!(see_other(&again), "/requests/new/confirmation");
    let again = browser.get("/requests/new/confirmation").await;
    assert!(again.body.contains(&r.reference));
    assert_eq!(app.count("support_requests").await, 1);

    // The customer writes again on the thread.
    let empty = browser.post(path, &[("message", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text(".error-summary").contains("Write your message"));
    let long = "あ".repeat(2001);
    let too_long = browser.post(path, &[("message", &long)]).await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.text(".error-summary").contains("2001"));
    assert!(too_long.body.contains(&long), "what was typed is kept");
    let added = browser
        .post(path, &[("message", "It was on 3 November.")])
        .await;
    assert_eq!(see_other(&added), format!("{path}#messages"));
    let shown = browser.get(path).await;
    assert!(shown.body.contains("It was on 3 November."));
    assert_eq!(
        actions_about(&app, r.id).await,
        ["request.sent", "request.customer_message"]
    );
}

async fn rejected_answers_come_back_with_what_was_typed(app: TestApp) {
    let browser = app.browser();
    browser.get("/language/ja?next=/").await;
    let nothing = browser.post("/requests/new/topic", &[]).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.text(".error-summary").contains("ご相談の内容"));
    let phone = browser
        .post("/requests/new/topic", &[("topic", "phone")])
        .await;
    assert_eq!(phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    see_other(
        &browser
            .post("/requests/new/topic", &[("topic", "points")])
            .await,
    );

    let long = "ポイント".repeat(501);
    let too_long = browser
        .post("/requests/new/details", &[("details", &long)])
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let summary = too_long.text(".error-summary");
    assert!(
        summary.contains("2004") && summary.contains("2000"),
        "{summary}"
    );
    assert_eq!(too_long.text("textarea#details"), long, "kept as typed");
    see_other(
        &browser
            .post(
                "/requests/new/details",
                &[("details", "ポイントの有効期限を知りたい")],
            )
            .await,
    );
    let unnamed = browser
        .post(
            "/requests/new/about-you",
            &[("name", ""), ("member_number", "12-34")],
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unnamed.attr("#member_number", "value").as_deref(),
        Some("12-34")
    );
    see_other(
        &browser
            .post(
                "/requests/new/about-you",
                &[("name", "佐藤 一郎"), ("member_number", "")],
            )
            .await,
    );
    see_other(
        &browser
            .post("/requests/new/reply", &[("channel", "fax")])
            .await,
    );
    let bad_fax = browser
        .post(
            "/requests/new/contact",
            &[("fax", "call me"), ("email", "")],
        )
        .await;
    assert_eq!(bad_fax.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_fax.text(".error-summary").contains("ファクス"));
    assert_eq!(bad_fax.attr("#fax", "value").as_deref(), Some("call me"));
    assert_eq!(app.count("support_requests").await, 0, "nothing written");
    // A fax answer needs no email; then the confirmation is the only place with the link.
    see_other(
        &browser
            .post(
                "/requests/new/contact",
                &[("fax", "03-1234-5678"), ("email", "")],
            )
            .await,
    );
    let sent = see_other(&browser.post("/requests/new/check", &[]).await);
    let page = browser.get(&sent).await;
    assert!(page.body.contains("ファクスで回答します"));
    let r = only_request(&app).await;
    assert_eq!(r.fax.as_deref(), Some("03-1234-5678"));
    assert_eq!(r.email, None);
    assert_eq!(r.lang.code(), "ja");
}

async fn a_lost_card_is_told_what_to_do_first(app: TestApp) {
    let browser = app.english_browser().await;
    let chosen = browser
        .post("/requests/new/topic", &[("topic", "lost_stolen")])
        .await;
    assert_eq!(see_other(&chosen), "/requests/new/lost-card");
    let page = browser.get("/requests/new/lost-card").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "A lost or stolen card: what to do now");
    assert!(page.body.contains("24 hours a day"), "the 24-hour route");
    assert_eq!(
        page.attr("a.button", "href").as_deref(),
        Some("/requests/new/details"),
        "then the request goes on"
    );
    let details = browser.get("/requests/new/details").await;
    assert_eq!(
        details.attr("a.back-link", "href").as_deref(),
        Some("/requests/new/lost-card")
    );
    // A lost card is answered first: one working hour by default.
    let state = app.state();
    let targets = yorisoi::services::settings::response_times::load(&state.db)
        .await
        .unwrap();
    assert_eq!(targets.minutes(Topic::LostStolen), 60);
    assert_eq!(targets.minutes(Topic::Statements), 480);
}

async fn the_thread_shows_replies_never_notes_and_a_wrong_or_old_link_shows_nothing(app: TestApp) {
    let (path, customer) = sent_by_email(&app, "kenji@example.jp").await;
    let r = only_request(&app).await;
    let staff = app.english_staff(Role::Coordinator).await;
    let queue = staff.get("/staff/requests").await;
    assert!(queue.body.contains(&r.reference));
    let detail_path = format!("/staff/requests/{}", r.id);
    let detail = staff.get(&detail_path).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.body.contains("My November statement"));

    let empty = staff
        .post(&format!("{detail_path}/reply"), &[("reply", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let noted = staff
        .post(
            &format!("{detail_path}/note"),
            &[("note", "Card company confirms a duplicate; refund pending.")],
        )
        .await;
    assert_eq!(see_other(&noted), format!("{detail_path}?done=note"));
    let replied = staff
        .post(
            &format!("{detail_path}/reply"),
            &[("reply", "We have refunded the second payment.")],
        )
        .await;
    assert_eq!(see_other(&replied), format!("{detail_path}?done=reply"));
    let r = request(&app, r.id).await;
    assert_eq!(r.status.as_str(), "waiting");
    assert!(r.first_reply_at.is_some());
    assert_eq!(
        r.due_at, None,
        "nothing owed while waiting for the customer"
    );

    // The answer is emailed, in the customer's language, with a fresh link.
    let mail = app.email_with("kenji@example.jp", "We have answered").await;
    assert!(text_of(&mail).contains("We have refunded the second payment."));
    let fresh = link_in(&mail, &format!("{}/requests/", app.base));
    assert_ne!(fresh.trim_start_matches(&app.base), path);
    assert_eq!(app.count("request_links").await, 2);

    let seen = customer.get(&path).await;
    assert!(seen.body.contains("We have refunded the second payment."));
    assert!(!seen.body.contains("refund pending"), "no internal note");
    assert!(!seen.body.contains("Staff note"));
    let seen_fresh = app.browser().get(fresh.trim_start_matches(&app.base)).await;
    assert!(!seen_fresh.body.contains("refund pending"));

    // The customer writes again: open again, with a new due time.
    see_other(
        &customer
            .post(&path, &[("message", "Thank you, but when?")])
            .await,
    );
    let r = request(&app, r.id).await;
    assert_eq!(r.status.as_str(), "open");
    assert!(r.due_at.is_some());

    // A wrong link shows nothing.
    let wrong = app
        .browser()
        .get("/requests/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(!wrong.body.contains(&r.reference));
    // A mistyped link is no dead end: the page offers a way to write to the desk.
    assert!(
        wrong.body.contains("href=\"/requests/new\""),
        "{}",
        wrong.body
    );
    let mistyped_booking = app.browser().get("/bookings/not-a-real-link").await;
    assert_eq!(mistyped_booking.status, StatusCode::NOT_FOUND);
    assert!(mistyped_booking.body.contains("href=\"/requests/new\""));
    let garbage = app.browser().get("/requests/%3Cscript%3E").await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND);

    // Closed: the thread is read-only, then the link stops working after 30 days.
    let closed = staff
        .post(&format!("{detail_path}/status"), &[("status", "closed")])
        .await;
    assert_eq!(see_other(&closed), format!("{detail_path}?done=status"));
    // The history is on the request's own page.
    let history = staff.get(&detail_path).await;
    assert!(history.body.contains("Staff note added"));
    assert!(history.body.contains("Customer wrote again"));
    let read_only = customer.get(&path).await;
    assert!(read_only.body.contains("This request is closed"));
    assert!(
        read_only
            .html()
            .select(&scraper::Selector::parse("textarea").unwrap())
            .next()
            .is_none()
    );
    let refused = customer.post(&path, &[("message", "One more thing")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(Duration::days(29));
    assert_eq!(customer.get(&path).await.status, StatusCode::OK);
    app.clock.advance(Duration::days(2));
    let old = customer.get(&path).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert!(!old.body.contains(&r.reference));
    assert_eq!(
        actions_about(&app, r.id).await,
        [
            "request.sent",
            "request.note_added",
            "request.replied",
            "request.customer_message",
            "request.status_changed"
        ]
    );
}

async fn a_proxy_sends_requests_only_within_scope(app: TestApp) {
    let me = "asker@example.jp";
    let r = approved(
        &app,
        &application(
            "高橋 トメ",
            "たかはし とめ",
            me,
            scopes(true, false, false),
            None,
        ),
    )
    .await;
    let browser = proxy_browser(&app, me).await;
    let portal = browser.get(&format!("/proxy/customers/{}", r.id)).await;
    assert!(
        portal
            .body
            .contains(&format!("/proxy/customers/{}/ask", r.id))
    );
    let started = browser
        .post(&format!("/proxy/customers/{}/ask", r.id), &[])
        .await;
    assert_eq!(see_other(&started), "/requests/new/topic");
    let topic = browser.get("/requests/new/topic").await;
    assert!(
        topic.body.contains("高橋 トメ"),
        "the customer is named on every page"
    );
    see_other(
        &browser
            .post("/requests/new/topic", &[("topic", "personal_details")])
            .await,
    );
    see_other(
        &browser
            .post(
                "/requests/new/details",
                &[("details", "母が引っ越しました。住所を変えたいです。")],
            )
            .await,
    );
    let about = browser.get("/requests/new/about-you").await;
    assert_eq!(about.attr("#name", "value").as_deref(), Some("高橋 トメ"));
    see_other(
        &browser
            .post(
                "/requests/new/about-you",
                &[("name", "高橋 トメ"), ("member_number", "AB12345")],
            )
            .await,
    );
    see_other(
        &browser
            .post("/requests/new/reply", &[("channel", "email")])
            .await,
    );
    let contact = browser.get("/requests/new/contact").await;
    assert_eq!(contact.attr("#email", "value").as_deref(), Some(me));
    see_other(
        &browser
            .post("/requests/new/contact", &[("email", me)])
            .await,
    );
    let sent = see_other(&browser.post("/requests/new/check", &[]).await);
    let q = only_request(&app).await;
    assert_eq!(
        sent,
        format!("/proxy/customers/{}/requests/{}?sent=1", r.id, q.id)
    );
    assert_eq!(q.proxy_registration_id, Some(r.id));
    let page = browser.get(&sent).await;
    assert!(page.body.contains(&q.reference));
    assert!(page.body.contains("高橋 トメ"));
    let messages = request_message::Entity::find()
        .filter(request_message::Column::RequestId.eq(q.id))
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(messages[0].author.as_str(), "proxy");
    let sent_row = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("request.sent"))
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        sent_row.actor_proxy_id.is_some(),
        "recorded as the proxy's act"
    );
    // The acknowledgement points to the portal, not to a link anyone could open.
    let mail = app.email_with(me, &q.reference).await;
    assert!(text_of(&mail).contains(&format!("/proxy/customers/{}/requests/{}", r.id, q.id)));
    assert_eq!(app.count("request_links").await, 0);
    // The audit log names the proxy as the one who acted.
    let admin = app.english_staff(Role::Admin).await;
    let log = admin.get("/staff/audit?action=request.sent").await;
    assert!(
        log.body.contains(&format!("Proxy: Proxy {me} ({me})")),
        "{}",
        log.text("table")
    );
    // Staff see who sent it.
    let (staff, _) = app.signed_in(Role::Coordinator).await;
    let detail = staff.get(&format!("/staff/requests/{}", q.id)).await;
    assert!(
        detail.body.contains(&r.reference),
        "the registration is named"
    );
    see_other(
        &staff
            .post(
                &format!("/staff/requests/{}/reply", q.id),
                &[("reply", "新しい住所を登録しました。")],
            )
            .await,
    );
    let thread = browser
        .get(&format!("/proxy/customers/{}/requests/{}", r.id, q.id))
        .await;
    assert!(thread.body.contains("新しい住所を登録しました。"));

    // Outside scope: a registration that may only book.
    let booker = approved(
        &app,
        &application(
            "高橋 次郎",
            "たかはし じろう",
            me,
            scopes(false, true, false),
            None,
        ),
    )
    .await;
    let refused = browser
        .post(&format!("/proxy/customers/{}/ask", booker.id), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A journey begun in scope is not sent once the registration has ended.
    see_other(
        &browser
            .post(&format!("/proxy/customers/{}/ask", r.id), &[])
            .await,
    );
    walk_to_check(&browser, "email", &[("email", me)]).await;
    revoke(&app, r.id, "test").await;
    // Revocation ended the proxy's session: sending asks them to sign in, and once they
    // have, it is refused.
    let after = browser.post("/requests/new/check", &[]).await;
    assert!(
        !after.location().unwrap_or_default().contains("sent=1"),
        "not sent: {:?}",
        after.location()
    );
    let again = browser
        .post(
            "/proxy/login",
            &[("email", me), ("password", crate::support::PASSWORD)],
        )
        .await;
    assert_eq!(see_other(&again), "/proxy");
    let refused = browser.post("/requests/new/check", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("support_requests").await,
        1,
        "nothing more written"
    );
}

fn new_request(topic: Topic, channel: ReplyChannel, name: &str) -> NewRequest {
    NewRequest {
        topic,
        details: format!("A question from {name}"),
        name: name.to_owned(),
        member_number: None,
        channel,
        email: Some(Email::parse("someone@example.jp").unwrap()),
        fax: (channel == ReplyChannel::Fax).then(|| "03-1111-2222".to_owned()),
        address: (channel == ReplyChannel::Post).then(|| "東京都港区1-1".to_owned()),
    }
}

async fn send(app: &TestApp, new: &NewRequest) -> Request {
    requests::submit::send(&app.uc(), new, Lang::Ja, None, None)
        .await
        .unwrap()
        .request
}

/// The references a queue page lists.
fn listed(page: &Page) -> Vec<String> {
    page.texts("tbody tr td:first-child a")
}

async fn the_queue_filters_by_status_topic_channel_assignee_and_age(app: TestApp) {
    let old = send(
        &app,
        &new_request(Topic::Points, ReplyChannel::Email, "Old"),
    )
    .await;
    app.clock.advance(Duration::days(4));
    let fax = send(
        &app,
        &new_request(Topic::Statements, ReplyChannel::Fax, "Fax"),
    )
    .await;
    let done = send(&app, &new_request(Topic::Other, ReplyChannel::Post, "Done")).await;
    let mine = send(
        &app,
        &new_request(Topic::CardPayments, ReplyChannel::WrittenChat, "Mine"),
    )
    .await;
    let (staff, me) = app.signed_in(Role::Coordinator).await;
    see_other(
        &staff
            .post(
                &format!("/staff/requests/{}/status", done.id),
                &[("status", "resolved")],
            )
            .await,
    );
    see_other(
        &staff
            .post(
                &format!("/staff/requests/{}/assign", mine.id),
                &[("assignee", &me.to_string())],
            )
            .await,
    );
    assert_eq!(
        request(&app, mine.id).await.status.as_str(),
        "open",
        "taken means open"
    );
    let bad = staff
        .post(
            &format!("/staff/requests/{}/assign", mine.id),
            &[("assignee", "999999")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let sorted = |rs: &[&Request]| {
        let mut v: Vec<String> = rs.iter().map(|r| r.reference.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(
        by(&staff, "").await,
        sorted(&[&old, &fax, &mine]),
        "not done yet"
    );
    assert_eq!(by(&staff, "status=resolved").await, sorted(&[&done]));
    assert_eq!(
        by(&staff, "status=all").await,
        sorted(&[&old, &fax, &done, &mine])
    );
    assert_eq!(by(&staff, "status=new").await, sorted(&[&old, &fax]));
    assert_eq!(by(&staff, "topic=points").await, sorted(&[&old]));
    assert_eq!(by(&staff, "channel=fax").await, sorted(&[&fax]));
    assert_eq!(by(&staff, "assignee=me").await, sorted(&[&mine]));
    assert_eq!(
        by(&staff, &format!("assignee={me}")).await,
        sorted(&[&mine])
    );
    assert_eq!(by(&staff, "assignee=none").await, sorted(&[&old, &fax]));
    assert_eq!(by(&staff, "age=3").await, sorted(&[&old]));
    assert_eq!(
        by(&staff, "topic=nonsense&age=x&page=zz").await,
        sorted(&[&old, &fax, &mine])
    );
    // Interpreters do not handle requests.
    let (interpreter, _) = app.signed_in(Role::Interpreter).await;
    assert_eq!(
        interpreter.get("/staff/requests").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        interpreter
            .get(&format!("/staff/requests/{}", old.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// The references a filtered queue lists, sorted.
async fn by(staff: &Browser, query: &str) -> Vec<String> {
    let page = staff.get(&format!("/staff/requests?{query}")).await;
    assert_eq!(page.status, StatusCode::OK, "{query}");
    let mut refs = listed(&page);
    refs.sort();
    refs
}

/// The next `weekday` at `hh:00` in Tokyo, strictly after now.
fn next(now: OffsetDateTime, weekday: Weekday, hh: u8) -> OffsetDateTime {
    let mut day = now.to_timezone(TOKYO).date() + Duration::days(1);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    at(day, hh, 0)
}

async fn overdue_counts_only_opening_hours_across_closed_days(app: TestApp) {
    // The desk opens 09:00-17:00 on weekdays (the default). A request about statements
    // arrives on a Friday at 15:30, and the Monday after is a holiday: its working day runs
    // from Friday 15:30-17:00 to Tuesday 09:00-15:30.
    let state = app.state();
    // Only the day closed here: whichever Friday comes next, no holiday of its own counts.
    app.open_on_holidays().await;
    let friday = next(state.now(), Weekday::Friday, 15) + Duration::minutes(30);
    app.clock.advance(friday - state.now());
    let monday = friday.to_timezone(TOKYO).date() + Duration::days(3);
    yorisoi::services::settings::opening::close_day(&app.uc(), monday, "Holiday")
        .await
        .unwrap();
    let r = send(
        &app,
        &new_request(Topic::Statements, ReplyChannel::Email, "Friday"),
    )
    .await;
    let due = r.due_at.unwrap();
    let tuesday = at(monday + Duration::days(1), 15, 30);
    assert!((due - tuesday).abs() < Duration::seconds(5), "due {due}");
    // A lost card has one working hour: due at Friday 16:30.
    let lost = send(
        &app,
        &new_request(Topic::LostStolen, ReplyChannel::Email, "Lost"),
    )
    .await;
    let friday_half_past = friday + Duration::hours(1);
    assert!(
        (lost.due_at.unwrap() - friday_half_past).abs() < Duration::seconds(5),
        "{:?}",
        lost.due_at
    );

    let overdue_count = |page: &Page| {
        page.texts(".stat")
            .into_iter()
            .find(|t| t.contains("past their response time"))
            .unwrap_or_default()
    };
    // Friday 16:00: nothing is late yet.
    app.clock
        .advance(friday + Duration::minutes(30) - state.now());
    let staff = app.english_staff(Role::Supervisor).await;
    let dashboard = staff.get("/staff").await;
    assert!(
        overdue_count(&dashboard).starts_with('0'),
        "{:?}",
        dashboard.texts(".stat")
    );
    assert!(listed(&staff.get("/staff/requests?overdue=1").await).is_empty());
    // The holiday at noon: three days have passed, but only one working hour. The lost card
    // is late; the statement is not (counted around the clock, it would be since Saturday).
    app.clock.advance(at(monday, 12, 0) - state.now());
    let staff = app.english_staff(Role::Supervisor).await;
    let dashboard = staff.get("/staff").await;
    assert!(
        overdue_count(&dashboard).starts_with('1'),
        "{}",
        overdue_count(&dashboard)
    );
    assert_eq!(
        listed(&staff.get("/staff/requests?overdue=1").await),
        std::slice::from_ref(&lost.reference)
    );
    // Tuesday 15:20: still only the lost card.
    app.clock
        .advance(at(monday + Duration::days(1), 15, 20) - state.now());
    let staff = app.english_staff(Role::Supervisor).await;
    assert_eq!(
        listed(&staff.get("/staff/requests?overdue=1").await),
        std::slice::from_ref(&lost.reference)
    );
    // Tuesday 15:31: both are.
    app.clock
        .advance(at(monday + Duration::days(1), 15, 31) - state.now());
    let staff = app.english_staff(Role::Supervisor).await;
    let queue = staff.get("/staff/requests").await;
    assert_eq!(queue.texts(".tag--overdue").len(), 2, "both marked overdue");
    let dashboard = staff.get("/staff").await;
    assert!(
        overdue_count(&dashboard).starts_with('2'),
        "{}",
        overdue_count(&dashboard)
    );
    let new_count = dashboard
        .texts(".stat")
        .into_iter()
        .find(|t| t.contains("New requests"))
        .unwrap_or_default();
    assert!(new_count.starts_with('2'), "{new_count}");
    // Answering one stops its clock.
    see_other(
        &staff
            .post(
                &format!("/staff/requests/{}/reply", r.id),
                &[("reply", "Answered.")],
            )
            .await,
    );
    assert_eq!(
        listed(&staff.get("/staff/requests?overdue=1").await),
        [lost.reference]
    );
}

async fn the_year_end_break_and_holidays_do_not_count_towards_a_reply(app: TestApp) {
    // Monday 28 December 2026, 15:30: a request about statements has eight working hours,
    // 90 minutes of them that day; 29 December to 3 January is the year-end break, so the
    // rest run on Monday 4 January, 09:00 to 15:30.
    let last_day = Date::from_calendar_date(2026, time::Month::December, 28).unwrap();
    let first_day = Date::from_calendar_date(2027, time::Month::January, 4).unwrap();
    app.set_now(at(last_day, 15, 30));
    let r = send(
        &app,
        &new_request(Topic::Statements, ReplyChannel::Email, "Year end"),
    )
    .await;
    let due = r.due_at.unwrap();
    assert!(
        (due - at(first_day, 15, 30)).abs() < Duration::seconds(5),
        "due {due}"
    );
    // New Year's Day at noon, four days on: not late.
    app.set_now(at(first_day - Duration::days(3), 12, 0));
    let staff = app.english_staff(Role::Supervisor).await;
    assert!(listed(&staff.get("/staff/requests?overdue=1").await).is_empty());
    app.set_now(at(first_day, 15, 31));
    let staff = app.english_staff(Role::Supervisor).await;
    assert_eq!(
        listed(&staff.get("/staff/requests?overdue=1").await),
        std::slice::from_ref(&r.reference)
    );
}

async fn a_session_request_goes_on_to_booking_with_its_reference(app: TestApp) {
    app.open_every_day("09:00", "17:00").await;
    app.add_interpreter(
        "suzuki",
        &[yorisoi::domain::Qualification::WrittenChat],
        &[("09:00", "17:00")],
    )
    .await;
    let browser = app.english_browser().await;
    walk_to_check(&browser, "written_chat", &[("email", "chat@example.jp")]).await;
    let check = browser.get("/requests/new/check").await;
    assert!(check.body.contains("choose a time for your session"));
    let sent = see_other(&browser.post("/requests/new/check", &[]).await);
    let path = sent.trim_end_matches("?sent=1").to_owned();
    let page = browser.get(&sent).await;
    let book = format!("{path}/book");
    assert!(
        page.body.contains(&format!("action=\"{book}\"")),
        "offers booking"
    );
    let started = browser.post(&book, &[]).await;
    assert_eq!(
        see_other(&started),
        "/book/day",
        "the mode is already chosen"
    );
    let r = only_request(&app).await;
    // Choose the first free time, then the details are already filled in.
    assert_eq!(
        choose_time(&browser, at(tomorrow(&app), 10, 0)).await,
        "/book/details"
    );
    let details = browser.get("/book/details").await;
    assert_eq!(details.attr("#name", "value").as_deref(), Some("山田 花子"));
    assert_eq!(
        details.attr("#email", "value").as_deref(),
        Some("chat@example.jp")
    );
    see_other(
        &browser
            .post(
                "/book/details",
                &[
                    ("name", "山田 花子"),
                    ("email", "chat@example.jp"),
                    ("member_number", "AB12345"),
                    ("topic", "statements"),
                    ("topic_other", ""),
                    ("needs", ""),
                ],
            )
            .await,
    );
    let check = browser.get("/book/check").await;
    assert!(
        check.body.contains(&r.reference),
        "the check page names the request"
    );
    assert_eq!(
        see_other(&browser.post("/book/check", &[]).await),
        "/book/confirmation"
    );
    let booked = yorisoi::entities::booking::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap();
    assert_eq!(booked.len(), 1);
    assert_eq!(booked[0].request_id, Some(r.id));
    let thread = browser.get(&path).await;
    assert!(
        thread.body.contains(&booked[0].reference),
        "the session shows on the thread"
    );
    assert!(
        !thread.body.contains(&format!("action=\"{book}\"")),
        "booked once is enough"
    );
    assert_eq!(
        actions_about(&app, r.id).await,
        ["request.sent", "request.session_booked"]
    );
    let (staff, _) = app.signed_in(Role::Coordinator).await;
    let detail = staff.get(&format!("/staff/requests/{}", r.id)).await;
    assert!(
        detail
            .body
            .contains(&format!("/staff/sessions/{}", booked[0].id))
    );
}

async fn staff_are_told_when_the_customer_writes_again(app: TestApp) {
    let (path, customer) = sent_by_email(&app, "wrote-again@example.jp").await;
    let r = only_request(&app).await;
    let assignee_email = "assignee@example.jp";
    let assignee = app.create_staff(assignee_email, Role::Coordinator).await;
    let staff = app.english_staff(Role::Coordinator).await;
    let detail_path = format!("/staff/requests/{}", r.id);
    see_other(
        &staff
            .post(
                &format!("{detail_path}/assign"),
                &[("assignee", &assignee.to_string())],
            )
            .await,
    );
    let dashboard = staff.get("/staff").await;
    assert!(
        dashboard
            .body
            .contains("the customer wrote again on after our answer")
    );
    let figure = |page: &Page| {
        page.html()
            .select(&scraper::Selector::parse(".stat").unwrap())
            .map(|li| li.text().collect::<String>())
            .find(|t| t.contains("wrote again"))
            .unwrap()
    };
    assert!(
        figure(&dashboard).starts_with('0'),
        "{}",
        figure(&dashboard)
    );
    see_other(
        &staff
            .post(
                &format!("{detail_path}/reply"),
                &[("reply", "Which payment do you mean?")],
            )
            .await,
    );
    assert_eq!(
        app.emails_to(assignee_email).len(),
        0,
        "a staff reply tells the assignee nothing"
    );
    see_other(
        &customer
            .post(&path, &[("message", "The one on 3 November.")])
            .await,
    );

    // The dashboard counts it and the queue finds it, marked.
    let dashboard = staff.get("/staff").await;
    assert!(
        figure(&dashboard).starts_with('1'),
        "{}",
        figure(&dashboard)
    );
    let queue = staff.get("/staff/requests?wrote_again=1").await;
    assert!(queue.body.contains(&r.reference));
    assert!(queue.texts(".tag").iter().any(|t| t == "Wrote again"));
    // The assignee is emailed, with the link to the request's staff page.
    let mail = app.email_with(assignee_email, &r.reference).await;
    assert!(text_of(&mail).contains("山田 花子"), "{}", text_of(&mail));
    let link = link_in(&mail, &format!("{}/staff/requests/", app.base));
    assert!(link.ends_with(&detail_path), "{link}");

    // Answered again: no longer counted.
    see_other(
        &staff
            .post(&format!("{detail_path}/reply"), &[("reply", "Thank you.")])
            .await,
    );
    assert!(figure(&staff.get("/staff").await).starts_with('0'));
    let queue = staff.get("/staff/requests?wrote_again=1").await;
    assert!(!queue.body.contains(&r.reference));

    // The audit log reads as words: the assignment names the staff member, not an id or JSON.
    let admin = app.english_staff(Role::Admin).await;
    let log = admin.get("/staff/audit?action=request.assigned").await;
    let details = log.texts(".audit-detail li");
    assert!(
        details.iter().any(|d| d.starts_with("Reference: ")),
        "{details:?}"
    );
    assert!(details.iter().any(|d| d == "From: nobody"), "{details:?}");
    assert!(!log.body.contains("{&quot;"), "no raw JSON");
}
