//! Progress: maintained daily aggregates (updated in the same transaction as each completed
//! evaluation), and the progress report computed from them. The report's cost depends on the number of
//! active days, roles and categories in the range — not on how many answers a user has.
pub mod routes;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    catalog::{self, Category, dto::QuestionSummary},
    db::execute as exec,
    entities::{answers, practice_sessions, progress_daily, progress_dimensions, questions, roles},
    error::{ApiError, ApiResult},
};

/// Adds one evaluated answer to the aggregates (call inside the evaluation's transaction).
#[allow(clippy::too_many_arguments)] // the facts of one evaluated answer, all needed for its row
pub async fn record(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role_id: Uuid,
    category: &str,
    day: NaiveDate,
    overall_score: i32,
    duration_seconds: i32,
    dimensions: &[interviewos_grader::DimensionScore],
) -> Result<(), sea_orm::DbErr> {
    exec(
        db,
        "INSERT INTO progress_daily (user_id, day, role_id, category, answers, scored, score_sum, practice_seconds) \
         VALUES ($1, $2, $3, $4, 1, 1, $5, $6) \
         ON CONFLICT (user_id, day, role_id, category) DO UPDATE SET \
           answers = progress_daily.answers + 1, scored = progress_daily.scored + 1, \
           score_sum = progress_daily.score_sum + excluded.score_sum, \
           practice_seconds = progress_daily.practice_seconds + excluded.practice_seconds",
        vec![user_id.into(), day.into(), role_id.into(), category.into(), (overall_score as i64).into(), (duration_seconds as i64).into()],
    )
    .await?;
    for d in dimensions {
        exec(
            db,
            "INSERT INTO progress_dimensions (user_id, day, role_id, dimension_key, dimension_name, count, score_sum) \
             VALUES ($1, $2, $3, $4, $5, 1, $6) \
             ON CONFLICT (user_id, day, role_id, dimension_key) DO UPDATE SET \
               count = progress_dimensions.count + 1, score_sum = progress_dimensions.score_sum + excluded.score_sum",
            vec![user_id.into(), day.into(), role_id.into(), d.key.clone().into(), d.name.clone().into(), (d.score as f64).into()],
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProgressFilter {
    /// Role slug.
    #[param(max_length = 64)]
    pub role: Option<String>,
    /// First day (UTC, inclusive), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day (UTC, inclusive), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Totals {
    pub sessions: i64,
    pub answers: i64,
    pub practice_seconds: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Streak {
    /// Consecutive UTC days with practice, ending today or yesterday.
    pub current_days: i64,
    pub longest_days: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WeekPoint {
    /// The Monday (UTC) starting the ISO week.
    pub week: NaiveDate,
    pub answers: i64,
    pub average_score: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DimensionProgress {
    pub key: String,
    pub name: String,
    /// Average 0–10 over the range.
    pub average: f64,
    /// Average over the last 4 weeks minus the 4 weeks before (null without data in both).
    pub trend: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct GroupProgress {
    /// Role slug or category.
    pub key: String,
    pub name: String,
    pub answers: i64,
    pub average_score: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Recommendation {
    pub question: QuestionSummary,
    /// Why this question: the weak skill it exercises.
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    pub totals: Totals,
    pub average_score: Option<f64>,
    pub streak: Streak,
    pub timeline: Vec<WeekPoint>,
    pub dimensions: Vec<DimensionProgress>,
    pub by_role: Vec<GroupProgress>,
    pub by_category: Vec<GroupProgress>,
    /// The three weakest dimensions, weakest first.
    pub weakest: Vec<DimensionProgress>,
    pub recommended_questions: Vec<Recommendation>,
    /// The grader versions behind the scores in the range, oldest first. More than one means the
    /// chart mixes grading scales (old scores are never regraded).
    pub graders: Vec<crate::evaluation::GraderPeriod>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn avg(sum: f64, n: i64) -> Option<f64> {
    (n > 0).then(|| round1(sum / n as f64))
}

/// Current and longest runs of consecutive days, the current one ending today or yesterday.
pub fn streaks(days: &BTreeSet<NaiveDate>, today: NaiveDate) -> Streak {
    let mut longest = 0;
    let mut run = 0;
    let mut prev: Option<NaiveDate> = None;
    for d in days {
        run = match prev {
            Some(p) if *d - p == Duration::days(1) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        prev = Some(*d);
    }
    let mut current = 0;
    let mut cursor = if days.contains(&today) {
        today
    } else {
        today - Duration::days(1)
    };
    while days.contains(&cursor) {
        current += 1;
        cursor -= Duration::days(1);
    }
    Streak {
        current_days: current,
        longest_days: longest,
    }
}

pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

pub async fn compute(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    f: &ProgressFilter,
    today: NaiveDate,
) -> ApiResult<Progress> {
    crate::http::pagination::max_chars("role", f.role.as_deref(), 64)?;
    if let (Some(a), Some(b)) = (f.from, f.to)
        && a > b
    {
        return Err(ApiError::validation("from", "must not be after `to`"));
    }
    let role = match &f.role {
        Some(slug) => Some(
            catalog::queries::role_by_slug(db, slug)
                .await?
                .ok_or_else(|| ApiError::validation("role", "is not a known role slug"))?,
        ),
        None => None,
    };
    let all_roles: HashMap<Uuid, roles::Model> = roles::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();

    let mut daily_q =
        progress_daily::Entity::find().filter(progress_daily::Column::UserId.eq(user_id));
    if let Some(r) = &role {
        daily_q = daily_q.filter(progress_daily::Column::RoleId.eq(r.id));
    }
    let all_daily = daily_q
        .order_by_asc(progress_daily::Column::Day)
        .all(db)
        .await?;
    let in_range = |d: NaiveDate| f.from.is_none_or(|a| d >= a) && f.to.is_none_or(|b| d <= b);
    let daily: Vec<&progress_daily::Model> = all_daily.iter().filter(|r| in_range(r.day)).collect();

    // Totals.
    let mut sessions_q =
        practice_sessions::Entity::find().filter(practice_sessions::Column::UserId.eq(user_id));
    if let Some(r) = &role {
        sessions_q = sessions_q.filter(practice_sessions::Column::RoleId.eq(r.id));
    }
    if let Some(a) = f.from {
        sessions_q = sessions_q.filter(
            practice_sessions::Column::CreatedAt
                .gte(a.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        );
    }
    if let Some(b) = f.to {
        sessions_q = sessions_q.filter(
            practice_sessions::Column::CreatedAt.lt((b + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()),
        );
    }
    use sea_orm::PaginatorTrait;
    let sessions = sessions_q.count(db).await? as i64;
    let answers: i64 = daily.iter().map(|r| r.answers as i64).sum();
    let scored: i64 = daily.iter().map(|r| r.scored as i64).sum();
    let score_sum: i64 = daily.iter().map(|r| r.score_sum).sum();
    let practice_seconds: i64 = daily.iter().map(|r| r.practice_seconds).sum();

    // Streaks use every active day (a streak is about habit, not the selected window).
    let days: BTreeSet<NaiveDate> = all_daily
        .iter()
        .filter(|r| r.answers > 0)
        .map(|r| r.day)
        .collect();
    let streak = streaks(&days, today);

    let mut weeks: BTreeMap<NaiveDate, (i64, i64, i64)> = BTreeMap::new();
    for r in &daily {
        let e = weeks.entry(week_start(r.day)).or_default();
        e.0 += r.answers as i64;
        e.1 += r.scored as i64;
        e.2 += r.score_sum;
    }
    let timeline = weeks
        .into_iter()
        .map(|(week, (n, s, sum))| WeekPoint {
            week,
            answers: n,
            average_score: avg(sum as f64, s),
        })
        .collect();

    // Dimensions: average over the range, trend over the last 4 weeks vs the 4 before.
    let end = f.to.unwrap_or(today);
    let recent_from = end - Duration::days(27);
    let prior_from = recent_from - Duration::days(28);
    let dimensions: Vec<DimensionProgress> = dimension_sums(
        db,
        user_id,
        role.as_ref().map(|r| r.id),
        (f.from, f.to),
        (recent_from, end),
        (prior_from, recent_from - Duration::days(1)),
    )
    .await?
    .into_iter()
    .filter(|d| d.n > 0)
    .map(|d| DimensionProgress {
        key: d.key,
        name: d.name,
        average: round1(d.sum / d.n as f64),
        trend: match (avg(d.recent_sum, d.recent_n), avg(d.prior_sum, d.prior_n)) {
            (Some(r), Some(p)) => Some(round1(r - p)),
            _ => None,
        },
    })
    .collect();
    let mut weakest: Vec<DimensionProgress> = dimensions
        .iter()
        .map(|d| DimensionProgress {
            key: d.key.clone(),
            name: d.name.clone(),
            average: d.average,
            trend: d.trend,
        })
        .collect();
    weakest.sort_by(|a, b| {
        a.average
            .partial_cmp(&b.average)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.key.cmp(&b.key))
    });
    weakest.truncate(3);

    let mut by_role: BTreeMap<Uuid, (i64, i64, i64)> = BTreeMap::new();
    let mut by_cat: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for r in &daily {
        for e in [
            by_role.entry(r.role_id).or_default(),
            by_cat.entry(r.category.clone()).or_default(),
        ] {
            e.0 += r.answers as i64;
            e.1 += r.scored as i64;
            e.2 += r.score_sum;
        }
    }
    let mut by_role: Vec<GroupProgress> = by_role
        .into_iter()
        .map(|(id, (n, s, sum))| {
            let r = all_roles.get(&id);
            GroupProgress {
                key: r.map(|r| r.slug.clone()).unwrap_or_default(),
                name: r.map(|r| r.name.clone()).unwrap_or_default(),
                answers: n,
                average_score: avg(sum as f64, s),
            }
        })
        .collect();
    by_role.sort_by(|a, b| b.answers.cmp(&a.answers).then(a.key.cmp(&b.key)));
    let by_category: Vec<GroupProgress> = by_cat
        .into_iter()
        .map(|(c, (n, s, sum))| GroupProgress {
            name: category_name(&c),
            key: c,
            answers: n,
            average_score: avg(sum as f64, s),
        })
        .collect();

    // Recommendations: unseen questions in the user's role whose category exercises a weak dimension.
    let focus_role = role.as_ref().map(|r| r.id).or_else(|| {
        by_role
            .first()
            .and_then(|g| all_roles.values().find(|r| r.slug == g.key).map(|r| r.id))
    });
    let recommended_questions = recommend(db, user_id, focus_role, &weakest).await?;

    Ok(Progress {
        totals: Totals {
            sessions,
            answers,
            practice_seconds,
        },
        average_score: avg(score_sum as f64, scored),
        streak,
        timeline,
        dimensions,
        by_role,
        by_category,
        weakest,
        recommended_questions,
        graders: crate::evaluation::graders_used(
            db,
            user_id,
            f.from
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc()),
            f.to.and_then(|d| d.succ_opt())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc()),
        )
        .await?,
    })
}

/// Per dimension: (sum, count) of scores over the range, the recent window and the prior window.
#[derive(Debug, FromQueryResult)]
struct DimensionSums {
    key: String,
    name: String,
    sum: f64,
    n: i64,
    recent_sum: f64,
    recent_n: i64,
    prior_sum: f64,
    prior_n: i64,
}

/// Sums the dimension aggregates in the database (`GROUP BY dimension_key`), so a report reads one row
/// per dimension instead of one per active day and dimension (~10,000 rows for a year of practice).
async fn dimension_sums(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role_id: Option<Uuid>,
    range: (Option<NaiveDate>, Option<NaiveDate>),
    recent: (NaiveDate, NaiveDate),
    prior: (NaiveDate, NaiveDate),
) -> Result<Vec<DimensionSums>, sea_orm::DbErr> {
    use progress_dimensions::Column as C;
    use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
    // Open ends as dates both PostgreSQL and SQLite (text dates) compare correctly.
    let from = range
        .0
        .or(NaiveDate::from_ymd_opt(1, 1, 1))
        .unwrap_or_default();
    let to = range
        .1
        .or(NaiveDate::from_ymd_opt(9999, 12, 31))
        .unwrap_or_default();
    // `else` keeps each sum's type on both databases: REAL/double for scores, integer for counts.
    let within = |a: NaiveDate, b: NaiveDate, then: C| -> SimpleExpr {
        let otherwise: SimpleExpr = if matches!(then, C::ScoreSum) {
            Expr::val(0.0f64)
        } else {
            Expr::val(0i32)
        };
        Func::sum(
            Expr::case(
                Expr::col(C::Day).gte(a).and(Expr::col(C::Day).lte(b)),
                Expr::col(then),
            )
            .finally(otherwise),
        )
        .into()
    };
    let mut q = progress_dimensions::Entity::find()
        .select_only()
        .column_as(C::DimensionKey, "key")
        .column_as(
            SimpleExpr::from(Func::max(Expr::col(C::DimensionName))),
            "name",
        )
        .column_as(within(from, to, C::ScoreSum), "sum")
        .column_as(within(from, to, C::Count), "n")
        .column_as(within(recent.0, recent.1, C::ScoreSum), "recent_sum")
        .column_as(within(recent.0, recent.1, C::Count), "recent_n")
        .column_as(within(prior.0, prior.1, C::ScoreSum), "prior_sum")
        .column_as(within(prior.0, prior.1, C::Count), "prior_n")
        .filter(C::UserId.eq(user_id))
        .group_by(C::DimensionKey)
        .order_by_asc(C::DimensionKey);
    if let Some(r) = role_id {
        q = q.filter(C::RoleId.eq(r));
    }
    q.into_model::<DimensionSums>().all(db).await
}

fn category_name(c: &str) -> String {
    match c {
        "system_design" => "System design".into(),
        other => {
            let mut s = other.replace('_', " ");
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
    }
}

async fn recommend(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role_id: Option<Uuid>,
    weakest: &[DimensionProgress],
) -> ApiResult<Vec<Recommendation>> {
    let Some(role_id) = role_id else {
        return Ok(Vec::new());
    };
    let answered: BTreeSet<Uuid> = answers::Entity::find()
        .select_only()
        .column(answers::Column::QuestionId)
        .distinct()
        .filter(answers::Column::UserId.eq(user_id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let candidates = questions::Entity::find()
        .inner_join(crate::entities::question_roles::Entity)
        .filter(crate::entities::question_roles::Column::RoleId.eq(role_id))
        .filter(questions::Column::RetiredAt.is_null())
        .all(db)
        .await?;
    let rank = |id: Uuid| {
        let h = Sha256::digest(format!("{user_id}:{id}").as_bytes());
        u64::from_be_bytes(h[..8].try_into().unwrap_or([0; 8]))
    };
    let mut out: Vec<Recommendation> = Vec::new();
    let targets: Vec<(&str, &str)> = if weakest.is_empty() {
        vec![("", "A good place to start")]
    } else {
        weakest
            .iter()
            .map(|w| (w.key.as_str(), w.name.as_str()))
            .collect()
    };
    for (key, name) in targets {
        let mut pool: Vec<&questions::Model> = candidates
            .iter()
            .filter(|q| !answered.contains(&q.id) && !out.iter().any(|r| r.question.id == q.id))
            .filter(|q| {
                key.is_empty()
                    || Category::parse(&q.category).is_some_and(|c| {
                        interviewos_grader::dimensions_for(c.grader())
                            .iter()
                            .any(|d| d.key == key)
                    })
            })
            .collect();
        pool.sort_by_key(|q| {
            (
                if key.is_empty() && q.difficulty != "easy" {
                    1
                } else {
                    0
                },
                rank(q.id),
            )
        });
        for q in pool.into_iter().take(if key.is_empty() { 5 } else { 2 }) {
            out.push(Recommendation {
                question: catalog::dto::summary(q),
                reason: if key.is_empty() {
                    name.to_owned()
                } else {
                    // The name as shown elsewhere (acronyms such as STAR keep their case).
                    format!("Practises your weakest skill: {name}")
                },
            });
        }
        if out.len() >= 5 {
            break;
        }
    }
    out.truncate(5);
    Ok(out)
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn streaks_across_month_ends_and_gaps() {
        let days: BTreeSet<NaiveDate> = [
            "2026-10-30",
            "2026-10-31",
            "2026-11-01",
            "2026-11-03",
            "2026-11-04",
        ]
        .into_iter()
        .map(d)
        .collect();
        assert_eq!(
            streaks(&days, d("2026-11-04")),
            Streak {
                current_days: 2,
                longest_days: 3
            }
        );
        assert_eq!(
            streaks(&days, d("2026-11-05")),
            Streak {
                current_days: 2,
                longest_days: 3
            },
            "yesterday still counts"
        );
        assert_eq!(
            streaks(&days, d("2026-11-06")),
            Streak {
                current_days: 0,
                longest_days: 3
            }
        );
        assert_eq!(
            streaks(&BTreeSet::new(), d("2026-11-06")),
            Streak {
                current_days: 0,
                longest_days: 0
            }
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_start(d("2026-11-25")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-22")), d("2026-11-16"));
    }
}
