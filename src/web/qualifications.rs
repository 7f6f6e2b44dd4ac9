//! Staff qualifications: reading the form that records them with their dates (shared with
//! an interpreter's page), the supervisors' page of who holds what and what expires, and the
//! qualifications page of a staff member who is not an interpreter.

use super::context::StaffAct;
use super::forms::{DoneQuery, Form, Query, rejected, see_other};
use crate::domain::qualification_record::{
    Refused, StaffRecords, TypedRecord, expires_field, obtained_field, read_records,
};
use crate::domain::{Qualification, QualificationRecord, Role, SignLanguage};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::calendar::local_date;
use crate::services::qualifications::{self, RecordError};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::qualifications::{self as view, RecordForm, StaffQualificationsView};
use crate::views::schedule::qualification_name;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use serde::Deserialize;
use std::collections::HashMap;
use time::Date;

/// The qualifications form: the boxes ticked, the sign languages (on an interpreter's
/// page), and a pair of dates for each qualification.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QualificationsForm {
    /// The qualifications ticked.
    pub qualification: Vec<String>,
    /// The sign languages ticked.
    pub sign_language: Vec<String>,
    /// Everything else sent: the date boxes, by name (and the form's token).
    #[serde(flatten)]
    pub other: HashMap<String, String>,
}

impl QualificationsForm {
    /// What was typed, to show again on a refused form.
    pub fn typed(&self) -> RecordForm {
        let dates = Qualification::ALL
            .iter()
            .flat_map(|q| [obtained_field(*q), expires_field(*q)])
            .filter_map(|name| self.other.get(name).map(|v| (name.to_owned(), v.clone())))
            .collect();
        RecordForm {
            held: self.qualification.clone(),
            dates,
        }
    }

    /// The sign languages ticked, each once in the order offered; `None` when one is not
    /// offered.
    pub fn sign_languages(&self) -> Option<Vec<SignLanguage>> {
        let mut chosen = Vec::new();
        for raw in &self.sign_language {
            let language = SignLanguage::parse(raw)?;
            if !chosen.contains(&language) {
                chosen.push(language);
            }
        }
        chosen.sort();
        Some(chosen)
    }

    /// The qualifications ticked with their dates, read on `today`; what is wrong goes into
    /// `errors`, each at its box, naming the qualification in the page's language.
    pub fn records(
        &self,
        ctx: &PageContext,
        today: Date,
        errors: &mut Errors,
    ) -> Option<Vec<QualificationRecord>> {
        let mut held = Vec::new();
        for raw in &self.qualification {
            let Some(q) = Qualification::parse(raw) else {
                errors.add("qualification", "schedule.error.qualification_unknown");
                return None;
            };
            held.push(q);
        }
        let value = |name: &str| self.other.get(name).cloned().unwrap_or_default();
        let typed: Vec<(Qualification, TypedRecord)> = Qualification::ALL
            .iter()
            .map(|&q| {
                let record = TypedRecord {
                    held: held.contains(&q),
                    obtained_on: value(obtained_field(q)),
                    expires_on: value(expires_field(q)),
                };
                (q, record)
            })
            .collect();
        match read_records(&typed, today) {
            Ok(records) => Some(records),
            Err(refused) => {
                for r in refused {
                    add_refusal(ctx, errors, r);
                }
                None
            }
        }
    }
}

/// A refused date as the page's error, naming the qualification in the reader's words.
fn add_refusal(ctx: &PageContext, errors: &mut Errors, r: Refused) {
    let key = format!("qualifications.error.{}.{}", r.field.key(), r.why.key());
    let name = qualification_name(ctx, r.qualification).to_owned();
    errors.add_with(
        r.field.name(r.qualification),
        key,
        vec![("qualification", name)],
    );
}

/// Today in the desk's zone.
fn today(act: &StaffAct) -> Date {
    local_date(act.state.now(), act.state.config.timezone)
}

/// Every active staff member's qualifications: what has expired or expires soon first, then
/// who holds each, with the dates and the sign languages of certified interpreters.
pub async fn overview(act: StaffAct) -> Result<Markup> {
    let staff = qualifications::active_staff(&act.state.db).await?;
    Ok(view::overview(&act.ctx, &staff, today(&act)))
}

fn parse_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| Error::NotFound)
}

