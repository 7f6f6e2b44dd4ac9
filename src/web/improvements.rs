//! Handlers for improvement cases: the staff list by status, a new case (gathering the
//! feedback the address names), a case's page with its words, moves and publication, and
//! the public "you said, we did" page.

use super::AppState;
use super::context::StaffAct;
use super::forms::{DoneQuery, Form, Query, rejected, see_other};
use super::incidents::id_of;
use crate::domain::improvement::{CaseForm, CaseStatus};
use crate::domain::{Lang, Permission};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::audit as audit_log;
use crate::services::improvements::{self, Case, CaseError, Feedback};
use crate::services::staff;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::improvements::{
    self as view, CasePage, CaseRow, CaseView, FeedbackLine, HistoryLine, ListView, NOTICES,
    PublicCase,
};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;
use serde::Deserialize;

impl From<CaseError> for Error {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::NotFound | CaseError::UnknownFeedback => Error::NotFound,
            CaseError::Database(e) => e.into(),
            other => Error::Service(Box::new(other)),
        }
    }
}

/// `?status=…` on the list, and the notice after a form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    done: String,
}

/// The cases, by status.
pub async fn list(act: StaffAct, Query(query): Query<ListQuery>) -> Result<Markup> {
    let ctx = &act.ctx;
    let db = &act.state.db;
    let status = match query.status.as_str() {
        "" => None,
        raw => Some(CaseStatus::parse(raw).ok_or(Error::NotFound)?),
    };
    let cases = improvements::list(db, status).await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let gathered = improvements::gathered_counts(db, &ids).await?;
    let rows: Vec<CaseRow> = cases
        .iter()
        .map(|c| CaseRow {
            id: c.id,
            reference: c.reference.clone(),
            you_said: in_lang(ctx.lang, &c.you_said_ja, &c.you_said_en).to_owned(),
            status: c.status,
            gathered: gathered.get(&c.id).copied().unwrap_or(0),
            updated_at: c.updated_at,
            published: c.published_at.is_some(),
        })
        .collect();
    let counts = improvements::counts(db).await?;
    let done = DoneQuery { done: query.done };
    Ok(view::list(
        ctx,
        &ListView {
            status,
            counts: &counts,
            rows: &rows,
            notice: done.notice(ctx, NOTICES),
        },
    ))
}

fn in_lang<'a>(lang: Lang, ja: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// `?feedback=ID&feedback=ID`: the feedback a new case gathers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GatherQuery {
    feedback: Vec<String>,
}

