//! Statistics 闭环统计 (DESIGN §4 "Counting rules"): facts stored per case, per obligation (each
//! dispatch of a case to a unit) and per whistle summons ([`tables`]), from which [`query`]
//! derives the rates for any month and grouping at query time (rates whose denominator depends
//! on "now", such as "contact deadline has passed", cannot be stored).
//!
//! A case counts in the Asia/Shanghai calendar month in which it was **opened**, so a month's
//! figures only ever gain cases opened in it; its rates move as those cases progress. Excluded
//! cases count in no rate.

mod case_rows;
mod figures;
mod query;
mod tables;
mod trend;
mod unit_rows;

pub use figures::StatsRow;
pub use query::{district_total, rank, rankings, statistics, GroupBy, RankingRow, StatsError};
pub use shaobao_domain::org::Weights;
pub use tables::{CASES, OBLIGATIONS, SUMMONS};
pub use trend::{district_trend, street_headlines};
