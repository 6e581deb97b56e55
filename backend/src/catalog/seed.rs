//! The library seed: YAML files embedded in the binary at build time, validated, and synchronised into
//! the database idempotently at start. New items are inserted; a changed item is updated in place when
//! nobody has answered it, otherwise the old version is retired and a new version inserted; items gone
//! from the files are retired. User history therefore always keeps the exact question that was answered.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Utc;
use include_dir::{Dir, include_dir};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
    sea_query::Expr,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::QuestionSpec;
use crate::entities::{answers, question_roles, question_topics, questions, roles};

static SEED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/seed");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub slug: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Library {
    pub roles: Vec<RoleSpec>,
    pub questions: Vec<QuestionSpec>,
}

impl Library {
    /// Parses the embedded seed files. Errors name the file.
    pub fn embedded() -> Result<Self, String> {
        let roles_file = SEED
            .get_file("roles.yaml")
            .ok_or("seed/roles.yaml is missing")?;
        let files: Vec<(String, &[u8])> = ["questions", "cases"]
            .iter()
            .filter_map(|d| SEED.get_dir(d))
            .flat_map(|d| d.files())
            .map(|f| (f.path().display().to_string(), f.contents()))
            .collect();
        Self::parse(roles_file.contents(), files)
    }

    /// Parses a seed folder on disk (`roles.yaml`, `questions/`, `cases/`): for checking edits to the
    /// library without rebuilding (`interviewos check-library`).
    pub fn from_dir(dir: &std::path::Path) -> Result<Self, String> {
        let read =
            |p: std::path::PathBuf| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
        let roles = read(dir.join("roles.yaml"))?;
        let mut files = Vec::new();
        for sub in ["questions", "cases"] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            for e in entries.filter_map(Result::ok) {
                let name = format!("{sub}/{}", e.file_name().to_string_lossy());
                files.push((name, read(e.path())?));
            }
        }
        let files: Vec<(String, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.clone(), b.as_slice()))
            .collect();
        Self::parse(&roles, files)
    }

    fn parse(roles: &[u8], mut files: Vec<(String, &[u8])>) -> Result<Self, String> {
        let roles: Vec<RoleSpec> =
            serde_yaml::from_slice(roles).map_err(|e| format!("roles.yaml: {e}"))?;
        files.retain(|(name, _)| name.ends_with(".yaml") || name.ends_with(".yml"));
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut questions = Vec::new();
        let mut problems = Vec::new();
        for (name, bytes) in files {
            let mut items: Vec<QuestionSpec> =
                serde_yaml::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
            for q in &items {
                problems.extend(
                    library_problems(q)
                        .into_iter()
                        .map(|(field, msg)| format!("{name}: {}: {field} {msg}", q.id)),
                );
            }
            questions.append(&mut items);
        }
        // A broken entry stops start-up (and the tests) with the file and entry named.
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        Ok(Library { roles, questions })
    }

    /// Every problem in the library: incomplete questions, duplicate ids, unknown roles, bad case maths.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let role_slugs: HashSet<&str> = self.roles.iter().map(|r| r.slug.as_str()).collect();
        if role_slugs.len() != self.roles.len() {
            out.push("duplicate role slugs".into());
        }
        let mut seen = HashSet::new();
        for q in &self.questions {
            if !seen.insert(q.id.as_str()) {
                out.push(format!("{}: duplicate id", q.id));
            }
            for r in &q.roles {
                if !role_slugs.contains(r.as_str()) {
                    out.push(format!("{}: unknown role {r}", q.id));
                }
            }
            for (field, msg) in library_problems(q) {
                out.push(format!("{}: {field} {msg}", q.id));
            }
        }
        out
    }
}

/// A question's problems as a library entry: everything an admin-written question must satisfy, plus
/// the authored material every library entry carries (labels, probes, at least two misconceptions).
fn library_problems(q: &QuestionSpec) -> Vec<(String, String)> {
    let mut p = q.problems();
    if q.misconceptions.len() < 2 {
        p.push((
            "misconceptions".into(),
            "library entries need at least two".into(),
        ));
    }
    for (i, k) in q.key_points.iter().enumerate() {
        if k.label.is_none() || k.probe.is_none() {
            p.push((
                format!("key_points.{i}"),
                "needs a label and a probe".into(),
            ));
        }
    }
    p
}

/// The text searched by `q`: prompt, topics, industry and role names.
pub fn search_text(q: &QuestionSpec) -> String {
    let mut s = q.prompt.clone();
    for t in &q.topics {
        s.push(' ');
        s.push_str(&t.replace('-', " "));
    }
    if let Some(i) = &q.industry {
        s.push(' ');
        s.push_str(&i.replace('-', " "));
    }
    if let Some(c) = &q.case {
        s.push(' ');
        s.push_str(&c.client);
    }
    s
}

