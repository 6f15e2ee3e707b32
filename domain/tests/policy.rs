//! Organisation file, SLA policy and working-day calendar. Times in comments are Asia/Shanghai
//! local; working hours are 09:00–12:00 and 13:30–17:30 (7 h a day).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use shaobao_domain::calendar::WorkingCalendar;
use shaobao_domain::org::{OrgError, Organisation, Weights};
use shaobao_domain::sla::{Span, SpanError, Timer, Urgency, WhistleKind};

const SAMPLE: &str = include_str!("../../deploy/org/sample-district.toml");

fn sample() -> Organisation {
    Organisation::from_toml_str(SAMPLE).expect("sample district parses")
}

fn cal() -> WorkingCalendar {
    sample().calendar
}

/// Asia/Shanghai local "YYYY-MM-DD HH:MM[:SS]" as UTC.
fn bj(text: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .expect("test timestamp");
    Shanghai
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn wh(hours: i64) -> Span {
    Span::WorkingSeconds(hours * 3600)
}

// ------------------------------------------------------------------------------ sample file

#[test]
fn sample_district_parses_with_required_counts() {
    let org = sample();
    assert_eq!(org.district.code, "dongcheng");
    assert!(org.streets.len() >= 4);
    for s in &org.streets {
        assert!((2..=4).contains(&s.communities.len()), "{}", s.code);
        for c in &s.communities {
            assert!((2..=3).contains(&c.grids.len()), "{}", c.code);
        }
    }
    assert!(org.departments.len() >= 8);
    assert!(org.categories.len() >= 15);
    let urgency = |code: &str| org.category(code).unwrap().default_urgency;
    assert_eq!(urgency("gas_leak"), Urgency::Emergency);
    assert_eq!(urgency("power_outage"), Urgency::Utility);
    assert_eq!(urgency("water_outage"), Urgency::Utility);
    assert_eq!(urgency("heating"), Urgency::Utility);
    assert_eq!(urgency("illegal_construction"), Urgency::Complex);
    assert_eq!(urgency("policy_inquiry"), Urgency::Ordinary);
    assert_eq!(
        org.category("policy_inquiry").unwrap().default_department,
        None
    );
    assert_eq!(
        org.category("noise").unwrap().default_department.as_deref(),
        Some("eco_env")
    );
    assert_eq!(org.street("jingshan").unwrap().name, "景山街道");
    assert_eq!(org.department("gas").unwrap().name, "北京燃气集团");
    assert!(org.street("nowhere").is_none());
}

#[test]
fn sample_sla_is_design_default() {
    let sla = sample().sla;
    let h = 3600;
    assert_eq!(
        sla.span(Timer::Sign(Urgency::Emergency)),
        Span::Seconds(30 * 60)
    );
    assert_eq!(
        sla.span(Timer::Contact(Urgency::Emergency)),
        Span::Seconds(30 * 60)
    );
    assert_eq!(
        sla.span(Timer::Resolve(Urgency::Emergency)),
        Span::Seconds(2 * h)
    );
    for u in [Urgency::Utility, Urgency::Ordinary, Urgency::Complex] {
        assert_eq!(sla.span(Timer::Sign(u)), wh(2));
    }
    assert_eq!(
        sla.span(Timer::Contact(Urgency::Utility)),
        Span::Seconds(2 * h)
    );
    assert_eq!(
        sla.span(Timer::Contact(Urgency::Ordinary)),
        Span::Seconds(24 * h)
    );
    assert_eq!(
        sla.span(Timer::Resolve(Urgency::Utility)),
        Span::Seconds(24 * h)
    );
    assert_eq!(
        sla.span(Timer::Resolve(Urgency::Ordinary)),
        Span::Seconds(7 * 24 * h)
    );
    assert_eq!(
        sla.span(Timer::Resolve(Urgency::Complex)),
        Span::Seconds(15 * 24 * h)
    );
    assert_eq!(
        sla.span(Timer::ReportIn(WhistleKind::Emergency)),
        Span::Seconds(30 * 60)
    );
    assert_eq!(
        sla.span(Timer::ReportIn(WhistleKind::Routine)),
        Span::WorkingDays(3)
    );
    assert_eq!(
        sla.span(Timer::ReportIn(WhistleKind::Crucial)),
        Span::WorkingDays(5)
    );
    assert_eq!(sla.span(Timer::ReturnWindow), Span::WorkingDays(2));
    assert_eq!(sla.span(Timer::ExtensionMax), Span::WorkingDays(10));
    assert_eq!(sla.span(Timer::Callback), Span::Seconds(24 * h));
    assert_eq!(sla.span(Timer::ReopenWindow), Span::Seconds(15 * 24 * h));
    assert_eq!(sla.span(Timer::DistrictSupervision), Span::WorkingDays(1));
    assert_eq!(sla.span(Timer::CitySupervision), Span::WorkingDays(5));
    assert_eq!(
        (
            sla.max_extensions,
            sla.max_callback_attempts,
            sla.max_reopens
        ),
        (1, 3, 2)
    );
    assert_eq!(sla.approaching_fraction, 0.8);
}

#[test]
fn sample_calendar_is_the_2026_arrangement() {
    let cal = cal();
    let holidays: Vec<_> = cal.holidays().collect();
    let make_up: Vec<_> = cal.make_up_workdays().collect();
    #[rustfmt::skip]
    let expected = [
        "2026-01-01", "2026-01-02",
        "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23",
        "2026-04-06",
        "2026-05-01", "2026-05-04", "2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07",
    ];
    assert_eq!(holidays, expected.map(date));
    assert!(holidays
        .iter()
        .all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
    assert!(make_up
        .iter()
        .all(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
    assert_eq!(
        make_up,
        [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10"
        ]
        .map(date)
    );
    for (d, working) in [
        ("2026-01-02", false), // Fri, 元旦
        ("2026-01-03", false), // Sat
        ("2026-01-04", true),  // Sun, make-up
        ("2026-01-05", true),  // Mon
        ("2026-02-23", false), // Mon, 春节
        ("2026-02-24", true),  // Tue
        ("2026-04-06", false), // Mon, 清明
        ("2026-10-07", false), // Wed, 国庆
        ("2026-10-08", true),  // Thu
        ("2026-10-11", false), // Sun
        ("2027-01-01", true),  // Fri: 2027 not listed, plain weekday
    ] {
        assert_eq!(cal.is_working_day(date(d)), working, "{d}");
    }
}

// ------------------------------------------------------------------------------ spans

#[test]
fn span_parsing() {
    for (text, span) in [
        ("45s", Span::Seconds(45)),
        ("30m", Span::Seconds(1800)),
        ("2h", Span::Seconds(7200)),
        ("7d", Span::Seconds(604_800)),
        ("2wh", Span::WorkingSeconds(7200)),
        ("90wm", Span::WorkingSeconds(5400)),
        ("5ws", Span::WorkingSeconds(5)),
        ("3wd", Span::WorkingDays(3)),
        ("007d", Span::Seconds(604_800)),
    ] {
        assert_eq!(text.parse::<Span>(), Ok(span), "{text}");
    }
    for (text, err) in [
        ("0h", SpanError::NotPositive("0h".into())),
        ("0wd", SpanError::NotPositive("0wd".into())),
        ("-1h", SpanError::Malformed("-1h".into())),
        ("7", SpanError::Malformed("7".into())),
        ("h", SpanError::Malformed("h".into())),
        ("", SpanError::Malformed("".into())),
        ("1.5h", SpanError::Malformed("1.5h".into())),
        (" 7d", SpanError::Malformed(" 7d".into())),
        ("7 d", SpanError::Malformed("7 d".into())),
        (
            "7x",
            SpanError::UnknownUnit {
                text: "7x".into(),
                unit: "x".into(),
            },
        ),
        (
            "7D",
            SpanError::UnknownUnit {
                text: "7D".into(),
                unit: "D".into(),
            },
        ),
        (
            "2w",
            SpanError::UnknownUnit {
                text: "2w".into(),
                unit: "w".into(),
            },
        ),
        ("36526d", SpanError::TooLarge("36526d".into())),
        (
            "99999999999999999999s",
            SpanError::TooLarge("99999999999999999999s".into()),
        ),
    ] {
        assert_eq!(text.parse::<Span>(), Err(err), "{text}");
    }
    assert!("7x"
        .parse::<Span>()
        .unwrap_err()
        .to_string()
        .contains("unknown unit \"x\""));
}

#[test]
fn span_formats_in_largest_exact_unit_and_serde_uses_text() {
    for (span, text) in [
        (Span::Seconds(86_400), "1d"),
        (Span::Seconds(7200), "2h"),
        (Span::Seconds(5400), "90m"),
        (Span::Seconds(605), "605s"),
        (Span::WorkingSeconds(7200), "2wh"),
        (Span::WorkingSeconds(5400), "90wm"),
        (Span::WorkingSeconds(61), "61ws"),
        (Span::WorkingDays(3), "3wd"),
    ] {
        assert_eq!(span.to_string(), text);
        assert_eq!(text.parse::<Span>(), Ok(span));
        assert_eq!(serde_json::to_string(&span).unwrap(), format!("\"{text}\""));
        assert_eq!(
            serde_json::from_str::<Span>(&format!("\"{text}\"")).unwrap(),
            span
        );
    }
    assert!(serde_json::from_str::<Span>("\"0s\"").is_err());
}

// ------------------------------------------------------------------------------ validation

const HEAD: &str = r#"
[district]
code = "d"
name = "区"

[calendar]
timezone = "Asia/Shanghai"
working_hours = ["09:00-12:00", "13:30-17:30"]
holidays = ["2026-01-01"]
make_up_workdays = ["2026-01-04"]

[sla]
approaching_fraction = 0.8
max_extensions = 1
max_callback_attempts = 3
max_reopens = 2
return_window = "2wd"
extension_max = "10wd"
callback = "24h"
reopen_window = "15d"
district_supervision = "1wd"
city_supervision = "5wd"
[sla.emergency]
sign = "30m"
contact = "30m"
resolve = "2h"
[sla.utility]
sign = "2wh"
contact = "2h"
resolve = "24h"
[sla.ordinary]
sign = "2wh"
contact = "24h"
resolve = "7d"
[sla.complex]
sign = "2wh"
contact = "24h"
resolve = "15d"
[sla.whistle]
routine = "3wd"
crucial = "5wd"
emergency = "30m"
"#;

const STREETS: &str = r#"
[[streets]]
code = "s1"
name = "一街道"
[[streets.communities]]
code = "c1"
name = "一社区"
grids = ["G1", "G2"]
[[streets.communities]]
code = "c2"
name = "二社区"
grids = ["G3"]
[[streets]]
code = "s2"
name = "二街道"
[[streets.communities]]
code = "c3"
name = "三社区"
grids = ["G4"]
"#;

const DEPARTMENTS: &str = r#"
[[departments]]
code = "dept_a"
name = "甲局"
[[departments]]
code = "dept_b"
name = "乙局"
"#;

const CATEGORIES: &str = r#"
[[categories]]
code = "cat_a"
name = "甲类"
default_urgency = "ordinary"
default_department = "dept_a"
[[categories]]
code = "cat_b"
name = "乙类"
default_urgency = "utility"
default_department = "dept_b"
"#;

fn mini() -> String {
    format!("{HEAD}{STREETS}{DEPARTMENTS}{CATEGORIES}")
}

/// `mini()` with `from` (which must occur exactly once) replaced by `to`.
fn mini_with(from: &str, to: &str) -> String {
    let text = mini();
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replace(from, to)
}

#[test]
fn minimal_file_parses() {
    let org = Organisation::from_toml_str(&mini()).unwrap();
    assert_eq!(org.streets.len(), 2);
    assert_eq!(org.categories[1].default_urgency, Urgency::Utility);
}

#[test]
fn statistics_weights_default_and_are_read_key_by_key() {
    assert_eq!(
        Organisation::from_toml_str(&mini()).unwrap().weights,
        Weights::default()
    );
    assert_eq!(
        sample().weights,
        Weights::default(),
        "the sample states the defaults"
    );
    let with = |table: &str| format!("{}\n[weights]\n{table}\n", mini());
    let org = Organisation::from_toml_str(&with(
        "response = 0.2\nresolution = 0.4\nsatisfaction = 0.4\nbasically_satisfied = 0.6",
    ))
    .unwrap();
    let expected = Weights {
        response: 0.2,
        resolution: 0.4,
        satisfaction: 0.4,
        basically_satisfied: 0.6,
    };
    assert_eq!(org.weights, expected);
    let back = Organisation::from_toml_str(&org.to_toml_string().unwrap()).unwrap();
    assert_eq!(back.weights, expected);
    let only = Organisation::from_toml_str(&with("basically_satisfied = 0.5")).unwrap();
    assert_eq!(only.weights.basically_satisfied, 0.5);
    assert_eq!(only.weights.response, Weights::default().response);
    let refused = |table: &str| {
        Organisation::from_toml_str(&with(table))
            .unwrap_err()
            .key()
            .map(str::to_string)
    };
    assert_eq!(
        refused("basically_satisfied = 1.5").as_deref(),
        Some("weights.basically_satisfied")
    );
    assert_eq!(
        refused("response = 0.5").as_deref(),
        Some("weights"),
        "the composite weights must sum to 1"
    );
    assert!(Organisation::from_toml_str(&with("bonus = 1")).is_err());
}

#[test]
fn each_validation_error_names_its_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"default_department = "dept_b""#,
            r#"default_department = "xyz""#,
            "categories[1].default_department",
        ),
        (
            r#"default_urgency = "utility""#,
            r#"default_urgency = "urgent""#,
            "categories[1].default_urgency",
        ),
        (
            r#"code = "cat_b""#,
            r#"code = "cat_a""#,
            "categories[1].code",
        ),
        (r#"name = "乙类""#, r#"name = " ""#, "categories[1].name"),
        (r#"code = "s2""#, r#"code = "s1""#, "streets[1].code"),
        (r#"code = "s1""#, r#"code = "景山""#, "streets[0].code"),
        (
            r#"code = "c3""#,
            r#"code = "c1""#,
            "streets[1].communities[0].code",
        ),
        (
            r#"grids = ["G3"]"#,
            r#"grids = ["G1"]"#,
            "streets[0].communities[1].grids[0]",
        ),
        (
            r#"grids = ["G4"]"#,
            r#"grids = ["G4", "bad grid"]"#,
            "streets[1].communities[0].grids[1]",
        ),
        (
            r#"code = "dept_b""#,
            r#"code = "dept_a""#,
            "departments[1].code",
        ),
        (r#"name = "甲局""#, r#"name = """#, "departments[0].name"),
        (r#"code = "d""#, r#"code = """#, "district.code"),
        (
            r#"resolve = "7d""#,
            r#"resolve = "0d""#,
            "sla.ordinary.resolve",
        ),
        (
            r#"routine = "3wd""#,
            r#"routine = "3wk""#,
            "sla.whistle.routine",
        ),
        (
            r#"return_window = "2wd""#,
            r#"return_window = "-2wd""#,
            "sla.return_window",
        ),
        (r#"callback = "24h""#, r#"callback = "24""#, "sla.callback"),
        (
            "approaching_fraction = 0.8",
            "approaching_fraction = 1.0",
            "sla.approaching_fraction",
        ),
        (
            "approaching_fraction = 0.8",
            "approaching_fraction = 0",
            "sla.approaching_fraction",
        ),
        (
            "approaching_fraction = 0.8",
            "approaching_fraction = nan",
            "sla.approaching_fraction",
        ),
        (
            r#"timezone = "Asia/Shanghai""#,
            r#"timezone = "UTC""#,
            "calendar.timezone",
        ),
        (
            r#"working_hours = ["09:00-12:00", "13:30-17:30"]"#,
            "working_hours = []",
            "calendar.working_hours",
        ),
        (
            r#""09:00-12:00", "13:30-17:30""#,
            r#""9:00-12:00""#,
            "calendar.working_hours[0]",
        ),
        (
            r#""09:00-12:00", "13:30-17:30""#,
            r#""09:00-12:00", "17:30-13:30""#,
            "calendar.working_hours[1]",
        ),
        (
            r#""09:00-12:00", "13:30-17:30""#,
            r#""09:00-12:00", "11:30-17:30""#,
            "calendar.working_hours[1]",
        ),
        (
            r#""09:00-12:00", "13:30-17:30""#,
            r#""09:00-12:00", "13:30-24:01""#,
            "calendar.working_hours[1]",
        ),
        (
            r#"holidays = ["2026-01-01"]"#,
            r#"holidays = ["2026-02-30"]"#,
            "calendar.holidays[0]",
        ),
        (
            r#"make_up_workdays = ["2026-01-04"]"#,
            r#"make_up_workdays = ["2026-01-10", "2026-01-01"]"#,
            "calendar.make_up_workdays[1]",
        ),
    ];
    for (from, to, key) in cases {
        let err = Organisation::from_toml_str(&mini_with(from, to)).unwrap_err();
        assert_eq!(err.key(), Some(*key), "{to}: {err}");
        assert!(err.to_string().starts_with(&format!("{key}: ")), "{err}");
    }
    let err = Organisation::from_toml_str(&mini_with(
        r#"default_department = "dept_b""#,
        r#"default_department = "xyz""#,
    ));
    assert_eq!(
        err.unwrap_err().to_string(),
        r#"categories[1].default_department: unknown department "xyz""#
    );
}

#[test]
fn empty_lists_are_refused_by_key() {
    for (text, key, msg) in [
        (
            format!("{HEAD}{DEPARTMENTS}{CATEGORIES}"),
            "streets",
            "streets: at least one street is required",
        ),
        (
            format!("{HEAD}{STREETS}{CATEGORIES}"),
            "departments",
            "departments: at least one department is required",
        ),
        (
            format!("{HEAD}{STREETS}{DEPARTMENTS}"),
            "categories",
            "categories: at least one category is required",
        ),
    ] {
        let err = Organisation::from_toml_str(&text).unwrap_err();
        assert_eq!(err.key(), Some(key));
        assert_eq!(err.to_string(), msg);
    }
}

#[test]
fn syntax_and_shape_errors_carry_line_numbers() {
    // Unknown key: refused, with its line.
    let err = Organisation::from_toml_str(&mini_with(
        r#"name = "区""#,
        "name = \"区\"\ncolour = \"red\"",
    ))
    .unwrap_err();
    let OrgError::Syntax(msg) = &err else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("line 5") && msg.contains("unknown field `colour`"),
        "{msg}"
    );
    // Unknown key in a nested table.
    let err = Organisation::from_toml_str(&mini_with(
        r#"resolve = "7d""#,
        "resolve = \"7d\"\nescalate = \"1d\"",
    ))
    .unwrap_err();
    assert!(
        err.to_string().contains("unknown field `escalate`"),
        "{err}"
    );
    // Broken TOML.
    let err = Organisation::from_toml_str(&mini_with(r#"name = "甲局""#, "name = ")).unwrap_err();
    assert!(
        matches!(&err, OrgError::Syntax(m) if m.contains("line")),
        "{err}"
    );
    // Missing section.
    let err = Organisation::from_toml_str(&mini().replace("[sla.whistle]", "[sla.whistles]"))
        .unwrap_err();
    assert!(err.to_string().contains("whistle"), "{err}");
    // Wrong type.
    let err =
        Organisation::from_toml_str(&mini_with("max_reopens = 2", "max_reopens = -2")).unwrap_err();
    assert!(
        matches!(&err, OrgError::Syntax(m) if m.contains("line")),
        "{err}"
    );
}

// ------------------------------------------------------------------------------ calendar

#[test]
fn working_seconds_across_lunch_night_and_weekend() {
    let cal = cal();
    // Mon 2026-03-09 11:00 + 2wh: 1 h until 12:00, lunch, 13:30 + 1 h.
    assert_eq!(
        cal.add(bj("2026-03-09 11:00"), wh(2)),
        bj("2026-03-09 14:30")
    );
    // Tue 16:30 + 2wh: 1 h until 17:30, night, Wed 09:00 + 1 h.
    assert_eq!(
        cal.add(bj("2026-03-10 16:30"), wh(2)),
        bj("2026-03-11 10:00")
    );
    // Fri 2026-03-13 17:00 + 2wh: 30 min, weekend, Mon 09:00 + 1.5 h.
    assert_eq!(
        cal.add(bj("2026-03-13 17:00"), wh(2)),
        bj("2026-03-16 10:30")
    );
    // Seconds count too: Mon 11:59:30 + 45 ws → 13:30:15.
    assert_eq!(
        cal.add(bj("2026-03-09 11:59:30"), Span::WorkingSeconds(45)),
        bj("2026-03-09 13:30:15")
    );
}

#[test]
fn working_seconds_from_outside_working_time_start_at_next_period() {
    let cal = cal();
    // Sat 2026-03-14 10:00 + 2wh → Mon 09:00 + 2 h.
    assert_eq!(
        cal.add(bj("2026-03-14 10:00"), wh(2)),
        bj("2026-03-16 11:00")
    );
    // Mon 07:00 + 30 wm → 09:30.
    assert_eq!(
        cal.add(bj("2026-03-16 07:00"), Span::WorkingSeconds(1800)),
        bj("2026-03-16 09:30")
    );
    // Lunch 12:40 + 1wh → 14:30.
    assert_eq!(
        cal.add(bj("2026-03-16 12:40"), wh(1)),
        bj("2026-03-16 14:30")
    );
    // Evening 20:00 + 1wh → next morning 10:00.
    assert_eq!(
        cal.add(bj("2026-03-16 20:00"), wh(1)),
        bj("2026-03-17 10:00")
    );
}

#[test]
fn working_seconds_ending_exactly_at_period_end_stay_there() {
    let cal = cal();
    // Mon 15:30 + 2wh → 17:30 that day, not Tue 09:00.
    assert_eq!(
        cal.add(bj("2026-03-09 15:30"), wh(2)),
        bj("2026-03-09 17:30")
    );
    // Mon 10:00 + 2wh → 12:00, not 13:30.
    assert_eq!(
        cal.add(bj("2026-03-09 10:00"), wh(2)),
        bj("2026-03-09 12:00")
    );
    // Wed 2026-09-30 09:00 + 14wh: 7 h on Sep 30, Oct 1–7 off, 7 h on Thu Oct 8 → 17:30.
    assert_eq!(
        cal.add(bj("2026-09-30 09:00"), wh(14)),
        bj("2026-10-08 17:30")
    );
}

#[test]
fn working_seconds_across_national_day_with_make_up_days() {
    let cal = cal();
    // Wed 2026-09-30 16:00 + 2wh: 1.5 h, Oct 1–7 off, Thu Oct 8 09:00 + 0.5 h.
    assert_eq!(
        cal.add(bj("2026-09-30 16:00"), wh(2)),
        bj("2026-10-08 09:30")
    );
    // Fri 2026-10-09 17:00 + 2wh: 30 min, Sat Oct 10 is a make-up day: 09:00 + 1.5 h.
    assert_eq!(
        cal.add(bj("2026-10-09 17:00"), wh(2)),
        bj("2026-10-10 10:30")
    );
    // Sat 2026-09-19 10:00 + 1wh: Saturday off, Sun Sep 20 is a make-up day → 10:00.
    assert_eq!(
        cal.add(bj("2026-09-19 10:00"), wh(1)),
        bj("2026-09-20 10:00")
    );
    // Fri 2026-09-18 17:00 + 1wh: 30 min, Sat off, Sun Sep 20 09:00 + 30 min.
    assert_eq!(
        cal.add(bj("2026-09-18 17:00"), wh(1)),
        bj("2026-09-20 09:30")
    );
}

#[test]
fn working_seconds_starting_on_a_holiday() {
    let cal = cal();
    // Thu 2026-10-01 (国庆) 10:00 + 2wh → Thu Oct 8 09:00 + 2 h.
    assert_eq!(
        cal.add(bj("2026-10-01 10:00"), wh(2)),
        bj("2026-10-08 11:00")
    );
    // Mon 2026-02-16 (春节) 10:00 + 1wh: Feb 16–20 off, weekend, Mon 23 off → Tue 24 10:00.
    assert_eq!(
        cal.add(bj("2026-02-16 10:00"), wh(1)),
        bj("2026-02-24 10:00")
    );
    // Thu 2026-01-01 (元旦) 10:00 + 3wh: Fri 2 off, Sat 3 off, Sun 4 make-up → 12:00.
    assert_eq!(
        cal.add(bj("2026-01-01 10:00"), wh(3)),
        bj("2026-01-04 12:00")
    );
}

#[test]
fn working_days_across_spring_festival_with_make_up_saturday() {
    let cal = cal();
    // Fri 2026-02-13 10:00: +1 → Sat Feb 14 (make-up); +2 → Feb 15–23 off → Tue Feb 24; +3 → Wed 25.
    assert_eq!(
        cal.add(bj("2026-02-13 10:00"), Span::WorkingDays(1)),
        bj("2026-02-14 10:00")
    );
    assert_eq!(
        cal.add(bj("2026-02-13 10:00"), Span::WorkingDays(2)),
        bj("2026-02-24 10:00")
    );
    assert_eq!(
        cal.add(bj("2026-02-13 10:00"), Span::WorkingDays(3)),
        bj("2026-02-25 10:00")
    );
    // +5: Sat 14, Tue 24, Wed 25, Thu 26, Fri 27.
    assert_eq!(
        cal.add(bj("2026-02-13 10:00"), Span::WorkingDays(5)),
        bj("2026-02-27 10:00")
    );
    // Thu 2026-02-26 15:00 + 2wd: Fri 27, Sat 28 (make-up).
    assert_eq!(
        cal.add(bj("2026-02-26 15:00"), Span::WorkingDays(2)),
        bj("2026-02-28 15:00")
    );
}

#[test]
fn working_days_from_outside_working_time() {
    let cal = cal();
    // Fri 2026-03-13 20:00: anchored at Mon 09:00, + 1 → Tue 2026-03-17 09:00.
    assert_eq!(
        cal.add(bj("2026-03-13 20:00"), Span::WorkingDays(1)),
        bj("2026-03-17 09:00")
    );
    // Lunch Mon 12:40: anchored at 13:30 → Tue 13:30.
    assert_eq!(
        cal.add(bj("2026-03-09 12:40"), Span::WorkingDays(1)),
        bj("2026-03-10 13:30")
    );
    // Exactly 17:30 counts as inside: Fri 17:30 + 1 → Mon 17:30.
    assert_eq!(
        cal.add(bj("2026-03-13 17:30"), Span::WorkingDays(1)),
        bj("2026-03-16 17:30")
    );
    // On a holiday: Thu 2026-10-01 10:00 → anchored Thu Oct 8 09:00 → Fri Oct 9 09:00.
    assert_eq!(
        cal.add(bj("2026-10-01 10:00"), Span::WorkingDays(1)),
        bj("2026-10-09 09:00")
    );
    // Zero working days or seconds: unchanged, even outside working time.
    let sunday = bj("2026-03-15 03:00");
    assert_eq!(cal.add(sunday, Span::WorkingDays(0)), sunday);
    assert_eq!(cal.add(sunday, Span::WorkingSeconds(0)), sunday);
}

#[test]
fn elapsed_seconds_ignore_the_calendar() {
    let cal = cal();
    // Thu 2026-10-01 23:00 + 2 h → Fri 01:00, holidays notwithstanding.
    assert_eq!(
        cal.add(bj("2026-10-01 23:00"), Span::Seconds(7200)),
        bj("2026-10-02 01:00")
    );
    assert_eq!(
        cal.add(bj("2026-10-01 23:00"), Span::Seconds(-3600)),
        bj("2026-10-01 22:00")
    );
}

#[test]
fn is_working_time_respects_periods_and_days() {
    let cal = cal();
    assert!(cal.is_working_time(bj("2026-03-09 09:00")));
    assert!(!cal.is_working_time(bj("2026-03-09 12:00")));
    assert!(!cal.is_working_time(bj("2026-03-09 13:00")));
    assert!(cal.is_working_time(bj("2026-03-09 17:29:59")));
    assert!(!cal.is_working_time(bj("2026-03-14 10:00"))); // Saturday
    assert!(cal.is_working_time(bj("2026-10-10 10:00"))); // make-up Saturday
    assert!(!cal.is_working_time(bj("2026-10-05 10:00"))); // National Day
}

/// Long spans skip whole weeks; they must agree with plain day-by-day counting.
#[test]
fn long_spans_agree_with_day_by_day_counting() {
    let cal = cal();
    let next_working = |mut d: NaiveDate| loop {
        d = d.succ_opt().unwrap();
        if cal.is_working_day(d) {
            return d;
        }
    };
    for n in [1, 4, 5, 6, 17, 260, 1000] {
        // From Mon 2025-12-29 10:00 (before the listed holidays) through 2026 and beyond.
        let mut d = date("2025-12-29");
        for _ in 0..n {
            d = next_working(d);
        }
        let expected = bj(&format!("{d} 10:00"));
        assert_eq!(
            cal.add(bj("2025-12-29 10:00"), Span::WorkingDays(n)),
            expected,
            "{n}wd"
        );
        // n full working days from 09:00 end at 17:30 on the n-th working day counted from the first.
        let mut d = date("2025-12-29");
        for _ in 1..n {
            d = next_working(d);
        }
        let expected = bj(&format!("{d} 17:30"));
        assert_eq!(
            cal.add(bj("2025-12-29 09:00"), wh(7 * n)),
            expected,
            "{n} days of wh"
        );
    }
}

#[test]
fn absurd_spans_saturate_instead_of_hanging_or_panicking() {
    let cal = cal();
    let from = bj("2026-03-09 10:00");
    assert_eq!(
        cal.add(from, Span::WorkingDays(i64::MAX)),
        DateTime::<Utc>::MAX_UTC
    );
    assert_eq!(
        cal.add(from, Span::WorkingSeconds(i64::MAX)),
        DateTime::<Utc>::MAX_UTC
    );
    assert_eq!(
        cal.add(from, Span::Seconds(i64::MAX)),
        DateTime::<Utc>::MAX_UTC
    );
    assert_eq!(
        cal.add(from, Span::Seconds(i64::MIN)),
        DateTime::<Utc>::MIN_UTC
    );
    // ~100 years of working days: finishes quickly thanks to week skipping.
    let far = cal.add(from, Span::WorkingDays(26_000));
    assert!(far > bj("2125-01-01 00:00"));
}

// ------------------------------------------------------------------------------ due()

#[test]
fn due_for_several_timers() {
    let org = sample();
    // Sign (ordinary, 2wh) from Fri 2026-03-13 16:45: 45 min, Mon 09:00 + 1h15.
    assert_eq!(
        org.due(Timer::Sign(Urgency::Ordinary), bj("2026-03-13 16:45")),
        bj("2026-03-16 10:15")
    );
    // Resolve (ordinary, 7d elapsed) from Wed 2026-09-30 10:00 → Wed Oct 7 10:00.
    assert_eq!(
        org.due(Timer::Resolve(Urgency::Ordinary), bj("2026-09-30 10:00")),
        bj("2026-10-07 10:00")
    );
    // Emergency whistle (30m) from 2026-10-01 23:50 → 00:20.
    assert_eq!(
        org.due(
            Timer::ReportIn(WhistleKind::Emergency),
            bj("2026-10-01 23:50")
        ),
        bj("2026-10-02 00:20")
    );
    // Routine whistle (3wd) from Tue 2026-09-29 10:00: Wed 30, Thu Oct 8, Fri Oct 9.
    assert_eq!(
        org.due(
            Timer::ReportIn(WhistleKind::Routine),
            bj("2026-09-29 10:00")
        ),
        bj("2026-10-09 10:00")
    );
    // Return window (2wd) from Fri 2026-04-03 11:00: weekend, Mon Apr 6 清明, Tue 7, Wed 8.
    assert_eq!(
        org.due(Timer::ReturnWindow, bj("2026-04-03 11:00")),
        bj("2026-04-08 11:00")
    );
    // District supervision (1wd) from Thu 2026-04-30 17:00: May 1–5 off → Wed May 6.
    assert_eq!(
        org.due(Timer::DistrictSupervision, bj("2026-04-30 17:00")),
        bj("2026-05-06 17:00")
    );
    // City supervision (5wd) from Wed 2026-05-06 10:00: Thu 7, Fri 8, Sat 9 (make-up), Mon 11, Tue 12.
    assert_eq!(
        org.due(Timer::CitySupervision, bj("2026-05-06 10:00")),
        bj("2026-05-12 10:00")
    );
    // Extension max (10wd) from Mon 2026-06-15 17:30: 16, 17, 18, (19 端午), 22–26, 29, 30.
    assert_eq!(
        org.due(Timer::ExtensionMax, bj("2026-06-15 17:30")),
        bj("2026-06-30 17:30")
    );
}

// ------------------------------------------------------------------------------ SLA scale

#[test]
fn sla_scale_compresses_every_span_to_elapsed_seconds() {
    let org = sample().with_sla_scale(0.001).unwrap();
    let sla = &org.sla;
    // 7d = 604800 s → 604.8 → 605 s.
    assert_eq!(
        sla.span(Timer::Resolve(Urgency::Ordinary)),
        Span::Seconds(605)
    );
    // 2wh = 7200 s → 7.2 → 7 s, elapsed.
    assert_eq!(sla.span(Timer::Sign(Urgency::Ordinary)), Span::Seconds(7));
    // 3wd = 259200 s → 259.2 → 259 s.
    assert_eq!(
        sla.span(Timer::ReportIn(WhistleKind::Routine)),
        Span::Seconds(259)
    );
    // 30m → 1.8 → 2 s.
    assert_eq!(sla.span(Timer::Sign(Urgency::Emergency)), Span::Seconds(2));
    // Counts and the fraction stay.
    assert_eq!(
        (
            sla.max_extensions,
            sla.max_callback_attempts,
            sla.max_reopens
        ),
        (1, 3, 2)
    );
    assert_eq!(sla.approaching_fraction, 0.8);
    // No office hours in a drill: Fri 17:29:58 + 7 s.
    assert_eq!(
        org.due(Timer::Sign(Urgency::Ordinary), bj("2026-03-13 17:29:58")),
        bj("2026-03-13 17:30:05")
    );

    let tiny = sample().with_sla_scale(1e-9).unwrap();
    assert_eq!(
        tiny.sla.span(Timer::Resolve(Urgency::Complex)),
        Span::Seconds(1)
    );
    let double = sample().with_sla_scale(2.0).unwrap();
    assert_eq!(
        double.sla.span(Timer::Sign(Urgency::Utility)),
        Span::Seconds(14_400)
    );
    assert_eq!(
        double.sla.span(Timer::CitySupervision),
        Span::Seconds(864_000)
    );
}

#[test]
fn sla_scale_one_is_identity_and_bad_factors_are_refused() {
    assert_eq!(sample().with_sla_scale(1.0).unwrap(), sample());
    for f in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = sample().with_sla_scale(f).unwrap_err();
        assert!(matches!(err, OrgError::InvalidSlaScale(_)), "{f}");
    }
}

// ------------------------------------------------------------------------------ street centres

#[test]
fn sample_streets_have_centres_inside_dongcheng() {
    for street in &sample().streets {
        let [lat, lon] = street
            .centre
            .unwrap_or_else(|| panic!("{} has no centre", street.code));
        // Dongcheng lies roughly within 39.85–39.99 N, 116.37–116.45 E.
        assert!((39.85..39.99).contains(&lat), "{}: {lat}", street.code);
        assert!((116.37..116.45).contains(&lon), "{}: {lon}", street.code);
    }
}

#[test]
fn street_centre_is_optional_and_read_as_lat_lon() {
    let org = Organisation::from_toml_str(&mini()).unwrap();
    assert_eq!(org.streets[0].centre, None);
    let text = mini_with(
        r#"name = "一街道""#,
        "name = \"一街道\"\ncentre = [39.93, 116.40]",
    );
    let org = Organisation::from_toml_str(&text).unwrap();
    assert_eq!(org.streets[0].centre, Some([39.93, 116.40]));
    assert_eq!(org.streets[1].centre, None);
    // Written back only where present.
    let written = org.to_toml_string().unwrap();
    assert_eq!(written.matches("centre").count(), 1, "{written}");
    assert_eq!(Organisation::from_toml_str(&written).unwrap(), org);
}

#[test]
fn street_centre_out_of_range_is_refused_by_key() {
    for (centre, message) in [
        ("[90.5, 116.4]", "latitude 90.5 is outside -90..90"),
        ("[-91, 116.4]", "latitude -91 is outside -90..90"),
        ("[39.9, 180.01]", "longitude 180.01 is outside -180..180"),
        ("[nan, 116.4]", "latitude NaN is outside -90..90"),
        ("[39.9, inf]", "longitude inf is outside -180..180"),
    ] {
        let text = mini_with(
            r#"name = "二街道""#,
            &format!("name = \"二街道\"\ncentre = {centre}"),
        );
        let err = Organisation::from_toml_str(&text).unwrap_err();
        assert_eq!(err.key(), Some("streets[1].centre"), "{centre}: {err}");
        assert!(err.to_string().contains(message), "{centre}: {err}");
    }
    // Not a pair: a shape error, with its line.
    for centre in ["[39.9]", "[39.9, 116.4, 10.0]", r#""39.9,116.4""#] {
        let text = mini_with(
            r#"name = "二街道""#,
            &format!("name = \"二街道\"\ncentre = {centre}"),
        );
        let err = Organisation::from_toml_str(&text).unwrap_err();
        assert!(
            matches!(&err, OrgError::Syntax(m) if m.contains("line")),
            "{centre}: {err}"
        );
    }
}

// ------------------------------------------------------------------------------ round trips

#[test]
fn organisation_round_trips_through_toml() {
    for org in [sample(), sample().with_sla_scale(0.001).unwrap()] {
        let text = org.to_toml_string().unwrap();
        assert_eq!(Organisation::from_toml_str(&text).unwrap(), org, "{text}");
    }
}

#[test]
fn organisation_round_trips_through_json_in_file_notation() {
    let org = sample();
    let json = serde_json::to_value(&org).unwrap();
    assert_eq!(json["sla"]["ordinary"]["resolve"], "7d");
    assert_eq!(json["sla"]["utility"]["sign"], "2wh");
    assert_eq!(json["sla"]["whistle"]["routine"], "3wd");
    assert_eq!(json["calendar"]["timezone"], "Asia/Shanghai");
    assert_eq!(json["calendar"]["working_hours"][1], "13:30-17:30");
    assert_eq!(json["calendar"]["holidays"][0], "2026-01-01");
    assert_eq!(json["categories"][0]["default_urgency"], "ordinary");
    assert_eq!(json["streets"][0]["communities"][0]["grids"][0], "JS-JX-01");
    let back: Organisation = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, org);

    // Deserialising JSON validates like the file loader.
    let mut bad = json;
    bad["categories"][0]["default_department"] = "xyz".into();
    let err = serde_json::from_value::<Organisation>(bad).unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"categories[0].default_department: unknown department "xyz""#),
        "{err}"
    );
}

#[test]
fn calendar_alone_refuses_empty_working_hours() {
    let err = serde_json::from_str::<WorkingCalendar>(r#"{"working_hours": []}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("working_hours: at least one working period"),
        "{err}"
    );
    let ok: WorkingCalendar =
        serde_json::from_str(r#"{"working_hours": ["00:00-24:00"]}"#).unwrap();
    // Round the clock on working days only: Fri 23:00 + 2wh → Mon 01:00.
    assert_eq!(
        ok.add(bj("2026-03-13 23:00"), wh(2)),
        bj("2026-03-16 01:00")
    );
    assert_eq!(
        serde_json::to_value(&ok).unwrap()["working_hours"][0],
        "00:00-24:00"
    );
}
