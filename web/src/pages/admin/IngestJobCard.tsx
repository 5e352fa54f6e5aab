import { api } from '../../api';
import { ErrorBanner, When } from '../review/format';
import { useAction } from '../review/use-action';
import { formatBytes, formatEta, isActive, megabytesPerSecond, toIngestJob, type IngestJob } from './ingest-job';
import { useJobEvents } from './use-job-events';

const STATUS_TEXT: Record<IngestJob['status'], string> = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

/** One ingest job: what it reads, live progress while it runs, and its totals or error at the end. */
export function IngestJobCard({ job, names, onUpdate, onRefresh }: { job: IngestJob; names: ReadonlyMap<string, string>; onUpdate: (job: IngestJob) => void; onRefresh: () => void }) {
  const active = isActive(job);
  const { lost } = useJobEvents(`/api/v1/ingest-jobs/${encodeURIComponent(job.id)}/events`, active, toIngestJob, onUpdate);
  const cancel = useAction();
  const headingId = `job-${job.id}`;
  const doCancel = async () => {
    await cancel.run(async () => {
      const answer = toIngestJob(await api<unknown>('DELETE', `/api/v1/ingest-jobs/${encodeURIComponent(job.id)}`));
      // The job as cancelled, when the server says; otherwise the list is read again.
      if (answer) onUpdate(answer);
      else onRefresh();
    });
  };
  return (
    <li className={`card job ${job.status}`}>
      <h3 id={headingId} className="job-title">
        <span className={`badge job-${job.status}`}>{STATUS_TEXT[job.status]}</span> {job.paths.join(', ') || 'no paths'}
        {job.force ? <span className="small muted"> (forced re-read)</span> : null}
      </h3>
      <p className="small muted">
        Started by {names.get(job.startedBy) ?? job.startedBy}, <When at={job.startedAt ?? job.createdAt} />
        {job.finishedAt ? <>; finished <When at={job.finishedAt} /></> : null}
      </p>
      {active ? <Progress job={job} /> : <Outcome job={job} />}
      {lost && active ? (
        <p className="banner warn" role="status">
          Live progress stopped.{' '}
          <button type="button" className="link" onClick={onRefresh}>Refresh the jobs</button>
        </p>
      ) : null}
      {active ? (
        <button type="button" className="danger" aria-describedby={headingId} disabled={cancel.busy} onClick={() => void doCancel()}>
          Cancel
        </button>
      ) : null}
      <ErrorBanner error={cancel.error} />
    </li>
  );
}

function Progress({ job }: { job: IngestJob }) {
  const p = job.progress;
  // Without a byte total yet (still listing files) the bar is indeterminate rather than empty.
  const known = p.bytesTotal > 0;
  return (
    <div className="job-progress">
      <progress aria-label="Ingest progress" max={known ? p.bytesTotal : undefined} value={known ? Math.min(p.bytesDone, p.bytesTotal) : undefined} />
      <dl className="job-figures">
        <div><dt>Read</dt><dd>{formatBytes(p.bytesDone)} of {known ? formatBytes(p.bytesTotal) : '…'}{known ? ` (${Math.floor((100 * p.bytesDone) / p.bytesTotal)}%)` : ''}</dd></div>
        <div><dt>Files</dt><dd>{p.filesDone} of {p.filesTotal}</dd></div>
        <div><dt>Records</dt><dd>{p.records.toLocaleString()} ({Math.round(p.recordsPerSecond).toLocaleString()} records/s)</dd></div>
        <div><dt>Speed</dt><dd>{megabytesPerSecond(p.bytesPerSecond)}</dd></div>
        <div><dt>Time left</dt><dd>{p.etaSeconds !== undefined ? formatEta(p.etaSeconds) : '…'}</dd></div>
      </dl>
      {p.currentFile ? <p className="small current-file">Reading <code>{p.currentFile}</code></p> : null}
      {job.status === 'queued' ? (
        <p className="small muted" role="status">
          {job.startedAt ? 'Handed back to the queue: it goes on from where it stopped' : 'Waiting to start'} when a worker is free.
        </p>
      ) : null}
    </div>
  );
}

function Outcome({ job }: { job: IngestJob }) {
  return (
    <>
      {job.error ? <p className="banner error">{job.error}</p> : null}
      {job.totals ? (
        <dl className="job-figures totals">
          <div><dt>Added</dt><dd>{job.totals.added.toLocaleString()}</dd></div>
          <div><dt>Updated</dt><dd>{job.totals.updated.toLocaleString()}</dd></div>
          <div><dt>Deleted</dt><dd>{job.totals.deleted.toLocaleString()}</dd></div>
          <div><dt>Skipped</dt><dd>{job.totals.skipped.toLocaleString()}</dd></div>
          <div><dt>Records read</dt><dd>{job.progress.records.toLocaleString()}</dd></div>
        </dl>
      ) : null}
      {job.totals?.skippedRecords?.length ? (
        <div className="skipped-records">
          <p className="small">
            Skipped records, where and why
            {job.totals.skipped > job.totals.skippedRecords.length ? ' (records already in the library, unchanged, are counted, not listed; at most 20 are listed)' : ''}:
          </p>
          <ul className="small">
            {job.totals.skippedRecords.map((record, i) => (
              <li key={i}>
                <code>{record.line !== undefined ? `${record.file}:${record.line}` : record.file}</code> {record.sourceId ? `${record.sourceId} — ` : ''}
                {record.text}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {job.recheck ? (
        <p className="small">Articles re-checked: {job.recheck.checked}; re-review flags raised: {job.recheck.raised}.</p>
      ) : null}
    </>
  );
}
