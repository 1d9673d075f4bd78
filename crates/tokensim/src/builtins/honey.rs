//! 1Hive Honey: the seed's sweep, and the three steps its notebook plans (the productivity
//! range, the grid, the sensitivity), with the productivity range as the model's analysis.

use crate::{
    ExperimentFile, Fidelity, Finished, ModelSpec, NamedExperiment, Registry, RuleName, Scalar,
    SearchDomain, SearchSection,
};
use serde_json::{Value as Json, json};
use tokensim_models::honey;

use super::{file, floats, steps};

/// The saturations that bound the productivity range: below 0.1 the market is unsaturated,
/// above 0.8 saturated.
const RANGE: (f64, f64) = (0.1, 0.8);

pub(super) fn register(registry: &mut Registry) {
    registry
        .model(spec())
        .experiment(NamedExperiment::new(
            "honey",
            "the Honey seed's sweep: throttle × target reserve ratio, 9 subsets × 10 runs × 120 months",
            seed_sweep,
        ))
        .experiment(NamedExperiment::new(
            "honey-productivity",
            "Honey step 1: the productivity range where final market saturation goes from below 0.1 to above 0.8",
            productivity,
        ))
        .experiment(NamedExperiment::new(
            "honey-grid",
            "Honey step 2: target reserve ratio 0.1..0.3 × throttle 0.002..0.032 at step 1's median productivity, heatmaps",
            grid,
        ))
        .experiment(NamedExperiment::new(
            "honey-sensitivity",
            "Honey step 3: narrowed reserve ratio and throttle, with productivity, variance and pull swept",
            sensitivity,
        ));
}

fn params(fidelity: Fidelity) -> honey::HoneyParams {
    honey::HoneyParams {
        options: fidelity.into(),
        ..honey::HoneyParams::default()
    }
}

/// The model, its four key variables plotted, heatmaps of the first two, and the productivity
/// range as its analysis.
fn spec() -> ModelSpec {
    ModelSpec::new(
        "honey",
        "1Hive Honey supply: mint and burn toward a target pool ratio, market saturation, a price walk",
        honey::model,
        params,
    )
    .plots(&["saturation", "price", "reserve", "circulation"])
    .heatmaps(&["saturation", "price"])
    .analysis(productivity_range)
}

/// When productivity is the only parameter that varies (step 1): the largest productivity
/// whose mean final saturation is below 0.1, the smallest whose is above 0.8, and their mean.
fn productivity_range(finished: &Finished<'_>) -> Option<Json> {
    let subsets = finished.subsets();
    let first = subsets.first()?;
    let only_productivity = subsets.len() > 1
        && subsets.iter().all(|s| {
            s.params
                .iter()
                .all(|(k, v)| k == "productivity" || first.params.get(k) == Some(v))
        });
    if !only_productivity {
        return None;
    }
    let points = subsets
        .iter()
        .filter_map(|s| Some((s.param("productivity")?, s.final_mean("saturation")?)))
        .collect();
    let (low, high) = RANGE;
    let (below, above) = crossings(points, low, high);
    Some(json!({
        "productivity_range": {
            "low": below,
            "high": above,
            "median": below.zip(above).map(|(a, b)| (a + b) / 2.0),
            "definition": format!(
                "low: the largest productivity whose mean final saturation is below {low}; high: the smallest whose mean final saturation is above {high}"
            ),
        },
    }))
}

/// Of `(productivity, mean final saturation)` points, the largest productivity whose
/// saturation is below `low`, and the smallest whose saturation is above `high`.
fn crossings(mut points: Vec<(f64, f64)>, low: f64, high: f64) -> (Option<f64>, Option<f64>) {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let below = points.iter().rev().find(|(_, s)| *s < low).map(|p| p.0);
    let above = points.iter().find(|(_, s)| *s > high).map(|p| p.0);
    (below, above)
}

fn honey_file(rule: RuleName, params: Vec<(&str, Vec<Scalar>)>) -> ExperimentFile {
    file(
        "honey",
        Fidelity::Corrected,
        (honey::SEED_RUNS, honey::SEED_TIMESTEPS),
        rule,
        params,
    )
}

