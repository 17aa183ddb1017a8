create table orders (
  id uuid primary key,
  customer_id uuid not null,
  status text not null check (status in ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED')),
  currency char(3),
  total_cents bigint check (total_cents >= 0),
  payment_id uuid not null,
  reason text,
  -- A confirmed order being cancelled keeps CONFIRMED until its payment and stock are given back.
  cancel_requested_at timestamptz,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_by_customer on orders (customer_id, id desc);

create table order_items (
  order_id uuid not null references orders (id),
  line int not null,
  product_id uuid not null,
  quantity int not null check (quantity > 0),
  -- Captured when the catalog reserved the stock, so later price changes never touch placed orders.
  unit_price_cents bigint check (unit_price_cents >= 0),
  primary key (order_id, line)
);

-- One row per Idempotency-Key a customer used: the same key answers with the same order. Claimed
-- before the order is written (so no foreign key): a concurrent retry waits on the key, then replays.
create table order_requests (
  customer_id uuid not null,
  idempotency_key text not null,
  request_hash text not null,
  order_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (customer_id, idempotency_key)
);
