//! The measures of customer feedback for staff: the page of charts and tables, and the
//! feedback as CSV, filtered as the triage list filters.

use super::audit::filter_day;
use super::context::StaffAct;
use crate::domain::Permission;
use crate::domain::feedback::{Channel, Kind, satisfied};
use crate::domain::feedback_measures::{EXPORT_CAP, csv_line};
use crate::error::Result;
use crate::services::audit::start_of_day;
use crate::services::feedback::measures::{self, ExportFilter, MONTHS, Period};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::feedback_measures::{self as view, ExportQuery, MeasuresView};
use crate::web::forms::Query;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;
use time::format_description::well_known::Rfc3339;
use time_tz::{OffsetDateTimeExt, Tz};

/// The measures page: every chart over the last twelve months, and each staff member's own
/// figures for those who publish improvements.
pub async fn page(act: StaffAct) -> Result<Markup> {
    let db = &act.state.db;
    let tz = act.state.config.timezone;
    let period = Period::ending(act.state.now(), tz, MONTHS);
    let figures = measures::load_period(db, &period).await?;
    let staff = if act.staff.role.may(Permission::PublishImprovements) {
        Some(measures::staff_figures(db, &period).await?)
    } else {
        None
    };
    let themes = measures::all_themes(db).await?;
    Ok(view::page(
        &act.ctx,
        MeasuresView {
            measures: &figures,
            staff: staff.as_ref(),
            themes: &themes,
        },
    ))
}

/// One of the filter's choices: empty is no filter; a value not among the choices is named
/// in an error.
fn filter_choice<T>(
    errors: &mut Errors,
    field: &'static str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = parse(raw);
    if parsed.is_none() {
        errors.add(field, format!("feedback_measures.error.{field}"));
    }
    parsed
}

/// Reads the export's filters, in the order of the form's fields; the days are whole days
/// in the desk's zone, both included.
pub fn export_filter(query: &ExportQuery, tz: &Tz) -> (ExportFilter, Errors) {
    let mut errors = Errors::new();
    let kind = filter_choice(&mut errors, "kind", &query.kind, Kind::parse);
    let channel = filter_choice(&mut errors, "channel", &query.channel, Channel::parse);
    let theme = filter_choice(&mut errors, "theme", &query.theme, |raw| {
        raw.parse::<i64>().ok().filter(|id| *id > 0)
    });
    let from = filter_day(&mut errors, "from", &query.from);
    let to = filter_day(&mut errors, "to", &query.to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.add("to", "feedback_measures.error.to_before_from");
    }
    let filter = ExportFilter {
        kind,
        channel,
        from: from.map(|d| start_of_day(d, tz)),
        until: to.and_then(|d| d.next_day()).map(|d| start_of_day(d, tz)),
        theme,
    };
    (filter, errors)
}

/// The CSV's columns, named in English for tools.
const COLUMNS: [&str; 11] = [
    "reference",
    "received",
    "channel",
    "kind",
    "ease",
    "satisfied",
    "themes",
    "case_reference",
    "request_reference",
    "staff",
    "comment",
];

