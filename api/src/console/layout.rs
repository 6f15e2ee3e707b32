//! The page shell: head (our stylesheet and scripts, all built in), the navigation a person's role
//! uses, the language switch; and small pieces every page shares (times, countdowns, labels).

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use maud::{html, Markup, DOCTYPE};
use shaobao_domain::Role;

use shaobao_domain::org::Organisation;

use super::assets;
use super::i18n::Lang;
use super::names;
use super::session::Person;

/// htmx settings: no inline indicator styles (the CSP forbids them) and no `eval`.
const HTMX_CONFIG: &str =
    r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;

fn head(title: &str, lang: Lang) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="htmx-config" content=(HTMX_CONFIG);
            title { (title) " · " (lang.t("app.name")) }
            link rel="stylesheet" href=(assets::url(assets::STYLESHEET));
            script src=(assets::url(assets::HTMX)) defer {}
            script src=(assets::url(assets::HTMX_SSE)) defer {}
            script src=(assets::url(assets::SCRIPT)) defer {}
            script src=(assets::url(assets::ECHARTS)) defer {}
            script src=(assets::url(assets::CHARTS)) defer {}
        }
    }
}

/// A page for a signed-in person.
pub fn page(person: &Person, org: &Organisation, title: &str, body: Markup) -> Markup {
    let lang = person.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(title, lang))
            body {
                header.topbar {
                    a.brand href="/" { span.logo { "哨" } (lang.t("app.name")) }
                    nav { @for (href, key) in nav_links(&person.user.role) {
                        a href=(href) { (lang.t(key)) }
                    } }
                    span.who {
                        (scope_label(lang, org, &person.user.role)) " · " (person.user.display_name)
                    }
                    a.lang href={ "/lang/" (lang.other().short()) } { (lang.t("nav.lang")) }
                    form.logout method="post" action="/logout" data-action="logout" {
                        input type="hidden" name="csrf_token" value=(person.csrf_token);
                        button type="submit" { (lang.t("nav.logout")) }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

/// A page without navigation: sign-in and error pages.
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title, Lang::Zh))
            body.bare { main { (body) } }
        }
    }
}

/// Where `/` sends a person (DESIGN §6): each role's daily screen.
pub fn home_of(role: &Role) -> String {
    match role {
        Role::Dispatcher { street } => format!("/queue/{street}"),
        Role::Department { department } => format!("/inbox/{department}"),
        Role::Hotline => "/intake".into(),
        Role::Volunteer { .. } => "/board".into(),
        Role::Auditor | Role::Admin | Role::Intake | Role::System => "/cases".into(),
    }
}

/// The screens a role works with, in the order of its day.
fn nav_links(role: &Role) -> Vec<(String, &'static str)> {
    let command_center = matches!(role, Role::Hotline | Role::Dispatcher { .. });
    let reads_all = matches!(role, Role::Hotline | Role::Auditor | Role::Admin);
    let mut links: Vec<(String, &'static str)> = Vec::new();
    match role {
        Role::Dispatcher { street } => links.push((format!("/queue/{street}"), "nav.queue")),
        Role::Department { department } => {
            links.push((format!("/inbox/{department}"), "nav.inbox"))
        }
        _ => {}
    }
    let wanted = [
        (command_center, "/intake", "nav.intake"),
        (
            reads_all || matches!(role, Role::Intake | Role::System),
            "/cases",
            "nav.search",
        ),
        (
            !matches!(role, Role::Volunteer { .. } | Role::Intake | Role::System),
            "/alerts",
            "nav.alerts",
        ),
        (
            command_center || reads_all || matches!(role, Role::Department { .. }),
            "/stats",
            "nav.stats",
        ),
        (command_center || reads_all, "/map", "nav.map"),
        (command_center, "/wall", "nav.wall"),
        (
            command_center || matches!(role, Role::Department { .. } | Role::Volunteer { .. }),
            "/board",
            "nav.board",
        ),
    ];
    links.extend(
        wanted
            .into_iter()
            .filter(|(show, _, _)| *show)
            .map(|(_, href, key)| (href.to_string(), key)),
    );
    links
}

/// `景山街道`, `区城管执法局`, `志愿者 gw-7`, `12345中心`: whom a person speaks for.
pub fn scope_label(lang: Lang, org: &Organisation, role: &Role) -> String {
    match role {
        Role::Dispatcher { street } => names::street(org, street),
        Role::Department { department } => names::department(org, department),
        Role::Volunteer { member } => format!("{} {member}", lang.t("role.volunteer")),
        other => lang.t(&format!("role.{}", other.name())),
    }
}

/// `2026-03-02 10:00` in Beijing time.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A countdown to `due` that the page script keeps ticking (`data-due`) on the server's clock
/// (`data-now`, the time of rendering), not the browser's; rendered right first.
pub fn countdown(lang: Lang, due: DateTime<Utc>, now: DateTime<Utc>) -> Markup {
    html! {
        span.countdown data-due=(due.to_rfc3339()) data-now=(now.to_rfc3339()) title=(local_time(due)) {
            (remaining(lang, due, now))
        }
    }
}

/// `2h 05m`, `-1d 3h` (overdue), in the person's words.
pub fn remaining(lang: Lang, due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (due - now).num_seconds();
    let abs = seconds.unsigned_abs();
    let (days, hours, minutes) = (abs / 86_400, abs % 86_400 / 3600, abs % 3600 / 60);
    let span = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else {
        format!("{minutes}m")
    };
    if seconds < 0 {
        format!("{} {span}", lang.t("deadline.overdue"))
    } else {
        span
    }
}

/// Text kept on several lines (notes) without trusting it: escaped, line breaks kept by CSS.
pub fn multiline(text: &str) -> Markup {
    html! { span.multiline { (text) } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn countdowns_read_in_days_hours_and_minutes() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        let due = |s| now + chrono::Duration::seconds(s);
        assert_eq!(remaining(Lang::En, due(90_000), now), "1d 1h");
        assert_eq!(remaining(Lang::En, due(7_500), now), "2h 05m");
        assert_eq!(remaining(Lang::En, due(-600), now), "overdue 10m");
        assert_eq!(local_time(now), "2026-03-02 10:00");
    }

    #[test]
    fn each_role_sees_the_screens_of_its_day() {
        let hrefs = |role: Role| {
            nav_links(&role)
                .into_iter()
                .map(|(h, _)| h)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            hrefs(Role::Volunteer {
                member: "gw-7".into()
            }),
            ["/board"]
        );
        let dispatcher = hrefs(Role::Dispatcher {
            street: "jingshan".into(),
        });
        assert_eq!(dispatcher[0], "/queue/jingshan");
        assert!(
            dispatcher.contains(&"/wall".to_string())
                && !dispatcher.contains(&"/cases".to_string())
        );
        assert_eq!(
            hrefs(Role::Auditor),
            ["/cases", "/alerts", "/stats", "/map"]
        );
    }

    #[test]
    fn every_role_has_a_home() {
        assert_eq!(
            home_of(&Role::Dispatcher {
                street: "jingshan".into()
            }),
            "/queue/jingshan"
        );
        assert_eq!(
            home_of(&Role::Department {
                department: "housing".into()
            }),
            "/inbox/housing"
        );
        assert_eq!(home_of(&Role::Auditor), "/cases");
    }
}