impl GatherQuery {
    /// The ids named; an address naming something that is not an id is not found.
    fn ids(&self) -> Result<Vec<i64>> {
        let mut ids = self
            .feedback
            .iter()
            .map(|raw| id_of(raw.trim()))
            .collect::<Result<Vec<_>>>()?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// Where the form posts: here again, naming the same feedback.
    fn action(&self, ids: &[i64]) -> String {
        let query: Vec<String> = ids.iter().map(|id| format!("feedback={id}")).collect();
        if query.is_empty() {
            paths::feedback::CASE_NEW.to_owned()
        } else {
            format!("{}?{}", paths::feedback::CASE_NEW, query.join("&"))
        }
    }
}

async fn feedback_lines(
    state: &AppState,
    found: &[Feedback],
    this_case: Option<i64>,
) -> Result<Vec<FeedbackLine>> {
    let others: Vec<i64> = found
        .iter()
        .filter_map(|f| f.case_id)
        .filter(|id| Some(*id) != this_case)
        .collect();
    let references = improvements::references(&state.db, &others).await?;
    Ok(found
        .iter()
        .map(|f| FeedbackLine {
            id: f.id,
            reference: f.reference.clone(),
            kind: f.kind,
            ease: f.ease,
            comment: f.comment.clone(),
            received_at: f.created_at,
            elsewhere: f
                .case_id
                .filter(|id| Some(*id) != this_case)
                .and_then(|id| references.get(&id).cloned()),
        })
        .collect())
}

async fn new_page(
    act: &StaffAct,
    ids: &[i64],
    query: &GatherQuery,
    typed: &CaseForm,
    errors: &Errors,
) -> Result<Markup> {
    let found = improvements::feedback_named(&act.state.db, ids)
        .await?
        .ok_or(Error::NotFound)?;
    let lines = feedback_lines(&act.state, &found, None).await?;
    Ok(view::new_case(
        &act.ctx,
        &query.action(ids),
        &lines,
        typed,
        errors,
    ))
}

/// The form for a new case.
pub async fn new_form(act: StaffAct, Query(query): Query<GatherQuery>) -> Result<Markup> {
    let ids = query.ids()?;
    new_page(&act, &ids, &query, &CaseForm::default(), &Errors::new()).await
}

/// Opens a case. A refused one comes back with everything typed and each reason.
pub async fn open(
    act: StaffAct,
    Query(query): Query<GatherQuery>,
    Form(form): Form<CaseForm>,
) -> Result<Response> {
    let ids = query.ids()?;
    match form.check(CaseStatus::Proposed) {
        Ok(text) => {
            let case = improvements::open(&act.uc(), &text, &ids).await?;
            Ok(see_other(&format!(
                "{}?done=opened",
                paths::feedback::case(case.id)
            )))
        }
        Err(refused) => Ok(rejected(
            new_page(&act, &ids, &query, &form, &refused.into()).await?,
        )),
    }
}

fn words_of(case: &Case) -> CaseForm {
    CaseForm {
        you_said_ja: case.you_said_ja.clone(),
        you_said_en: case.you_said_en.clone(),
        we_did_ja: case.we_did_ja.clone().unwrap_or_default(),
        we_did_en: case.we_did_en.clone().unwrap_or_default(),
    }
}

async fn found(act: &StaffAct, id: i64) -> Result<Case> {
    improvements::get(&act.state.db, id)
        .await?
        .ok_or(Error::NotFound)
}

/// A case's page, with what a refused form typed (or the stored words).
async fn case_page(
    act: &StaffAct,
    case: &Case,
    typed: Option<&CaseForm>,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let ctx = &act.ctx;
    let db = &act.state.db;
    let names = staff::display_names(db).await?;
    let name = |id: Option<i64>| -> String {
        id.and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| ctx.t("improvements.case.someone").to_owned())
    };
    let gathered = improvements::gathered(db, case.id).await?;
    let gathered = feedback_lines(&act.state, &gathered, Some(case.id)).await?;
    let history: Vec<HistoryLine> = audit_log::about(db, "improvement_case", &case.id.to_string())
        .await?
        .into_iter()
        .map(|e| HistoryLine {
            at: e.occurred_at,
            action: history_text(ctx, &e.action, &e.detail),
            by: name(e.actor_staff_id),
        })
        .collect();
    let view_case = CaseView {
        id: case.id,
        reference: case.reference.clone(),
        status: case.status,
        opened: (name(case.created_by), case.created_at),
        started_at: case.started_at,
        done_at: case.done_at,
        published: case.published_at.map(|at| (at, name(case.published_by))),
    };
    let typed = typed.cloned().unwrap_or_else(|| words_of(case));
    Ok(view::case_page(
        ctx,
        &CasePage {
            case: &view_case,
            gathered: &gathered,
            history: &history,
            may_publish: act.staff.role.may(Permission::PublishImprovements),
            notice,
        },
        &typed,
        errors,
    ))
}

/// What one audit row of a case says happened, in the page's language: where it moved,
/// which words changed, whether it went on or off the public page.
fn history_text(ctx: &PageContext, action: &str, detail: &str) -> String {
    use serde_json::Value;
    let detail: Value = serde_json::from_str(detail).unwrap_or(Value::Null);
    let status = |key: &str| {
        detail[key]
            .as_str()
            .and_then(CaseStatus::parse)
            .map(|s| view::status_name(ctx, s))
    };
    let off_public_page = detail["on_public_page"] == Value::Bool(false);
    match action {
        "improvement.opened" => {
            let gathered = detail["gathered"].as_array().map_or(0, Vec::len) as u64;
            ctx.tn("improvements.history.opened", gathered, &[])
        }
        "improvement.changed" => {
            if let (Some(from), Some(to)) = (status("from"), status("to")) {
                let key = if off_public_page {
                    "improvements.history.moved_off"
                } else {
                    "improvements.history.moved"
                };
                return ctx.tf(key, &[("from", from), ("to", to)]);
            }
            let fields: Vec<&str> = detail["changed_words"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|f| ["you_said_ja", "you_said_en", "we_did_ja", "we_did_en"].contains(f))
                .map(|f| {
                    crate::i18n::find(ctx.lang, &format!("improvements.field.{f}")).unwrap_or(f)
                })
                .collect();
            let separator = match ctx.lang {
                Lang::Ja => "、",
                Lang::En => ", ",
            };
            ctx.tf(
                "improvements.history.words",
                &[("fields", &fields.join(separator))],
            )
        }
        "improvement.published" if off_public_page => {
            ctx.t("improvements.history.withdrawn").to_owned()
        }
        "improvement.published" => ctx.t("improvements.history.published").to_owned(),
        other => crate::i18n::find(ctx.lang, &format!("audit.{other}"))
            .unwrap_or(other)
            .to_owned(),
    }
}

/// One case.
pub async fn detail(
    act: StaffAct,
    Path(id): Path<String>,
    Query(done): Query<DoneQuery>,
) -> Result<Markup> {
    let case = found(&act, id_of(&id)?).await?;
    let notice = done.notice(&act.ctx, NOTICES);
    case_page(&act, &case, None, &Errors::new(), notice).await
}

fn done_page(id: i64, done: &str, anchor: &str) -> Response {
    see_other(&format!(
        "{}?done={done}#{anchor}",
        paths::feedback::case(id)
    ))
}

