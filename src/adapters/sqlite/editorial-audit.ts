import type Database from 'better-sqlite3';
import type { AuditEntry, AuditInput } from '../../domain/audit.js';
import type { AuditQuery } from '../../ports/editorial.js';
import { jsonOrNull, rowToAuditEntry, type AuditRow } from './editorial-rows.js';

/**
 * The audit log's reads and writes, synchronous, so the accounts and articles stores can append
 * inside the transaction of the change an entry describes.
 */
export interface AuditTable {
  append(entry: AuditInput): AuditEntry;
  list(query: AuditQuery): AuditEntry[];
}

export function createAuditTable(db: Database.Database): AuditTable {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor, action, subject_type, subject_id, state_before, state_after)
     VALUES (@at, @actor, @action, @subject_type, @subject_id, @state_before, @state_after)`,
  );
  // One statement per combination of filters and order (32 at most): an `@x IS NULL OR …` clause
  // would keep SQLite from using the subject and actor indexes, and the log only grows.
  const listStatements = new Map<string, Database.Statement>();
  const listStatement = (query: AuditQuery): Database.Statement => {
    const where = ['seq > @after_seq'];
    if (query.beforeSeq !== undefined) where.push('seq < @before_seq');
    if (query.subjectType !== undefined) where.push('subject_type = @subject_type');
    if (query.subjectId !== undefined) where.push('subject_id = @subject_id');
    if (query.actor !== undefined) where.push('actor = @actor');
    const sql = `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq ${query.order === 'newest' ? 'DESC' : 'ASC'} LIMIT @limit`;
    let statement = listStatements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      listStatements.set(sql, statement);
    }
    return statement;
  };

  return {
    append(entry) {
      const row: Omit<AuditRow, 'seq'> = {
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        state_before: jsonOrNull(entry.before),
        state_after: jsonOrNull(entry.after),
      };
      const result = insert.run(row);
      // The entry as the log will read it back (before/after through JSON), not the caller's objects.
      return rowToAuditEntry({ seq: Number(result.lastInsertRowid), ...row });
    },
    list(query) {
      const params: Record<string, unknown> = { after_seq: query.afterSeq ?? 0, limit: query.limit };
      if (query.beforeSeq !== undefined) params.before_seq = query.beforeSeq;
      if (query.subjectType !== undefined) params.subject_type = query.subjectType;
      if (query.subjectId !== undefined) params.subject_id = query.subjectId;
      if (query.actor !== undefined) params.actor = query.actor;
      const rows = listStatement(query).all(params) as AuditRow[];
      return rows.map(rowToAuditEntry);
    },
  };
}
