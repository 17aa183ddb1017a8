create table payments (
  id uuid primary key,
  -- Order 1:1 Payment: a second payment for the same order cannot commit, however requests race.
  order_id uuid not null unique,
  customer_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  currency char(3) not null,
  status text not null check (status in ('pending', 'authorized', 'captured', 'voided', 'refunded', 'failed')),
  failure_reason text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A reason exactly when the provider declined, so readers never guess what a null means.
  check ((status = 'failed') = (failure_reason is not null))
);
