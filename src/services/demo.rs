//! Demo data, so a newcomer can try a booking at once: an admin, a supervisor, a
//! coordinator and four interpreters with weekly availability and one day off; their
//! qualifications with the dates obtained and expiry dates (one expired, one expiring
//! within the notice, so the supervisors' page shows both); a room
//! address for video sessions, so each booked session shows its own room; saved phrases,
//! in Japanese and English, for the written-chat interpreter's room; two improvement cases
//! gathering a little feedback, one done and on the public page, one in progress; and a
//! proxy, approved to act for one customer. Running it again leaves existing accounts,
//! settings and cases as they are.

use super::UseCase;
use super::interpreters;
use super::proxies::ProxyError;
use super::staff::{self, NewStaff, StaffError};
use crate::domain::schedule::{DayChange, LocalSpan};
use crate::domain::{
    DisplayName, Email, FullName, Lang, Qualification, QualificationRecord, Role, RoomTemplate,
};
use crate::entities::staff_user;
use crate::services::passwords::{HashError, Hasher};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use time::{Date, Duration};
use time_tz::OffsetDateTimeExt;

/// One demo account, as printed.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// The sign-in address.
    pub email: String,
    /// The role.
    pub role: Role,
    /// The name customers see.
    pub display_name: String,
    /// Whether this run made it (or it was there already).
    pub created: bool,
}

struct Person {
    email: &'static str,
    full_name: &'static str,
    display_name: &'static str,
    role: Role,
    qualifications: &'static [Held],
    /// Weekday (1 = Monday) → spans.
    week: &'static [(u8, &'static [(&'static str, &'static str)])],
}

const WEEKDAYS_9_TO_5: &[(&str, &str)] = &[("09:00", "12:00"), ("13:00", "17:00")];

/// A demo qualification, its dates counted from the day the demo is loaded.
struct Held {
    qualification: Qualification,
    /// How many days ago it was obtained.
    obtained_days_ago: i64,
    /// In how many days it expires (before today when negative); `None`: it does not.
    expires_in_days: Option<i64>,
}

const fn held(
    qualification: Qualification,
    obtained_days_ago: i64,
    expires_in_days: Option<i64>,
) -> Held {
    Held {
        qualification,
        obtained_days_ago,
        expires_in_days,
    }
}

/// Certified sign-language interpreters hold a national qualification that does not expire.
const CERTIFIED: Held = held(Qualification::SignLanguageInterpreter, 3650, None);

