//! The voice of the customer: a contact is asked about once (a request first resolved, a
//! session ended, a registration approved), by email and on its own page; the answer is
//! taken once; anyone may write on the open form, and a complaint there becomes a request
//! that is answered; staff triage what comes in, and a compliment reaches the staff member
//! it names.

use crate::db_tests;
use crate::proxies::{application, approved, scopes};
use crate::support::{TestApp, at, see_other, subject_of, text_of, tomorrow};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use time::Duration;
use yorisoi::domain::request::{NewRequest, ReplyChannel, Topic};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Email, Lang, Role};
use yorisoi::entities::{feedback, feedback_invitation, support_request};
use yorisoi::services::chat::{self, EndOutcome};
use yorisoi::services::{feedback as asking, requests};

db_tests!(
    a_suggestion_becomes_a_published_improvement_and_a_figure,
    a_resolved_request_is_asked_about_once_and_the_answer_is_triaged,
    the_open_form_is_anonymous_or_answered_and_a_complaint_becomes_a_request,
    a_compliment_after_a_session_reaches_the_interpreter,
    an_approved_proxy_and_an_ended_video_session_are_asked_once,
);

/// Sends a request in `lang`; its id and the thread's path from the acknowledgement.
async fn send(app: &TestApp, email: &str, lang: Lang) -> (i64, String) {
    let new = NewRequest {
        topic: Topic::Statements,
        details: "My statement shows a charge twice.".to_owned(),
        name: "Hanako Yamada".to_owned(),
        member_number: None,
        channel: ReplyChannel::Email,
        email: Some(Email::parse(email).unwrap()),
        fax: None,
        address: None,
    };
    let sent = requests::submit::send(&app.uc(), &new, lang, None, None)
        .await
        .unwrap();
    let thread = format!("/requests/{}", sent.token.unwrap().expose());
    (sent.request.id, thread)
}

async fn feedback_rows(app: &TestApp) -> Vec<feedback::Model> {
    feedback::Entity::find().all(&app.state().db).await.unwrap()
}

/// The path of the feedback link in the latest email to `address` asking about a contact.
async fn asked_link(app: &TestApp, address: &str, subject: &str) -> String {
    let mail = app.email_with(address, subject).await;
    app.link_path(&mail, "/feedback/")
}

