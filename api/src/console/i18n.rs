//! The console's words in Chinese (first) and English. A page asks for a key; the person's
//! language comes from the `sb_lang` cookie (Chinese when absent). The domain's own values
//! (states, event types, enum values) are looked up as `<group>.<serialized value>`.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

/// The person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The cookie value or query parameter `zh`/`en`.
    pub fn parse(value: &str) -> Option<Lang> {
        match value {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The text of `key`; the key itself when the table lacks it (visible, never a panic).
    pub fn t(self, key: &str) -> String {
        match TABLE.get(key) {
            Some((zh, en)) => match self {
                Lang::Zh => (*zh).to_string(),
                Lang::En => (*en).to_string(),
            },
            None => key.to_string(),
        }
    }

    /// A field error's message: a left-out field in the person's words, others as the check said.
    pub fn field_message(self, message: &str) -> String {
        use crate::console::form::{CONTROL_CHARACTER, REQUIRED};
        match message {
            REQUIRED => self.t("error.required"),
            CONTROL_CHARACTER => self.t("error.control_character"),
            other => other.to_string(),
        }
    }

    /// Whether the table has `key`.
    pub fn has(self, key: &str) -> bool {
        TABLE.contains_key(key)
    }

    /// The label of a domain value (`state`, `signed` → 已签收): its serialized name looked up
    /// under `group`, falling back to the serialized name.
    pub fn value<T: Serialize>(self, group: &str, value: &T) -> String {
        let name = serialized_name(value);
        let key = format!("{group}.{name}");
        if TABLE.contains_key(key.as_str()) {
            self.t(&key)
        } else {
            name
        }
    }
}

/// `Rating::Good` → `good`: the name the JSON API uses for a unit enum value.
pub fn serialized_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

mod community;

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| all_words().map(|(k, zh, en)| (*k, (*zh, *en))).collect());

fn all_words() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    WORDS.iter().chain(community::WORDS)
}

