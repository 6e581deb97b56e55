-- bench-seed.sql — bulk benchmark data for PostgreSQL, cloned from a template user made through the API.
--
-- psql -v users=5000 -v spu=4 -v qps=5 -f scripts/bench-seed.sql "$DATABASE_URL"
--   users  accounts bench-1@example.com … bench-N@example.com (same password as the template user)
--   spu    completed practice sessions per user (spread over the last year, several roles)
--   qps    questions per session; each answered once and evaluated (answers = users × spu × qps)
--   heavy  answers of one extra "heavy" user, bench-heavy@example.com (default 5000: issue 7's progress
--          figure), in heavy/qps completed sessions spread over the last year
-- Default 5000 × 4 × 5 = 100,000 answers (~70 s, 0.8 GB). 1,000,000 answers: -v users=50000 (~8 min, 7 GB).
--
-- The progress aggregates (progress_daily, progress_dimensions) are derived from the seeded answers and
-- evaluations with exactly the arithmetic of progress::record (called by the evaluation job for every
-- completed evaluation); the derivation is first checked against the template user's aggregates, which
-- the server itself maintained, and the seed aborts if they differ.
--
-- Every JSON column (evaluation dimensions, strengths, key points, session summaries) and every answer
-- text is copied from the template user's real, API-created and grader-evaluated rows, so the server
-- reads seeded rows exactly like its own. Ids are time-ordered UUIDv7 like the server's.
\set ON_ERROR_STOP on
\timing on
\if :{?heavy}
\else
  \set heavy 5000
\endif

BEGIN;

