//! Extractors that turn the raw request into checked values, answering every refusal with an
//! [`ApiError`] in Vietnamese (axum's own rejections are English plain text):
//!
//! - [`ApiJson`]: a JSON body, NFC-normalised, with the JSON path of the first bad field;
//! - [`ApiPath`]: path parameters, a bad one named (`invalid_path`, field = the parameter);
//! - [`parse_day`] / [`parse_count`]: query parameters, parsed by hand so the parameter is named.
//!
//! The acting user lives in [`crate::actor`].

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use time::Date;
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// A JSON request body. Accepts `application/json` (and `…+json`); the text is normalised to
/// NFC before parsing, so Vietnamese typed in decomposed form compares equal to stored text.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let text = json_text(request, state).await?;
        parse_json(&text).map(ApiJson)
    }
}

/// The body of a JSON request as NFC text, refusing other media types and oversized bodies.
/// An empty body reads as `{}`: a change that needs nothing but the version read can send it in
/// `If-Match` alone, and a body that needs fields is refused naming the first missing one.
pub async fn json_text<S: Send + Sync>(request: Request, state: &S) -> Result<String, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "nội dung yêu cầu quá lớn",
                )
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unreadable_body",
                    "không đọc được nội dung yêu cầu",
                )
            }
        })?;
    if bytes.is_empty() {
        return Ok("{}".to_string());
    }
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "nội dung yêu cầu phải là JSON (Content-Type: application/json)",
        )
        .with_field("Content-Type"));
    }
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "nội dung yêu cầu không phải văn bản UTF-8 (lỗi ở byte thứ {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let text = nfc_strings(nfc(text));
    check_text(&text)?;
    Ok(text)
}

fn nfc(text: String) -> String {
    match is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

/// Normalises to NFC the strings written with `\u` escapes, which normalising the raw text
/// cannot reach (`"e\u0301"` is plain ASCII until parsed). Such a string literal is decoded,
/// normalised and written back; literals without escapes and text that is not well-formed JSON
/// are left for the parser (which reports the syntax error).
fn nfc_strings(text: String) -> String {
    if !text.contains("\\u") {
        return text;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut at, mut copied) = (0, 0);
    while at < bytes.len() {
        if bytes[at] != b'"' {
            at += 1;
            continue;
        }
        let start = at;
        let mut escaped_code_point = false;
        at += 1;
        while at < bytes.len() && bytes[at] != b'"' {
            if bytes[at] == b'\\' {
                escaped_code_point |= bytes.get(at + 1) == Some(&b'u');
                at += 2;
            } else {
                at += 1;
            }
        }
        if at >= bytes.len() {
            break;
        }
        at += 1;
        if escaped_code_point
            && let Ok(decoded) = serde_json::from_str::<String>(&text[start..at])
            && !matches!(
                is_nfc_quick(decoded.chars()),
                unicode_normalization::IsNormalized::Yes
            )
        {
            let normal: String = decoded.nfc().collect();
            if normal != decoded
                && let Ok(literal) = serde_json::to_string(&normal)
            {
                out.push_str(&text[copied..start]);
                out.push_str(&literal);
                copied = at;
            }
        }
    }
    if copied == 0 {
        return text;
    }
    out.push_str(&text[copied..]);
    out
}

/// A character no text field may hold: a control character other than tab and line breaks
/// (NUL above all, which PostgreSQL cannot store and SQLite would store silently), or a Unicode
/// noncharacter.
pub fn is_invalid_text_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c as u32, 0xFDD0..=0xFDEF)
        || (c as u32) & 0xFFFE == 0xFFFE
}

/// Refuses a body holding a string (a value or a key) with an invalid character: `400
/// invalid_text` naming the field by its JSON path, the same on both backends. A body that is
/// not well-formed JSON is left for the parser to report.
fn check_text(text: &str) -> Result<(), ApiError> {
    // A control character can only appear escaped (raw ones are syntax errors); the others may
    // be written either way.
    if !text.contains("\\u") && !text.chars().any(is_invalid_text_char) {
        return Ok(());
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Ok(());
    };
    match invalid_text_at(&value, String::new()) {
        None => Ok(()),
        Some(path) => {
            let error = ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_text",
                "văn bản chứa ký tự không hợp lệ (ký tự điều khiển như NUL, hoặc ký tự không phải chữ viết): hãy xoá ký tự đó rồi gửi lại",
            );
            Err(if path.is_empty() {
                error
            } else {
                error.with_field(path)
            })
        }
    }
}

