//! Staff qualifications with their dates: recorded (and refused) on the staff member's page,
//! and read by supervisors on their own page. How they decide who takes a session is in
//! [`matching`].

mod matching;

use crate::db_tests;
use crate::support::{TestApp, key, see_other, today, tomorrow};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Date, Duration};
use yorisoi::domain::{Qualification, QualificationRecord, Role, SignLanguage};
use yorisoi::entities::{audit_event, staff_qualification};
use yorisoi::services::interpreters;

db_tests!(
    dates_are_recorded_and_a_refused_form_keeps_what_was_typed,
    supervisors_see_who_holds_what_and_what_expires,
);

/// A qualification with its dates.
pub(crate) fn dated(
    q: Qualification,
    obtained: Option<Date>,
    expires: Option<Date>,
) -> QualificationRecord {
    QualificationRecord {
        qualification: q,
        obtained_on: obtained,
        expires_on: expires,
    }
}

/// Records a staff member's qualifications with their dates, as a coordinator would.
pub(crate) async fn record(app: &TestApp, id: i64, records: &[QualificationRecord]) {
    interpreters::set_qualification_records(&app.uc(), id, records)
        .await
        .unwrap();
}

/// The stored record of one qualification of a staff member.
async fn stored(app: &TestApp, id: i64, q: Qualification) -> Option<staff_qualification::Model> {
    staff_qualification::Entity::find()
        .filter(staff_qualification::Column::StaffUserId.eq(id))
        .all(&app.state().db)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.qualification == q)
}

async fn dates_are_recorded_and_a_refused_form_keeps_what_was_typed(app: TestApp) {
    let sato = app
        .add_interpreter(
            "sato",
            &[Qualification::SignLanguageInterpreter],
            &[("09:00", "17:00")],
        )
        .await;
    let path = format!("/staff/interpreters/{sato}");
    let (japanese, _) = app.signed_in(Role::Coordinator).await;
    let english = app.english_staff(Role::Coordinator).await;

    // The page has a pair of labelled date boxes for each qualification.
    let page = english.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    let obtained = "obtained_on-sign_language_interpreter";
    let expires = "expires_on-sign_language_interpreter";
    assert_eq!(
        page.attr(&format!("#{expires}"), "type").as_deref(),
        Some("date")
    );
    assert_eq!(page.text(&format!("label[for={obtained}]")), "Obtained on");
    assert_eq!(page.text(&format!("label[for={expires}]")), "Expires on");
    assert_eq!(
        page.text(&format!("#{obtained}-hint")),
        "Year-month-day, for example 2024-04-01"
    );
    assert_eq!(
        page.attr(&format!("#{obtained}"), "aria-describedby")
            .as_deref(),
        Some("obtained_on-sign_language_interpreter-hint")
    );
    assert_eq!(
        page.texts("fieldset legend")
            .iter()
            .filter(|l| *l == "Universal manners")
            .count(),
        1,
        "each qualification's dates sit in a fieldset named after it"
    );

    // An expiry before the date obtained, a day that does not exist, and an expiry for a
    // qualification not ticked: refused in the reader's language, what was typed kept.
    let typed = [
        ("qualification", "sign_language_interpreter"),
        ("qualification", "universal_manners"),
        ("sign_language", "jsl"),
        (obtained, "2024-04-01"),
        (expires, "2024-03-31"),
        ("obtained_on-universal_manners", "2024-02-30"),
        ("expires_on-written_chat", "2027-03-31"),
    ];
    let audits_before = app.count("audit_events").await;
    let refused = english
        .post(&format!("{path}/qualifications"), &typed)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.title().starts_with("Error (3):"),
        "{}",
        refused.title()
    );
    assert_eq!(
        refused.texts(".error-summary__list a"),
        [
            "The expiry date of Sign-language interpreter must be the same as or after the date it was obtained",
            "Tick Written chat to record its expiry date, or clear the date",
            "Enter the date Universal manners was obtained as year-month-day, for example 2024-04-01",
        ]
    );
    assert_eq!(
        refused.attrs(".error-summary__list a", "href"),
        [
            "#expires_on-sign_language_interpreter",
            "#expires_on-written_chat",
            "#obtained_on-universal_manners",
        ]
    );
    for (field, value) in &typed[3..] {
        assert_eq!(
            refused.attr(&format!("#{field}"), "value").as_deref(),
            Some(*value),
            "{field} keeps what was typed"
        );
    }
    assert_eq!(
        refused
            .attr(&format!("#{expires}"), "aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        refused.attrs("input[name=qualification][checked]", "value"),
        ["sign_language_interpreter", "universal_manners"],
        "the boxes ticked stay ticked"
    );
    let japanese_refused = japanese
        .post(&format!("{path}/qualifications"), &typed)
        .await;
    assert_eq!(japanese_refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        japanese_refused.texts(".error-summary__list a"),
        [
            "手話通訳士の有効期限は、取得日と同じ日かそれより後の日付を入力してください",
            "文字チャット対応の有効期限を記録するときは資格にチェックを入れてください。記録しないときは日付を消してください",
            "ユニバーサルマナー検定の取得日を、年-月-日の順に入力してください（例：2024-04-01）",
        ]
    );
    assert_eq!(
        japanese_refused
            .attr("#obtained_on-universal_manners", "value")
            .as_deref(),
        Some("2024-02-30")
    );
    // Nothing was written: the qualification stays undated, none was added, no audit row.
    let before = stored(&app, sato, Qualification::SignLanguageInterpreter)
        .await
        .unwrap();
    assert_eq!((before.obtained_on, before.expires_on), (None, None));
    assert!(
        stored(&app, sato, Qualification::UniversalManners)
            .await
            .is_none()
    );
    assert_eq!(app.count("audit_events").await, audits_before);

    // A date obtained in the future and a year out of range are refused too.
    let far = english
        .post(
            &format!("{path}/qualifications"),
            &[
                ("qualification", "sign_language_interpreter"),
                ("sign_language", "jsl"),
                (obtained, &key(tomorrow(&app))),
                (expires, "3000-01-01"),
            ],
        )
        .await;
    assert_eq!(
        far.texts(".error-summary__list a"),
        [
            "The date Sign-language interpreter was obtained must be today or earlier",
            "Enter the expiry date of Sign-language interpreter with a year from 1900 to 2200",
        ]
    );

    // Accepted: the dates are stored (full-width digits read as typed on a Japanese
    // keyboard), shown again, and audited like any change of qualifications.
    let saved = japanese
        .post(
            &format!("{path}/qualifications"),
            &[
                ("qualification", "sign_language_interpreter"),
                ("qualification", "dementia_supporter"),
                ("sign_language", "jsl"),
                (obtained, "2019-04-01"),
                (expires, "２０２９－０３－３１"),
                ("obtained_on-dementia_supporter", "2022-10-15"),
            ],
        )
        .await;
    assert_eq!(see_other(&saved), format!("{path}?done=qualifications"));
    let certified = stored(&app, sato, Qualification::SignLanguageInterpreter)
        .await
        .unwrap();
    assert_eq!(
        (certified.obtained_on, certified.expires_on),
        (
            Some(time::macros::date!(2019 - 04 - 01)),
            Some(time::macros::date!(2029 - 03 - 31))
        )
    );
    let dementia = stored(&app, sato, Qualification::DementiaSupporter)
        .await
        .unwrap();
    assert_eq!(
        (dementia.obtained_on, dementia.expires_on),
        (Some(time::macros::date!(2022 - 10 - 15)), None)
    );
    let page = english.get(&path).await;
    assert_eq!(
        page.attr(&format!("#{expires}"), "value").as_deref(),
        Some("2029-03-31")
    );
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("staff.qualifications_changed"))
        .all(&app.state().db)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert!(
        audit.detail.contains("\"expires_on\":\"2029-03-31\"")
            && audit.detail.contains("\"obtained_on\":\"2022-10-15\""),
        "{}",
        audit.detail
    );
    assert_eq!(audit.target_id.as_deref(), Some(sato.to_string().as_str()));
}

