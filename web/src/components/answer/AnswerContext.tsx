import { createContext, useContext } from 'react';
import type { Answer, Statement } from '../../types';

/**
 * What every statement of one rendered answer needs to draw its citations: the answer (for its
 * references and passages), evidence id → reference number, the element citation popovers are
 * placed in (the answer's <article>, so they stay inside the page's main landmark and scroll with
 * the text), and the prefix that keeps element ids unique when a page shows several answers.
 */
export interface AnswerContextValue {
  answer: Answer;
  numberOf: ReadonlyMap<string, number>;
  /** The subsection a statement was quoted from, or '' (domain `headingOf`, made once per answer). */
  subsectionOf: (statement: Statement) => string;
  popoverHost: HTMLElement | null;
  idPrefix: string;
}

export const AnswerContext = createContext<AnswerContextValue | null>(null);

export function useAnswerContext(): AnswerContextValue {
  const value = useContext(AnswerContext);
  if (!value) throw new Error('citation components must be rendered inside an AnswerView');
  return value;
}