/// The JSON path (`items[1].name`, as serde_path_to_error writes it) of the first string
/// holding an invalid character.
fn invalid_text_at(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let bad = |s: &str| s.chars().any(is_invalid_text_char);
    match value {
        Value::String(s) => bad(s).then_some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| invalid_text_at(item, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if bad(key) {
                Some(at)
            } else {
                invalid_text_at(item, at)
            }
        }),
        _ => None,
    }
}

/// Parses JSON text into `T`: a syntax error is 400 `malformed_json` with the line and column,
/// a well-formed body of the wrong shape is 422 `invalid_body` with the JSON path of the field.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut *deserializer);
    let value = result.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.classify() == serde_json::error::Category::Syntax
            && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
        {
            return wrong_type::<T>(text, &path);
        }
        json_error(&path, &inner)
    })?;
    // Only whitespace may follow the value: `{…} garbage` is not a JSON body.
    deserializer
        .end()
        .map_err(|error| json_error(".", &error))?;
    Ok(value)
}

/// A well-formed body that serde_json's reader refused as a syntax error: it reports a value of
/// the wrong JSON type for an enum (a number where one of a fixed list of names is expected) as
/// "expected value". Read again through a `Value`, whose errors are data errors, for the
/// message; answered `422 invalid_body` at the field's path either way.
fn wrong_type<T: DeserializeOwned>(text: &str, path: &str) -> ApiError {
    let retried = serde_json::from_str::<serde_json::Value>(text)
        .map_err(|e| (String::new(), e))
        .and_then(|value| {
            serde_path_to_error::deserialize::<_, T>(value)
                .map(|_| ())
                .map_err(|e| (e.path().to_string(), e.into_inner()))
        });
    match retried {
        Err((at, error)) if error.classify() == serde_json::error::Category::Data => {
            json_error(&at, &error)
        }
        _ => {
            let error = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "sai kiểu dữ liệu: giá trị không thuộc kiểu trường này nhận",
            );
            if path == "." || path == "?" {
                error
            } else {
                error.with_field(path)
            }
        }
    }
}

