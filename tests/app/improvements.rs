//! The improvement cycle: a coordinator gathers feedback into a case, words it in both
//! languages and moves it from proposed to in progress to done; a case is done only with
//! what the desk did written in both languages; supervisors and admins alone publish it,
//! and the public "you said, we did" page shows it in the reader's language, with when it
//! was done and how many customers raised it, until it is withdrawn or reopened.

use crate::db_tests;
use crate::support::{Browser, Page, TestApp, see_other};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, EntityTrait};
use time_tz::OffsetDateTimeExt;
use yorisoi::domain::feedback::{Channel, Kind};
use yorisoi::domain::improvement::{CaseStatus, CaseText};
use yorisoi::domain::{Lang, Reference, Role};
use yorisoi::entities::{feedback, improvement_case};
use yorisoi::services::improvements;

db_tests!(
    a_coordinator_gathers_feedback_into_a_case_and_a_supervisor_publishes_it,
    a_case_is_done_only_with_what_the_desk_did_in_both_languages,
    reopening_a_published_case_takes_it_off_the_public_page,
);

/// Feedback as the forms would store it, straight into the table.
async fn feedback_row(
    app: &TestApp,
    channel: Channel,
    kind: Kind,
    comment: &str,
) -> feedback::Model {
    feedback::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('F').as_str().to_owned()),
        invitation_id: Set(None),
        channel: Set(channel),
        kind: Set(kind),
        ease: Set(2),
        comment: Set(Some(comment.to_owned())),
        name: Set(None),
        email: Set(None),
        wants_reply: Set(false),
        lang: Set(Lang::Ja),
        staff_user_id: Set(None),
        under_measure: Set(false),
        request_id: Set(None),
        case_id: Set(None),
        created_at: Set(app.state().now()),
    }
    .insert(&app.state().db)
    .await
    .unwrap()
}

async fn case(app: &TestApp, id: i64) -> improvement_case::Model {
    improvement_case::Entity::find_by_id(id)
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_events WHERE action = '{action}'"))
        .await
}

/// The id at the end of a redirect's path, before any query.
fn id_in(location: &str) -> i64 {
    location
        .split(['?', '#'])
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

const SAID_JA: &str = "予約の確認メールで、参加先がわかりにくい。";
const SAID_EN: &str = "The confirmation email does not make it clear where to join.";
const DID_JA: &str = "確認メールの一番上に参加用のリンクを載せました。";
const DID_EN: &str = "The link to join is now at the top of the confirmation email.";

/// The case page's form, as a browser sends it.
fn words<'a>(said_en: &'a str, did_ja: &'a str, did_en: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("you_said_ja", SAID_JA),
        ("you_said_en", said_en),
        ("we_did_ja", did_ja),
        ("we_did_en", did_en),
    ]
}

async fn post_with_status(
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    status: &str,
) -> Page {
    let mut all = fields.to_vec();
    all.push(("status", status));
    browser.post(path, &all).await
}

/// The date a case was done, as each language writes it.
fn done_on(app: &TestApp, case: &improvement_case::Model, lang: Lang) -> String {
    let day = case
        .done_at
        .expect("done")
        .to_timezone(app.state().config.timezone)
        .date();
    yorisoi::i18n::format_date(lang, day)
}