pub fn content_hash(q: &QuestionSpec) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(q).unwrap_or_default()))
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub inserted: usize,
    pub updated: usize,
    pub versioned: usize,
    pub retired: usize,
    pub unchanged: usize,
}

/// Brings the database in line with the library (idempotent; cheap when nothing changed).
pub async fn sync(db: &DatabaseConnection, lib: &Library) -> Result<SyncReport, sea_orm::DbErr> {
    let txn = crate::db::write_txn(db).await?;
    let now = Utc::now();
    // Roles: upsert by slug.
    let existing_roles: HashMap<String, roles::Model> = roles::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.slug.clone(), r))
        .collect();
    let mut role_ids = HashMap::new();
    for (pos, r) in lib.roles.iter().enumerate() {
        match existing_roles.get(&r.slug) {
            Some(row) => {
                role_ids.insert(r.slug.clone(), row.id);
                if row.name != r.name
                    || row.description != r.description
                    || row.position != pos as i32
                {
                    let mut am: roles::ActiveModel = row.clone().into();
                    am.name = Set(r.name.clone());
                    am.description = Set(r.description.clone());
                    am.position = Set(pos as i32);
                    am.updated_at = Set(now);
                    am.update(&txn).await?;
                }
            }
            None => {
                let id = Uuid::now_v7();
                roles::ActiveModel {
                    id: Set(id),
                    slug: Set(r.slug.clone()),
                    name: Set(r.name.clone()),
                    description: Set(r.description.clone()),
                    position: Set(pos as i32),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                role_ids.insert(r.slug.clone(), id);
            }
        }
    }

    let active: HashMap<String, questions::Model> = questions::Entity::find()
        .filter(questions::Column::RetiredAt.is_null())
        .filter(questions::Column::Source.eq("library"))
        .all(&txn)
        .await?
        .into_iter()
        .map(|q| (q.slug.clone(), q))
        .collect();
    let any_rows = questions::Entity::find().one(&txn).await?.is_some();
    let mut report = SyncReport::default();
    let mut wanted = HashSet::new();
    let mut to_insert: Vec<(&QuestionSpec, i32)> = Vec::new();
    for spec in &lib.questions {
        wanted.insert(spec.id.clone());
        let hash = content_hash(spec);
        match active.get(&spec.id) {
            Some(row) if row.content_hash == hash => report.unchanged += 1,
            Some(row) => {
                let answered = answers::Entity::find()
                    .filter(answers::Column::QuestionId.eq(row.id))
                    .count(&txn)
                    .await?
                    > 0;
                if answered {
                    retire(&txn, row.id).await?;
                    to_insert.push((spec, spec.version.max(row.version + 1)));
                    report.versioned += 1;
                } else {
                    update_question(&txn, row.id, spec, &role_ids).await?;
                    report.updated += 1;
                }
            }
            None if !any_rows => {
                to_insert.push((spec, spec.version));
                report.inserted += 1;
            }
            None => {
                // A retired earlier version may hold this slug+version: continue its numbering.
                let max_version: Option<i32> = questions::Entity::find()
                    .select_only()
                    .column_as(questions::Column::Version.max(), "v")
                    .filter(questions::Column::Slug.eq(&spec.id))
                    .into_tuple::<Option<i32>>()
                    .one(&txn)
                    .await?
                    .flatten();
                let version = match max_version {
                    Some(v) => spec.version.max(v + 1),
                    None => spec.version,
                };
                to_insert.push((spec, version));
                report.inserted += 1;
            }
        }
    }
    for chunk in to_insert.chunks(100) {
        insert_questions(&txn, chunk, "library", &role_ids).await?;
    }
    for (slug, row) in &active {
        if !wanted.contains(slug) {
            retire(&txn, row.id).await?;
            report.retired += 1;
        }
    }
    txn.commit().await?;
    Ok(report)
}

pub async fn retire(db: &impl ConnectionTrait, id: Uuid) -> Result<(), sea_orm::DbErr> {
    questions::Entity::update_many()
        .col_expr(questions::Column::RetiredAt, Expr::value(Utc::now()))
        .filter(questions::Column::Id.eq(id))
        .exec(db)
        .await?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        crate::db::execute(
            db,
            "DELETE FROM question_search WHERE question_id = $1",
            vec![id.into()],
        )
        .await?;
    }
    Ok(())
}

pub async fn insert_question(
    db: &impl ConnectionTrait,
    spec: &QuestionSpec,
    version: i32,
    source: &str,
    role_ids: &HashMap<String, Uuid>,
) -> Result<Uuid, sea_orm::DbErr> {
    Ok(insert_questions(db, &[(spec, version)], source, role_ids).await?[0])
}

