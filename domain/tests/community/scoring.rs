//! 量化积分 / 锋领指数: periods, unit status against the thresholds, member tiers, ranks, and the
//! organisation file's `[scoring]` table.

use shaobao_domain::community::score::*;
use shaobao_domain::org::{Organisation, Scoring};

use crate::support::case_support_org_toml;

#[test]
fn periods_parse_and_print() {
    let cases = [
        (
            "2026-03",
            Period::Month {
                year: 2026,
                month: 3,
            },
            ("2026-03", "2026-03"),
        ),
        (
            "2026-H1",
            Period::Half {
                year: 2026,
                half: 1,
            },
            ("2026-01", "2026-06"),
        ),
        (
            "2026-H2",
            Period::Half {
                year: 2026,
                half: 2,
            },
            ("2026-07", "2026-12"),
        ),
        ("2026", Period::Year(2026), ("2026-01", "2026-12")),
    ];
    for (text, period, (first, last)) in cases {
        let parsed: Period = text.parse().unwrap();
        assert_eq!(parsed, period);
        assert_eq!(parsed.to_string(), text);
        assert_eq!(parsed.months(), (first.to_string(), last.to_string()));
        assert_eq!(parsed.is_year(), text.len() == 4);
    }
    for bad in [
        "",
        "26",
        "2026-13",
        "2026-00",
        "2026-3",
        "2026-H3",
        "2026-h1",
        "abcd",
        "2026-03-01",
        "+202",
    ] {
        assert!(bad.parse::<Period>().is_err(), "{bad:?}");
    }
}

#[test]
fn unit_status_against_the_default_thresholds() {
    let s = Scoring::default();
    let cases = [
        (0, UnitStatus::NoSharedResources),
        (59, UnitStatus::NoSharedResources),
        (60, UnitStatus::Standard),
        (100, UnitStatus::Standard),
        (101, UnitStatus::Commended),
    ];
    for (points, status) in cases {
        assert_eq!(unit_status(points, &s), status, "{points}");
    }
}

#[test]
fn ties_share_a_rank() {
    assert_eq!(ranks(&[100, 80, 80, 50]), vec![1, 2, 2, 4]);
    assert_eq!(ranks(&[]), Vec::<u32>::new());
    assert_eq!(ranks(&[7, 7, 7]), vec![1, 1, 1]);
}

#[test]
fn member_tiers_top_ten_percent_and_a_floor() {
    let s = Scoring::default();
    // 12 members: quota ceil(1.2) = 2; the third ties the second and is advanced too.
    let points = [40, 30, 30, 25, 20, 18, 15, 12, 10, 9, 3, 0];
    use MemberTier::*;
    assert_eq!(
        member_tiers(&points, &s),
        vec![
            Advanced, Advanced, Advanced, Qualified, Qualified, Qualified, Qualified, Qualified,
            Qualified, Warning, Warning, Warning
        ]
    );
    // Nobody above the floor: nobody advanced.
    assert_eq!(member_tiers(&[5, 0], &s), vec![Warning, Warning]);
    assert_eq!(advanced_quota(1, &s), 1);
    assert_eq!(advanced_quota(10, &s), 1);
    assert_eq!(advanced_quota(11, &s), 2);
}

#[test]
fn scoring_defaults_when_the_file_has_no_table() {
    let org = Organisation::from_toml_str(&case_support_org_toml()).unwrap();
    assert_eq!(org.scoring, Scoring::default());
    assert_eq!(org.scoring.unit_floor, 60);
    assert_eq!(org.scoring.unit_commended, 100);
}

#[test]
fn scoring_is_read_key_by_key_and_checked() {
    let with = |table: &str| format!("{}\n[scoring]\n{table}\n", case_support_org_toml());
    let org =
        Organisation::from_toml_str(&with("unit_floor = 50\nmember_top_share = 0.2")).unwrap();
    assert_eq!(
        org.scoring,
        Scoring {
            unit_floor: 50,
            member_top_share: 0.2,
            ..Scoring::default()
        }
    );
    let back = Organisation::from_toml_str(&org.to_toml_string().unwrap()).unwrap();
    assert_eq!(back.scoring, org.scoring);
    let key = |table: &str| {
        Organisation::from_toml_str(&with(table))
            .unwrap_err()
            .key()
            .map(str::to_string)
    };
    assert_eq!(
        key("member_top_share = 0.0"),
        Some("scoring.member_top_share".into())
    );
    assert_eq!(
        key("member_top_share = 1.5"),
        Some("scoring.member_top_share".into())
    );
    assert_eq!(
        key("unit_floor = 120\nunit_commended = 100"),
        Some("scoring.unit_commended".into())
    );
    assert!(Organisation::from_toml_str(&with("bonus = 3")).is_err());
}
