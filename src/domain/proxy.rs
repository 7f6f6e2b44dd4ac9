//! Senior Support: a customer (the *principal*) names a trusted person (the *proxy*) to act
//! for them within a scope they choose. Here are the registration's states, the scope, the
//! answers of the application journey and how each is checked.

use super::booking::{member_number, optional_text};
use super::journey::{Journey, Refusals, Step, StepErrors, choice, optional_email, tidy};
use super::{Email, Invalid, dates, required_text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::{Date, OffsetDateTime};

stored_names! {
    /// Where a customer's request to end a registration stands.
    EndRequestStatus {
        /// Waiting for staff to check it.
        Open = "open",
        /// Staff ended the registration it names.
        Confirmed = "confirmed",
        /// Staff closed it without ending anything.
        Declined = "declined",
    }
}

stored_names! {
    /// Who the proxy is to the customer.
    Relationship {
        /// Husband or wife.
        Spouse = "spouse",
        /// Son or daughter.
        Child = "child",
        /// A son's or daughter's husband or wife.
        ChildSpouse = "child_spouse",
        /// Grandson or granddaughter.
        Grandchild = "grandchild",
        /// Brother or sister.
        Sibling = "sibling",
        /// Another relative.
        OtherRelative = "other_relative",
        /// A guardian appointed by a court.
        LegalGuardian = "legal_guardian",
        /// A care manager, home helper or other care professional.
        CareProfessional = "care_professional",
    }
}

stored_names! {
    /// One thing a proxy may do for the customer.
    Scope {
        /// Ask questions and receive information.
        Ask = "ask",
        /// Book sign-language and written-chat sessions.
        Book = "book",
        /// Carry out procedures: a change of address, a card reissue and the like.
        Procedures = "procedures",
    }
}

stored_names! {
    /// How the customer's own consent is confirmed.
    ConsentMethod {
        /// The consent form, signed and returned by post.
        Post = "post",
        /// In person at a counter.
        Counter = "counter",
        /// In a video session with staff.
        Video = "video",
    }
}

stored_names! {
    /// Where a registration stands.
    RegistrationStatus {
        /// Sent, waiting for staff.
        Submitted = "submitted",
        /// Staff are checking it.
        UnderReview = "under_review",
        /// The proxy may act, until the registration's end date.
        Approved = "approved",
        /// Staff turned it down.
        Rejected = "rejected",
        /// Ended before its time: by staff, by the proxy or at the customer's request.
        Revoked = "revoked",
        /// Its time ran out.
        Expired = "expired",
    }
}

stored_names! {
    /// An identity document staff can check.
    IdDocument {
        /// A driving licence.
        DrivingLicence = "driving_licence",
        /// An Individual Number (My Number) card.
        MyNumberCard = "my_number_card",
        /// A passport.
        Passport = "passport",
        /// A health insurance card.
        HealthInsuranceCard = "health_insurance_card",
        /// A residence card.
        ResidenceCard = "residence_card",
        /// A disability certificate.
        DisabilityCertificate = "disability_certificate",
        /// Another official document with a photograph.
        Other = "other",
    }
}

stored_names! {
    /// Who ended a registration.
    EndedBy {
        /// Staff revoked it.
        Staff = "staff",
        /// The proxy stepped down.
        Proxy = "proxy",
        /// The customer asked for it to end.
        Customer = "customer",
        /// Its time ran out.
        Expiry = "expiry",
    }
}

/// What a proxy may do for one customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scopes {
    /// Ask questions and receive information.
    pub ask: bool,
    /// Book sessions.
    pub book: bool,
    /// Carry out procedures.
    pub procedures: bool,
}

impl Scopes {
    /// Whether the scope covers one thing.
    pub fn covers(self, scope: Scope) -> bool {
        match scope {
            Scope::Ask => self.ask,
            Scope::Book => self.book,
            Scope::Procedures => self.procedures,
        }
    }

