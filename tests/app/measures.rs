//! Measures after an incident: a warning the customer receives; a suspension that takes
//! effect only when a second person approves it; the calm page a restricted customer meets,
//! with every always-open way in still open under every measure; an appeal from the notice,
//! decided by a supervisor who took no part; and a proxy's conduct limiting the proxy alone.

use crate::incidents::send_request;
use crate::proxies::{application, approved, proxy_browser, scopes};
use crate::support::{Backend, Browser, Page, TestApp, html_of, see_other, text_of, today};
use crate::{backend_tests, db_tests};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use yorisoi::domain::Role;
use yorisoi::entities::{measure, support_request};

db_tests!(
    a_warning_then_an_approved_suspension_then_an_appeal_another_supervisor_lifts,
    what_always_stays_open_stays_open_under_every_measure,
);

backend_tests!(a_proxys_conduct_limits_the_proxy_never_the_customer,);

const CUSTOMER: &str = "hanako@example.jp";

/// A coordinator's report from `request`, about the customer's abusive words; the
/// incident's id.
async fn report(app: &TestApp, request: i64) -> i64 {
    let (coordinator, id) = app.signed_in(Role::Coordinator).await;
    let day = today(app) - time::Duration::days(1);
    let fields = [
        ("occurred-year", day.year().to_string()),
        ("occurred-month", u8::from(day.month()).to_string()),
        ("occurred-day", day.day().to_string()),
        ("occurred_time", "14:05".to_owned()),
        ("venue", "request".to_owned()),
        ("category", "abusive_words".to_owned()),
        ("account", "Insulted me and demanded I be fired.".to_owned()),
        ("demand", "unreasonable".to_owned()),
        ("manner", "unacceptable".to_owned()),
        ("affected", id.to_string()),
        ("not_accommodation", "yes".to_owned()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = coordinator
        .post(&format!("/staff/incidents/new?request={request}"), &pairs)
        .await;
    see_other(&sent)
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The last day of a measure, three months from now, as the form's three boxes.
fn ends(app: &TestApp) -> [(&'static str, String); 3] {
    let day = today(app) + time::Duration::days(90);
    [
        ("ends-year", day.year().to_string()),
        ("ends-month", u8::from(day.month()).to_string()),
        ("ends-day", day.day().to_string()),
    ]
}

/// Takes a measure on an incident's page: the answer.
async fn take(
    app: &TestApp,
    staff: &Browser,
    incident: i64,
    fields: &[(&'static str, &str)],
) -> Page {
    let dates = ends(app);
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.extend(dates.iter().map(|(k, v)| (*k, v.as_str())));
    all.push(("letter_lang", "en"));
    staff
        .post(&format!("/staff/incidents/{incident}/measures"), &all)
        .await
}

async fn measures(app: &TestApp) -> Vec<measure::Model> {
    measure::Entity::find().all(&app.state().db).await.unwrap()
}

async fn request_count(app: &TestApp) -> usize {
    support_request::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap()
        .len()
}

/// Every id on the page names one element, so labels, hints and links find theirs.
fn assert_unique_ids(page: &Page) {
    let mut ids = page.attrs("[id]", "id");
    ids.sort();
    let mut repeated: Vec<&String> = ids
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    repeated.dedup();
    assert!(repeated.is_empty(), "ids used twice: {repeated:?}");
}

/// Walks the public request journey about `topic`, answered `channel` at `contact`, and
/// presses send: the answer to the press.
async fn send_online(browser: &Browser, topic: &str, channel: &str, contact: &str) -> Page {
    let steps: [(&str, Vec<(&str, &str)>); 5] = [
        ("/requests/new/topic", vec![("topic", topic)]),
        (
            "/requests/new/details",
            vec![("details", "My November statement shows one payment twice.")],
        ),
        (
            "/requests/new/about-you",
            vec![("name", "Hanako Yamada"), ("member_number", "AB12345")],
        ),
        ("/requests/new/reply", vec![("channel", channel)]),
        (
            "/requests/new/contact",
            match channel {
                "post" => vec![("address", "1-1 Chiyoda, Tokyo")],
                _ => vec![("email", contact)],
            },
        ),
    ];
    for (path, fields) in steps {
        let page = browser.post(path, &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}: {}", page.body);
    }
    browser.post("/requests/new/check", &[]).await
}

async fn a_warning_then_an_approved_suspension_then_an_appeal_another_supervisor_lifts(
    app: TestApp,
) {
    let request = send_request(&app).await;
    let incident = report(&app, request).await;
    let first_id = app.create_staff("first@example.jp", Role::Supervisor).await;
    let first = app.sign_in_as("first@example.jp").await;
    first.get("/language/en").await;
    let page = format!("/staff/incidents/{incident}");

    // A refused measure comes back with what was typed.
    let refused = take(
        &app,
        &first,
        incident,
        &[
            ("measure_kind", "suspension"),
            ("measure_reason", "Threats."),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.texts(".error-summary a"),
        vec!["Choose what is suspended: new requests, new sessions or both"]
    );
    assert_eq!(refused.text("#measure_reason"), "Threats.");
    assert!(measures(&app).await.is_empty());

    // A warning: in force at once, and the customer receives it.
    let warned = take(
        &app,
        &first,
        incident,
        &[
            ("measure_kind", "warning"),
            (
                "measure_reason",
                "On 29 November you insulted a member of our staff.",
            ),
        ],
    )
    .await;
    assert_eq!(see_other(&warned), format!("{page}?done=measure#measures"));
    let warning = app
        .email_with(CUSTOMER, "A warning from our support desk")
        .await;
    let text = text_of(&warning);
    assert!(
        text.contains("you insulted a member of our staff"),
        "{text}"
    );
    assert!(text.contains("/policy/customer-harassment"), "{text}");
    assert!(text.contains("Reporting a lost or stolen card"), "{text}");
    assert!(text.contains("Appealing against this decision"), "{text}");
    assert!(!html_of(&warning).is_empty());
    // A warning limits nothing.
    let browser = app.english_browser().await;
    let sent = send_online(&browser, "statements", "email", CUSTOMER).await;
    assert!(see_other(&sent).starts_with("/requests/"), "{}", sent.body);

    // A suspension is proposed, and is not in force until a second person approves it.
    let proposed = take(
        &app,
        &first,
        incident,
        &[
            ("measure_kind", "suspension"),
            ("suspend", "requests"),
            (
                "measure_reason",
                "You wrote threats to our staff again after our warning.",
            ),
        ],
    )
    .await;
    assert_eq!(
        see_other(&proposed),
        format!("{page}?done=proposed#measures")
    );
    let suspension = measures(&app)
        .await
        .into_iter()
        .find(|m| m.suspend_requests)
        .unwrap();
    let own = first.get(&page).await;
    assert!(
        own.text("main")
            .contains("You cannot approve your own proposal")
    );
    assert_eq!(
        first
            .post(&format!("/staff/measures/{}/approve", suspension.id), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let before = request_count(&app).await;
    let browser = app.english_browser().await;
    let sent = send_online(&browser, "points", "email", CUSTOMER).await;
    assert!(
        see_other(&sent).starts_with("/requests/"),
        "not yet in force"
    );
    assert_eq!(request_count(&app).await, before + 1);

    // An admin approves it: in force, and the customer is told.
    let admin_id = app.create_staff("admin@example.jp", Role::Admin).await;
    let admin = app.sign_in_as("admin@example.jp").await;
    admin.get("/language/en").await;
    let approved = admin
        .post(&format!("/staff/measures/{}/approve", suspension.id), &[])
        .await;
    assert_eq!(
        see_other(&approved),
        format!("{page}?done=approved#measures")
    );
    let letter = app
        .email_with(CUSTOMER, "A pause on new requests or sessions")
        .await;
    let notice = app.link_path(&letter, "/notices/");

    // The customer meets the calm page instead of sending, with nothing written.
    let before = request_count(&app).await;
    let browser = app.english_browser().await;
    let held = send_online(&browser, "statements", "email", CUSTOMER).await;
    assert_eq!(see_other(&held), "/requests/new/limited");
    let calm = browser.get("/requests/new/limited").await;
    assert_eq!(calm.status, StatusCode::OK);
    assert_eq!(calm.text("h1"), "We cannot take this just now");
    let said = calm.text("main");
    assert!(said.contains("not taking new requests"), "{said}");
    assert!(said.contains("Reporting a lost or stolen card"), "{said}");
    assert!(said.contains("Asking for an accommodation"), "{said}");
    assert!(
        !said.contains("threats"),
        "the reason stays in the letter: {said}"
    );
    assert_eq!(request_count(&app).await, before);
    // Yet a lost card, and an accommodation, are taken at once.
    for topic in ["lost_stolen", "accommodation"] {
        let browser = app.english_browser().await;
        let sent = send_online(&browser, topic, "email", CUSTOMER).await;
        assert!(
            see_other(&sent).starts_with("/requests/"),
            "{topic}: {}",
            sent.body
        );
    }
    assert_eq!(request_count(&app).await, before + 2);

    // The customer appeals from the notice.
    let read = app.english_browser().await;
    let notice_page = read.get(&notice).await;
    assert_eq!(notice_page.status, StatusCode::OK);
    assert!(
        notice_page
            .text("main")
            .contains("threats to our staff again")
    );
    let empty = read
        .post(&format!("{notice}/appeal"), &[("appeal", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The error links to the box, the one element with its id.
    assert_eq!(empty.attrs(".error-summary a", "href"), vec!["#appeal"]);
    assert_eq!(empty.attr("#appeal", "name").as_deref(), Some("appeal"));
    let appealed = read
        .post(
            &format!("{notice}/appeal"),
            &[("appeal", "I was upset about the double charge. I am sorry.")],
        )
        .await;
    assert_eq!(see_other(&appealed), format!("{notice}?sent=1#appealing"));
    app.email_with(CUSTOMER, "We have your message").await;
    let again = read
        .post(
            &format!("{notice}/appeal"),
            &[("appeal", "Another message.")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one appeal at a time"
    );

    // Neither the supervisor who proposed it nor the admin who approved it may decide.
    let appeal_id = yorisoi::entities::measure_appeal::Entity::find()
        .all(&app.state().db)
        .await
        .unwrap()[0]
        .id;
    let decide = format!("/staff/appeals/{appeal_id}/decide");
    let answer = [
        ("outcome", "lifted"),
        ("answer", "Thank you for your apology."),
    ];
    for (who, browser) in [(first_id, &first), (admin_id, &admin)] {
        assert_eq!(
            browser.post(&decide, &answer).await.status,
            StatusCode::FORBIDDEN,
            "staff {who} took part"
        );
    }
    assert!(
        first
            .get(&page)
            .await
            .text("main")
            .contains("did not take or approve")
    );

    // Another supervisor lifts it, and the customer reads the answer.
    app.create_staff("second@example.jp", Role::Supervisor)
        .await;
    let second = app.sign_in_as("second@example.jp").await;
    // Two measures in force, each with a box to lift it, and the appeal's box for the answer:
    // each has an id of its own.
    let before = second.get(&page).await;
    assert_eq!(before.attrs("textarea[name=answer]", "id").len(), 3);
    assert_unique_ids(&before);
    let decided = second.post(&decide, &answer).await;
    assert_eq!(see_other(&decided), format!("{page}?done=appeal#measures"));
    // What was done and the follow-up still due: two banners, each titled by its own id.
    assert_unique_ids(&second.get(&see_other(&decided)).await);
    let answered = app.email_with(CUSTOMER, "Our answer to your appeal").await;
    assert!(text_of(&answered).contains("Thank you for your apology."));
    let lifted = measures(&app)
        .await
        .into_iter()
        .find(|m| m.id == suspension.id)
        .unwrap();
    assert_eq!(lifted.status.as_str(), "lifted");
    let browser = app.english_browser().await;
    let sent = send_online(&browser, "statements", "email", CUSTOMER).await;
    assert!(see_other(&sent).starts_with("/requests/"), "{}", sent.body);
    assert!(
        read.get(&notice)
            .await
            .text("main")
            .contains("lifted early")
    );
    // The supervisor who proposed the suspension was not asked to approve it.
    assert!(
        app.emails_to("first@example.jp")
            .iter()
            .all(|raw| !crate::support::subject_of(raw).contains("承認を待って")),
        "the proposer is not asked to approve their own proposal"
    );
    // The reports count it all, as charts with tables and as CSV.
    let reports = second.get("/staff/incidents/reports").await;
    assert_eq!(reports.status, StatusCode::OK);
    assert_eq!(
        reports
            .attrs("figure svg[role=img]", "aria-labelledby")
            .len(),
        2
    );
    assert!(!reports.text("figure svg title").is_empty());
    let csv = second.get("/staff/incidents/reports.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows: Vec<&str> = csv.body.lines().collect();
    assert_eq!(rows.len(), 13, "a header and twelve months");
    assert!(
        rows[0].starts_with("month,reported,category_violence_threats"),
        "{}",
        rows[0]
    );
    let header: Vec<&str> = rows[0].split(',').collect();
    let this_month: Vec<&str> = rows[12].split(',').collect();
    let column = |name: &str| this_month[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(column("reported"), "1");
    assert_eq!(column("category_abusive_words"), "1");
    assert_eq!(
        column("measures_taken"),
        "2",
        "the warning and the approved suspension"
    );
    assert_eq!(column("measures_lifted"), "1");
    // The table beside the chart holds the same figures.
    let table = reports.texts("#measures-table tbody tr").pop().unwrap();
    assert!(table.contains('2') && table.contains('1'), "{table}");
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    for path in ["/staff/incidents/reports", "/staff/incidents/reports.csv"] {
        assert_eq!(coordinator.get(path).await.status, StatusCode::FORBIDDEN);
    }
    for action in [
        "measure.taken",
        "measure.proposed",
        "measure.approved",
        "measure.appealed",
        "measure.appeal_decided",
        "measure.lifted",
    ] {
        assert_eq!(
            app.count(&format!("audit_events WHERE action = '{action}'"))
                .await,
            1,
            "{action}"
        );
    }
}

async fn what_always_stays_open_stays_open_under_every_measure(app: TestApp) {
    app.desk_with_interpreters().await;
    let request = send_request(&app).await;
    let incident = report(&app, request).await;
    let (supervisor, _) = app.signed_in(Role::Supervisor).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    // Each measure: its name, its fields, and the channel a request it holds is sent by.
    type Kind<'a> = (&'a str, Vec<(&'static str, &'a str)>, &'a str);
    let kinds: [Kind; 4] = [
        ("warning", vec![("measure_kind", "warning")], "statements"),
        (
            "email-only limit",
            vec![("measure_kind", "limits"), ("email_only", "yes")],
            "post",
        ),
        (
            "weekly limit and sessions by approval",
            vec![
                ("measure_kind", "limits"),
                ("weekly_requests", "1"),
                ("sessions_need_approval", "yes"),
            ],
            "statements",
        ),
        (
            "suspension of both",
            vec![
                ("measure_kind", "suspension"),
                ("suspend", "requests"),
                ("suspend", "sessions"),
            ],
            "statements",
        ),
    ];
    for (round, (name, fields, held_by)) in kinds.into_iter().enumerate() {
        // Only this measure is in force.
        app.sql("UPDATE measures SET status = 'lifted'").await;
        let mut fields = fields.clone();
        fields.push(("measure_reason", "Threats to our staff."));
        let taken = take(&app, &supervisor, incident, &fields).await;
        assert_eq!(taken.status, StatusCode::SEE_OTHER, "{name}");
        if name.starts_with("suspension") {
            let id = measures(&app)
                .await
                .into_iter()
                .max_by_key(|m| m.id)
                .unwrap()
                .id;
            see_other(
                &admin
                    .post(&format!("/staff/measures/{id}/approve"), &[])
                    .await,
            );
        }
        // A request this measure holds meets the calm page (a warning holds nothing).
        let browser = app.english_browser().await;
        let (topic, channel) = match held_by {
            "post" => ("statements", "post"),
            _ => ("statements", "email"),
        };
        // The weekly limit of one counts the request sent before.
        let press = send_online(&browser, topic, channel, CUSTOMER).await;
        let went = see_other(&press);
        if name == "warning" {
            assert!(went.starts_with("/requests/"), "{name}: {went}");
        } else {
            assert_eq!(went, "/requests/new/limited", "{name}");
            assert_eq!(browser.get(&went).await.status, StatusCode::OK, "{name}");
        }
        // Every always-open topic is taken, whatever the channel.
        for topic in [
            "lost_stolen",
            "unauthorised_use",
            "accommodation",
            "staff_conduct",
        ] {
            let browser = app.english_browser().await;
            let sent = send_online(&browser, topic, channel, CUSTOMER).await;
            let went = see_other(&sent);
            assert_ne!(went, "/requests/new/limited", "{name}: {topic}");
        }
        // A session about an accommodation is booked.
        let browser = app.english_browser().await;
        let start = crate::support::at(today(&app) + time::Duration::days(2), 9, 0)
            + time::Duration::hours(round as i64);
        let next = crate::support::choose_session(
            &browser,
            yorisoi::domain::schedule::SessionMode::WrittenChat,
            start,
        )
        .await;
        assert_eq!(next, "/book/details", "{name}");
        let details = [
            ("name", "Hanako Yamada"),
            ("email", CUSTOMER),
            ("member_number", "AB12345"),
            ("topic", "accommodation"),
            ("topic_other", ""),
            ("sign_language", ""),
            ("sign_language_other", ""),
            ("needs", "Please give me more time to read."),
        ];
        see_other(&browser.post("/book/details", &details).await);
        let booked = browser.post("/book/check", &[]).await;
        assert_eq!(see_other(&booked), "/book/confirmation", "{name}");
        // The customer ends a proxy registration: never asked about measures.
        // (A customer has at most three proxies: each round's registration is another
        // customer's, reached at the same address.)
        let proxy_email = format!("proxy{round}@example.jp");
        let (customer_name, kana) = [
            ("山田 花子", "やまだ はなこ"),
            ("山田 春子", "やまだ はるこ"),
            ("山田 夏子", "やまだ なつこ"),
            ("山田 秋子", "やまだ あきこ"),
        ][round];
        let r = approved(
            &app,
            &application(
                customer_name,
                kana,
                &proxy_email,
                scopes(true, true, false),
                Some(CUSTOMER),
            ),
        )
        .await;
        let ended = app
            .english_browser()
            .await
            .post(
                "/proxy/revoke",
                &[
                    ("reference", &r.reference),
                    ("name", customer_name),
                    ("birth-year", "1941"),
                    ("birth-month", "3"),
                    ("birth-day", "9"),
                ],
            )
            .await;
        assert_eq!(
            ended.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            ended.body
        );
        // And appeals from this measure's notice.
        let m = measures(&app)
            .await
            .into_iter()
            .max_by_key(|m| m.id)
            .unwrap();
        let letter = app.email_with(CUSTOMER, &m.reference).await;
        let notice = app.link_path(&letter, "/notices/");
        let appealed = app
            .english_browser()
            .await
            .post(
                &format!("{notice}/appeal"),
                &[("appeal", "Please think again.")],
            )
            .await;
        assert_eq!(
            see_other(&appealed),
            format!("{notice}?sent=1#appealing"),
            "{name}"
        );
    }
}

async fn a_proxys_conduct_limits_the_proxy_never_the_customer(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        return;
    };
    let proxy_email = "yumi@example.jp";
    let r = approved(
        &app,
        &application(
            "高橋 トメ",
            "たかはし とめ",
            proxy_email,
            scopes(true, true, false),
            Some("tome@example.jp"),
        ),
    )
    .await;
    let proxy = proxy_browser(&app, proxy_email).await;
    // A report about the proxy's conduct, from the registration.
    let (coordinator, id) = app.signed_in(Role::Coordinator).await;
    let day = today(&app) - time::Duration::days(1);
    let (y, m, d) = (
        day.year().to_string(),
        u8::from(day.month()).to_string(),
        day.day().to_string(),
    );
    let id = id.to_string();
    let fields = [
        ("occurred-year", y.as_str()),
        ("occurred-month", m.as_str()),
        ("occurred-day", d.as_str()),
        ("occurred_time", "10:30"),
        ("venue", "proxy"),
        ("subject", "proxy"),
        ("category", "violence_threats"),
        ("account", "Threatened to come to the office."),
        ("demand", "no_demand"),
        ("manner", "unacceptable"),
        ("affected", id.as_str()),
        ("not_accommodation", "yes"),
    ];
    let sent = coordinator
        .post(
            &format!("/staff/incidents/new?registration={}", r.id),
            &fields,
        )
        .await;
    let location = see_other(&sent);
    let incident: i64 = location
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (supervisor, _) = app.signed_in(Role::Supervisor).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let taken = take(
        &app,
        &supervisor,
        incident,
        &[
            ("measure_kind", "suspension"),
            ("suspend", "requests"),
            ("measure_reason", "Threats to our staff."),
        ],
    )
    .await;
    see_other(&taken);
    let m = measures(&app).await.remove(0);
    assert_eq!(m.subject.as_str(), "proxy");
    assert_eq!(m.email.as_deref(), Some(proxy_email));
    assert_eq!(m.member_number, None, "never the customer's member number");
    see_other(
        &admin
            .post(&format!("/staff/measures/{}/approve", m.id), &[])
            .await,
    );
    app.email_with(proxy_email, "A pause on new requests or sessions")
        .await;

    // The proxy's request for the customer is held…
    see_other(
        &proxy
            .post(&format!("/proxy/customers/{}/ask", r.id), &[])
            .await,
    );
    let steps: [(&str, Vec<(&str, &str)>); 5] = [
        ("/requests/new/topic", vec![("topic", "personal_details")]),
        (
            "/requests/new/details",
            vec![("details", "母が引っ越しました。")],
        ),
        (
            "/requests/new/about-you",
            vec![("name", "高橋 トメ"), ("member_number", "AB12345")],
        ),
        ("/requests/new/reply", vec![("channel", "email")]),
        ("/requests/new/contact", vec![("email", proxy_email)]),
    ];
    for (path, fields) in steps {
        see_other(&proxy.post(path, &fields).await);
    }
    let held = proxy.post("/requests/new/check", &[]).await;
    assert_eq!(see_other(&held), "/requests/new/limited");
    assert_eq!(
        proxy.get("/requests/new/limited").await.status,
        StatusCode::OK
    );
    // …while the customer's own request, with her member number, is not.
    let customer = app.english_browser().await;
    let own = send_online(&customer, "personal_details", "email", "tome@example.jp").await;
    assert!(see_other(&own).starts_with("/requests/"), "{}", own.body);
}
