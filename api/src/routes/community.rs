//! Community mobilisation over HTTP (DESIGN §3 "Community mobilisation", §6): the two lists
//! 双向需求清单 under `/communities/{community}/needs|resources` (and per street), member
//! registration under `/members`, and scores under `/scores`.
//!
//! Commands go through the case service's door like case commands (`Idempotency-Key`,
//! `If-Match` on the list's or registration's version); who may take which step is the domain's
//! decision (`CommunityList::permit`, `Member::permit`): the street's dispatcher publishes,
//! withdraws, matches and confirms; a department token acts for its resident unit; a volunteer
//! token for its member. Reads wait for `min_position` like every read.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use shaobao_domain::community::score::Period;
use shaobao_domain::community::{
    CommunityAction, MemberAction, MoveMember, NeedAction, NeedStatus, OfferResource, Party,
    PublishNeed, RegisterMember,
};
use shaobao_domain::Actor;
use shaobao_projections::models::community::scores::ScoreUnit;
use shaobao_projections::models::community::{
    self, MemberFilter, MemberItem, NeedFilter, NeedItem, ResourceFilter, ResourceItem, ScoreError,
    ScoreQuery, Scores,
};
use shaobao_projections::{Page, PageRequest};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::reads::{caught_up, forbidden, list_error};
use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::bodies::{ConfirmNeed, DeliverNeed, Empty, LeaveCommunity, MatchResource, WithdrawNeed};
use crate::command_routes::outcome_label;
use crate::extract::{ApiJson, ApiPath, ApiQuery, CommandContext};
use crate::openapi::{CommandErrors, CommandHeaders, ReadErrors};
use crate::server::AppState;
use crate::view::{CommunityAnswer, MemberAnswer};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_needs, publish_need))
        .routes(routes!(claim_need))
        .routes(routes!(deliver_need))
        .routes(routes!(confirm_need))
        .routes(routes!(withdraw_need))
        .routes(routes!(list_resources, offer_resource))
        .routes(routes!(match_resource))
        .routes(routes!(street_needs))
        .routes(routes!(street_resources))
        .routes(routes!(community_members))
        .routes(routes!(register_member))
        .routes(routes!(read_member))
        .routes(routes!(move_member))
        .routes(routes!(leave_member))
        .routes(routes!(scores))
}

// --- commands --------------------------------------------------------------------------------

/// What a list command made that its answer numbers.
#[derive(Clone, Copy)]
enum Made {
    Need,
    Resource,
}

/// Runs `action` on `community`'s list for the caller.
async fn list_command(
    state: &AppState,
    context: CommandContext,
    community: String,
    label: &str,
    action: CommunityAction,
) -> Result<CommunityAnswer, ApiError> {
    let made = match &action {
        CommunityAction::PublishNeed(_) => Some(Made::Need),
        CommunityAction::OfferResource(_) => Some(Made::Resource),
        _ => None,
    };
    let CommandContext { actor, request } = context;
    let result = state
        .cases
        .community(&community, &actor, action, &request)
        .await
        .map_err(ApiError::from);
    state
        .metrics
        .observe_command(label, outcome_label(&result, |o| o.repeated));
    let outcome = result?;
    let mut answer = CommunityAnswer {
        community,
        version: outcome.version,
        position: outcome.position.to_string(),
        need_no: None,
        resource_no: None,
    };
    if let Some(made) = made {
        // Read at the command's own version: a repeat answers with the need or resource it made.
        let list = state
            .cases
            .community_list(&answer.community, Some(outcome.version))
            .await?
            .ok_or_else(|| ApiError::Internal("a community list vanished after a command".into()))?
            .aggregate;
        match made {
            Made::Need => answer.need_no = list.needs().last().map(|n| n.no),
            Made::Resource => answer.resource_no = list.resources().last().map(|r| r.no),
        }
    }
    Ok(answer)
}

#[derive(Deserialize)]
struct NeedAt {
    community: String,
    no: u32,
}