    /// The things covered, in order.
    pub fn list(self) -> Vec<Scope> {
        Scope::ALL
            .iter()
            .copied()
            .filter(|s| self.covers(*s))
            .collect()
    }
}

/// Whether a registration lets its proxy act now: approved, and not past its end.
pub fn is_active(
    status: RegistrationStatus,
    valid_until: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    status == RegistrationStatus::Approved && valid_until.is_some_and(|until| now < until)
}

/// Reads a name written in kana: hiragana, katakana, the long-vowel mark, the middle dot
/// and spaces. Runs of spaces become one.
pub fn kana_name(raw: &str) -> Result<String, Invalid> {
    // Half-width katakana is read as the ordinary kind, so that both find the same customer.
    let value = required_text(&super::width::kana(raw), 100)?;
    let is_kana = |c: char| {
        matches!(c,
            '\u{3041}'..='\u{3096}' | '\u{309B}'..='\u{309E}' | '\u{30A1}'..='\u{30FA}'
            | '\u{30FC}' | '\u{30FB}' | '\u{30FD}'..='\u{30FE}'
            | ' ' | '\u{3000}')
    };
    if !value.chars().all(is_kana) {
        return Err(Invalid::BadFormat);
    }
    Ok(value.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The same customer's registrations share this: the name in kana (in katakana, without
/// spaces or dots) and the date of birth.
pub fn principal_key(kana: &str, birth: Date) -> String {
    let folded: String = kana
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '・')
        .map(|c| match c {
            // Hiragana to katakana: the two blocks lie 0x60 apart.
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            other => other,
        })
        .collect();
    format!("{folded}|{}", iso_date(birth))
}

/// A date written `YYYY-MM-DD`.
pub fn iso_date(day: Date) -> String {
    dates::iso_day(day)
}

/// Reads a stored `YYYY-MM-DD`, within the years the desk keeps.
pub fn parse_iso_date(raw: &str) -> Option<Date> {
    dates::parse_day(raw).ok()
}

/// Reads a date typed as year, month and day. It must be a real day in the past, and not
/// before 1900.
pub fn past_date(year: &str, month: &str, day: &str, today: Date) -> Result<Date, Invalid> {
    match dates::typed_date(year, month, day) {
        Ok(date) if date < today => Ok(date),
        Ok(_) | Err(Invalid::OutOfRange) => Err(Invalid::NotAChoice),
        Err(why) => Err(why),
    }
}

/// Reads a day typed as year, month and day that is today or before (a day something
/// happened on), and not more than ten years ago.
pub fn recent_date(year: &str, month: &str, day: &str, today: Date) -> Result<Date, Invalid> {
    let tomorrow = today.next_day().unwrap_or(today);
    let date = past_date(year, month, day, tomorrow)?;
    if date.year() < today.year() - 10 {
        return Err(Invalid::NotAChoice);
    }
    Ok(date)
}

/// A postal address: required, up to 300 characters, several lines allowed.
pub fn postal_address(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, 300)?.ok_or(Invalid::Missing)
}

/// The steps of the application journey, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApplyStep {
    /// The customer's name and its kana.
    CustomerName,
    /// The customer's date of birth.
    CustomerBirth,
    /// The customer's postal address.
    CustomerAddress,
    /// The customer's member number and email, both optional.
    CustomerContact,
    /// The proxy's name and its kana.
    ProxyName,
    /// Who the proxy is to the customer.
    Relationship,
    /// The proxy's email and postal address.
    ProxyContact,
    /// What the proxy may do.
    Scope,
    /// How the customer's consent will be confirmed.
    Consent,
    /// The applicant's declaration.
    Declaration,
}

