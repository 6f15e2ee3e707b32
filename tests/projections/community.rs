//! Community mobilisation read models: a scripted year of needs, resources, members and case
//! tasks gives hand-computed scores (units' status, members' tiers, street rankings); the lists
//! follow the streams; a rebuild equals the live model and `verify` is clean.

use shaobao_domain::case::{PublishTask, TaskAction, TaskKind};
use shaobao_domain::community::score::{MemberTier, Period, UnitStatus};
use shaobao_domain::community::{
    CommunityAction, MemberAction, NeedAction, NeedKind, OfferResource, PublishNeed, RegisterMember,
};
use shaobao_domain::{Actor, CaseAction};
use shaobao_projections::models::community::scores::ScoreUnit;
use shaobao_projections::models::community::{
    self, NeedFilter, ResourceFilter, ScoreQuery, Scores,
};
use shaobao_projections::{rebuild, verify, PageRequest, ProjectionName};
use shaobao_services::cases::Request;
use shaobao_services::clock::Clock;
use shaobao_services::store::Store;
use shaobao_tests::databases::TestStore;

use crate::support::*;

const JX: &str = "jingshan-jixiang";
const ZG: &str = "jingshan-zhonggu";
const NCZ: &str = "donghuamen-nanchizi";

fn member(id: &str) -> Actor {
    Actor::volunteer(id)
}

impl World {
    async fn list(&mut self, community: &str, actor: &Actor, action: CommunityAction) {
        let name = action.name();
        let outcome = self
            .cases
            .community(community, actor, action, &Request::default())
            .await
            .unwrap_or_else(|e| panic!("{name} on {community}: {e}"));
        self.last = outcome.position;
    }

    async fn member(&mut self, id: &str, actor: &Actor, action: MemberAction) {
        let outcome = self
            .cases
            .member_action(id, actor, action, &Request::default())
            .await
            .unwrap_or_else(|e| panic!("member {id}: {e}"));
        self.last = outcome.position;
    }

    async fn register(&mut self, id: &str, by: &Actor, community: &str) {
        let body = RegisterMember {
            member: Some(id.into()),
            name: format!("党员{id}"),
            community: community.into(),
            home_unit: Some("housing".into()),
        };
        self.member(id, by, MemberAction::Register(body)).await;
    }

    /// Publishes the community's next need worth `points`.
    async fn publish(&mut self, community: &str, by: &Actor, title: &str, points: u32) {
        let body = PublishNeed {
            title: title.into(),
            description: None,
            kind: NeedKind::Practical,
            points,
            deadline: None,
        };
        self.list(community, by, CommunityAction::PublishNeed(body))
            .await;
    }

    async fn need(&mut self, community: &str, by: &Actor, no: u32, action: NeedAction) {
        self.list(community, by, CommunityAction::Need { no, action })
            .await;
    }

    /// Need `no` claimed and delivered by `claimant`, confirmed by `street` (with `points`, or
    /// the published ones).
    async fn done(
        &mut self,
        community: &str,
        street: &Actor,
        no: u32,
        claimant: &Actor,
        points: Option<u32>,
    ) {
        self.need(community, claimant, no, NeedAction::Claim).await;
        self.delivered(community, street, no, claimant, points)
            .await;
    }

    async fn delivered(
        &mut self,
        community: &str,
        street: &Actor,
        no: u32,
        claimant: &Actor,
        points: Option<u32>,
    ) {
        let deliver = NeedAction::Deliver {
            summary: "已完成".into(),
            evidence: vec![],
        };
        self.need(community, claimant, no, deliver).await;
        self.need(community, street, no, NeedAction::Confirm { points })
            .await;
    }
}