async fn need_command(
    state: &AppState,
    context: CommandContext,
    at: NeedAt,
    action: NeedAction,
) -> Result<Json<CommunityAnswer>, ApiError> {
    let label = format!("need.{}", action.name());
    let action = CommunityAction::Need { no: at.no, action };
    list_command(state, context, at.community, &label, action)
        .await
        .map(Json)
}

/// 需求清单 Publish a need of the community (the dispatcher of the community's street); answers
/// `need_no`.
#[utoipa::path(post, path = "/communities/{community}/needs", tag = "community",
    params(("community" = String, Path, description = "Community code"), CommandHeaders),
    request_body = PublishNeed,
    responses((status = 201, body = CommunityAnswer, description = "Published"), CommandErrors))]
async fn publish_need(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(community): ApiPath<String>,
    ApiJson(body): ApiJson<PublishNeed>,
) -> Result<(StatusCode, Json<CommunityAnswer>), ApiError> {
    let action = CommunityAction::PublishNeed(body);
    let answer = list_command(&state, context, community, "needs", action).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// 认领 Claim an open need (a unit's department token, or a volunteer registered in the
/// community).
#[utoipa::path(post, path = "/communities/{community}/needs/{no}/claim", tag = "community",
    params(("community" = String, Path), ("no" = u32, Path), CommandHeaders),
    request_body = Empty,
    responses((status = 200, body = CommunityAnswer), CommandErrors))]
async fn claim_need(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(at): ApiPath<NeedAt>,
    ApiJson(_empty): ApiJson<Empty>,
) -> Result<Json<CommunityAnswer>, ApiError> {
    need_command(&state, context, at, NeedAction::Claim).await
}

/// Report a claimed need delivered (the claimant).
#[utoipa::path(post, path = "/communities/{community}/needs/{no}/deliver", tag = "community",
    params(("community" = String, Path), ("no" = u32, Path), CommandHeaders),
    request_body = DeliverNeed,
    responses((status = 200, body = CommunityAnswer), CommandErrors))]
async fn deliver_need(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(at): ApiPath<NeedAt>,
    ApiJson(body): ApiJson<DeliverNeed>,
) -> Result<Json<CommunityAnswer>, ApiError> {
    need_command(&state, context, at, body.into()).await
}

/// Confirm a delivered need and award points, recorded in the event (the dispatcher of the
/// community's street).
#[utoipa::path(post, path = "/communities/{community}/needs/{no}/confirm", tag = "community",
    params(("community" = String, Path), ("no" = u32, Path), CommandHeaders),
    request_body = ConfirmNeed,
    responses((status = 200, body = CommunityAnswer), CommandErrors))]
async fn confirm_need(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(at): ApiPath<NeedAt>,
    ApiJson(body): ApiJson<ConfirmNeed>,
) -> Result<Json<CommunityAnswer>, ApiError> {
    need_command(&state, context, at, body.into()).await
}

/// Withdraw an open or claimed need, saying why (the dispatcher of the community's street).
#[utoipa::path(post, path = "/communities/{community}/needs/{no}/withdraw", tag = "community",
    params(("community" = String, Path), ("no" = u32, Path), CommandHeaders),
    request_body = WithdrawNeed,
    responses((status = 200, body = CommunityAnswer), CommandErrors))]
async fn withdraw_need(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(at): ApiPath<NeedAt>,
    ApiJson(body): ApiJson<WithdrawNeed>,
) -> Result<Json<CommunityAnswer>, ApiError> {
    need_command(&state, context, at, body.into()).await
}

/// 资源清单 Offer a resource to the community (a unit's department token); answers
/// `resource_no`.
#[utoipa::path(post, path = "/communities/{community}/resources", tag = "community",
    params(("community" = String, Path, description = "Community code"), CommandHeaders),
    request_body = OfferResource,
    responses((status = 201, body = CommunityAnswer, description = "Offered"), CommandErrors))]
