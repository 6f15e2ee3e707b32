//! The board's forms. Each posts to the console's mirror of its API path (`/communities/{c}/
//! needs/{no}/claim`, …) with the JSON body's field names, the session's CSRF token and a fresh
//! idempotency key; htmx swaps the lists with the answer. Forms appear only for steps the domain
//! allows (the rows' and [`list_steps`]' decisions); the posted form is decided again anyway.

use maud::{html, Markup};
use shaobao_domain::community::{list_steps, ListStep, Member, MemberStep, NeedStep, Place};
use shaobao_domain::Role;

use super::lists::BoardContext;
use crate::console::form::fresh_idempotency_key;
use crate::console::names;
use shaobao_projections::models::community::{NeedItem, ResourceItem};

const KINDS: [&str; 4] = ["practical", "mediation", "policy_talk", "volunteering"];

/// The automation hook of a form (DESIGN §6 `data-action`), with the item it acts on.
#[derive(Default)]
struct Hook<'a> {
    action: &'a str,
    community: Option<&'a str>,
    need_no: Option<i64>,
    resource_no: Option<i64>,
}

/// A form that posts to `url` and swaps the board's lists with the answer.
fn form(cx: &BoardContext, url: &str, hook: Hook, class: &str, fields: Markup) -> Markup {
    html! {
        form class=(class) method="post" action=(url) hx-post=(url) hx-target="#community-lists"
            hx-swap="innerHTML" data-action=(hook.action) data-community=[hook.community]
            data-need-no=[hook.need_no] data-resource-no=[hook.resource_no] {
            input type="hidden" name="csrf_token" value=(cx.csrf_token);
            input type="hidden" name="idempotency_key" value=(fresh_idempotency_key());
            (fields)
        }
    }
}

/// The form of one step on a need: claim is a button; deliver, confirm and withdraw ask for
/// their one field.
pub fn need_step(cx: &BoardContext, need: &NeedItem, step: NeedStep) -> Markup {
    let lang = cx.lang;
    let route = step.route_name();
    let url = format!("/communities/{}/needs/{}/{route}", need.community, need.no);
    let label = lang.t(&format!("action.need.{route}"));
    let fields = html! {
        @match step {
            NeedStep::Claim => {}
            NeedStep::Deliver => input type="text" name="summary" required placeholder=(lang.t("field.delivery_summary"));,
            NeedStep::Confirm => input type="number" name="points" min="0" placeholder=(need.points) title=(lang.t("field.awarded_points"));,
            NeedStep::Withdraw => input type="text" name="reason" required placeholder=(lang.t("field.reason"));,
        }
        button.primary[step != NeedStep::Withdraw] type="submit" { (label) }
    };
    let hook = Hook {
        action: route,
        community: Some(&need.community),
        need_no: Some(need.no),
        ..Hook::default()
    };
    form(cx, &url, hook, "inline-action", fields)
}

/// Matching a resource to one of the needs the domain allows.
pub fn match_resource(cx: &BoardContext, resource: &ResourceItem, needs: &[&NeedItem]) -> Markup {
    let lang = cx.lang;
    let url = format!(
        "/communities/{}/resources/{}/match",
        resource.community, resource.no
    );
    let fields = html! {
        select name="need_no" required {
            @for need in needs { option value=(need.no) { "#" (need.no) " " (need.title) } }
        }
        button type="submit" { (lang.t("action.need.match")) }
    };
    let hook = Hook {
        action: "match",
        community: Some(&resource.community),
        resource_no: Some(resource.no),
        ..Hook::default()
    };
    form(cx, &url, hook, "inline-action", fields)
}

/// The communities among those shown where the person may take `step` on the list.
fn places_for(cx: &BoardContext, step: ListStep) -> Vec<Place> {
    cx.viewer
        .shown(cx.org)
        .into_iter()
        .filter(|place| list_steps(&cx.viewer.actor, place).contains(&step))
        .collect()
}

