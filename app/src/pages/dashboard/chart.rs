//! SVG charts of the dashboard, drawn by hand (no chart library in the bundle): horizontal bars
//! sorted by rate with the target line, and a monthly trend. Rates are decimals from the API;
//! only the pixel positions are computed here.

use leptos::prelude::*;
use motcua_domain::dashboard::{RateRow, TrendView};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const LABEL_W: f64 = 150.0;
const BAR_W: f64 = 340.0;
const ROW_H: f64 = 26.0;

fn x_of(rate: Decimal) -> f64 {
    LABEL_W + BAR_W * rate.to_f64().unwrap_or(0.0).clamp(0.0, 1.0)
}

fn short(name: &str) -> String {
    let n = name.strip_prefix("UBND ").unwrap_or(name);
    if n.chars().count() > 22 { n.chars().take(21).collect::<String>() + "…" } else { n.to_string() }
}

#[component]
pub fn RateChart(rows: Vec<RateRow>, target: Decimal) -> impl IntoView {
    let height = ROW_H * rows.len() as f64 + 30.0;
    // One line when every unit has the same target; otherwise each unit's own tick.
    let common = rows.iter().all(|r| r.target.unwrap_or(target) == rows.first().and_then(|f| f.target).unwrap_or(target));
    let shared = rows.first().and_then(|r| r.target).unwrap_or(target);
    let tx = x_of(shared);
    let target_text = motcua_domain::stats::format_percent_vi(shared);
    view! {
        <figure class="chart">
            <svg id="rate-chart" viewBox=format!("0 0 600 {height}") role="img" aria-labelledby="rate-chart-title"
                data-x0=LABEL_W data-width=BAR_W preserveAspectRatio="xMinYMin meet">
                <title id="rate-chart-title">"Tỷ lệ thanh toán trực tuyến theo cơ quan, so với chỉ tiêu của từng đơn vị"</title>
                {rows.into_iter().enumerate().map(|(i, r)| {
                    let y = 20.0 + ROW_H * i as f64;
                    let w = r.rate.map(x_of).unwrap_or(LABEL_W) - LABEL_W;
                    let mark = if r.below_target { " ▼" } else { "" };
                    let own = r.target.map(x_of);
                    view! {
                        <g class="bar-row" class:below=r.below_target data-code=r.code.clone() data-rate=r.rate.map(|x| x.to_string()).unwrap_or_default()>
                            <text x=LABEL_W - 6.0 y=y + 15.0 text-anchor="end" class="label">{short(&r.name)}</text>
                            <rect x=LABEL_W y=y + 3.0 width=w.max(0.0) height=ROW_H - 8.0 class="bar"/>
                            {own.map(|x| view! { <line x1=x x2=x y1=y + 1.0 y2=y + ROW_H - 3.0 class="unit-target" data-target=r.target.map(|t| t.to_string()).unwrap_or_default()/> })}
                            <text x=LABEL_W + w + 4.0 y=y + 15.0 class="value">{format!("{}{mark}", r.rate_display)}</text>
                        </g>
                    }
                }).collect_view()}
                {common.then(|| view! {
                    <line id="target-line" x1=tx x2=tx y1="12" y2=height - 4.0 class="target" data-target=shared.to_string()/>
                    <text x=tx y="10" text-anchor="middle" class="target-label">{format!("Chỉ tiêu {target_text}")}</text>
                })}
            </svg>
            <figcaption class="muted">{if common {
                "▼ đơn vị chưa đạt chỉ tiêu. Đường đỏ: chỉ tiêu."
            } else {
                "▼ đơn vị chưa đạt chỉ tiêu của mình. Vạch đỏ trên mỗi dòng: chỉ tiêu được giao cho đơn vị đó."
            }}</figcaption>
        </figure>
    }
}

#[component]
pub fn TrendChart(trend: TrendView) -> impl IntoView {
    let n = trend.points.len().max(1) as f64;
    let (w, h, left, top) = (600.0, 200.0, 40.0, 10.0);
    let plot_h = h - 40.0;
    let step = (w - left - 10.0) / n;
    let y_of = |r: Decimal| top + plot_h * (1.0 - r.to_f64().unwrap_or(0.0).clamp(0.0, 1.0));
    let ty = y_of(trend.target);
    view! {
        <figure class="chart">
            <svg id="trend-chart" viewBox=format!("0 0 {w} {h}") role="img" aria-labelledby="trend-title">
                <title id="trend-title">{format!("Tỷ lệ thanh toán trực tuyến theo tháng: {}", trend.name)}</title>
                <text x="2" y=top + 8.0 class="axis">"100%"</text>
                <text x="2" y=top + plot_h class="axis">"0%"</text>
                {trend.points.iter().enumerate().map(|(i, p)| {
                    let x = left + step * i as f64;
                    let y = p.rate.map(y_of).unwrap_or(top + plot_h);
                    let below = p.rate.is_some_and(|r| !motcua_domain::stats::meets_target(r, trend.target));
                    view! {
                        <g class:below=below>
                            <rect x=x + 2.0 y=y width=(step - 4.0).max(1.0) height=(top + plot_h - y).max(0.0) class="bar"/>
                            <text x=x + step / 2.0 y=h - 16.0 text-anchor="middle" class="axis">{p.month.get(5..7).unwrap_or("").to_string()}</text>
                            <title>{format!("{}: {}", p.month, p.rate_display)}</title>
                        </g>
                    }
                }).collect_view()}
                <line x1=left x2=w - 10.0 y1=ty y2=ty class="target"/>
            </svg>
        </figure>
    }
}