async fn offer_resource(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(community): ApiPath<String>,
    ApiJson(body): ApiJson<OfferResource>,
) -> Result<(StatusCode, Json<CommunityAnswer>), ApiError> {
    let action = CommunityAction::OfferResource(body);
    let answer = list_command(&state, context, community, "resources", action).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Match a resource to an open need: the need is claimed by the resource's unit (the dispatcher
/// of the community's street, or the offering unit).
#[utoipa::path(post, path = "/communities/{community}/resources/{no}/match", tag = "community",
    params(("community" = String, Path), ("no" = u32, Path), CommandHeaders),
    request_body = MatchResource,
    responses((status = 200, body = CommunityAnswer), CommandErrors))]
async fn match_resource(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(at): ApiPath<NeedAt>,
    ApiJson(body): ApiJson<MatchResource>,
) -> Result<Json<CommunityAnswer>, ApiError> {
    let action = CommunityAction::MatchResource {
        no: at.no,
        need_no: body.need_no,
    };
    list_command(&state, context, at.community, "resource.match", action)
        .await
        .map(Json)
}

async fn member_command(
    state: &AppState,
    context: CommandContext,
    member: Option<String>,
    label: &str,
    action: MemberAction,
) -> Result<MemberAnswer, ApiError> {
    let CommandContext { actor, request } = context;
    let result = match (member, action) {
        (None, MemberAction::Register(body)) => {
            state.cases.register_member(&actor, body, &request).await
        }
        (Some(member), action) => {
            state
                .cases
                .member_action(&member, &actor, action, &request)
                .await
        }
        (None, _) => return Err(ApiError::Internal("member command without member".into())),
    };
    let result = result.map_err(ApiError::from);
    state
        .metrics
        .observe_command(label, outcome_label(&result, |o| o.repeated));
    let outcome = result?;
    let member = outcome
        .aggregate_id
        .strip_prefix("member/")
        .unwrap_or(&outcome.aggregate_id)
        .to_string();
    Ok(MemberAnswer {
        member,
        version: outcome.version,
        position: outcome.position.to_string(),
    })
}

/// 在职党员回小区报到 Register a member in the community where they live (the member's own
/// volunteer token, or the dispatcher of that community's street).
#[utoipa::path(post, path = "/members", tag = "community", params(CommandHeaders),
    request_body = RegisterMember,
    responses((status = 201, body = MemberAnswer, description = "Registered"), CommandErrors))]
async fn register_member(
    State(state): State<AppState>,
    context: CommandContext,
    ApiJson(body): ApiJson<RegisterMember>,
) -> Result<(StatusCode, Json<MemberAnswer>), ApiError> {
    let action = MemberAction::Register(body);
    let answer = member_command(&state, context, None, "member.register", action).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Move a registered member to another community (the member, or the dispatcher of the old or
/// the new street).
#[utoipa::path(post, path = "/members/{member}/move", tag = "community",
    params(("member" = String, Path, description = "Member id"), CommandHeaders),
    request_body = MoveMember,
    responses((status = 200, body = MemberAnswer), CommandErrors))]
async fn move_member(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(member): ApiPath<String>,
    ApiJson(body): ApiJson<MoveMember>,
) -> Result<Json<MemberAnswer>, ApiError> {
    let action = MemberAction::Move(body);
    member_command(&state, context, Some(member), "member.move", action)
        .await
        .map(Json)
}

/// A member leaves their community (the member, or the dispatcher of its street).
#[utoipa::path(post, path = "/members/{member}/leave", tag = "community",
    params(("member" = String, Path, description = "Member id"), CommandHeaders),
    request_body = LeaveCommunity,
    responses((status = 200, body = MemberAnswer), CommandErrors))]
