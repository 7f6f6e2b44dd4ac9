//! Customer-harassment incidents as staff report them: the categories of the published
//! policy, the two tests of the health ministry's manual, whose conduct it was, and the
//! rules a report must meet before it is kept — above all, that it is not a request for an
//! accommodation. A report is never edited once made; what comes later is added to it.

use super::booking::{member_number, optional_text};
use super::journey::{Refusals, StepErrors, choice, optional_email};
use super::proxy::recent_date;
use super::{Email, Invalid};
use time::{Date, Time};

stored_names! {
    /// What kind of conduct it was, in the published policy's categories.
    Category {
        /// Violence, threats and intimidation.
        ViolenceThreats = "violence_threats",
        /// Abusive, insulting or defamatory words, online posts included.
        AbusiveWords = "abusive_words",
        /// Discrimination.
        Discrimination = "discrimination",
        /// Sexual harassment.
        SexualHarassment = "sexual_harassment",
        /// Demands beyond any obligation: money, apologies, punishment of staff.
        UnreasonableDemands = "unreasonable_demands",
        /// Keeping staff for long periods, or repeating a demand already answered.
        KeepingRepeating = "keeping_repeating",
        /// Invading a staff member's privacy.
        Privacy = "privacy",
        /// Other conduct of the same kind.
        Other = "other",
    }
}

stored_names! {
    /// Where it happened.
    Channel {
        /// In a support request's thread.
        Request = "request",
        /// In a written-chat session.
        WrittenChat = "written_chat",
        /// In a sign-language video session.
        SignLanguage = "sign_language",
        /// Around a proxy registration.
        Proxy = "proxy",
        /// By email, fax or post.
        Writing = "writing",
        /// Anywhere else.
        Other = "other",
    }
}

stored_names! {
    /// The manual's first test: whether what the customer demanded had reasonable grounds.
    DemandTest {
        /// The demand had reasonable grounds (a refund owed, an answer due).
        Reasonable = "reasonable",
        /// The demand lacked reasonable grounds, or went beyond the service.
        Unreasonable = "unreasonable",
        /// There was no demand.
        NoDemand = "no_demand",
    }
}

stored_names! {
    /// The manual's second test: whether the manner was acceptable by social norms.
    MannerTest {
        /// The manner was acceptable, however strongly put.
        Acceptable = "acceptable",
        /// The manner was not acceptable (violence, threats, abuse, hours of it).
        Unacceptable = "unacceptable",
    }
}

stored_names! {
    /// Whose conduct it was. A proxy's conduct is the proxy's own: a measure for it limits
    /// the proxy, never the customer they act for.
    Subject {
        /// The customer.
        Customer = "customer",
        /// A proxy acting for the customer.
        Proxy = "proxy",
    }
}

stored_names! {
    /// Where an incident stands.
    IncidentStatus {
        /// Reported; no supervisor has taken it up yet.
        Reported = "reported",
        /// A supervisor is looking at it.
        Reviewing = "reviewing",
        /// Done with: follow-up offered and measures, if any, decided.
        Closed = "closed",
    }
}

stored_names! {
    /// What was added to an incident after it was reported.
    AdditionKind {
        /// Something more about what happened, or about handling it.
        Note = "note",
        /// The follow-up offered to the staff member affected.
        FollowUp = "follow_up",
        /// The incident's status changed (the body says to what).
        Status = "status",
    }
}

/// The longest account of what happened, in characters.
pub const ACCOUNT_MAX_CHARS: usize = 8_000;
/// The longest note, addition or follow-up, in characters.
pub const ADDITION_MAX_CHARS: usize = 4_000;
/// The longest customer name typed on a report.
pub const NAME_MAX_CHARS: usize = 100;
/// The most chat messages one report quotes.
pub const QUOTES_MAX: usize = 50;