/// A staff member whose qualifications are recorded on this page: anyone but an
/// interpreter, whose page is their own.
async fn member(act: &StaffAct, raw_id: &str) -> Result<std::result::Result<StaffRecords, i64>> {
    let id = parse_id(raw_id)?;
    let found = qualifications::staff_member(&act.state.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(if found.role == Role::Interpreter {
        Err(found.id)
    } else {
        Ok(found)
    })
}

fn page(
    ctx: &PageContext,
    staff: &StaffRecords,
    form: &RecordForm,
    errors: &Errors,
    notice: Option<&str>,
) -> Markup {
    view::staff_qualifications(
        ctx,
        StaffQualificationsView {
            staff,
            form,
            errors,
            notice,
        },
    )
}

/// The qualifications of a staff member who is not an interpreter; an interpreter's are on
/// their own page, where this sends the reader.
pub async fn staff_page(
    act: StaffAct,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let staff = match member(&act, &id).await? {
        Ok(staff) => staff,
        Err(interpreter) => return Ok(see_other(&paths::staff::interpreter(interpreter))),
    };
    let notice = query.notice(&act.ctx, &[("saved", "schedule.done.qualifications")]);
    let form = RecordForm::stored(&staff.records);
    Ok(page(&act.ctx, &staff, &form, &Errors::new(), notice).into_response())
}

/// Records the qualifications of a staff member who is not an interpreter, with their dates.
pub async fn staff_save(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<QualificationsForm>,
) -> Result<Response> {
    let Ok(staff) = member(&act, &id).await? else {
        return Err(Error::NotFound);
    };
    let mut errors = Errors::new();
    let Some(records) = form.records(&act.ctx, today(&act), &mut errors) else {
        return Ok(rejected(page(
            &act.ctx,
            &staff,
            &form.typed(),
            &errors,
            None,
        )));
    };
    match qualifications::record(&act.uc(), staff.id, &records).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?done=saved",
            paths::staff::staff_qualifications(staff.id)
        ))),
        Err(RecordError::NotFound | RecordError::Interpreter) => Err(Error::NotFound),
        Err(RecordError::Database(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::domain::qualification_record::DateField;
    use crate::web::forms::read_fields;

    fn ctx(lang: Lang) -> PageContext {
        PageContext::for_tests(lang)
    }

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_reads_every_box_ticked_and_each_date_by_name() {
        let form: QualificationsForm = read_fields(pairs(&[
            ("csrf_token", "t"),
            ("qualification", "written_chat"),
            ("qualification", "dementia_supporter"),
            ("sign_language", "jsl"),
            ("obtained_on-written_chat", "2024-04-01"),
            ("expires_on-written_chat", "2027-03-31"),
        ]))
        .unwrap();
        assert_eq!(form.qualification, ["written_chat", "dementia_supporter"]);
        assert_eq!(form.sign_languages(), Some(vec![SignLanguage::Jsl]));
        let typed = form.typed();
        assert_eq!(typed.dates.len(), 2, "the token is not a date");
        let mut errors = Errors::new();
        let records = form
            .records(
                &ctx(Lang::En),
                time::macros::date!(2026 - 12 - 08),
                &mut errors,
            )
            .unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[0].expires_on,
            Some(time::macros::date!(2027 - 03 - 31))
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn a_refused_date_is_an_error_at_its_own_box() {
        let form: QualificationsForm = read_fields(pairs(&[
            ("qualification", "written_chat"),
            ("obtained_on-written_chat", "2024-04-01"),
            ("expires_on-written_chat", "2024-03-01"),
            ("expires_on-universal_manners", "2027-03-31"),
        ]))
        .unwrap();
        let mut errors = Errors::new();
        let ctx = ctx(Lang::En);
        assert!(
            form.records(&ctx, time::macros::date!(2026 - 12 - 08), &mut errors)
                .is_none()
        );
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            errors.message(&ctx, "expires_on-written_chat").as_deref(),
            Some(
                "The expiry date of Written chat must be the same as or after the date it was obtained"
            )
        );
        assert_eq!(
            fields,
            ["expires_on-written_chat", "expires_on-universal_manners"]
        );
        assert_eq!(
            DateField::Expires.name(Qualification::WrittenChat),
            fields[0]
        );
    }
}