impl Step for ApplyStep {
    const ALL: &'static [ApplyStep] = &[
        ApplyStep::CustomerName,
        ApplyStep::CustomerBirth,
        ApplyStep::CustomerAddress,
        ApplyStep::CustomerContact,
        ApplyStep::ProxyName,
        ApplyStep::Relationship,
        ApplyStep::ProxyContact,
        ApplyStep::Scope,
        ApplyStep::Consent,
        ApplyStep::Declaration,
    ];

    fn slug(self) -> &'static str {
        match self {
            ApplyStep::CustomerName => "customer-name",
            ApplyStep::CustomerBirth => "customer-birth",
            ApplyStep::CustomerAddress => "customer-address",
            ApplyStep::CustomerContact => "customer-contact",
            ApplyStep::ProxyName => "proxy-name",
            ApplyStep::Relationship => "relationship",
            ApplyStep::ProxyContact => "proxy-contact",
            ApplyStep::Scope => "scope",
            ApplyStep::Consent => "consent",
            ApplyStep::Declaration => "declaration",
        }
    }
}

/// What a page of the application sends: the fields of every step, each step taking its
/// own. A ticked scope comes under the same name once for each box ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    /// The customer's full name.
    pub principal_full_name: String,
    /// The customer's name in kana.
    pub principal_kana: String,
    /// The year of the customer's birth.
    #[serde(rename = "birth-year")]
    pub birth_year: String,
    /// The month of the customer's birth.
    #[serde(rename = "birth-month")]
    pub birth_month: String,
    /// The day of the customer's birth.
    #[serde(rename = "birth-day")]
    pub birth_day: String,
    /// The customer's postal address.
    pub principal_address: String,
    /// The customer's member number.
    pub principal_member_number: String,
    /// The customer's email.
    pub principal_email: String,
    /// The proxy's full name.
    pub proxy_full_name: String,
    /// The proxy's name in kana.
    pub proxy_kana: String,
    /// One of [`Relationship`].
    pub relationship: String,
    /// The proxy's email.
    pub proxy_email: String,
    /// The proxy's postal address.
    pub proxy_address: String,
    /// The [`Scope`]s ticked.
    pub scope: Vec<String>,
    /// One of [`ConsentMethod`].
    pub consent_method: String,
    /// `yes` when the declaration is ticked.
    pub declaration: String,
}

/// The answers of an unfinished application, exactly as typed, so a rejected page shows
/// them again and closing the browser loses nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationDraft {
    /// The customer's full name.
    pub principal_full_name: String,
    /// The customer's name in kana.
    pub principal_kana: String,
    /// The customer's date of birth: year, month, day.
    pub birth: (String, String, String),
    /// The customer's member number, if known.
    pub principal_member_number: String,
    /// The customer's postal address.
    pub principal_address: String,
    /// The customer's email, if they have one.
    pub principal_email: String,
    /// The proxy's full name.
    pub proxy_full_name: String,
    /// The proxy's name in kana.
    pub proxy_kana: String,
    /// One of [`Relationship`].
    pub relationship: String,
    /// The proxy's email.
    pub proxy_email: String,
    /// The proxy's postal address.
    pub proxy_address: String,
    /// The [`Scope`]s ticked.
    pub scope: Vec<String>,
    /// One of [`ConsentMethod`].
    pub consent_method: String,
    /// Whether the declaration was ticked.
    pub declaration: bool,
    /// The steps whose answers were accepted.
    pub done: BTreeSet<String>,
    /// Once sent: the registration's reference, for the confirmation page.
    pub submitted: Option<String>,
}

/// An accepted application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// The customer's full name.
    pub principal_full_name: String,
    /// The customer's name in kana.
    pub principal_kana: String,
    /// The customer's date of birth.
    pub principal_birth_date: Date,
    /// The customer's member number.
    pub principal_member_number: Option<String>,
    /// The customer's postal address.
    pub principal_address: String,
    /// The customer's email.
    pub principal_email: Option<Email>,
    /// The proxy's full name.
    pub proxy_full_name: String,
    /// The proxy's name in kana.
    pub proxy_kana: String,
    /// Who the proxy is to the customer.
    pub relationship: Relationship,
    /// The proxy's email.
    pub proxy_email: Email,
    /// The proxy's postal address.
    pub proxy_address: String,
    /// What the proxy may do.
    pub scopes: Scopes,
    /// How consent will be confirmed.
    pub consent_method: ConsentMethod,
}