/// (key, Chinese, English).
const WORDS: &[(&str, &str, &str)] = &[
    ("app.name", "哨报", "Shaobao"),
    (
        "app.tagline",
        "街道吹哨 · 部门报到 · 接诉即办",
        "Whistle, report in, handle at once",
    ),
    ("nav.queue", "工作队列", "Work queue"),
    ("nav.intake", "受理", "Intake"),
    ("nav.inbox", "部门收件箱", "Inbox"),
    ("nav.alerts", "督办", "Supervision"),
    ("nav.board", "需求清单", "Needs board"),
    ("nav.search", "工单查询", "Case search"),
    ("nav.logout", "退出", "Sign out"),
    ("nav.stats", "统计亮榜", "Statistics"),
    ("nav.map", "地图", "Map"),
    ("nav.wall", "大屏", "Wall screen"),
    ("stats.title", "闭环统计与亮榜", "Statistics and rankings"),
    ("stats.month", "月份", "Month"),
    ("stats.group_by", "统计口径", "Group by"),
    ("stats.csv", "下载CSV", "Download CSV"),
    ("stats.weights", "综合得分权重", "Composite weights"),
    (
        "stats.empty",
        "本月暂无统计数据",
        "No figures for this month",
    ),
    ("stats.cases", "诉求量", "Cases"),
    ("stats.dispatched", "派单量", "Dispatched"),
    ("stats.response_rate", "响应率", "Response rate"),
    ("stats.resolution_rate", "解决率", "Resolution rate"),
    ("stats.satisfaction_rate", "满意率", "Satisfaction rate"),
    ("stats.composite_score", "综合得分", "Composite"),
    ("stats.on_time_sign_rate", "按时签收率", "On-time sign"),
    (
        "stats.on_time_resolution_rate",
        "按时办结率",
        "On-time resolution",
    ),
    ("stats.return_rate", "退单率", "Return rate"),
    ("stats.reopen_rate", "重办率", "Reopen rate"),
    ("stats.whistle_rate", "吹哨率", "Whistle rate"),
    (
        "stats.on_time_report_in_rate",
        "按时报到率",
        "On-time report-in",
    ),
    ("stats.mean_rating", "街道评价", "Street rating"),
    (
        "stats.median_resolve",
        "办结时长中位数",
        "Median resolve time",
    ),
    ("stats.p90_resolve", "办结时长P90", "P90 resolve time"),
    ("stats.trend", "近12个月趋势", "Last 12 months"),
    ("stats.rankings", "亮榜", "Rankings"),
    ("stats.change", "较上月", "vs last month"),
    ("stats.new", "新上榜", "new"),
    ("stats.red_list", "红榜", "Red list (top 5)"),
    ("stats.black_list", "黑榜", "Black list (bottom 5)"),
    ("map.title", "诉求地图", "Case map"),
    ("map.heat", "近30天热力", "Last 30 days heat"),
    ("map.open", "在办工单", "Open cases"),
    (
        "map.approximate",
        "无坐标的工单按街道中心近似显示",
        "Cases without a point are shown near their street's centre",
    ),
    ("wall.title", "指挥中心大屏", "Command center"),
    (
        "wall.today_intake",
        "今日受理（按渠道）",
        "Today's intake by channel",
    ),
    (
        "wall.open_by_state",
        "在办工单（按状态）",
        "Open cases by state",
    ),
    ("wall.breached", "超期", "Breached"),
    ("wall.supervised", "督办中", "Under supervision"),
    ("wall.open", "在办", "Open"),
    ("wall.today", "今日受理", "Opened today"),
    ("wall.month_rates", "本月三率", "This month's rates"),
    ("wall.street_ranking", "街道亮榜", "Street ranking"),
    (
        "wall.top_categories",
        "近7天高频诉求",
        "Top categories, last 7 days",
    ),
    ("wall.ticker", "实时动态", "Live"),
    (
        "wall.offline",
        "连接中断，正在重连…",
        "Connection lost, reconnecting…",
    ),
    ("audit.title", "审计：工单历史", "Audit: case history"),
    ("audit.position", "日志位置", "Position"),
    ("audit.sequence", "序号", "Seq"),
    ("audit.chain", "哈希链", "Chain"),
    ("audit.chain_ok", "校验通过", "verifies"),
    ("audit.chain_broken", "校验失败", "broken"),
    ("audit.state_at", "此版本时的状态", "State at this version"),
    ("audit.changes", "本事件改变了", "What this event changed"),
    ("audit.version", "查看版本", "Show version"),
    ("audit.metadata", "元数据", "Metadata"),
    ("nav.lang", "English", "中文"),
    ("login.title", "登录", "Sign in"),
    ("login.login", "账号", "Login"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    ("login.wrong", "账号或密码错误", "Wrong login or password"),
    (
        "login.locked",
        "登录失败次数过多，请15分钟后再试",
        "Too many failed sign-ins; try again in 15 minutes",
    ),
    ("login.disabled", "账号已停用", "This account is disabled"),
    (
        "login.expired",
        "会话已过期，请重新登录",
        "Your session ended; please sign in again",
    ),
    ("error.forbidden", "无权访问", "Not allowed"),
    (
        "error.forbidden.text",
        "您的账号无权查看或操作此页面。",
        "Your account may not see or act on this page.",
    ),
    ("error.not_found", "未找到", "Not found"),
    (
        "error.csrf",
        "表单已失效，请刷新页面后重试。",
        "The form expired; reload the page and try again.",
    ),
    ("error.unavailable", "服务暂不可用", "Service unavailable"),
    ("error.internal", "系统错误", "Internal error"),
    ("error.too_many", "请求过多", "Too many attempts"),
    ("error.back", "返回首页", "Back to the start page"),
    (
        "error.stale",
        "工单已被他人更新，请查看最新状态后再操作。",
        "The case changed since you opened this page; check the new state before acting.",
    ),
    ("error.field", "请检查此项", "Please check this field"),
    ("error.required", "请填写此项", "Required"),
    (
        "error.control_character",
        "含有不可见的控制字符，请重新输入（可以换行）",
        "Contains an invisible control character; please retype it (line breaks are fine)",
    ),
    ("queue.title", "工作队列", "Work queue"),
    ("queue.empty", "没有待办工单", "No open cases"),
    ("queue.live", "实时更新", "Live"),
    ("queue.count", "件", "cases"),
    ("queue.all", "全部", "All"),
    ("queue.filter", "筛选", "Filter"),
    ("col.case", "工单", "Case"),
    ("col.state", "状态", "State"),
    ("col.urgency", "紧急程度", "Urgency"),
    ("col.category", "分类", "Category"),
    ("col.community", "社区", "Community"),
    ("col.holder", "承办", "Holder"),
    ("col.deadline", "下一时限", "Next deadline"),
    ("col.due", "剩余", "Due in"),
    ("col.opened", "受理时间", "Opened"),
    ("col.street", "街道", "Street"),
    ("col.department", "部门", "Department"),
    ("col.kind", "类型", "Kind"),
    ("col.level", "督办级别", "Level"),
    ("col.channel", "渠道", "Channel"),
    ("col.description", "诉求内容", "Description"),
    ("col.points", "积分", "Points"),
    ("col.title", "任务", "Task"),
    ("col.role", "角色", "Role"),
    ("col.status", "状态", "Status"),
    ("col.rating", "评价", "Rating"),
    ("col.report_in_by", "报到时限", "Report in by"),
    ("col.time", "时间", "Time"),
    ("col.who", "操作人", "Who"),
    ("col.what", "事项", "What"),
    ("deadline.running", "正常", "Running"),
    ("deadline.approaching", "临期", "Approaching"),
    ("deadline.breached", "超期", "Breached"),
    ("deadline.supervised", "督办中", "Under supervision"),
    ("deadline.overdue", "已超", "overdue"),
    ("deadline.none", "无", "none"),
    ("timer.sign", "签收", "Sign"),
    ("timer.contact", "联系", "Contact"),
    ("timer.resolve", "办结", "Resolve"),
    ("timer.report_in", "报到", "Report in"),
    ("timer.callback", "回访", "Callback"),
    ("timer.return_window", "退单窗口", "Return window"),
    ("intake.title", "受理诉求", "Open a case"),
    ("intake.submit", "受理", "Open case"),
    ("intake.default_urgency", "默认紧急程度", "Default urgency"),
    (
        "intake.default_department",
        "默认承办部门",
        "Default department",
    ),
    (
        "intake.answer_hint",
        "咨询类可在受理后直接答复。",
        "A consultation can be answered right after intake.",
    ),
    ("field.channel", "来源渠道", "Channel"),
    ("field.kind", "诉求类型", "Kind"),
    ("field.category", "诉求分类", "Category"),
    ("field.urgency", "紧急程度", "Urgency"),
    ("field.urgency.default", "按分类默认", "Category default"),
    ("field.description", "诉求内容", "Description"),
    ("field.location.street", "街道", "Street"),
    ("field.location.community", "社区", "Community"),
    ("field.location.grid", "网格", "Grid"),
    ("field.location.address", "地址", "Address"),
    ("field.requester.name", "诉求人姓名", "Requester's name"),
    ("field.requester.phone", "联系电话", "Requester's phone"),
    ("field.note", "备注", "Note"),
    ("field.reason", "原因", "Reason"),
    ("field.unit", "承办单位", "Handling unit"),
    ("field.co_units", "协办单位", "Co-units"),
    ("field.decision", "决定", "Decision"),
    ("field.redispatch_to", "改派至", "Re-dispatch to"),
    ("field.responsible", "责任单位", "Responsible unit"),
    ("field.mode", "报到方式", "Mode"),
    ("field.summary", "情况说明", "Summary"),
    (
        "field.evidence",
        "佐证材料（每行一项）",
        "Evidence (one per line)",
    ),
    ("field.title", "任务名称", "Title"),
    ("field.points", "积分", "Points"),
    ("field.until", "延期至", "Until"),
    ("field.approve", "批准", "Approve"),
    (
        "field.add",
        "添加标签（每行一个）",
        "Add tags (one per line)",
    ),
    (
        "field.remove",
        "移除标签（每行一个）",
        "Remove tags (one per line)",
    ),
    ("field.into", "并入工单号", "Merge into case"),
    ("field.outcome", "办理结果", "Outcome"),
    ("field.accepted", "核查结论", "Verdict"),
    ("field.reached", "是否联系上", "Reached"),
    (
        "field.resolved",
        "诉求人认为已解决",
        "Resolved in the requester's view",
    ),
    ("field.satisfaction", "满意度", "Satisfaction"),
    ("field.comment", "回访记录", "Comment"),
    ("field.review_at", "复查日期", "Review date"),
    (
        "field.departments",
        "召集部门（主办/协办）",
        "Departments (lead/assist)",
    ),
    ("field.ratings", "考核评价", "Ratings"),
    ("field.choose", "请选择", "Choose"),
    ("field.task_kind", "任务类型", "Task kind"),
    ("field.whistle_kind", "哨令类型", "Whistle kind"),
    ("field.contact", "联系方式", "Contact channel"),
    ("field.return_reason", "退单原因", "Return reason"),
    ("field.park_reason", "挂账原因", "Park reason"),
    ("field.none", "不召集", "Not summoned"),
    ("yes", "是", "Yes"),
    ("no", "否", "No"),
    ("case.title", "工单", "Case"),
    ("case.location", "位置", "Location"),
    ("case.requester", "诉求人", "Requester"),
    ("case.handling_unit", "承办单位", "Handling unit"),
    ("case.co_units", "协办单位", "Co-units"),
    ("case.deadlines", "时限", "Deadlines"),
    ("case.whistles", "吹哨", "Whistles"),
    ("case.tasks", "任务", "Tasks"),
    ("case.extension", "延期", "Extension"),
    (
        "case.extension.pending",
        "待审批延期至",
        "Extension asked until",
    ),
    (
        "case.extension.granted",
        "已批准延期次数",
        "Extensions granted",
    ),
    ("case.supervision", "督办级别", "Supervision"),
    ("case.excluded", "不纳入考核", "Excluded from assessment"),
    ("case.timeline", "办理过程", "Timeline"),
    ("case.actions", "可执行操作", "What you can do"),
    (
        "case.duplicates",
        "已并单（回访须逐一联系）",
        "Merged duplicates (call each back)",
    ),
    ("case.similar", "相似工单", "Similar cases"),
    (
        "case.no_similar",
        "近期本街道无相似工单",
        "No similar case in this street lately",
    ),
    ("case.merge_into", "并入此单", "Merge into this case"),
    ("similar.same_category", "同类诉求", "same category"),
    ("similar.same_address", "同一地址", "same address"),
    ("similar.same_community", "同一社区", "same community"),
    ("similar.near", "相距", "distance"),
    ("similar.similar_text", "描述相似", "similar wording"),
    (
        "intake.open_and_merge",
        "受理并并入此单",
        "Open and merge into this case",
    ),
    (
        "case.no_actions",
        "当前没有您可执行的操作。",
        "Nothing for you to do on this case now.",
    ),
    ("case.version", "版本", "Version"),
    ("case.resolution", "办理结果", "Resolution"),
    ("case.pending_return", "退单申请", "Return request"),
    ("inbox.title", "部门收件箱", "Department inbox"),
    (
        "inbox.dispatched",
        "派给本部门的工单",
        "Cases dispatched to us",
    ),
    (
        "inbox.summoned",
        "召集本部门的吹哨",
        "Whistles summoning us",
    ),
    ("alerts.title", "督办看板", "Supervision board"),
    (
        "alerts.empty",
        "暂无临期或超期工单",
        "No approaching or breached deadlines",
    ),
    (
        "board.title",
        "社区清单与志愿任务",
        "Community lists and tasks",
    ),
    (
        "board.empty",
        "暂无可认领的任务",
        "No tasks open for claiming",
    ),
    ("search.title", "工单查询", "Case search"),
    ("search.q", "关键词", "Text"),
    ("search.submit", "查询", "Search"),
    ("search.more", "下一页", "Next page"),
    ("search.from", "受理起", "Opened from"),
    ("search.to", "受理止", "Opened until"),
    ("action.answer", "直接答复", "Answer"),
    ("action.dispatch", "派单", "Dispatch"),
    ("action.sign", "签收", "Sign for"),
    ("action.contact", "联系诉求人", "Contact requester"),
    ("action.return", "退单", "Return"),
    ("action.return-decision", "退单审核", "Decide the return"),
    ("action.whistles", "吹哨", "Blow a whistle"),
    ("action.report-in", "报到", "Report in"),
    ("action.decline", "拒绝报到", "Decline"),
    ("action.action", "报告处置情况", "Report action"),
    (
        "action.close-whistle",
        "结束吹哨并评价",
        "Close whistle and rate",
    ),
    ("action.tasks", "发布任务", "Publish a task"),
    ("action.claim", "认领", "Claim"),
    ("action.complete", "完成任务", "Complete"),
    (
        "action.confirm",
        "确认并奖励积分",
        "Confirm and award points",
    ),
    ("action.progress", "办理进展", "Record progress"),
    ("action.extension", "申请延期", "Ask for an extension"),
    (
        "action.extension-decision",
        "延期审批",
        "Decide the extension",
    ),
    ("action.resolution", "办结反馈", "Submit resolution"),
    ("action.verification", "核查", "Verify"),
    ("action.callback", "回访", "Callback"),
    ("action.close", "结案", "Close"),
    ("action.reopen", "重办", "Reopen"),
    ("action.park", "挂账", "Park"),
    ("action.unpark", "解除挂账", "Unpark"),
    ("action.exclusion", "不纳入考核", "Exclude from assessment"),
    ("action.tags", "类案标签", "Tags"),
    ("action.merge", "并单", "Merge as duplicate"),
    ("action.unmerge", "取消并单", "Unmerge"),
    ("state.received", "已受理", "Received"),
    ("state.answered", "已答复", "Answered"),
    ("state.dispatched", "已派单", "Dispatched"),
    ("state.signed", "已签收", "Signed"),
    ("state.handling", "办理中", "Handling"),
    ("state.return_pending", "退单待审", "Return pending"),
    ("state.disputed", "争议待裁", "Disputed"),
    ("state.resolved", "已办结待核", "Resolved"),
    ("state.awaiting_callback", "待回访", "Awaiting callback"),
    ("state.closed", "已结案", "Closed"),
    ("state.parked", "挂账", "Parked"),
    ("state.merged", "已并单", "Merged"),
    ("urgency.emergency", "紧急", "Emergency"),
    ("urgency.utility", "水电气热", "Utility"),
    ("urgency.ordinary", "一般", "Ordinary"),
    ("urgency.complex", "疑难", "Complex"),
    ("channel.hotline", "12345热线", "12345 hotline"),
    ("channel.grid_patrol", "网格巡查", "Grid patrol"),
    ("channel.household_visit", "入户走访", "Household visit"),
    ("channel.walk_in", "来访", "Walk-in"),
    ("channel.open311", "网上诉求", "Open311 app"),
    ("channel.volunteer", "志愿者上报", "Volunteer"),
    ("channel.proactive", "主动治理", "Proactive"),
    ("kind.consultation", "咨询", "Consultation"),
    ("kind.help", "求助", "Help"),
    ("kind.complaint", "投诉", "Complaint"),
    ("kind.report", "举报", "Report"),
    ("kind.suggestion", "建议", "Suggestion"),
    ("contact.phone", "电话", "Phone"),
    ("contact.sms", "短信", "SMS"),
    ("contact.visit", "上门", "Visit"),
    (
        "return_reason.wrong_jurisdiction",
        "非本辖区",
        "Wrong jurisdiction",
    ),
    (
        "return_reason.unclear_ownership",
        "权属不清",
        "Unclear ownership",
    ),
    (
        "return_reason.not_our_function",
        "非本部门职责",
        "Not our function",
    ),
    ("return_reason.other", "其他", "Other"),
    ("verdict.approve", "同意退单", "Approve"),
    ("verdict.reject", "驳回", "Reject"),
    ("verdict.dispute", "提交争议", "Dispute"),
    ("verdict.rule", "裁定", "Rule"),
    ("whistle_kind.routine", "日常哨", "Routine"),
    ("whistle_kind.crucial", "攻坚哨", "Crucial"),
    ("whistle_kind.emergency", "应急哨", "Emergency"),
    ("whistle_role.lead", "主办", "Lead"),
    ("whistle_role.assist", "协办", "Assist"),
    ("dept_status.summoned", "待报到", "Summoned"),
    ("dept_status.reported_in", "已报到", "Reported in"),
    ("dept_status.declined", "已拒绝", "Declined"),
    ("dept_status.acted", "已处置", "Acted"),
    ("dept_status.closed", "已结束", "Closed"),
    ("mode.on_site", "现场", "On site"),
    ("mode.meeting", "会商", "Meeting"),
    ("mode.remote", "远程", "Remote"),
    ("rating.good", "好", "Good"),
    ("rating.fair", "一般", "Fair"),
    ("rating.poor", "差", "Poor"),
    ("task_kind.practical", "兴办实事", "Practical work"),
    ("task_kind.mediation", "调解矛盾", "Mediation"),
    ("task_kind.policy_talk", "政策宣讲", "Policy talk"),
    ("task_kind.volunteering", "志愿服务", "Volunteering"),
    ("task_status.open", "待认领", "Open"),
    ("task_status.claimed", "已认领", "Claimed"),
    ("task_status.completed", "已完成", "Completed"),
    ("task_status.confirmed", "已确认", "Confirmed"),
    ("outcome.resolved", "已解决", "Resolved"),
    ("outcome.partly_resolved", "部分解决", "Partly resolved"),
    ("outcome.unresolvable", "无法解决", "Unresolvable"),
    ("satisfaction.satisfied", "满意", "Satisfied"),
    (
        "satisfaction.basically_satisfied",
        "基本满意",
        "Basically satisfied",
    ),
    ("satisfaction.dissatisfied", "不满意", "Dissatisfied"),
    ("park_reason.policy", "政策原因", "Policy"),
    ("park_reason.funding", "资金原因", "Funding"),
    ("park_reason.planning", "规划原因", "Planning"),
    ("supervision.reminder", "催办", "Reminder"),
    ("supervision.district", "区级督办", "District supervision"),
    ("supervision.city", "市级督办", "City supervision"),
    ("alert.approaching", "临期", "Approaching"),
    ("alert.breached", "超期", "Breached"),
    ("alert.repeat_count", "件", "cases"),
    ("alert.repeat", "重复诉求", "Repeat"),
    ("role.hotline", "12345中心", "12345 center"),
    ("role.dispatcher", "街道指挥中心", "Street command center"),
    ("role.department", "职能部门", "Department"),
    ("role.volunteer", "志愿者", "Volunteer"),
    ("role.auditor", "审计", "Auditor"),
    ("role.intake", "接入应用", "Intake app"),
    ("role.admin", "运维", "Operator"),
    ("role.system", "系统服务", "System service"),
    ("event.CaseOpened", "受理", "Opened"),
    ("event.AnsweredDirectly", "直接答复", "Answered"),
    ("event.CaseDispatched", "派单", "Dispatched"),
    ("event.CaseSigned", "签收", "Signed"),
    (
        "event.RequesterContacted",
        "联系诉求人",
        "Contacted the requester",
    ),
    ("event.ReturnRequested", "申请退单", "Asked to return"),
    ("event.ReturnApproved", "同意退单", "Return approved"),
    ("event.ReturnRejected", "驳回退单", "Return rejected"),
    ("event.DisputeRaised", "提交争议", "Dispute raised"),
    ("event.DisputeRuled", "争议裁定", "Dispute ruled"),
    ("event.WhistleBlown", "吹哨", "Whistle blown"),
    ("event.DepartmentReportedIn", "报到", "Reported in"),
    ("event.WhistleDeclined", "拒绝报到", "Declined the whistle"),
    ("event.WhistleActionReported", "报告处置", "Reported action"),
    ("event.WhistleClosed", "结束吹哨", "Whistle closed"),
    ("event.TaskPublished", "发布任务", "Task published"),
    ("event.TaskClaimed", "认领任务", "Task claimed"),
    ("event.TaskCompleted", "完成任务", "Task completed"),
    ("event.TaskConfirmed", "确认任务", "Task confirmed"),
    ("event.ProgressRecorded", "办理进展", "Progress"),
    ("event.ExtensionRequested", "申请延期", "Extension asked"),
    ("event.ExtensionGranted", "批准延期", "Extension granted"),
    ("event.ExtensionDenied", "驳回延期", "Extension denied"),
    (
        "event.ResolutionSubmitted",
        "办结反馈",
        "Resolution submitted",
    ),
    (
        "event.ResolutionAccepted",
        "核查通过",
        "Resolution accepted",
    ),
    (
        "event.ResolutionRejected",
        "核查退回",
        "Resolution rejected",
    ),
    ("event.CallbackRecorded", "回访", "Callback"),
    ("event.CaseClosed", "结案", "Closed"),
    ("event.CaseMerged", "并单", "Merged as a duplicate"),
    (
        "event.DuplicateAttached",
        "并入重复诉求",
        "Duplicate attached",
    ),
    ("event.CaseUnmerged", "取消并单", "Unmerged"),
    (
        "event.DuplicateDetached",
        "移出重复诉求",
        "Duplicate detached",
    ),
    ("event.CaseTagged", "类案标签", "Tagged"),
    ("event.CaseReopened", "重办", "Reopened"),
    ("event.CaseParked", "挂账", "Parked"),
    ("event.CaseUnparked", "解除挂账", "Unparked"),
    (
        "event.CaseExcludedFromAssessment",
        "不纳入考核",
        "Excluded from assessment",
    ),
    (
        "event.DeadlineApproaching",
        "时限临近",
        "Deadline approaching",
    ),
    ("event.DeadlineBreached", "超期", "Deadline breached"),
    ("event.ReminderIssued", "催办", "Reminder"),
    ("event.SupervisionIssued", "督办", "Supervision"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_has_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for (key, zh, en) in all_words() {
            assert!(seen.insert(key), "{key} twice");
            assert!(!zh.is_empty() && !en.is_empty(), "{key} lacks a language");
        }
    }

    #[test]
    fn domain_values_are_labelled_by_their_serialized_name() {
        use shaobao_domain::CaseState;
        assert_eq!(Lang::Zh.value("state", &CaseState::Signed), "已签收");
        assert_eq!(
            Lang::En.value("state", &CaseState::ReturnPending),
            "Return pending"
        );
        assert_eq!(Lang::En.t("no.such.key"), "no.such.key");
    }
}