/// Whether the manual's two tests make the conduct harassment: a demand without reasonable
/// grounds, or a manner beyond social norms. A reasonable demand made acceptably — however
/// strong, however often — is a complaint or a request, never harassment.
pub fn is_harassment(demand: DemandTest, manner: MannerTest) -> bool {
    demand == DemandTest::Unreasonable || manner == MannerTest::Unacceptable
}

/// A report's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReportForm {
    /// The day it happened: year, month and day boxes.
    #[serde(rename = "occurred-year")]
    pub occurred_year: String,
    #[serde(rename = "occurred-month")]
    pub occurred_month: String,
    #[serde(rename = "occurred-day")]
    pub occurred_day: String,
    /// The time it happened, `HH:MM`.
    pub occurred_time: String,
    /// One of [`Channel`].
    #[serde(rename = "venue")]
    pub channel: String,
    /// One of [`Category`].
    pub category: String,
    /// What happened, in the reporter's words.
    pub account: String,
    /// One of [`DemandTest`].
    pub demand: String,
    /// One of [`MannerTest`].
    pub manner: String,
    /// The staff affected, by internal id.
    pub affected: Vec<String>,
    /// What was done at the time.
    pub done_then: String,
    /// `yes` when the reporter confirms it was not a request for an accommodation.
    pub not_accommodation: String,
    /// One of [`Subject`]; only asked when a proxy was involved.
    pub subject: String,
    /// Who the customer is, when the report does not come from a request, session or
    /// registration that says so.
    pub customer_name: String,
    pub customer_email: String,
    pub member_number: String,
    /// Chat messages quoted verbatim, by id.
    pub quotes: Vec<String>,
}

/// Who the report is about, as typed on a report made on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedCustomer {
    /// The name the customer gave.
    pub name: Option<String>,
    /// Their email address.
    pub email: Option<Email>,
    /// Their member number.
    pub member_number: Option<String>,
}

/// A report that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The day it happened, in the desk's zone.
    pub occurred_on: Date,
    /// The time it happened, in the desk's zone.
    pub occurred_at: Time,
    pub channel: Channel,
    pub category: Category,
    /// What happened.
    pub account: String,
    pub demand: DemandTest,
    pub manner: MannerTest,
    /// The staff affected, by id, each once.
    pub affected: Vec<i64>,
    /// What was done at the time.
    pub done_then: Option<String>,
    /// Whose conduct it was.
    pub subject: Subject,
    /// The customer as typed, for a report made on its own.
    pub typed: TypedCustomer,
    /// The chat messages quoted, by id, each once.
    pub quotes: Vec<i64>,
}

/// What the report's origin already settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Whether it comes from a request, session or registration, which names the customer.
    pub names_customer: bool,
    /// Whether a proxy was involved, so the report must say whose conduct it was.
    pub proxy_involved: bool,
}

/// Reads a time of day typed as `9:05`, `09:05` or `0905`, to the minute.
pub fn clock_time(raw: &str) -> Result<Time, Invalid> {
    super::schedule::parse_clock(raw, 1)
}

/// Reads a name that may be left out: one line, up to [`NAME_MAX_CHARS`] characters.
fn one_line(raw: &str) -> Result<Option<String>, Invalid> {
    match optional_text(raw, NAME_MAX_CHARS)? {
        Some(name) if name.contains('\n') => Err(Invalid::BadFormat),
        name => Ok(name),
    }
}

/// Reads ids sent by checkboxes: each a positive whole number, each kept once, in order.
fn ids(raw: &[String]) -> Result<Vec<i64>, Invalid> {
    let mut kept = Vec::new();
    for one in raw {
        let id = one
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(Invalid::NotAChoice)?;
        if !kept.contains(&id) {
            kept.push(id);
        }
    }
    Ok(kept)
}