async fn a_coordinator_gathers_feedback_into_a_case_and_a_supervisor_publishes_it(app: TestApp) {
    let first = feedback_row(
        &app,
        Channel::SignLanguage,
        Kind::Suggestion,
        "入口が見つからなかった",
    )
    .await;
    let second = feedback_row(
        &app,
        Channel::Request,
        Kind::Complaint,
        "Could not find the link",
    )
    .await;
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;

    // The staff menu offers the cases to those who run them, and not to interpreters.
    let home = coordinator.get("/staff").await;
    assert!(
        home.body.contains("href=\"/staff/improvements\""),
        "{}",
        home.body
    );
    let (interpreter, _) = app.signed_in(Role::Interpreter).await;
    let theirs = interpreter.get("/staff").await;
    assert!(!theirs.body.contains("href=\"/staff/improvements\""));

    // The new case form names the feedback it gathers, with its comments.
    let new = format!(
        "/staff/improvements/new?feedback={}&feedback={}",
        first.id, second.id
    );
    let form = coordinator.get(&new).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("入口が見つからなかった"),
        "{}",
        form.body
    );
    assert!(form.body.contains("Could not find the link"));
    assert_eq!(
        form.attr("form[action^='/staff/improvements/new']", "action")
            .as_deref(),
        Some(new.as_str())
    );
    // An address naming feedback that does not exist is not found.
    let missing = coordinator
        .get("/staff/improvements/new?feedback=99999")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let opened = coordinator
        .post(
            &new,
            &[
                ("you_said_ja", SAID_JA),
                ("you_said_en", "Where do I join?"),
            ],
        )
        .await;
    let location = see_other(&opened);
    let id = id_in(&location);
    assert!(location.ends_with("?done=opened"), "{location}");
    let opened = case(&app, id).await;
    assert_eq!(opened.status, CaseStatus::Proposed);
    assert!(opened.reference.starts_with("I-"), "{}", opened.reference);
    let gathered = improvements::gathered(&app.state().db, id).await.unwrap();
    assert_eq!(
        gathered.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![first.id, second.id]
    );

    // The case page shows the gathered feedback, each linked to its own page.
    let page = coordinator.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&opened.reference));
    assert!(
        page.body
            .contains(&format!("href=\"/staff/feedback/{}\"", first.id))
    );
    assert!(page.body.contains(&second.reference));
    assert!(page.body.contains("入口が見つからなかった"));
    // A coordinator is not offered publishing.
    assert!(!page.body.contains("/publish\""));

    // Editing the words.
    let path = format!("/staff/improvements/{id}");
    let saved = coordinator.post(&path, &words(SAID_EN, "", "")).await;
    assert_eq!(see_other(&saved), format!("{path}?done=saved#words"));
    assert_eq!(case(&app, id).await.you_said_en, SAID_EN);

    // Moving it on: proposed to in progress.
    let status_path = format!("/staff/improvements/{id}/status");
    let moved = post_with_status(
        &coordinator,
        &status_path,
        &words(SAID_EN, "", ""),
        "in_progress",
    )
    .await;
    see_other(&moved);
    let started = case(&app, id).await;
    assert_eq!(started.status, CaseStatus::InProgress);
    assert!(started.started_at.is_some());
    let list = coordinator
        .get("/staff/improvements?status=in_progress")
        .await;
    assert!(list.body.contains(&started.reference), "{}", list.body);
    assert!(list.body.contains("対応中（1件）"), "{}", list.body);

    // Done, with what the desk did written as it is done.
    let done = post_with_status(
        &coordinator,
        &status_path,
        &words(SAID_EN, DID_JA, DID_EN),
        "done",
    )
    .await;
    see_other(&done);
    let done = case(&app, id).await;
    assert_eq!(done.status, CaseStatus::Done);
    assert_eq!(done.we_did_en.as_deref(), Some(DID_EN));
    assert!(done.done_at.is_some());

    // A coordinator may not publish; a supervisor may.
    let publish = format!("/staff/improvements/{id}/publish");
    let refused = coordinator.post(&publish, &[("publish", "1")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(case(&app, id).await.published_at.is_none());
    let visitor = app.browser();
    let before = visitor.get("/improvements").await;
    assert!(!before.body.contains(DID_JA));

    let (supervisor, supervisor_id) = app.signed_in(Role::Supervisor).await;
    let offered = supervisor.get(&path).await;
    assert_eq!(
        offered
            .attr("form[action$='/publish'] input[name=publish]", "value")
            .as_deref(),
        Some("1")
    );
    let published = supervisor.post(&publish, &[("publish", "1")]).await;
    assert_eq!(
        see_other(&published),
        format!("{path}?done=published#publish")
    );
    let published = case(&app, id).await;
    assert!(published.published_at.is_some());
    assert_eq!(published.published_by, Some(supervisor_id));

    // The public page, in Japanese and in English, linked from every public footer.
    let start = visitor.get("/").await;
    assert!(start.body.contains("href=\"/improvements\""));
    let ja = visitor
        .get_with("/improvements", &[("accept-language", "ja")])
        .await;
    assert_eq!(ja.status, StatusCode::OK);
    assert_eq!(ja.texts("h1"), vec!["お客さまの声と私たちの取り組み"]);
    let article = ja.text("main article");
    assert!(article.contains(SAID_JA), "{article}");
    assert!(article.contains(DID_JA), "{article}");
    assert!(!article.contains(DID_EN));
    assert!(
        article.contains("2人のお客さまからいただいた声です"),
        "{article}"
    );
    assert!(
        article.contains(&done_on(&app, &published, Lang::Ja)),
        "{article}"
    );
    assert_eq!(
        ja.texts("main article h3"),
        vec!["お客さまの声", "私たちの対応"]
    );

    let english = app.english_browser().await;
    let en = english.get("/improvements").await;
    assert_eq!(en.texts("h1"), vec!["You said, we did"]);
    let article = en.text("main article");
    assert!(article.contains(SAID_EN), "{article}");
    assert!(article.contains(DID_EN), "{article}");
    assert!(article.contains("Raised by 2 customers"), "{article}");
    let day = published
        .done_at
        .unwrap()
        .to_timezone(app.state().config.timezone)
        .date();
    assert_eq!(
        en.attr("main article time", "datetime"),
        Some(day.to_string())
    );
    assert!(
        article.contains(&done_on(&app, &published, Lang::En)),
        "{article}"
    );
    assert_eq!(en.texts("main article h3"), vec!["You said", "We did"]);

    // Withdrawn, it leaves the public page.
    let withdrawn = supervisor.post(&publish, &[("publish", "0")]).await;
    assert_eq!(
        see_other(&withdrawn),
        format!("{path}?done=withdrawn#publish")
    );
    assert!(case(&app, id).await.published_at.is_none());
    let after = english.get("/improvements").await;
    assert!(!after.body.contains(DID_EN));
    assert!(after.texts("main article").is_empty());
    assert!(after.body.contains("There is nothing here yet."));

    // Every change is in the audit log, and on the case's own history.
    assert_eq!(audited(&app, "improvement.opened").await, 1);
    // The words edited; moved to in progress; "we did" written and moved to done.
    assert_eq!(audited(&app, "improvement.changed").await, 4);
    assert_eq!(audited(&app, "improvement.published").await, 2);
    assert_eq!(audited(&app, "feedback.triaged").await, 2);
    let history = supervisor.get(&path).await;
    let lines = history.texts("#history + ul li");
    assert_eq!(lines.len(), 7, "{}", history.body);
    assert!(
        lines[0].contains("ケースを作成（ご意見2件をまとめる）"),
        "{lines:?}"
    );
    assert!(lines[1].contains("変更：お客さまの声（英語）"), "{lines:?}");
    assert!(lines[2].contains("「提案」から「対応中」へ"), "{lines:?}");
    assert!(
        lines[3].contains("変更：窓口の対応（日本語）、窓口の対応（英語）"),
        "{lines:?}"
    );
    assert!(lines[5].contains("公開ページに掲載"), "{lines:?}");
    assert!(lines[6].contains("公開ページから取り下げ"), "{lines:?}");
    // Every word these pages asked for was in the catalogues (other areas' gaps aside).
    let missing: Vec<String> = yorisoi::i18n::missing_keys()
        .into_iter()
        .filter(|k| {
            [
                "improvement",
                "you_said",
                "we_did",
                "case_status",
                "publish",
            ]
            .iter()
            .any(|w| k.contains(w))
        })
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

async fn a_case_is_done_only_with_what_the_desk_did_in_both_languages(app: TestApp) {
    let text = CaseText {
        you_said_ja: SAID_JA.into(),
        you_said_en: SAID_EN.into(),
        we_did_ja: None,
        we_did_en: None,
    };
    let opened = improvements::open(&app.uc(), &text, &[]).await.unwrap();
    improvements::set_status(&app.uc(), opened.id, CaseStatus::InProgress)
        .await
        .unwrap();
    let status_path = format!("/staff/improvements/{}/status", opened.id);
    let typed_ja = "途中まで書いた対応";
    let changed_en = "Changed, but not to be saved";

    // In Japanese: refused, every word typed kept, nothing written.
    let (coordinator, _) = app.signed_in(Role::Coordinator).await;
    let page = post_with_status(
        &coordinator,
        &status_path,
        &words(changed_en, typed_ja, ""),
        "done",
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.title().starts_with("エラー"), "{}", page.title());
    assert_eq!(
        page.texts(".error-summary li"),
        vec!["完了にする前に、窓口の対応を英語で書いてください"]
    );
    assert!(page.text("#we_did_en-error").contains("窓口の対応を英語で"));
    assert_eq!(page.text("textarea#we_did_ja"), typed_ja);
    assert_eq!(page.text("textarea#you_said_en"), changed_en);
    assert_eq!(
        page.attr("textarea#we_did_en", "aria-invalid").as_deref(),
        Some("true")
    );
    let kept = case(&app, opened.id).await;
    assert_eq!(kept.status, CaseStatus::InProgress);
    assert_eq!(kept.you_said_en, SAID_EN);
    assert_eq!(kept.we_did_ja, None);

    // In English, with nothing written for what the desk did.
    let english = app.english_staff(Role::Coordinator).await;
    let page = post_with_status(&english, &status_path, &words(changed_en, "", ""), "done").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.title().starts_with("Error"), "{}", page.title());
    assert_eq!(
        page.texts(".error-summary li"),
        vec![
            "Write what the desk did, in Japanese, before the case is done",
            "Write what the desk did, in English, before the case is done"
        ]
    );
    assert_eq!(
        page.attrs(".error-summary a", "href"),
        vec!["#we_did_ja", "#we_did_en"]
    );
    assert_eq!(page.text("textarea#you_said_en"), changed_en);
    assert_eq!(case(&app, opened.id).await.status, CaseStatus::InProgress);

    // Saving the words alone keeps "we did" optional until the case is done, but what
    // customers said is always needed.
    let path = format!("/staff/improvements/{}", opened.id);
    let empty = english.post(&path, &words("", "", "")).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.texts(".error-summary li"),
        vec!["Write what customers said, in English"]
    );

    // A status the case cannot take from where it stands is refused by name.
    let odd = post_with_status(&english, &status_path, &words(SAID_EN, "", ""), "closed").await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        odd.texts(".error-summary li"),
        vec!["Choose one of the buttons to move the case on"]
    );
    let back = post_with_status(&english, &status_path, &words(SAID_EN, "", ""), "proposed").await;
    see_other(&back);
    let jump = post_with_status(
        &english,
        &status_path,
        &words(SAID_EN, DID_JA, DID_EN),
        "done",
    )
    .await;
    assert_eq!(jump.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        jump.text(".error-summary li")
            .contains("it is now Proposed"),
        "{}",
        jump.body
    );
    let still = case(&app, opened.id).await;
    assert_eq!(still.status, CaseStatus::Proposed);
    assert_eq!(still.started_at, None);
    assert_eq!(still.we_did_en, None, "nothing half-written");

    // Only a done case is published.
    let supervisor = app.english_staff(Role::Supervisor).await;
    let early = supervisor
        .post(&format!("{path}/publish"), &[("publish", "1")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        early.texts(".error-summary li"),
        vec![
            "Only a done case, with what the desk did written in both languages, can be published"
        ]
    );
    assert!(case(&app, opened.id).await.published_at.is_none());
}

