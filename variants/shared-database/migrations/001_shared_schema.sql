-- One schema for the whole shop, as seed 002 draws it: every service's process connects with the same
-- role and reads and writes any of these tables. The relations are real foreign keys across what are,
-- in the owned topology, four databases: User 1:N Order, Order N:1 Product, Order 1:1 Payment.

-- Users' tables (the identity provider's: accounts, signing keys, throttling counters).
create table users (
  id uuid primary key,
  email text not null unique check (email = lower(email)),
  name text not null check (length(name) between 1 and 200),
  role text not null check (role in ('customer', 'admin')),
  status text not null default 'active' check (status in ('active', 'deactivated')),
  password_hash text not null,
  version int not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deactivated_at timestamptz
);

create table signing_keys (
  kid text primary key,
  generation int not null unique check (generation >= 1),
  public_jwk jsonb not null,
  private_jwk jsonb not null,
  created_at timestamptz not null default now()
);

create table throttle_counters (
  scope text not null,
  key text not null,
  window_started_at timestamptz not null,
  attempts int not null default 0 check (attempts >= 0),
  failures int not null default 0 check (failures >= 0),
  blocked_until timestamptz,
  last_attempt_at timestamptz not null,
  primary key (scope, key)
);
create index throttle_counters_last_attempt_at on throttle_counters (last_attempt_at);

-- Catalog's tables.
create table products (
  id uuid primary key,
  sku text not null unique,
  name text not null,
  description text not null default '',
  price_cents bigint not null check (price_cents >= 0),
  currency char(3) not null,
  stock_on_hand int not null check (stock_on_hand >= 0),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table stock_adjustments (
  id bigint generated always as identity primary key,
  product_id uuid not null references products (id),
  delta int not null,
  reason text not null,
  adjusted_by text not null,
  created_at timestamptz not null default now()
);

-- Orders' tables, joined to users and products by foreign key: no replica of either is needed.
create table orders (
  id uuid primary key,
  customer_id uuid not null references users (id),
  status text not null check (status in ('PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED')),
  currency char(3),
  total_cents bigint check (total_cents >= 0),
  payment_id uuid not null unique,
  reason text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_by_customer on orders (customer_id, id desc);

create table order_items (
  order_id uuid not null references orders (id),
  line int not null,
  product_id uuid not null references products (id),
  quantity int not null check (quantity > 0),
  unit_price_cents bigint check (unit_price_cents >= 0),
  primary key (order_id, line)
);
create index order_items_by_product on order_items (product_id);

-- Claimed before the customer is checked, so no foreign key here: an unknown customer is refused after.
create table order_requests (
  customer_id uuid not null,
  idempotency_key text not null,
  request_hash text not null,
  order_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (customer_id, idempotency_key)
);

-- Payments' tables: one payment per order, by foreign key and unique constraint.
create table payments (
  id uuid primary key,
  order_id uuid not null unique references orders (id),
  customer_id uuid not null references users (id),
  amount_cents bigint not null check (amount_cents > 0),
  currency char(3) not null,
  status text not null check (status in ('pending', 'authorized', 'captured', 'voided', 'refunded', 'failed')),
  failure_reason text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'failed') = (failure_reason is not null))
);

-- The simulated provider's knobs: payments' process sets them, orders' checkout (which calls the provider
-- inside its transaction) reads them. One row.
create table payment_simulator (
  id boolean primary key default true check (id),
  latency_ms int not null,
  jitter_ms int not null,
  decline_rate double precision not null,
  error_rate double precision not null,
  hang_rate double precision not null
);
