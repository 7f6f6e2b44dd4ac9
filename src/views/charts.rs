//! Charts drawn on the server as SVG, readable without colour and without the picture: each
//! is a figure with a caption, an image role and a title, its bars marked by pattern as well
//! as shade and labelled with their values where they fit, and the same figures in a table
//! beside it.

use super::PageContext;
use maud::{Markup, html};

/// How a series' bars are filled, so that series differ without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Solid.
    Solid,
    /// Diagonal lines.
    Hatched,
    /// Dots.
    Dotted,
    /// Crossed lines.
    CrossHatched,
    /// White, with a heavy outline.
    Outline,
}

impl Fill {
    /// Every fill, in the order a chart's series take them.
    pub const ALL: [Fill; 5] = [
        Fill::Solid,
        Fill::Hatched,
        Fill::Dotted,
        Fill::CrossHatched,
        Fill::Outline,
    ];

    /// The fill of a chart's `n`th series, from 0.
    pub fn nth(n: usize) -> Fill {
        Fill::ALL[n % Fill::ALL.len()]
    }
}

/// One series of bars: its name, a value for each label, and its fill.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<u64>,
    pub fill: Fill,
}

/// What a chart's values are, and so how they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count: 12.
    Count,
    /// A figure with one decimal, held in tenths: 43 is 4.3.
    Tenths,
    /// A whole percent: 83%.
    Percent,
}

impl Unit {
    /// A value written in this unit.
    pub fn write(self, value: u64) -> String {
        match self {
            Unit::Count => value.to_string(),
            Unit::Tenths => format!("{}.{}", value / 10, value % 10),
            Unit::Percent => format!("{value}%"),
        }
    }
}

/// One series of bars that may lack a value for a label (a month with nothing to measure):
/// no bar is drawn there, and the table shows a dash.
#[derive(Debug, Clone)]
pub struct SeriesWithGaps {
    pub name: String,
    pub values: Vec<Option<u64>>,
    pub fill: Fill,
}

/// A bar chart and its table.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    /// Unique on the page: the ids of the chart's parts start with it.
    pub id: &'a str,
    pub caption: &'a str,
    /// What the labels are, heading the table's first column ("Month").
    pub label_heading: &'a str,
    pub labels: &'a [String],
    pub series: &'a [SeriesWithGaps],
    pub unit: Unit,
    /// The top of the scale when it is fixed (5.0 for a five-point scale, 100%); otherwise
    /// the largest value.
    pub top: Option<u64>,
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 260;
const LEFT: u32 = 36;
const BOTTOM: u32 = 40;
const TOP: u32 = 24;
/// Bars narrower than this carry no value above them: it would not fit. The table has it.
const LABELLED_BAR: u32 = 18;

fn fill_of(id: &str, fill: Fill) -> String {
    match fill {
        Fill::Solid => "#0b4f6c".to_owned(),
        Fill::Hatched => format!("url(#{id}-hatch)"),
        Fill::Dotted => format!("url(#{id}-dots)"),
        Fill::CrossHatched => format!("url(#{id}-cross)"),
        Fill::Outline => "#ffffff".to_owned(),
    }
}

fn stroke_width(fill: Fill) -> &'static str {
    match fill {
        Fill::Outline => "3",
        _ => "1",
    }
}

/// A bar chart of `series` over `labels` (months), with its caption, and the same figures
/// as a table (a row per label, a column per series). `id` must be unique on the page.
pub fn bar_chart(
    ctx: &PageContext,
    id: &str,
    caption: &str,
    labels: &[String],
    series: &[Series],
) -> Markup {
    let with_gaps: Vec<SeriesWithGaps> = series
        .iter()
        .map(|s| SeriesWithGaps {
            name: s.name.clone(),
            values: s.values.iter().copied().map(Some).collect(),
            fill: s.fill,
        })
        .collect();
    chart(
        ctx,
        &Chart {
            id,
            caption,
            label_heading: ctx.t("chart.period"),
            labels,
            series: &with_gaps,
            unit: Unit::Count,
            top: None,
        },
    )
}

