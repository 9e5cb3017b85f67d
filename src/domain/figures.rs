//! The arithmetic behind the figures and the exports: calendar months at the centres, percentiles
//! (as PostgreSQL's `percentile_cont` computes them), CSV cells safe for spreadsheets, and the
//! geometry of the server-rendered SVG bar charts.
//!
//! Pure: no I/O, no text for users. The aggregates themselves are computed in SQL; the
//! percentile here is the reference the tests hold the SQL to.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Riga;

/// A case submitted this many days ago or more without a result is overdue.
pub const RESULT_OVERDUE_AFTER_DAYS: i64 = 30;

/// How many months the figures show when no period is chosen (this month and the 11 before).
pub const DEFAULT_MONTHS: u32 = 12;

/// The longest period the figures accept, so that every query stays bounded.
pub const MAX_MONTHS: u32 = 60;

// ---------------------------------------------------------------------------------------------
// Calendar months in Europe/Riga

/// The first day of the month `date` falls in.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a first day")
}

/// The month before the one `today` falls in (the spot check's "last month").
pub fn previous_month(today: NaiveDate) -> NaiveDate {
    month_of(today) - Months::new(1)
}

/// The first day of the month `count - 1` months before `today`'s: the start of a period of
/// `count` months ending with the current one.
pub fn months_back(today: NaiveDate, count: u32) -> NaiveDate {
    month_of(today) - Months::new(count.saturating_sub(1))
}

/// The month after `month`.
pub fn next_month(month: NaiveDate) -> NaiveDate {
    month_of(month) + Months::new(1)
}

/// Midnight at the start of `date` in Riga, as an instant.
pub fn riga_midnight(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Riga changes its clocks at 03:00/04:00, never at midnight, so midnight is never skipped
    // or repeated; `earliest` only guards against a future rule change.
    Riga.from_local_datetime(&midnight).earliest().map_or_else(
        || Utc.from_utc_datetime(&midnight),
        |at| at.with_timezone(&Utc),
    )
}

/// The instants `[start, end)` of the months `first ..= last` in Riga.
pub fn months_span(first: NaiveDate, last: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        riga_midnight(month_of(first)),
        riga_midnight(next_month(last)),
    )
}

/// Every month from `first` to `last`, inclusive.
pub fn months_between(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut month = month_of(first);
    while month <= month_of(last) {
        months.push(month);
        month = next_month(month);
    }
    months
}

/// How many months `first ..= last` spans (0 when `last` is before `first`).
pub fn month_count(first: NaiveDate, last: NaiveDate) -> u32 {
    let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
    u32::try_from(months(last) - months(first) + 1).unwrap_or(0)
}

/// `YYYY-MM`, for URLs, tables and exports.
pub fn month_code(month: NaiveDate) -> String {
    month.format("%Y-%m").to_string()
}

/// Reads `YYYY-MM` as the first day of that month.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    let (year, month) = text.trim().split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

// ---------------------------------------------------------------------------------------------
// Percentiles

/// The continuous percentile `fraction` (0 … 1) of `sorted` values, interpolating linearly
/// between the two nearest ranks exactly as PostgreSQL's `percentile_cont` does; `None` for no
/// values.
pub fn percentile_cont(sorted: &[f64], fraction: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = fraction.clamp(0.0, 1.0) * last as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    let weight = position - lower as f64;
    Some(sorted[lower] + (sorted[upper] - sorted[lower]) * weight)
}

/// Seconds as days with one decimal, the unit the figures show durations in.
pub fn seconds_to_days(seconds: f64) -> f64 {
    (seconds / 86_400.0 * 10.0).round() / 10.0
}

/// `part` of `whole` in whole per cent, `None` when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| ((part as f64) * 100.0 / (whole as f64)).round() as i64)
}

// ---------------------------------------------------------------------------------------------
// CSV for spreadsheets

/// Excel and LibreOffice read UTF-8 only when the file starts with a byte-order mark.
pub const CSV_BOM: &str = "\u{feff}";

/// The separator: `;`, what spreadsheets expect under Latvian (and most European) regional
/// settings, where `,` is the decimal separator. Decimals are written with a comma to match.
pub const CSV_SEPARATOR: char = ';';

/// One cell: a value a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading apostrophe (OWASP "CSV injection"); a value with the
/// separator, a quote or a line break is quoted, quotes doubled.
pub fn csv_cell(value: &str) -> String {
    let neutralised = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutralised.contains([CSV_SEPARATOR, '"', '\n', '\r']) {
        format!("\"{}\"", neutralised.replace('"', "\"\""))
    } else {
        neutralised
    }
}

/// One line of cells, ended with CRLF (RFC 4180).
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| csv_cell(cell.as_ref()))
        .collect::<Vec<_>>()
        .join(&CSV_SEPARATOR.to_string());
    line.push_str("\r\n");
    line
}

/// A decimal with a comma, as spreadsheets under Latvian settings read it.
pub fn csv_decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

// ---------------------------------------------------------------------------------------------
// SVG bar charts

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

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn percentile_matches_postgres_percentile_cont() {
        // SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest('{1,2,3,4}') = 2.5
        assert_eq!(percentile_cont(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
        // percentile_cont(0.9) of 1..=10 = 9.1
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        let p90 = percentile_cont(&ten, 0.9).unwrap();
        assert!((p90 - 9.1).abs() < 1e-9, "{p90}");
        assert_eq!(percentile_cont(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile_cont(&[], 0.5), None);
        assert_eq!(percentile_cont(&[1.0, 3.0], 0.0), Some(1.0));
        assert_eq!(percentile_cont(&[1.0, 3.0], 1.0), Some(3.0));
    }

    #[test]
    fn durations_and_shares_round_as_shown() {
        assert_eq!(seconds_to_days(86_400.0 * 2.5), 2.5);
        assert_eq!(seconds_to_days(86_400.0 * 2.0 + 3_600.0), 2.0);
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn formula_looking_cells_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+371 2000"), "'+371 2000");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("a=b"), "a=b", "only a leading sign matters");
        assert_eq!(csv_cell("Rīga"), "Rīga");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_line(&["a", "b;c", "=1"]), "a;\"b;c\";'=1\r\n");
        assert_eq!(csv_decimal(2.5), "2,5");
        assert_eq!(csv_decimal(3.0), "3,0");
    }

    #[test]
    fn months_are_riga_calendar_months() {
        assert_eq!(previous_month(day(2026, 1, 15)), day(2025, 12, 1));
        assert_eq!(previous_month(day(2026, 3, 31)), day(2026, 2, 1));
        assert_eq!(months_back(day(2026, 3, 31), 12), day(2025, 4, 1));
        assert_eq!(month_count(day(2025, 4, 1), day(2026, 3, 1)), 12);
        assert_eq!(month_count(day(2026, 4, 1), day(2026, 3, 1)), 0);
        assert_eq!(months_between(day(2025, 11, 1), day(2026, 2, 1)).len(), 4);
        // Winter: Riga is UTC+2, so the month starts at 22:00 UTC the day before.
        let (start, end) = months_span(day(2026, 1, 1), day(2026, 1, 1));
        assert_eq!(start.to_rfc3339(), "2025-12-31T22:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-01-31T22:00:00+00:00");
        // Summer: UTC+3.
        assert_eq!(
            riga_midnight(day(2026, 7, 1)).to_rfc3339(),
            "2026-06-30T21:00:00+00:00"
        );
        assert_eq!(parse_month("2026-02"), Some(day(2026, 2, 1)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-02"), None);
        assert_eq!(month_code(day(2026, 2, 1)), "2026-02");
    }

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