const PEOPLE: &[Person] = &[
    Person {
        email: "admin@demo.yorisoi.example",
        full_name: "管理 太郎",
        display_name: "管理",
        role: Role::Admin,
        qualifications: &[],
        week: &[],
    },
    Person {
        email: "supervisor@demo.yorisoi.example",
        full_name: "監督 直美",
        display_name: "木村",
        role: Role::Supervisor,
        // CAP is renewed every five years: this one is due within the notice.
        qualifications: &[held(
            Qualification::ConsumerAffairsProfessional,
            5 * 365 - 60,
            Some(60),
        )],
        week: &[],
    },
    Person {
        email: "coordinator@demo.yorisoi.example",
        full_name: "調整 恵子",
        display_name: "中村",
        role: Role::Coordinator,
        qualifications: &[
            held(Qualification::DementiaSupporter, 4 * 365, None),
            // Expired three weeks ago: the supervisors' page lists it first.
            held(Qualification::UniversalManners, 3 * 365 + 21, Some(-21)),
        ],
        week: &[],
    },
    Person {
        email: "sato@demo.yorisoi.example",
        full_name: "佐藤 美咲",
        display_name: "佐藤",
        role: Role::Interpreter,
        qualifications: &[
            CERTIFIED,
            held(Qualification::UniversalManners, 700, Some(3 * 365)),
        ],
        week: &[
            (1, WEEKDAYS_9_TO_5),
            (2, WEEKDAYS_9_TO_5),
            (3, WEEKDAYS_9_TO_5),
            (4, WEEKDAYS_9_TO_5),
            (5, WEEKDAYS_9_TO_5),
        ],
    },
    Person {
        email: "takahashi@demo.yorisoi.example",
        full_name: "高橋 健一",
        display_name: "高橋",
        role: Role::Interpreter,
        qualifications: &[
            held(Qualification::SignLanguageInterpreter, 2000, None),
            held(Qualification::DementiaSupporter, 400, None),
        ],
        week: &[
            (1, &[("10:00", "16:00")]),
            (3, &[("10:00", "16:00")]),
            (5, &[("10:00", "16:00")]),
        ],
    },
    Person {
        email: "suzuki@demo.yorisoi.example",
        full_name: "鈴木 陽子",
        display_name: "鈴木",
        role: Role::Interpreter,
        // The desk's written-chat training is taken again every two years.
        qualifications: &[held(Qualification::WrittenChat, 300, Some(2 * 365 - 300))],
        week: &[
            (1, WEEKDAYS_9_TO_5),
            (2, WEEKDAYS_9_TO_5),
            (3, WEEKDAYS_9_TO_5),
            (4, WEEKDAYS_9_TO_5),
            (5, WEEKDAYS_9_TO_5),
        ],
    },
    Person {
        email: "tanaka@demo.yorisoi.example",
        full_name: "田中 誠",
        display_name: "田中",
        role: Role::Interpreter,
        qualifications: &[
            held(Qualification::SignLanguageInterpreter, 1200, None),
            held(Qualification::WrittenChat, 500, Some(2 * 365 - 500)),
        ],
        week: &[(2, &[("13:00", "17:00")]), (4, &[("13:00", "17:00")])],
    },
];

/// A demo person's qualifications, dated from `today`.
fn records(person: &Person, today: Date) -> Vec<QualificationRecord> {
    person
        .qualifications
        .iter()
        .map(|h| QualificationRecord {
            qualification: h.qualification,
            obtained_on: today.checked_sub(Duration::days(h.obtained_days_ago)),
            expires_on: h
                .expires_in_days
                .and_then(|days| today.checked_add(Duration::days(days))),
        })
        .collect()
}

/// The demo interpreter of written-chat sessions, who starts with saved phrases.
const DEMO_PHRASES_OWNER: &str = "suzuki@demo.yorisoi.example";

/// Three phrases for the chat room, in each language.
const DEMO_PHRASES: &[&str] = &[
    "本日はご相談いただき、ありがとうございます。担当の鈴木です。",
    "確認いたしますので、少々お待ちください。",
    "ほかにご不明な点はございますか。",
    "Thank you for contacting us today. My name is Suzuki, and I will help you.",
    "Let me check that for you. One moment, please.",
    "Is there anything else I can help you with?",
];

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// An account could not be made.
    #[error("{0}")]
    Staff(String),
    /// A use-case refused a step of the demo.
    #[error(transparent)]
    Refused(Box<dyn std::error::Error + Send + Sync>),
}

impl From<StaffError> for DemoError {
    fn from(e: StaffError) -> Self {
        match e {
            StaffError::Database(e) => DemoError::Database(e),
            other => DemoError::Refused(Box::new(other)),
        }
    }
}

impl From<ProxyError> for DemoError {
    fn from(e: ProxyError) -> Self {
        match e {
            ProxyError::Database(e) => DemoError::Database(e),
            other => DemoError::Refused(Box::new(other)),
        }
    }
}

impl From<HashError> for DemoError {
    fn from(e: HashError) -> Self {
        DemoError::Refused(Box::new(e))
    }
}