/// A bar chart with its caption, and the same figures as a table after it.
pub fn chart(ctx: &PageContext, chart: &Chart<'_>) -> Markup {
    let Chart {
        id,
        caption,
        label_heading,
        labels,
        series,
        unit,
        top,
    } = chart.clone();
    let most = top
        .unwrap_or_else(|| {
            series
                .iter()
                .flat_map(|s| s.values.iter().flatten().copied())
                .max()
                .unwrap_or(0)
        })
        .max(1);
    let groups = labels.len().max(1) as u32;
    let plot_width = WIDTH - LEFT - 8;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let group_width = plot_width / groups;
    let bar_width = (group_width.saturating_sub(6) / series.len().max(1) as u32).max(2);
    let baseline = HEIGHT - BOTTOM;
    // Under the bars, a label where there is room for one (about 90 units each); the table
    // after the chart names every one.
    let label_every = (labels.len() as u32 * 90).div_ceil(plot_width).max(1) as usize;
    html! {
        figure .chart {
            figcaption .chart__caption #{ (id) "-caption" } { (caption) }
            svg .chart__picture role="img" aria-labelledby={ (id) "-title " (id) "-desc" }
                viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width="100%" preserveAspectRatio="xMinYMin meet" {
                title #{ (id) "-title" } { (caption) }
                desc #{ (id) "-desc" } { (ctx.t("chart.same_as_table")) }
                defs {
                    pattern #{ (id) "-hatch" } width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                        rect width="6" height="6" fill="#ffffff" {}
                        line x1="0" y1="0" x2="0" y2="6" stroke="#6f3d00" stroke-width="3" {}
                    }
                    @if series.iter().any(|s| s.fill == Fill::Dotted) {
                        pattern #{ (id) "-dots" } width="5" height="5" patternUnits="userSpaceOnUse" {
                            rect width="5" height="5" fill="#ffffff" {}
                            circle cx="2.5" cy="2.5" r="1.5" fill="#0b0c0c" {}
                        }
                    }
                    @if series.iter().any(|s| s.fill == Fill::CrossHatched) {
                        pattern #{ (id) "-cross" } width="6" height="6" patternUnits="userSpaceOnUse" {
                            rect width="6" height="6" fill="#ffffff" {}
                            path d="M0 0L6 6M6 0L0 6" stroke="#4c2c92" stroke-width="1.5" {}
                        }
                    }
                }
                line x1=(LEFT) y1=(baseline) x2=(WIDTH - 8) y2=(baseline) stroke="#0b0c0c" {}
                text x="0" y=(TOP - 8) font-size="12" fill="#0b0c0c" { (unit.write(most)) }
                text x="0" y=(baseline) font-size="12" fill="#0b0c0c" { (unit.write(0)) }
                @for (g, label) in labels.iter().enumerate() {
                    @let x0 = LEFT + g as u32 * group_width + 3;
                    @for (s, one) in series.iter().enumerate() {
                        @if let Some(value) = one.values.get(g).copied().flatten() {
                            @let height = (u64::from(plot_height) * value.min(most) / most) as u32;
                            @let x = x0 + s as u32 * bar_width;
                            rect x=(x) y=(baseline - height) width=(bar_width.saturating_sub(1)) height=(height)
                                fill=(fill_of(id, one.fill)) stroke="#0b0c0c" stroke-width=(stroke_width(one.fill)) {}
                            @if value > 0 && bar_width >= LABELLED_BAR {
                                text x=(x + bar_width / 2) y=(baseline - height - 3) font-size="11" text-anchor="middle" fill="#0b0c0c" { (unit.write(value)) }
                            }
                        }
                    }
                    @if g % label_every == 0 {
                        text x=(x0 + group_width / 2) y=(baseline + 16) font-size="11" text-anchor="middle" fill="#0b0c0c" { (label) }
                    }
                }
            }
            @if series.len() > 1 {
                ul .chart__legend {
                    @for one in series {
                        li {
                            svg width="16" height="16" aria-hidden="true" focusable="false" {
                                rect width="14" height="14" x="1" y="1" fill=(fill_of(id, one.fill)) stroke="#0b0c0c" stroke-width=(stroke_width(one.fill)) {}
                            }
                            " " (one.name)
                        }
                    }
                }
            }
        }
        div .table-wrap role="region" aria-labelledby={ (id) "-table-caption" } tabindex="0" {
            table .table #{ (id) "-table" } {
                caption .table__caption #{ (id) "-table-caption" } { (ctx.tf("chart.table_caption", &[("caption", caption)])) }
                thead { tr {
                    th scope="col" { (label_heading) }
                    @for one in series { th scope="col" .table__numeric { (one.name) } }
                } }
                tbody {
                    @for (g, label) in labels.iter().enumerate() {
                        tr {
                            th scope="row" { (label) }
                            @for one in series {
                                td .table__numeric {
                                    @match one.values.get(g).copied().flatten() {
                                        Some(value) => (unit.write(value)),
                                        None => "–",
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
