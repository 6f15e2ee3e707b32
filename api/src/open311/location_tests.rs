use shaobao_services::org_file::load_org;

use super::*;

fn org() -> Organisation {
    load_org(None, 1.0).expect("the sample district loads")
}

fn bad_request(result: Result<impl std::fmt::Debug, Open311Error>, start: &str) {
    match result {
        Err(Open311Error::BadRequest(message)) => {
            assert!(
                message.starts_with(start),
                "{message:?} should start with {start:?}"
            )
        }
        other => panic!("expected 400 {start:?}, got {other:?}"),
    }
}

fn at(address: &str) -> Place {
    Place {
        address: Some(address.into()),
        ..Place::default()
    }
}

fn area(location: &Location) -> (&str, Option<&str>) {
    (&location.street, location.community.as_deref())
}

#[test]
fn a_point_needs_both_numbers_within_range() {
    assert_eq!(point(None, None).unwrap(), None);
    assert_eq!(
        point(Some("39.93"), Some(" 116.40 ")).unwrap(),
        Some((39.93, 116.40))
    );
    bad_request(point(Some("39.93"), None), "lat was given without long");
    bad_request(point(None, Some("116.4")), "long was given without lat");
    bad_request(point(Some("north"), Some("116.4")), "lat must be a number");
    bad_request(point(Some("90.01"), Some("116.4")), "lat must be a number");
    bad_request(point(Some("NaN"), Some("116.4")), "lat must be a number");
    bad_request(point(Some("39.9"), Some("-180.5")), "long must be a number");
    bad_request(point(Some("39.9"), Some("inf")), "long must be a number");
}

#[test]
fn address_id_is_a_community_or_street_code() {
    let org = org();
    let place = |id: &str| Place {
        address_id: Some(id.into()),
        ..Place::default()
    };
    let located = locate(&org, place("jingshan-jixiang")).unwrap();
    assert_eq!(area(&located), ("jingshan", Some("jingshan-jixiang")));
    assert_eq!(
        area(&locate(&org, place("qianmen")).unwrap()),
        ("qianmen", None)
    );
    bad_request(
        locate(&org, place("nowhere")),
        "address_id \"nowhere\" is neither",
    );
}

#[test]
fn an_address_names_a_community_or_a_street() {
    let org = org();
    for (address, expected) in [
        (
            "景山街道吉祥社区吉祥胡同12号",
            ("jingshan", Some("jingshan-jixiang")),
        ),
        (
            "南池子社区 南池子大街 8 号",
            ("donghuamen", Some("donghuamen-nanchizi")),
        ),
        ("前门大街 5 号", ("qianmen", None)),
        ("交道口街道办事处", ("jiaodaokou", None)),
        ("No. 3, Jingshan Qianjie", ("jingshan", None)),
        (
            "andingmen-guozijian, Guozijian St",
            ("andingmen", Some("andingmen-guozijian")),
        ),
    ] {
        let located = locate(&org, at(address)).unwrap();
        assert_eq!(area(&located), expected, "{address}");
        assert_eq!(located.address.as_deref(), Some(address));
    }
}

#[test]
fn names_of_two_streets_are_ambiguous() {
    let org = org();
    for address in ["景山街道与前门街道之间", "前门大街 吉祥社区"] {
        bad_request(locate(&org, at(address)), "address_string");
    }
}

#[test]
fn codes_match_only_as_whole_words() {
    let org = org();
    bad_request(
        locate(&org, at("Jingshanxi Road")),
        "address_string \"Jingshanxi Road\" names no street",
    );
}

#[test]
fn a_point_goes_to_the_nearest_street_centre() {
    let org = org();
    // Nanluoguxiang, a few hundred metres from 交道口's centre.
    let place = Place {
        point: Some((39.9372, 116.4030)),
        address: Some("南锣鼓巷 20 号院".into()),
        ..Place::default()
    };
    let located = locate(&org, place).unwrap();
    assert_eq!(area(&located), ("jiaodaokou", None));
    assert_eq!((located.lat, located.lon), (Some(39.9372), Some(116.4030)));
    assert_eq!(located.address.as_deref(), Some("南锣鼓巷 20 号院"));
}

#[test]
fn a_named_place_wins_over_the_point() {
    let located = locate(
        &org(),
        Place {
            point: Some((39.9372, 116.4030)),
            address: Some("前门大街".into()),
            ..Place::default()
        },
    )
    .unwrap();
    assert_eq!(area(&located), ("qianmen", None));
}

#[test]
fn a_point_far_from_every_street_is_outside_the_district() {
    let shanghai = Place {
        point: Some((31.2304, 121.4737)),
        ..Place::default()
    };
    bad_request(
        locate(&org(), shanghai.clone()),
        "lat/long 31.2304, 121.4737 is outside 东城区",
    );
    let mut uncharted = org();
    for street in &mut uncharted.streets {
        street.centre = None;
    }
    let near = Place {
        point: Some((39.93, 116.40)),
        ..Place::default()
    };
    bad_request(locate(&uncharted, near), "东城区 has no street coordinates");
}

#[test]
fn without_any_location_the_request_is_refused() {
    let org = org();
    bad_request(locate(&org, Place::default()), "a location is required");
    bad_request(
        locate(&org, at("某小区 3 号楼")),
        "address_string \"某小区 3 号楼\" names no street",
    );
}

#[test]
fn the_public_address_is_the_text_or_the_names() {
    let org = org();
    let mut location = Location::street("jingshan");
    location.community = Some("jingshan-jixiang".into());
    assert_eq!(
        address_of(&org, &location),
        (
            "景山街道吉祥社区".to_string(),
            "jingshan-jixiang".to_string()
        )
    );
    location.address = Some("吉祥胡同 12 号".into());
    location.community = None;
    assert_eq!(
        address_of(&org, &location),
        ("吉祥胡同 12 号".to_string(), "jingshan".to_string())
    );
}