/// The seed's sweep: throttle {0.002, 0.004, 0.008} × target reserve ratio {0.1, 0.2, 0.3},
/// written zipped as the notebook writes it.
fn seed_sweep() -> ExperimentFile {
    let t = [0.002, 0.004, 0.008];
    let r = [0.1, 0.2, 0.3];
    let mut file = honey_file(
        RuleName::Zip,
        vec![
            (
                "throttle",
                floats(&r.iter().flat_map(|_| t).collect::<Vec<_>>()),
            ),
            (
                "target_reserve_ratio",
                floats(&r.iter().flat_map(|x| [*x; 3]).collect::<Vec<_>>()),
            ),
        ],
    );
    // `tokensim falsify honey`: the seed's throttles and ratios (its lists), and price moves of
    // up to twice the seed's scale.
    file.search = Some(SearchSection {
        params: [(
            "p_variance".to_owned(),
            SearchDomain::Range {
                min: Scalar::Float(0.0),
                max: Scalar::Float(0.5),
            },
        )]
        .into(),
        ..SearchSection::default()
    });
    file
}

/// Step 1's fixed parameters: the seed's outflow rate 0.05 (its notebook names a historic
/// average without giving it), target 0.2, throttle 0.008 (9.6 % a year), variance 0.25, pull
/// 0.75.
fn productivity() -> ExperimentFile {
    honey_file(
        RuleName::Zip,
        vec![
            ("outflow_rate", floats(&[0.05])),
            ("target_reserve_ratio", floats(&[0.2])),
            ("throttle", floats(&[0.008])),
            ("p_variance", floats(&[0.25])),
            ("p_pull", floats(&[0.75])),
            ("productivity", steps(0.70, 1.00, 0.0025)),
        ],
    )
}

/// Step 1's productivity range `(low, median, high)`, computed by running it in memory (a
/// quarter of a second), the median rounded to 6 decimals; the seed's 0.88 throughout if step
/// 1 does not bracket both crossings.
fn step1_productivity_range() -> (f64, f64, f64) {
    let found = spec().summarize(&productivity()).ok().and_then(|s| {
        let range = s.results?.get("productivity_range")?.clone();
        Some((range.get("low")?.as_f64()?, range.get("high")?.as_f64()?))
    });
    let (low, high) = found.unwrap_or((0.88, 0.88));
    (low, (((low + high) / 2.0) * 1e6).round() / 1e6, high)
}

/// Step 2: the median productivity of step 1's range, and target reserve ratio 0.1..0.3 by
/// 0.025 against throttle 0.002..0.032 by 0.004 (0.030 is the last on that lattice), every
/// pair (72 subsets).
fn grid() -> ExperimentFile {
    let (_, median, _) = step1_productivity_range();
    honey_file(
        RuleName::Product,
        vec![
            ("productivity", floats(&[median])),
            ("target_reserve_ratio", steps(0.1, 0.3, 0.025)),
            ("throttle", steps(0.002, 0.032, 0.004)),
        ],
    )
}

/// Step 3: reserve ratio and throttle narrowed to where step 2's grid saturates the market
/// (ratio 0.2..0.3, throttle 0.002..0.014), with productivity over step 1's range, variance
/// 0.15..0.35 and pull 0.65..0.85 added, every combination (243 subsets).
fn sensitivity() -> ExperimentFile {
    let (low, median, high) = step1_productivity_range();
    honey_file(
        RuleName::Product,
        vec![
            ("target_reserve_ratio", floats(&[0.2, 0.25, 0.3])),
            ("throttle", floats(&[0.002, 0.008, 0.014])),
            ("productivity", floats(&[low, median, high])),
            ("p_variance", floats(&[0.15, 0.25, 0.35])),
            ("p_pull", floats(&[0.65, 0.75, 0.85])),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::crossings;

    #[test]
    fn crossings_are_the_innermost_points_outside_the_band() {
        let points = vec![
            (0.9, 0.95),
            (0.7, 0.01),
            (0.8, 0.5),
            (0.75, 0.05),
            (0.85, 0.85),
        ];
        assert_eq!(crossings(points, 0.1, 0.8), (Some(0.75), Some(0.85)));
        assert_eq!(crossings(vec![(0.8, 0.5)], 0.1, 0.8), (None, None));
    }
}