impl ApplicationDraft {
    fn scopes(&self) -> Result<Scopes, Invalid> {
        if self.scope.is_empty() {
            return Err(Invalid::Missing);
        }
        let mut scopes = Scopes::default();
        for raw in &self.scope {
            match Scope::parse(raw) {
                Some(Scope::Ask) => scopes.ask = true,
                Some(Scope::Book) => scopes.book = true,
                Some(Scope::Procedures) => scopes.procedures = true,
                None => return Err(Invalid::NotAChoice),
            }
        }
        Ok(scopes)
    }
}

impl ApplicationDraft {
    /// Writes an accepted step's answers as they will be kept, so the check page shows what
    /// is sent: kana made full-width, member numbers and email addresses in half-width.
    fn tidy(&mut self, step: ApplyStep) {
        match step {
            ApplyStep::CustomerName => tidy(&mut self.principal_kana, |k| kana_name(k).ok()),
            ApplyStep::CustomerContact => {
                tidy(&mut self.principal_member_number, |n| {
                    member_number(n).ok().map(Option::unwrap_or_default)
                });
                tidy(&mut self.principal_email, |e| {
                    optional_email(e)
                        .ok()
                        .map(|e| e.map(|e| e.as_str().to_owned()).unwrap_or_default())
                });
            }
            ApplyStep::ProxyName => tidy(&mut self.proxy_kana, |k| kana_name(k).ok()),
            ApplyStep::ProxyContact => tidy(&mut self.proxy_email, |e| {
                Email::parse(e).ok().map(|e| e.as_str().to_owned())
            }),
            _ => {}
        }
    }
}

impl Journey for ApplicationDraft {
    const KIND: &'static str = "proxy_application";
    type Step = ApplyStep;
    type Form = ApplicationForm;
    type Finished = Application;

    fn take(&mut self, step: ApplyStep, form: &ApplicationForm) {
        let f = form.clone();
        match step {
            ApplyStep::CustomerName => {
                self.principal_full_name = f.principal_full_name;
                self.principal_kana = f.principal_kana;
            }
            ApplyStep::CustomerBirth => self.birth = (f.birth_year, f.birth_month, f.birth_day),
            ApplyStep::CustomerAddress => self.principal_address = f.principal_address,
            ApplyStep::CustomerContact => {
                self.principal_member_number = f.principal_member_number;
                self.principal_email = f.principal_email;
            }
            ApplyStep::ProxyName => {
                self.proxy_full_name = f.proxy_full_name;
                self.proxy_kana = f.proxy_kana;
            }
            ApplyStep::Relationship => self.relationship = f.relationship,
            ApplyStep::ProxyContact => {
                self.proxy_email = f.proxy_email;
                self.proxy_address = f.proxy_address;
            }
            ApplyStep::Scope => self.scope = f.scope,
            ApplyStep::Consent => self.consent_method = f.consent_method,
            ApplyStep::Declaration => self.declaration = f.declaration == "yes",
        }
    }

