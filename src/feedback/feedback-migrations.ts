/**
 * The feedback schema's versioned migrations, one list per SQL dialect, applied in order and recorded in
 * `schema_migrations`. Both lists describe the same schema version by version. Append only: never edit a released
 * migration, add the next version to both lists instead.
 */
export interface SqlMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

// Times are kept to the millisecond (what a JS Date and the API carry), so a filter bound read back from the API
// selects exactly; label_seq orders labels given within the same millisecond.
export const POSTGRES_FEEDBACK_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'create_feedback',
    sql: `
CREATE TABLE feedback (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  content_hash  char(64) NOT NULL UNIQUE,
  text          text NOT NULL,
  label         text NOT NULL CHECK (label IN ('spam', 'not_spam')),
  request_id    text,
  channel       text,
  source        text,
  created_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  labelled_at   timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  relabel_count integer NOT NULL DEFAULT 0,
  label_seq     bigserial NOT NULL
);
CREATE INDEX feedback_labelled_at_idx ON feedback (labelled_at);
CREATE INDEX feedback_label_labelled_at_idx ON feedback (label, labelled_at);
`,
  },
  {
    version: 2,
    name: 'create_training_runs',
    sql: `
CREATE TABLE training_runs (
  id              text PRIMARY KEY,
  state           text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  trigger         text NOT NULL,
  forced          boolean NOT NULL DEFAULT false,
  mode            text NOT NULL,
  requested_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at      timestamptz,
  finished_at     timestamptz,
  feedback_cutoff timestamptz,
  feedback_rows   integer,
  progress        double precision NOT NULL DEFAULT 0,
  stage           text,
  result          jsonb,
  reason          text
);
CREATE INDEX training_runs_succeeded_idx ON training_runs (finished_at) WHERE state = 'succeeded';
`,
  },
];

// SQLite has no timestamp type: times are integer milliseconds since the epoch (what a JS Date holds), ids are UUIDs
// made by the store, booleans 0/1 and JSON text. label_seq is assigned by the store inside its write transaction.
export const SQLITE_FEEDBACK_MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'create_feedback',
    sql: `
CREATE TABLE feedback (
  id            text PRIMARY KEY,
  content_hash  text NOT NULL UNIQUE CHECK (length(content_hash) = 64),
  text          text NOT NULL,
  label         text NOT NULL CHECK (label IN ('spam', 'not_spam')),
  request_id    text,
  channel       text,
  source        text,
  created_at    integer NOT NULL,
  labelled_at   integer NOT NULL,
  relabel_count integer NOT NULL DEFAULT 0,
  label_seq     integer NOT NULL UNIQUE
) STRICT;
CREATE INDEX feedback_labelled_at_idx ON feedback (labelled_at);
CREATE INDEX feedback_label_labelled_at_idx ON feedback (label, labelled_at);
`,
  },
  {
    version: 2,
    name: 'create_training_runs',
    sql: `
CREATE TABLE training_runs (
  id              text PRIMARY KEY,
  state           text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  trigger         text NOT NULL,
  forced          integer NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
  mode            text NOT NULL,
  requested_at    integer NOT NULL,
  started_at      integer,
  finished_at     integer,
  feedback_cutoff integer,
  feedback_rows   integer,
  progress        real NOT NULL DEFAULT 0,
  stage           text,
  result          text,
  reason          text
) STRICT;
CREATE INDEX training_runs_succeeded_idx ON training_runs (finished_at) WHERE state = 'succeeded';
`,
  },
];