fn active_model(
    spec: &QuestionSpec,
    id: Uuid,
    version: i32,
    source: &str,
) -> questions::ActiveModel {
    let now = Utc::now();
    let json = |v: serde_json::Result<serde_json::Value>| v.unwrap_or_default();
    questions::ActiveModel {
        id: Set(id),
        slug: Set(spec.id.clone()),
        version: Set(version),
        category: Set(spec.category.as_str().into()),
        difficulty: Set(spec.difficulty.as_str().into()),
        industry: Set(spec.industry.clone()),
        prompt: Set(spec.prompt.trim().to_owned()),
        topics: Set(serde_json::json!(spec.topics)),
        role_slugs: Set(serde_json::json!(spec.roles)),
        key_points: Set(json(serde_json::to_value(&spec.key_points))),
        misconceptions: Set((!spec.misconceptions.is_empty())
            .then(|| json(serde_json::to_value(&spec.misconceptions)))),
        rubric: Set(json(serde_json::to_value(&spec.rubric))),
        time_limit_seconds: Set(spec.time_limit_seconds),
        model_answer: Set(spec.model_answer.trim().to_owned()),
        follow_up: Set(spec.follow_up.clone()),
        case_data: Set(spec.case.as_ref().map(|c| json(serde_json::to_value(c)))),
        search_text: Set(search_text(spec)),
        source: Set(source.into()),
        content_hash: Set(content_hash(spec)),
        created_at: Set(now),
        updated_at: Set(now),
        retired_at: Set(None),
    }
}

/// Inserts questions with their role links, topics and search rows in a few multi-row statements.
pub async fn insert_questions(
    db: &impl ConnectionTrait,
    items: &[(&QuestionSpec, i32)],
    source: &str,
    role_ids: &HashMap<String, Uuid>,
) -> Result<Vec<Uuid>, sea_orm::DbErr> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = items.iter().map(|_| Uuid::now_v7()).collect();
    questions::Entity::insert_many(
        items
            .iter()
            .zip(&ids)
            .map(|((spec, version), id)| active_model(spec, *id, *version, source)),
    )
    .exec(db)
    .await?;
    write_links(
        db,
        &ids.iter()
            .copied()
            .zip(items.iter().map(|(s, _)| *s))
            .collect::<Vec<_>>(),
        role_ids,
    )
    .await?;
    Ok(ids)
}

pub async fn update_question(
    db: &impl ConnectionTrait,
    id: Uuid,
    spec: &QuestionSpec,
    role_ids: &HashMap<String, Uuid>,
) -> Result<(), sea_orm::DbErr> {
    // Everything the spec decides; identity, version, source and creation time stay as they are.
    let mut am = active_model(spec, id, 0, "");
    am.slug = NotSet;
    am.version = NotSet;
    am.source = NotSet;
    am.created_at = NotSet;
    am.retired_at = NotSet;
    am.update(db).await?;
    question_roles::Entity::delete_many()
        .filter(question_roles::Column::QuestionId.eq(id))
        .exec(db)
        .await?;
    question_topics::Entity::delete_many()
        .filter(question_topics::Column::QuestionId.eq(id))
        .exec(db)
        .await?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        crate::db::execute(
            db,
            "DELETE FROM question_search WHERE question_id = $1",
            vec![id.into()],
        )
        .await?;
    }
    write_links(db, &[(id, spec)], role_ids).await
}

async fn write_links(
    db: &impl ConnectionTrait,
    items: &[(Uuid, &QuestionSpec)],
    role_ids: &HashMap<String, Uuid>,
) -> Result<(), sea_orm::DbErr> {
    let mut role_rows = Vec::new();
    let mut topic_rows = Vec::new();
    for (id, spec) in items {
        let mut seen = HashSet::new();
        for r in &spec.roles {
            if let Some(role_id) = role_ids.get(r)
                && seen.insert(*role_id)
            {
                role_rows.push(question_roles::ActiveModel {
                    question_id: Set(*id),
                    role_id: Set(*role_id),
                });
            }
        }
        let topics: BTreeMap<&str, ()> = spec.topics.iter().map(|t| (t.as_str(), ())).collect();
        for t in topics.keys() {
            topic_rows.push(question_topics::ActiveModel {
                question_id: Set(*id),
                topic: Set((*t).to_owned()),
            });
        }
    }
    if !role_rows.is_empty() {
        question_roles::Entity::insert_many(role_rows)
            .exec(db)
            .await?;
    }
    if !topic_rows.is_empty() {
        question_topics::Entity::insert_many(topic_rows)
            .exec(db)
            .await?;
    }
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        let placeholders: Vec<String> = (0..items.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect();
        let values = items
            .iter()
            .flat_map(|(id, spec)| [(*id).into(), search_text(spec).into()])
            .collect();
        crate::db::execute(
            db,
            &format!(
                "INSERT INTO question_search (question_id, body) VALUES {}",
                placeholders.join(", ")
            ),
            values,
        )
        .await?;
    }
    Ok(())
}