/// Loads the demo people with `password`, skipping any account that exists already.
pub async fn load(
    uc: &UseCase<'_>,
    hasher: &Hasher,
    password: &str,
) -> Result<Vec<DemoAccount>, DemoError> {
    let UseCase {
        db, now, config, ..
    } = *uc;
    let hash = hasher.hash(password).await?;
    let today = now.to_timezone(config.timezone).date();
    let mut out = Vec::new();
    let mut first_interpreter = None;
    for person in PEOPLE {
        let existing = staff_user::Entity::find()
            .filter(staff_user::Column::Email.eq(person.email))
            .one(db)
            .await?;
        if existing.is_some() {
            out.push(DemoAccount {
                email: person.email.into(),
                role: person.role,
                display_name: person.display_name.into(),
                created: false,
            });
            continue;
        }
        let (Ok(email), Ok(full_name), Ok(display_name)) = (
            Email::parse(person.email),
            FullName::parse(person.full_name),
            DisplayName::parse(person.display_name),
        ) else {
            return Err(DemoError::Staff(format!(
                "the demo account {} is not valid",
                person.email
            )));
        };
        let user = staff::create(
            uc,
            &NewStaff {
                email,
                full_name,
                display_name,
                role: person.role,
                password_hash: Some(hash.clone()),
            },
            Lang::Ja,
        )
        .await?;
        interpreters::set_qualification_records(uc, user.id, &records(person, today)).await?;
        if person.email == DEMO_PHRASES_OWNER {
            for phrase in DEMO_PHRASES {
                super::phrases::add(uc, user.id, phrase)
                    .await
                    .map_err(|e| DemoError::Refused(Box::new(e)))?;
            }
        }
        if person.role == Role::Interpreter {
            first_interpreter.get_or_insert(user.id);
            let mut week: BTreeMap<u8, Vec<LocalSpan>> = BTreeMap::new();
            for (day, spans) in person.week {
                for (starts, ends) in spans.iter() {
                    if let Ok(span) = LocalSpan::parse(starts, ends) {
                        week.entry(*day).or_default().push(span);
                    }
                }
            }
            interpreters::save_weekly(uc, user.id, &week).await?;
        }
        out.push(DemoAccount {
            email: person.email.into(),
            role: person.role,
            display_name: person.display_name.into(),
            created: true,
        });
    }
    // One interpreter takes a day off in a week's time, so the board shows an exception.
    if let Some(id) = first_interpreter {
        let day = (now + Duration::days(7))
            .to_timezone(config.timezone)
            .date();
        interpreters::add_exception(uc, id, day, DayChange::Off).await?;
    }
    if super::settings::load(db).await?.room_template.is_none()
        && let Ok(Some(template)) = RoomTemplate::parse(DEMO_ROOM_TEMPLATE)
    {
        super::settings::save_room_template(uc, Some(&template)).await?;
    }
    load_contacts(uc).await?;
    super::feedback::themes::load_demo(uc).await?;
    load_improvements(uc).await?;
    Ok(out)
}

/// The card issuer's 24-hour stop page and line, and the desk's fax number and postal
/// address the demo sets, each where none is set: examples, not real ones.
pub const DEMO_CARD_STOP_PAGE: &str = "https://card.example.jp/lost-card";
/// The demo's 24-hour lost and stolen card line.
pub const DEMO_CARD_STOP_LINE: &str = "0120-000-000";
/// The demo desk's fax number.
pub const DEMO_DESK_FAX: &str = "03-0000-0000";
/// The demo desk's postal address.
pub const DEMO_DESK_ADDRESS: &str = "〒100-0000\n東京都千代田区丸の内0-0-0\nYorisoi サポートデスク";

async fn load_contacts(uc: &UseCase<'_>) -> Result<(), sea_orm::DbErr> {
    let mut contacts = super::contact::load(uc.db, uc.config).await?;
    let before = contacts.clone();
    let example = |v: &mut Option<String>, value: &str| {
        v.get_or_insert_with(|| value.to_owned());
    };
    example(&mut contacts.card_stop.page, DEMO_CARD_STOP_PAGE);
    example(&mut contacts.card_stop.line, DEMO_CARD_STOP_LINE);
    example(&mut contacts.desk.fax, DEMO_DESK_FAX);
    example(&mut contacts.desk.postal_address, DEMO_DESK_ADDRESS);
    if contacts != before {
        super::contact::save(uc, &contacts).await?;
    }
    Ok(())
}