/// The Vietnamese answer for a serde_json error at `path` (`.` for the root).
pub fn json_error(path: &str, error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "JSON không đúng cú pháp ở dòng {}, cột {}: {}",
                error.line(),
                error.column(),
                syntax_vi(&message_without_location(error))
            ),
        ),
        Category::Data => {
            let raw = message_without_location(error);
            let (message, missing) = data_message_vi(&raw);
            let mut field = if path == "." || path == "?" {
                String::new()
            } else {
                path.to_string()
            };
            if let Some(missing) = missing {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(&missing);
            }
            let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", message);
            if field.is_empty() {
                error
            } else {
                error.with_field(field)
            }
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the location is reported apart.
fn message_without_location(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn syntax_vi(message: &str) -> String {
    let known = [
        ("EOF while parsing", "nội dung bị cắt cụt"),
        ("trailing characters", "còn ký tự thừa sau giá trị JSON"),
        ("trailing comma", "dấu phẩy thừa"),
        (
            "key must be a string",
            "tên trường phải là chuỗi trong ngoặc kép",
        ),
        ("expected value", "thiếu giá trị hoặc giá trị không hợp lệ"),
        ("expected `,` or `}`", "thiếu dấu phẩy hoặc dấu }"),
        ("expected `,` or `]`", "thiếu dấu phẩy hoặc dấu ]"),
        ("expected `:`", "thiếu dấu hai chấm"),
        ("invalid escape", "ký tự thoát không hợp lệ"),
        ("control character", "chuỗi chứa ký tự điều khiển"),
        ("invalid number", "số không hợp lệ"),
        ("number out of range", "số vượt quá giới hạn"),
        ("invalid unicode code point", "mã Unicode không hợp lệ"),
        ("lone leading surrogate", "mã Unicode không hợp lệ"),
        ("recursion limit exceeded", "cấu trúc lồng quá sâu"),
    ];
    known
        .iter()
        .find(|(english, _)| message.starts_with(english))
        .map(|(_, vi)| (*vi).to_string())
        .unwrap_or_else(|| "cú pháp không hợp lệ".to_string())
}

/// serde's list of names (`` `a`, `b` or `c` ``) as Vietnamese prose quotes them: «a», «b» hoặc
/// «c».
fn quoted(list: &str) -> String {
    let mut out = String::with_capacity(list.len() + 8);
    let mut open = false;
    for c in list.chars() {
        if c == '`' {
            out.push(if open { '»' } else { '«' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out.replace(" or ", " hoặc ")
}

/// A serde problem reported by another layer as text (a rules case file …), in Vietnamese, its
/// location ("at line L column C") left out.
pub fn serde_problem_vi(problem: &str) -> String {
    let problem = match problem.rfind(" at line ") {
        Some(at) => &problem[..at],
        None => problem,
    };
    if problem.starts_with("invalid")
        || problem.starts_with("unknown")
        || problem.starts_with("missing")
        || problem.starts_with("duplicate")
    {
        data_message_vi(problem).0
    } else if problem.is_ascii() {
        syntax_vi(problem)
    } else {
        problem.to_owned()
    }
}

/// Translates serde's data errors; also returns the name of a missing field, which serde does
/// not put in the path.
fn data_message_vi(message: &str) -> (String, Option<String>) {
    if let Some(name) = between(message, "missing field `", "`") {
        return (format!("thiếu trường bắt buộc «{name}»"), Some(name));
    }
    if let Some(name) = between(message, "duplicate field `", "`") {
        return (format!("trường «{name}» xuất hiện hai lần"), None);
    }
    if let Some(name) = between(message, "unknown field `", "`") {
        let allowed = after(message, "expected one of ")
            .or_else(|| after(message, "expected "))
            .map(|list| format!("; các trường hợp lệ: {}", quoted(list)))
            .unwrap_or_default();
        return (
            format!("trường «{name}» không được chấp nhận{allowed}"),
            None,
        );
    }
    if let Some(name) = between(message, "unknown variant `", "`") {
        let allowed = after(message, "expected one of ")
            .or_else(|| after(message, "expected "))
            .map(|list| format!("; các giá trị hợp lệ: {}", quoted(list)))
            .unwrap_or_default();
        return (format!("giá trị «{name}» không hợp lệ{allowed}"), None);
    }
    for (prefix, label) in [
        ("invalid type: ", "sai kiểu dữ liệu"),
        ("invalid value: ", "giá trị không hợp lệ"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((got, expected)) = rest.split_once(", expected ")
        {
            return (
                format!(
                    "{label}: nhận {}, cần {}",
                    value_vi(got),
                    expected_vi(expected)
                ),
                None,
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((got, expected)) = rest.split_once(", expected ")
    {
        return (
            format!(
                "số phần tử không hợp lệ: nhận {got}, cần {}",
                expected_vi(expected)
            ),
            None,
        );
    }
    // A message written by our own types is already Vietnamese; anything else is shown as is
    // behind a Vietnamese lead.
    if !message.is_ascii() {
        (message.to_string(), None)
    } else {
        (format!("dữ liệu không hợp lệ: {message}"), None)
    }
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(rest[..rest.find(end)?].to_string())
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|at| &text[at + marker.len()..])
}

/// serde's description of an unexpected value (`string "abc"`, `integer `5``, `map` …).
fn value_vi(got: &str) -> String {
    let quoted = |s: &str| s.trim_matches('`').to_string();
    if let Some(rest) = got.strip_prefix("string ") {
        return format!("chuỗi {rest}");
    }
    if let Some(rest) = got.strip_prefix("integer ") {
        return format!("số nguyên {}", quoted(rest));
    }
    if let Some(rest) = got.strip_prefix("floating point ") {
        return format!("số thực {}", quoted(rest));
    }
    if let Some(rest) = got.strip_prefix("boolean ") {
        return format!("giá trị logic {}", quoted(rest));
    }
    match got {
        "null" | "unit value" => "null".to_string(),
        "map" => "đối tượng".to_string(),
        "sequence" => "mảng".to_string(),
        other => format!("«{other}»"),
    }
}

/// serde's description of what was expected (`u32`, `a string`, `struct Plan` …).
fn expected_vi(expected: &str) -> String {
    let expected = expected.trim();
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "số nguyên không âm".to_string(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "số nguyên".to_string(),
        "f32" | "f64" => "số".to_string(),
        "a boolean" => "giá trị logic true/false".to_string(),
        "a string" | "a borrowed string" => "chuỗi".to_string(),
        "a character" | "a char" => "một ký tự".to_string(),
        "a sequence" => "mảng".to_string(),
        "a map" => "đối tượng".to_string(),
        "a UUID string" | "UUID parsable string" => "mã UUID".to_string(),
        // What a `Value` says when an enum's variant name is expected.
        "string or map" => "chuỗi, một trong các giá trị cho phép".to_string(),
        _ if expected.starts_with("struct ") || expected.starts_with("a map") => {
            "đối tượng".to_string()
        }
        _ if expected.starts_with("a sequence") || expected.starts_with("tuple") => {
            "mảng".to_string()
        }
        _ if expected.contains("Date") || expected.contains("date") => {
            "ngày dạng yyyy-mm-dd".to_string()
        }
        other => format!("«{}»", other.replace('`', "")),
    }
}

/// Path parameters (`/plans/{id}`). axum's own rejection is English plain text; this one is
/// `400 invalid_path` naming the parameter and what it should be.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::{ErrorKind, Path};
        use axum::extract::rejection::PathRejection;
        // A NUL or another control character in a path parameter would reach the database
        // (PostgreSQL refuses it, SQLite looks it up): refuse it here, naming the parameter.
        if let Ok(params) = axum::extract::RawPathParams::from_request_parts(parts, state).await
            && let Some((key, _)) = params
                .iter()
                .find(|(_, value)| value.chars().any(is_invalid_text_char))
        {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                "đường dẫn chứa ký tự không hợp lệ (ký tự điều khiển như NUL)",
            )
            .with_field(key));
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(error)) => {
                let (key, value, expected) = match error.kind() {
                    ErrorKind::ParseErrorAtKey {
                        key,
                        value,
                        expected_type,
                    } => (Some(key.as_str()), value.as_str(), *expected_type),
                    ErrorKind::ParseError {
                        value,
                        expected_type,
                    }
                    | ErrorKind::ParseErrorAtIndex {
                        value,
                        expected_type,
                        ..
                    } => (None, value.as_str(), *expected_type),
                    ErrorKind::DeserializeError { key, value, .. } => (
                        Some(key.as_str()),
                        value.as_str(),
                        std::any::type_name::<T>(),
                    ),
                    ErrorKind::InvalidUtf8InPathParam { key } => (Some(key.as_str()), "", "UTF-8"),
                    _ => (None, "", std::any::type_name::<T>()),
                };
                let what = match expected {
                    e if e.contains("Uuid") => "một mã định danh (UUID)",
                    e if e.contains("i32") || e.contains("i64") || e.contains("u32") => "một số",
                    "UTF-8" => "văn bản UTF-8",
                    _ => "một giá trị hợp lệ",
                };
                let error = ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_path",
                    format!("«{value}» trong đường dẫn không phải {what}"),
                );
                // A single parameter's error does not name it: find it by its value.
                let key = match key {
                    Some(key) => Some(key.to_owned()),
                    None => axum::extract::RawPathParams::from_request_parts(parts, state)
                        .await
                        .ok()
                        .and_then(|params| {
                            params
                                .iter()
                                .find(|(_, v)| *v == value)
                                .map(|(k, _)| k.to_owned())
                        }),
                };
                Err(match key {
                    Some(key) => error.with_field(key),
                    None => error,
                })
            }
            Err(_) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                "đường dẫn không hợp lệ",
            )),
        }
    }
}

/// Query parameters. axum's own rejection is English; this one names the problem in Vietnamese.
/// Handlers keep parameters as text and parse them with [`parse_day`] and [`parse_count`], so
/// the bad parameter is named.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> =
            axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
                .map(|q| q.0)
                .unwrap_or_default();
        if let Some((key, _)) = pairs
            .iter()
            .find(|(k, v)| k.chars().chain(v.chars()).any(is_invalid_text_char))
        {
            return Err(ApiError::bad_query(
                key,
                "tham số truy vấn chứa ký tự không hợp lệ (ký tự điều khiển như NUL)",
            ));
        }
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| query_error(&pairs, error))
    }
}

