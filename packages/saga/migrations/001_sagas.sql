-- One row per saga instance: its data, where it stands, and when it should be worked on next. A runner
-- claims a due saga by pushing next_attempt_at forward (a lease), so a crashed runner's saga is picked
-- up again once the lease runs out, by any replica.
create table seams_sagas (
  id uuid primary key,
  type text not null,
  data jsonb not null,
  status text not null check (status in ('running', 'compensating', 'completed', 'compensated')),
  -- Forward: the next step to perform. Compensating: the next step to undo.
  step int not null,
  attempts int not null default 0,
  -- Whether a failed attempt at the current step may have reached its target: then it is compensated too.
  in_doubt boolean not null default false,
  next_attempt_at timestamptz not null default now(),
  deadline_at timestamptz not null,
  failure text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index seams_sagas_due on seams_sagas (next_attempt_at) where status in ('running', 'compensating');

-- What happened, step by step: the saga's audit trail.
create table seams_saga_steps (
  id bigint generated always as identity primary key,
  saga_id uuid not null references seams_sagas (id),
  step text not null,
  direction text not null check (direction in ('forward', 'compensate')),
  outcome text not null check (outcome in ('done', 'refused', 'failed', 'skipped')),
  detail text,
  at timestamptz not null default now()
);
create index seams_saga_steps_saga on seams_saga_steps (saga_id);
