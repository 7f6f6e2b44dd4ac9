//! The incident reports for supervisors: the last year's figures as a page of charts and
//! tables, and as CSV.

use super::context::StaffAct;
use crate::error::Result;
use crate::services::incidents;
use crate::views::incident_reports as view;
use axum::response::Response;
use maud::Markup;

/// The reports: incidents, measures and follow-ups over the last year.
pub async fn reports(act: StaffAct) -> Result<Markup> {
    let figures =
        incidents::reports::monthly(&act.state.db, act.state.now(), act.state.config.timezone)
            .await?;
    let months: Vec<view::ReportMonth> = figures
        .into_iter()
        .map(|f| view::ReportMonth {
            label: crate::i18n::format_month(act.ctx.lang, f.month),
            by_category: f.by_category,
            reported: f.reported,
            measures_taken: f.measures_taken,
            measures_lifted: f.measures_lifted,
            closed: f.closed,
            median_hours_to_close: f.median_hours_to_close,
            affected_staff: f.affected_staff,
            followed_up: f.followed_up,
        })
        .collect();
    Ok(view::reports(&act.ctx, &months))
}

/// The reports' figures as CSV: a row a month, the columns named in English for tools.
pub async fn reports_csv(act: StaffAct) -> Result<Response> {
    use crate::domain::incident::Category;
    use axum::http::header;
    use axum::response::IntoResponse;
    let figures =
        incidents::reports::monthly(&act.state.db, act.state.now(), act.state.config.timezone)
            .await?;
    let mut csv = String::from("month,reported");
    for c in Category::ALL {
        csv.push_str(",category_");
        csv.push_str(c.as_str());
    }
    csv.push_str(
        ",measures_taken,measures_lifted,closed,median_hours_to_close,incidents_affecting_staff,followed_up\r\n",
    );
    for f in figures {
        csv.push_str(&format!(
            "{:04}-{:02},{}",
            f.month.year(),
            u8::from(f.month.month()),
            f.reported
        ));
        for (_, n) in &f.by_category {
            csv.push_str(&format!(",{n}"));
        }
        csv.push_str(&format!(
            ",{},{},{},{},{},{}\r\n",
            f.measures_taken,
            f.measures_lifted,
            f.closed,
            f.median_hours_to_close
                .map(|h| h.to_string())
                .unwrap_or_default(),
            f.affected_staff,
            f.followed_up
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"incident-reports.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}