async fn supervisors_see_who_holds_what_and_what_expires(app: TestApp) {
    use Qualification::*;
    let today = today(&app);
    let days = |n: i64| today + Duration::days(n);
    let kimura = app
        .create_named_staff("kimura@example.jp", "木村 直美", "木村", Role::Supervisor)
        .await;
    let nakamura = app
        .create_named_staff(
            "nakamura@example.jp",
            "中村 恵子",
            "中村",
            Role::Coordinator,
        )
        .await;
    let sato = app
        .create_named_staff("sato@example.jp", "佐藤 美咲", "佐藤", Role::Interpreter)
        .await;
    let gone = app
        .create_named_staff("gone@example.jp", "退職 太郎", "退職", Role::Interpreter)
        .await;
    let ono = app
        .create_named_staff("ono@example.jp", "小野 健", "小野", Role::Coordinator)
        .await;
    record(
        &app,
        kimura,
        &[dated(
            ConsumerAffairsProfessional,
            Some(days(-1700)),
            Some(days(30)),
        )],
    )
    .await;
    record(
        &app,
        nakamura,
        &[
            dated(DementiaSupporter, Some(days(-900)), None),
            dated(UniversalManners, Some(days(-1100)), Some(days(-10))),
        ],
    )
    .await;
    interpreters::set_qualifications_and_languages(
        &app.uc(),
        sato,
        &[dated(SignLanguageInterpreter, Some(days(-3000)), None)],
        &[SignLanguage::Jsl, SignLanguage::Asl],
    )
    .await
    .unwrap();
    record(&app, gone, &[dated(WrittenChat, None, Some(days(-5)))]).await;
    yorisoi::services::staff::deactivate(&app.uc(), gone)
        .await
        .unwrap();

    let supervisor = app.english_staff(Role::Supervisor).await;
    let home = supervisor.get("/staff").await;
    assert!(
        home.attrs(".staff-nav a", "href")
            .contains(&"/staff/qualifications".to_owned()),
        "linked from the staff navigation"
    );
    let page = supervisor.get("/staff/qualifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Staff qualifications");

    // First what has expired, then what expires within 90 days, each said in words.
    assert_eq!(
        page.text("#expiring-heading"),
        "Expired, or expiring within 90 days"
    );
    let rows: Vec<Vec<String>> = page
        .html()
        .select(&scraper::Selector::parse("#expiring tbody tr").unwrap())
        .map(|tr| {
            tr.select(&scraper::Selector::parse("td").unwrap())
                .map(|td| td.text().collect::<String>().trim().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "中村");
    assert_eq!(rows[0][1], "中村 恵子");
    assert_eq!(rows[0][2], "Universal manners");
    assert_eq!(rows[0][4], "Expired");
    assert_eq!(rows[1][0], "木村");
    assert_eq!(rows[1][2], "Consumer Affairs Professional (CAP)");
    assert_eq!(rows[1][4], "Expires in 30 days");
    assert!(
        !page.body.contains("退職"),
        "a deactivated account is not listed"
    );

    // Then who holds each: display and full names, the dates, and the sign languages of
    // certified interpreters; each name opens the page where the dates are recorded.
    let certified = page.text("#held-sign_language_interpreter");
    for words in [
        "佐藤",
        "佐藤 美咲",
        "Interpreter",
        "Does not expire",
        "Japanese Sign Language",
        "American Sign Language (ASL)",
    ] {
        assert!(certified.contains(words), "{words} in {certified}");
    }
    assert_eq!(
        page.attrs("#held-sign_language_interpreter tbody a", "href"),
        [format!("/staff/interpreters/{sato}")]
    );
    assert_eq!(
        page.attrs("#held-universal_manners tbody a", "href"),
        [format!("/staff/qualifications/{nakamura}")]
    );
    let manners = page.text("#held-universal_manners");
    assert!(manners.contains("Expired"), "{manners}");
    assert!(
        page.body
            .contains("No active staff member holds this qualification."),
        "nobody active holds written chat"
    );
    // Those with none recorded are listed too, so that a first one can be recorded.
    assert!(
        page.attrs("#unrecorded a", "href")
            .contains(&format!("/staff/qualifications/{ono}")),
        "{:?}",
        page.attrs("#unrecorded a", "href")
    );
    assert!(page.text("#unrecorded").contains("(小野 健, Coordinator)"));

    // Admins see it too; coordinators and interpreters are refused.
    let admin = app.english_staff(Role::Admin).await;
    assert_eq!(
        admin.get("/staff/qualifications").await.status,
        StatusCode::OK
    );
    for role in [Role::Coordinator, Role::Interpreter] {
        let (browser, _) = app.signed_in(role).await;
        assert_eq!(
            browser.get("/staff/qualifications").await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        assert_eq!(
            browser
                .get(&format!("/staff/qualifications/{nakamura}"))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        assert_eq!(
            browser
                .post(
                    &format!("/staff/qualifications/{nakamura}"),
                    &[("qualification", "written_chat")]
                )
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        assert!(
            !browser
                .get("/staff")
                .await
                .attrs(".staff-nav a", "href")
                .contains(&"/staff/qualifications".to_owned()),
            "{role:?} is not offered the link"
        );
    }

    // A staff member who is not an interpreter has the dates recorded on their own
    // qualifications page; an interpreter's page is their interpreter page.
    let own = format!("/staff/qualifications/{nakamura}");
    let form = supervisor.get(&own).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.attr("#expires_on-universal_manners", "value"),
        Some(yorisoi::domain::dates::iso_day(days(-10)))
    );
    let refused = supervisor
        .post(
            &own,
            &[
                ("qualification", "universal_manners"),
                ("obtained_on-universal_manners", "2026-13-01"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused
            .attr("#obtained_on-universal_manners", "value")
            .as_deref(),
        Some("2026-13-01")
    );
    assert_eq!(
        refused
            .attr("#obtained_on-universal_manners", "type")
            .as_deref(),
        Some("text"),
        "what no date box can hold is shown back in a text box"
    );
    let renewed = key(days(3 * 365));
    let saved = supervisor
        .post(
            &own,
            &[
                ("qualification", "dementia_supporter"),
                ("qualification", "universal_manners"),
                ("obtained_on-dementia_supporter", &key(days(-900))),
                ("obtained_on-universal_manners", &key(today)),
                ("expires_on-universal_manners", &renewed),
            ],
        )
        .await;
    assert_eq!(see_other(&saved), format!("{own}?done=saved"));
    assert_eq!(
        stored(&app, nakamura, UniversalManners)
            .await
            .unwrap()
            .expires_on,
        Some(days(3 * 365))
    );
    let after = supervisor.get("/staff/qualifications").await;
    assert_eq!(
        after.texts("#expiring tbody tr").len(),
        1,
        "the renewed one left the list"
    );
    assert_eq!(
        see_other(
            &supervisor
                .get(&format!("/staff/qualifications/{sato}"))
                .await
        ),
        format!("/staff/interpreters/{sato}")
    );
}
