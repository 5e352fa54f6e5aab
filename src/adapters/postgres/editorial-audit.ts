import type { AuditEntry, AuditInput } from '../../domain/audit.js';
import type { AuditQuery } from '../../ports/editorial.js';
import type { Sql } from './editorial-sql.js';
import { AUDIT_COLUMNS, jsonOrNull, rowToAuditEntry, type AuditRow } from './editorial-rows.js';

/**
 * Writes one entry inside the transaction of the change it describes (`EditorialSql.change`,
 * which holds the log's lock). The trigger numbers it; the entry comes back as the log will read
 * it (before/after through JSON), not as the caller's objects.
 */
export async function appendEntry(sql: Sql, entry: AuditInput): Promise<AuditEntry> {
  const { rows } = await sql.query<AuditRow>(
    `INSERT INTO audit_log (at, actor, action, subject_type, subject_id, state_before, state_after)
     VALUES ($1, $2, $3, $4, $5, $6::json, $7::json)
     RETURNING ${AUDIT_COLUMNS}`,
    [entry.at, entry.actor, entry.action, entry.subjectType, entry.subjectId, jsonOrNull(entry.before), jsonOrNull(entry.after)],
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING into audit_log returned no row');
  return rowToAuditEntry(row);
}

/**
 * Entries oldest first (or newest first). Paging forward by `afterSeq` misses nothing: numbers
 * are handed out in commit order, so no entry can appear later below a number a reader has
 * already passed. Paging back by `beforeSeq` from the newest is for reading recent changes.
 */
export async function listEntries(sql: Sql, query: AuditQuery): Promise<AuditEntry[]> {
  const values: unknown[] = [query.afterSeq ?? 0];
  const where = ['seq > $1'];
  const filter = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    values.push(value);
    where.push(`${column} = $${values.length}`);
  };
  filter('subject_type', query.subjectType);
  filter('subject_id', query.subjectId);
  filter('actor', query.actor);
  if (query.beforeSeq !== undefined) {
    values.push(query.beforeSeq);
    where.push(`seq < $${values.length}`);
  }
  values.push(query.limit);
  const { rows } = await sql.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ${where.join(' AND ')}
     ORDER BY seq ${query.order === 'newest' ? 'DESC' : 'ASC'} LIMIT $${values.length}`,
    values,
  );
  return rows.map(rowToAuditEntry);
}