/// The `400 invalid_query` of a query the handler's type cannot read, naming the parameter: the
/// one serde was reading, or the one its message names (a missing field), with its value.
fn query_error(
    pairs: &[(String, String)],
    error: serde_path_to_error::Error<serde_urlencoded::de::Error>,
) -> ApiError {
    let path = error.path().to_string();
    let message = error.inner().to_string();
    let named = |quote: char| {
        message
            .split_once(quote)
            .and_then(|(_, rest)| rest.split_once(quote))
            .map(|(name, _)| name.to_owned())
    };
    let field = if path.is_empty() || path == "." {
        named('`')
    } else {
        Some(path)
    };
    match field {
        Some(field) => {
            let problem = match pairs.iter().find(|(k, _)| *k == field) {
                Some((_, value)) => format!("giá trị «{value}» của «{field}» không hợp lệ"),
                None => format!("thiếu tham số «{field}»"),
            };
            ApiError::bad_query(&field, format!("tham số truy vấn không hợp lệ: {problem}"))
        }
        None => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "tham số truy vấn không hợp lệ".to_string(),
        ),
    }
}

/// The version a change is based on, from an `If-Match: "3"` header (`W/"3"` and a bare `3`
/// are accepted too). Combine with the body's `version` by [`IfMatch::version`].
#[derive(Debug, Clone, Copy, Default)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        let bare = text.trim_start_matches("W/").trim_matches('"');
        bare.parse::<i64>().map(|v| IfMatch(Some(v))).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_header",
                format!(
                    "tiêu đề If-Match «{text}» không hợp lệ: hãy ghi số phiên bản, ví dụ \"3\""
                ),
            )
            .with_field("If-Match")
        })
    }
}