/// The year: see the README's worked example for the same kind of arithmetic.
///
/// | unit / member | March | April | July | year | judged |
/// |---|---|---|---|---|---|
/// | housing | need 30 | need 25 confirmed as 40 | need 50 | 120 | commended (> 100) |
/// | urban_management | need 20 + case task 15 | | | 35 | no shared resources (< 60) |
/// | water_supply | | | matched need 60 (donghuamen) | 60 | standard |
/// | 13 other departments | | | | 0 | no shared resources |
/// | m-1 (jixiang) | need 12 + case task 8 | | | 20 | 先进 (top 10 % of 4 → 1) |
/// | m-2 (jixiang) | need 10 | | | 10 | 合格 (floor 10) |
/// | m-3 (nanchizi), m-4 (zhonggu, left in March) | | | | 0 | 警示 |
pub async fn scripted_year(w: &mut World) {
    let js = dispatcher("jingshan");
    let dhm = dispatcher("donghuamen");
    let (housing, urban, water) = (
        department("housing"),
        department("urban_management"),
        department("water_supply"),
    );
    // March.
    w.register("m-1", &member("m-1"), JX).await;
    w.register("m-2", &js, JX).await;
    w.register("m-3", &member("m-3"), NCZ).await;
    w.register("m-4", &member("m-4"), ZG).await;
    w.publish(JX, &js, "修理独居老人家中水管", 30).await;
    w.done(JX, &js, 1, &housing, None).await;
    w.publish(JX, &js, "调解邻里停车纠纷", 20).await;
    w.done(JX, &js, 2, &urban, None).await;
    w.publish(JX, &js, "垃圾分类宣讲", 12).await;
    w.done(JX, &js, 3, &member("m-1"), None).await;
    w.publish(JX, &js, "周末楼道清扫", 10).await;
    w.done(JX, &js, 4, &member("m-2"), None).await;
    let case = w.open("jingshan", "noise", "楼下夜间施工").await;
    for (title, points) in [("入户核实噪声来源", 15), ("陪同老人就医", 8)] {
        let task = PublishTask {
            title: title.into(),
            kind: TaskKind::Volunteering,
            points,
        };
        w.act(&case, &js, CaseAction::PublishTask(task)).await;
    }
    for (no, claimant) in [(1, &urban), (2, &member("m-1"))] {
        w.act(
            &case,
            claimant,
            CaseAction::Task {
                no,
                action: TaskAction::Claim,
            },
        )
        .await;
        let complete = TaskAction::Complete {
            summary: "已完成".into(),
        };
        w.act(
            &case,
            claimant,
            CaseAction::Task {
                no,
                action: complete,
            },
        )
        .await;
        let confirm = TaskAction::Confirm { points: None };
        w.act(
            &case,
            &js,
            CaseAction::Task {
                no,
                action: confirm,
            },
        )
        .await;
    }
    let offer = OfferResource {
        title: "供水抢修队义务检修".into(),
        description: None,
        capacity: Some(2),
        available_from: None,
        available_until: None,
    };
    w.list(NCZ, &water, CommunityAction::OfferResource(offer))
        .await;
    let leave = MemberAction::Leave { reason: None };
    w.member("m-4", &member("m-4"), leave).await;

    // April.
    w.advance(chrono::Duration::days(31));
    w.publish(JX, &js, "楼顶防水修缮", 25).await;
    w.done(JX, &js, 5, &housing, Some(40)).await;
    w.publish(JX, &js, "已由物业解决的需求", 9).await;
    w.need(JX, &urban, 6, NeedAction::Claim).await;
    let withdraw = NeedAction::Withdraw {
        reason: "物业已解决".into(),
    };
    w.need(JX, &js, 6, withdraw).await;

    // July.
    w.advance(chrono::Duration::days(95));
    w.publish(NCZ, &dhm, "老旧小区管网检修", 60).await;
    let matched = CommunityAction::MatchResource { no: 1, need_no: 1 };
    w.list(NCZ, &water, matched).await;
    w.delivered(NCZ, &dhm, 1, &water, None).await;
    w.publish(JX, &js, "无障碍坡道改造", 50).await;
    w.done(JX, &js, 7, &housing, None).await;
}

async fn scores_of(w: &World, unit: ScoreUnit, period: &str, street: Option<&str>) -> Scores {
    let query = ScoreQuery {
        unit,
        period: period.parse::<Period>().unwrap(),
        street: street.map(str::to_string),
    };
    community::scores(w.store(), &w.org, &query).await.unwrap()
}

/// (id, points, rank) of each listed item, best first.
fn table(scores: &Scores) -> Vec<(String, i64, u32)> {
    scores
        .items
        .iter()
        .map(|i| (i.id.clone(), i.points, i.rank))
        .collect()
}

fn points_of(scores: &Scores, id: &str) -> i64 {
    scores
        .items
        .iter()
        .find(|i| i.id == id)
        .map_or(-1, |i| i.points)
}

