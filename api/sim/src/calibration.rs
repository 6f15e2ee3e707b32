//! What a simulated district day looks like, calibrated on published Beijing 12345 figures
//! (接诉即办 annual reports 2022–2024 and the city's monthly rankings): about 58 % of contacts
//! are consultations answered at intake, requests reach a handling unit about five minutes after
//! the call, resolution runs at 93–96 % and satisfaction at 94–97 %, a few percent of cases are
//! returned or need a whistle. Probabilities below are per case unless said otherwise; the
//! simulated figures come out of the run itself (see the calibration table of the report).

/// Share of contacts that are consultations answered at intake (直接答复).
pub const CONSULTATION_SHARE: f64 = 0.58;

/// Requests by category, early March (the heating season runs until 15 March, so heating is
/// still near the top), with what a requester typically says. Codes missing from the
/// organisation are skipped.
pub const REQUEST_CATEGORIES: &[(&str, f64, &str)] = &[
    (
        "property_management",
        12.0,
        "小区物业不作为，楼道杂物长期无人清理",
    ),
    ("heating", 9.0, "家中暖气不热，室温不足16度"),
    ("consumer_dispute", 8.0, "预付卡商家闭店，要求退还余额"),
    ("noise", 7.0, "楼下商铺夜间噪声扰民"),
    ("construction_noise", 5.0, "工地夜间施工扰民"),
    ("garbage_collection", 5.0, "垃圾桶满溢未及时清运"),
    ("illegal_parking", 5.0, "胡同口车辆乱停，堵塞通行"),
    ("house_leak", 5.0, "楼上漏水，天花板渗水"),
    ("street_vending", 4.0, "路口流动摊贩占道经营"),
    ("road_damage", 4.0, "人行道地砖破损，老人易绊倒"),
    ("drainage", 3.0, "雨水篦子堵塞，排水不畅"),
    ("water_outage", 3.0, "小区突然停水，未见通知"),
    ("public_transport", 3.0, "公交站点调整后出行不便"),
    ("wage_arrears", 3.0, "公司拖欠三个月工资"),
    ("power_outage", 2.0, "楼内停电，电梯停运"),
    ("greening", 2.0, "树木枝杈遮挡窗户，影响采光"),
    ("food_safety", 2.0, "餐馆后厨卫生状况差"),
    ("pet_nuisance", 2.0, "邻居犬只夜间吠叫扰民"),
    ("medical_service", 2.0, "社区卫生服务站开药难"),
    ("market_price", 1.5, "菜市场商户价格标示不清"),
    ("illegal_construction", 1.5, "楼顶私搭乱建"),
    ("gas_outage", 1.0, "燃气无法使用，无法做饭"),
    ("gas_leak", 0.5, "楼道内有明显燃气味"),
];

/// Consultations by category, with the question asked.
pub const CONSULTATION_CATEGORIES: &[(&str, f64, &str)] = &[
    ("policy_inquiry", 10.0, "咨询医保报销政策"),
    ("heating", 2.0, "咨询供暖季结束时间"),
    ("medical_service", 1.5, "咨询社区疫苗接种时间"),
    ("wage_arrears", 1.0, "咨询劳动仲裁办理流程"),
    ("public_transport", 1.0, "咨询公交线路调整"),
    ("consumer_dispute", 1.0, "咨询消费维权途径"),
];

/// Contacts per local hour of the day (0–23): quiet at night, peaks mid-morning and afternoon.
pub const HOURLY_CONTACTS: [f64; 24] = [
    0.6, 0.4, 0.3, 0.3, 0.3, 0.5, 1.2, 2.5, 4.5, 6.5, 7.0, 6.5, 5.0, 5.0, 6.0, 6.2, 6.0, 5.5, 4.5,
    4.0, 3.5, 3.0, 2.0, 1.2,
];

