import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { post } from '../../api';
import { ErrorBanner } from '../review/format';
import { useAction } from '../review/use-action';
import { useFetched } from '../review/use-fetched';
import { IngestJobCard } from './IngestJobCard';
import { toIngestJob, type IngestJob } from './ingest-job';

/** Starting an ingest of files on the server, and the jobs with their live progress. */
export function IngestSection({ names }: { names: ReadonlyMap<string, string> }) {
  const listed = useFetched<{ jobs?: unknown[] }>('/api/v1/ingest-jobs');
  const [jobs, setJobs] = useState<IngestJob[]>([]);
  useEffect(() => {
    if (listed.data) setJobs((listed.data.jobs ?? []).map(toIngestJob).filter((j): j is IngestJob => j !== undefined));
  }, [listed.data]);
  // A job as it now is replaces the one listed; a job not listed yet (just started) goes first.
  const upsert = useCallback((job: IngestJob) => {
    setJobs((old) => (old.some((j) => j.id === job.id) ? old.map((j) => (j.id === job.id ? job : j)) : [job, ...old]));
  }, []);
  return (
    <section aria-labelledby="ingest-heading">
      <h2 id="ingest-heading">Ingest</h2>
      <StartIngestForm onStarted={upsert} />
      <h3>Jobs</h3>
      <ErrorBanner error={listed.error} />
      {jobs.length === 0 && listed.data ? <p className="muted">No ingest jobs yet.</p> : null}
      <ul className="plain jobs">
        {jobs.map((job) => (
          <IngestJobCard key={job.id} job={job} names={names} onUpdate={upsert} onRefresh={listed.reload} />
        ))}
      </ul>
      {listed.data || listed.error ? (
        <button type="button" className="secondary" onClick={listed.reload} disabled={listed.loading}>Refresh jobs</button>
      ) : null}
    </section>
  );
}

function StartIngestForm({ onStarted }: { onStarted: (job: IngestJob) => void }) {
  const [paths, setPaths] = useState('');
  const [force, setForce] = useState(false);
  const action = useAction();
  const pathsId = useId();
  const forceId = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const list = paths.split('\n').map((p) => p.trim()).filter((p) => p !== '');
    const ok = await action.run(async () => {
      const job = toIngestJob(await post<unknown>('/api/v1/ingest-jobs', { paths: list, force }));
      if (job) onStarted(job);
    });
    if (ok) setPaths('');
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="ingest-form">
      <label htmlFor={pathsId}>Paths on the server (one per line)</label>
      <textarea id={pathsId} value={paths} onChange={(e) => setPaths(e.target.value)} required spellCheck={false} placeholder="/srv/library/pubmed-baseline" />
      <p className="checkbox">
        <input id={forceId} type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
        <label htmlFor={forceId}>Force re-reading files already ingested</label>
      </p>
      <ErrorBanner error={action.error} />
      <button type="submit" disabled={action.busy || paths.trim() === ''}>Start ingest</button>
    </form>
  );
}