/// The feedback as CSV, a row each, newest first, as the filters pick: the triage list's
/// `kind`, `channel`, `from`, `to` and `theme`. Filters that cannot be read get the form
/// again with what was typed and what is wrong, instead of a file.
pub async fn export(act: StaffAct, Query(query): Query<ExportQuery>) -> Result<Response> {
    let tz = act.state.config.timezone;
    let (filter, errors) = export_filter(&query, tz);
    if !errors.is_empty() {
        let themes = measures::all_themes(&act.state.db).await?;
        let page = view::export_refused(&act.ctx, &query, &errors, &themes);
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let export = measures::export(&act.state.db, &filter).await?;
    let csv = write_csv(&act.ctx, &export, tz);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"feedback.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

/// The export's rows as CSV text: the header, a line a row, and a last line saying so when
/// the rows stopped at the cap.
fn write_csv(ctx: &PageContext, export: &measures::Export, tz: &Tz) -> String {
    let mut csv = csv_line(&COLUMNS);
    for row in &export.rows {
        let received = row
            .received
            .to_timezone(tz)
            .replace_nanosecond(0)
            .unwrap_or(row.received)
            .format(&Rfc3339)
            .unwrap_or_default();
        let themes: Vec<&str> = row
            .themes
            .iter()
            .map(|(ja, en)| match ctx.lang {
                crate::domain::Lang::Ja => ja.as_str(),
                crate::domain::Lang::En => en.as_str(),
            })
            .collect();
        let cells = [
            row.reference.clone(),
            received,
            row.channel.as_str().to_owned(),
            row.kind.as_str().to_owned(),
            row.ease.to_string(),
            if satisfied(row.ease) { "yes" } else { "no" }.to_owned(),
            themes.join("; "),
            row.case_reference.clone().unwrap_or_default(),
            row.request_reference.clone().unwrap_or_default(),
            row.staff_display_name.clone().unwrap_or_default(),
            row.comment.clone().unwrap_or_default(),
        ];
        csv.push_str(&csv_line(&cells));
    }
    if export.capped {
        let mut note = vec![String::new(); COLUMNS.len()];
        note[0] = ctx.tf(
            "feedback_measures.export.capped",
            &[("cap", &EXPORT_CAP.to_string())],
        );
        csv.push_str(&csv_line(&note));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::services::feedback::measures::{Export, ExportRow};
    use time::macros::{date, datetime};

    fn ctx(lang: Lang) -> PageContext {
        PageContext::for_tests(lang)
    }

    fn row() -> ExportRow {
        ExportRow {
            reference: "FB-1".into(),
            received: datetime!(2026-11-30 15:30:12.5 UTC),
            channel: Channel::General,
            kind: Kind::Suggestion,
            ease: 4,
            themes: vec![
                ("待ち時間".into(), "Waiting".into()),
                ("言葉".into(), "Words".into()),
            ],
            case_reference: None,
            request_reference: Some("R-1".into()),
            staff_display_name: None,
            comment: Some("-1, \"no\"".into()),
        }
    }

    #[test]
    fn a_row_is_written_in_the_desks_zone_with_themes_in_the_readers_language() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        let export = Export {
            rows: vec![row()],
            capped: false,
        };
        let csv = write_csv(&ctx(Lang::Ja), &export, tz);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "FB-1,2026-12-01T00:30:12+09:00,general,suggestion,4,yes,待ち時間; 言葉,,R-1,,\"'-1, \"\"no\"\"\""
        );
        assert_eq!(lines.len(), 3, "no note when every row is there");
    }

    #[test]
    fn a_capped_export_says_so_on_its_last_line() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        let export = Export {
            rows: vec![row()],
            capped: true,
        };
        let csv = write_csv(&ctx(Lang::En), &export, tz);
        let last = csv.trim_end().lines().last().unwrap();
        assert!(
            last.starts_with("Only the newest 20000 rows are here"),
            "{last}"
        );
        assert!(
            last.ends_with(",,,,,,,,,,"),
            "the note keeps the columns: {last}"
        );
    }

    #[test]
    fn the_filters_read_whole_days_in_the_desks_zone_and_name_what_cannot_be_read() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        let query = ExportQuery {
            kind: "complaint".into(),
            channel: "".into(),
            from: "2026-11-01".into(),
            to: "2026-11-30".into(),
            theme: " 7 ".into(),
        };
        let (filter, errors) = export_filter(&query, tz);
        assert!(errors.is_empty());
        assert_eq!(filter.kind, Some(Kind::Complaint));
        assert_eq!(filter.channel, None);
        assert_eq!(filter.theme, Some(7));
        assert_eq!(filter.from, Some(start_of_day(date!(2026 - 11 - 01), tz)));
        assert_eq!(
            filter.until.map(|u| u.to_offset(time::UtcOffset::UTC)),
            Some(datetime!(2026-11-30 15:00 UTC)),
            "the last day is included, up to midnight in Tokyo"
        );
        let bad = ExportQuery {
            kind: "praise".into(),
            channel: "fax".into(),
            from: "2026-12-01".into(),
            to: "2026-11-30".into(),
            theme: "waiting".into(),
        };
        let (_, errors) = export_filter(&bad, tz);
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "channel", "theme", "to"]);
    }
}