    fn check(&self, step: ApplyStep, today: Date) -> StepErrors {
        let mut c = Refusals::default();
        match step {
            ApplyStep::CustomerName => {
                c.keep(
                    "principal_full_name",
                    required_text(&self.principal_full_name, 100),
                );
                c.keep("principal_kana", kana_name(&self.principal_kana));
            }
            ApplyStep::CustomerBirth => {
                let (y, m, d) = &self.birth;
                c.keep("birth", past_date(y, m, d, today));
            }
            ApplyStep::CustomerAddress => {
                c.keep("principal_address", postal_address(&self.principal_address));
            }
            ApplyStep::CustomerContact => {
                c.keep(
                    "principal_member_number",
                    member_number(&self.principal_member_number),
                );
                c.keep("principal_email", optional_email(&self.principal_email));
            }
            ApplyStep::ProxyName => {
                c.keep("proxy_full_name", required_text(&self.proxy_full_name, 100));
                c.keep("proxy_kana", kana_name(&self.proxy_kana));
            }
            ApplyStep::Relationship => {
                c.keep(
                    "relationship",
                    choice(&self.relationship, Relationship::parse),
                );
            }
            ApplyStep::ProxyContact => {
                c.keep("proxy_email", Email::parse(&self.proxy_email));
                c.keep("proxy_address", postal_address(&self.proxy_address));
            }
            ApplyStep::Scope => {
                c.keep("scope", self.scopes());
            }
            ApplyStep::Consent => {
                c.keep(
                    "consent_method",
                    choice(&self.consent_method, ConsentMethod::parse),
                );
            }
            ApplyStep::Declaration => {
                if !self.declaration {
                    c.refuse("declaration", Invalid::Missing);
                }
            }
        }
        c.into_errors()
    }

    fn is_done(&self, step: ApplyStep) -> bool {
        self.done.contains(step.slug())
    }

    fn mark(&mut self, step: ApplyStep, accepted: bool) {
        if accepted {
            self.tidy(step);
            self.done.insert(step.slug().to_owned());
        } else {
            self.done.remove(step.slug());
        }
    }

    fn is_sent(&self) -> bool {
        self.submitted.is_some()
    }

    fn finish(&self, today: Date) -> Result<Application, StepErrors> {
        let errors: StepErrors = ApplyStep::ALL
            .iter()
            .flat_map(|s| self.check(*s, today))
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let (y, m, d) = &self.birth;
        let refused = || vec![("application", Invalid::BadFormat)];
        Ok(Application {
            principal_full_name: self.principal_full_name.trim().to_owned(),
            principal_kana: kana_name(&self.principal_kana).map_err(|_| refused())?,
            principal_birth_date: past_date(y, m, d, today).map_err(|_| refused())?,
            principal_member_number: member_number(&self.principal_member_number)
                .map_err(|_| refused())?,
            principal_address: postal_address(&self.principal_address).map_err(|_| refused())?,
            principal_email: optional_email(&self.principal_email).map_err(|_| refused())?,
            proxy_full_name: self.proxy_full_name.trim().to_owned(),
            proxy_kana: kana_name(&self.proxy_kana).map_err(|_| refused())?,
            relationship: Relationship::parse(&self.relationship).ok_or_else(refused)?,
            proxy_email: Email::parse(&self.proxy_email).map_err(|_| refused())?,
            proxy_address: postal_address(&self.proxy_address).map_err(|_| refused())?,
            scopes: self.scopes().map_err(|_| refused())?,
            consent_method: ConsentMethod::parse(&self.consent_method).ok_or_else(refused)?,
        })
    }
}

/// A date of birth as staff lists keep it: the year only, or nothing when it cannot be read.
pub fn birth_year(stored: &str) -> String {
    match stored.split_once('-') {
        Some((year, _)) if year.chars().all(|c| c.is_ascii_digit()) => year.to_owned(),
        _ => String::new(),
    }
}