CREATE FUNCTION pg_temp.uuid7(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7'
          || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid
$$;

CREATE TEMP TABLE tmpl_user ON COMMIT DROP AS
  SELECT password_hash FROM users WHERE email = 'bench-template@example.com';
DO $$ BEGIN
  IF (SELECT count(*) FROM tmpl_user) <> 1 THEN RAISE EXCEPTION 'no template user: run bench-setup.py template first'; END IF;
END $$;

CREATE TEMP TABLE tmpl_eval ON COMMIT DROP AS
  SELECT (row_number() OVER (ORDER BY e.id) - 1)::int AS k, a.text, a.duration_seconds, e.overall_score,
         e.dimensions, e.summary, e.strengths, e.improvements, e.sample_answer, e.follow_up_question,
         e.key_points, e.evaluator, e.prompt_version, e.latency_ms
  FROM evaluations e JOIN answers a ON a.id = e.answer_id
  JOIN users u ON u.id = a.user_id AND u.email = 'bench-template@example.com'
  WHERE e.status = 'completed';
CREATE TEMP TABLE tmpl_summary ON COMMIT DROP AS
  SELECT (row_number() OVER (ORDER BY s.id) - 1)::int AS k, s.summary
  FROM practice_sessions s JOIN users u ON u.id = s.user_id AND u.email = 'bench-template@example.com'
  WHERE s.summary IS NOT NULL;

-- Roles with enough active questions, and their question ids.
CREATE TEMP TABLE role_q ON COMMIT DROP AS
  SELECT (row_number() OVER (ORDER BY r.position, r.id) - 1)::int AS k, r.id AS role_id,
         array_agg(q.id ORDER BY q.id) AS qids
  FROM roles r
  JOIN question_roles qr ON qr.role_id = r.id
  JOIN questions q ON q.id = qr.question_id AND q.retired_at IS NULL
  GROUP BY r.id, r.position
  HAVING count(*) >= :qps;

-- Regular users 1..users (spu sessions each) and the heavy user users+1 (heavy/qps sessions).
CREATE TEMP TABLE b_users ON COMMIT DROP AS
  SELECT g AS n, pg_temp.uuid7(now() - interval '400 days' + g * interval '1 second') AS id,
         now() - interval '400 days' + g * interval '1 second' AS created_at,
         CASE WHEN g > :users THEN 'bench-heavy@example.com' ELSE 'bench-' || g || '@example.com' END AS email,
         CASE WHEN g > :users THEN greatest(1, :heavy / :qps) ELSE :spu END AS nsess,
         g > :users AS heavy
  FROM generate_series(1, :users + CASE WHEN :heavy > 0 THEN 1 ELSE 0 END) g;

INSERT INTO users (id, email, password_hash, email_verified_at, display_name, role, plan, theme,
                   training_opt_out, created_at, updated_at)
SELECT b.id, b.email, t.password_hash, b.created_at + interval '5 minutes',
       'Bench User ' || b.n, 'user', 'free', (ARRAY['system','light','dark'])[1 + b.n % 3],
       b.n % 10 = 0, b.created_at, b.created_at
FROM b_users b, tmpl_user t;

CREATE TEMP TABLE b_sessions ON COMMIT DROP AS
  SELECT b.n, s.s, b.id AS user_id, r.role_id, r.qids,
         ts AS created_at, pg_temp.uuid7(ts) AS id
  FROM b_users b
  CROSS JOIN LATERAL generate_series(1, b.nsess) s(s)
  -- The heavy user practises mostly one role (as a real job seeker would), with some variety.
  JOIN role_q r ON r.k = CASE WHEN b.heavy AND s.s % 4 <> 0 THEN 0
                              ELSE (b.n + s.s) % (SELECT count(*) FROM role_q) END
  -- Every seeded timestamp lies at least a day in the past (answers follow their session by minutes).
  -- Regular users: one session a month; the heavy user: evenly over the last 365 days.
  CROSS JOIN LATERAL (SELECT CASE WHEN b.heavy
                                THEN now() - interval '1 day' - (b.nsess - s.s) * (interval '365 days' / b.nsess)
                                ELSE now() - ((b.nsess - s.s) * 30 + b.n % 29 + 1) * interval '1 day'
                                     - (b.n % 86400) * interval '1 second' END AS ts) t;

INSERT INTO practice_sessions (id, user_id, role_id, mode, status, category, difficulty, time_limit_seconds,
                               started_at, completed_at, summary, created_at, updated_at)
SELECT bs.id, bs.user_id, bs.role_id, CASE WHEN bs.n % 7 = 0 THEN 'voice' ELSE 'text' END, 'completed',
       NULL, NULL, NULL, bs.created_at, bs.created_at + interval '25 minutes',
       ts.summary, bs.created_at, bs.created_at + interval '26 minutes'
FROM b_sessions bs
JOIN tmpl_summary ts ON ts.k = (bs.n + bs.s) % (SELECT count(*) FROM tmpl_summary);

CREATE TEMP TABLE b_answers ON COMMIT DROP AS
  SELECT bs.n, bs.s, p.pos, bs.id AS session_id, bs.user_id,
         bs.qids[1 + (bs.n * 7 + bs.s * 3 + p.pos) % array_length(bs.qids, 1)] AS question_id,
         bs.created_at + p.pos * interval '4 minutes' AS submitted_at,
         pg_temp.uuid7(bs.created_at + p.pos * interval '4 minutes') AS id,
         (bs.n + bs.s * 5 + p.pos) % (SELECT count(*) FROM tmpl_eval) AS k
  FROM b_sessions bs CROSS JOIN generate_series(1, :qps) p(pos);

INSERT INTO session_questions (session_id, position, question_id, time_limit_seconds)
SELECT session_id, pos, question_id, NULL FROM b_answers;

INSERT INTO answers (id, session_id, user_id, question_id, attempt, is_current, text, duration_seconds,
                     over_time, mode, training_opt_out, submitted_at)
SELECT ba.id, ba.session_id, ba.user_id, ba.question_id, 1, true, te.text, te.duration_seconds, false,
       'text', ba.n % 10 = 0, ba.submitted_at
FROM b_answers ba JOIN tmpl_eval te ON te.k = ba.k;

INSERT INTO evaluations (id, answer_id, user_id, status, overall_score, dimensions, summary, strengths,
                         improvements, sample_answer, follow_up_question, key_points, evaluator,
                         prompt_version, latency_ms, prompt_tokens, completion_tokens, error, attempts,
                         created_at, started_at, completed_at)
SELECT pg_temp.uuid7(ba.submitted_at), ba.id, ba.user_id, 'completed',
       greatest(0, least(100, te.overall_score + (ba.n % 21) - 10)), te.dimensions, te.summary,
       te.strengths, te.improvements, te.sample_answer, te.follow_up_question, te.key_points, te.evaluator,
       te.prompt_version, te.latency_ms, NULL, NULL, NULL, 1, ba.submitted_at,
       ba.submitted_at + interval '50 milliseconds', ba.submitted_at + interval '120 milliseconds'
FROM b_answers ba JOIN tmpl_eval te ON te.k = ba.k;

-- The finished evaluation jobs a real history leaves behind (the claim query must skip them cheaply).
INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, locked_until, locked_by,
                  last_error, created_at, updated_at)
SELECT pg_temp.uuid7(ba.submitted_at), 'evaluate_answer', json_build_object('answer_id', ba.id), 'done', 1, 4,
       ba.submitted_at, NULL, NULL, NULL, ba.submitted_at, ba.submitted_at + interval '120 milliseconds'
FROM b_answers ba;

-- Progress aggregates, exactly as progress::record maintains them: one progress_daily row per (user, UTC
-- day of submitted_at, session role, question category) and one progress_dimensions row per (user, day,
-- role, dimension key) of every completed evaluation; dimension scores are f32 in the grader, widened to
-- f64 (hence ::float4::float8).
CREATE TEMP VIEW derived_daily AS
  SELECT a.user_id, (a.submitted_at AT TIME ZONE 'UTC')::date AS day, s.role_id, q.category,
         count(*)::int AS answers, count(*)::int AS scored, sum(e.overall_score)::bigint AS score_sum,
         sum(a.duration_seconds)::bigint AS practice_seconds
  FROM answers a
  JOIN evaluations e ON e.answer_id = a.id AND e.status = 'completed'
  JOIN practice_sessions s ON s.id = a.session_id
  JOIN questions q ON q.id = a.question_id
  GROUP BY 1, 2, 3, 4;
