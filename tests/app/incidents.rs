//! Customer-harassment incidents: any staff member reports one, from a request, a session
//! (quoting its chat word for word), a proxy registration or on its own; the report must
//! pass the ministry manual's two tests and must not be a request for an accommodation; it
//! is never edited, only added to; supervisors and admins alone read the list and each
//! incident, every read audited; and "I need support" calls the supervisors at once.

use crate::support::{Backend, Browser, Page, TestApp, at, see_other, text_of, today, tomorrow};
use crate::{backend_tests, db_tests};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use yorisoi::domain::Qualification::WrittenChat;
use yorisoi::domain::chat::Author;
use yorisoi::domain::request::{NewRequest, ReplyChannel, Topic};
use yorisoi::domain::schedule::SessionMode;
use yorisoi::domain::{Email, Lang, Role};
use yorisoi::entities::{audit_event, incident, support_request};
use yorisoi::services::{chat, requests};

db_tests!(
    a_coordinator_reports_from_a_request_and_only_supervisors_read_it,
    a_fair_demand_or_an_accommodation_is_never_filed,
    a_report_is_never_edited_and_closes_only_after_follow_up,
    i_need_support_on_a_request_hands_it_to_a_supervisor,
);

backend_tests!(
    i_need_support_in_the_chat_room_calls_supervisors_and_the_report_quotes_the_chat,
    a_report_on_its_own_names_the_customer_by_email_or_member_number,
);

/// Sends a request from Hanako Yamada (hanako@example.jp, member number AB12345); its id.
pub(crate) async fn send_request(app: &TestApp) -> i64 {
    let new = NewRequest {
        topic: Topic::Statements,
        details: "Why was I charged twice?".to_owned(),
        name: "Hanako Yamada".to_owned(),
        member_number: Some("AB12345".to_owned()),
        channel: ReplyChannel::Email,
        email: Some(Email::parse("hanako@example.jp").unwrap()),
        fax: None,
        address: None,
    };
    requests::submit::send(&app.uc(), &new, Lang::En, None, None)
        .await
        .unwrap()
        .request
        .id
}

/// A report's answers that pass every check: abusive words in a request, yesterday at
/// 14:05, the reporter affected.
fn answers(app: &TestApp, affected: i64) -> Vec<(&'static str, String)> {
    let day = today(app) - time::Duration::days(1);
    vec![
        ("occurred-year", day.year().to_string()),
        ("occurred-month", u8::from(day.month()).to_string()),
        ("occurred-day", day.day().to_string()),
        ("occurred_time", "14:05".to_owned()),
        ("venue", "request".to_owned()),
        ("category", "abusive_words".to_owned()),
        (
            "account",
            "Wrote that I was useless and should be fired, three times.".to_owned(),
        ),
        ("demand", "unreasonable".to_owned()),
        ("manner", "unacceptable".to_owned()),
        ("affected", affected.to_string()),
        ("not_accommodation", "yes".to_owned()),
    ]
}

async fn post(browser: &Browser, path: &str, fields: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post(path, &pairs).await
}

fn without(fields: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    fields.iter().filter(|(k, _)| *k != name).cloned().collect()
}