/// Saves a case's words. A done case keeps "we did" in both languages.
pub async fn save(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response> {
    let case = found(&act, id_of(&id)?).await?;
    let errors: Errors = match form.check(case.status) {
        Ok(text) => match improvements::edit(&act.uc(), case.id, &text).await {
            Ok(_) => return Ok(done_page(case.id, "saved", "words")),
            // Done since the page was opened: "we did" is needed now.
            Err(CaseError::WeDidMissing) => we_did_missing(),
            Err(e) => return Err(e.into()),
        },
        Err(refused) => refused.into(),
    };
    let case = found(&act, case.id).await?;
    Ok(rejected(
        case_page(&act, &case, Some(&form), &errors, None).await?,
    ))
}

fn we_did_missing() -> Errors {
    vec![
        ("we_did_ja", crate::domain::Invalid::Missing),
        ("we_did_en", crate::domain::Invalid::Missing),
    ]
    .into()
}

/// The status a case moves to, and its words when the form that moves it holds them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    status: String,
    you_said_ja: Option<String>,
    you_said_en: Option<String>,
    we_did_ja: Option<String>,
    we_did_en: Option<String>,
}

impl MoveForm {
    /// The words sent, when any were: a form without them moves the case as it stands.
    fn words(&self) -> Option<CaseForm> {
        let sent = [
            &self.you_said_ja,
            &self.you_said_en,
            &self.we_did_ja,
            &self.we_did_en,
        ];
        sent.iter().any(|w| w.is_some()).then(|| CaseForm {
            you_said_ja: self.you_said_ja.clone().unwrap_or_default(),
            you_said_en: self.you_said_en.clone().unwrap_or_default(),
            we_did_ja: self.we_did_ja.clone().unwrap_or_default(),
            we_did_en: self.we_did_en.clone().unwrap_or_default(),
        })
    }
}

/// Moves a case on (or back a step), saving the words sent with it first, together.
/// Done needs "we did" in both languages: refused, the page comes back holding the words.
pub async fn move_case(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response> {
    let case = found(&act, id_of(&id)?).await?;
    let words = form.words();
    let mut errors = Errors::new();
    let Some(to) = CaseStatus::parse(&form.status) else {
        errors.invalid(
            "case_status",
            crate::domain::journey::refused_choice(&form.status),
        );
        return Ok(rejected(
            case_page(&act, &case, words.as_ref(), &errors, None).await?,
        ));
    };
    let moved = match &words {
        Some(words) => match words.check(to) {
            Ok(text) => improvements::save_and_move(&act.uc(), case.id, &text, to).await,
            Err(refused) => {
                errors = refused.into();
                return Ok(rejected(
                    case_page(&act, &case, Some(words), &errors, None).await?,
                ));
            }
        },
        None => improvements::set_status(&act.uc(), case.id, to).await,
    };
    match moved {
        Ok(_) => return Ok(done_page(case.id, "moved", "words")),
        Err(CaseError::WeDidMissing) => errors = we_did_missing(),
        Err(CaseError::NotNext { from, .. }) => errors.add_with(
            "case_status",
            "error.case_status.not_next",
            vec![("status", view::status_name(&act.ctx, from).to_owned())],
        ),
        Err(e) => return Err(e.into()),
    }
    let case = found(&act, case.id).await?;
    Ok(rejected(
        case_page(&act, &case, words.as_ref(), &errors, None).await?,
    ))
}

/// `publish=1` to publish, `publish=0` to withdraw.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    publish: String,
}

/// A supervisor or admin publishes a done case, or withdraws it.
pub async fn publish(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response> {
    let case = found(&act, id_of(&id)?).await?;
    let mut errors = Errors::new();
    let publish = match form.publish.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        raw => {
            errors.invalid("publish", crate::domain::journey::refused_choice(raw));
            None
        }
    };
    if let Some(publish) = publish {
        match improvements::publish(&act.uc(), case.id, publish).await {
            Ok(_) => {
                let done = if publish { "published" } else { "withdrawn" };
                return Ok(done_page(case.id, done, "publish"));
            }
            Err(CaseError::NotDone) => errors.add("publish", "error.publish.not_done"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(rejected(case_page(&act, &case, None, &errors, None).await?))
}

/// The public "you said, we did" page, in the reader's language.
pub async fn public_page(State(state): State<AppState>, ctx: PageContext) -> Result<Markup> {
    let cases: Vec<PublicCase> = improvements::published(&state.db)
        .await?
        .into_iter()
        .filter_map(|(c, customers)| {
            let we_did =
                in_lang(ctx.lang, c.we_did_ja.as_deref()?, c.we_did_en.as_deref()?).to_owned();
            Some(PublicCase {
                you_said: in_lang(ctx.lang, &c.you_said_ja, &c.you_said_en).to_owned(),
                we_did,
                done_at: c.done_at.unwrap_or(c.updated_at),
                customers,
            })
        })
        .collect();
    Ok(view::public(&ctx, &cases))
}
