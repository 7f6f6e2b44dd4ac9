//! Staff handlers of customer feedback: the list to triage, one piece of feedback with its
//! themes, case and the staff member it concerns, one's own compliments and the weekly
//! digest, and the admin's themes.

use super::context::StaffAct;
use super::forms::{Form, Query, rejected, see_other};
use crate::domain::Invalid;
use crate::domain::feedback::{Channel, FilterQuery, ThemeForm};
use crate::entities::improvement_case;
use crate::error::{Error, Result};
use crate::paths;
use crate::services::feedback::triage::{self, Triage, TriageError};
use crate::services::feedback::{self, themes};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::staff_feedback::{self as view, FeedbackLine, ItemView, ListView, ThemeLine};
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use maud::Markup;
use sea_orm::EntityTrait;
use serde::Deserialize;
use std::collections::HashMap;

/// `?saved=1` after saving.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

fn theme_lines(ctx: &PageContext, all: &[themes::Theme], tagged: &[i64]) -> Vec<ThemeLine> {
    all.iter()
        .map(|t| ThemeLine {
            id: t.id,
            name: themes::name(t, ctx.lang).to_owned(),
            name_ja: t.name_ja.clone(),
            name_en: t.name_en.clone(),
            archived: t.archived,
            tagged: tagged.contains(&t.id),
        })
        .collect()
}

fn line(
    all: &[ThemeLine],
    cases: &HashMap<i64, String>,
    f: &feedback::Feedback,
    tagged: &[i64],
) -> FeedbackLine {
    FeedbackLine {
        id: f.id,
        reference: f.reference.clone(),
        created_at: f.created_at,
        channel: f.channel,
        kind: f.kind,
        ease: f.ease,
        comment: f.comment.clone(),
        themes: all
            .iter()
            .filter(|t| tagged.contains(&t.id))
            .map(|t| t.name.clone())
            .collect(),
        case: f.case_id.and_then(|c| cases.get(&c).cloned()),
    }
}

async fn case_references(db: &sea_orm::DatabaseConnection) -> Result<HashMap<i64, String>> {
    Ok(improvement_case::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.reference))
        .collect())
}

/// The list to triage, filtered.
pub async fn list(act: StaffAct, Query(query): Query<FilterQuery>) -> Result<Markup> {
    let db = &act.state.db;
    let (filter, refused) = query.read();
    let rows = triage::list(db, act.state.config.timezone, &filter, triage::LIST_MAX).await?;
    let all_themes = theme_lines(&act.ctx, &themes::list(db, true).await?, &[]);
    let cases = case_references(db).await?;
    let lines: Vec<FeedbackLine> = rows
        .iter()
        .map(|r| line(&all_themes, &cases, &r.feedback, &r.themes))
        .collect();
    let errors = Errors::from(refused);
    let measures = feedback::measures::load(db, act.state.now(), act.state.config.timezone).await?;
    let chart = crate::views::feedback_measures::month_chart(&act.ctx, &measures);
    Ok(view::list(
        &act.ctx,
        &ListView {
            query: &query,
            errors: &errors,
            rows: &lines,
            themes: &all_themes,
            max: triage::LIST_MAX,
            chart: Some(chart),
        },
    ))
}

/// The triage form, exactly as sent.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TriageForm {
    theme: Vec<String>,
    case_id: String,
    staff_id: String,
}

fn optional_id(raw: &str) -> std::result::Result<Option<i64>, Invalid> {
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| Invalid::NotAChoice)
}

impl TriageForm {
    fn read(&self) -> std::result::Result<Triage, Errors> {
        let mut errors = Errors::new();
        let themes: Option<Vec<i64>> = self.theme.iter().map(|t| t.parse().ok()).collect();
        let themes = errors.check("theme", themes.ok_or(Invalid::NotAChoice));
        let case_id = errors.check("case_id", optional_id(&self.case_id));
        let staff_user_id = errors.check("staff_id", optional_id(&self.staff_id));
        match (themes, case_id, staff_user_id) {
            (Some(themes), Some(case_id), Some(staff_user_id)) => Ok(Triage {
                themes,
                case_id,
                staff_user_id,
            }),
            _ => Err(errors),
        }
    }
}