async fn leave_member(
    State(state): State<AppState>,
    context: CommandContext,
    ApiPath(member): ApiPath<String>,
    ApiJson(body): ApiJson<LeaveCommunity>,
) -> Result<Json<MemberAnswer>, ApiError> {
    let action = MemberAction::Leave {
        reason: body.reason,
    };
    member_command(&state, context, Some(member), "member.leave", action)
        .await
        .map(Json)
}

// --- reads -----------------------------------------------------------------------------------

/// Filters of a need list, with paging and read-your-writes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct NeedQuery {
    /// open, claimed, delivered, confirmed or withdrawn.
    status: Option<String>,
    /// practical, mediation, policy_talk or volunteering.
    kind: Option<String>,
    /// `true`: only needs open for claims now (open, deadline not passed).
    claimable: Option<bool>,
    /// `true`: only needs the caller's unit or member claimed.
    mine: Option<bool>,
    page: Option<String>,
    limit: Option<u32>,
    min_position: Option<String>,
}

impl NeedQuery {
    fn filter(&self, state: &AppState, actor: &Actor) -> Result<NeedFilter, ApiError> {
        let statuses = [
            NeedStatus::Open,
            NeedStatus::Claimed,
            NeedStatus::Delivered,
            NeedStatus::Confirmed,
            NeedStatus::Withdrawn,
        ];
        if let Some(status) = &self.status {
            if !statuses.iter().any(|s| s.as_str() == status) {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    "status",
                    format!("status must be open, claimed, delivered, confirmed or withdrawn, not {status:?}"),
                ));
            }
        }
        if let Some(kind) = &self.kind {
            if !["practical", "mediation", "policy_talk", "volunteering"].contains(&kind.as_str()) {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    "kind",
                    format!("kind must be practical, mediation, policy_talk or volunteering, not {kind:?}"),
                ));
            }
        }
        let claimant = match self.mine {
            Some(true) => Some(Party::of(actor).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_query",
                    "mine",
                    "mine=true needs a unit (department) or member (volunteer) token",
                )
            })?),
            _ => None,
        };
        Ok(NeedFilter {
            status: self.status.clone(),
            kind: self.kind.clone(),
            claimant,
            claimable_at: (self.claimable == Some(true)).then(|| state.clock.now()),
            ..NeedFilter::default()
        })
    }

    fn page(&self) -> PageRequest {
        PageRequest {
            after: self.page.clone(),
            limit: self.limit.unwrap_or(50),
        }
    }
}

/// Filters of a resource list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ResourceQuery {
    /// Only the resources of this unit (department code).
    unit: Option<String>,
    /// `true`: only resources that can still be matched now (capacity left, available).
    available: Option<bool>,
    page: Option<String>,
    limit: Option<u32>,
    min_position: Option<String>,
}

impl ResourceQuery {
    fn filter(&self, state: &AppState) -> ResourceFilter {
        ResourceFilter {
            unit: self.unit.clone(),
            available_at: (self.available == Some(true)).then(|| state.clock.now()),
            ..ResourceFilter::default()
        }
    }

    fn page(&self) -> PageRequest {
        PageRequest {
            after: self.page.clone(),
            limit: self.limit.unwrap_or(50),
        }
    }
}

fn may_read_lists(actor: &Actor) -> Result<(), ApiError> {
    if access::may_read_community_lists(actor) {
        Ok(())
    } else {
        Err(forbidden("community lists"))
    }
}

/// The street of community `community`, or 404.
fn street_of(state: &AppState, community: &str) -> Result<String, ApiError> {
    state
        .org
        .place_of_community(community)
        .map(|place| place.street)
        .ok_or_else(|| ApiError::NotFound {
            message: format!("no community `{community}` in the organisation"),
            field: Some("community".into()),
        })
}

fn known_street(state: &AppState, street: &str) -> Result<(), ApiError> {
    match state.org.street(street) {
        Some(_) => Ok(()),
        None => Err(ApiError::NotFound {
            message: format!("no street `{street}` in the organisation"),
            field: Some("street".into()),
        }),
    }
}

