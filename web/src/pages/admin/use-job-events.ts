import { useEffect, useRef, useState } from 'react';
import { toIngestJob, type IngestJob } from './ingest-job';

/**
 * Follows a queued or running job's server-sent events (`progress`, then `done`), handing each
 * job state to `onUpdate`. EventSource is enough here: a GET on the same origin, which sends the
 * session cookie and reconnects by itself after a dropped connection. Returns whether the stream
 * was lost for good (the server refused it), so the page can offer a refresh instead.
 */
export function useJobEvents(job: IngestJob, active: boolean, onUpdate: (job: IngestJob) => void): { lost: boolean } {
  const [lost, setLost] = useState(false);
  // The latest callback without reopening the stream each time the parent renders.
  const update = useRef(onUpdate);
  update.current = onUpdate;
  useEffect(() => {
    if (!active || typeof EventSource === 'undefined') return;
    setLost(false);
    const source = new EventSource(`/api/v1/ingest-jobs/${encodeURIComponent(job.id)}/events`);
    const read = (event: MessageEvent<string>) => {
      try {
        const next = toIngestJob(JSON.parse(event.data));
        if (next) update.current(next);
      } catch {
        // A malformed event is skipped; the next one, or `done`, carries the whole job again.
      }
    };
    const onDone = (event: MessageEvent<string>) => {
      read(event);
      source.close();
    };
    const onError = () => {
      if (source.readyState === EventSource.CLOSED) setLost(true);
    };
    source.addEventListener('progress', read);
    source.addEventListener('done', onDone);
    source.addEventListener('error', onError);
    return () => source.close();
  }, [job.id, active]);
  return { lost };
}