async fn a_resolved_request_is_asked_about_once_and_the_answer_is_triaged(app: TestApp) {
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let (id, thread) = send(&app, "hanako@example.jp", Lang::En).await;
    let customer = app.english_browser().await;
    // Not asked before it is resolved.
    assert!(
        customer
            .get(&thread)
            .await
            .attr("#feedback-offer-title", "id")
            .is_none()
    );
    assert_eq!(
        customer.get(&format!("{thread}/feedback")).await.status,
        StatusCode::NOT_FOUND
    );

    let resolved = coordinator
        .post(
            &format!("/staff/requests/{id}/status"),
            &[("status", "resolved")],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
    let mail = app.email_with("hanako@example.jp", "How did it go?").await;
    assert!(
        text_of(&mail).contains("Answering is up to you"),
        "{}",
        text_of(&mail)
    );
    let link = app.link_path(&mail, "/feedback/");

    // The thread offers the same form.
    let page = customer.get(&thread).await;
    assert_eq!(page.text("#feedback-offer-title"), "How did it go?");
    assert_eq!(
        page.attr("section.feedback-offer a", "href"),
        Some(format!("{thread}/feedback"))
    );

    // The form names the request and the staff member by display name.
    let form = customer.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(form.text("h1"), "How did it go?");
    let reference = support_request::Entity::find_by_id(id)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap()
        .reference;
    assert!(
        form.text("p.lead").contains(&reference),
        "{}",
        form.text("p.lead")
    );
    assert!(form.body.contains("coordinator"), "{}", form.body);
    assert!(!form.body.contains("Full Name of"), "{}", form.body);
    assert_eq!(
        form.texts("fieldset legend"),
        vec![
            "How easy was it to get what you needed?",
            "What kind of feedback is it?",
            "A reply"
        ]
    );

    // Nothing chosen: refused, with the comment kept and nothing written.
    let comment = "Please add captions to the video sessions.";
    let refused = customer.post(&link, &[("comment", comment)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.texts(".error-summary li"),
        vec![
            "Choose how easy it was, from 1 to 5",
            "Choose what kind of feedback it is"
        ]
    );
    assert_eq!(refused.text("textarea#comment"), comment);
    assert!(feedback_rows(&app).await.is_empty());

    let sent = customer
        .post(
            &link,
            &[
                ("ease", "4"),
                ("feedback_kind", "suggestion"),
                ("comment", comment),
            ],
        )
        .await;
    assert_eq!(see_other(&sent), "/feedback/thanks");
    let thanks = customer.get("/feedback/thanks").await;
    assert_eq!(thanks.text("h1"), "Thank you for your feedback");

    // Asked once, answered once: the link, the thread's form and the offer are spent.
    let again = customer.get(&link).await;
    assert_eq!(again.text("h1"), "You have already told us");
    let twice = customer
        .post(
            &format!("{thread}/feedback"),
            &[("ease", "1"), ("feedback_kind", "complaint")],
        )
        .await;
    assert_eq!(twice.text("h1"), "You have already told us");
    assert!(
        customer
            .get(&thread)
            .await
            .attr("#feedback-offer-title", "id")
            .is_none()
    );
    let rows = feedback_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].ease, rows[0].kind.as_str()), (4, "suggestion"));
    assert_eq!(rows[0].channel.as_str(), "request");
    // A suggestion without a wish for a reply opens no request.
    assert_eq!(rows[0].request_id, None);
    // Writing again and resolving again asks nothing more.
    requests::thread::customer_message(&app.uc(), id, "One more thing.")
        .await
        .unwrap();
    let before = app.emails_to("hanako@example.jp").len();
    coordinator
        .post(
            &format!("/staff/requests/{id}/status"),
            &[("status", "resolved")],
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after: Vec<String> = app.emails_to("hanako@example.jp")[before..]
        .iter()
        .map(|m| subject_of(m))
        .collect();
    assert!(
        !after.iter().any(|s| s.contains("How did it go")),
        "{after:?}"
    );
    assert_eq!(app.count("feedback_invitations").await, 1);

    // An admin adds a theme; the coordinator tags the feedback with it.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let missing = admin
        .post(
            "/staff/feedback/themes",
            &[("theme_ja", "字幕"), ("theme_en", "")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("字幕"));
    let added = admin
        .post(
            "/staff/feedback/themes",
            &[("theme_ja", "字幕"), ("theme_en", "Captions")],
        )
        .await;
    assert_eq!(see_other(&added), "/staff/feedback/themes?saved=1");
    let theme = app.count("feedback_themes").await;
    assert_eq!(theme, 1);
    let list = coordinator.get("/staff/feedback").await;
    assert_eq!(list.status, StatusCode::OK);
    let item = list
        .attr("table a[href^='/staff/feedback/']", "href")
        .unwrap();
    let theme_id = coordinator
        .get(&item)
        .await
        .attr("input[name=theme]", "value")
        .unwrap();
    let saved = coordinator.post(&item, &[("theme", &theme_id)]).await;
    assert_eq!(see_other(&saved), format!("{item}?saved=1"));
    let list = coordinator.get("/staff/feedback?kind=suggestion").await;
    assert_eq!(list.texts("#feedback-list tbody tr").len(), 1);
    assert!(
        list.text("#feedback-list tbody tr").contains("字幕"),
        "{}",
        list.text("#feedback-list tbody tr")
    );
    assert!(list.text("#feedback-list tbody tr").contains(comment));
    let none = coordinator.get("/staff/feedback?kind=complaint").await;
    assert!(none.texts("#feedback-list tbody tr").is_empty());
    let by_theme = coordinator
        .get(&format!("/staff/feedback?theme={theme_id}"))
        .await;
    assert_eq!(by_theme.texts("#feedback-list tbody tr").len(), 1);
    // A period typed the wrong way round is read the right way round; a bad day is named.
    let bad = coordinator
        .get(&format!("/staff/feedback?from=yesterday&theme={theme_id}"))
        .await;
    assert_eq!(bad.texts(".error-summary li").len(), 1);
    assert_eq!(bad.texts("#feedback-list tbody tr").len(), 1);
    // The day is shown again as typed, in a plain box, and the download leaves it out as
    // the list does.
    assert_eq!(
        bad.attr("input#from", "value").as_deref(),
        Some("yesterday")
    );
    assert_eq!(bad.attr("input#from", "type").as_deref(), Some("text"));
    assert_eq!(
        bad.attr("a[download]", "href"),
        Some(format!("/staff/feedback/export.csv?theme={theme_id}"))
    );
    let csv = coordinator
        .get(&format!("/staff/feedback/export.csv?theme={theme_id}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let audit = app
        .count("audit_events WHERE action = 'feedback.triaged'")
        .await;
    assert_eq!(audit, 1);

    // Interpreters do not triage, but read their own compliments.
    let (interpreter, _) = app.signed_in(Role::Interpreter).await;
    assert_eq!(
        interpreter.get("/staff/feedback").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(interpreter.get(&item).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        interpreter.get("/staff/feedback/mine").await.status,
        StatusCode::OK
    );
    assert_eq!(
        coordinator.get("/staff/feedback/themes").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn the_open_form_is_anonymous_or_answered_and_a_complaint_becomes_a_request(app: TestApp) {
    // A visitor in Japanese asks for a reply without an address: refused, text kept.
    let visitor = app.browser();
    let form = visitor.get("/feedback").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.text("h1"), "ご意見をお寄せください");
    let typed = "窓口の待ち時間が長いです。";
    let refused = visitor
        .post(
            "/feedback",
            &[
                ("ease", "2"),
                ("feedback_kind", "complaint"),
                ("comment", typed),
                ("wants_reply", "1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.texts(".error-summary li"),
        vec![
            "お返事のためのメールアドレスを入力するか、「返事がほしい」のチェックを外してください"
        ]
    );
    assert_eq!(refused.text("textarea#comment"), typed);
    assert_eq!(
        refused.attr("input[name=ease][value='2']", "checked"),
        Some(String::new())
    );
    assert!(feedback_rows(&app).await.is_empty());

    // Anonymous: taken, no request.
    let anonymous = visitor
        .post(
            "/feedback",
            &[
                ("ease", "5"),
                ("feedback_kind", "compliment"),
                ("comment", "ありがとう"),
            ],
        )
        .await;
    assert_eq!(see_other(&anonymous), "/feedback/thanks");
    assert_eq!(app.count("support_requests").await, 0);

    // A complaint with an address becomes a request, acknowledged by email.
    let sent = visitor
        .post(
            "/feedback",
            &[
                ("ease", "1"),
                ("feedback_kind", "complaint"),
                ("comment", typed),
                ("name", "山田 花子"),
                ("reply_email", "hanako@example.jp"),
            ],
        )
        .await;
    let thanks = see_other(&sent);
    assert!(
        thanks.starts_with("/feedback/thanks?request=R-"),
        "{thanks}"
    );
    let page = visitor.get(&thanks).await;
    let reference = thanks.trim_start_matches("/feedback/thanks?request=");
    assert!(page.body.contains(reference), "{}", page.body);
    let request = support_request::Entity::find()
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(request.reference, reference);
    assert_eq!(request.customer_name, "山田 花子");
    assert!(request.details.contains(typed), "{}", request.details);
    let mail = app.email_with("hanako@example.jp", reference).await;
    assert!(text_of(&mail).contains("/requests/"));
    let rows = feedback_rows(&app).await;
    let complaint = rows
        .iter()
        .find(|f| f.kind.as_str() == "complaint")
        .unwrap();
    assert_eq!(complaint.request_id, Some(request.id));
    assert_eq!(complaint.channel.as_str(), "general");
    // A reference typed into the thanks address is only shown when it is one.
    let odd = visitor.get("/feedback/thanks?request=<script>").await;
    assert!(!odd.body.contains("<script>"));
}

async fn a_compliment_after_a_session_reaches_the_interpreter(app: TestApp) {
    let (_, suzuki) = app.desk_with_interpreters().await;
    let start = at(tomorrow(&app), 10, 0);
    let booked = app
        .book(SessionMode::WrittenChat, start, "taro@example.jp")
        .await;
    let id = booked.booking.id;
    app.set_now(start + Duration::minutes(5));
    let staff = yorisoi::services::Actor {
        staff_id: Some(suzuki),
        role: Some(Role::Interpreter),
        ip: None,
        proxy_id: None,
    };
    let uc = app.state().act(&staff);
    chat::end(&uc, id, EndOutcome::Completed).await.unwrap();
    let link = asked_link(&app, "taro@example.jp", "How did it go?").await;
    let customer = app.english_browser().await;
    let form = customer.get(&link).await;
    assert!(form.body.contains("suzuki"), "{}", form.body);
    let sent = customer
        .post(
            &link,
            &[
                ("ease", "5"),
                ("feedback_kind", "compliment"),
                ("comment", "Suzuki was patient and clear."),
            ],
        )
        .await;
    assert_eq!(see_other(&sent), "/feedback/thanks");
    let told = app
        .email_with("suzuki@example.jp", "Suzuki was patient")
        .await;
    assert!(text_of(&told).contains("/staff/feedback/mine"));
    let interpreter = app.sign_in_as("suzuki@example.jp").await;
    let mine = interpreter.get("/staff/feedback/mine").await;
    assert!(
        mine.text("blockquote")
            .contains("Suzuki was patient and clear.")
    );
    // The digest is chosen there.
    let chose = interpreter
        .post("/staff/feedback/mine", &[("digest", "1")])
        .await;
    assert_eq!(see_other(&chose), "/staff/feedback/mine?saved=1");
    assert_eq!(app.count("staff_users WHERE feedback_digest").await, 1);
    let rows = feedback_rows(&app).await;
    assert_eq!(rows[0].staff_user_id, Some(suzuki));
    assert_eq!(rows[0].channel.as_str(), "written_chat");

    // On the Monday after that week, from nine, the digest goes to those who chose it, once.
    let day = start.to_offset(time::macros::offset!(+9)).date();
    let monday = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
    let state = app.state();
    let digest = |now| asking::digest::send_if_due(&state.db, now, &state.config);
    let next_monday = monday + Duration::weeks(1);
    app.set_now(at(next_monday, 8, 59));
    assert_eq!(digest(app.state().now()).await.unwrap(), 0);
    app.set_now(at(next_monday, 9, 5));
    assert_eq!(digest(app.state().now()).await.unwrap(), 1);
    assert_eq!(digest(app.state().now()).await.unwrap(), 0);
    state.mail_waiting();
    // Suzuki reads Japanese, the language staff are written to unless they choose.
    let mail = app
        .email_with("suzuki@example.jp", "週のお客さまの声")
        .await;
    let text = text_of(&mail);
    assert!(text.contains("届いたご意見：1件"), "{text}");
    assert!(text.contains("おほめのことば 1件"), "{text}");
    assert!(text.contains("「Suzuki was patient and clear.」"), "{text}");
}

async fn an_approved_proxy_and_an_ended_video_session_are_asked_once(app: TestApp) {
    // A registration approved: the proxy is asked, and the portal offers the form.
    let a = application(
        "山田 花子",
        "やまだ はなこ",
        "daughter@example.jp",
        scopes(true, true, false),
        None,
    );
    let r = approved(&app, &a).await;
    let link = asked_link(&app, "daughter@example.jp", "How did it go?").await;
    let form = app.english_browser().await.get(&link).await;
    assert!(form.text("p.lead").contains(&r.reference), "{}", form.body);
    let proxy = crate::proxies::proxy_browser(&app, "daughter@example.jp").await;
    let portal = proxy.get(&format!("/proxy/customers/{}", r.id)).await;
    let offered = portal.attr("section.feedback-offer a", "href").unwrap();
    assert_eq!(
        offered,
        format!("/proxy/customers/{}/feedback/registration", r.id)
    );
    let sent = proxy
        .post(&offered, &[("ease", "3"), ("feedback_kind", "other")])
        .await;
    assert_eq!(see_other(&sent), "/feedback/thanks");
    assert!(
        proxy
            .get(&format!("/proxy/customers/{}", r.id))
            .await
            .attr("section.feedback-offer a", "href")
            .is_none()
    );

    // A video session nobody ended is asked about once its time is over, once.
    app.desk_with_interpreters().await;
    let start = at(tomorrow(&app), 11, 0);
    let booked = app
        .book(SessionMode::SignLanguageVideo, start, "jiro@example.jp")
        .await;
    // The clock reads in UTC, as stored.
    let start = start.to_offset(time::UtcOffset::UTC);
    let state = app.state();
    let asked = |now| {
        asking::ask_about_ended_sessions(&state.db, now, &state.config, now - Duration::days(2))
    };
    assert_eq!(asked(start).await.unwrap(), 0);
    let after = booked.booking.ends_at + Duration::minutes(1);
    // The outbox sends what is due by the app's clock.
    app.set_now(after);
    assert_eq!(asked(after).await.unwrap(), 1);
    assert_eq!(asked(after + Duration::minutes(1)).await.unwrap(), 0);
    state.mail_waiting();
    app.email_with("jiro@example.jp", "How did it go?").await;
    let invitations = feedback_invitation::Entity::find()
        .all(&state.db)
        .await
        .unwrap();
    assert_eq!(invitations.len(), 2);
}

/// The "done when", over HTTP: a newcomer resolves a request; the customer follows
/// the email's link and leaves a suggestion; a coordinator tags it and gathers it into a new
/// improvement case; a supervisor publishes it done; `/improvements` shows it in Japanese
/// and English; `/staff/feedback` shows the month's figures and the CSV holds the row.
async fn a_suggestion_becomes_a_published_improvement_and_a_figure(app: TestApp) {
    let (newcomer, _) = app.signed_in(Role::Coordinator).await;
    let (id, _) = send(&app, "kenji@example.jp", Lang::Ja).await;
    let resolved = newcomer
        .post(
            &format!("/staff/requests/{id}/status"),
            &[("status", "resolved")],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER);
    let link = asked_link(&app, "kenji@example.jp", "いかがでしたか").await;
    let customer = app.browser();
    let form = customer.get(&link).await;
    assert_eq!(form.text("h1"), "いかがでしたか");
    let comment = "動画の説明に字幕をつけてください。";
    let sent = customer
        .post(
            &link,
            &[
                ("ease", "3"),
                ("feedback_kind", "suggestion"),
                ("comment", comment),
            ],
        )
        .await;
    assert_eq!(see_other(&sent), "/feedback/thanks");

    let (admin, _) = app.signed_in(Role::Admin).await;
    admin
        .post(
            "/staff/feedback/themes",
            &[("theme_ja", "字幕"), ("theme_en", "Captions")],
        )
        .await;
    let list = newcomer.get("/staff/feedback").await;
    let item = list
        .attr("table a[href^='/staff/feedback/']", "href")
        .unwrap();
    let feedback_id = item.trim_start_matches("/staff/feedback/").to_owned();
    let theme = newcomer
        .get(&item)
        .await
        .attr("input[name=theme]", "value")
        .unwrap();
    newcomer.post(&item, &[("theme", &theme)]).await;
    let new_case = format!("/staff/improvements/new?feedback={feedback_id}");
    let page = newcomer.get(&new_case).await;
    assert!(page.body.contains(comment), "{}", page.body);
    let opened = newcomer
        .post(
            &new_case,
            &[
                ("you_said_ja", "動画の説明に字幕がほしい。"),
                (
                    "you_said_en",
                    "You asked for captions on our video explanations.",
                ),
            ],
        )
        .await;
    let case = see_other(&opened);
    let case = case.split('?').next().unwrap().to_owned();
    let status = format!("{case}/status");
    let moved = newcomer.post(&status, &[("status", "in_progress")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let done = newcomer
        .post(
            &status,
            &[
                ("status", "done"),
                ("you_said_ja", "動画の説明に字幕がほしい。"),
                (
                    "you_said_en",
                    "You asked for captions on our video explanations.",
                ),
                ("we_did_ja", "すべての説明動画に字幕をつけました。"),
                ("we_did_en", "Every explanation video now has captions."),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // Coordinators do not publish; a supervisor does.
    let refused = newcomer
        .post(&format!("{case}/publish"), &[("publish", "1")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (supervisor, _) = app.signed_in(Role::Supervisor).await;
    let published = supervisor
        .post(&format!("{case}/publish"), &[("publish", "1")])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );

    let ja = app.browser().get("/improvements").await;
    assert!(
        ja.body.contains("すべての説明動画に字幕をつけました。"),
        "{}",
        ja.body
    );
    assert!(ja.body.contains("動画の説明に字幕がほしい。"));
    let en = app.english_browser().await.get("/improvements").await;
    assert!(
        en.body
            .contains("Every explanation video now has captions."),
        "{}",
        en.body
    );
    assert!(!en.body.contains("すべての説明動画"));
    assert!(en.body.contains("Raised by 1 customer"), "{}", en.body);

    // The month's figures: one response about a request, with its ease.
    let staff_page = newcomer.get("/staff/feedback").await;
    assert!(staff_page.attr("figure svg[role=img]", "role").is_some());
    let tables = staff_page.texts("table");
    assert!(
        tables.iter().any(|t| t.contains("3.0")),
        "the month's mean ease is in a table: {tables:?}"
    );
    let list_row = staff_page.text("#feedback-list tbody tr");
    assert!(list_row.contains("字幕"), "{list_row}");
    // The CSV holds the row.
    let csv = newcomer.get("/staff/feedback/export.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let reference = feedback_rows(&app).await[0].reference.clone();
    let row = csv
        .body
        .lines()
        .find(|l| l.starts_with(&reference))
        .unwrap_or_else(|| panic!("no row for {reference}: {}", csv.body));
    assert!(row.contains(comment), "{row}");
    assert!(row.contains("suggestion"), "{row}");
}