/// The community's needs, newest first.
#[utoipa::path(get, path = "/communities/{community}/needs", tag = "community",
    params(("community" = String, Path, description = "Community code"), NeedQuery),
    responses((status = 200, body = Page<NeedItem>), ReadErrors))]
async fn list_needs(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(community): ApiPath<String>,
    ApiQuery(query): ApiQuery<NeedQuery>,
) -> Result<Json<Page<NeedItem>>, ApiError> {
    may_read_lists(&actor)?;
    street_of(&state, &community)?;
    let filter = NeedFilter {
        community: Some(community),
        ..query.filter(&state, &actor)?
    };
    caught_up(&state, &query.min_position).await?;
    let page = community::needs(&state.store, &filter, &query.page()).await;
    Ok(Json(page.map_err(list_error)?))
}

/// The needs of every community of the street, newest first.
#[utoipa::path(get, path = "/streets/{street}/needs", tag = "community",
    params(("street" = String, Path, description = "Street code"), NeedQuery),
    responses((status = 200, body = Page<NeedItem>), ReadErrors))]
async fn street_needs(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(street): ApiPath<String>,
    ApiQuery(query): ApiQuery<NeedQuery>,
) -> Result<Json<Page<NeedItem>>, ApiError> {
    may_read_lists(&actor)?;
    known_street(&state, &street)?;
    let filter = NeedFilter {
        street: Some(street),
        ..query.filter(&state, &actor)?
    };
    caught_up(&state, &query.min_position).await?;
    let page = community::needs(&state.store, &filter, &query.page()).await;
    Ok(Json(page.map_err(list_error)?))
}

/// The resources units offer the community, newest first.
#[utoipa::path(get, path = "/communities/{community}/resources", tag = "community",
    params(("community" = String, Path, description = "Community code"), ResourceQuery),
    responses((status = 200, body = Page<ResourceItem>), ReadErrors))]
async fn list_resources(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(community): ApiPath<String>,
    ApiQuery(query): ApiQuery<ResourceQuery>,
) -> Result<Json<Page<ResourceItem>>, ApiError> {
    may_read_lists(&actor)?;
    street_of(&state, &community)?;
    let filter = ResourceFilter {
        community: Some(community),
        ..query.filter(&state)
    };
    caught_up(&state, &query.min_position).await?;
    let page = community::resources(&state.store, &filter, &query.page()).await;
    Ok(Json(page.map_err(list_error)?))
}

/// The resources offered to every community of the street, newest first.
#[utoipa::path(get, path = "/streets/{street}/resources", tag = "community",
    params(("street" = String, Path, description = "Street code"), ResourceQuery),
    responses((status = 200, body = Page<ResourceItem>), ReadErrors))]
