-- Events a consumer has applied, written in the same transaction as their effects: a redelivered
-- event finds its row and is skipped, so effects happen exactly once.
create table seams_inbox (
  consumer text not null,
  event_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
create index seams_inbox_processed_at on seams_inbox (processed_at);

-- Where each consumer resumes in its producer's feed (HTTP feed) or stream (JetStream sequence).
create table seams_consumer_cursors (
  consumer text primary key,
  source text not null,
  position bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Events a consumer could not apply after bounded retries, with the error; retried on request.
create table seams_dead_letters (
  id bigint generated always as identity primary key,
  consumer text not null,
  event_id uuid not null,
  source text not null,
  type text not null,
  subject text not null,
  position bigint not null,
  envelope jsonb not null,
  error text not null,
  attempts int not null,
  dead_at timestamptz not null default now(),
  retry_requested_at timestamptz,
  resolved_at timestamptz,
  unique (consumer, event_id)
);
create index seams_dead_letters_pending_retry on seams_dead_letters (consumer) where retry_requested_at is not null and resolved_at is null;