pub async fn a_scripted_year_gives_the_hand_computed_scores(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    scripted_year(&mut w).await;
    caught_up(&projections, &w).await;

    // Units, the year: status against 60 / 100, every department listed.
    let year = scores_of(&w, ScoreUnit::Unit, "2026", None).await;
    assert_eq!(year.items.len(), w.org.departments.len());
    assert_eq!(
        table(&year)[..3],
        [
            ("housing".to_string(), 120, 1),
            ("water_supply".to_string(), 60, 2),
            ("urban_management".to_string(), 35, 3),
        ]
    );
    assert!(year.items[3..].iter().all(|i| i.points == 0 && i.rank == 4));
    let status = |id: &str| year.items.iter().find(|i| i.id == id).unwrap().status;
    assert_eq!(status("housing"), Some(UnitStatus::Commended));
    assert_eq!(status("water_supply"), Some(UnitStatus::Standard));
    assert_eq!(
        status("urban_management"),
        Some(UnitStatus::NoSharedResources)
    );
    let summary = year.summary.clone().expect("a yearly summary");
    assert_eq!(
        (
            summary.listed,
            summary.no_shared_resources,
            summary.standard,
            summary.commended
        ),
        (16, 14, 1, 1)
    );
    let urban = year
        .items
        .iter()
        .find(|i| i.id == "urban_management")
        .unwrap();
    assert_eq!(
        (
            urban.need_points,
            urban.task_points,
            urban.needs,
            urban.tasks
        ),
        (20, 15, 1, 1)
    );
    assert_eq!(urban.name.as_deref(), Some("区城管执法局"));

    // Months and half-years sum the confirmations inside them; no judgement.
    for (period, housing) in [
        ("2026-03", 30),
        ("2026-04", 40),
        ("2026-H1", 70),
        ("2026-H2", 50),
    ] {
        let scores = scores_of(&w, ScoreUnit::Unit, period, None).await;
        assert_eq!(points_of(&scores, "housing"), housing, "{period}");
        assert!(scores.summary.is_none());
        assert!(scores.items.iter().all(|i| i.status.is_none()));
    }
    assert_eq!(
        points_of(
            &scores_of(&w, ScoreUnit::Unit, "2026-H1", None).await,
            "urban_management"
        ),
        35
    );
    assert_eq!(
        points_of(
            &scores_of(&w, ScoreUnit::Unit, "2026-07", None).await,
            "water_supply"
        ),
        60
    );
    assert_eq!(
        points_of(
            &scores_of(&w, ScoreUnit::Unit, "2025", None).await,
            "housing"
        ),
        0
    );

    // Street rankings: only points earned there, only units that earned some.
    let jingshan = scores_of(&w, ScoreUnit::Unit, "2026", Some("jingshan")).await;
    assert_eq!(
        table(&jingshan),
        [
            ("housing".to_string(), 120, 1),
            ("urban_management".to_string(), 35, 2)
        ]
    );
    assert!(jingshan.summary.is_none());
    let donghuamen = scores_of(&w, ScoreUnit::Unit, "2026", Some("donghuamen")).await;
    assert_eq!(table(&donghuamen), [("water_supply".to_string(), 60, 1)]);

    // Members, the year: everyone registered in it, tiers by top 10 % and the floor of 10.
    let members = scores_of(&w, ScoreUnit::Member, "2026", None).await;
    assert_eq!(
        table(&members),
        [
            ("m-1".to_string(), 20, 1),
            ("m-2".to_string(), 10, 2),
            ("m-3".to_string(), 0, 3),
            ("m-4".to_string(), 0, 3),
        ]
    );
    let tiers: Vec<_> = members.items.iter().map(|i| i.tier).collect();
    assert_eq!(
        tiers,
        [
            Some(MemberTier::Advanced),
            Some(MemberTier::Qualified),
            Some(MemberTier::Warning),
            Some(MemberTier::Warning)
        ]
    );
    let m1 = &members.items[0];
    assert_eq!((m1.need_points, m1.task_points), (12, 8));
    assert_eq!(m1.community.as_deref(), Some(JX));
    assert_eq!(m1.name.as_deref(), Some("党员m-1"));
    let summary = members.summary.clone().unwrap();
    assert_eq!(
        (summary.advanced, summary.qualified, summary.warning),
        (1, 1, 2)
    );
    // April: m-4 left in March and is no longer counted.
    let april = scores_of(&w, ScoreUnit::Member, "2026-04", None).await;
    assert_eq!(
        table(&april),
        [
            ("m-1".to_string(), 0, 1),
            ("m-2".to_string(), 0, 1),
            ("m-3".to_string(), 0, 1),
        ]
    );
    let jingshan = scores_of(&w, ScoreUnit::Member, "2026", Some("jingshan")).await;
    assert_eq!(
        table(&jingshan),
        [("m-1".to_string(), 20, 1), ("m-2".to_string(), 10, 2)]
    );

    // The lists.
    let page = PageRequest {
        after: None,
        limit: 100,
    };
    let jx = NeedFilter {
        community: Some(JX.into()),
        ..NeedFilter::default()
    };
    let needs = community::needs(w.store(), &jx, &page).await.unwrap();
    let statuses: Vec<(i64, &str)> = needs
        .items
        .iter()
        .map(|n| (n.no, n.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (7, "confirmed"),
            (6, "withdrawn"),
            (5, "confirmed"),
            (4, "confirmed"),
            (3, "confirmed"),
            (2, "confirmed"),
            (1, "confirmed")
        ]
    );
    assert_eq!(needs.items[2].awarded_points, Some(40));
    let ncz = ResourceFilter {
        street: Some("donghuamen".into()),
        ..ResourceFilter::default()
    };
    let resources = community::resources(w.store(), &ncz, &page).await.unwrap();
    assert_eq!(resources.items.len(), 1);
    let offered = &resources.items[0];
    assert_eq!(
        (offered.unit.as_str(), offered.capacity, offered.matched),
        ("water_supply", 2, 1)
    );
    assert_eq!(offered.matched_needs, vec![1]);
    let m4 = community::member(w.store(), "m-4").await.unwrap().unwrap();
    assert!(m4.community.is_none() && m4.left_at.is_some());
    assert_eq!(
        community::member(w.store(), "m-2")
            .await
            .unwrap()
            .unwrap()
            .community
            .as_deref(),
        Some(JX)
    );
    projections.shutdown().await;
}

