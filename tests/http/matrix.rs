//! Every route × every caller: each role's token (in and out of scope), no token and a bad token.
//! Allowed → neither 401 nor 403 (nor 5xx); out of scope → 403; no or bad token → 401.
//!
//! The case under test is opened in `STREET`, dispatched by the hotline to `DEPARTMENT` (the
//! handling unit) and signed; the street's dispatcher has summoned `housing` by whistle 1 and
//! published task 1 (claimed by the volunteer) and task 2 (open). Expectations follow DESIGN §1 and
//! §3: e.g. only the dispatching party (here the hotline) decides returns and verifies.

use serde_json::{json, Value};
use shaobao_tests::app::{department, dispatcher, TestApp, MEMBER, OTHER_STREET, STREET};

use crate::support::{complaint, open, step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Hotline,
    /// The dispatcher of the case's street.
    Dispatcher,
    /// The dispatcher of another street.
    OtherDispatcher,
    /// The department the case is dispatched to.
    Handling,
    /// The department whistle 1 summons.
    Summoned,
    /// A department with nothing to do with the case.
    Stranger,
    Volunteer,
    Auditor,
    Intake,
    Admin,
    NoToken,
    BadToken,
}

use Who::*;

const CALLERS: [Who; 12] = [
    Hotline,
    Dispatcher,
    OtherDispatcher,
    Handling,
    Summoned,
    Stranger,
    Volunteer,
    Auditor,
    Intake,
    Admin,
    NoToken,
    BadToken,
];
const ROLES: [Who; 10] = [
    Hotline,
    Dispatcher,
    OtherDispatcher,
    Handling,
    Summoned,
    Stranger,
    Volunteer,
    Auditor,
    Intake,
    Admin,
];
/// Case readers: everyone the case concerns, and the read-everything roles.
const READERS: &[Who] = &[
    Hotline, Dispatcher, Handling, Summoned, Volunteer, Auditor, Admin,
];

/// Read models that answer each reader within its scope: its street, its department, or all.
const SCOPED_READERS: &[Who] = &[
    Hotline,
    Dispatcher,
    OtherDispatcher,
    Handling,
    Summoned,
    Stranger,
    Auditor,
    Admin,
];
const ALL_BUT_INTAKE: [Who; 9] = [
    Hotline,
    Dispatcher,
    OtherDispatcher,
    Handling,
    Summoned,
    Stranger,
    Volunteer,
    Auditor,
    Admin,
];

enum Method {
    Get,
    /// A command on a fresh copy of the case under test (`{id}` in the path).
    Post(Value),
    /// A command that needs no case.
    Create(Value),
}

struct Route {
    path: &'static str,
    method: Method,
    allowed: &'static [Who],
}