async fn item_page(act: &StaffAct, id: i64, saved: bool, errors: &Errors) -> Result<Markup> {
    let db = &act.state.db;
    let row = triage::get(db, id).await?.ok_or(Error::NotFound)?;
    let f = &row.feedback;
    let all_themes = theme_lines(&act.ctx, &themes::list(db, true).await?, &row.themes);
    let offered: Vec<ThemeLine> = all_themes
        .iter()
        .filter(|t| !t.archived || t.tagged)
        .cloned()
        .collect();
    let cases: Vec<(i64, String)> = triage::open_cases(db, f.case_id)
        .await?
        .iter()
        .map(|c| {
            let words = triage::case_words(c, act.ctx.lang);
            (c.id, format!("{} – {words}", c.reference))
        })
        .collect();
    let references = case_references(db).await?;
    let staff = triage::active_staff(db).await?;
    let staff_name = feedback::display_name(db, f.staff_user_id).await?;
    let request = match f.request_id {
        Some(rid) => crate::services::requests::get(db, rid)
            .await?
            .map(|r| (r.reference, paths::staff::request(rid))),
        None => None,
    };
    let contact = match f.invitation_id {
        Some(invitation) => {
            let found = crate::entities::feedback_invitation::Entity::find_by_id(invitation)
                .one(db)
                .await?;
            match found {
                Some(i) if i.channel != Channel::General => {
                    feedback::contact(db, act.state.now(), i.channel, i.contact_id)
                        .await?
                        .map(|c| c.about(act.ctx.lang, &act.state.config))
                }
                _ => None,
            }
        }
        None => None,
    };
    Ok(view::item(
        &act.ctx,
        &ItemView {
            line: &line(&all_themes, &references, f, &row.themes),
            given: (f.name.as_deref(), f.email.as_deref()),
            under_measure: f.under_measure,
            chosen: (f.case_id, f.staff_user_id),
            themes: &offered,
            cases: &cases,
            staff: &staff,
            staff_name: staff_name.as_deref(),
            request,
            contact,
            saved,
            errors,
        },
    ))
}

/// One piece of feedback.
pub async fn item(
    act: StaffAct,
    Path(id): Path<i64>,
    Query(query): Query<SavedQuery>,
) -> Result<Markup> {
    item_page(&act, id, query.saved == "1", &Errors::new()).await
}

/// Saves the themes, case and staff member of a piece of feedback.
pub async fn item_save(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(form): Form<TriageForm>,
) -> Result<Response> {
    let triage = match form.read() {
        Ok(triage) => triage,
        Err(errors) => return Ok(rejected(item_page(&act, id, false, &errors).await?)),
    };
    match triage::save(&act.uc(), id, &triage).await {
        Ok(_) => Ok(see_other(&format!("{}?saved=1", paths::feedback::item(id)))),
        Err(TriageError::NotFound) => Err(Error::NotFound),
        Err(TriageError::Unknown(what)) => {
            let mut errors = Errors::new();
            let field = match what {
                "theme" => "theme",
                "case" => "case_id",
                _ => "staff_id",
            };
            errors.invalid(field, Invalid::NotAChoice);
            Ok(rejected(item_page(&act, id, false, &errors).await?))
        }
        Err(TriageError::Database(e)) => Err(e.into()),
    }
}

/// One's own compliments, and the weekly digest.
pub async fn mine(act: StaffAct, Query(query): Query<SavedQuery>) -> Result<Markup> {
    let db = &act.state.db;
    let compliments: Vec<FeedbackLine> = triage::compliments_for(db, act.staff.id)
        .await?
        .iter()
        .map(|f| line(&[], &HashMap::new(), f, &[]))
        .collect();
    let digest = triage::digest_chosen(db, act.staff.id).await?;
    Ok(view::mine(
        &act.ctx,
        &compliments,
        digest,
        query.saved == "1",
    ))
}

/// The digest choice, as sent.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct DigestForm {
    digest: String,
}

/// Saves one's choice of the weekly digest.
pub async fn mine_save(act: StaffAct, Form(form): Form<DigestForm>) -> Result<Response> {
    triage::choose_digest(&act.uc(), act.staff.id, form.digest == "1").await?;
    Ok(see_other(&format!("{}?saved=1", paths::feedback::MINE)))
}

/// The admin's themes.
pub async fn themes_page(act: StaffAct, Query(query): Query<SavedQuery>) -> Result<Markup> {
    let all = theme_lines(&act.ctx, &themes::list(&act.state.db, true).await?, &[]);
    Ok(view::themes_page(
        &act.ctx,
        &all,
        &ThemeForm::default(),
        &Errors::new(),
        query.saved == "1",
    ))
}

/// Adds a theme; refused names come back with what was typed.
pub async fn theme_add(act: StaffAct, Form(form): Form<ThemeForm>) -> Result<Response> {
    match form.check() {
        Ok(names) => {
            themes::add(&act.uc(), &names).await?;
            Ok(see_other(&format!("{}?saved=1", paths::feedback::THEMES)))
        }
        Err(refused) => {
            let all = theme_lines(&act.ctx, &themes::list(&act.state.db, true).await?, &[]);
            let errors = Errors::from(refused);
            Ok(rejected(view::themes_page(
                &act.ctx, &all, &form, &errors, false,
            )))
        }
    }
}

/// Renames or archives a theme. A name left empty keeps the theme as it was and says why.
pub async fn theme_save(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(form): Form<ThemeForm>,
) -> Result<Response> {
    match form.check() {
        Ok(names) => match themes::save(&act.uc(), id, &names).await? {
            Some(_) => Ok(see_other(&format!("{}?saved=1", paths::feedback::THEMES))),
            None => Err(Error::NotFound),
        },
        Err(refused) => {
            let all = theme_lines(&act.ctx, &themes::list(&act.state.db, true).await?, &[]);
            let errors = Errors::from(refused);
            let page = view::themes_page(&act.ctx, &all, &ThemeForm::default(), &errors, false);
            Ok(rejected(page).into_response())
        }
    }
}