CREATE TEMP VIEW derived_dims AS
  SELECT a.user_id, (a.submitted_at AT TIME ZONE 'UTC')::date AS day, s.role_id, d->>'key' AS dimension_key,
         -- The first evaluation's name wins (ON CONFLICT keeps it; graders name a key differently).
         (array_agg(d->>'name' ORDER BY e.completed_at, e.id))[1] AS dimension_name, count(*)::int AS count,
         sum((d->>'score')::float4::float8) AS score_sum, array_agg(DISTINCT d->>'name') AS names
  FROM answers a
  JOIN evaluations e ON e.answer_id = a.id AND e.status = 'completed'
  JOIN practice_sessions s ON s.id = a.session_id
  CROSS JOIN LATERAL json_array_elements(e.dimensions) d
  GROUP BY 1, 2, 3, 4;

-- The derivation must reproduce the aggregates the server maintained for the template user.
DO $$
DECLARE tmpl uuid := (SELECT id FROM users WHERE email = 'bench-template@example.com');
        diff int;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM progress_daily WHERE user_id = tmpl) THEN
    RAISE EXCEPTION 'the template user has no progress aggregates: cannot check the derivation';
  END IF;
  SELECT count(*) INTO diff FROM (
    (SELECT day, role_id, category, answers, scored, score_sum, practice_seconds FROM derived_daily WHERE user_id = tmpl
     EXCEPT SELECT day, role_id, category, answers, scored, score_sum, practice_seconds FROM progress_daily WHERE user_id = tmpl)
    UNION ALL
    (SELECT day, role_id, category, answers, scored, score_sum, practice_seconds FROM progress_daily WHERE user_id = tmpl
     EXCEPT SELECT day, role_id, category, answers, scored, score_sum, practice_seconds FROM derived_daily WHERE user_id = tmpl)) x;
  IF diff > 0 THEN RAISE EXCEPTION 'progress_daily derivation differs from the server''s (% rows)', diff; END IF;
  SELECT count(*) INTO diff FROM (
    (SELECT day, role_id, dimension_key, count, round(score_sum::numeric, 6) FROM derived_dims WHERE user_id = tmpl
     EXCEPT SELECT day, role_id, dimension_key, count, round(score_sum::numeric, 6) FROM progress_dimensions WHERE user_id = tmpl)
    UNION ALL
    (SELECT day, role_id, dimension_key, count, round(score_sum::numeric, 6) FROM progress_dimensions WHERE user_id = tmpl
     EXCEPT SELECT day, role_id, dimension_key, count, round(score_sum::numeric, 6) FROM derived_dims WHERE user_id = tmpl)) x;
  IF diff > 0 THEN RAISE EXCEPTION 'progress_dimensions derivation differs from the server''s (% rows)', diff; END IF;
  -- The kept name is the first committed evaluation's; the template's evaluations ran on two workers at
  -- once, so any of the group's names may have come first there.
  SELECT count(*) INTO diff FROM progress_dimensions p JOIN derived_dims d USING (user_id, day, role_id, dimension_key)
  WHERE p.user_id = tmpl AND NOT p.dimension_name = ANY (d.names);
  IF diff > 0 THEN RAISE EXCEPTION 'progress_dimensions names differ from the server''s (% rows)', diff; END IF;
  RAISE NOTICE 'progress derivation matches the server''s aggregates for the template user';
END $$;

INSERT INTO progress_daily (user_id, day, role_id, category, answers, scored, score_sum, practice_seconds)
SELECT d.* FROM derived_daily d JOIN b_users b ON b.id = d.user_id;
INSERT INTO progress_dimensions (user_id, day, role_id, dimension_key, dimension_name, count, score_sum)
SELECT d.user_id, d.day, d.role_id, d.dimension_key, d.dimension_name, d.count, d.score_sum
FROM derived_dims d JOIN b_users b ON b.id = d.user_id;

COMMIT;

-- Vacuum as well: the visibility map makes index-only scans real, and autovacuum does not then start
-- on the fresh rows in the middle of the measurements.
VACUUM (ANALYZE);

SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM practice_sessions) AS sessions,
       (SELECT count(*) FROM answers) AS answers, (SELECT count(*) FROM evaluations) AS evaluations,
       (SELECT count(*) FROM answers a JOIN users u ON u.id = a.user_id AND u.email = 'bench-heavy@example.com') AS heavy_answers,
       (SELECT count(*) FROM progress_daily) AS progress_daily_rows,
       pg_size_pretty(pg_database_size(current_database())) AS db_size;