fn with(
    fields: &[(&'static str, String)],
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut all = without(fields, name);
    all.push((name, value.to_owned()));
    all
}

/// The id at the end of a redirect's path, before any query.
fn id_in(location: &str) -> i64 {
    location
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn incidents(app: &TestApp) -> Vec<incident::Model> {
    incident::Entity::find().all(&app.state().db).await.unwrap()
}

async fn audited(app: &TestApp, action: &str) -> usize {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .all(&app.state().db)
        .await
        .unwrap()
        .len()
}

async fn a_coordinator_reports_from_a_request_and_only_supervisors_read_it(app: TestApp) {
    let request = send_request(&app).await;
    let coordinator_email = "kato@example.jp";
    let coordinator_id = app.create_staff(coordinator_email, Role::Coordinator).await;
    let coordinator = app.sign_in_as(coordinator_email).await;
    coordinator.get("/language/en").await;
    app.create_staff("boss@example.jp", Role::Supervisor).await;

    // The request's page offers the report and the call for support.
    let page = coordinator.get(&format!("/staff/requests/{request}")).await;
    let new = format!("/staff/incidents/new?request={request}");
    assert!(
        page.attrs("#support a", "href").contains(&new),
        "{}",
        page.body
    );
    assert_eq!(
        page.attr("#support form", "action").as_deref(),
        Some(format!("/staff/requests/{request}/support").as_str())
    );

    // The form starts from the request: its customer, now, and the reporter affected.
    let form = coordinator.get(&new).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text("main").contains("Hanako Yamada"), "{}", form.body);
    assert_eq!(
        form.attr("input[name=venue][checked]", "value").as_deref(),
        Some("request")
    );
    assert_eq!(
        form.attrs("input[name=affected][checked]", "value"),
        vec![coordinator_id.to_string()]
    );
    assert!(
        form.text("main")
            .contains("Reporting never counts against you")
    );
    assert_eq!(
        form.attr("main a[href='/policy/customer-harassment']", "href")
            .as_deref(),
        Some("/policy/customer-harassment")
    );

    // Something left out comes back with the reason and everything typed.
    let full = answers(&app, coordinator_id);
    let refused = post(&coordinator, &new, &without(&full, "category")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.title().starts_with("Error"), "{}", refused.title());
    assert_eq!(
        refused.texts(".error-summary a"),
        vec!["Choose what kind of conduct it was"]
    );
    assert!(
        refused
            .text("#account")
            .contains("useless and should be fired")
    );
    assert!(incidents(&app).await.is_empty());

    let sent = post(&coordinator, &new, &full).await;
    let location = see_other(&sent);
    assert!(location.starts_with("/staff/incidents/mine/"), "{location}");
    let id = id_in(&location);
    let mine = coordinator.get(&location).await;
    assert!(
        mine.text("main").contains("sent to the supervisors"),
        "{}",
        mine.body
    );
    assert!(mine.text("main").contains("useless and should be fired"));
    // The reporter's own page does not show the customer's contact details.
    assert!(!mine.text("main").contains("hanako@example.jp"));
    let listed = coordinator.get("/staff/incidents/mine").await;
    assert!(
        listed
            .attrs("table a", "href")
            .contains(&format!("/staff/incidents/mine/{id}"))
    );

    let stored = incidents(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].request_id, Some(request));
    assert_eq!(
        stored[0].customer_email.as_deref(),
        Some("hanako@example.jp")
    );
    assert_eq!(stored[0].member_number.as_deref(), Some("AB12345"));
    assert!(
        stored[0].reference.starts_with("H-"),
        "{}",
        stored[0].reference
    );
    assert_eq!(audited(&app, "incident.reported").await, 1);

    // The supervisors are told, without the customer's name.
    let told = app
        .email_with("boss@example.jp", &stored[0].reference)
        .await;
    let text = text_of(&told);
    assert!(text.contains(&format!("/staff/incidents/{id}")), "{text}");
    assert!(!text.contains("Hanako"), "{text}");

    // Coordinators and interpreters may not read the list or an incident.
    for role in [Role::Coordinator, Role::Interpreter] {
        let (other, _) = app.signed_in(role).await;
        for path in [
            "/staff/incidents".to_owned(),
            format!("/staff/incidents/{id}"),
        ] {
            assert_eq!(
                other.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{role:?} {path}"
            );
        }
        // Nor someone else's report.
        assert_eq!(
            other
                .get(&format!("/staff/incidents/mine/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        coordinator.get("/staff/incidents").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(audited(&app, "incident.read").await, 0);

    // A supervisor reads it, with the customer's history; the read is audited.
    let supervisor = app.sign_in_as("boss@example.jp").await;
    supervisor.get("/language/en").await;
    let list = supervisor.get("/staff/incidents").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.attrs("table a", "href")
            .contains(&format!("/staff/incidents/{id}"))
    );
    assert!(list.text("table").contains("Hanako Yamada"));
    let page = supervisor.get(&format!("/staff/incidents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("main").contains("hanako@example.jp"));
    assert!(
        page.text("main").contains("kato"),
        "the reporter is named to supervisors"
    );
    assert!(
        page.attrs("main a", "href")
            .contains(&format!("/staff/requests/{request}")),
        "the history links the customer's request"
    );
    assert_eq!(audited(&app, "incident.read").await, 1);
    supervisor.get(&format!("/staff/incidents/{id}")).await;
    assert_eq!(audited(&app, "incident.read").await, 2);
    // Admins read it too.
    let (admin, _) = app.signed_in(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/staff/incidents/{id}")).await.status,
        StatusCode::OK
    );
}

async fn a_fair_demand_or_an_accommodation_is_never_filed(app: TestApp) {
    let request = send_request(&app).await;
    let (coordinator, id) = app.signed_in(Role::Coordinator).await;
    coordinator.get("/language/en").await;
    let new = format!("/staff/incidents/new?request={request}");
    let full = answers(&app, id);

    // A fair demand made acceptably, or no demand made acceptably, is not harassment.
    for demand in ["reasonable", "no_demand"] {
        let fair = with(&with(&full, "demand", demand), "manner", "acceptable");
        let refused = post(&coordinator, &new, &fair).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let reasons = refused.texts(".error-summary a");
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].contains("it is not harassment"), "{reasons:?}");
    }
    // Without the confirmation that it was not a request for an accommodation, nothing is
    // kept either.
    let unconfirmed = post(&coordinator, &new, &without(&full, "not_accommodation")).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unconfirmed.texts(".error-summary a")[0].contains("not a request for an accommodation")
    );
    // A staff member who does not exist, or a quote from nowhere, is refused whole.
    let ghost = post(&coordinator, &new, &with(&full, "affected", "999999")).await;
    assert_eq!(ghost.status, StatusCode::UNPROCESSABLE_ENTITY);
    let quote = post(&coordinator, &new, &with(&full, "quotes", "1")).await;
    assert_eq!(quote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(incidents(&app).await.is_empty());
    assert_eq!(app.count("incident_staff").await, 0);
    // Either test alone is enough.
    let words_only = with(&full, "demand", "reasonable");
    assert_eq!(
        post(&coordinator, &new, &words_only).await.status,
        StatusCode::SEE_OTHER
    );

    // In Japanese, the same refusal in Japanese.
    coordinator.get("/language/ja").await;
    let fair = with(&with(&full, "demand", "reasonable"), "manner", "acceptable");
    let refused = post(&coordinator, &new, &fair).await;
    assert!(refused.texts(".error-summary a")[0].contains("ハラスメントにはあたりません"));
}

async fn a_report_is_never_edited_and_closes_only_after_follow_up(app: TestApp) {
    let request = send_request(&app).await;
    let (coordinator, coordinator_id) = app.signed_in(Role::Coordinator).await;
    coordinator.get("/language/en").await;
    let sent = post(
        &coordinator,
        &format!("/staff/incidents/new?request={request}"),
        &answers(&app, coordinator_id),
    )
    .await;
    let id = id_in(&see_other(&sent));

    // The reporter adds what they remember later.
    let own = format!("/staff/incidents/mine/{id}");
    let empty = coordinator
        .post(&format!("{own}/additions"), &[("addition", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let added = coordinator
        .post(
            &format!("{own}/additions"),
            &[("addition", "He also wrote my name on a review site.")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);

    let supervisor = app.english_staff(Role::Supervisor).await;
    let page = format!("/staff/incidents/{id}");
    // Closing waits for the follow-up offered to the staff affected.
    let early = supervisor
        .post(&format!("{page}/status"), &[("status", "closed")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.texts(".error-summary a")[0].contains("Record the follow-up"));
    assert!(
        early
            .text("main")
            .contains("No follow-up has been recorded yet")
    );
    supervisor
        .post(
            &format!("{page}/additions"),
            &[
                ("addition_kind", "note"),
                ("addition", "Called the customer's branch."),
            ],
        )
        .await;
    let follow_up = supervisor
        .post(
            &format!("{page}/additions"),
            &[
                ("addition_kind", "follow_up"),
                (
                    "addition",
                    "Talked with them the same day; offered a day off.",
                ),
            ],
        )
        .await;
    assert_eq!(follow_up.status, StatusCode::SEE_OTHER);
    let closed = supervisor
        .post(&format!("{page}/status"), &[("status", "closed")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);

    // The report reads as it was sent, with everything added after it.
    let stored = &incidents(&app).await[0];
    assert_eq!(
        stored.account,
        "Wrote that I was useless and should be fired, three times."
    );
    assert!(stored.closed_at.is_some());
    let read = supervisor.get(&page).await;
    let additions = read.text("#additions + ul");
    for said in [
        "review site",
        "Called the customer's branch",
        "offered a day off",
        "Closed",
    ] {
        assert!(additions.contains(said), "{said}: {additions}");
    }
    // The reporter sees their own addition, the follow-up and the status; a supervisor's
    // own note stays with supervisors.
    let mine = coordinator.get(&own).await.text("main");
    assert!(mine.contains("review site"));
    assert!(mine.contains("offered a day off"));
    assert!(!mine.contains("Called the customer's branch"), "{mine}");
    // Nothing offers to change what was reported.
    assert!(
        !yorisoi::web::routes::table()
            .iter()
            .any(|r| r.path.contains("incidents") && r.path.ends_with("/edit"))
    );
}

async fn i_need_support_on_a_request_hands_it_to_a_supervisor(app: TestApp) {
    let request = send_request(&app).await;
    let (coordinator, coordinator_id) = app.signed_in(Role::Coordinator).await;
    coordinator.get("/language/en").await;
    requests::staff::assign(&app.uc(), request, Some(coordinator_id))
        .await
        .unwrap();
    let supervisor_id = app.create_staff("boss@example.jp", Role::Supervisor).await;

    let called = coordinator
        .post(&format!("/staff/requests/{request}/support"), &[])
        .await;
    let form = see_other(&called);
    assert!(form.starts_with("/staff/incidents/new?call="), "{form}");
    let page = coordinator.get(&form).await;
    assert!(
        page.text(".banner")
            .contains("The supervisors have been told")
    );
    assert!(
        page.text("main").contains("Hanako Yamada"),
        "the call's request is the start"
    );
    let told = app
        .email_with("boss@example.jp", "支援を求めています")
        .await;
    assert!(
        text_of(&told).contains("/staff/incidents"),
        "{}",
        text_of(&told)
    );
    // Until it is written up, the call waits on the reporter's own page.
    let mine = coordinator.get("/staff/incidents/mine").await;
    assert!(
        mine.attrs("main a", "href")
            .contains(&form.replace("&called=1", ""))
    );

    // The supervisor's dashboard shows the call at once, with a button to take it over.
    let supervisor = app.sign_in_as("boss@example.jp").await;
    supervisor.get("/language/en").await;
    let dashboard = supervisor.get("/staff").await;
    let banner = dashboard.text("#support-calls + ul");
    assert!(banner.contains("asked for support"), "{}", dashboard.body);
    let take = dashboard
        .attr("#support-calls + ul form", "action")
        .unwrap();
    // Coordinators see no such banner and may not take calls.
    assert!(
        coordinator
            .get("/staff")
            .await
            .texts("#support-calls")
            .is_empty()
    );
    assert_eq!(
        coordinator.post(&take, &[]).await.status,
        StatusCode::FORBIDDEN
    );

    let taken = supervisor.post(&take, &[]).await;
    assert_eq!(see_other(&taken), format!("/staff/requests/{request}"));
    let handed = support_request::Entity::find_by_id(request)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(handed.assignee_id, Some(supervisor_id));
    assert!(
        supervisor
            .get("/staff")
            .await
            .texts("#support-calls")
            .is_empty()
    );
    assert_eq!(audited(&app, "incident.support_called").await, 1);
    assert_eq!(audited(&app, "incident.support_taken").await, 1);
    // Taking it twice changes nothing.
    assert_eq!(
        supervisor.post(&take, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audited(&app, "incident.support_taken").await, 1);

    // Writing the report up from the call clears it from the reporter's list.
    let sent = post(&coordinator, &form, &answers(&app, coordinator_id)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mine = coordinator.get("/staff/incidents/mine").await;
    assert!(
        mine.texts("main h2")
            .iter()
            .all(|h| !h.contains("still to write up"))
    );
    assert_eq!(incidents(&app).await[0].request_id, Some(request));
}

async fn i_need_support_in_the_chat_room_calls_supervisors_and_the_report_quotes_the_chat(
    backend: Backend,
) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    use yorisoi::domain::booking::DetailsForm;
    use yorisoi::services::booking::make;
    app.open_every_day("09:00", "17:00").await;
    let suzuki_id = app
        .add_interpreter("suzuki", &[WrittenChat], &[("09:00", "17:00")])
        .await;
    app.create_staff("boss@example.jp", Role::Supervisor).await;
    let mode = SessionMode::WrittenChat;
    let details = DetailsForm {
        name: "Ichiro Tanaka".into(),
        email: "ichiro@example.jp".into(),
        topic: "statements".into(),
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
            request_id: None,
        },
        None,
    )
    .await
    .unwrap();
    let id = booked.booking.id;
    chat::open_now(&app.uc(), id).await.unwrap();
    let said = "If you do not refund me today I will find out where you live.";
    let b = yorisoi::services::booking::get(&app.state().db, id)
        .await
        .unwrap()
        .unwrap();
    let writer = chat::Writer {
        author: Author::Customer,
        staff_user_id: None,
        name: &b.customer_name,
    };
    let message = chat::post(&app.uc(), id, &writer, said).await.unwrap();

    let suzuki = app.sign_in_as("suzuki@example.jp").await;
    suzuki.get("/language/en").await;
    let room = suzuki.get(&format!("/staff/sessions/{id}/chat")).await;
    let call = room.attr("#support form", "action").unwrap();
    assert_eq!(call, format!("/staff/sessions/{id}/chat/support"));
    // Another interpreter may not call from a room that is not theirs.
    let (other, _) = app.signed_in(Role::Interpreter).await;
    assert_eq!(other.post(&call, &[]).await.status, StatusCode::FORBIDDEN);

    let form = see_other(&suzuki.post(&call, &[]).await);
    let page = suzuki.get(&form).await;
    assert_eq!(
        page.attr("input[name=venue][checked]", "value").as_deref(),
        Some("written_chat")
    );
    assert!(
        page.text("main").contains(said),
        "the chat is there to quote"
    );
    app.email_with("boss@example.jp", "支援を求めています")
        .await;

    let mut fields = answers(&app, suzuki_id);
    fields = with(&fields, "venue", "written_chat");
    fields = with(&fields, "category", "privacy");
    fields.push(("quotes", message.id.to_string()));
    let sent = post(&suzuki, &form, &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let stored = &incidents(&app).await[0];
    assert_eq!(stored.booking_id, Some(id));
    assert_eq!(stored.customer_email.as_deref(), Some("ichiro@example.jp"));

    // The quote is the message word for word, even once the room's messages are gone.
    app.sql("DELETE FROM chat_messages").await;
    let own = suzuki.get(&see_other(&sent)).await;
    let quoted = own.text(".chat-log");
    assert!(quoted.contains(said), "{quoted}");
    assert!(quoted.contains("Ichiro Tanaka"), "{quoted}");

    // The supervisor takes the call and lands in the room.
    let supervisor = app.sign_in_as("boss@example.jp").await;
    let take = supervisor
        .get("/staff/incidents")
        .await
        .attr("#support-calls + ul form", "action")
        .unwrap();
    let taken = supervisor.post(&take, &[]).await;
    assert_eq!(see_other(&taken), format!("/staff/sessions/{id}/chat"));
}

async fn a_report_on_its_own_names_the_customer_by_email_or_member_number(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    let (interpreter, id) = app.signed_in(Role::Interpreter).await;
    interpreter.get("/language/en").await;
    let new = "/staff/incidents/new";
    let form = interpreter.get(new).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.attrs("input", "name")
            .contains(&"customer_email".to_owned())
    );

    let mut fields = with(&answers(&app, id), "venue", "writing");
    fields.push(("customer_name", "Jiro Suzuki".to_owned()));
    let refused = post(&interpreter, new, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.texts(".error-summary a"),
        vec!["Enter the customer's email address or member number"]
    );
    assert_eq!(
        refused.attr("#customer_name", "value").as_deref(),
        Some("Jiro Suzuki")
    );
    fields.push(("member_number", "ＣＤ９８７６".to_owned()));
    let sent = post(&interpreter, new, &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let stored = &incidents(&app).await[0];
    assert_eq!(stored.member_number.as_deref(), Some("CD9876"));
    assert_eq!(stored.customer_name.as_deref(), Some("Jiro Suzuki"));
    assert_eq!(stored.request_id, None);

    // An interpreter may not report from a request, which they cannot see.
    let request = send_request(&app).await;
    let from_request = interpreter
        .get(&format!("/staff/incidents/new?request={request}"))
        .await;
    assert_eq!(from_request.status, StatusCode::FORBIDDEN);
    // A start that names nothing is not found.
    let nothing = interpreter.get("/staff/incidents/new?session=999999").await;
    assert_eq!(nothing.status, StatusCode::NOT_FOUND);
}