impl IfMatch {
    /// The version the change is based on: the header's, the body's, or both when they agree.
    /// Without either the change is refused (428 `version_required`): a write that does not
    /// say which version it read could overwrite someone else's change.
    pub fn version(self, body: Option<i64>) -> Result<i64, ApiError> {
        match (self.0, body) {
            (Some(a), Some(b)) if a != b => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "version_mismatch",
                format!("phiên bản trong If-Match ({a}) khác phiên bản trong nội dung ({b})"),
            )
            .with_field("version")),
            (Some(v), _) | (None, Some(v)) => Ok(v),
            (None, None) => Err(ApiError::new(
                StatusCode::PRECONDITION_REQUIRED,
                "version_required",
                "thiếu phiên bản đã đọc: hãy gửi «version» trong nội dung hoặc tiêu đề If-Match",
            )
            .with_field("version")),
        }
    }
}

/// A day from a query parameter: ISO `yyyy-mm-dd` or Vietnamese `dd/mm/yyyy`; `default` (the
/// app's today) when absent.
pub fn parse_day(field: &str, value: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => kiemdiem_app::parse_date(text).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_date",
                format!("ngày «{text}» không hợp lệ: hãy ghi yyyy-mm-dd hoặc dd/mm/yyyy"),
            )
            .with_field(field)
        }),
    }
}

