//! The simulation report as text: a summary of what happened, HTTP errors, the 三率 by street
//! and the calibration table (published figure against this run).

use std::fmt::Write;

use serde_json::Value;
use shaobao_domain::community::score::UnitStatus;

use super::report::{ratio, SimReport};

fn percent(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{:.1} %", v * 100.0))
}

impl SimReport {
    pub fn render(&self) -> String {
        let mut out = String::new();
        let span_days = (self.virtual_end - self.virtual_start).num_seconds() as f64 / 86_400.0;
        let _ = writeln!(
            out,
            "simulated {} day(s) × {} contacts, seed {}, {} clients, {}: virtual {} → {} \
             (Beijing, every case to its end) in {:.1} s real: {:.1} s per virtual day \
             (--sla-scale {} allows {:.1} s; time stands still while requests are answered)",
            self.days,
            self.cases_per_day,
            self.seed,
            self.concurrency,
            self.backend,
            beijing(&self.virtual_start),
            beijing(&self.virtual_end),
            self.real_seconds,
            self.real_seconds / span_days.max(f64::MIN_POSITIVE),
            self.sla_scale,
            86_400.0 * self.sla_scale
        );
        self.render_counts(&mut out);
        self.render_rates(&mut out);
        self.render_community(&mut out);
        self.render_calibration(&mut out);
        self.render_planted(&mut out);
        out
    }

    fn render_planted(&self, out: &mut String) {
        let p = &self.planted;
        let _ = writeln!(
            out,
            "planted repeat clusters: {} clusters, {} cases: similar-case finder (top 5) \
             precision {}, recall {}; hot-spot cluster recall {} (targets ≥ 90 %)",
            p.clusters,
            p.cases,
            percent(p.finder_precision),
            percent(p.finder_recall),
            percent(p.hotspot_cluster_recall)
        );
    }