/// Channels of requests (consultations all come by phone): hotline, grid patrol, walk-in,
/// household visit.
pub const REQUEST_CHANNELS: [f64; 4] = [0.86, 0.07, 0.02, 0.05];
/// A household visit finds a second problem; another visit the same day finds nothing.
pub const SECOND_FINDING: f64 = 0.3;
pub const EMPTY_VISIT: f64 = 0.5;

/// Kinds of requests: complaint, help, report, suggestion.
pub const REQUEST_KINDS: [f64; 4] = [0.45, 0.35, 0.15, 0.05];
/// A request the operator raises to emergency whatever its category (a trapped lift, a burst
/// main in the street).
pub const EMERGENCY_UPGRADE: f64 = 0.01;

/// The hotline sends a request with a responsible department to the department rather than to
/// the street (属地: most requests go to the street); a street does likewise with its own.
pub const HOTLINE_TO_DEPARTMENT: f64 = 0.45;
pub const STREET_TO_DEPARTMENT: f64 = 0.40;

/// Late sign-for, contact, resolution and report-in (the rest are on time).
pub const LATE_SIGN: f64 = 0.05;
pub const LATE_CONTACT: f64 = 0.01;
pub const LATE_RESOLUTION: f64 = 0.05;
pub const LATE_REPORT_IN: f64 = 0.12;

/// 退单: the handling unit hands the case back; the dispatching party approves (and re-dispatches)
/// some, rejects the rest. Some returns come before sign-for.
pub const RETURN: f64 = 0.05;
pub const RETURN_APPROVED: f64 = 0.3;
pub const RETURN_BEFORE_SIGN: f64 = 0.4;

/// 吹哨: a street handling a request summons a lead and an assisting department; an assisting
/// department sometimes declines. Ratings of the departments that reported in: good, fair, poor.
pub const WHISTLE: f64 = 0.06;
pub const ASSIST_DECLINES: f64 = 0.05;
pub const RATINGS: [f64; 3] = [0.8, 0.15, 0.05];
/// Departments that often assist (城管, 住建, 城市管理委, 公安, 市场监管).
pub const ASSISTING: &[&str] = &[
    "urban_management",
    "housing",
    "city_admin",
    "public_security",
    "market_regulation",
];

/// 需求清单: a task for volunteers on a visit finding, or on another request; a second volunteer
/// sometimes tries to claim a task already taken (an expected 409).
pub const TASK_ON_FINDING: f64 = 0.3;
pub const TASK_ON_REQUEST: f64 = 0.03;
pub const SECOND_CLAIM: f64 = 0.25;

/// 挂账: a complex case waiting on funding or planning.
pub const PARK_COMPLEX: f64 = 0.1;
pub const PROGRESS_NOTE: f64 = 0.4;

/// Outcomes reported by the handling unit: resolved, partly resolved, unresolvable.
pub const OUTCOMES: [f64; 3] = [0.96, 0.03, 0.01];
/// The dispatching party rejects the resolution and asks for more.
pub const VERIFICATION_REJECTED: f64 = 0.02;

/// A callback attempt that does not reach the requester (at most three attempts).
pub const UNREACHED: f64 = 0.05;
/// The requester finds it resolved, by the outcome reported (resolved, partly, unresolvable),
/// and after a reopen.
pub const RESOLVED_IN_VIEW: [f64; 3] = [0.975, 0.4, 0.1];
pub const RESOLVED_AFTER_REOPEN: f64 = 0.8;
/// Satisfied, basically satisfied, dissatisfied: when resolved, and when not.
pub const SATISFACTION_RESOLVED: [f64; 3] = [0.95, 0.045, 0.005];
pub const SATISFACTION_UNRESOLVED: [f64; 3] = [0.05, 0.35, 0.6];
/// 重办: a dissatisfied, unresolved requester gets the case reopened; half before closing.
pub const REOPEN: f64 = 0.5;
pub const REOPEN_BEFORE_CLOSE: f64 = 0.5;