pub async fn role_ids(db: &impl ConnectionTrait) -> Result<HashMap<String, Uuid>, sea_orm::DbErr> {
    Ok(roles::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.slug, r.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_library_is_complete_and_consistent() {
        let lib = Library::embedded().expect("seed files parse");
        let problems = lib.problems();
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
        assert!(lib.roles.len() >= 12, "{} roles", lib.roles.len());
        let cases = lib.questions.iter().filter(|q| q.case.is_some()).count();
        let non_cases = lib.questions.len() - cases;
        assert!(non_cases >= 400, "{non_cases} non-case questions");
        assert!(cases >= 40, "{cases} cases");
        for role in &lib.roles {
            let n = lib
                .questions
                .iter()
                .filter(|q| q.roles.contains(&role.slug))
                .count();
            assert!(n >= 20, "role {} has only {n} questions", role.slug);
        }
    }

    #[test]
    fn bad_case_maths_is_caught() {
        let lib = Library::embedded().expect("seed files parse");
        let mut q = lib
            .questions
            .iter()
            .find(|q| q.case.as_ref().is_some_and(|c| !c.calculations.is_empty()))
            .unwrap()
            .clone();
        q.case.as_mut().unwrap().calculations[0].value *= 1.5;
        assert!(
            q.problems()
                .iter()
                .any(|(f, _)| f.starts_with("case.calculations."))
        );
        let mut q2 = lib.questions[0].clone();
        q2.rubric.clear();
        assert!(q2.problems().iter().any(|(f, _)| f == "rubric"));
    }

    #[test]
    fn broken_misconceptions_are_named() {
        let lib = Library::embedded().expect("seed files parse");
        let mut q = lib.questions[0].clone();
        q.misconceptions[0].dimension = "charisma".into();
        q.misconceptions[1].contradicts = vec![0, 42];
        q.misconceptions[1].detect = vec![vec!["index".into()]];
        q.key_points[0].label = Some("x".into());
        let fields: Vec<String> = q.problems().into_iter().map(|(f, _)| f).collect();
        for want in [
            "misconceptions.0.dimension",
            "misconceptions.1.contradicts",
            "misconceptions.1.detect.0",
            "key_points.0.label",
        ] {
            assert!(fields.iter().any(|f| f == want), "{want} not in {fields:?}");
        }
        q.misconceptions.truncate(1);
        q.key_points[1].probe = None;
        let lib_fields: Vec<String> = library_problems(&q).into_iter().map(|(f, _)| f).collect();
        assert!(lib_fields.contains(&"misconceptions".to_string()));
        assert!(lib_fields.contains(&"key_points.1".to_string()));
    }

    /// Each claim, written as a candidate would say it, is detected by the grader; no model answer
    /// asserts any misconception of its question.
    #[test]
    fn misconceptions_fire_on_their_claims_and_never_on_model_answers() {
        let lib = Library::embedded().expect("seed files parse");
        let problems = crate::evaluation::measure::detection_problems(&lib);
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    /// An answer asserting a misconception never covers a key point the misconception contradicts,
    /// even when it also says everything the model answer says: checked for every category.
    #[test]
    fn a_stated_misconception_never_covers_the_point_it_contradicts() {
        let lib = Library::embedded().expect("seed files parse");
        let mut checked = std::collections::BTreeMap::new();
        for q in &lib.questions {
            for m in q
                .misconceptions
                .iter()
                .filter(|m| !m.contradicts.is_empty())
            {
                let answer = format!("{}\n\n{}", q.model_answer.trim(), m.claim.trim());
                let req = crate::evaluation::GradingRequest::for_spec(q, answer, None);
                let grade = interviewos_grader::RubricGrader.grade(&req.input());
                for &k in &m.contradicts {
                    let r = &grade.key_points[usize::from(k) - 1];
                    assert!(
                        !r.covered && r.status == interviewos_grader::PointStatus::Contradicted,
                        "{}: \"{}\" left key point {k} {:?}",
                        q.id,
                        m.claim,
                        r.status
                    );
                }
                *checked.entry(q.category.as_str()).or_insert(0) += 1;
            }
        }
        for c in super::super::Category::ALL {
            assert!(
                checked.get(c.as_str()).copied().unwrap_or(0) > 0,
                "no misconception with contradicted points in {}",
                c.as_str()
            );
        }
    }
}
