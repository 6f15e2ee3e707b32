//! Synthetic but valid case streams for the rebuild benchmark, written straight into the event
//! table in bulk (the command path would take hours for a million events): each stream follows a
//! real life cycle, carries the usual metadata and a correct hash chain.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use shaobao_domain::actor::Actor;
use shaobao_domain::case::*;
use shaobao_domain::sla::{Urgency, WhistleKind};
use shaobao_domain::CaseEvent;
use shaobao_services::store::chain::{hash, Link, GENESIS};
use shaobao_services::store::{Store, StoreError};

const STREETS: [&str; 5] = [
    "jingshan",
    "donghuamen",
    "jiaodaokou",
    "andingmen",
    "qianmen",
];
const CATEGORIES: [(&str, &str); 4] = [
    ("noise", "eco_env"),
    ("street_vending", "urban_management"),
    ("house_leak", "housing"),
    ("garbage_collection", "city_admin"),
];

/// The events of synthetic case number `n`: one of several life cycles, chosen by `n`.
fn case_events(n: u64) -> Vec<CaseEvent> {
    let base =
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap() + Duration::seconds(n as i64 * 20);
    let at = |minutes: i64| base + Duration::minutes(minutes);
    let (category, department) = CATEGORIES[(n % 4) as usize];
    let street = STREETS[(n % 5) as usize];
    let unit = Unit::Department(department.into());
    let consultation = n % 10 == 9;
    let mut events = vec![CaseEvent::CaseOpened {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: if consultation {
            CaseKind::Consultation
        } else {
            CaseKind::Complaint
        },
        category: category.into(),
        urgency: Urgency::Ordinary,
        description: format!("合成诉求 {n}：{category}"),
        location: Location::street(street),
        requester: None,
        source: None,
        at: at(0),
    }];
    if consultation {
        events.push(CaseEvent::AnsweredDirectly {
            note: None,
            at: at(5),
        });
        return events;
    }
    events.push(CaseEvent::CaseDispatched {
        unit,
        co_units: vec![],
        dispatched_by: Dispatcher::Hotline,
        at: at(1),
        sign_by: at(121),
        contact_by: at(1441),
        resolve_by: at(10_081),
        return_until: at(2881),
        ladders: vec![],
    });
    events.push(CaseEvent::CaseSigned {
        at: at(10),
        on_time: true,
    });
    if n % 10 == 7 {
        return events;
    }
    events.push(CaseEvent::RequesterContacted {
        channel: ContactChannel::Phone,
        note: None,
        at: at(60),
        on_time: true,
    });
    match n % 10 {
        6 => events.extend(whistle(department, at(70), at(100))),
        8 => events.extend(task(n, at(70))),
        _ => events.push(CaseEvent::ProgressRecorded {
            note: "已到现场".into(),
            evidence: vec![],
            at: at(120),
        }),
    }
    let satisfaction = [
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
    ][(n % 3) as usize];
    events.extend([
        CaseEvent::ResolutionSubmitted {
            outcome: Outcome::Resolved,
            summary: "已处理".into(),
            evidence: vec![],
            at: at(1440),
            on_time: true,
            callback_by: None,
            ladders: vec![],
        },
        CaseEvent::ResolutionAccepted {
            note: None,
            at: at(1500),
            callback_by: at(2940),
            ladders: vec![],
        },
        CaseEvent::CallbackRecorded {
            attempt: 1,
            reached: true,
            resolved: Some(satisfaction != Satisfaction::Dissatisfied),
            satisfaction: Some(satisfaction),
            comment: None,
            at: at(1560),
        },
        CaseEvent::CaseClosed {
            via_primary: None,
            note: None,
            at: at(1620),
            reopen_until: at(23_220),
            reopens_left: 2,
        },
    ]);
    events
}

fn whistle(lead: &str, at: DateTime<Utc>, later: DateTime<Utc>) -> Vec<CaseEvent> {
    let assist = if lead == "housing" {
        "city_admin"
    } else {
        "housing"
    };
    let summoned = |department: &str, role| SummonedDepartment {
        department: department.into(),
        role,
        report_in_by: at + Duration::days(3),
    };
    let report_in = |department: &str| CaseEvent::DepartmentReportedIn {
        no: 1,
        department: department.into(),
        mode: ReportInMode::OnSite,
        at: later,
        on_time: true,
    };
    vec![
        CaseEvent::WhistleBlown {
            no: 1,
            kind: WhistleKind::Routine,
            departments: vec![
                summoned(lead, WhistleRole::Lead),
                summoned(assist, WhistleRole::Assist),
            ],
            note: None,
            at,
            ladders: vec![],
        },
        report_in(lead),
        report_in(assist),
        CaseEvent::WhistleClosed {
            no: 1,
            ratings: [
                (lead.to_string(), Rating::Good),
                (assist.to_string(), Rating::Fair),
            ]
            .into_iter()
            .collect(),
            note: None,
            at: later,
        },
    ]
}