fn routes() -> Vec<Route> {
    let post = |path, body, allowed| Route {
        path,
        method: Method::Post(body),
        allowed,
    };
    let get = |path, allowed| Route {
        path,
        method: Method::Get,
        allowed,
    };
    let coordinators: &'static [Who] = &[Hotline, Dispatcher];
    let handling: &'static [Who] = &[Handling];
    let visit = json!({"street": STREET, "community": "jingshan-jixiang", "visitors": ["王网格"],
        "households": 3, "findings": [{"category": "noise", "description": "夜间施工"}]});
    vec![
        Route {
            path: "/api/v1/cases",
            method: Method::Create(complaint(STREET)),
            allowed: &[Hotline, Dispatcher, Volunteer, Intake],
        },
        Route {
            path: "/api/v1/visits",
            method: Method::Create(visit),
            allowed: &[Hotline, Dispatcher, Volunteer],
        },
        post("answer", json!({}), coordinators),
        post(
            "dispatch",
            json!({"unit": {"department": "housing"}}),
            coordinators,
        ),
        post("sign", json!({}), handling),
        post("contact", json!({"channel": "phone"}), handling),
        post(
            "return",
            json!({"reason": "other", "note": "不归我们管"}),
            handling,
        ),
        post("return-decision", json!({"decision": "reject"}), &[Hotline]),
        post("progress", json!({"note": "已到场"}), handling),
        post(
            "extension",
            json!({"until": "2026-03-20T02:00:00Z", "reason": "需协调"}),
            handling,
        ),
        post("extension-decision", json!({"approve": true}), &[Hotline]),
        post(
            "resolution",
            json!({"outcome": "resolved", "summary": "已处理"}),
            handling,
        ),
        post("verification", json!({"accepted": true}), &[Hotline]),
        post("callback", json!({"reached": false}), coordinators),
        post("close", json!({}), coordinators),
        post("reopen", json!({"reason": "未解决"}), coordinators),
        post(
            "park",
            json!({"reason": "funding", "review_at": "2026-06-01T02:00:00Z"}),
            coordinators,
        ),
        post("unpark", json!({}), coordinators),
        post("exclusion", json!({"reason": "恶意诉求"}), &[Hotline]),
        post(
            "whistles",
            json!({"kind": "routine", "departments": [{"department": "gas", "role": "lead"}]}),
            &[Dispatcher],
        ),
        post(
            "tasks",
            json!({"title": "清理楼道", "kind": "practical", "points": 5}),
            &[Dispatcher],
        ),
        post("whistles/1/report-in", json!({}), &[Summoned]),
        post(
            "whistles/1/decline",
            json!({"reason": "非本部门职责"}),
            &[Summoned],
        ),
        post(
            "whistles/1/action",
            json!({"summary": "已到场"}),
            &[Summoned],
        ),
        post("whistles/1/close", json!({"ratings": {}}), &[Dispatcher]),
        post(
            "tasks/2/claim",
            json!({}),
            &[Volunteer, Handling, Summoned, Stranger],
        ),
        post("tasks/1/complete", json!({"summary": "完成"}), &[Volunteer]),
        post("tasks/1/confirm", json!({}), &[Dispatcher]),
        get("/api/v1/cases/{id}", READERS),
        get("/api/v1/cases/{id}/events", READERS),
        get("/api/v1/cases/{id}/state?version=1", READERS),
        get("/api/v1/events?limit=10", &[Auditor, Admin]),
        get("/api/v1/org", &ROLES),
        get(
            "/api/v1/streets/jingshan/queue",
            &[Hotline, Dispatcher, Auditor, Admin],
        ),
        get(
            "/api/v1/departments/urban_management/inbox",
            &[Hotline, Handling, Auditor, Admin],
        ),
        get("/api/v1/alerts", SCOPED_READERS),
        get(
            "/api/v1/stats?group_by=street&month=2026-03",
            SCOPED_READERS,
        ),
        get("/api/v1/rankings?unit=street&month=2026-03", SCOPED_READERS),
        get("/api/v1/cases?street=jingshan", SCOPED_READERS),
        get("/api/v1/volunteers/board", &ALL_BUT_INTAKE),
        // Community mobilisation: the street's dispatcher publishes, units offer, members (or
        // the street for them) register; the lists and scores are read by all but intake.
        Route {
            path: "/api/v1/communities/jingshan-jixiang/needs",
            method: Method::Create(
                json!({"title": "楼道清扫", "kind": "volunteering", "points": 5}),
            ),
            allowed: &[Dispatcher],
        },
        Route {
            path: "/api/v1/communities/jingshan-jixiang/resources",
            method: Method::Create(json!({"title": "会议室共享"})),
            allowed: &[Handling, Summoned, Stranger],
        },
        Route {
            path: "/api/v1/members",
            method: Method::Create(
                json!({"member": MEMBER, "name": "王网格", "community": "jingshan-jixiang"}),
            ),
            allowed: &[Dispatcher, Volunteer],
        },
        get(
            "/api/v1/communities/jingshan-jixiang/needs",
            &ALL_BUT_INTAKE,
        ),
        get(
            "/api/v1/communities/jingshan-jixiang/resources",
            &ALL_BUT_INTAKE,
        ),
        get("/api/v1/streets/jingshan/needs", &ALL_BUT_INTAKE),
        get("/api/v1/scores?unit=unit&period=2026", &ALL_BUT_INTAKE),
        get(
            "/api/v1/communities/jingshan-jixiang/members",
            &[Hotline, Dispatcher, Auditor, Admin],
        ),
        get("/health/live", &CALLERS),
        get("/health/ready", &CALLERS),
        get("/metrics", &CALLERS),
        get("/api/v1/openapi.json", &CALLERS),
        get("/docs/", &CALLERS),
    ]
}

