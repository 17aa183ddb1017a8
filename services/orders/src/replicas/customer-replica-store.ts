import type { Sql, TransactionSql } from '@seams/service-kit'

// `table` is the replica's live table or, during a rebuild, its shadow (see @seams/projector).

export async function createCustomerReplicaTable(sql: Sql | TransactionSql, table: string): Promise<void> {
  await sql`
    create table ${sql(table)} (
      id uuid primary key, email text not null, name text not null, role text not null,
      active boolean not null, version int not null)`
}

/** A closed placeholder (see markCustomerDeactivated) is filled in and stays closed. */
export async function upsertCustomer(
  tx: TransactionSql,
  table: string,
  customer: { userId: string; email: string; name: string; role: string },
  version: number,
): Promise<void> {
  const { userId, email, name, role } = customer
  await tx`
    insert into ${tx(table)} (id, email, name, role, active, version)
    values (${userId}, ${email}, ${name}, ${role}, true, ${version})
    on conflict (id) do update
      set email = excluded.email, name = excluded.name, role = excluded.role, version = excluded.version
    where ${tx(table)}.version < excluded.version`
}

// Only a newer version replaces what the replica holds, so a late redelivery cannot roll it back.

export async function changeCustomerProfile(
  tx: TransactionSql,
  table: string,
  profile: { userId: string; email: string; name: string },
  version: number,
): Promise<void> {
  await tx`
    update ${tx(table)} set email = ${profile.email}, name = ${profile.name}, version = ${version}
    where id = ${profile.userId} and version < ${version}`
}

export async function deactivateCustomer(
  tx: TransactionSql,
  table: string,
  userId: string,
  version: number,
): Promise<void> {
  await tx`update ${tx(table)} set active = false, version = ${version} where id = ${userId} and version < ${version}`
}

/**
 * Whether the account is closed, read when placing an order under a shared lock on the customer: the
 * choreographed cancellation closes the account under the same lock taken exclusively (see
 * markCustomerDeactivated), so an order either commits first and is cancelled, or waits and is refused.
 * An advisory lock rather than a row lock: no write per order, and it holds even before the replica has
 * a row for the customer.
 *
 * The lock and the read are two statements, sent together: a statement reads the snapshot taken when it
 * began, so a read in the locking statement itself saw the account as it was before a deactivation that
 * held the lock and committed meanwhile, and the order got in behind the cancellation (fault seed
 * 1199069011).
 */
export async function isCustomerDeactivated(tx: TransactionSql, customerId: string): Promise<boolean> {
  const [, [row]] = await Promise.all([
    tx`select pg_advisory_xact_lock_shared(hashtextextended(${customerId}, 0))`,
    tx<{ active: boolean }[]>`select active from customer_replica where id = ${customerId}`,
  ])
  return row?.active === false
}

/**
 * Closes the account in the replica ahead of the replica's own consumer, in the transaction that cancels
 * the customer's open orders, so no new order gets in from its commit on. A customer the replica has not
 * heard of yet gets a closed placeholder that UserRegistered later fills in.
 */
export async function markCustomerDeactivated(tx: TransactionSql, customerId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${customerId}, 0))`
  await tx`
    insert into customer_replica (id, email, name, role, active, version)
    values (${customerId}, '', '', 'customer', false, 0)
    on conflict (id) do update set active = false`
}
