//! The statistics table's columns (DESIGN §4), shared by the page and its CSV download so both
//! always show the same figures.

use shaobao_projections::models::statistics::StatsRow;

/// How a figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Count,
    /// A fraction in [0, 1], shown as a percentage.
    Rate,
    /// 0–100.
    Score,
    /// Seconds, shown in hours.
    Duration,
}

pub struct Column {
    /// The API's field name (also the CSV header and the sort key).
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub value: fn(&StatsRow) -> Option<f64>,
    /// Only for department rows.
    pub departments_only: bool,
}

const fn col(
    key: &'static str,
    label: &'static str,
    kind: Kind,
    value: fn(&StatsRow) -> Option<f64>,
) -> Column {
    Column {
        key,
        label,
        kind,
        value,
        departments_only: false,
    }
}

fn seconds(v: Option<i64>) -> Option<f64> {
    v.map(|s| s as f64)
}

pub const COLUMNS: &[Column] = &[
    col("cases", "stats.cases", Kind::Count, |r| {
        Some(r.cases as f64)
    }),
    col("dispatched", "stats.dispatched", Kind::Count, |r| {
        Some(r.dispatched as f64)
    }),
    col("response_rate", "stats.response_rate", Kind::Rate, |r| {
        r.response_rate
    }),
    col(
        "resolution_rate",
        "stats.resolution_rate",
        Kind::Rate,
        |r| r.resolution_rate,
    ),
    col(
        "satisfaction_rate",
        "stats.satisfaction_rate",
        Kind::Rate,
        |r| r.satisfaction_rate,
    ),
    col(
        "composite_score",
        "stats.composite_score",
        Kind::Score,
        |r| r.composite_score,
    ),
    col(
        "on_time_sign_rate",
        "stats.on_time_sign_rate",
        Kind::Rate,
        |r| r.on_time_sign_rate,
    ),
    col(
        "on_time_resolution_rate",
        "stats.on_time_resolution_rate",
        Kind::Rate,
        |r| r.on_time_resolution_rate,
    ),
    col("return_rate", "stats.return_rate", Kind::Rate, |r| {
        r.return_rate
    }),
    col("reopen_rate", "stats.reopen_rate", Kind::Rate, |r| {
        r.reopen_rate
    }),
    col("whistle_rate", "stats.whistle_rate", Kind::Rate, |r| {
        r.whistle_rate
    }),
    Column {
        departments_only: true,
        ..col(
            "on_time_report_in_rate",
            "stats.on_time_report_in_rate",
            Kind::Rate,
            |r| r.on_time_report_in_rate,
        )
    },
    Column {
        departments_only: true,
        ..col("mean_rating", "stats.mean_rating", Kind::Rate, |r| {
            r.mean_rating
        })
    },
    col(
        "median_resolve_seconds",
        "stats.median_resolve",
        Kind::Duration,
        |r| seconds(r.median_resolve_seconds),
    ),
    col(
        "p90_resolve_seconds",
        "stats.p90_resolve",
        Kind::Duration,
        |r| seconds(r.p90_resolve_seconds),
    ),
];

/// A figure as a person reads it: `87.5%`, `72.8`, `36.0h`, `12`; `—` when there is none.
pub fn display(kind: Kind, value: Option<f64>) -> String {
    match value {
        None => "—".into(),
        Some(v) => match kind {
            Kind::Count => format!("{v:.0}"),
            Kind::Rate => format!("{:.1}%", v * 100.0),
            Kind::Score => format!("{v:.2}"),
            Kind::Duration => format!("{:.1}h", v / 3600.0),
        },
    }
}

/// A figure in the CSV: the API's own number (fractions stay fractions), empty when null.
pub fn csv_value(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{v:.0}")
        } else {
            v.to_string()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_expect_and_csv_keeps_the_numbers() {
        assert_eq!(display(Kind::Rate, Some(0.875)), "87.5%");
        assert_eq!(display(Kind::Score, Some(72.75)), "72.75");
        assert_eq!(display(Kind::Duration, Some(172800.0)), "48.0h");
        assert_eq!(display(Kind::Rate, None), "—");
        assert_eq!(csv_value(Some(0.75)), "0.75");
        assert_eq!(csv_value(Some(4.0)), "4");
        assert_eq!(csv_value(None), "");
    }
}