async fn street_resources(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(street): ApiPath<String>,
    ApiQuery(query): ApiQuery<ResourceQuery>,
) -> Result<Json<Page<ResourceItem>>, ApiError> {
    may_read_lists(&actor)?;
    known_street(&state, &street)?;
    let filter = ResourceFilter {
        street: Some(street),
        ..query.filter(&state)
    };
    caught_up(&state, &query.min_position).await?;
    let page = community::resources(&state.store, &filter, &query.page()).await;
    Ok(Json(page.map_err(list_error)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct MembersQuery {
    /// `true`: also members who left (their last registration).
    all: Option<bool>,
    page: Option<String>,
    limit: Option<u32>,
    min_position: Option<String>,
}

/// The members registered in the community, latest first (hotline, auditor, admin, the
/// street's dispatcher).
#[utoipa::path(get, path = "/communities/{community}/members", tag = "community",
    params(("community" = String, Path, description = "Community code"), MembersQuery),
    responses((status = 200, body = Page<MemberItem>), ReadErrors))]
async fn community_members(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(community): ApiPath<String>,
    ApiQuery(query): ApiQuery<MembersQuery>,
) -> Result<Json<Page<MemberItem>>, ApiError> {
    let street = street_of(&state, &community)?;
    if !access::may_read_members_of(&actor, &street) {
        return Err(forbidden("this community's members"));
    }
    caught_up(&state, &query.min_position).await?;
    let filter = MemberFilter {
        community: Some(community),
        street: None,
        registered: query.all != Some(true),
    };
    let page = PageRequest {
        after: query.page.clone(),
        limit: query.limit.unwrap_or(50),
    };
    let found = community::members(&state.store, &filter, &page).await;
    Ok(Json(found.map_err(list_error)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ReadQuery {
    min_position: Option<String>,
}

/// A member's registration (the member, the dispatcher of the street they live in, hotline,
/// auditor, admin).
#[utoipa::path(get, path = "/members/{member}", tag = "community",
    params(("member" = String, Path, description = "Member id"), ReadQuery),
    responses((status = 200, body = MemberItem), ReadErrors))]
async fn read_member(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(member): ApiPath<String>,
    ApiQuery(query): ApiQuery<ReadQuery>,
) -> Result<Json<MemberItem>, ApiError> {
    if !access::may_read_community_lists(&actor) {
        return Err(forbidden("members"));
    }
    caught_up(&state, &query.min_position).await?;
    let found = community::member(&state.store, &member).await?;
    let readable =
        |item: &MemberItem| access::may_read_member(&actor, &member, item.street.as_deref());
    match found {
        Some(item) if readable(&item) => Ok(Json(item)),
        Some(_) => Err(forbidden("this member")),
        None if access::may_read_member(&actor, &member, None) => Err(ApiError::not_found(
            format!("member `{member}` never registered"),
        )),
        None => Err(forbidden("this member")),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ScoresQuery {
    /// `unit` (resident units, i.e. departments) or `member`.
    unit: String,
    /// YYYY-MM, YYYY-H1, YYYY-H2 or YYYY (Asia/Shanghai; points count in the month confirmed).
    period: String,
    /// Only points earned in this street: the street's ranking (no status or tiers).
    street: Option<String>,
    min_position: Option<String>,
}

/// 量化积分 / 锋领指数: points per unit or member for a month, half-year or year, from confirmed
/// needs and confirmed case tasks, ranked (ties share a rank). For a year, district-wide, each
/// unit's status against the organisation's thresholds (below `unit_floor` no shared resources,
/// above `unit_commended` commended) or each member's tier (top share 先进, below the floor 警示),
/// with counts in `summary`.
#[utoipa::path(get, path = "/scores", tag = "community", params(ScoresQuery),
    responses((status = 200, body = Scores), ReadErrors))]
async fn scores(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<ScoresQuery>,
) -> Result<Json<Scores>, ApiError> {
    if !access::may_read_scores(&actor) {
        return Err(forbidden("scores"));
    }
    let unit = match query.unit.as_str() {
        "unit" => ScoreUnit::Unit,
        "member" => ScoreUnit::Member,
        other => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "unit",
                format!("unit must be unit or member, not {other:?}"),
            ))
        }
    };
    let period: Period = query
        .period
        .parse()
        .map_err(|e| ApiError::bad_request("invalid_query", "period", format!("{e}")))?;
    if let Some(street) = &query.street {
        if state.org.street(street).is_none() {
            return Err(ApiError::bad_request(
                "invalid_query",
                "street",
                format!("no street `{street}` in the organisation"),
            ));
        }
    }
    caught_up(&state, &query.min_position).await?;
    let score_query = ScoreQuery {
        unit,
        period,
        street: query.street,
    };
    match community::scores(&state.store, &state.org, &score_query).await {
        Ok(scores) => Ok(Json(scores)),
        Err(ScoreError::BadPeriod(e)) => Err(ApiError::bad_request(
            "invalid_query",
            "period",
            e.to_string(),
        )),
        Err(ScoreError::Store(e)) => Err(e.into()),
    }
}
