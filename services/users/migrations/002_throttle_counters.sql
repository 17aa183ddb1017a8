-- Counters behind login throttling and registration limits. They live here rather than in each process
-- so that every replica of users sees the same count: an attacker spreading guesses across replicas
-- (or source addresses) meets one budget. A counter is one row, locked while an attempt is admitted.
create table throttle_counters (
  -- What is counted: 'login-account', 'login-global', 'registration-email', 'registration-global'.
  scope text not null,
  -- The normalized email, whether or not an account has it ('' for a global counter).
  key text not null,
  window_started_at timestamptz not null,
  -- Admitted attempts; counted before the password is hashed, so concurrent guesses count too.
  attempts int not null default 0 check (attempts >= 0),
  failures int not null default 0 check (failures >= 0),
  -- No attempt is admitted before this; set by the backoff after the free attempts.
  blocked_until timestamptz,
  last_attempt_at timestamptz not null,
  primary key (scope, key)
);

-- Rows of unknown emails are never touched again: the sweep finds stale rows by age.
create index throttle_counters_last_attempt_at on throttle_counters (last_attempt_at);
