use chrono::TimeZone;
use shaobao_services::org_file::load_org;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

fn parse(query: &str) -> Result<RequestQuery, Open311Error> {
    let org = load_org(None, 1.0).expect("the sample district loads");
    RequestQuery::parse(Some(query), &org, now())
}

fn bad_request(query: &str, start: &str) {
    match parse(query) {
        Err(Open311Error::BadRequest(message)) => {
            assert!(message.starts_with(start), "{query}: {message:?}")
        }
        other => panic!("{query}: expected 400 {start:?}, got {other:?}"),
    }
}

#[test]
fn defaults_are_the_last_90_days_every_service_and_status_one_full_page() {
    let query = parse("api_key=whatever&jurisdiction_id=dongcheng").unwrap();
    assert_eq!(
        query,
        RequestQuery {
            ids: None,
            service_codes: vec![],
            start: now() - Duration::days(90),
            end: now(),
            statuses: vec![],
            extensions: false,
            skip: 0,
            page_size: 1000,
        }
    );
    assert_eq!(
        RequestQuery::parse(None, &load_org(None, 1.0).unwrap(), now()).unwrap(),
        query
    );
}

#[test]
fn every_filter_is_read() {
    let query = parse(
        "service_request_id=a,+b,&service_code=noise,heating&start_date=2026-01-01T00:00:00%2B08:00\
         &end_date=2026-02-01T00:00:00Z&status=open,closed&extensions=true&page=3&page_size=20",
    )
    .unwrap();
    assert_eq!(query.ids, Some(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(query.service_codes, ["noise", "heating"]);
    assert_eq!(
        query.start,
        Utc.with_ymd_and_hms(2025, 12, 31, 16, 0, 0).unwrap()
    );
    assert_eq!(
        query.end,
        Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(query.statuses, [Status::Open, Status::Closed]);
    assert!(query.extensions);
    assert_eq!((query.skip, query.page_size), (40, 20));
}

#[test]
fn the_window_runs_90_days_back_from_end_date() {
    let query = parse("end_date=2026-02-01").unwrap();
    assert_eq!(query.end - query.start, Duration::days(90));
    let query = parse("start_date=2025-01-01").unwrap();
    assert_eq!(query.start.to_rfc3339(), "2024-12-31T16:00:00+00:00");
    assert_eq!(
        query.end - query.start,
        Duration::days(90),
        "not up to now, a year later"
    );
    let query = parse("start_date=2026-03-01").unwrap();
    assert_eq!(query.end, now(), "no later than now");
    // A window that starts after now is empty, not a mistake.
    let query = parse("start_date=2026-04-01").unwrap();
    assert!(query.start > query.end);
}

#[test]
fn filters_admit_by_service_and_status() {
    let query = parse("service_code=noise&status=closed").unwrap();
    assert!(query.admits("noise", Status::Closed));
    assert!(!query.admits("noise", Status::Open));
    assert!(!query.admits("heating", Status::Closed));
    let every = parse("").unwrap();
    assert!(every.admits("heating", Status::Open));
}

#[test]
fn states_map_to_open_and_closed() {
    use CaseState::*;
    for state in [
        Received,
        Dispatched,
        Signed,
        Handling,
        ReturnPending,
        Disputed,
        Resolved,
        AwaitingCallback,
        Parked,
    ] {
        assert_eq!(Status::of(state), Status::Open, "{state}");
    }
    assert_eq!(Status::of(Closed).as_str(), "closed");
    assert_eq!(Status::of(Answered).as_str(), "closed");
    assert_eq!(Status::named("answered"), Status::Closed);
    assert_eq!(Status::named("handling"), Status::Open);
}

#[test]
fn each_bad_parameter_is_a_bad_request() {
    bad_request(
        "start_date=yesterday",
        "start_date must be an ISO 8601 date-time",
    );
    bad_request(
        "end_date=2026-13-01",
        "end_date must be an ISO 8601 date-time",
    );
    bad_request(
        "start_date=2026-02-02&end_date=2026-02-01",
        "start_date must not be after end_date",
    );
    bad_request(
        "start_date=2025-01-01&end_date=2025-04-01T00:00:01%2B08:00",
        "start_date and end_date may not span more than 90 days",
    );
    bad_request(
        "status=pending",
        "status must be open or closed, not \"pending\"",
    );
    bad_request(
        "service_code=potholes",
        "service_code \"potholes\" not found",
    );
    bad_request("extensions=yes", "extensions must be true or false");
    bad_request("page=0", "page must be a whole number from 1,");
    bad_request(
        "page_size=1001",
        "page_size must be a whole number from 1 to 1000",
    );
    bad_request(
        "page_size=ten",
        "page_size must be a whole number from 1 to 1000",
    );
    let many = vec!["x"; 1001].join(",");
    bad_request(
        &format!("service_request_id={many}"),
        "service_request_id lists more than 1000",
    );
}

#[test]
fn extensions_alone() {
    assert!(!extensions_only(None).unwrap());
    assert!(extensions_only(Some("extensions=true")).unwrap());
    assert!(extensions_only(Some("extensions=maybe")).is_err());
}
