import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { AnswerView } from '../components/answer/AnswerView';
import { AskProgress } from '../components/answer/AskProgress';
import { entryKeyOf, newEntryKey, sessionAskHistory } from '../components/answer/askHistory';
import { describeAskFilters, NO_FILTERS, toAskFilters, toFilterInput, type FilterInput } from '../components/answer/askTypes';
import { askedIn, askUrl } from '../components/answer/askUrl';
import { AudiencePicker, rememberAudience, rememberedAudience } from '../components/answer/AudiencePicker';
import { ErrorMessage } from '../components/answer/ErrorMessage';
import { FiltersPicker } from '../components/answer/FiltersPicker';
import { LiteratureFetchOffer, LiteratureFetchStatus } from '../components/answer/LiteratureFetch';
import type { LiteratureService } from '../components/answer/literatureFetch';
import { useLiteratureFetch } from '../components/answer/useLiteratureFetch';
import { PublishArticle } from '../components/answer/PublishArticle';
import { QuestionBox } from '../components/answer/QuestionBox';
import { useAskThread, type Turn } from '../components/answer/useAskThread';
import { useRouter } from '../router';
import { useSession } from '../session';
import type { Audience } from '../types';

const EMPTY_QUESTION = 'Type a question first: an empty question cannot be answered.';

/**
 * Ask the library: a question, who it is for and optional filters; the answer streams in as a
 * draft and is replaced by the verified answer, whose citations can each be checked against their
 * passages. Follow-ups continue the same thread below; editors can publish an answer as an article,
 * and, where the server allows it, have an answer that found too little looked up in PubMed or
 * Europe PMC and asked again (useLiteratureFetch.ts).
 *
 * The question, its audience and filters are in the URL (askUrl.ts), so a link or a reload opens
 * it again. What was answered is kept in this tab for its history entry (askHistory.ts): Back,
 * Forward and reload show the answers and the thread again, and only a question with nothing kept
 * is asked again.
 */
