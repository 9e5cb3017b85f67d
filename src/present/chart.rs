//! The geometry of the server-rendered SVG bar charts: everything a template needs to draw one,
//! so that no arithmetic is left to it.

/// The drawing area of a chart, in SVG user units.
pub const CHART_WIDTH: f64 = 640.0;
pub const CHART_HEIGHT: f64 = 240.0;
/// Room for the value axis labels on the left and the category labels below.
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 8.0;

/// One bar: its rectangle, which series it belongs to (for its CSS class) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub series: usize,
    pub value: f64,
}

/// A horizontal grid line with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub y: f64,
    pub value: f64,
}

/// A category's label, centred under its group of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryLabel {
    pub x: f64,
    pub text: String,
}

/// Everything a template needs to draw a grouped bar chart; no arithmetic is left to it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    /// The x of the value axis and the y of the baseline.
    pub axis_x: f64,
    pub baseline_y: f64,
    pub right_x: f64,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub labels: Vec<CategoryLabel>,
}

/// The smallest "nice" number (1, 2 or 5 times a power of ten) at least `value`.
pub fn nice_ceiling(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|nice| *nice >= value - value * 1e-9)
        .unwrap_or(10.0 * magnitude)
}

/// A grouped bar chart: one group per category, one bar per series in each group;
/// `values[series][category]`. Bars of missing or negative values are drawn with zero height.
pub fn bar_chart(categories: &[String], values: &[Vec<f64>]) -> BarChart {
    let plot_width = CHART_WIDTH - LEFT - RIGHT;
    let plot_height = CHART_HEIGHT - TOP - BOTTOM;
    let baseline_y = CHART_HEIGHT - BOTTOM;
    let max = values
        .iter()
        .flatten()
        .copied()
        .filter(|value| value.is_finite())
        .fold(0.0, f64::max);
    let top = nice_ceiling(max);
    let scale = plot_height / top;
    // Whole-number steps where the top allows them (counts are whole numbers).
    let divisions = [4u32, 5, 2]
        .into_iter()
        .find(|parts| top >= f64::from(*parts) && (top / f64::from(*parts)).fract() == 0.0)
        .unwrap_or(4);
    let ticks = (0..=divisions)
        .map(|step| {
            let value = top * f64::from(step) / f64::from(divisions);
            Tick {
                y: round2(baseline_y - value * scale),
                value,
            }
        })
        .collect();
    let groups = categories.len().max(1) as f64;
    let group_width = plot_width / groups;
    let series = values.len().max(1) as f64;
    // A fifth of each group is the gap between groups.
    let bar_width = group_width * 0.8 / series;
    let mut bars = Vec::new();
    for (s, row) in values.iter().enumerate() {
        for (c, value) in row.iter().enumerate().take(categories.len()) {
            let value = if value.is_finite() {
                value.max(0.0)
            } else {
                0.0
            };
            let height = value * scale;
            bars.push(Bar {
                x: round2(LEFT + group_width * c as f64 + group_width * 0.1 + bar_width * s as f64),
                y: round2(baseline_y - height),
                width: round2(bar_width),
                height: round2(height),
                series: s,
                value,
            });
        }
    }
    let labels = categories
        .iter()
        .enumerate()
        .map(|(c, text)| CategoryLabel {
            x: round2(LEFT + group_width * (c as f64 + 0.5)),
            text: text.clone(),
        })
        .collect();
    BarChart {
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        axis_x: LEFT,
        baseline_y,
        right_x: CHART_WIDTH - RIGHT,
        bars,
        ticks,
        labels,
    }
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(1.2), 2.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(53.0), 100.0);
        assert_eq!(nice_ceiling(200.0), 200.0);
    }

    #[test]
    fn bars_are_proportional_and_stay_inside_the_plot() {
        let categories = vec!["2026-01".to_owned(), "2026-02".to_owned()];
        let chart = bar_chart(&categories, &[vec![10.0, 5.0], vec![0.0, 2.5]]);
        assert_eq!(chart.bars.len(), 4);
        let tallest = &chart.bars[0];
        // The axis tops out at 10: the tallest bar reaches the top of the plot.
        assert_eq!(tallest.y, TOP);
        assert_eq!(tallest.height, CHART_HEIGHT - TOP - BOTTOM);
        assert_eq!(chart.bars[1].height * 2.0, tallest.height);
        assert_eq!(chart.bars[2].height, 0.0);
        assert_eq!(chart.bars[2].y, chart.baseline_y);
        for bar in &chart.bars {
            assert!(bar.x >= chart.axis_x && bar.x + bar.width <= chart.right_x + 1e-9);
            assert!(bar.y >= 0.0 && bar.y + bar.height <= chart.baseline_y + 1e-9);
        }
        // Series sit side by side within a group; groups do not overlap.
        assert!(chart.bars[2].x > chart.bars[0].x);
        assert!(chart.bars[1].x > chart.bars[2].x + chart.bars[2].width);
        assert_eq!(chart.ticks.first().unwrap().y, chart.baseline_y);
        assert_eq!(chart.ticks.last().unwrap().value, 10.0);
        assert_eq!(
            chart.labels[1].x,
            chart.axis_x + (chart.right_x - chart.axis_x) * 0.75
        );
    }

    #[test]
    fn counts_get_whole_number_ticks() {
        let chart = bar_chart(&["x".to_owned()], &[vec![4.0]]);
        let values: Vec<f64> = chart.ticks.iter().map(|tick| tick.value).collect();
        assert_eq!(values, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        let chart = bar_chart(&["x".to_owned()], &[vec![2.0]]);
        let values: Vec<f64> = chart.ticks.iter().map(|tick| tick.value).collect();
        assert_eq!(values, [0.0, 1.0, 2.0]);
    }

    #[test]
    fn an_empty_or_zero_chart_draws_flat_bars() {
        let chart = bar_chart(&["x".to_owned()], &[vec![0.0], vec![f64::NAN]]);
        assert!(chart.bars.iter().all(|bar| bar.height == 0.0));
        assert_eq!(chart.ticks.last().unwrap().value, 1.0);
        let empty = bar_chart(&[], &[]);
        assert!(empty.bars.is_empty() && empty.labels.is_empty());
    }
}
