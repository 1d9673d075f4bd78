//! The pictures: each plotted variable over time per subset (median and 5–95 % band over
//! runs), and a heatmap of final means for every two-parameter grid; PNG and SVG.
//!
//! A plot with nothing finite to draw (every run failed, NaN finals, values whose span
//! overflows `f64`) is skipped, and [`draw_all`] returns a note saying so for the summary.

use std::path::Path;

use crate::collect::percentile;
use crate::summary::SubsetSummary;
use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

/// More subsets than this get no time-series plot (it would be unreadable); grids get heatmaps.
pub(crate) const MAX_SERIES: usize = 12;

type Subsets<'a> = &'a [Vec<(&'static str, sim_core::Value)>];

/// What to draw: the experiment's title, its subsets, the variables, and the data.
pub(crate) struct Figures<'a> {
    /// The experiment's name, at the head of every plot.
    pub(crate) title: &'a str,
    /// Every subset's parameters.
    pub(crate) subsets: Subsets<'a>,
    /// The variables plotted over time.
    pub(crate) plotted: &'a [String],
    /// The variables whose final mean gets a heatmap on a two-parameter grid.
    pub(crate) heatmapped: &'a [String],
    /// `series[subset][plotted variable][run]`.
    pub(crate) series: &'a [Vec<Vec<Vec<f64>>>],
    /// The summary's subsets.
    pub(crate) per_subset: &'a [SubsetSummary],
}

/// Draws every figure into `dir` (PNG and SVG); returns a note for each one skipped.
pub(crate) fn draw_all(dir: &Path, f: &Figures<'_>) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut skipped = Vec::new();
    let varying = varying_params(f.subsets);
    if f.subsets.len() <= MAX_SERIES {
        time_series_all(dir, f, &varying, &mut skipped)?;
    }
    if let [x, y] = varying.as_slice() {
        heatmaps_all(dir, f, (x, y), &mut skipped)?;
    }
    Ok(skipped)
}

/// Each plotted variable over time, one band per subset.
fn time_series_all(
    dir: &Path,
    f: &Figures<'_>,
    varying: &[&str],
    skipped: &mut Vec<String>,
) -> Result<()> {
    let labels: Vec<String> = f.subsets.iter().map(|p| label(p, varying)).collect();
    for (v, name) in f.plotted.iter().enumerate() {
        let title = format!("{}: {name}", f.title);
        let data: Vec<&Vec<Vec<f64>>> = f.series.iter().map(|s| &s[v]).collect();
        let bands = bands(&data);
        let Some(range) = value_range(&bands) else {
            skipped.push(format!(
                "plot {name}: skipped, no run has a finite {name} to draw"
            ));
            continue;
        };
        let png = dir.join(format!("{name}.png"));
        let svg = dir.join(format!("{name}.svg"));
        time_series(
            &BitMapBackend::new(&png, (1000, 600)).into_drawing_area(),
            &title,
            name,
            &labels,
            &bands,
            range,
        )?;
        time_series(
            &SVGBackend::new(&svg, (1000, 600)).into_drawing_area(),
            &title,
            name,
            &labels,
            &bands,
            range,
        )?;
    }
    Ok(())
}

/// A heatmap of each heatmapped variable's final mean over the two varying parameters.
fn heatmaps_all(
    dir: &Path,
    f: &Figures<'_>,
    (x, y): (&str, &str),
    skipped: &mut Vec<String>,
) -> Result<()> {
    for name in f.heatmapped {
        let cells: Vec<(f64, f64, f64)> = f
            .per_subset
            .iter()
            .filter_map(|s| {
                let p = f.subsets.get(s.subset)?;
                let m = s.final_mean(name).filter(|m| m.is_finite())?;
                Some((param(p, x)?, param(p, y)?, m))
            })
            .collect();
        let Some((extent, scale)) =
            finite_extent(cells.iter().map(|c| c.2)).and_then(|e| Some((e, axis_range(e)?)))
        else {
            skipped.push(format!(
                "heatmap_{name}: skipped, no subset has a finite mean final {name}"
            ));
            continue;
        };
        let title = format!("{}: final {name} (mean over runs)", f.title);
        let base = dir.join(format!("heatmap_{name}"));
        let png = base.with_extension("png");
        let svg = base.with_extension("svg");
        heatmap(
            &BitMapBackend::new(&png, (900, 700)).into_drawing_area(),
            &title,
            x,
            y,
            &cells,
            extent,
            scale,
        )?;
        heatmap(
            &SVGBackend::new(&svg, (900, 700)).into_drawing_area(),
            &title,
            x,
            y,
            &cells,
            extent,
            scale,
        )?;
    }
    Ok(())
}

fn param(p: &[(&'static str, sim_core::Value)], name: &str) -> Option<f64> {
    p.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_f64())
}

/// The parameters that differ between subsets.
fn varying_params(subsets: Subsets<'_>) -> Vec<&'static str> {
    let Some(first) = subsets.first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|(k, v)| subsets.iter().any(|s| param(s, k) != Some(v.as_f64())))
        .map(|(k, _)| *k)
        .collect()
}

fn label(p: &[(&'static str, sim_core::Value)], varying: &[&str]) -> String {
    if varying.is_empty() {
        return "all runs".into();
    }
    varying
        .iter()
        .filter_map(|k| param(p, k).map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("plotting failed: {e}")
}

/// Median and 5–95 % band per subset per timestep, over the runs' finite values.
fn bands(data: &[&Vec<Vec<f64>>]) -> Vec<Vec<(f64, f64, f64)>> {
    data.iter()
        .map(|runs| {
            let t = runs.iter().map(Vec::len).max().unwrap_or(0);
            (0..t)
                .map(|k| {
                    let mut v: Vec<f64> = runs
                        .iter()
                        .filter_map(|r| r.get(k).copied())
                        .filter(|x| x.is_finite())
                        .collect();
                    v.sort_by(f64::total_cmp);
                    (
                        percentile(&v, 5.0),
                        percentile(&v, 50.0),
                        percentile(&v, 95.0),
                    )
                })
                .collect()
        })
        .collect()
}

/// The axis range of the bands (their 5 % and 95 % lines), `None` when nothing is finite.
fn value_range(bands: &[Vec<(f64, f64, f64)>]) -> Option<(f64, f64)> {
    finite_extent(bands.iter().flatten().flat_map(|b| [b.0, b.2])).and_then(axis_range)
}

/// The smallest and largest finite values, `None` when there are none or their span
/// overflows `f64`.
fn finite_extent(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    (lo <= hi && (hi - lo).is_finite()).then_some((lo, hi))
}

/// An axis for an extent: the extent itself, or around a flat line a unit (or 5 %) span;
/// `None` when that overflows.
fn axis_range((lo, hi): (f64, f64)) -> Option<(f64, f64)> {
    if hi <= lo {
        // A flat line: a unit (or a relative) span around it.
        let half = (lo.abs() * 0.05).max(0.5);
        if !(lo - half).is_finite() || !(hi + half).is_finite() {
            return None;
        }
        return Some((lo - half, hi + half));
    }
    Some((lo, hi))
}

fn time_series<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    variable: &str,
    labels: &[String],
    bands: &[Vec<(f64, f64, f64)>],
    (lo, hi): (f64, f64),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    let t_max = bands.iter().map(Vec::len).max().unwrap_or(1).max(2) - 1;
    let pad = (hi - lo) * 0.05;
    let pad = if (lo - pad).is_finite() && (hi + pad).is_finite() {
        pad
    } else {
        0.0
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 24))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..t_max as f64, (lo - pad)..(hi + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("timestep")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 16))
        .x_label_formatter(&|t| format!("{t:.0}"))
        .y_label_formatter(&tick)
        .y_desc(format!("{variable} (median, 5–95 % band over runs)"))
        .draw()
        .map_err(err)?;
    for (i, band) in bands.iter().enumerate() {
        let color = Palette99::pick(i);
        let upper: Vec<(f64, f64)> = band
            .iter()
            .enumerate()
            .map(|(t, b)| (t as f64, b.2))
            .collect();
        let lower: Vec<(f64, f64)> = band
            .iter()
            .enumerate()
            .map(|(t, b)| (t as f64, b.0))
            .collect();
        let polygon: Vec<(f64, f64)> = upper
            .iter()
            .copied()
            .chain(lower.iter().rev().copied())
            .filter(|p| p.1.is_finite())
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                polygon,
                color.mix(0.15).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                band.iter()
                    .enumerate()
                    .map(|(t, b)| (t as f64, b.1))
                    .filter(|p| p.1.is_finite()),
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(labels[i].clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)?;
    area.present().map_err(err)?;
    Ok(())
}

/// A colour on a blue–yellow scale for `t` in [0, 1].
fn scale_color(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(40.0, 250.0), lerp(40.0, 220.0), lerp(140.0, 40.0))
}

fn heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    x_name: &str,
    y_name: &str,
    cells: &[(f64, f64, f64)],
    (lo, hi): (f64, f64),
    (scale_lo, scale_hi): (f64, f64),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE).map_err(err)?;
    let mut xs: Vec<f64> = cells.iter().map(|c| c.0).collect();
    let mut ys: Vec<f64> = cells.iter().map(|c| c.1).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    ys.sort_by(f64::total_cmp);
    ys.dedup();
    let span = if hi > lo { hi - lo } else { 1.0 };
    let (plot, bar) = area.split_horizontally(780);
    let (nx, ny) = (
        i32::try_from(xs.len()).unwrap_or(i32::MAX),
        i32::try_from(ys.len()).unwrap_or(i32::MAX),
    );
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d((0..nx - 1).into_segmented(), (0..ny - 1).into_segmented())
        .map_err(err)?;
    let at = |values: &[f64], v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| values.get(i))
            .map_or(String::new(), |x| format!("{x}")),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_name)
        .y_desc(y_name)
        .x_labels(xs.len())
        .y_labels(ys.len())
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .x_label_formatter(&|v| at(&xs, v))
        .y_label_formatter(&|v| at(&ys, v))
        .draw()
        .map_err(err)?;
    let fs = if xs.len() > 6 { 11 } else { 15 };
    for &(x, y, v) in cells {
        let (Some(i), Some(j)) = (
            xs.iter().position(|a| a.total_cmp(&x).is_eq()),
            ys.iter().position(|b| b.total_cmp(&y).is_eq()),
        ) else {
            continue;
        };
        let (i, j) = (i32::try_from(i).unwrap_or(0), i32::try_from(j).unwrap_or(0));
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (SegmentValue::Exact(i), SegmentValue::Exact(j)),
                    (SegmentValue::Exact(i + 1), SegmentValue::Exact(j + 1)),
                ],
                scale_color((v - lo) / span).filled(),
            )))
            .map_err(err)?;
        let text = if (v - lo) / span > 0.6 { BLACK } else { WHITE };
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{v:.3}"),
                (SegmentValue::CenterOf(i), SegmentValue::CenterOf(j)),
                ("sans-serif", fs).into_font().color(&text),
            )))
            .map_err(err)?;
    }
    colour_scale(&bar, (scale_lo, scale_hi))?;
    area.present().map_err(err)?;
    Ok(())
}

