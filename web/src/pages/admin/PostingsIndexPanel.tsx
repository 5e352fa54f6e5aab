import { useCallback, useEffect, useState } from 'react';
import { api, post } from '../../api';
import { describePostingsAdvice } from '../../../../src/domain/postings.js';
import { ErrorBanner, When } from '../review/format';
import { useAction } from '../review/use-action';
import { useFetched } from '../review/use-fetched';
import { formatBytes, formatEta } from './ingest-job';
import { buildSecondsLeft, formatElapsed, toPostingsJob, type PostingsIndexStatus, type PostingsJob, type PostingsState } from './postings-job';
import { useJobEvents } from './use-job-events';

const STATUS_TEXT: Record<PostingsJob['status'], string> = { running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' };
const count = (n: number) => n.toLocaleString();

/**
 * The postings index (`citemed index`): its state in words, the advice `citemed ingest` gives,
 * and building, rebuilding or dropping it, with the running job's progress. Nothing at all for a
 * library without one (PostgreSQL: `available: false`), nor from a server that has no such route.
 */
export function PostingsIndexPanel({ names }: { names: ReadonlyMap<string, string> }) {
  const status = useFetched<PostingsIndexStatus>('/api/v1/library/postings-index');
  const [job, setJob] = useState<PostingsJob | undefined>();
  const start = useAction();
  const { reload } = status;
  useEffect(() => {
    if (status.data) setJob(toPostingsJob(status.data.job));
  }, [status.data]);
  // A job that ended changed the index: read its state again.
  const update = useCallback(
    (next: PostingsJob) => {
      setJob(next);
      if (next.status !== 'running') reload();
    },
    [reload],
  );
  // Nothing until the server has said whether the library keeps one, so a PostgreSQL library's
  // page never shows the heading even for a moment.
  if ((!status.data && !status.error) || status.data?.available === false || status.error?.status === 404) return null;
  const running = job?.status === 'running';
  const state = status.data?.state;
  const run = (action: 'build' | 'drop') =>
    void start.run(async () => {
      const started = toPostingsJob(await post<unknown>('/api/v1/library/postings-index/jobs', { action }));
      if (started) setJob(started);
      else reload();
    });
  return (
    <section aria-labelledby="postings-heading" className="postings">
      <h3 id="postings-heading">Postings index</h3>
      <ErrorBanner error={status.error} />
      {status.data ? <PostingsStateText status={status.data} /> : null}
      {status.data?.advice ? (
        <p className="banner warn">{capitalised(describePostingsAdvice(status.data.advice, state ? 'rebuild it' : 'build it'))}.</p>
      ) : null}
      {job ? <PostingsJobCard job={job} names={names} onUpdate={update} onRefresh={reload} /> : null}
      {status.data && !running ? (
        <p className="actions">
          <button type="button" disabled={start.busy} onClick={() => run('build')}>{state ? 'Rebuild the index' : 'Build the index'}</button>{' '}
          {state ? (
            <button type="button" className="secondary" disabled={start.busy} onClick={() => run('drop')}>Drop the index</button>
          ) : null}
        </p>
      ) : null}
      <ErrorBanner error={start.error} />
    </section>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the index covers and whether searches use it, in plain words. */
function PostingsStateText({ status }: { status: PostingsIndexStatus }) {
  const { state } = status;
  if (!state) {
    return (
      <p>
        Not built. Searches rank with the full-text index (FTS5) alone. The postings index gives the same results faster in a large library
        (about twice as fast at a million passages).
      </p>
    );
  }
  return (
    <>
      <p>
        Built <When at={state.builtAt} />, covering {count(state.passages)} passages.{' '}
        {state.newer + state.removed > 0
          ? `Since then, ${count(state.newer)} passages were added and ${count(state.removed)} removed.`
          : 'No passages were added or removed since.'}
      </p>
      <p className={`postings-use ${status.inUse ? 'in-use' : 'not-in-use'}`}>
        <InUse status={status} state={state} />
      </p>
    </>
  );
}

function InUse({ status, state }: { status: PostingsIndexStatus; state: PostingsState }) {
  if (status.enabled === false) {
    return <>Not in use: the server's setting <code>store.usePostings</code> is off, so searches rank with the full-text index (FTS5) alone.</>;
  }
  if (state.newer > state.newerLimit) {
    return (
      <>
        Not in use: more passages were added since it was built ({count(state.newer)}) than searches hold in memory ({count(state.newerLimit)}), so
        searches have fallen back to the full-text index (FTS5) until it is rebuilt. Results are the same, only slower.
      </>
    );
  }
  return <>In use: searches rank from it{state.newer > 0 ? `, with the ${count(state.newer)} newer passages held in memory` : ''}.</>;
}

/** The running or latest build or drop: live progress while it runs, what it did or why it failed after. */
function PostingsJobCard({ job, names, onUpdate, onRefresh }: { job: PostingsJob; names: ReadonlyMap<string, string>; onUpdate: (job: PostingsJob) => void; onRefresh: () => void }) {
  const active = job.status === 'running';
  const { lost } = useJobEvents(`/api/v1/library/postings-index/jobs/${encodeURIComponent(job.id)}/events`, active, toPostingsJob, onUpdate);
  const cancel = useAction();
  const headingId = `postings-job-${job.id}`;
  const doCancel = () =>
    void cancel.run(async () => {
      const answer = toPostingsJob(await api<unknown>('DELETE', `/api/v1/library/postings-index/jobs/${encodeURIComponent(job.id)}`));
      if (answer) onUpdate(answer);
      else onRefresh();
    });
  return (
    <div className={`card job ${job.status}`}>
      <h4 id={headingId} className="job-title">
        <span className={`badge job-${job.status}`}>{STATUS_TEXT[job.status]}</span> {job.action === 'build' ? 'Build' : 'Drop'} of the postings index
      </h4>
      <p className="small muted">
        Started by {names.get(job.startedBy) ?? job.startedBy}, <When at={job.startedAt} />
        {job.finishedAt ? <>; finished <When at={job.finishedAt} /></> : null}
      </p>
      {active ? <Progress job={job} /> : <Outcome job={job} />}
      {lost && active ? (
        <p className="banner warn" role="status">
          Live progress stopped.{' '}
          <button type="button" className="link" onClick={onRefresh}>Refresh</button>
        </p>
      ) : null}
      {active && job.action === 'build' ? (
        <button type="button" className="danger" aria-describedby={headingId} disabled={cancel.busy} onClick={doCancel}>Cancel</button>
      ) : null}
      <ErrorBanner error={cancel.error} />
    </div>
  );
}

function Progress({ job }: { job: PostingsJob }) {
  const p = job.progress;
  // Until the build has read the library's totals (and for a drop) the bar is indeterminate rather than empty.
  const known = job.action === 'build' && p.total > 0;
  // Occurrences read can pass the total by those of deleted passages not yet merged away.
  const read = Math.min(p.done, p.total);
  const left = known ? buildSecondsLeft(p) : undefined;
  return (
    <div className="job-progress">
      <progress aria-label={job.action === 'build' ? 'Postings index build progress' : 'Postings index drop progress'} max={known ? p.total : undefined} value={known ? read : undefined} />
      <p className="small" role="status">
        {job.action === 'drop'
          ? 'Removing the index…'
          : known
            ? `Read ${count(read)} of ${count(p.total)} words of the full-text index (${Math.floor((100 * read) / p.total)}%); ${count(p.terms)} terms written. ${
                left === undefined ? 'Estimating the time left…' : `About ${formatEta(left)} left.`
              }`
            : 'Starting: reading the full-text index…'}
      </p>
    </div>
  );
}

function Outcome({ job }: { job: PostingsJob }) {
  if (job.status === 'failed') return <p className="banner error">{job.error ?? 'It failed.'}</p>;
  if (job.status === 'cancelled') return <p className="small">Cancelled: the index in service was not changed.</p>;
  if (job.action === 'drop') return <p className="small">Dropped: searches rank with the full-text index alone.</p>;
  const built = job.built;
  return built ? (
    <p className="small">
      Built in {formatElapsed(built.elapsedMs)}: {count(built.passages)} passages, {count(built.terms)} terms, {formatBytes(built.bytes)}.
    </p>
  ) : null;
}
