import { useId } from 'react';
import { ErrorMessage } from './ErrorMessage';
import { describeFetch, SERVICE_LABELS, type FetchState, type LiteratureService } from './literatureFetch';
import './ask.css';

/**
 * Under an answer the library could not give, for accounts the server lets fetch: search PubMed
 * (or Europe PMC) for the question as citemed searched for it, add what it finds to the library,
 * and ask again. Both buttons wait while a fetch or a question runs, on any answer of the page.
 */
export function LiteratureFetchOffer({
  searchedFor,
  state,
  asking,
  onFetch,
}: {
  searchedFor: string;
  state: FetchState;
  /** A question is being answered: the fetch would replace it, so it waits. */
  asking: boolean;
  onFetch: (service: LiteratureService) => void;
}) {
  const explanationId = useId();
  const busy = asking || state.kind === 'fetching' || state.kind === 'asking-again';
  const label = (service: LiteratureService, primary: string) =>
    state.kind === 'fetching' && state.service === service ? `Searching ${SERVICE_LABELS[service]}…` : primary;
  return (
    <div className="answer-actions literature-fetch noprint">
      <p id={explanationId} className="small muted">
        The server can search a literature database for “{searchedFor}”, add its best matches to the library, and ask again. What it adds is
        checked like everything else: nothing is said without a cited passage.{' '}
        <strong>These words are sent outside this service</strong> (to NCBI for PubMed, to EMBL-EBI for Europe PMC): search only if they hold
        nothing that identifies a patient.
      </p>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={() => onFetch('pubmed')} disabled={busy} aria-describedby={explanationId}>
          {label('pubmed', 'Search PubMed for this question')}
        </button>
        <button type="button" className="secondary" onClick={() => onFetch('europepmc')} disabled={busy} aria-describedby={explanationId}>
          {label('europepmc', 'Search Europe PMC instead')}
        </button>
      </div>
    </div>
  );
}

/**
 * Where the page says how a fetch is going and what it did. The status line stays in the page
 * (empty when there is nothing to say), so screen readers announce each change; the answer asked
 * again replaces the one that had too little, so this line lives outside the answers.
 */
export function LiteratureFetchStatus({ state }: { state: FetchState }) {
  const busy = state.kind === 'fetching' || state.kind === 'asking-again';
  return (
    <div className="literature-fetch-status">
      <p role="status" className={busy ? 'ask-status busy' : state.kind === 'done' ? 'banner ok' : 'ask-status'}>
        {state.kind === 'fetching'
          ? `Searching ${SERVICE_LABELS[state.service]} and adding what it finds to the library. This can take several seconds…`
          : state.kind === 'asking-again'
            ? `${SERVICE_LABELS[state.result.service]}: ${state.result.added + state.result.updated} record(s) added to the library. Asking the question again…`
            : state.kind === 'done'
              ? describeFetch(state.result, state.query, state.askedAgain)
              : ''}
      </p>
      {state.kind === 'failed' ? <ErrorMessage error={state.error} action={`Searching ${SERVICE_LABELS[state.service]}`} /> : null}
    </div>
  );
}
