//! The benchmark report as text: one table per part, the one line `ratio command/raw: X.XX`, and
//! the goals, met or not.

use std::fmt::Write;

use super::benchmark::BenchReport;

impl BenchReport {
    pub fn render(&self) -> String {
        let mut out = String::new();
        let load = self.load_average.map_or(String::new(), |l| {
            format!(", load average {l:.1} at the start")
        });
        let _ = writeln!(
            out,
            "shaobao bench{} on {}: {} cores{load} (absolute figures move with the machine's other \
             work; compare the ratios, each measured within this run)",
            if self.quick { " --quick" } else { "" },
            self.store,
            self.cores
        );
        self.render_commands(&mut out);
        self.render_http(&mut out);
        self.render_rebuild(&mut out);
        let _ = writeln!(out, "\ngoals");
        for goal in &self.goals {
            let value = goal.value.map_or("–".into(), |v| {
                if v >= 1000.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            });
            let verdict = if goal.met { "met" } else { "NOT met" };
            let _ = writeln!(out, "  {:<42}{value:>12}  {verdict}", goal.what);
        }
        out
    }

    fn render_commands(&self, out: &mut String) {
        let c = &self.command_path;
        let _ = writeln!(
            out,
            "\n1–2. command path: {} clients × {} `progress` commands per round on {} cases each, \
             rounds alternating raw / engine",
            c.config.concurrency, c.config.commands_per_client, c.config.cases_per_client
        );
        let rounds = |rounds: &[crate::command_bench::Round]| {
            rounds
                .iter()
                .map(|r| format!("{:>10.0}/s", r.per_second))
                .collect::<String>()
        };
        let _ = writeln!(
            out,
            "  {:<10}{}  {:>10.0}/s median",
            "raw SQL",
            rounds(&c.raw),
            c.raw_median
        );
        let _ = writeln!(
            out,
            "  {:<10}{}  {:>10.0}/s median",
            "engine",
            rounds(&c.engine),
            c.engine_median
        );
        let _ = writeln!(out, "ratio command/raw: {:.2}", c.ratio);
    }

    fn render_http(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\n3. HTTP `progress` commands through the in-process server, open loop over {} signed \
             cases (latency from each request's scheduled send time)",
            self.http_cases
        );
        let series = [
            (
                "read models and deadline service running (the real server)",
                &self.http,
            ),
            (
                "read models paused (commands only)",
                &self.http_without_read_models,
            ),
        ];
        for (what, results) in series {
            let _ = writeln!(
                out,
                "  {what}\n  {:>9}{:>7}{:>7}{:>8}{:>11}{:>10}{:>10}{:>10}{:>10}",
                "offered", "sent", "ok", "errors", "achieved", "p50", "p90", "p99", "max"
            );
            for r in results.iter() {
                let errors: u64 = r.errors.values().sum();
                let _ = writeln!(
                    out,
                    "  {:>7.0}/s{:>7}{:>7}{:>8}{:>9.0}/s{:>7.1} ms{:>7.1} ms{:>7.1} ms{:>7.1} ms",
                    r.offered_per_second,
                    r.sent,
                    r.ok,
                    errors,
                    r.achieved_per_second,
                    r.p50_ms,
                    r.p90_ms,
                    r.p99_ms,
                    r.max_ms
                );
            }
        }
    }

    fn render_rebuild(&self, out: &mut String) {
        let r = &self.rebuild;
        let _ = writeln!(
            out,
            "\n4. rebuild of all projections against a raw sequential read of the same log, N = {} \
             events (best of 2 alternating rounds)\n  {:<10}{:>12.0} events/s\n  {:<10}{:>12.0} \
             events/s ({:.0} % of the raw read)",
            r.events, "raw read", r.raw_read_events_per_second, "rebuild",
            r.rebuild_events_per_second, r.ratio * 100.0
        );
    }
}