impl ReportForm {
    /// Checks the form against the day it is (in the desk's zone) and what its origin
    /// settles. Every refused field is named, in the order the page asks them.
    pub fn check(&self, today: Date, origin: Origin) -> Result<Report, StepErrors> {
        let mut refusals = Refusals::default();
        let occurred_on = refusals.keep(
            "occurred",
            recent_date(
                &self.occurred_year,
                &self.occurred_month,
                &self.occurred_day,
                today,
            ),
        );
        let occurred_at = refusals.keep("occurred_time", clock_time(&self.occurred_time));
        let channel = refusals.keep("venue", choice(&self.channel, Channel::parse));
        let subject = if origin.proxy_involved {
            refusals.keep("subject", choice(&self.subject, Subject::parse))
        } else {
            Some(Subject::Customer)
        };
        let typed = if origin.names_customer {
            Some(TypedCustomer {
                name: None,
                email: None,
                member_number: None,
            })
        } else {
            let name = refusals.keep("customer_name", one_line(&self.customer_name));
            let email = refusals.keep("customer_email", optional_email(&self.customer_email));
            let number = refusals.keep("member_number", member_number(&self.member_number));
            match (name, email, number) {
                (Some(name), Some(email), Some(member_number)) => {
                    // A report on its own must say who it is about, by something a
                    // measure can be attached to.
                    if email.is_none() && member_number.is_none() {
                        refusals.refuse("customer_email", Invalid::Missing);
                        None
                    } else {
                        Some(TypedCustomer {
                            name,
                            email,
                            member_number,
                        })
                    }
                }
                _ => None,
            }
        };
        let category = refusals.keep("category", choice(&self.category, Category::parse));
        let account = refusals.keep(
            "account",
            optional_text(&self.account, ACCOUNT_MAX_CHARS).and_then(|a| a.ok_or(Invalid::Missing)),
        );
        let quotes = refusals.keep(
            "quotes",
            ids(&self.quotes).and_then(|q| {
                if q.len() > QUOTES_MAX {
                    Err(Invalid::TooLong)
                } else {
                    Ok(q)
                }
            }),
        );
        let demand = refusals.keep("demand", choice(&self.demand, DemandTest::parse));
        let manner = refusals.keep("manner", choice(&self.manner, MannerTest::parse));
        // The two tests must find something: otherwise it is a complaint or a request.
        if let (Some(demand), Some(manner)) = (demand, manner)
            && !is_harassment(demand, manner)
        {
            refusals.refuse("demand", Invalid::OutOfRange);
        }
        let affected = refusals.keep("affected", ids(&self.affected));
        let done_then = refusals.keep(
            "done_then",
            optional_text(&self.done_then, ADDITION_MAX_CHARS),
        );
        if self.not_accommodation != "yes" {
            refusals.refuse("not_accommodation", Invalid::Missing);
        }
        if !refusals.is_empty() {
            return Err(refusals.into_errors());
        }
        match (
            occurred_on,
            occurred_at,
            channel,
            category,
            account,
            demand,
            manner,
            affected,
            done_then,
            subject,
            typed,
            quotes,
        ) {
            (
                Some(occurred_on),
                Some(occurred_at),
                Some(channel),
                Some(category),
                Some(account),
                Some(demand),
                Some(manner),
                Some(affected),
                Some(done_then),
                Some(subject),
                Some(typed),
                Some(quotes),
            ) => Ok(Report {
                occurred_on,
                occurred_at,
                channel,
                category,
                account,
                demand,
                manner,
                affected,
                done_then,
                subject,
                typed,
                quotes,
            }),
            // Every field was accepted, so every value is here.
            _ => Err(vec![("account", Invalid::Missing)]),
        }
    }
}

