//! The city-day report as text: the day, the log at each size, the city's year.

use std::fmt::Write;

use super::day::BUSIEST_WINDOW;
use super::{CityDayReport, DayFigures, LogSize, CITY_CONTACTS_PER_DAY};

/// The goal of issue 15: a city's day ingested and projected within five minutes.
const GOAL_SECONDS: f64 = 300.0;

impl CityDayReport {
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(day) = &self.day {
            render_day(&mut out, day);
        }
        if !self.log.is_empty() {
            render_log(&mut out, &self.log);
        }
        self.render_city(&mut out);
        out
    }

    fn render_city(&self, out: &mut String) {
        let c = &self.city;
        let measured = if self.day.is_some() {
            "measured"
        } else {
            "assumed"
        };
        let _ = writeln!(
            out,
            "\na year of a whole city ({CITY_CONTACTS_PER_DAY} contacts a day × 365)\n  \
             {:.1} events per contact ({measured}): {:.2} M events a day, {:.0} M a year",
            c.events_per_contact,
            c.day_events / 1e6,
            c.year_events / 1e6
        );
        if let (Some(seconds), Some(day)) = (c.day_ingest_seconds, &self.day) {
            let projected = seconds + caught_up_seconds(day).unwrap_or(f64::NAN);
            let _ = writeln!(
                out,
                "  a city day at the busiest rate: ingested in {seconds:.0} s, projected in \
                 {projected:.0} s (goal {GOAL_SECONDS:.0} s: {})",
                verdict(projected <= GOAL_SECONDS)
            );
        }
        if let Some(bytes) = c.year_database_bytes {
            let _ = writeln!(
                out,
                "  database after a year: {:.0} GB (the day's bytes per event)",
                bytes / 1e9
            );
        }
        if let (Some(seconds), Some(log)) = (c.year_rebuild_seconds, self.log.last()) {
            let _ = writeln!(
                out,
                "  rebuilding every read model from a year's log: {:.0} min at {:.0} events/s \
                 (the rate at {:.1} M events)",
                seconds / 60.0,
                log.rebuild_events_per_second,
                log.events as f64 / 1e6
            );
        }
    }
}

/// Seconds after the last answer until the slowest reader reached the log's end.
fn caught_up_seconds(day: &DayFigures) -> Option<f64> {
    day.caught_up
        .iter()
        .map(|(_, at)| *at)
        .try_fold(0.0, |slowest: f64, at| at.map(|at| slowest.max(at)))
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

fn mb(bytes: f64) -> String {
    format!("{:.0} MB", bytes / 1e6)
}

fn load(average: Option<f64>) -> String {
    average.map_or("?".into(), |l| format!("{l:.1}"))
}

fn render_day(out: &mut String, d: &DayFigures) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let _ = writeln!(
        out,
        "shaobao bench --city-day: {} contacts ({:.2} of a city's {CITY_CONTACTS_PER_DAY}) \
         through {} nodes, SLA scale {}, {} requests in flight; {cores} cores, load average {} \
         at the start, {} at the end",
        d.contacts,
        f64::from(d.contacts) / CITY_CONTACTS_PER_DAY as f64,
        d.nodes,
        d.sla_scale,
        d.concurrency,
        load(d.load_average_start),
        load(d.load_average_end)
    );
    let unexpected = d
        .unexpected
        .iter()
        .map(|(status, n)| format!("{n} × {status}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "  requests     {} ({} retries), {} answered as planned, unexpected: {}",
        d.requests,
        d.retries,
        d.answered_as_planned,
        if unexpected.is_empty() {
            "none".into()
        } else {
            unexpected
        }
    );
    for failure in &d.failures {
        let _ = writeln!(out, "               {failure}");
    }
    let _ = writeln!(
        out,
        "  events       {} ({:.1} per contact), {} cases opened",
        d.events,
        d.events as f64 / f64::from(d.contacts.max(1)),
        d.cases_opened
    );
    let _ = writeln!(
        out,
        "  ingest       {:.1} s: {:.0} commands/s, {:.0} events/s on average; {:.0} commands/s, \
         {:.0} events/s in the busiest {} s",
        d.ingest_seconds,
        d.commands_per_second,
        d.events_per_second,
        d.busiest_per_second,
        d.busiest_events_per_second(),
        BUSIEST_WINDOW.as_secs()
    );
    let _ = writeln!(
        out,
        "  latency      p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms (sent to answered)",
        d.p50_ms, d.p99_ms, d.max_ms
    );
    let readers = d
        .caught_up
        .iter()
        .map(|(name, at)| match at {
            Some(at) => format!("{name} {at:.1} s"),
            None => format!("{name} NOT within the limit"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "  at the log's end after the last answer: {readers}");
    if let Some(slowest) = caught_up_seconds(d) {
        let _ = writeln!(
            out,
            "  the day ingested and projected in {:.0} s",
            d.ingest_seconds + slowest
        );
    }
    let s = &d.storage;
    let _ = writeln!(
        out,
        "  storage      the day added: events {} + indexes {}, read models {}, database {}",
        mb(s.events_table_bytes as f64),
        mb(s.events_index_bytes as f64),
        mb(s.read_model_bytes as f64),
        mb(s.database_bytes as f64)
    );
    let _ = writeln!(
        out,
        "  per million events: events {} + indexes {}, read models {}, database {}",
        mb(s.per_million(s.events_table_bytes)),
        mb(s.per_million(s.events_index_bytes)),
        mb(s.per_million(s.read_model_bytes)),
        mb(s.per_million(s.database_bytes))
    );
}

fn render_log(out: &mut String, sizes: &[LogSize]) {
    let _ = writeln!(
        out,
        "\nthe log grown to a district's years (synthetic cases, bulk-loaded into one scratch \
         database)\n  {:>11} {:>10} {:>11} {:>10} {:>9} {:>8} {:>10} {:>9} {:>11} {:>5}",
        "events",
        "load/s",
        "raw read/s",
        "rebuild/s",
        "rebuild",
        "stream",
        "table",
        "indexes",
        "read models",
        "load"
    );
    for l in sizes {
        let s = &l.storage;
        let _ = writeln!(
            out,
            "  {:>11} {:>10.0} {:>11.0} {:>10.0} {:>7.0} s {:>5.2} ms {:>10} {:>9} {:>11} {:>5}",
            l.events,
            l.seed_events_per_second,
            l.raw_read_events_per_second,
            l.rebuild_events_per_second,
            l.rebuild_seconds,
            l.stream_read_ms,
            mb(s.events_table_bytes as f64),
            mb(s.events_index_bytes as f64),
            mb(s.read_model_bytes as f64),
            load(l.load_average)
        );
    }
}
