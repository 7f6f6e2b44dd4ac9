//! The themes staff tag feedback with: a list the admin keeps, each named in both
//! languages. An archived theme stays on what it tags, and is no longer offered.

use crate::domain::AuditAction;
use crate::domain::feedback::ThemeNames;
use crate::entities::feedback_theme;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

/// A theme as stored.
pub type Theme = feedback_theme::Model;

/// The themes, in the order they were added; archived ones only when asked for.
pub async fn list<C: ConnectionTrait>(conn: &C, archived_too: bool) -> Result<Vec<Theme>, DbErr> {
    let mut query = feedback_theme::Entity::find();
    if !archived_too {
        query = query.filter(feedback_theme::Column::Archived.eq(false));
    }
    query
        .order_by_asc(feedback_theme::Column::Id)
        .all(conn)
        .await
}

/// One theme.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Theme>, DbErr> {
    feedback_theme::Entity::find_by_id(id).one(conn).await
}

/// Adds a theme.
pub async fn add(uc: &UseCase<'_>, names: &ThemeNames) -> Result<Theme, DbErr> {
    let txn = uc.begin().await?;
    let theme = feedback_theme::ActiveModel {
        id: NotSet,
        name_ja: Set(names.ja.clone()),
        name_en: Set(names.en.clone()),
        archived: Set(names.archived),
        created_at: Set(uc.now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::FeedbackThemeChanged,
        Some(Target::theme(theme.id)),
        json!({ "name_ja": theme.name_ja, "name_en": theme.name_en, "archived": theme.archived }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(theme)
}

/// Renames a theme, or archives it or brings it back. `None` when there is no such theme.
pub async fn save(uc: &UseCase<'_>, id: i64, names: &ThemeNames) -> Result<Option<Theme>, DbErr> {
    let txn = uc.begin().await?;
    let Some(theme) = get(&txn, id).await? else {
        return Ok(None);
    };
    let mut row: feedback_theme::ActiveModel = theme.into();
    row.name_ja = Set(names.ja.clone());
    row.name_en = Set(names.en.clone());
    row.archived = Set(names.archived);
    let theme = row.update(&txn).await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::FeedbackThemeChanged,
        Some(Target::theme(theme.id)),
        json!({ "name_ja": theme.name_ja, "name_en": theme.name_en, "archived": theme.archived }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(Some(theme))
}

/// A theme's name in `lang`.
pub fn name(theme: &Theme, lang: crate::domain::Lang) -> &str {
    match lang {
        crate::domain::Lang::Ja => &theme.name_ja,
        crate::domain::Lang::En => &theme.name_en,
    }
}

/// The themes the demo desk starts with, in Japanese and English.
const DEMO: [(&str, &str); 4] = [
    ("待ち時間", "Waiting times"),
    ("字幕と文字での案内", "Captions and written guidance"),
    ("手話通訳", "Sign-language interpreting"),
    ("代理人の手続き", "Proxy procedures"),
];

/// Adds the demo's themes, where the desk has none yet.
pub async fn load_demo(uc: &UseCase<'_>) -> Result<(), DbErr> {
    if !list(uc.db, true).await?.is_empty() {
        return Ok(());
    }
    for (ja, en) in DEMO {
        let names = ThemeNames {
            ja: ja.to_owned(),
            en: en.to_owned(),
            archived: false,
        };
        add(uc, &names).await?;
    }
    Ok(())
}
