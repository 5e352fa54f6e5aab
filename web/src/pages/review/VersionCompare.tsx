import { useId, useState } from 'react';
import type { AnswerDiff } from '../../../../src/articles/diff.js';
import { rowsFromDiff, rowsFromVersion, type VersionDetail, type VersionInfo } from './compare-rows';
import { ErrorBanner } from './format';
import { SideBySide, type Column } from './SideBySide';
import { useFetched } from './use-fetched';

const ORIGINS: Record<VersionInfo['origin'], string> = { published: 'published', edited: 'edited by hand', regenerated: 'asked again' };

/**
 * Two versions of the article side by side, the previous and the current one to begin with.
 * Mount it with `key={currentVersion}`: a new version resets the choice to the new pair.
 */
export function VersionCompare({ base, versions, current, canComment }: { base: string; versions: VersionInfo[]; current: number; canComment: boolean }) {
  const [from, setFrom] = useState(Math.max(1, current - 1));
  const [to, setTo] = useState(current);
  const fromId = useId();
  const toId = useId();
  const numbers = versions.length > 0 ? versions.map((v) => v.number) : [current];
  const heading = (n: number) => {
    const info = versions.find((v) => v.number === n);
    return info ? `Version ${n} (${ORIGINS[info.origin] ?? info.origin})` : `Version ${n}`;
  };
  return (
    <section aria-labelledby="compare-heading">
      <h2 id="compare-heading">{numbers.length > 1 ? 'Versions side by side' : `Version ${current}`}</h2>
      {numbers.length > 1 ? (
        <div className="row compare-choice">
          <p>
            <label htmlFor={fromId}>Compare version</label>
            <select id={fromId} value={from} onChange={(e) => setFrom(Number(e.target.value))}>
              {numbers.map((n) => <option key={n} value={n}>{heading(n)}</option>)}
            </select>
          </p>
          <p>
            <label htmlFor={toId}>with version</label>
            <select id={toId} value={to} onChange={(e) => setTo(Number(e.target.value))}>
              {numbers.map((n) => <option key={n} value={n}>{heading(n)}</option>)}
            </select>
          </p>
        </div>
      ) : null}
      {from === to || numbers.length === 1 ? (
        <OneVersion base={base} column={{ version: to, heading: heading(to), commentable: canComment }} />
      ) : (
        <TwoVersions
          base={base}
          before={{ version: from, heading: heading(from), commentable: canComment && from > to }}
          after={{ version: to, heading: heading(to), commentable: canComment && to > from }}
        />
      )}
    </section>
  );
}

function OneVersion({ base, column }: { base: string; column: Column }) {
  const detail = useFetched<VersionDetail>(`${base}/versions/${column.version}`);
  if (detail.error) return <ErrorBanner error={detail.error} />;
  if (!detail.data) return <p className="muted">Loading version {column.version}…</p>;
  return <SideBySide sections={rowsFromVersion(detail.data)} after={{ ...column, detail: detail.data }} />;
}

/**
 * The diff aligns the statements and carries both texts; the two versions are fetched as well so
 * that a version that cannot be read is reported in the server's own words for that version.
 */
function TwoVersions({ base, before, after }: { base: string; before: Column; after: Column }) {
  const left = useFetched<VersionDetail>(`${base}/versions/${before.version}`);
  const right = useFetched<VersionDetail>(`${base}/versions/${after.version}`);
  const diff = useFetched<AnswerDiff>(`${base}/diff?from=${before.version}&to=${after.version}`);
  const error = left.error ?? right.error ?? diff.error;
  if (error) return <ErrorBanner error={error} />;
  if (!diff.data || !left.data || !right.data) return <p className="muted">Comparing versions {before.version} and {after.version}…</p>;
  return (
    <>
      <DiffCounts diff={diff.data} />
      <SideBySide sections={rowsFromDiff(diff.data)} before={{ ...before, detail: left.data }} after={{ ...after, detail: right.data }} />
      <ReferenceChanges diff={diff.data} />
    </>
  );
}

function DiffCounts({ diff }: { diff: AnswerDiff }) {
  const { changed, added, removed, unchanged } = diff.counts;
  return (
    <p className="diff-counts" role="status">
      <span className="tag changed">{changed} changed</span> <span className="tag added">{added} added</span>{' '}
      <span className="tag removed">{removed} removed</span> <span className="muted">{unchanged} unchanged</span>
    </p>
  );
}

function ReferenceChanges({ diff }: { diff: AnswerDiff }) {
  // The diff's schema names only sections and counts; read the rest as possibly absent.
  const added = diff.references?.added ?? [];
  const removed = diff.references?.removed ?? [];
  if (added.length === 0 && removed.length === 0) return null;
  return (
    <div className="reference-changes">
      <h3>Sources cited</h3>
      {added.length > 0 ? (
        <>
          <p className="small">Newly cited:</p>
          <ul>{added.map((r) => <li key={r.sourceId}>[{r.number}] {r.title} <span className="muted">({r.label})</span></li>)}</ul>
        </>
      ) : null}
      {removed.length > 0 ? (
        <>
          <p className="small">No longer cited:</p>
          <ul>{removed.map((r) => <li key={r.sourceId}>[{r.number}] {r.title} <span className="muted">({r.label})</span></li>)}</ul>
        </>
      ) : null}
    </div>
  );
}
