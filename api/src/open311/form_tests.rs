use shaobao_domain::case::CaseKind;
use shaobao_domain::sla::Urgency;
use shaobao_services::org_file::load_org;

use super::*;

fn submit(body: &str) -> Result<Report, Open311Error> {
    let org = load_org(None, 1.0).expect("the sample district loads");
    report(Fields::parse(body.as_bytes())?, &org)
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

#[test]
fn a_full_form_opens_a_located_open311_case() {
    let report = submit(
        "api_key=sb_x&service_code=noise&lat=39.9372&long=116.4030\
         &address_string=%E5%8D%97%E9%94%A3%E9%BC%93%E5%B7%B7+20%E5%8F%B7\
         &attribute[urgency]=emergency&attribute%5Bkind%5D=complaint\
         &description=%E5%B9%BF%E5%9C%BA%E8%88%9E%E5%99%AA%E5%A3%B0&email=a%40b.cn\
         &device_id=d1&account_id=acc-7&first_name=%E5%B0%8F%E6%98%8E\
         &last_name=%E7%8E%8B&phone=138+1234+1234&media_url=http%3A%2F%2Fx%2Fy.jpg",
    )
    .unwrap();
    let open = report.open;
    assert_eq!(open.channel, Channel::Open311);
    assert_eq!(open.kind, CaseKind::Complaint);
    assert_eq!(open.category, "noise");
    assert_eq!(open.urgency, Some(Urgency::Emergency));
    assert_eq!(open.description, "广场舞噪声");
    assert_eq!(open.location.street, "jiaodaokou");
    assert_eq!(open.location.address.as_deref(), Some("南锣鼓巷 20号"));
    assert_eq!(
        (open.location.lat, open.location.lon),
        (Some(39.9372), Some(116.4030))
    );
    assert_eq!(
        open.requester,
        Some(Requester {
            name: "王小明".into(),
            phone: "138 1234 1234".into()
        })
    );
    assert_eq!(report.account_id.as_deref(), Some("acc-7"));
}

#[test]
fn defaults_fill_what_a_minimal_form_leaves_out() {
    let report = submit("service_code=gas_leak&address_id=qianmen-caochang&description=").unwrap();
    let open = report.open.clone();
    assert_eq!(open.kind, CaseKind::Report);
    assert_eq!(open.urgency, None, "the category's default applies");
    assert_eq!(
        report.urgency,
        Urgency::Emergency,
        "gas leaks are emergencies"
    );
    assert_eq!(open.description, "燃气泄漏", "the service's name");
    assert_eq!(open.location.community.as_deref(), Some("qianmen-caochang"));
    assert_eq!(open.requester, None);
    assert_eq!(report.account_id, None);
}

#[test]
fn names_are_kept_only_with_a_phone() {
    let requester = |body: &str| submit(body).unwrap().open.requester;
    let base = "service_code=noise&address_id=jingshan";
    assert_eq!(
        requester(&format!("{base}&first_name=Li&last_name=Wang")),
        None
    );
    assert_eq!(
        requester(&format!(
            "{base}&first_name=John&last_name=Smith&phone=%2B86-10-12345"
        )),
        Some(Requester {
            name: "John Smith".into(),
            phone: "+86-10-12345".into()
        })
    );
    assert_eq!(
        requester(&format!("{base}&phone=12345")).map(|r| r.name),
        Some("匿名".into())
    );
    bad_request(
        submit(&format!("{base}&phone=call+me")),
        "phone must be a telephone number",
    );
    bad_request(
        submit(&format!("{base}&phone=1234")),
        "phone must be a telephone number",
    );
}

#[test]
fn each_field_mistake_is_a_bad_request() {
    bad_request(
        submit("address_id=jingshan"),
        "service_code was not provided",
    );
    bad_request(
        submit("service_code=potholes&address_id=jingshan"),
        "service_code \"potholes\" not found",
    );
    bad_request(
        submit("service_code=noise&service_code=heating&address_id=jingshan"),
        "service_code was given more than once",
    );
    bad_request(submit("service_code=noise"), "a location is required");
    bad_request(
        submit("service_code=noise&lat=39.93"),
        "lat was given without long",
    );
    bad_request(
        submit("service_code=noise&lat=99&long=116.4"),
        "lat must be a number",
    );
    bad_request(
        submit("service_code=noise&address_id=jingshan&attribute[colour]=red"),
        "unknown attribute[colour]",
    );
}