async fn reopening_a_published_case_takes_it_off_the_public_page(app: TestApp) {
    let raised = feedback_row(&app, Channel::WrittenChat, Kind::Suggestion, "字幕を").await;
    let text = CaseText {
        you_said_ja: SAID_JA.into(),
        you_said_en: SAID_EN.into(),
        we_did_ja: Some(DID_JA.into()),
        we_did_en: Some(DID_EN.into()),
    };
    let opened = improvements::open(&app.uc(), &text, &[raised.id])
        .await
        .unwrap();
    for to in [CaseStatus::InProgress, CaseStatus::Done] {
        improvements::set_status(&app.uc(), opened.id, to)
            .await
            .unwrap();
    }
    improvements::publish(&app.uc(), opened.id, true)
        .await
        .unwrap();
    let english = app.english_browser().await;
    let shown = english.get("/improvements").await;
    assert!(
        shown.text("main article").contains("Raised by 1 customer"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("1 customers"));

    // The case page warns that reopening withdraws it, and reopening does.
    let supervisor = app.english_staff(Role::Supervisor).await;
    let path = format!("/staff/improvements/{}", opened.id);
    let page = supervisor.get(&path).await;
    assert!(
        page.body.contains("reopening it takes it off"),
        "{}",
        page.body
    );
    let reopened = supervisor
        .post(&format!("{path}/status"), &[("status", "in_progress")])
        .await;
    see_other(&reopened);
    let reopened = case(&app, opened.id).await;
    assert_eq!(reopened.status, CaseStatus::InProgress);
    assert_eq!((reopened.done_at, reopened.published_at), (None, None));
    assert_eq!(
        reopened.we_did_en.as_deref(),
        Some(DID_EN),
        "the words stay"
    );
    let gone = english.get("/improvements").await;
    assert!(gone.texts("main article").is_empty());
    let withdrawn: i64 = app
        .count(
            "audit_events WHERE action = 'improvement.changed' AND detail LIKE '%on_public_page%'",
        )
        .await;
    assert_eq!(withdrawn, 1);
}