fn task(n: u64, at: DateTime<Utc>) -> Vec<CaseEvent> {
    vec![
        CaseEvent::TaskPublished {
            no: 1,
            title: "清理楼道".into(),
            kind: TaskKind::Volunteering,
            points: 5,
            at,
        },
        CaseEvent::TaskClaimed {
            no: 1,
            claimant: Actor::volunteer(format!("v-{:03}", n % 200)),
            at,
        },
        CaseEvent::TaskCompleted {
            no: 1,
            summary: "完成".into(),
            at,
        },
        CaseEvent::TaskConfirmed {
            no: 1,
            points: 5,
            at,
        },
    ]
}

/// One stored event row: aggregate id, sequence, type, payload, metadata.
type EventRow = (String, i64, String, String, String);

/// The aggregate id of synthetic case number `n`.
pub fn case_id(n: u64) -> String {
    format!("bench-{n:08}")
}

/// The rows of one case stream, hash-chained.
fn stream_rows(n: u64) -> Vec<EventRow> {
    let id = case_id(n);
    let mut previous = GENESIS.to_string();
    case_events(n)
        .into_iter()
        .enumerate()
        .map(|(i, event)| {
            let sequence = i as i64 + 1;
            let event_type = event.name().to_string();
            let payload = serde_json::to_value(&event).expect("events serialize");
            let mut metadata = json!({
                "command_id": format!("bench:{id}:{sequence}"),
                "correlation_id": format!("bench-{n}"),
                "actor": r#"{"role":"hotline","id":"bench"}"#,
                "time": event.at().to_rfc3339(),
                "request_hash": "bench",
            });
            let link = Link {
                aggregate_type: "case",
                aggregate_id: &id,
                sequence,
                event_type: &event_type,
                event_version: "1",
                payload: &payload,
                metadata: &metadata,
            };
            previous = hash(&previous, &link);
            metadata["hash"] = Value::String(previous.clone());
            (
                id.clone(),
                sequence,
                event_type,
                payload.to_string(),
                metadata.to_string(),
            )
        })
        .collect()
}

/// Appends whole case streams until the log holds `events` more events (the last stream may be
/// cut short, which is still a valid prefix). Returns the number of cases.
pub async fn load(store: &Store, events: u64) -> Result<u64, StoreError> {
    load_from(store, 0, events).await
}

/// [`load`] from synthetic case number `first_case` on, to grow a log loaded before; returns
/// the number of the next case.
pub async fn load_from(store: &Store, first_case: u64, events: u64) -> Result<u64, StoreError> {
    let (mut written, mut cases) = (0u64, first_case);
    while written < events {
        let mut batch: Vec<EventRow> = Vec::new();
        while batch.len() < 5_000 && written + (batch.len() as u64) < events {
            let mut rows = stream_rows(cases);
            rows.truncate((events - written - batch.len() as u64) as usize);
            batch.extend(rows);
            cases += 1;
        }
        written += batch.len() as u64;
        insert(store, batch).await?;
    }
    Ok(cases)
}

async fn insert(store: &Store, rows: Vec<EventRow>) -> Result<(), StoreError> {
    match store {
        // One statement per batch: arrays unnested server-side.
        Store::Postgres(pool) => {
            let (mut ids, mut sequences, mut types) = (Vec::new(), Vec::new(), Vec::new());
            let (mut payloads, mut metadata) = (Vec::new(), Vec::new());
            for (id, sequence, event_type, payload, meta) in rows {
                ids.push(id);
                sequences.push(sequence);
                types.push(event_type);
                payloads.push(payload);
                metadata.push(meta);
            }
            sqlx::query(
                "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
                 SELECT 'case', id, seq, ty, '1', p::json, m::json
                 FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS r(id, seq, ty, p, m)",
            )
            .bind(ids)
            .bind(sequences)
            .bind(types)
            .bind(payloads)
            .bind(metadata)
            .execute(pool)
            .await?;
        }
        Store::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            for chunk in rows.chunks(1_000) {
                let values = vec!["('case', ?, ?, ?, '1', ?, ?)"; chunk.len()].join(", ");
                let sql = format!(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) VALUES {values}"
                );
                let mut query = sqlx::query(&sql);
                for (id, sequence, event_type, payload, metadata) in chunk {
                    query = query
                        .bind(id)
                        .bind(sequence)
                        .bind(event_type)
                        .bind(payload)
                        .bind(metadata);
                }
                query.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
    }
    Ok(())
}