/// A non-negative count from a query parameter, `default` when absent, at most `max`.
pub fn parse_count(
    field: &str,
    value: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n <= max => Ok(n),
            Ok(_) => Err(ApiError::bad_query(
                field,
                format!("«{field}» tối đa là {max}"),
            )),
            Err(_) => Err(ApiError::bad_query(
                field,
                format!("«{field}» phải là số nguyên không âm, nhận «{text}»"),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }

    #[test]
    fn bad_fields_are_named_in_vietnamese() {
        let error = parse_json::<Body>(r#"{"name":"a","items":[{"count":1},{"count":"x"}]}"#)
            .expect_err("wrong type");
        assert_eq!(error.code(), "invalid_body");
        assert_eq!(error.field(), Some("items[1].count"));
        assert_eq!(
            error.message(),
            "sai kiểu dữ liệu: nhận chuỗi \"x\", cần số nguyên không âm"
        );

        let error = parse_json::<Body>(r#"{"items":[]}"#).expect_err("missing");
        assert_eq!(error.field(), Some("name"));
        assert_eq!(error.message(), "thiếu trường bắt buộc «name»");

        let error = parse_json::<Body>(r#"{"name":"a","items":[],"extra":1}"#).expect_err("extra");
        assert_eq!(error.field(), Some("extra"));
        assert!(
            error
                .message()
                .starts_with("trường «extra» không được chấp nhận")
        );
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse_json::<Body>("{\"name\": \"a\",\n").expect_err("cut");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), "malformed_json");
        assert_eq!(
            error.message(),
            "JSON không đúng cú pháp ở dòng 2, cột 0: nội dung bị cắt cụt"
        );
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        Secret,
        Paper,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Choice {
        modes: Vec<Mode>,
    }

    #[test]
    fn trailing_garbage_after_the_body_is_refused() {
        let error = parse_json::<Body>(r#"{"name":"a","items":[]} garbage"#).expect_err("trailing");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), "malformed_json");
        assert!(
            error.message().contains("còn ký tự thừa"),
            "{}",
            error.message()
        );
        let error = parse_json::<Body>(r#"{"name":"a","items":[]}{}"#).expect_err("two values");
        assert_eq!(error.code(), "malformed_json");
        assert!(parse_json::<Body>("{\"name\":\"a\",\"items\":[]}\n\t ").is_ok());
    }

    #[test]
    fn escaped_decomposed_text_is_normalised() {
        // "Nguyễn" with ễ written as e + U+0302 + U+0303, every mark escaped.
        let text = nfc_strings(nfc(
            r#"{"name":"Nguye\u0302\u0303n","items":[],"ke\u0301":"\u00e9"}"#.to_string(),
        ));
        let value: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(value["name"], "Nguyễn");
        assert_eq!(value["name"].as_str().map(str::len), Some("Nguyễn".len()));
        assert_eq!(value["ké"], "é", "keys are normalised too: {text}");
        // Text without escapes is untouched; a broken literal is left for the parser.
        assert_eq!(nfc_strings("{\"a\":\"b\"}".to_string()), "{\"a\":\"b\"}");
        assert_eq!(nfc_strings("{\"a\":\"\\u0".to_string()), "{\"a\":\"\\u0");
    }

    #[test]
    fn invalid_characters_are_refused_naming_the_field() {
        let error =
            check_text(r#"{"name":"a","items":[{"count":1,"note":"x\u0000y"}]}"#).expect_err("NUL");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), "invalid_text");
        assert_eq!(error.field(), Some("items[0].note"));
        let error = check_text("{\"a\\u0001\":1}").expect_err("control in a key");
        assert_eq!(error.field(), Some("a\u{1}"));
        let error = check_text("{\"a\":\"\u{FFFF}\"}").expect_err("noncharacter");
        assert_eq!(error.field(), Some("a"));
        assert!(check_text("{\"a\":\"dòng 1\\ndòng 2\\t\\u00e9\"}").is_ok());
        assert!(
            check_text("{\"a\":\"\\u0000").is_ok(),
            "left for the parser"
        );
    }

    #[test]
    fn a_wrong_type_for_a_fixed_choice_names_the_field() {
        let error = parse_json::<Choice>(r#"{"modes":["secret",5]}"#).expect_err("number");
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.code(), "invalid_body");
        assert_eq!(error.field(), Some("modes[1]"));
        assert!(
            error.message().starts_with("sai kiểu dữ liệu"),
            "{}",
            error.message()
        );
        let error = parse_json::<Choice>(r#"{"modes":[true]}"#).expect_err("boolean");
        assert_eq!(error.field(), Some("modes[0]"));
        let error = parse_json::<Choice>(r#"{"modes":["paper","ballot"]}"#).expect_err("name");
        assert_eq!(error.field(), Some("modes[1]"));
        assert!(parse_json::<Choice>(r#"{"modes":["paper"]}"#).is_ok());
    }

    fn today() -> Date {
        time::macros::date!(2025 - 12 - 31)
    }

    #[test]
    fn days_and_counts() {
        assert_eq!(parse_day("as_of", None, today()).ok(), Some(today()));
        assert_eq!(
            parse_day("as_of", Some("2025-07-01"), today()).ok(),
            Some(time::macros::date!(2025 - 07 - 01))
        );
        assert_eq!(
            parse_day("as_of", Some("01/07/2025"), today()).ok(),
            Some(time::macros::date!(2025 - 07 - 01))
        );
        let error = parse_day("as_of", Some("31/02/2025"), today()).expect_err("no such day");
        assert_eq!(error.field(), Some("as_of"));
        assert_eq!(error.code(), "invalid_date");
        assert_eq!(parse_count("limit", None, 100, 1000).ok(), Some(100));
        assert!(parse_count("limit", Some("1001"), 100, 1000).is_err());
        assert!(parse_count("limit", Some("-1"), 100, 1000).is_err());
    }
}
