import { useCallback, useEffect, useState } from 'react';
import { get, type ApiError } from '../../api';
import type { AuditEntry } from '../../types';
import { ErrorBanner, When } from '../review/format';
import { asApiError } from '../review/use-fetched';

/** How many entries the page shows, and how many it asks for per request while reading to the end. */
const SHOWN = 50;
const PAGE = 1000;

/**
 * The latest entries, newest first. The API lists the log oldest first and pages forward with
 * `after=<seq>`; it has no "newest first". Showing its first page would show the oldest changes,
 * which is not what an administrator opens this for, so the page reads forward to the end in
 * pages of 1,000 and keeps the last 50. That is one request per thousand entries; if logs grow
 * into the hundreds of thousands the API should gain a `before`/descending order instead.
 */
async function latestEntries(signal: AbortSignal): Promise<AuditEntry[]> {
  let kept: AuditEntry[] = [];
  let after: number | undefined;
  for (;;) {
    const query = `limit=${PAGE}${after !== undefined ? `&after=${after}` : ''}`;
    const { entries } = await get<{ entries: AuditEntry[] }>(`/api/v1/audit?${query}`, { signal });
    kept = [...kept, ...entries].slice(-SHOWN);
    const last = entries.at(-1);
    if (entries.length < PAGE || last === undefined) return kept.reverse();
    after = last.seq;
  }
}

export function AuditSection({ names }: { names: ReadonlyMap<string, string> }) {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [round, setRound] = useState(0);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    latestEntries(controller.signal).then(
      (found) => {
        setEntries(found);
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
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <p className="muted small">The latest {SHOWN} changes, newest first. The log is read only: nothing on this page or in the API can change it.</p>
      <ErrorBanner error={error} />
      {entries ? (
        entries.length === 0 ? <p className="muted">The log is empty.</p> : <AuditTable entries={entries} names={names} />
      ) : loading ? <p className="muted">Loading…</p> : null}
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