/// One token per role (none for `NoToken`, a well-formed but unknown one for `BadToken`).
struct Callers(Vec<(Who, String)>);

impl Callers {
    async fn issue(app: &TestApp) -> Self {
        let t = &app.tokens;
        Callers(vec![
            (Hotline, t.hotline.clone()),
            (Dispatcher, t.dispatcher.clone()),
            (OtherDispatcher, app.token(dispatcher(OTHER_STREET)).await),
            (Handling, t.department.clone()),
            (Summoned, app.token(department("housing")).await),
            (Stranger, app.token(department("market_regulation")).await),
            (Volunteer, t.volunteer.clone()),
            (Auditor, t.auditor.clone()),
            (Intake, t.intake.clone()),
            (Admin, t.admin.clone()),
            (NoToken, String::new()),
            (BadToken, format!("sb_{}", "0".repeat(64))),
        ])
    }

    fn token(&self, who: Who) -> &str {
        &self.0.iter().find(|(w, _)| *w == who).expect("caller").1
    }
}

/// The case under test, freshly made.
async fn case_under_test(app: &TestApp, callers: &Callers) -> String {
    let t = &app.tokens;
    let id = open(app, &t.hotline).await;
    let to_handling = json!({"unit": {"department": shaobao_tests::app::DEPARTMENT}});
    step(app, &t.hotline, &id, "dispatch", to_handling).await;
    step(app, &t.department, &id, "sign", json!({})).await;
    let whistle =
        json!({"kind": "routine", "departments": [{"department": "housing", "role": "lead"}]});
    step(app, &t.dispatcher, &id, "whistles", whistle).await;
    let task = json!({"title": "入户走访", "kind": "practical", "points": 5});
    step(app, &t.dispatcher, &id, "tasks", task.clone()).await;
    step(app, &t.dispatcher, &id, "tasks", task).await;
    step(
        app,
        callers.token(Volunteer),
        &id,
        "tasks/1/claim",
        json!({}),
    )
    .await;
    id
}

pub async fn every_route_by_every_caller(app: TestApp) {
    let callers = Callers::issue(&app).await;
    let shared_case = case_under_test(&app, &callers).await;
    let routes = routes();
    let mut checked = 0;
    let mut failures = Vec::new();
    for route in &routes {
        let case_id = match route.method {
            Method::Post(_) => case_under_test(&app, &callers).await,
            _ => shared_case.clone(),
        };
        // Refusals first, so an allowed command cannot change what a refused caller would meet.
        let mut order = CALLERS.to_vec();
        order.sort_by_key(|who| route.allowed.contains(who));
        for who in order {
            let token = callers.token(who);
            let response = match &route.method {
                Method::Get => {
                    let path = route.path.replace("{id}", &case_id);
                    app.get(&path, token).await
                }
                Method::Create(body) => app.post(route.path, token, body).await,
                Method::Post(body) => {
                    let path = format!("/api/v1/cases/{case_id}/{}", route.path);
                    app.post(&path, token, body).await
                }
            };
            let status = response.status;
            let as_expected = match who {
                _ if route.allowed.contains(&who) => ![401, 403].contains(&status) && status < 500,
                NoToken | BadToken => status == 401,
                _ => status == 403,
            };
            if !as_expected {
                let (code, _) = response.error();
                failures.push(format!("{} as {who:?}: {status} {code}", route.path));
            }
            checked += 1;
        }
    }
    println!(
        "role × endpoint matrix: {} routes × {} callers = {checked} checks",
        routes.len(),
        CALLERS.len()
    );
    assert_eq!(checked, routes.len() * CALLERS.len());
    assert!(
        failures.is_empty(),
        "{} unexpected:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
