//! Library queries: filters that combine, keyset pagination by slug (stable under inserts), and
//! full-text search (PostgreSQL `tsvector` with a GIN index; SQLite FTS5).
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use super::dto::{QuestionFilter, SummaryColumns};
use crate::{
    entities::{question_roles, question_topics, questions, roles},
    error::{ApiError, ApiResult},
    http::pagination::{decode_key, encode_key, limit, max_chars},
};

/// Turns free text into an FTS5 query of prefix terms (`"term"*`), all required. Quotes and
/// operators in the input are dropped, so user text can never form FTS syntax.
pub fn fts5_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(12)
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

pub async fn role_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> ApiResult<Option<roles::Model>> {
    Ok(roles::Entity::find()
        .filter(roles::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn list(
    db: &impl ConnectionTrait,
    f: &QuestionFilter,
) -> ApiResult<(Vec<SummaryColumns>, Option<String>)> {
    max_chars("role", f.role.as_deref(), 64)?;
    max_chars("industry", f.industry.as_deref(), 64)?;
    max_chars("topic", f.topic.as_deref(), 64)?;
    max_chars("q", f.q.as_deref(), 200)?;
    max_chars("cursor", f.cursor.as_deref(), 512)?;
    let limit = limit(f.limit)?;
    let mut cond = Condition::all().add(questions::Column::RetiredAt.is_null());
    if let Some(slug) = &f.role {
        let role = role_by_slug(db, slug)
            .await?
            .ok_or_else(|| ApiError::validation("role", "is not a known role slug"))?;
        cond = cond.add(
            questions::Column::Id.in_subquery(
                Query::select()
                    .column(question_roles::Column::QuestionId)
                    .from(question_roles::Entity)
                    .and_where(question_roles::Column::RoleId.eq(role.id))
                    .to_owned(),
            ),
        );
    }
    if let Some(c) = f.category {
        cond = cond.add(questions::Column::Category.eq(c.as_str()));
    }
    if let Some(d) = f.difficulty {
        cond = cond.add(questions::Column::Difficulty.eq(d.as_str()));
    }
    if let Some(i) = &f.industry {
        cond = cond.add(questions::Column::Industry.eq(i.as_str()));
    }
    if let Some(t) = &f.topic {
        cond = cond.add(
            questions::Column::Id.in_subquery(
                Query::select()
                    .column(question_topics::Column::QuestionId)
                    .from(question_topics::Entity)
                    .and_where(question_topics::Column::Topic.eq(t.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                cond = cond.add(Expr::cust_with_values(
                    "to_tsvector('english', search_text) @@ websearch_to_tsquery('english', $1)",
                    [q.to_owned()],
                ));
            }
            _ => {
                let Some(m) = fts5_query(q) else {
                    return Ok((Vec::new(), None));
                };
                cond = cond.add(Expr::cust_with_values(
                    "questions.id IN (SELECT question_id FROM question_search WHERE question_search MATCH ?)",
                    [m],
                ));
            }
        }
    }
    if let Some(c) = &f.cursor {
        let after: String = decode_key(c)?;
        cond = cond.add(questions::Column::Slug.gt(after));
    }
    let mut rows = questions::Entity::find()
        .filter(cond)
        .order_by_asc(questions::Column::Slug)
        .limit(limit + 1)
        .into_partial_model::<SummaryColumns>()
        .all(db)
        .await?;
    let next = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_key(&r.slug))
    } else {
        None
    };
    Ok((rows, next))
}

/// Active question counts per role id.
pub async fn counts_by_role(db: &impl ConnectionTrait) -> ApiResult<Vec<(Uuid, i64)>> {
    Ok(question_roles::Entity::find()
        .select_only()
        .column(question_roles::Column::RoleId)
        .column_as(question_roles::Column::QuestionId.count(), "n")
        .inner_join(questions::Entity)
        .filter(questions::Column::RetiredAt.is_null())
        .group_by(question_roles::Column::RoleId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fts_queries_are_sanitised() {
        assert_eq!(
            super::fts5_query("B-tree \"index\" OR *"),
            Some("\"b\"* \"tree\"* \"index\"* \"or\"*".into())
        );
        assert_eq!(super::fts5_query("  ** \" "), None);
    }
}
