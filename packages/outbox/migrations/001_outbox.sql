-- Events waiting for, and kept after, delivery. `id` is taken when the producing transaction inserts
-- the row, so ids do not follow commit order; `position` is stamped by the single active relay after
-- commit, so positions do: a reader that follows `position > cursor` can never skip a late commit.
create table seams_outbox (
  id bigint generated always as identity primary key,
  position bigint unique,
  event_id uuid not null,
  type text not null,
  subject text not null,
  envelope json not null,
  created_at timestamptz not null default now(),
  stamped_at timestamptz
);

-- What the relay has not stamped yet: small, because stamping is quick.
create index seams_outbox_unstamped on seams_outbox (id) where position is null;
