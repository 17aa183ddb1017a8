create table products (
  id uuid primary key,
  sku text not null unique,
  name text not null,
  description text not null default '',
  price_cents bigint not null check (price_cents >= 0),
  currency char(3) not null,
  -- The database itself refuses to oversell: no transaction can commit a negative stock.
  stock_on_hand int not null check (stock_on_hand >= 0),
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table stock_reservations (
  id uuid primary key,
  status text not null check (status in ('reserved', 'released', 'rejected')),
  -- Repeating a reservation id with different items is refused, not silently answered.
  request_hash text not null,
  rejection jsonb,
  created_at timestamptz not null default now(),
  released_at timestamptz
);

create table stock_reservation_items (
  reservation_id uuid not null references stock_reservations (id),
  product_id uuid not null references products (id),
  quantity int not null check (quantity > 0),
  unit_price_cents bigint not null,
  currency char(3) not null,
  primary key (reservation_id, product_id)
);

create table stock_adjustments (
  id bigint generated always as identity primary key,
  product_id uuid not null references products (id),
  delta int not null,
  reason text not null,
  adjusted_by text not null,
  created_at timestamptz not null default now()
);
