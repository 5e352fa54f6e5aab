import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AnswerView } from '../components/answer/AnswerView';
import { AskProgress } from '../components/answer/AskProgress';
import { NO_FILTERS, toAskFilters, type FilterInput } from '../components/answer/askTypes';
import { AudiencePicker, rememberAudience, rememberedAudience } from '../components/answer/AudiencePicker';
import { ErrorMessage } from '../components/answer/ErrorMessage';
import { FiltersPicker } from '../components/answer/FiltersPicker';
import { PublishArticle } from '../components/answer/PublishArticle';
import { QuestionBox } from '../components/answer/QuestionBox';
import { useAskThread } from '../components/answer/useAskThread';
import { useSession } from '../session';
import type { Audience } from '../types';

const EMPTY_QUESTION = 'Type a question first: an empty question cannot be answered.';

/**
 * Ask the library: a question, who it is for and optional filters; the answer streams in as a
 * draft and is replaced by the verified answer, whose citations can each be checked against their
 * passages. Follow-ups continue the same thread below; editors can publish an answer as an article.
 */
export function AskPage() {
  const session = useSession();
  const conversation = useAskThread();
  const [question, setQuestion] = useState('');
  const [followUp, setFollowUp] = useState('');
  const [problem, setProblem] = useState<{ box: 'question' | 'follow-up'; text: string } | null>(null);
  const [audience, setAudience] = useState<Audience>(rememberedAudience);
  const [filterInput, setFilterInput] = useState<FilterInput>(NO_FILTERS);
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const followUpRef = useRef<HTMLTextAreaElement>(null);
  const newestHeadingRef = useRef<HTMLHeadingElement>(null);
  const lastAskWasFollowUp = useRef(false);

  // A new answer takes focus at its question, so keyboard and screen-reader users start reading there.
  const newestKey = conversation.turns.at(-1)?.key;
  useEffect(() => {
    if (newestKey !== undefined) newestHeadingRef.current?.focus();
  }, [newestKey]);

  const chooseAudience = (next: Audience) => {
    setAudience(next);
    rememberAudience(next);
  };

  const send = async (text: string, box: 'question' | 'follow-up') => {
    if (text.trim() === '') {
      setProblem({ box, text: EMPTY_QUESTION });
      return;
    }
    const { filters, problem: filterProblem } = toAskFilters(filterInput);
    if (filterProblem) {
      setProblem({ box, text: filterProblem });
      return;
    }
    setProblem(null);
    lastAskWasFollowUp.current = box === 'follow-up';
    const answered = await conversation.ask(text.trim(), audience, filters, box === 'follow-up');
    if (answered && box === 'follow-up') setFollowUp('');
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
        >
          {session.has('editor') ? <PublishArticle question={turn.answer.question} searchedFor={turn.answer.searchedFor} audience={turn.answer.audience} filters={turn.filters} /> : null}
        </AnswerView>
      ))}

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
