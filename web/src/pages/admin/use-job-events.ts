import { useEffect, useRef, useState } from 'react';

/**
 * Follows a running job's server-sent events at `url` (`progress`, then `done`), handing each job
 * state that `parse` accepts to `onUpdate`: the ingest jobs' and the postings index jobs' streams
 * speak alike. EventSource is enough here: a GET on the same origin, which sends the session
 * cookie and reconnects by itself after a dropped connection. Returns whether the stream was lost
 * for good (the server refused it), so the page can offer a refresh instead.
 */
export function useJobEvents<J>(url: string, active: boolean, parse: (value: unknown) => J | undefined, onUpdate: (job: J) => void): { lost: boolean } {
  const [lost, setLost] = useState(false);
  // The latest callbacks without reopening the stream each time the parent renders.
  const update = useRef(onUpdate);
  update.current = onUpdate;
  const read = useRef(parse);
  read.current = parse;
  useEffect(() => {
    if (!active || typeof EventSource === 'undefined') return;
    setLost(false);
    const source = new EventSource(url);
    const onEvent = (event: MessageEvent<string>) => {
      try {
        const next = read.current(JSON.parse(event.data));
        if (next !== undefined) update.current(next);
      } catch {
        // A malformed event is skipped; the next one, or `done`, carries the whole job again.
      }
    };
    const onDone = (event: MessageEvent<string>) => {
      onEvent(event);
      source.close();
    };
    const onError = () => {
      if (source.readyState === EventSource.CLOSED) setLost(true);
    };
    source.addEventListener('progress', onEvent);
    source.addEventListener('done', onDone);
    source.addEventListener('error', onError);
    return () => source.close();
  }, [url, active]);
  return { lost };
}