/// The room address the demo sets for video sessions: a self-hosted Jitsi Meet, say.
pub const DEMO_ROOM_TEMPLATE: &str = "https://meet.example.jp/{room}";

/// The demo proxy's sign-in address.
pub const DEMO_PROXY: &str = "proxy@demo.yorisoi.example";

/// Loads a proxy approved to ask questions and book sessions for one customer, with
/// `password`, unless there is one already. Answers whether this run made it.
pub async fn load_proxy(
    uc: &UseCase<'_>,
    hasher: &Hasher,
    password: &str,
) -> Result<bool, DemoError> {
    let UseCase {
        db, now, config, ..
    } = *uc;
    use super::proxies::{self, review::Person};
    use crate::domain::proxy::{Application, ConsentMethod, IdDocument, Relationship, Scopes};
    use crate::entities::proxy_account;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    if proxy_account::Entity::find()
        .filter(proxy_account::Column::Email.eq(DEMO_PROXY))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let (Ok(proxy_email), Some(birth)) = (
        Email::parse(DEMO_PROXY),
        time::Date::from_calendar_date(1941, time::Month::March, 9).ok(),
    ) else {
        return Err(DemoError::Staff("the demo proxy is not valid".into()));
    };
    let application = Application {
        principal_full_name: "山田 花子".into(),
        principal_kana: "やまだ はなこ".into(),
        principal_birth_date: birth,
        principal_member_number: Some("DEMO1234".into()),
        principal_address: "〒100-0001 東京都千代田区千代田1-1".into(),
        principal_email: None,
        proxy_full_name: "山田 一郎".into(),
        proxy_kana: "やまだ いちろう".into(),
        relationship: Relationship::Child,
        proxy_email,
        proxy_address: "〒105-0011 東京都港区芝公園4-2".into(),
        scopes: Scopes {
            ask: true,
            book: true,
            procedures: false,
        },
        consent_method: ConsentMethod::Video,
    };
    let r = proxies::apply::submit(uc, &application, Lang::Ja, None).await?;
    let approve = async {
        for person in [Person::Customer, Person::Proxy] {
            proxies::review::record_document(uc, r.id, person, IdDocument::MyNumberCard).await?;
        }
        let today = now.to_timezone(config.timezone).date();
        proxies::review::record_consent(uc, r.id, ConsentMethod::Video, today).await?;
        proxies::review::approve(uc, r.id).await
    };
    let approved = approve.await?;
    let hash = hasher.hash(password).await?;
    if let Some(account) = approved.proxy_account_id {
        let account = proxy_account::Entity::find_by_id(account)
            .one(db)
            .await?
            .ok_or_else(|| DemoError::Staff("the demo proxy has no account".into()))?;
        let mut row: proxy_account::ActiveModel = account.into();
        row.password_hash = Set(Some(hash));
        row.activated_at = Set(Some(now));
        row.update(db).await?;
    }
    Ok(true)
}

/// A piece of demo feedback: channel, kind, ease, comment, and how many days ago.
type DemoFeedback = (
    crate::domain::feedback::Channel,
    crate::domain::feedback::Kind,
    i16,
    &'static str,
    i64,
);