/// Reads an addition to a report: 1 to [`ADDITION_MAX_CHARS`] characters, line breaks kept.
pub fn addition_body(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, ADDITION_MAX_CHARS)?.ok_or(Invalid::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    const TODAY: Date = date!(2026 - 12 - 10);
    const FROM_REQUEST: Origin = Origin {
        names_customer: true,
        proxy_involved: false,
    };

    fn filled() -> ReportForm {
        ReportForm {
            occurred_year: "2026".into(),
            occurred_month: "12".into(),
            occurred_day: "9".into(),
            occurred_time: "14:07".into(),
            channel: "request".into(),
            category: "abusive_words".into(),
            account: "Wrote that the staff member was useless and should be fired.".into(),
            demand: "unreasonable".into(),
            manner: "unacceptable".into(),
            affected: vec!["3".into(), "3".into(), "5".into()],
            done_then: String::new(),
            not_accommodation: "yes".into(),
            ..ReportForm::default()
        }
    }

    fn fields(errors: &StepErrors) -> Vec<&'static str> {
        errors.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn a_filled_report_is_read() {
        let report = filled().check(TODAY, FROM_REQUEST).unwrap();
        assert_eq!(report.occurred_on, date!(2026 - 12 - 09));
        assert_eq!(report.occurred_at, time!(14:07));
        assert_eq!(report.category, Category::AbusiveWords);
        assert_eq!(report.affected, vec![3, 5]);
        assert_eq!(report.subject, Subject::Customer);
        assert_eq!(report.done_then, None);
    }

    #[test]
    fn the_reporter_must_confirm_it_was_not_an_accommodation() {
        let mut form = filled();
        form.not_accommodation = String::new();
        let errors = form.check(TODAY, FROM_REQUEST).unwrap_err();
        assert_eq!(fields(&errors), vec!["not_accommodation"]);
    }

    #[test]
    fn a_reasonable_demand_made_acceptably_is_not_harassment() {
        for demand in ["reasonable", "no_demand"] {
            let mut form = filled();
            form.demand = demand.into();
            form.manner = "acceptable".into();
            let errors = form.check(TODAY, FROM_REQUEST).unwrap_err();
            assert_eq!(errors, vec![("demand", Invalid::OutOfRange)]);
        }
        // Either test alone is enough.
        let mut form = filled();
        form.demand = "reasonable".into();
        assert!(form.check(TODAY, FROM_REQUEST).is_ok());
        let mut form = filled();
        form.manner = "acceptable".into();
        assert!(form.check(TODAY, FROM_REQUEST).is_ok());
    }

    #[test]
    fn an_empty_form_names_every_question_in_page_order() {
        let errors = ReportForm::default()
            .check(
                TODAY,
                Origin {
                    names_customer: false,
                    proxy_involved: true,
                },
            )
            .unwrap_err();
        assert_eq!(
            fields(&errors),
            vec![
                "occurred",
                "occurred_time",
                "venue",
                "subject",
                "customer_email",
                "category",
                "account",
                "demand",
                "manner",
                "not_accommodation"
            ]
        );
    }

    #[test]
    fn a_report_on_its_own_names_the_customer_by_email_or_member_number() {
        let alone = Origin {
            names_customer: false,
            proxy_involved: false,
        };
        let mut form = filled();
        form.customer_name = "山田 花子".into();
        assert_eq!(
            form.check(TODAY, alone).unwrap_err(),
            vec![("customer_email", Invalid::Missing)]
        );
        form.member_number = "ＡＢ１２３４５".into();
        let report = form.check(TODAY, alone).unwrap();
        assert_eq!(report.typed.member_number.as_deref(), Some("AB12345"));
        assert_eq!(report.typed.name.as_deref(), Some("山田 花子"));
    }

    #[test]
    fn the_future_and_odd_ids_are_refused() {
        let mut form = filled();
        form.occurred_day = "11".into();
        form.affected = vec!["x".into()];
        form.quotes = vec!["-4".into()];
        let errors = form.check(TODAY, FROM_REQUEST).unwrap_err();
        assert_eq!(fields(&errors), vec!["occurred", "quotes", "affected"]);
    }

    #[test]
    fn times_are_read_to_the_minute() {
        assert_eq!(clock_time("9:05"), Ok(time!(9:05)));
        assert_eq!(clock_time("０９：０５"), Ok(time!(9:05)));
        assert_eq!(clock_time("24:00"), Err(Invalid::BadFormat));
        assert_eq!(clock_time(""), Err(Invalid::Missing));
    }
}