    fn render_counts(&self, out: &mut String) {
        let c = |label| self.count(label);
        let rows = [
            (
                "cases opened",
                self.cases_opened,
                format!("{} visits recorded", c("visit")),
            ),
            ("answered at intake", c("answer"), "consultations".into()),
            ("dispatched", c("dispatch"), String::new()),
            (
                "whistled",
                c("whistle"),
                format!("{} report-ins, {} declined", c("report-in"), c("decline")),
            ),
            (
                "returned",
                c("return"),
                format!("{} approved and re-dispatched", c("return-approved")),
            ),
            ("resolved", c("resolution"), "resolutions submitted".into()),
            (
                "closed",
                c("close"),
                format!(
                    "{} callbacks did not reach the requester",
                    c("callback-unreached")
                ),
            ),
            ("reopened", c("reopen"), String::new()),
            ("parked", c("park"), String::new()),
            (
                "tasks confirmed",
                c("confirm"),
                format!("of {} published", c("task")),
            ),
        ];
        let _ = writeln!(out, "\n{:<22}{:>8}", "", "count");
        for (what, count, note) in rows {
            let _ = writeln!(out, "  {what:<20}{count:>8}  {note}");
        }
        let errors = if self.unexpected.is_empty() {
            "none".to_string()
        } else {
            let by_status: Vec<String> = self
                .unexpected
                .iter()
                .map(|(status, n)| match status {
                    0 => format!("{n} without answer"),
                    status => format!("{n} × {status}"),
                })
                .collect();
            by_status.join(", ")
        };
        let _ = writeln!(
            out,
            "  {:<20}{:>8}  ({} retries)\n  HTTP errors: {errors}; expected 409s (task already claimed): {}; \
             steps skipped after an error: {}",
            "requests sent", self.requests, self.retries, self.expected_refusals, self.skipped_steps
        );
        for failure in &self.failures {
            let _ = writeln!(out, "    {failure}");
        }
        let states: Vec<String> = self
            .states
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "  case states ({} cases): {}",
            self.cases,
            states.join(", ")
        );
    }

    fn render_rates(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\n三率 from /api/v1/stats?group_by=street\n  {:<14}{:>8}{:>8}{:>11}{:>11}{:>11}{:>10}{:>10}",
            "street", "month", "cases", "dispatched", "response", "resolution", "satisfied", "composite"
        );
        let rate = |row: &Value, field: &str| percent(row[field].as_f64());
        for row in &self.streets {
            let _ = writeln!(
                out,
                "  {:<14}{:>8}{:>8}{:>11}{:>11}{:>11}{:>10}{:>10}",
                row["street"].as_str().unwrap_or("?"),
                row["month"].as_str().unwrap_or("?"),
                row["cases"].as_u64().unwrap_or_default(),
                row["dispatched"].as_u64().unwrap_or_default(),
                rate(row, "response_rate"),
                rate(row, "resolution_rate"),
                rate(row, "satisfaction_rate"),
                row["composite_score"]
                    .as_f64()
                    .map_or("–".into(), |s| format!("{s:.1}"))
            );
        }
        let d = &self.district;
        let _ = writeln!(
            out,
            "  {:<14}{:>8}{:>8}{:>11}{:>11}{:>11}{:>10}{:>10}",
            "district",
            "",
            "",
            "",
            percent(d.response_rate),
            percent(d.resolution_rate),
            percent(d.satisfaction_rate),
            d.composite_score.map_or("–".into(), |s| format!("{s:.1}"))
        );
    }

    fn render_community(&self, out: &mut String) {
        let c = |label| self.count(label);
        let _ = writeln!(
            out,
            "\ncommunity lists 双向需求清单: {} needs published, {} claimed, {} delivered, {} confirmed, \
             {} withdrawn; {} resources offered; {} members registered",
            c("need"),
            c("need-claim"),
            c("need-deliver"),
            c("need-confirm"),
            c("need-withdraw"),
            c("resource"),
            c("member"),
        );
        let scores = &self.unit_scores;
        let (floor, commended) = (scores.scoring.unit_floor, scores.scoring.unit_commended);
        let _ = writeln!(
            out,
            "unit scores 量化积分 {} (/api/v1/scores?unit=unit&period={}), and a year at this rate \
             (under {floor}: no shared resources; over {commended}: commended)\n  {:<28}{:>8}{:>10}  status",
            scores.year, scores.year, "unit", "points", "per year"
        );
        for unit in scores.units.iter().filter(|u| u.points > 0) {
            let _ = writeln!(
                out,
                "  {:<28}{:>8}{:>10}  {}",
                unit.unit,
                unit.points,
                unit.per_year,
                serde_json::to_value(unit.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(
            out,
            "  of {} units, {} would fall under {floor} and {} would be over {commended} in a year at this rate",
            scores.units.len(),
            scores.count(UnitStatus::NoSharedResources),
            scores.count(UnitStatus::Commended),
        );
    }

    fn render_calibration(&self, out: &mut String) {
        let unreached = self.count("callback-unreached");
        let rows = [
            (
                "consultations answered at intake",
                "≈58 %",
                percent(Some(self.consultation_share())),
            ),
            (
                "call → dispatch (hotline, median)",
                "≈5 min",
                self.median_dispatch_minutes
                    .map_or("–".into(), |m| format!("{m:.1} min")),
            ),
            (
                "whistled ÷ dispatched",
                "a few %",
                percent(self.per_dispatch("whistle")),
            ),
            (
                "returned ÷ dispatched",
                "≈5 %",
                percent(self.per_dispatch("return")),
            ),
            (
                "returns approved",
                "a minority",
                percent(ratio(self.count("return-approved"), self.count("return"))),
            ),
            (
                "reopened ÷ dispatched",
                "1–3 %",
                percent(self.per_dispatch("reopen")),
            ),
            (
                "callbacks not reaching the requester",
                "a few %",
                percent(ratio(unreached, unreached + self.count("callback"))),
            ),
            (
                "response rate 响应率",
                "≥ 95 %",
                percent(self.district.response_rate),
            ),
            (
                "resolution rate 解决率",
                "93–96 %",
                percent(self.district.resolution_rate),
            ),
            (
                "satisfaction rate 满意率",
                "94–97 %",
                percent(self.district.satisfaction_rate),
            ),
        ];
        let _ = writeln!(
            out,
            "\ncalibration (published Beijing 12345 figure → this run)"
        );
        for (what, target, value) in rows {
            let _ = writeln!(out, "  {what:<38}{target:>12}{value:>10}");
        }
    }
}

fn beijing(at: &chrono::DateTime<chrono::Utc>) -> String {
    (*at + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
