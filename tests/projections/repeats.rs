//! Repeat warnings decided a page of the log at a time (as the relay asks) are the warnings
//! decided case by case: the case that brings a place to the threshold warns, once while the
//! cluster stays there, and again after the window let it fall below; a place short of the
//! threshold, another category at the same place and a case the read model lacks never warn.

use chrono::Duration;
use shaobao_domain::case::Location;
use shaobao_projections::models::hotspots::raised_by;
use shaobao_projections::{ProjectionName, ProjectionsConfig};
use shaobao_tests::databases::TestStore;

use crate::support::*;

const STREET: &str = "jingshan";
const HOT: &str = "景山前街4号";
const QUIET: &str = "景山后街1号";

pub async fn a_page_decided_at_once_warns_as_case_by_case(t: TestStore) {
    let mut world = World::new(t, 1.0);
    let projections = world.start(ProjectionsConfig {
        projections: vec![ProjectionName::Hotspots],
        ..quick()
    });
    let settings = world.org.hotspots;
    let threshold = settings.repeat_threshold as usize;
    let mut opened = Vec::new();
    let mut warns = Vec::new();
    // Twice over: the hot place reaches the threshold, goes on past it, and is left alone for
    // longer than the window; the quiet place and another category at the hot place stay one
    // short.
    for _round in 0..2 {
        for n in 0..threshold + 1 {
            opened.push(world.open_at(HOT, "noise", &format!("施工噪音{n}")).await);
            if n + 1 == threshold {
                warns.push(opened.len() - 1);
            }
            if n + 1 < threshold {
                opened.push(world.open_at(QUIET, "noise", &format!("广场舞{n}")).await);
                opened.push(
                    world
                        .open_at(HOT, "street_vending", &format!("占道经营{n}"))
                        .await,
                );
            }
            world.advance(Duration::hours(20));
        }
        world.advance(Duration::days(i64::from(settings.window_days) + 1));
    }
    caught_up(&projections, &world).await;
    let mut ids: Vec<&str> = opened.iter().map(String::as_str).collect();
    ids.push("case-the-read-model-never-saw");

    let at_once = raised_by(world.store(), &settings, &ids).await.unwrap();
    let mut one_by_one = Vec::new();
    for id in &ids {
        let decided = raised_by(world.store(), &settings, &[id]).await.unwrap();
        one_by_one.extend(decided);
    }
    assert_eq!(at_once, one_by_one);
    let warned: Vec<usize> = at_once
        .iter()
        .enumerate()
        .filter_map(|(i, warning)| warning.as_ref().map(|_| i))
        .collect();
    assert_eq!(warned, warns, "{at_once:?}");
    for i in warns {
        let cluster = at_once[i].as_ref().unwrap();
        assert_eq!(
            (
                cluster.category.as_str(),
                cluster.count,
                cluster.case_ids.last()
            ),
            ("noise", threshold, Some(&opened[i]))
        );
    }
    projections.shutdown().await;
}

impl World {
    /// Opens a hotline case of `category` at `address` in the street; returns its id.
    async fn open_at(&mut self, address: &str, category: &str, description: &str) -> String {
        let mut open = complaint(STREET, category, description);
        open.location = Location {
            address: Some(address.into()),
            ..Location::street(STREET)
        };
        self.open_case(open).await
    }
}