/// Everything the community read models show, as JSON.
async fn everything(w: &World, store: &Store) -> serde_json::Value {
    let page = PageRequest {
        after: None,
        limit: 500,
    };
    let mut all = serde_json::Map::new();
    for street in ["jingshan", "donghuamen"] {
        let needs = NeedFilter {
            street: Some(street.into()),
            ..NeedFilter::default()
        };
        let resources = ResourceFilter {
            street: Some(street.into()),
            ..ResourceFilter::default()
        };
        all.insert(
            format!("{street}/needs"),
            serde_json::to_value(community::needs(store, &needs, &page).await.unwrap()).unwrap(),
        );
        all.insert(
            format!("{street}/resources"),
            serde_json::to_value(
                community::resources(store, &resources, &page)
                    .await
                    .unwrap(),
            )
            .unwrap(),
        );
    }
    for (unit, name) in [(ScoreUnit::Unit, "units"), (ScoreUnit::Member, "members")] {
        for period in ["2026", "2026-H1", "2026-03"] {
            let query = ScoreQuery {
                unit,
                period: period.parse().unwrap(),
                street: None,
            };
            let scores = community::scores(store, &w.org, &query).await.unwrap();
            all.insert(
                format!("{name}/{period}"),
                serde_json::to_value(scores).unwrap(),
            );
        }
    }
    serde_json::Value::Object(all)
}

pub async fn a_community_rebuild_equals_the_live_model(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    scripted_year(&mut w).await;
    caught_up(&projections, &w).await;
    let live = everything(&w, w.store()).await;
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(report.is_clean(), "{report:#?}");
    let community = report
        .projections
        .iter()
        .find(|p| p.projection == ProjectionName::Community)
        .expect("the community projection is verified");
    assert_eq!(community.position, Some(w.last));

    projections.shutdown().await;
    rebuild(w.store(), &w.org, &[ProjectionName::Community], |_| {})
        .await
        .unwrap();
    assert_eq!(everything(&w, w.store()).await, live, "rebuilt equals live");
    assert!(verify(w.store(), &w.org).await.unwrap().is_clean());
    let _ = w.clock.now();
}
