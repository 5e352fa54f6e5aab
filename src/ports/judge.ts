import type { Evidence, Statement, Support } from '../domain/answer.js';

/** A model's opinion of whether the passages say what the statement says. */
export interface Judgement {
  support: Support;
  /** Why, in the model's words, for the problems list. */
  reason: string;
}

/**
 * An optional second opinion on a statement: a model that reads it with its cited passages (an
 * NLI model, or a chat model asked to judge). The verifier's own checks never depend on one, and
 * a judge can only lower a verdict (src/answer/verify.ts, combineWithJudge). No adapter ships yet.
 */
export interface ModelJudge {
  /** e.g. "nli deberta-v3 http://127.0.0.1:8080", for provenance and messages. */
  readonly name?: string;
  judge(statement: Statement, passages: readonly Evidence[]): Promise<Judgement>;
}
