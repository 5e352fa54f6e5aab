import type { CSSProperties } from 'react';
import { EVIDENCE_LEVELS, EVIDENCE_LEVEL_LABELS, INTEGRITY_LABELS } from '../../types';
import { ErrorBanner, When } from '../review/format';
import { useFetched } from '../review/use-fetched';
import { formatBytes } from './ingest-job';
import { PostingsIndexPanel } from './PostingsIndexPanel';

/**
 * The library's statistics as GET /api/v1/library gives them (the CLI's `citemed stats`). Every
 * field is read as possibly missing: the route is new, and a missing count shows as a dash.
 */
interface LibraryStats {
  sources?: number;
  passages?: number;
  byFormat?: Record<string, number>;
  byEvidenceLevel?: Record<string, number>;
  byIntegrity?: Record<string, number>;
  sizeBytes?: number;
  lastIngestAt?: string;
  files?: { done?: number; running?: number; failed?: number };
  vectors?: { model: string; count: number; dimensions: number }[];
}

/** `names`: account ids to usernames, for who started the postings index's latest job. */
export function LibrarySection({ names }: { names: ReadonlyMap<string, string> }) {
  const stats = useFetched<LibraryStats>('/api/v1/library');
  return (
    <section aria-labelledby="library-heading">
      <h2 id="library-heading">Library</h2>
      <ErrorBanner error={stats.error} />
      {stats.data ? <LibraryFigures stats={stats.data} /> : stats.loading ? <p className="muted">Loading…</p> : null}
      <PostingsIndexPanel names={names} />
    </section>
  );
}

const count = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString());

function LibraryFigures({ stats }: { stats: LibraryStats }) {
  const files = stats.files ?? {};
  return (
    <div className="library">
      <table className="figures">
        <caption>Counts</caption>
        <tbody>
          <tr><th scope="row">Sources</th><td>{count(stats.sources)}</td></tr>
          <tr><th scope="row">Passages</th><td>{count(stats.passages)}</td></tr>
          <tr><th scope="row">Size on disk</th><td>{stats.sizeBytes !== undefined ? formatBytes(stats.sizeBytes) : '—'}</td></tr>
          <tr><th scope="row">Last ingest</th><td><When at={stats.lastIngestAt} /></td></tr>
          {/* As `citemed stats` words them: a file stopped part-way (cancelled, interrupted) is not being read. */}
          <tr><th scope="row">Files done</th><td>{count(files.done)}</td></tr>
          <tr><th scope="row">Files unfinished (re-run to resume)</th><td>{count(files.running)}</td></tr>
          <tr><th scope="row">Files failed</th><td>{count(files.failed)}</td></tr>
          {(stats.vectors ?? []).map((v) => (
            <tr key={v.model}><th scope="row">Vectors ({v.model}, {v.dimensions} dimensions)</th><td>{count(v.count)}</td></tr>
          ))}
        </tbody>
      </table>
      <Breakdown caption="Sources by format" counts={stats.byFormat ?? {}} label={(key) => key} />
      <Breakdown caption="Sources by integrity" counts={stats.byIntegrity ?? {}} label={(key) => (INTEGRITY_LABELS as Readonly<Record<string, string>>)[key] ?? key} />
      <EvidenceBars levels={stats.byEvidenceLevel ?? {}} />
    </div>
  );
}

/** The bar's length as a CSS custom property; React sets it through the CSSOM, which the page's CSP allows. */
type ShareStyle = CSSProperties & { '--share': string };

/**
 * Sources by evidence level as horizontal bars, longest level = full width. The numbers are in the
 * text beside each bar, so the chart says the same to a screen reader as to the eye.
 */
function EvidenceBars({ levels }: { levels: Record<string, number> }) {
  const rows = EVIDENCE_LEVELS.map((level) => ({ level, n: levels[level] ?? 0 }));
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  const most = Math.max(1, ...rows.map((r) => r.n));
  return (
    <figure className="bars">
      <figcaption>Sources by evidence level</figcaption>
      <ul className="plain">
        {rows.map(({ level, n }) => {
          const style: ShareStyle = { '--share': `${((100 * n) / most).toFixed(1)}%` };
          return (
            <li key={level} className="bar-row">
              <span className="bar-label">{EVIDENCE_LEVEL_LABELS[level]}</span>
              <span className="bar-track" aria-hidden="true"><span className="bar" style={style} /></span>
              <span className="bar-value">
                {n.toLocaleString()}
                {total > 0 ? <span className="muted"> ({Math.round((100 * n) / total)}%)</span> : null}
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}

function Breakdown({ caption, counts, label }: { caption: string; counts: Record<string, number>; label: (key: string) => string }) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return null;
  return (
    <table className="figures">
      <caption>{caption}</caption>
      <tbody>
        {entries.map(([key, n]) => (
          <tr key={key}><th scope="row">{label(key)}</th><td>{n.toLocaleString()}</td></tr>
        ))}
      </tbody>
    </table>
  );
}