/// The heatmap's colour scale, from `scale_lo` to `scale_hi`, in `bar`.
fn colour_scale<DB: DrawingBackend>(
    bar: &DrawingArea<DB, Shift>,
    (scale_lo, scale_hi): (f64, f64),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut scale = ChartBuilder::on(bar)
        .margin_top(60)
        .margin_bottom(57)
        .margin_right(10)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..1f64, scale_lo..scale_hi)
        .map_err(err)?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .y_label_formatter(&tick)
        .y_desc("final mean")
        .draw()
        .map_err(err)?;
    let steps = 50;
    for k in 0..steps {
        let (a, b) = (
            f64::from(k) / f64::from(steps),
            f64::from(k + 1) / f64::from(steps),
        );
        scale
            .draw_series(std::iter::once(Rectangle::new(
                [
                    (0.0, scale_lo + a * (scale_hi - scale_lo)),
                    (1.0, scale_lo + b * (scale_hi - scale_lo)),
                ],
                scale_color(a).filled(),
            )))
            .map_err(err)?;
    }
    Ok(())
}

/// A short axis label: thousands, millions and billions as k, M and G (so 225,000,000 fits as
/// "225M"), four decimals for ordinary values, and scientific notation for tiny ones.
fn tick(v: &f64) -> String {
    fn trim(s: String) -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    }
    let a = v.abs();
    if a == 0.0 {
        "0".to_owned()
    } else if a >= 1e9 {
        trim(format!("{:.2}", v / 1e9)) + "G"
    } else if a >= 1e6 {
        trim(format!("{:.2}", v / 1e6)) + "M"
    } else if a >= 1e4 {
        trim(format!("{:.2}", v / 1e3)) + "k"
    } else if a >= 1e-3 {
        trim(format!("{v:.4}"))
    } else {
        format!("{v:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::tick;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(&225e6), "225M");
        assert_eq!(tick(&-12_500.0), "-12.5k");
        assert_eq!(tick(&1.5e9), "1.5G");
        assert_eq!(tick(&0.018_375), "0.0184");
        assert_eq!(tick(&2.0), "2");
        assert_eq!(tick(&0.0), "0");
        assert_eq!(tick(&2.5e-5), "2.50e-5");
    }
}