/// Two improvement cases, each gathering the feedback that prompted it: one done and
/// published, opened and moved by the demo coordinator and published by the demo
/// supervisor, and one still in progress. Nothing is added when any case exists.
async fn load_improvements(uc: &UseCase<'_>) -> Result<(), DemoError> {
    use super::improvements;
    use crate::domain::Reference;
    use crate::domain::feedback::{Channel, Kind};
    use crate::domain::improvement::{CaseStatus, CaseText};
    use crate::entities::{feedback, improvement_case};
    use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, PaginatorTrait};
    if improvement_case::Entity::find().count(uc.db).await? > 0 {
        return Ok(());
    }
    let coordinator = demo_actor(uc, "coordinator@demo.yorisoi.example", Role::Coordinator).await?;
    let supervisor = demo_actor(uc, "supervisor@demo.yorisoi.example", Role::Supervisor).await?;
    let refused = |e: improvements::CaseError| match e {
        improvements::CaseError::Database(e) => DemoError::Database(e),
        other => DemoError::Refused(Box::new(other)),
    };
    let cases: [(&[DemoFeedback], CaseText, bool); 2] = [
        (
            &[
                (
                    Channel::SignLanguage,
                    Kind::Suggestion,
                    3,
                    "当日、どこからセッションに入ればよいのか迷いました。",
                    30,
                ),
                (
                    Channel::SignLanguage,
                    Kind::Complaint,
                    2,
                    "確認メールのどこに参加先が書いてあるのか、わかりませんでした。",
                    24,
                ),
            ],
            CaseText {
                you_said_ja: "手話のセッションを予約した後、当日どこから参加すればよいのかがわかりにくかった。"
                    .into(),
                you_said_en: "After booking a sign-language session, it was hard to find where to join it on the day."
                    .into(),
                we_did_ja: Some(
                    "確認メールと予約の管理ページの一番上に、セッションに参加するためのリンクを表示するようにしました。"
                        .into(),
                ),
                we_did_en: Some(
                    "The confirmation email and the booking's manage page now show the link to join the session at the very top."
                        .into(),
                ),
            },
            true,
        ),
        (
            &[(
                Channel::Request,
                Kind::Suggestion,
                4,
                "返事がいつごろ届くのか、目安がわかると安心です。",
                12,
            )],
            CaseText {
                you_said_ja: "お問い合わせへの返事がいつごろ届くのか、目安を知りたい。".into(),
                you_said_en: "I would like to know roughly when I will get an answer to my request."
                    .into(),
                we_did_ja: None,
                we_did_en: None,
            },
            false,
        ),
    ];
    for (remarks, text, done) in cases {
        let mut ids = Vec::new();
        for (channel, kind, ease, comment, days_ago) in remarks {
            let row = feedback::ActiveModel {
                id: NotSet,
                reference: Set(Reference::generate('F').as_str().to_owned()),
                invitation_id: Set(None),
                channel: Set(*channel),
                kind: Set(*kind),
                ease: Set(*ease),
                comment: Set(Some((*comment).to_owned())),
                name: Set(None),
                email: Set(None),
                wants_reply: Set(false),
                lang: Set(Lang::Ja),
                staff_user_id: Set(None),
                under_measure: Set(false),
                request_id: Set(None),
                case_id: Set(None),
                created_at: Set(uc.now - Duration::days(*days_ago)),
            }
            .insert(uc.db)
            .await?;
            ids.push(row.id);
        }
        // Each step some days after the last, as the desk would have taken them.
        let case = improvements::open(&days_ago(uc, 10, &coordinator), &text, &ids)
            .await
            .map_err(refused)?;
        let started = days_ago(uc, 9, &coordinator);
        improvements::set_status(&started, case.id, CaseStatus::InProgress)
            .await
            .map_err(refused)?;
        if done {
            let finished = days_ago(uc, 3, &coordinator);
            improvements::set_status(&finished, case.id, CaseStatus::Done)
                .await
                .map_err(refused)?;
            improvements::publish(&days_ago(uc, 2, &supervisor), case.id, true)
                .await
                .map_err(refused)?;
        }
    }
    Ok(())
}

/// The same use-case, `days` earlier, by `actor`.
fn days_ago<'a>(uc: &UseCase<'a>, days: i64, actor: &'a super::Actor) -> UseCase<'a> {
    UseCase {
        now: uc.now - Duration::days(days),
        actor,
        ..*uc
    }
}

/// The demo staff member with `email`, acting in `role`; nobody when the account is gone.
async fn demo_actor(
    uc: &UseCase<'_>,
    email: &str,
    role: Role,
) -> Result<super::Actor, sea_orm::DbErr> {
    let id = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email))
        .one(uc.db)
        .await?
        .map(|s| s.id);
    Ok(super::Actor {
        staff_id: id,
        role: id.map(|_| role),
        ..super::Actor::default()
    })
}
