//! The OpenAPI 3.1 document (`/api/v1/openapi.json`, Swagger UI at `/docs`): its frame, and the
//! parts every command shares. The paths come from the route modules as they are registered.

use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, Paths};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder, ResponsesBuilder};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, PartialSchema, ToSchema};

use crate::api_error::ErrorBody;
use crate::view::CommandAnswer;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shaobao 哨报",
        description = "Case handling for street-level governance: 12345 hotline requests (接诉即办), \
            whistles that summon departments (街道吹哨、部门报到), household visits and volunteer tasks. \
            Community lists, member registrations and scores are under the `community` tag. \
            Every request but health, metrics and this document needs `Authorization: Bearer <token>` \
            (`shaobao token create`). Errors answer `{\"error\": {\"code\", \"message\", \"field\"}}`."
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "commands", description = "Change a case, open one, record a visit"),
        (name = "cases", description = "A case, its history and past versions"),
        (name = "feed", description = "Every event in commit order (auditors, admins)"),
        (name = "audit", description = "The access log of personal data (auditors)"),
        (name = "org", description = "Organisation reference data"),
        (name = "community", description = "Community mobilisation: two-way need and resource \
            lists 双向需求清单, members reporting where they live 在职党员回小区报到, scores 量化积分"),
        (name = "operations", description = "Health and metrics (no token)"),
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("A token from `shaobao token create` (`sb_…`)"))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The headers every command takes.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documents headers; they are read by `extract::CommandContext`
pub struct CommandHeaders {
    /// Repeating a request with the same key (same token) answers the first outcome and changes
    /// nothing; reusing it for a different request is refused (409 `idempotency_key_reused`).
    #[param(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
    /// The case version the client decided on (`3` or `"3"`, as in the case's ETag); another
    /// version answers 412.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// The errors a command may answer.
#[derive(IntoResponses)]
#[allow(dead_code)] // documents responses; `ApiError` produces them
pub enum CommandErrors {
    /// Malformed JSON, a field of the wrong type or unknown, an unknown street, department or
    /// category, a bad header: `field` names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No token, or an unknown one.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The token's role or scope does not cover this command on this case.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such case, whistle or task.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The case's state refuses the command (the message says why), concurrent writers kept
    /// winning, or the Idempotency-Key was used for another request.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// `If-Match` names another version than the case has.
    #[response(status = 412)]
    PreconditionFailed(ErrorBody),
    /// The body is over 64 KiB.
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// The store is unavailable; retry with the same Idempotency-Key.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The errors a read may answer.
#[derive(IntoResponses)]
#[allow(dead_code)] // documents responses; `ApiError` produces them
pub enum ReadErrors {
    /// A bad query parameter: `field` names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No token, or an unknown one.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The token's role or scope does not cover this.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such case or version.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The store is unavailable.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The OpenAPI operation of a case command at `path` taking body `B` (with the command headers, the
/// answer and every error it may give), and the schemas it refers to.
pub fn command_operation<B: ToSchema>(
    path: &str,
    operation_id: &str,
    summary: &str,
    path_params: &[&str],
) -> (Vec<(String, RefOr<Schema>)>, Paths) {
    let mut parameters: Vec<_> = path_params
        .iter()
        .map(|name| {
            // `{no}` numbers a whistle or task; `{id}` is a case id.
            let kind = if *name == "no" {
                Type::Integer
            } else {
                Type::String
            };
            ParameterBuilder::new()
                .name(*name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(kind)))
                .build()
        })
        .collect();
    parameters.extend(CommandHeaders::into_params(|| Some(ParameterIn::Header)));
    let json = |schema: &str| {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(schema)))
            .build()
    };
    let answer = ResponseBuilder::new()
        .description("Done, or the first answer to a repeated Idempotency-Key")
        .content("application/json", json(&CommandAnswer::name()))
        .build();
    let operation = OperationBuilder::new()
        .tag("commands")
        .summary(Some(summary))
        .operation_id(Some(operation_id))
        .parameters(Some(parameters))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json(&B::name()))
                .required(Some(Required::True))
                .build(),
        ))
        .responses(
            ResponsesBuilder::new()
                .response("200", answer)
                .responses_from_into_responses::<CommandErrors>()
                .build(),
        );
    let mut paths = Paths::new();
    paths.add_path_operation(path, vec![HttpMethod::Post], operation);
    let mut schemas = vec![
        (B::name().into_owned(), B::schema()),
        (CommandAnswer::name().into_owned(), CommandAnswer::schema()),
        (ErrorBody::name().into_owned(), ErrorBody::schema()),
    ];
    B::schemas(&mut schemas);
    ErrorBody::schemas(&mut schemas);
    (schemas, paths)
}