/// An address as staff lists show it: its first few characters.
pub fn masked_address(stored: &str) -> String {
    let first_line = stored.lines().next().unwrap_or_default();
    let shown: String = first_line.chars().take(6).collect();
    format!("{shown}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 25);

    #[test]
    fn kana_names_accept_hiragana_katakana_and_spaces_only() {
        assert_eq!(
            kana_name(" やまだ　はなこ "),
            Ok("やまだ はなこ".to_owned())
        );
        assert_eq!(kana_name("ヤマダ・ハナコ"), Ok("ヤマダ・ハナコ".to_owned()));
        assert_eq!(kana_name(""), Err(Invalid::Missing));
        assert_eq!(kana_name("山田"), Err(Invalid::BadFormat));
        assert_eq!(kana_name("Yamada"), Err(Invalid::BadFormat));
    }

    #[test]
    fn one_customer_shares_a_key_however_the_kana_is_written() {
        let birth = date!(1941 - 03 - 09);
        assert_eq!(
            principal_key("やまだ はなこ", birth),
            principal_key("ヤマダハナコ", birth)
        );
        assert_ne!(
            principal_key("やまだ はなこ", birth),
            principal_key("やまだ はなこ", date!(1941 - 03 - 10))
        );
    }

    #[test]
    fn dates_of_birth_are_real_past_days() {
        assert_eq!(
            past_date("1941", "3", "9", TODAY),
            Ok(date!(1941 - 03 - 09))
        );
        assert_eq!(
            past_date("１９４１", "０３", "０９", TODAY),
            Ok(date!(1941 - 03 - 09))
        );
        assert_eq!(past_date("", " ", "", TODAY), Err(Invalid::Missing));
        assert_eq!(past_date("1941", "2", "30", TODAY), Err(Invalid::BadFormat));
        assert_eq!(
            past_date("nineteen", "2", "3", TODAY),
            Err(Invalid::BadFormat)
        );
        assert_eq!(past_date("2030", "1", "1", TODAY), Err(Invalid::NotAChoice));
        assert_eq!(past_date("1850", "1", "1", TODAY), Err(Invalid::NotAChoice));
        assert_eq!(recent_date("2026", "11", "25", TODAY), Ok(TODAY));
        assert_eq!(
            recent_date("2010", "1", "1", TODAY),
            Err(Invalid::NotAChoice)
        );
    }

    #[test]
    fn a_whole_application_is_checked_step_by_step() {
        let mut draft = ApplicationDraft {
            principal_full_name: "山田 花子".into(),
            principal_kana: "やまだ はなこ".into(),
            birth: ("1941".into(), "3".into(), "9".into()),
            principal_address: "東京都千代田区1-1".into(),
            proxy_full_name: "山田 一郎".into(),
            proxy_kana: "やまだ いちろう".into(),
            relationship: "child".into(),
            proxy_email: "ichiro@example.jp".into(),
            proxy_address: "東京都港区2-2".into(),
            scope: vec!["ask".into(), "book".into()],
            consent_method: "post".into(),
            declaration: true,
            ..Default::default()
        };
        let application = draft.finish(TODAY).unwrap();
        assert_eq!(application.principal_email, None);
        assert!(application.scopes.book && !application.scopes.procedures);
        assert_eq!(application.relationship, Relationship::Child);
        draft.scope = vec!["everything".into()];
        draft.proxy_email = "not an address".into();
        let errors = draft.finish(TODAY).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("proxy_email", Invalid::BadFormat),
                ("scope", Invalid::NotAChoice)
            ]
        );
        assert_eq!(draft.next_step(), Some(ApplyStep::CustomerName));
        for step in ApplyStep::ALL {
            draft.mark(*step, true);
        }
        assert_eq!(draft.next_step(), None);
    }

    #[test]
    fn only_an_approved_registration_within_its_dates_is_active() {
        let now = time::macros::datetime!(2026-11-25 12:00 UTC);
        let later = Some(now + time::Duration::days(1));
        assert!(is_active(RegistrationStatus::Approved, later, now));
        assert!(!is_active(RegistrationStatus::Approved, Some(now), now));
        assert!(!is_active(RegistrationStatus::Revoked, later, now));
        assert!(!is_active(RegistrationStatus::Submitted, later, now));
    }

    #[test]
    fn lists_show_only_part_of_a_birth_date_or_address() {
        assert_eq!(birth_year("1941-03-09"), "1941");
        assert_eq!(birth_year("unknown"), "");
        assert_eq!(
            masked_address("東京都千代田区千代田1-1\n山田様方"),
            "東京都千代田…"
        );
    }
}
