create table users (
  id uuid primary key,
  -- Stored lower-cased, so the unique constraint is itself the case-insensitive duplicate check.
  email text not null unique check (email = lower(email)),
  name text not null check (length(name) between 1 and 200),
  role text not null check (role in ('customer', 'admin')),
  status text not null default 'active' check (status in ('active', 'deactivated')),
  -- scrypt$N$r$p$salt$hash: each hash carries its own cost, so raising the cost never locks anyone out.
  password_hash text not null,
  version int not null default 1 check (version >= 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deactivated_at timestamptz
);

-- The ES256 keys access tokens are signed with. Kept in the service's own database so that every
-- replica signs with the same key and tokens survive restarts. `generation` is unique so that replicas
-- starting together agree on one key (the loser's insert does nothing); a rotation adds the next one.
create table signing_keys (
  kid text primary key,
  generation int not null unique check (generation >= 1),
  public_jwk jsonb not null,
  private_jwk jsonb not null,
  created_at timestamptz not null default now()
);
