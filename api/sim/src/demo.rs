//! `shaobao serve --demo`: the server with the district brought to life, so a newcomer sees
//! queues, alerts and statistics at once. It issues tokens for every simulated person, prints a
//! handful of them once (hotline, one street's dispatcher, two departments, a grid worker, an
//! auditor), and plays a gentle simulation in the background: a new contact every few seconds,
//! on the real clock, against a compressed policy (unless `--sla-scale` says otherwise, a
//! working day of deadlines passes in a few minutes, so some deadlines are missed and raise
//! alerts).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use indicatif::ProgressBar;
use shaobao_api::server::Server;
use shaobao_api::Error;
use shaobao_api::ServeConfig;
use shaobao_domain::org::Organisation;
use shaobao_domain::Role;
use shaobao_services::accounts::{generate_password, AccountError, Accounts, NewUser};
use shaobao_services::clock::Clock;
use tokio::task::JoinSet;

use super::client::ApiClient;
use super::clock::VirtualClock;
use super::error::SimError;
use super::plan::{grid_worker, Planner, Who};
use super::roster::Roster;
use super::runner::{Mode, Options, Runner};

/// The policy's pace under `--demo` when `--sla-scale` is left at 1: a 2-hour sign-for deadline
/// passes in about 14 s, a 7-day resolution in about 20 minutes.
pub const DEMO_SLA_SCALE: f64 = 0.002;
/// A new contact this often…
const CONTACT_EVERY: Duration = Duration::from_secs(3);
/// …after the first ones, which come faster.
const WARM_UP_CONTACTS: usize = 40;
const WARM_UP_EVERY: Duration = Duration::from_millis(700);
/// A summary log line this often.
const SUMMARY_EVERY: Duration = Duration::from_secs(10);
/// Simulated requests in flight at most.
const DEMO_CLIENTS: usize = 4;

/// Serves like `serve`, with demo tokens printed and the background simulation running until
/// `shutdown`.
pub async fn serve(
    mut config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SimError> {
    if config.sla_scale == 1.0 {
        config.sla_scale = DEMO_SLA_SCALE;
    }
    let server = Server::start(&config).await?;
    let state = server.state().clone();
    let roster = Roster::issue(&state.tokens, &state.org)
        .await
        .map_err(Error::Token)?;
    print_tokens(&roster, &state.org, server.local_addr(), config.sla_scale);
    print_accounts(&state.accounts, &state.org).await?;
    let clock = Arc::new(VirtualClock::real());
    let client = ApiClient::new(server.local_addr())?;
    let options = Options {
        mode: Mode::Demo,
        concurrency: DEMO_CLIENTS,
        pace: config.sla_scale,
        keys: format!("demo-{}", uuid::Uuid::new_v4().simple()),
        progress: ProgressBar::hidden(),
    };
    let runner = Arc::new(Runner::new(
        client,
        roster,
        clock,
        state.org.clone(),
        options,
    ));
    let background = tokio::spawn(contacts(runner, state.org.clone()));
    let summary = tokio::spawn(summarise(state.metrics.clone()));
    server
        .run(async move {
            shutdown.await;
            background.abort();
            summary.abort();
        })
        .await?;
    Ok(())
}

/// A new contact every few seconds, for ever; pauses planned in policy time are compressed by
/// the runner's pace, the start of a contact's script likewise.
async fn contacts(runner: Arc<Runner>, org: Arc<Organisation>) {
    let seed = Utc::now().timestamp_micros() as u64;
    let mut planner = Planner::new(org, seed);
    let mut scripts = JoinSet::new();
    for n in 0.. {
        // A quick first minute, so a newcomer sees queues, alerts and charts at once.
        let pause = if n < WARM_UP_CONTACTS {
            WARM_UP_EVERY
        } else {
            CONTACT_EVERY
        };
        tokio::time::sleep(pause).await;
        let now = runner.clock.now();
        for mut script in planner.contact(now) {
            let later = (script.at - now).num_milliseconds() as f64 * runner.pace();
            script.at = now + chrono::Duration::milliseconds(later as i64);
            let booked = runner.clock.appointment(script.at);
            scripts.spawn(runner.clone().script(n, script, booked));
        }
        while scripts.try_join_next().is_some() {}
    }
}

/// One line every few seconds instead of a line per simulated request.
async fn summarise(metrics: Arc<shaobao_api::metrics::Metrics>) {
    let mut tick = tokio::time::interval(SUMMARY_EVERY);
    let mut seen = metrics.requests_served();
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = metrics.requests_served();
        tracing::info!(
            requests = now - seen,
            seconds = SUMMARY_EVERY.as_secs(),
            "demo: the district is busy"
        );
        seen = now;
    }
}

/// Staff accounts for the console, one per kind of person, with fresh passwords shown once (a
/// second `--demo` on the same store resets them).
async fn print_accounts(accounts: &Accounts, org: &Organisation) -> Result<(), Error> {
    let street = org.streets[0].code.clone();
    let department = org.departments[0].code.clone();
    let member = grid_worker(&street, 1);
    let people = [
        ("demo-hotline", "12345 话务员", Role::Hotline),
        ("demo-dispatcher", "街道调度员", Role::Dispatcher { street }),
        ("demo-clerk", "部门办事员", Role::Department { department }),
        ("demo-volunteer", "网格员", Role::Volunteer { member }),
        ("demo-auditor", "审计员", Role::Auditor),
    ];
    println!("demo: console accounts (sign in at /login), shown once:");
    for (login, name, role) in people {
        let password = generate_password();
        let new = NewUser {
            login: login.into(),
            display_name: name.into(),
            role: role.clone(),
        };
        let now = Utc::now();
        match accounts.create(new, &password, now).await {
            Ok(_) => {}
            Err(AccountError::LoginTaken(_)) => {
                accounts
                    .reset_password(login, &password, now)
                    .await
                    .map_err(Error::Account)?;
            }
            Err(err) => return Err(Error::Account(err)),
        }
        let scope = match &role {
            Role::Dispatcher { street } => street.as_str(),
            Role::Department { department } => department.as_str(),
            Role::Volunteer { member } => member.as_str(),
            _ => "",
        };
        println!("  {login:<18}{password:<20}{} {scope}", role.name());
    }
    Ok(())
}

fn print_tokens(roster: &Roster, org: &Organisation, addr: SocketAddr, sla_scale: f64) {
    let street = org.streets[0].code.clone();
    let departments: Vec<String> = ["urban_management", "housing"]
        .iter()
        .filter(|code| org.department(code).is_some())
        .map(|code| code.to_string())
        .chain(org.departments.iter().map(|d| d.code.clone()))
        .take(2)
        .collect();
    let mut people = vec![
        ("hotline".to_string(), Who::Hotline),
        (
            format!("dispatcher {street}"),
            Who::Dispatcher(street.clone()),
        ),
    ];
    for department in &departments {
        people.push((
            format!("department {department}"),
            Who::Department(department.clone()),
        ));
    }
    let member = grid_worker(&street, 1);
    people.push((format!("volunteer {member}"), Who::Volunteer(member)));
    println!("demo: the district comes to life at http://{addr} (SLA scale {sla_scale}); tokens, shown once:");
    for (who, person) in &people {
        println!("  {who:<30}{}", roster.token(person).unwrap_or("?"));
    }
    println!("  {:<30}{}", "auditor", roster.auditor);
    println!(
        "try: curl -H \"Authorization: Bearer <dispatcher token>\" http://{addr}/api/v1/streets/{street}/queue"
    );
}
