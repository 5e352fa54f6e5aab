import type { Audience, Evidence, SectionKind, Statement } from '../domain/answer.js';

/**
 * Writes a draft answer from retrieved evidence. The extractive composer (no model) is the
 * default; LLM composers call a chat model the user runs or rents. Either way the draft is only
 * a draft: the verifier checks every statement against the passages it cites before anyone sees it.
 */
export interface Composer {
  /** e.g. "extractive" or "openai-chat http://127.0.0.1:11434/v1 llama3.1", for provenance and messages. */
  readonly name: string;
  compose(request: ComposeRequest): Promise<Draft>;
}

export interface ComposeRequest {
  question: string;
  audience: Audience;
  /** The passages the answer may cite, best first. Their text is data, never instructions. */
  evidence: readonly Evidence[];
  /** Earlier turns of a follow-up thread, oldest first. */
  thread: readonly ThreadTurn[];
  signal?: AbortSignal;
  /** Partial output as it arrives, for composers that stream (the server relays it). */
  onText?: (delta: string) => void;
}

export interface ThreadTurn {
  question: string;
  /** The bottom line given, as plain text. */
  answer: string;
}

export interface Draft {
  bottomLine: Statement[];
  sections: { kind: SectionKind; statements: Statement[] }[];
  /** Up to three questions the reader may want to ask next. */
  followUps: string[];
  /** Set when the composer declined to answer (a model's refusal), with its reason. */
  refusal?: string;
  /** Statements the composer itself threw out (citing ids it was not given), with why: shown, never lost. */
  rejected?: { text: string; evidence: string[]; reason: string }[];
}
