import { useCallback, useEffect, useState } from 'react';
import { get, type ApiError } from '../../api';
import type { AuditEntry } from '../../types';
import { ErrorBanner, When } from '../review/format';
import { asApiError } from '../review/use-fetched';

/** How many entries the page shows at first, and adds with each "Show older changes". */
const PAGE = 50;

/** Whether a page read newest first may have older entries behind it (numbers start at 1, without gaps). */
function olderExist(page: AuditEntry[]): boolean {
  return page.length === PAGE && (page.at(-1)?.seq ?? 1) > 1;
}

/** A page of the log, newest first, before entry `before` (from the newest when undefined). */
async function entriesBefore(before: number | undefined, signal?: AbortSignal): Promise<AuditEntry[]> {
  const query = `order=newest&limit=${PAGE}${before !== undefined ? `&before=${before}` : ''}`;
  return (await get<{ entries: AuditEntry[] }>(`/api/v1/audit?${query}`, signal ? { signal } : {})).entries;
}

export function AuditSection({ names }: { names: ReadonlyMap<string, string> }) {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [round, setRound] = useState(0);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    entriesBefore(undefined, controller.signal).then(
      (found) => {
        setEntries(found);
        setMore(olderExist(found));
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(asApiError(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [round]);
  const refresh = useCallback(() => setRound((n) => n + 1), []);
  const older = useCallback(async () => {
    const last = entries?.at(-1);
    if (!last) return;
    setLoading(true);
    try {
      const found = await entriesBefore(last.seq);
      setEntries([...(entries ?? []), ...found]);
      setMore(olderExist(found));
      setError(undefined);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setLoading(false);
    }
  }, [entries]);
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <p className="muted small">The latest changes, newest first. The log is read only: nothing on this page or in the API can change it.</p>
      <ErrorBanner error={error} />
      {entries ? (
        entries.length === 0 ? <p className="muted">The log is empty.</p> : <AuditTable entries={entries} names={names} />
      ) : loading ? <p className="muted">Loading…</p> : null}
      {more ? (
        <button type="button" className="secondary" onClick={() => void older()} disabled={loading}>Show older changes</button>
      ) : null}{' '}
      <button type="button" className="secondary" onClick={refresh} disabled={loading}>Refresh the log</button>
    </section>
  );
}

function AuditTable({ entries, names }: { entries: AuditEntry[]; names: ReadonlyMap<string, string> }) {
  return (
    <div className="table-scroll">
      <table className="audit stack-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.seq}>
              <td data-label="Seq">{entry.seq}</td>
              <td data-label="Time"><When at={entry.at} /></td>
              <td data-label="Actor">{names.get(entry.actor) ?? entry.actor}</td>
              <td data-label="Action"><code>{entry.action}</code></td>
              <td data-label="Subject">{entry.subjectType} <code>{entry.subjectId}</code></td>
              <td data-label="Change"><Change entry={entry} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Before and after, as the JSON the log keeps, folded away: most rows are read by their action alone. */
function Change({ entry }: { entry: AuditEntry }) {
  if (entry.before === undefined && entry.after === undefined) return <span className="muted">—</span>;
  return (
    <details>
      <summary>Show<span className="visually-hidden"> change {entry.seq}</span></summary>
      {entry.before !== undefined ? <><p className="small">Before</p><pre>{JSON.stringify(entry.before, null, 2)}</pre></> : null}
      {entry.after !== undefined ? <><p className="small">After</p><pre>{JSON.stringify(entry.after, null, 2)}</pre></> : null}
    </details>
  );
}
