-- 0042: training courses and sessions (培训课程与场次; research/modules-spec.md
-- §M7.1 course and session; seed 000 ch. 9 §2; seed 004 §6.6.4, §7.5;
-- docs/plans.md "Courses and sessions").
-- training_courses: title, length in minutes (the API speaks hours), the key
-- positions of the policy's readiness section it qualifies for (a JSON array
-- of keys), description, how many months a pass counts (validity_months,
-- modules-spec §M7.3: 12 unless the course says otherwise), active.
-- training_sessions: one holding of a course: when, trainer, location,
-- materials; results_at/results_by when its results were last recorded.
-- training_attendees: who was invited and, once results are recorded,
-- whether they attended and the assessment (pass | fail | absent, '' = not
-- yet recorded) with an optional score 0-100.
-- Recording results writes, per attendee who attended, one training record
-- (trainings.session_id; unique per session and person, so recording twice
-- never doubles the hours) and, per pass and position of the course, one
-- certificate (certificates.session_id; unique per session, person and
-- position).  Portable SQL: runs on SQLite and PostgreSQL 15.
CREATE TABLE training_courses (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    positions TEXT NOT NULL DEFAULT '[]',
    description TEXT NOT NULL DEFAULT '',
    validity_months INTEGER NOT NULL DEFAULT 12,
    active INTEGER NOT NULL DEFAULT 1,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX training_courses_active ON training_courses(active, title);

CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY,
    course_id BIGINT NOT NULL REFERENCES training_courses(id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    trainer_id BIGINT NOT NULL REFERENCES users(id),
    location TEXT NOT NULL DEFAULT '',
    materials TEXT NOT NULL DEFAULT '',
    results_at BIGINT,
    results_by TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX training_sessions_starts ON training_sessions(starts_at);
CREATE INDEX training_sessions_course ON training_sessions(course_id);

CREATE TABLE training_attendees (
    session_id BIGINT NOT NULL REFERENCES training_sessions(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    attended INTEGER NOT NULL DEFAULT 0,
    assessment TEXT NOT NULL DEFAULT '',
    score INTEGER,
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX training_attendees_user ON training_attendees(user_id);

ALTER TABLE trainings ADD COLUMN session_id BIGINT REFERENCES training_sessions(id);
CREATE UNIQUE INDEX trainings_session_user ON trainings(session_id, user_id);
ALTER TABLE certificates ADD COLUMN session_id BIGINT REFERENCES training_sessions(id);
CREATE UNIQUE INDEX certificates_session_user ON certificates(session_id, user_id, position);