fn community_choice(cx: &BoardContext, places: &[Place]) -> Markup {
    html! {
        label { span { (cx.lang.t("col.community")) }
            select name="community" required {
                @for p in places { option value=(p.community) { (names::street(cx.org, &p.street)) " · " (names::community(cx.org, &p.street, &p.community)) } }
            }
        }
    }
}

/// 发布需求: the street's dispatcher lists a need of one of the street's communities.
pub fn publish(cx: &BoardContext) -> Markup {
    let places = places_for(cx, ListStep::PublishNeed);
    if places.is_empty() {
        return html! {};
    }
    let lang = cx.lang;
    let fields = html! {
        h3 { (lang.t("action.needs")) }
        (community_choice(cx, &places))
        label { span { (lang.t("field.need_title")) } input type="text" name="title" required; }
        label { span { (lang.t("field.task_kind")) } select name="kind" required {
            @for k in KINDS { option value=(k) { (lang.t(&format!("task_kind.{k}"))) } }
        } }
        label { span { (lang.t("col.points")) } input type="number" name="points" min="1" max="1000" value="10" required; }
        label { span { (lang.t("field.deadline")) } input type="datetime-local" name="deadline"; }
        label.wide { span { (lang.t("field.details")) } input type="text" name="description"; }
        button.primary type="submit" { (lang.t("action.needs")) }
    };
    form(
        cx,
        "/board/needs",
        Hook {
            action: "needs",
            ..Hook::default()
        },
        "action-form board-form",
        fields,
    )
}

/// 提供资源: a resident unit offers a resource to one of the communities shown.
pub fn offer(cx: &BoardContext) -> Markup {
    let places = places_for(cx, ListStep::OfferResource);
    if places.is_empty() {
        return html! {};
    }
    let lang = cx.lang;
    let fields = html! {
        h3 { (lang.t("action.resources")) }
        (community_choice(cx, &places))
        label { span { (lang.t("field.resource_title")) } input type="text" name="title" required; }
        label { span { (lang.t("col.capacity")) } input type="number" name="capacity" min="1" value="1"; }
        label { span { (lang.t("field.available_until")) } input type="datetime-local" name="available_until"; }
        label.wide { span { (lang.t("field.details")) } input type="text" name="description"; }
        button.primary type="submit" { (lang.t("action.resources")) }
    };
    form(
        cx,
        "/board/resources",
        Hook {
            action: "resources",
            ..Hook::default()
        },
        "action-form board-form",
        fields,
    )
}

/// 回小区报到: a member not yet registered reports to the community where they live.
pub fn register(cx: &BoardContext) -> Markup {
    let actor = &cx.viewer.actor;
    let Role::Volunteer { member } = &actor.role else {
        return html! {};
    };
    let nowhere = Member::default();
    let places: Vec<Place> = cx
        .org
        .streets
        .iter()
        .flat_map(|s| {
            s.communities.iter().map(|c| Place {
                street: s.code.clone(),
                community: c.code.clone(),
            })
        })
        .filter(|place| {
            nowhere
                .permit(actor, member, &MemberStep::Register(place))
                .is_ok()
        })
        .collect();
    if places.is_empty() {
        return html! {};
    }
    let lang = cx.lang;
    let fields = html! {
        h3 { (lang.t("action.register")) }
        (community_choice(cx, &places))
        label { span { (lang.t("field.name")) } input type="text" name="name" required value=(cx.display_name); }
        label { span { (lang.t("field.home_unit")) } select name="home_unit" {
            option value="" { (lang.t("field.no_home_unit")) }
            @for d in &cx.org.departments { option value=(d.code) { (d.name) } }
        } }
        button.primary type="submit" { (lang.t("action.register")) }
    };
    form(
        cx,
        "/members",
        Hook {
            action: "register",
            ..Hook::default()
        },
        "action-form board-form",
        fields,
    )
}
