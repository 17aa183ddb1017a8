-- Events waiting for, and kept after, delivery. `id` is taken when the producing transaction inserts
-- the row, so ids do not follow commit order; `position` is stamped by the single active relay after
-- commit, so positions do: a reader that follows `position > cursor` can never skip a late commit.
--
-- The columns the relay sets come last and pages keep room (fillfactor): stamping then rewrites the row
-- in place on its page, and the write-ahead log records only the changed tail, not the whole event.
create table seams_outbox (
  id bigint generated always as identity primary key,
  event_id uuid not null,
  type text not null,
  subject text not null,
  envelope json not null,
  created_at timestamptz not null default now(),
  stamped_at timestamptz,
  position bigint unique
) with (fillfactor = 70);

-- What the relay has not stamped yet: small, because stamping is quick.
create index seams_outbox_unstamped on seams_outbox (id) where position is null;