export function AskPage() {
  const session = useSession();
  const { location, navigate, replace } = useRouter();
  const conversation = useAskThread();
  const { ask: askInThread, reset, restore, currentThreadId } = conversation;
  const literature = useLiteratureFetch();
  const { clear: clearLiterature } = literature;
  const history = useMemo(sessionAskHistory, []);
  /** The history entry whose conversation is on the page, and its URL. */
  const shown = useRef<{ key: string; url: string } | undefined>(undefined);
  const [question, setQuestion] = useState('');
  const [followUp, setFollowUp] = useState('');
  const [problem, setProblem] = useState<{ box: 'question' | 'follow-up'; text: string } | null>(null);
  const [audience, setAudience] = useState<Audience>(rememberedAudience);
  const [filterInput, setFilterInput] = useState<FilterInput>(NO_FILTERS);
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const followUpRef = useRef<HTMLTextAreaElement>(null);
  const newestHeadingRef = useRef<HTMLHeadingElement>(null);
  const lastAskWasFollowUp = useRef(false);

  // The URL's question, when the page opens on it or history comes back to it: shown again when
  // this tab kept it, asked otherwise. An entry this page made itself (by asking) is left alone.
  useEffect(() => {
    const entryKey = entryKeyOf(location.state);
    if (entryKey !== undefined && entryKey === shown.current?.key) return;
    clearLiterature();
    const asked = askedIn(location.query, rememberedAudience());
    if (!asked) {
      if (shown.current) {
        shown.current = undefined;
        reset();
        setQuestion('');
      }
      return;
    }
    const url = askUrl(asked);
    const key = entryKey ?? newEntryKey();
    shown.current = { key, url };
    setQuestion(asked.question);
    setAudience(asked.audience);
    setFilterInput(toFilterInput(asked.filters));
    setProblem(null);
    if (entryKey === undefined) replace(url, { askKey: key });
    // A sign-in and back lands on a new entry: the newest conversation kept for the same URL.
    const saved = [entryKey !== undefined ? history.load(entryKey) : undefined, history.findByUrl(url)].find((c) => c?.url === url);
    if (saved) restore(saved);
    else void askInThread(asked.question, asked.audience, asked.filters, false);
  }, [location, history, reset, restore, askInThread, replace, clearLiterature]);

  // Every answer is kept for the entry it was asked in.
  useEffect(() => {
    const current = shown.current;
    if (!current || conversation.turns.length === 0) return;
    const turns = conversation.turns.map(({ answer, filters }) => ({ answer, ...(filters ? { filters } : {}) }));
    const threadId = currentThreadId();
    history.save(current.key, { url: current.url, ...(threadId ? { threadId } : {}), turns });
  }, [conversation.turns, history, currentThreadId]);

  // A new answer takes focus at its question, so keyboard and screen-reader users start reading there.
  const newestKey = conversation.turns.at(-1)?.key;
  useEffect(() => {
    if (newestKey !== undefined) newestHeadingRef.current?.focus();
  }, [newestKey]);

  const chooseAudience = (next: Audience) => {
    setAudience(next);
    rememberAudience(next);
  };

  const send = async (text: string, box: 'question' | 'follow-up', input: FilterInput = filterInput) => {
    if (text.trim() === '') {
      setProblem({ box, text: EMPTY_QUESTION });
      return;
    }
    const { filters, problem: filterProblem } = toAskFilters(input);
    if (filterProblem) {
      setProblem({ box, text: filterProblem });
      return;
    }
    setProblem(null);
    clearLiterature();
    lastAskWasFollowUp.current = box === 'follow-up';
    if (box === 'question') {
      // A new question is a new history entry, with the question in its URL.
      const url = askUrl({ question: text.trim(), audience, ...(filters ? { filters } : {}) });
      const key = newEntryKey();
      shown.current = { key, url };
      navigate(url, { askKey: key });
    }
    const answered = await askInThread(text.trim(), audience, filters, box === 'follow-up');
    if (answered && box === 'follow-up' && text === followUp) setFollowUp('');
  };

  /** For an answer the filters left empty: the same question again, with the filters cleared. */
  const askWithoutFilters = (turn: Turn, index: number) => () => {
    setFilterInput(NO_FILTERS);
    if (index === 0) setQuestion(turn.answer.question);
    void send(turn.answer.question, index === 0 ? 'question' : 'follow-up', NO_FILTERS);
  };
  const activeFilters = describeAskFilters(toAskFilters(filterInput).filters);

  /**
   * For an answer that found too little: the service searched for the question as citemed searched
   * for it, then the question asked again, in place (the same history entry). A first question is
   * asked afresh; a follow-up is asked again as it was read against the thread, so it stands alone.
   */
  const fetchLiterature = (turn: Turn, index: number) => (service: LiteratureService) => {
    const { answer } = turn;
    void literature.run(service, answer.searchedFor, turn.filters, () =>
      index === 0 ? askInThread(answer.question, answer.audience, turn.filters, false) : askInThread(answer.searchedFor, answer.audience, turn.filters, true),
    );
  };

  const onSubmit = (box: 'question' | 'follow-up') => (event?: FormEvent) => {
    event?.preventDefault();
    void send(box === 'question' ? question : followUp, box);
  };

  const chooseFollowUp = (suggestion: string) => {
    setFollowUp(suggestion);
    followUpRef.current?.focus();
  };

  const cancel = () => {
    conversation.cancel();
    (lastAskWasFollowUp.current ? followUpRef : questionRef).current?.focus();
  };

  const busy = conversation.pending !== null;
  return (
    <div className="ask-page">
      <h1>Ask the library</h1>
      <p className="muted">Answers come only from citemed's library. Every statement cites the passages that say it, and software checks each one against them.</p>
      <form className="ask-form" onSubmit={onSubmit('question')} noValidate>
        <QuestionBox
          ref={questionRef}
          label="Your question"
          value={question}
          onChange={setQuestion}
          onSubmit={onSubmit('question')}
          problem={problem?.box === 'question' ? problem.text : undefined}
        />
        <AudiencePicker value={audience} onChange={chooseAudience} />
        <FiltersPicker value={filterInput} onChange={setFilterInput} />
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            Ask
          </button>
        </div>
      </form>

      {conversation.turns.map((turn, index) => (
        <AnswerView
          key={turn.key}
          answer={turn.answer}
          idPrefix={index === 0 ? '' : `t${turn.key}-`}
          headingRef={turn.key === newestKey ? newestHeadingRef : undefined}
          onFollowUp={chooseFollowUp}
          {...(turn.filters && turn.answer.evidence.length === 0
            ? { filtersLeftNothing: { filters: describeAskFilters(turn.filters), onAskWithout: askWithoutFilters(turn, index) } }
            : {})}
        >
          {session.literatureFetch && turn.answer.status === 'insufficient' ? (
            <LiteratureFetchOffer searchedFor={turn.answer.searchedFor} state={literature.state} asking={busy} onFetch={fetchLiterature(turn, index)} />
          ) : null}
          {session.has('editor') ? <PublishArticle question={turn.answer.question} searchedFor={turn.answer.searchedFor} audience={turn.answer.audience} filters={turn.filters} answered={turn.answer.status === 'answered'} /> : null}
        </AnswerView>
      ))}

      <LiteratureFetchStatus state={literature.state} />

      <AskProgress pending={conversation.pending} cancelled={conversation.cancelled} onCancel={cancel} />
      {conversation.error ? <ErrorMessage error={conversation.error} action="Asking" /> : null}

      {conversation.turns.length > 0 ? (
        <form className="follow-up-form card" onSubmit={onSubmit('follow-up')} noValidate>
          <h2>Have a follow-up question?</h2>
          <p className="muted small">It is read together with the questions above, so “and in children?” is enough.</p>
          <QuestionBox
            ref={followUpRef}
            label="Follow-up question"
            value={followUp}
            onChange={setFollowUp}
            onSubmit={onSubmit('follow-up')}
            problem={problem?.box === 'follow-up' ? problem.text : undefined}
            rows={2}
          />
          {activeFilters ? (
            <p className="small active-filters">
              Filters apply to follow-ups too: {activeFilters}.{' '}
              <button type="button" className="link" onClick={() => setFilterInput(NO_FILTERS)}>
                Clear the filters
              </button>
            </p>
          ) : null}
          <div className="form-actions">
            <button type="submit" disabled={busy}>
              Ask follow-up
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
