//! Charts drawn on the server as SVG, readable without colour and without the picture: each
//! is a figure with a caption, an image role and a title, its bars marked by pattern as well
//! as shade and labelled with their values, and the same figures in a table beside it.

use super::PageContext;
use maud::{Markup, html};

/// How a series' bars are filled, so that series differ without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Solid.
    Solid,
    /// Diagonal lines.
    Hatched,
}

/// One series of bars: its name, a value for each label, and its fill.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<u64>,
    pub fill: Fill,
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 260;
const LEFT: u32 = 36;
const BOTTOM: u32 = 40;
const TOP: u32 = 24;

fn fill_of(id: &str, fill: Fill) -> String {
    match fill {
        Fill::Solid => "#0b4f6c".to_owned(),
        Fill::Hatched => format!("url(#{id}-hatch)"),
    }
}

/// A bar chart of `series` over `labels`, with its caption, and the same figures as a table
/// (a row per label, a column per series). `id` must be unique on the page.
pub fn bar_chart(
    ctx: &PageContext,
    id: &str,
    caption: &str,
    labels: &[String],
    series: &[Series],
) -> Markup {
    let most = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let groups = labels.len().max(1) as u32;
    let plot_width = WIDTH - LEFT - 8;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let group_width = plot_width / groups;
    let bar_width = (group_width.saturating_sub(6) / series.len().max(1) as u32).max(2);
    let baseline = HEIGHT - BOTTOM;
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
                }
                line x1=(LEFT) y1=(baseline) x2=(WIDTH - 8) y2=(baseline) stroke="#0b0c0c" {}
                text x="0" y=(TOP - 8) font-size="12" fill="#0b0c0c" { (most) }
                text x="0" y=(baseline) font-size="12" fill="#0b0c0c" { "0" }
                @for (g, label) in labels.iter().enumerate() {
                    @let x0 = LEFT + g as u32 * group_width + 3;
                    @for (s, one) in series.iter().enumerate() {
                        @let value = one.values.get(g).copied().unwrap_or(0);
                        @let height = (u64::from(plot_height) * value / most) as u32;
                        @let x = x0 + s as u32 * bar_width;
                        rect x=(x) y=(baseline - height) width=(bar_width.saturating_sub(1)) height=(height)
                            fill=(fill_of(id, one.fill)) stroke="#0b0c0c" stroke-width="1" {}
                        @if value > 0 {
                            text x=(x + bar_width / 2) y=(baseline - height - 3) font-size="11" text-anchor="middle" fill="#0b0c0c" { (value) }
                        }
                    }
                    text x=(x0 + group_width / 2) y=(baseline + 16) font-size="11" text-anchor="middle" fill="#0b0c0c" { (label) }
                }
            }
            @if series.len() > 1 {
                ul .chart__legend {
                    @for one in series {
                        li {
                            svg width="16" height="16" aria-hidden="true" focusable="false" {
                                rect width="14" height="14" x="1" y="1" fill=(fill_of(id, one.fill)) stroke="#0b0c0c" {}
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
                    th scope="col" { (ctx.t("chart.period")) }
                    @for one in series { th scope="col" .table__numeric { (one.name) } }
                } }
                tbody {
                    @for (g, label) in labels.iter().enumerate() {
                        tr {
                            th scope="row" { (label) }
                            @for one in series { td .table__numeric { (one.values.get(g).copied().unwrap_or(0)) } }
                        }
                    }
                }
            }
        }
    }
}
