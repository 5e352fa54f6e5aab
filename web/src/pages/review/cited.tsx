import { useMemo } from 'react';
import { AnswerContext, type AnswerContextValue } from '../../components/answer/AnswerContext';
import { referenceNumbers } from '../../components/answer/citations';
import { ReferenceList } from '../../components/answer/ReferenceList';
import { StatementCitations } from '../../components/answer/StatementText';
import { headingOf, type Statement } from '../../types';
import type { VersionDetail } from './compare-rows';
import '../../components/answer/answer.css';

/**
 * Citations on the review desk: a reviewer checks each statement against the passages it cites
 * before deciding, with the same citation numbers and popovers (cited passage, supporting words
 * marked) as the ask page, and each version's reference list.
 */
export interface CitedVersion {
  number: number;
  /** The version's statements by key ("bottom-line.1"), with the evidence each cites. */
  statements: ReadonlyMap<string, Statement>;
  /** What the answer's citation components need; ids are prefixed "v<number>-" so two versions on one page never clash. */
  context: AnswerContextValue;
}

/** `host`: the positioned element popovers are placed in (the comparison). */
export function useCitedVersion(detail: VersionDetail | undefined, host: HTMLElement | null): CitedVersion | undefined {
  return useMemo(() => {
    if (!detail) return undefined;
    const number = detail.version.number;
    return {
      number,
      statements: new Map(detail.statements.map((s) => [s.key, s])),
      context: { answer: detail.answer, numberOf: referenceNumbers(detail.answer), subsectionOf: headingOf(detail.answer), popoverHost: host, idPrefix: `v${number}-` },
    };
  }, [detail, host]);
}

/** The citation numbers after statement `statementKey` of a version (nothing for a key the version lacks). */
export function CitedStatement({ version, statementKey }: { version: CitedVersion; statementKey: string }) {
  const statement = version.statements.get(statementKey);
  if (!statement) return null;
  return (
    <AnswerContext.Provider value={version.context}>
      <StatementCitations statement={statement} />
    </AnswerContext.Provider>
  );
}

/** A version's numbered references, the targets of its popovers' "Reference n in the list". */
export function VersionReferences({ version }: { version: CitedVersion }) {
  return (
    <AnswerContext.Provider value={version.context}>
      <ReferenceList answer={version.context.answer} title={`References of version ${version.number}`} />
    </AnswerContext.Provider>
  );
}
