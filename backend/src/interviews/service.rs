//! Session logic. Every query is scoped to the signed-in user: another user's session or answer is
//! simply not found.
use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait, SqlErr,
    sea_query::{Expr, Query, SelectStatement},
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{dto::*, usage};
use crate::{
    catalog::{self, dto::summary},
    entities::{
        answers, evaluations, practice_sessions, question_roles, questions, roles,
        session_questions, users,
    },
    error::{ApiError, ApiResult, FieldError},
    http::pagination::{Cursor, limit, max_chars},
    jobs::AnswerWork,
    state::AppState,
    voice::{
        dto::{AnswerAudio, Transcript, TranscriptSource, TranscriptStatus},
        finish_transcript,
        format::AudioFormat,
        measure_delivery,
        storage::{AudioStore, PendingAudio},
        transcript_source, transcript_status,
    },
};

pub const MAX_ANSWER_CHARS: usize = 20_000;

pub async fn find_session(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> ApiResult<practice_sessions::Model> {
    practice_sessions::Entity::find_by_id(id)
        .filter(practice_sessions::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One of the user's answers; another user's answer is simply not found.
pub async fn owned_answer(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> ApiResult<answers::Model> {
    answers::Entity::find_by_id(id)
        .filter(answers::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Refuses an answer to a session that is no longer in progress.
pub fn ensure_in_progress(session: &practice_sessions::Model) -> ApiResult<()> {
    if session.status == SessionStatus::InProgress.as_str() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "session_completed",
        "This session is completed; start a new session to answer again.",
    ))
}

/// The time limit of a question in a session: the session-wide limit, else the one fixed when the
/// question was picked, else the question's suggested time.
fn effective_time_limit(
    session: Option<i32>,
    picked: Option<i32>,
    suggested: Option<i32>,
) -> Option<i32> {
    session.or(picked).or(suggested)
}

fn stable_rank(seed: &str, id: Uuid) -> u64 {
    let h = Sha256::digest(format!("{seed}:{id}").as_bytes());
    u64::from_be_bytes(h[..8].try_into().unwrap_or([0; 8]))
}

/// Chooses `count` questions: least-seen first (a question counts as seen each time a session showed
/// it), ties broken by a stable per-session hash, then interleaved across categories so a session
/// mixes them. Deterministic for a given user and session number.
pub async fn pick_questions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role_id: Uuid,
    category: Option<catalog::Category>,
    difficulty: Option<catalog::Difficulty>,
    count: usize,
    seed: &str,
) -> ApiResult<Vec<questions::Model>> {
    let mut cond = Condition::all()
        .add(questions::Column::RetiredAt.is_null())
        .add(question_roles::Column::RoleId.eq(role_id));
    if let Some(c) = category {
        cond = cond.add(questions::Column::Category.eq(c.as_str()));
    }
    if let Some(d) = difficulty {
        cond = cond.add(questions::Column::Difficulty.eq(d.as_str()));
    }
    let candidates = questions::Entity::find()
        .inner_join(question_roles::Entity)
        .filter(cond)
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let seen: HashMap<Uuid, i64> = session_questions::Entity::find()
        .select_only()
        .column(session_questions::Column::QuestionId)
        .column_as(session_questions::Column::Position.count(), "n")
        .inner_join(practice_sessions::Entity)
        .filter(practice_sessions::Column::UserId.eq(user_id))
        .group_by(session_questions::Column::QuestionId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut ranked: Vec<(i64, u64, questions::Model)> = candidates
        .into_iter()
        .map(|q| {
            (
                seen.get(&q.id).copied().unwrap_or(0),
                stable_rank(seed, q.id),
                q,
            )
        })
        .collect();
    ranked.sort_by_key(|(s, h, _)| (*s, *h));
    // Interleave categories in the order their best candidate appears.
    let mut by_cat: BTreeMap<usize, Vec<questions::Model>> = BTreeMap::new();
    let mut cat_order: Vec<String> = Vec::new();
    for (_, _, q) in ranked {
        let idx = match cat_order.iter().position(|c| *c == q.category) {
            Some(i) => i,
            None => {
                cat_order.push(q.category.clone());
                cat_order.len() - 1
            }
        };
        by_cat.entry(idx).or_default().push(q);
    }
    let mut queues: Vec<std::collections::VecDeque<questions::Model>> =
        by_cat.into_values().map(Into::into).collect();
    let mut out = Vec::with_capacity(count);
    while out.len() < count && queues.iter().any(|q| !q.is_empty()) {
        for q in queues.iter_mut() {
            if out.len() == count {
                break;
            }
            if let Some(x) = q.pop_front() {
                out.push(x);
            }
        }
    }
    Ok(out)
}

pub async fn create(
    state: &AppState,
    user: &users::Model,
    req: CreateSessionRequest,
) -> ApiResult<Session> {
    let mut errors = Vec::new();
    let count = req.question_count.unwrap_or(5);
    if !(1..=20).contains(&count) {
        errors.push(FieldError::new(
            "question_count",
            "must be between 1 and 20",
        ));
    }
    if let Some(t) = req.time_limit_seconds
        && !(30..=1800).contains(&t)
    {
        errors.push(FieldError::new(
            "time_limit_seconds",
            "must be between 30 and 1800 seconds",
        ));
    }
    if let Some(ids) = &req.question_ids
        && (ids.is_empty() || ids.len() > 20)
    {
        errors.push(FieldError::new(
            "question_ids",
            "must list 1 to 20 questions",
        ));
    }
    let role = catalog::queries::role_by_slug(&state.db, &req.role).await?;
    if role.is_none() {
        errors.push(FieldError::new("role", "is not a known role slug"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let role = role.ok_or(ApiError::NotFound)?;
    let txn = crate::db::write_txn(&state.db).await?;
    let picked = match &req.question_ids {
        Some(ids) => {
            let rows = questions::Entity::find()
                .filter(questions::Column::Id.is_in(ids.clone()))
                .filter(questions::Column::RetiredAt.is_null())
                .all(&txn)
                .await?;
            let by_id: HashMap<Uuid, questions::Model> =
                rows.into_iter().map(|q| (q.id, q)).collect();
            let mut out = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                match by_id.get(id) {
                    Some(q) if !out.iter().any(|o: &questions::Model| o.id == *id) => {
                        out.push(q.clone())
                    }
                    Some(_) => {
                        return Err(ApiError::validation(
                            &format!("question_ids.{i}"),
                            "is listed twice",
                        ));
                    }
                    None => {
                        return Err(ApiError::validation(
                            &format!("question_ids.{i}"),
                            "is not an active question",
                        ));
                    }
                }
            }
            out
        }
        None => {
            let sessions_so_far = practice_sessions::Entity::find()
                .filter(practice_sessions::Column::UserId.eq(user.id))
                .count_rows(&txn)
                .await?;
            let seed = format!("{}:{sessions_so_far}", user.id);
            pick_questions(
                &txn,
                user.id,
                role.id,
                req.category,
                req.difficulty,
                count as usize,
                &seed,
            )
            .await?
        }
    };
    if picked.is_empty() {
        return Err(ApiError::validation(
            "role",
            "no questions match this role, category and difficulty",
        ));
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    practice_sessions::ActiveModel {
        id: Set(id),
        user_id: Set(user.id),
        role_id: Set(role.id),
        mode: Set(req.mode.as_str().into()),
        status: Set(SessionStatus::InProgress.as_str().into()),
        category: Set(req.category.map(|c| c.as_str().to_owned())),
        difficulty: Set(req.difficulty.map(|d| d.as_str().to_owned())),
        time_limit_seconds: Set(req.time_limit_seconds.map(|t| t as i32)),
        started_at: Set(now),
        completed_at: Set(None),
        summary: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for (i, q) in picked.iter().enumerate() {
        session_questions::ActiveModel {
            session_id: Set(id),
            position: Set(i as i32 + 1),
            question_id: Set(q.id),
            time_limit_seconds: Set(req.time_limit_seconds.map(|t| t as i32)),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    load(&state.db, user.id, id).await
}

/// Small helper: COUNT(*) for a filtered select.
trait CountRows {
    async fn count_rows(self, db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr>;
}

impl<E: EntityTrait> CountRows for sea_orm::Select<E>
where
    E::Model: Sync,
{
    async fn count_rows(self, db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
        use sea_orm::PaginatorTrait;
        self.count(db).await
    }
}

/// One list from an evaluation's stored findings (`{misconceptions, figures}`); empty for evaluations
/// made before findings were stored.
fn finding<T: serde::de::DeserializeOwned>(
    findings: &Option<serde_json::Value>,
    key: &str,
) -> Vec<T> {
    findings
        .as_ref()
        .and_then(|f| f.get(key))
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

pub fn evaluation_dto(e: Option<&evaluations::Model>) -> Evaluation {
    let Some(e) = e else {
        return Evaluation {
            status: EvaluationStatus::Pending,
            overall_score: None,
            dimensions: vec![],
            summary: None,
            strengths: vec![],
            improvements: vec![],
            sample_answer: None,
            follow_up_question: None,
            key_points: vec![],
            misconceptions: vec![],
            figures: vec![],
            evaluator: None,
            prompt_version: None,
            latency_ms: None,
            completed_at: None,
            error: None,
        };
    };
    let list = |v: &Option<serde_json::Value>| -> Vec<String> {
        v.as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    };
    Evaluation {
        status: match e.status.as_str() {
            "running" => EvaluationStatus::Running,
            "completed" => EvaluationStatus::Completed,
            "failed" => EvaluationStatus::Failed,
            _ => EvaluationStatus::Pending,
        },
        overall_score: e.overall_score,
        dimensions: e
            .dimensions
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default(),
        summary: e.summary.clone(),
        strengths: list(&e.strengths),
        improvements: list(&e.improvements),
        sample_answer: e.sample_answer.clone(),
        follow_up_question: e.follow_up_question.clone(),
        key_points: e
            .key_points
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default(),
        misconceptions: finding(&e.findings, "misconceptions"),
        figures: finding(&e.findings, "figures"),
        evaluator: e.evaluator.clone(),
        prompt_version: e.prompt_version.clone(),
        latency_ms: e.latency_ms,
        completed_at: e.completed_at,
        error: e.error.clone(),
    }
}

pub fn answer_dto(a: &answers::Model, e: Option<&evaluations::Model>) -> Answer {
    Answer {
        id: a.id,
        session_id: a.session_id,
        question_id: a.question_id,
        text: a.text.clone(),
        duration_seconds: a.duration_seconds,
        submitted_at: a.submitted_at,
        over_time: a.over_time,
        attempt: a.attempt,
        mode: Mode::from_column(&a.mode),
        evaluation: evaluation_dto(e),
        audio: a.audio_content_type.as_ref().map(|ct| AnswerAudio {
            url: a
                .audio_path
                .as_ref()
                .map(|_| format!("/api/v1/answers/{}/audio", a.id)),
            content_type: ct.clone(),
            bytes: a.audio_bytes.unwrap_or(0),
            expired_at: a.audio_expired_at,
        }),
        transcript: a.transcript_status.as_deref().map(|status| Transcript {
            status: match status {
                transcript_status::PENDING => TranscriptStatus::Pending,
                transcript_status::FAILED => TranscriptStatus::Failed,
                _ => TranscriptStatus::Completed,
            },
            source: a.transcript_source.as_deref().map(|s| match s {
                transcript_source::OPENAI => TranscriptSource::Openai,
                transcript_source::EDITED => TranscriptSource::Edited,
                _ => TranscriptSource::Client,
            }),
            error: a.transcript_error.clone(),
            timed_words: a
                .transcript_words
                .as_ref()
                .and_then(|w| w.as_array())
                .map_or(0, |w| w.len() as i32),
        }),
        delivery: a
            .delivery
            .as_ref()
            .and_then(|d| serde_json::from_value(d.clone()).ok()),
    }
}

pub fn compute_summary(
    n_questions: usize,
    current: &[(answers::Model, Option<evaluations::Model>)],
) -> SessionSummary {
    let completed: Vec<(&answers::Model, &evaluations::Model)> = current
        .iter()
        .filter_map(|(a, e)| {
            e.as_ref()
                .filter(|e| e.status == "completed" && e.overall_score.is_some())
                .map(|e| (a, e))
        })
        .collect();
    let pending = current
        .iter()
        .filter(|(_, e)| {
            e.as_ref()
                .is_none_or(|e| e.status == "pending" || e.status == "running")
        })
        .count();
    let failed = current
        .iter()
        .filter(|(_, e)| e.as_ref().is_some_and(|e| e.status == "failed"))
        .count();
    let scores: Vec<i32> = completed
        .iter()
        .filter_map(|(_, e)| e.overall_score)
        .collect();
    let average =
        (!scores.is_empty()).then(|| scores.iter().sum::<i32>() as f32 / scores.len() as f32);
    let mut dims: BTreeMap<String, (String, f32, u32, usize)> = BTreeMap::new();
    for (_, e) in &completed {
        let list: Vec<DimensionScore> = e
            .dimensions
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        for (i, d) in list.into_iter().enumerate() {
            let entry = dims
                .entry(d.key.clone())
                .or_insert((d.name.clone(), 0.0, 0, i));
            entry.1 += d.score;
            entry.2 += 1;
        }
    }
    let mut dimensions: Vec<(usize, DimensionAverage)> = dims
        .into_iter()
        .map(|(key, (name, sum, n, order))| {
            (
                order,
                DimensionAverage {
                    key,
                    name,
                    average: ((sum / n as f32) * 10.0).round() / 10.0,
                },
            )
        })
        .collect();
    dimensions.sort_by_key(|(o, _)| *o);
    let as_ref = |(a, e): &(&answers::Model, &evaluations::Model)| AnswerRef {
        answer_id: a.id,
        question_id: a.question_id,
        overall_score: e.overall_score.unwrap_or(0),
    };
    SessionSummary {
        questions: n_questions as i32,
        answered: current.len() as i32,
        skipped: n_questions.saturating_sub(current.len()) as i32,
        pending_evaluations: pending as i32,
        failed_evaluations: failed as i32,
        average_score: average.map(|a| (a * 10.0).round() / 10.0),
        dimensions: dimensions.into_iter().map(|(_, d)| d).collect(),
        best: completed
            .iter()
            .max_by_key(|(_, e)| e.overall_score)
            .map(as_ref),
        weakest: completed
            .iter()
            .min_by_key(|(_, e)| e.overall_score)
            .map(as_ref),
        practice_seconds: current.iter().map(|(a, _)| a.duration_seconds as i64).sum(),
        all_evaluated: pending == 0,
    }
}

/// The current answers of a session with their evaluations (one statement).
pub async fn current_answers(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> ApiResult<Vec<(answers::Model, Option<evaluations::Model>)>> {
    Ok(answers::Entity::find()
        .find_also_related(evaluations::Entity)
        .filter(answers::Column::SessionId.eq(session_id))
        .filter(is_current_answer())
        .all(db)
        .await?)
}

/// `answers.is_current = TRUE` with the literal, not a bound parameter, so that PostgreSQL's generic
/// plans (and SQLite) can prove the predicate of the partial index `idx_answers_current_by_session`.
fn is_current_answer() -> Expr {
    use sea_orm::sea_query::ExprTrait;
    Expr::col((answers::Entity, answers::Column::IsCurrent)).eq(Expr::cust("TRUE"))
}

/// A scalar subquery used as a column.
fn scalar(select: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(select.into()))
}

/// `practice_sessions.role_id`'s role, for a query over `practice_sessions`.
fn join_role<E: EntityTrait>(select: sea_orm::Select<E>) -> sea_orm::Select<E> {
    select
        .join(JoinType::LeftJoin, practice_sessions::Relation::Role.def())
        .column_as(roles::Column::Slug, "role_slug")
        .column_as(roles::Column::Name, "role_name")
}

#[derive(Debug, FromQueryResult)]
struct SessionWithRole {
    #[sea_orm(nested)]
    session: practice_sessions::Model,
    role_slug: Option<String>,
    role_name: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct QuestionOfSession {
    #[sea_orm(nested)]
    question: questions::Model,
    sq_position: i32,
    sq_time_limit_seconds: Option<i32>,
    /// Highest attempt number among this question's answers in the session (0: never answered).
    attempts: Option<i32>,
}

fn role_of(slug: Option<String>, name: Option<String>) -> RoleRef {
    RoleRef {
        slug: slug.unwrap_or_default(),
        name: name.unwrap_or_default(),
    }
}

/// A session with its questions, current answers and evaluations: three statements.
pub async fn load(db: &DatabaseConnection, user_id: Uuid, id: Uuid) -> ApiResult<Session> {
    // Scoped: its `max`/`eq` would shadow `Ord::max` elsewhere in this module.
    use sea_orm::sea_query::ExprTrait;
    let SessionWithRole {
        session: s,
        role_slug,
        role_name,
    } = join_role(practice_sessions::Entity::find_by_id(id))
        .filter(practice_sessions::Column::UserId.eq(user_id))
        .into_model::<SessionWithRole>()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let max_attempt = Query::select()
        .expr(Expr::col((answers::Entity, answers::Column::Attempt)).max())
        .from(answers::Entity)
        .and_where(Expr::col((answers::Entity, answers::Column::SessionId)).eq(id))
        .and_where(
            Expr::col((answers::Entity, answers::Column::QuestionId))
                .equals((questions::Entity, questions::Column::Id)),
        )
        .to_owned();
    let mut sqs = questions::Entity::find()
        .column_as(session_questions::Column::Position, "sq_position")
        .column_as(
            session_questions::Column::TimeLimitSeconds,
            "sq_time_limit_seconds",
        )
        .column_as(scalar(max_attempt), "attempts")
        .filter(session_questions::Column::SessionId.eq(id))
        .order_by_asc(session_questions::Column::Position);
    QueryTrait::query(&mut sqs).join(
        JoinType::InnerJoin,
        session_questions::Entity,
        Expr::col((
            session_questions::Entity,
            session_questions::Column::QuestionId,
        ))
        .equals((questions::Entity, questions::Column::Id)),
    );
    let sqs = sqs.into_model::<QuestionOfSession>().all(db).await?;
    let current = current_answers(db, id).await?;
    let questions = sqs
        .iter()
        .map(|sq| {
            let q = &sq.question;
            let answer = current
                .iter()
                .find(|(a, _)| a.question_id == q.id)
                .map(|(a, e)| answer_dto(a, e.as_ref()));
            SessionQuestion {
                position: sq.sq_position,
                time_limit_seconds: sq.sq_time_limit_seconds.unwrap_or(q.time_limit_seconds),
                question: summary(q),
                answer,
                attempts: sq.attempts.unwrap_or(0),
            }
        })
        .collect::<Vec<_>>();
    let summary = compute_summary(sqs.len(), &current);
    Ok(Session {
        id: s.id,
        role: role_of(role_slug, role_name),
        mode: Mode::from_column(&s.mode),
        status: SessionStatus::from_column(&s.status),
        category: s.category.as_deref().and_then(catalog::Category::parse),
        difficulty: s.difficulty.as_deref().and_then(catalog::Difficulty::parse),
        time_limit_seconds: s.time_limit_seconds,
        started_at: s.started_at,
        completed_at: s.completed_at,
        questions,
        summary,
    })
}

#[derive(Debug, FromQueryResult)]
struct SessionListRow {
    #[sea_orm(nested)]
    with_role: SessionWithRole,
    question_count: i64,
    answered_count: i64,
    average_score: Option<f64>,
}

/// One page of the user's sessions, newest first, in one statement: the page's counts and average
/// scores are scalar subqueries on indexed columns, so the cost follows the page size.
pub async fn list(state: &AppState, user_id: Uuid, f: &SessionFilter) -> ApiResult<SessionPage> {
    use sea_orm::sea_query::ExprTrait;
    max_chars("role", f.role.as_deref(), 64)?;
    max_chars("cursor", f.cursor.as_deref(), 512)?;
    let limit = limit(f.limit)?;
    let current_answers_of_session = |select: &mut SelectStatement| {
        select
            .from(answers::Entity)
            .and_where(
                Expr::col((answers::Entity, answers::Column::SessionId))
                    .equals((practice_sessions::Entity, practice_sessions::Column::Id)),
            )
            .and_where(is_current_answer());
    };
    let question_count = Query::select()
        .expr(Expr::col(session_questions::Column::Position).count())
        .from(session_questions::Entity)
        .and_where(
            Expr::col((
                session_questions::Entity,
                session_questions::Column::SessionId,
            ))
            .equals((practice_sessions::Entity, practice_sessions::Column::Id)),
        )
        .to_owned();
    let mut answered_count = Query::select();
    answered_count.expr(Expr::col((answers::Entity, answers::Column::Id)).count());
    current_answers_of_session(&mut answered_count);
    let mut average_score = Query::select();
    average_score
        .expr(Expr::cust(
            "AVG(CAST(evaluations.overall_score AS DOUBLE PRECISION))",
        ))
        .inner_join(
            evaluations::Entity,
            Expr::col((evaluations::Entity, evaluations::Column::AnswerId))
                .equals((answers::Entity, answers::Column::Id)),
        );
    current_answers_of_session(&mut average_score);

    let mut q = join_role(practice_sessions::Entity::find())
        .column_as(scalar(question_count), "question_count")
        .column_as(scalar(answered_count), "answered_count")
        .column_as(scalar(average_score), "average_score")
        .filter(practice_sessions::Column::UserId.eq(user_id));
    if let Some(s) = &f.status {
        q = q.filter(practice_sessions::Column::Status.eq(s.as_str()));
    }
    if let Some(slug) = &f.role {
        let role = catalog::queries::role_by_slug(&state.db, slug)
            .await?
            .ok_or_else(|| ApiError::validation("role", "is not a known role slug"))?;
        q = q.filter(practice_sessions::Column::RoleId.eq(role.id));
    }
    if let Some(c) = &f.cursor {
        let c = Cursor::decode(c)?;
        q = q.filter(
            Condition::any()
                .add(practice_sessions::Column::CreatedAt.lt(c.t))
                .add(
                    Condition::all()
                        .add(practice_sessions::Column::CreatedAt.eq(c.t))
                        .add(practice_sessions::Column::Id.lt(c.id)),
                ),
        );
    }
    let mut rows = q
        .order_by_desc(practice_sessions::Column::CreatedAt)
        .order_by_desc(practice_sessions::Column::Id)
        .limit(limit + 1)
        .into_model::<SessionListRow>()
        .all(&state.db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| {
            Cursor {
                t: r.with_role.session.created_at,
                id: r.with_role.session.id,
            }
            .encode()
        })
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|row| {
            let s = row.with_role.session;
            SessionListItem {
                id: s.id,
                role: role_of(row.with_role.role_slug, row.with_role.role_name),
                mode: Mode::from_column(&s.mode),
                status: SessionStatus::from_column(&s.status),
                started_at: s.started_at,
                completed_at: s.completed_at,
                question_count: row.question_count as i32,
                answered_count: row.answered_count as i32,
                average_score: row
                    .average_score
                    .map(|a| ((a * 10.0).round() / 10.0) as f32),
            }
        })
        .collect();
    Ok(SessionPage { items, next_cursor })
}

pub async fn submit_answer(
    state: &AppState,
    user: &users::Model,
    session_id: Uuid,
    req: SubmitAnswerRequest,
) -> ApiResult<Answer> {
    let text = req.text.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::validation("text", "must not be empty"));
    }
    if req.text.chars().count() > MAX_ANSWER_CHARS {
        return Err(ApiError::validation(
            "text",
            "must be at most 20,000 characters",
        ));
    }
    if req.duration_seconds > 86_400 {
        return Err(ApiError::validation(
            "duration_seconds",
            "must be at most 86400",
        ));
    }
    let input = NewAnswer {
        question_id: req.question_id,
        text,
        duration_seconds: req.duration_seconds,
        voice: None,
    };
    submit(state, user, session_id, input).await
}

/// A recorded answer: the upload (not yet in place) and whether the server transcribes it.
pub struct VoiceInput {
    pub audio: PendingAudio,
    pub format: AudioFormat,
    /// Speech-to-text runs before evaluation; otherwise the text is the client's transcript.
    pub transcribe: bool,
}

/// A validated submission.
pub struct NewAnswer {
    pub question_id: Uuid,
    /// Trimmed; for a voice answer the client's transcript (may be empty while speech-to-text runs).
    pub text: String,
    pub duration_seconds: u32,
    pub voice: Option<VoiceInput>,
}

/// Records an answer (text or voice) and queues its evaluation, or its transcription first.
pub async fn submit(
    state: &AppState,
    user: &users::Model,
    session_id: Uuid,
    input: NewAnswer,
) -> ApiResult<Answer> {
    let question_id = input.question_id;
    match try_submit(state, user, session_id, input).await {
        // Two identical submissions raced on PostgreSQL: the loser returns the winner's answer.
        Err(ApiError::Db(e))
            if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
        {
            let current = answers::Entity::find()
                .filter(answers::Column::SessionId.eq(session_id))
                .filter(answers::Column::QuestionId.eq(question_id))
                .filter(answers::Column::IsCurrent.eq(true))
                .filter(answers::Column::UserId.eq(user.id))
                .one(&state.db)
                .await?
                .ok_or_else(|| {
                    ApiError::conflict(
                        "answer_conflict",
                        "Another answer was submitted at the same time; reload and retry.",
                    )
                })?;
            let e = evaluations::Entity::find()
                .filter(evaluations::Column::AnswerId.eq(current.id))
                .one(&state.db)
                .await?;
            Ok(answer_dto(&current, e.as_ref()))
        }
        other => other,
    }
}

/// The time limit that applies to an answer's question in its session.
pub async fn answer_time_limit(
    db: &impl ConnectionTrait,
    answer: &answers::Model,
) -> Result<i32, sea_orm::DbErr> {
    let session = practice_sessions::Entity::find_by_id(answer.session_id)
        .one(db)
        .await?;
    let sq = session_questions::Entity::find()
        .filter(session_questions::Column::SessionId.eq(answer.session_id))
        .filter(session_questions::Column::QuestionId.eq(answer.question_id))
        .one(db)
        .await?;
    let question = questions::Entity::find_by_id(answer.question_id)
        .one(db)
        .await?;
    Ok(effective_time_limit(
        session.and_then(|s| s.time_limit_seconds),
        sq.and_then(|q| q.time_limit_seconds),
        question.map(|q| q.time_limit_seconds),
    )
    .unwrap_or_default())
}

async fn try_submit(
    state: &AppState,
    user: &users::Model,
    session_id: Uuid,
    input: NewAnswer,
) -> ApiResult<Answer> {
    let NewAnswer {
        question_id,
        text,
        duration_seconds,
        voice,
    } = input;
    let txn = crate::db::write_txn(&state.db).await?;
    let session = find_session(&txn, user.id, session_id).await?;
    ensure_in_progress(&session)?;
    let Some(sq) = session_questions::Entity::find()
        .filter(session_questions::Column::SessionId.eq(session_id))
        .filter(session_questions::Column::QuestionId.eq(question_id))
        .one(&txn)
        .await?
    else {
        return Err(ApiError::validation(
            "question_id",
            "is not a question of this session",
        ));
    };
    let current = answers::Entity::find()
        .filter(answers::Column::SessionId.eq(session_id))
        .filter(answers::Column::QuestionId.eq(question_id))
        .filter(answers::Column::IsCurrent.eq(true))
        .one(&txn)
        .await?;
    if let Some(c) = &current
        && voice.is_none()
        && c.audio_path.is_none()
        && c.text == text
        && c.duration_seconds == duration_seconds as i32
    {
        // The same submission again (a retry or a double click): idempotent.
        let e = evaluations::Entity::find()
            .filter(evaluations::Column::AnswerId.eq(c.id))
            .one(&txn)
            .await?;
        return Ok(answer_dto(c, e.as_ref()));
    }
    usage::consume(&txn, user.id, usage::limit_for(state, user)).await?;
    let question = questions::Entity::find_by_id(question_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let limit = effective_time_limit(
        session.time_limit_seconds,
        sq.time_limit_seconds,
        Some(question.time_limit_seconds),
    )
    .unwrap_or_default();
    if let Some(c) = &current {
        answers::Entity::update_many()
            .col_expr(answers::Column::IsCurrent, Expr::value(false))
            .filter(answers::Column::Id.eq(c.id))
            .exec(&txn)
            .await?;
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    let transcribe = voice.as_ref().is_some_and(|v| v.transcribe);
    let (status, source, delivery) = match &voice {
        None => (None, None, None),
        Some(_) if transcribe => (Some(transcript_status::PENDING), None, None),
        Some(_) => (
            Some(transcript_status::COMPLETED),
            Some(transcript_source::CLIENT),
            Some(measure_delivery(
                &text,
                duration_seconds,
                None,
                Some(limit.max(0) as u32),
            )),
        ),
    };
    let answer = answers::ActiveModel {
        id: Set(id),
        session_id: Set(session_id),
        user_id: Set(user.id),
        question_id: Set(question_id),
        attempt: Set(current.as_ref().map(|c| c.attempt + 1).unwrap_or(1)),
        is_current: Set(true),
        text: Set(text),
        duration_seconds: Set(duration_seconds as i32),
        over_time: Set(duration_seconds as i32 > limit),
        mode: Set(if voice.is_some() {
            Mode::Voice.as_str().to_owned()
        } else {
            session.mode.clone()
        }),
        training_opt_out: Set(user.training_opt_out),
        submitted_at: Set(now),
        audio_path: Set(voice
            .as_ref()
            .map(|v| AudioStore::key(user.id, id, v.format))),
        audio_content_type: Set(voice.as_ref().map(|v| v.format.content_type().to_owned())),
        audio_bytes: Set(voice.as_ref().map(|v| v.audio.bytes as i64)),
        audio_expired_at: Set(None),
        transcript_status: Set(status.map(str::to_owned)),
        transcript_source: Set(source.map(str::to_owned)),
        transcript_words: Set(None),
        transcript_error: Set(None),
        delivery: Set(delivery.map(|d| serde_json::to_value(d).unwrap_or_default())),
    }
    .insert(&txn)
    .await?;
    let evaluation = new_pending_evaluation(
        &txn,
        &answer,
        if transcribe {
            AnswerWork::Transcribe
        } else {
            AnswerWork::Evaluate
        },
    )
    .await?;
    // The recording moves into place last; if the commit fails it is removed again.
    if let (Some(v), Some(key)) = (voice, answer.audio_path.as_deref()) {
        state
            .audio
            .persist(v.audio, key)
            .await
            .map_err(|e| anyhow::anyhow!("storing the recording failed: {e}"))?;
        if let Err(e) = txn.commit().await {
            if let Err(io) = state.audio.remove(key).await {
                tracing::warn!(error = %io, "could not remove the recording of a failed answer");
            }
            return Err(e.into());
        }
    } else {
        txn.commit().await?;
    }
    state.jobs.notify();
    Ok(answer_dto(&answer, Some(&evaluation)))
}

/// Puts an existing evaluation back to pending and queues `work` for its answer (the evaluation itself,
/// or speech-to-text first), inside the caller's transaction.
pub async fn requeue_evaluation(
    db: &impl ConnectionTrait,
    evaluation: evaluations::Model,
    work: AnswerWork,
) -> Result<evaluations::Model, sea_orm::DbErr> {
    let answer_id = evaluation.answer_id;
    let mut am: evaluations::ActiveModel = evaluation.into();
    am.status = Set("pending".into());
    am.error = Set(None);
    let e = am.update(db).await?;
    work.enqueue(db, answer_id).await?;
    Ok(e)
}

/// Creates the pending evaluation and its job (inside the caller's transaction).
pub async fn new_pending_evaluation(
    db: &impl ConnectionTrait,
    answer: &answers::Model,
    first: AnswerWork,
) -> ApiResult<evaluations::Model> {
    let e = evaluations::ActiveModel {
        id: Set(Uuid::now_v7()),
        answer_id: Set(answer.id),
        user_id: Set(answer.user_id),
        status: Set("pending".into()),
        overall_score: Set(None),
        dimensions: Set(None),
        summary: Set(None),
        strengths: Set(None),
        improvements: Set(None),
        sample_answer: Set(None),
        follow_up_question: Set(None),
        key_points: Set(None),
        findings: Set(None),
        evaluator: Set(None),
        prompt_version: Set(None),
        latency_ms: Set(None),
        prompt_tokens: Set(None),
        completion_tokens: Set(None),
        error: Set(None),
        attempts: Set(0),
        created_at: Set(Utc::now()),
        started_at: Set(None),
        completed_at: Set(None),
    }
    .insert(db)
    .await?;
    first.enqueue(db, answer.id).await?;
    Ok(e)
}

pub async fn complete(state: &AppState, user_id: Uuid, id: Uuid) -> ApiResult<Session> {
    let txn = crate::db::write_txn(&state.db).await?;
    let s = find_session(&txn, user_id, id).await?;
    if s.status != SessionStatus::Completed.as_str() {
        let mut am: practice_sessions::ActiveModel = s.into();
        am.status = Set(SessionStatus::Completed.as_str().into());
        am.completed_at = Set(Some(Utc::now()));
        am.updated_at = Set(Utc::now());
        am.update(&txn).await?;
    }
    txn.commit().await?;
    persist_summary_if_final(&state.db, id).await?;
    load(&state.db, user_id, id).await
}

/// Stores the summary on a completed session once every evaluation has finished.
pub async fn persist_summary_if_final(db: &DatabaseConnection, session_id: Uuid) -> ApiResult<()> {
    let Some(s) = practice_sessions::Entity::find_by_id(session_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if s.status != SessionStatus::Completed.as_str() {
        return Ok(());
    }
    let n = session_questions::Entity::find()
        .filter(session_questions::Column::SessionId.eq(session_id))
        .count_rows(db)
        .await? as usize;
    let summary = compute_summary(n, &current_answers(db, session_id).await?);
    if summary.all_evaluated {
        let mut am: practice_sessions::ActiveModel = s.into();
        am.summary = Set(Some(serde_json::to_value(&summary).unwrap_or_default()));
        am.updated_at = Set(Utc::now());
        am.update(db).await?;
    }
    Ok(())
}

pub async fn delete(state: &AppState, user_id: Uuid, id: Uuid) -> ApiResult<()> {
    let txn = crate::db::write_txn(&state.db).await?;
    let s = find_session(&txn, user_id, id).await?;
    let recordings: Vec<String> = answers::Entity::find()
        .filter(answers::Column::SessionId.eq(s.id))
        .filter(answers::Column::AudioPath.is_not_null())
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|a| a.audio_path)
        .collect();
    practice_sessions::Entity::delete_by_id(s.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    for key in recordings {
        if let Err(e) = state.audio.remove(&key).await {
            tracing::warn!(error = %e, "could not remove a deleted session's recording");
        }
    }
    Ok(())
}

pub async fn get_answer(state: &AppState, user_id: Uuid, id: Uuid) -> ApiResult<Answer> {
    let a = owned_answer(&state.db, user_id, id).await?;
    let e = evaluations::Entity::find()
        .filter(evaluations::Column::AnswerId.eq(a.id))
        .one(&state.db)
        .await?;
    Ok(answer_dto(&a, e.as_ref()))
}

/// Replaces a voice answer's transcript with the candidate's own (speech-to-text failed, or is still
/// running) and queues the evaluation. A transcript that is being or has been evaluated is final.
pub async fn update_transcript(
    state: &AppState,
    user_id: Uuid,
    answer_id: Uuid,
    text: &str,
) -> ApiResult<Answer> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::validation("text", "must not be empty"));
    }
    if text.chars().count() > MAX_ANSWER_CHARS {
        return Err(ApiError::validation(
            "text",
            "must be at most 20,000 characters",
        ));
    }
    let final_transcript = || {
        ApiError::conflict(
            "transcript_final",
            "This transcript has been evaluated or is being evaluated; record or type a new answer to try again.",
        )
    };
    let txn = crate::db::write_txn(&state.db).await?;
    let a = owned_answer(&txn, user_id, answer_id).await?;
    match a.transcript_status.as_deref() {
        None => {
            return Err(ApiError::conflict(
                "not_a_voice_answer",
                "Only voice answers have a transcript; submit a new answer to change a typed one.",
            ));
        }
        Some(transcript_status::PENDING | transcript_status::FAILED) => {}
        Some(_) => return Err(final_transcript()),
    }
    let words: Option<Vec<interviewos_grader::TimedWord>> = a
        .transcript_words
        .as_ref()
        .and_then(|w| serde_json::from_value(w.clone()).ok())
        .filter(|w: &Vec<_>| !w.is_empty());
    let limit = answer_time_limit(&txn, &a).await?;
    let delivery = measure_delivery(
        text,
        a.duration_seconds.max(0) as u32,
        words.as_deref(),
        Some(limit.max(0) as u32),
    );
    let moved = finish_transcript(
        &txn,
        a.id,
        text,
        transcript_source::EDITED,
        None,
        &delivery,
        &[transcript_status::PENDING, transcript_status::FAILED],
    )
    .await?;
    if !moved {
        return Err(final_transcript());
    }
    let evaluation = match evaluations::Entity::find()
        .filter(evaluations::Column::AnswerId.eq(a.id))
        .one(&txn)
        .await?
    {
        Some(e) => requeue_evaluation(&txn, e, AnswerWork::Evaluate).await?,
        None => {
            let updated = answers::Entity::find_by_id(a.id)
                .one(&txn)
                .await?
                .ok_or(ApiError::NotFound)?;
            new_pending_evaluation(&txn, &updated, AnswerWork::Evaluate).await?
        }
    };
    let updated = answers::Entity::find_by_id(a.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    txn.commit().await?;
    state.jobs.notify();
    Ok(answer_dto(&updated, Some(&evaluation)))
}
