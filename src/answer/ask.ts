import type { Answer, AnswerSection, Audience, Evidence, EvidenceSource, Statement } from '../domain/answer.js';
import { SECTION_TITLES } from '../domain/answer.js';
import { describeFilters } from '../domain/filter-words.js';
import { canSupport, inheritedIntegrity, INTEGRITY_LABELS } from '../domain/integrity.js';
import type { Source } from '../domain/source.js';
import type { Composer, Draft, ThreadTurn } from '../ports/composer.js';
import type { PassageHit, SearchFilters, Store } from '../ports/store.js';
import { questionAsSearched } from '../retrieval/plan.js';
import type { RetrievalResult } from '../retrieval/retrieve.js';
import { audienceNotices, glossaryFor, hasDosing } from './audience.js';
import { buildReferences } from './references.js';
import { summarizeEvidence } from './summary.js';
import { resolveFollowUp, suggestFollowUps } from './thread.js';
import type { ModelJudge } from '../ports/judge.js';
import { combineWithJudge, DEFAULT_VERIFY_OPTIONS, verifyAll, type VerifyOptions } from './verify.js';

/**
 * The answer use case: retrieve evidence for the question (resolved against its thread when it is
 * a follow-up), have the composer draft an answer from it, check every statement against the
 * passages it cites, and assemble the answer with references, an evidence summary, notices for
 * the audience and follow-up suggestions.
 *
 * Nothing unchecked reaches the reader: a statement the verifier finds unsupported is removed
 * (and kept in `removed`, with why); a partly supported one stays, flagged. Retracted sources are
 * never offered to the composer as support. When nothing supported is left, the answer says the
 * library does not hold enough evidence and lists what was found.
 */
export interface AskDeps {
  search(text: string, request: { limit: number; filters?: SearchFilters }): Promise<RetrievalResult>;
  getSource(id: string): Promise<Source | undefined>;
  /**
   * The sources holding these PMIDs or DOIs (Store.versionsOf): the other versions of the works
   * retrieved, whose retraction or correction the answer must not miss. Without it, each source
   * stands alone.
   */
  versionsOf?: Store['versionsOf'];
  composer: Composer;
  now: () => Date;
  /**
   * Names the library, for provenance ("SQLite library citemed.db"). Readers see it and articles
   * keep it, so it holds no path, host or credentials.
   */
  library: string;
  verify?: VerifyOptions;
  /** An optional model's second opinion on each statement; it can only lower a verdict. */
  judge?: ModelJudge;
}

export interface AskRequest {
  question: string;
  audience: Audience;
  thread?: readonly ThreadTurn[];
  /** Passages retrieved as evidence. */
  evidence?: number;
  filters?: SearchFilters;
  signal?: AbortSignal;
  /**
   * Called between the stages (after retrieval, after composing); throws to stop the answer. The
   * stages are mostly synchronous, so a server that must notice a deadline or a client gone (which
   * only its event loop can see) gets the chance here, before the next stage starts.
   */
  checkpoint?: () => Promise<void>;
  onText?: (delta: string) => void;
}

export const DEFAULT_EVIDENCE_PASSAGES = 20;


export async function ask(deps: AskDeps, request: AskRequest): Promise<Answer> {
  const thread = request.thread ?? [];
  const searchedFor = resolveFollowUp(request.question, thread);
  const retrieval = await deps.search(searchedFor, {
    limit: request.evidence ?? DEFAULT_EVIDENCE_PASSAGES,
    ...(request.filters ? { filters: request.filters } : {}),
  });
  // The question as searched: a word respelled for the search ("childern" → "children") is read
  // so by the composer too, whose population check would otherwise miss it.
  const asSearched = questionAsSearched(retrieval.plan);
  const evidence = await toEvidence(retrieval.hits, deps);
  const citeable = evidence.filter((e) => canSupport(e.source.integrity));
  await request.checkpoint?.();
  const draft: Draft =
    citeable.length === 0
      ? { bottomLine: [], sections: [], followUps: [] }
      : await deps.composer.compose({
          question: asSearched,
          audience: request.audience,
          evidence: citeable,
          thread,
          ...(request.signal ? { signal: request.signal } : {}),
          ...(request.onText ? { onText: request.onText } : {}),
        });
  await request.checkpoint?.();

  const byId = new Map(citeable.map((e) => [e.id, e]));
  const removed: Statement[] = (draft.rejected ?? []).map((r) => ({
    text: r.text,
    evidence: r.evidence,
    verdict: { support: 'unsupported', score: 0, problems: [r.reason] },
  }));
  const options = deps.verify ?? DEFAULT_VERIFY_OPTIONS;
  const judged = async (statement: Statement): Promise<Statement> => {
    if (!deps.judge || statement.verdict?.support === 'unsupported') return statement;
    const passages = statement.evidence.flatMap((id) => byId.get(id) ?? []);
    return { ...statement, verdict: combineWithJudge(statement.verdict!, await deps.judge.judge(statement, passages), options) };
  };
  const keep = async (statements: readonly Statement[]): Promise<Statement[]> =>
    (await Promise.all(verifyAll(statements, byId, options).map(judged))).filter((s) => {
      const reason = removalReason(s, request.audience);
      if (reason) removed.push(reason === 'verdict' ? s : { ...s, verdict: { support: 'unsupported', score: s.verdict?.score ?? 0, problems: [reason] } });
      return reason === undefined;
    });
  const bottomLine = await keep(draft.bottomLine);
  const sections: AnswerSection[] = [];
  for (const section of draft.sections) {
    const statements = await keep(section.statements);
    if (statements.length > 0) sections.push({ kind: section.kind, title: SECTION_TITLES[section.kind], statements });
  }
  const kept = [...bottomLine, ...sections.flatMap((s) => s.statements)];
  // An answer with no bottom line left leads with its strongest remaining statement, never a
  // pitfall: "Relying on regular paracetamol …" reads as advice once its heading is gone.
  const lead = sections.find((s) => s.kind !== 'pitfalls');
  if (bottomLine.length === 0 && lead) {
    bottomLine.push(lead.statements.shift()!);
    if (lead.statements.length === 0) sections.splice(sections.indexOf(lead), 1);
  }

  const references = buildReferences(kept.flatMap((s) => s.evidence.map((id) => ({ evidenceId: id, source: byId.get(id)!.source }))));
  const status = kept.length > 0 ? 'answered' : 'insufficient';
  const answer: Answer = {
    question: request.question,
    searchedFor,
    audience: request.audience,
    status,
    bottomLine,
    sections,
    references,
    evidence,
    summary: summarizeEvidence(references, evidence, kept),
    notices: notices(request.audience, status, draft, references, removed, howSearched(retrieval), evidence, describeFilters(request.filters ?? {})),
    followUps: (draft.followUps.length > 0 ? draft.followUps : status === 'answered' ? suggestFollowUps(asSearched, sourceTexts(kept, evidence)) : []).slice(0, 3),
    glossary: request.audience === 'patient' ? glossaryFor(kept.map((s) => s.text)) : [],
    removed,
    provenance: {
      composer: deps.composer.name,
      retrieval: { searchedFor, passages: request.evidence ?? DEFAULT_EVIDENCE_PASSAGES, candidates: retrieval.candidates, filters: request.filters ?? {} },
      generatedAt: deps.now().toISOString(),
      library: deps.library,
    },
    reviewStatus: 'not-reviewed',
  };
  return answer;
}

/** Every retrieved passage of the sources the kept statements cite, with its title and section. */
function sourceTexts(kept: readonly Statement[], evidence: readonly Evidence[]): string[] {
  const byId = new Map(evidence.map((e) => [e.id, e]));
  const cited = new Set(kept.flatMap((s) => s.evidence.map((id) => byId.get(id)?.source.id)));
  return evidence.filter((e) => cited.has(e.source.id)).map((e) => `${e.source.title} ${e.section} ${e.text}`);
}

/** Why a verified statement may not be shown: 'verdict' when the verifier found it unsupported. */
function removalReason(statement: Statement, audience: Audience): string | undefined {
  if (statement.verdict?.support === 'unsupported') return 'verdict';
  if (audience === 'patient' && hasDosing(statement.text)) return 'individual dosing is left out of patient answers';
  return undefined;
}

function notices(
  audience: Audience,
  status: Answer['status'],
  draft: Draft,
  references: Answer['references'],
  removed: readonly Statement[],
  retrievalNotes: readonly string[],
  evidence: readonly Evidence[],
  /** The search filters in words; '' when none was set. */
  filters: string,
): string[] {
  const out = [...audienceNotices(audience)];
  if (status === 'insufficient') {
    // With filters, finding nothing says nothing of the library as a whole: say what was searched.
    const nothing = filters
      ? `No passage in the library matched this question with the filters set (${filters}), so there is no answer. Ask again without the filters, or with wider ones.`
      : 'The library holds no passage on this question, so there is no answer. Try other words, or add literature on the topic.';
    out.push(
      evidence.length === 0
        ? nothing
        : 'The library does not hold enough evidence to answer this question. The passages found are listed below; none of them was judged to answer it.',
    );
  }
  if (draft.refusal) out.push(`The composer declined to answer: ${draft.refusal}`);
  const unreviewed = references.filter((r) => r.source.reviewStatus !== undefined && r.source.reviewStatus !== 'approved');
  if (unreviewed.length > 0) {
    out.push(`${unreviewed.length} cited source${unreviewed.length === 1 ? ' is' : 's are'} in-house content that no qualified reviewer has approved (sample content).`);
  }
  const unsupported = removed.filter((s) => s.verdict?.problems.every((p) => !p.startsWith('individual dosing')));
  if (unsupported.length > 0) out.push(`${unsupported.length} drafted statement${unsupported.length === 1 ? ' was' : 's were'} removed because the cited passages do not support ${unsupported.length === 1 ? 'it' : 'them'}.`);
  const retracted = evidence.filter((e) => e.source.integrity === 'retracted');
  if (retracted.length > 0) out.push(`${new Set(retracted.map((e) => e.source.id)).size} retrieved source(s) are retracted and were not used as support.`);
  const noticeSources = evidence.filter((e) => e.source.integrity === 'retraction-notice' || e.source.integrity === 'correction-notice');
  if (noticeSources.length > 0) out.push(`${new Set(noticeSources.map((e) => e.source.id)).size} retrieved source(s) are retraction or correction notices, listed but not used as support.`);
  // The search's notes are clauses ("no passage holds …"); among the notices they read as sentences.
  out.push(...retrievalNotes.map(asSentence));
  return out;
}

/**
 * What the reader should know of how the question was searched: a claim typed as a statement is
 * said to have been read as one (its sources are ranked by whether they say it), then the
 * search's own notes.
 */
function howSearched(retrieval: RetrievalResult): string[] {
  const statement = retrieval.plan.statement
    ? ['read as a statement to check rather than a question: sources that state it, in its words or in others, rank first. The answer reports what they say, which may not confirm it']
    : [];
  return [...statement, ...retrieval.notes];
}

function asSentence(note: string): string {
  const capital = note.charAt(0).toUpperCase() + note.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Retrieved passages as evidence E1, E2, … with the citation details of their sources. */
export async function toEvidence(hits: readonly PassageHit[], library: Pick<AskDeps, 'getSource' | 'versionsOf'>): Promise<Evidence[]> {
  const sources = new Map<string, EvidenceSource>();
  for (const hit of hits) {
    if (sources.has(hit.source.id)) continue;
    sources.set(hit.source.id, evidenceSource(hit, await library.getSource(hit.source.id)));
  }
  if (library.versionsOf) await inheritFromWorks([...sources.values()], library.versionsOf);
  return hits.map((hit, i) => ({
    id: `E${i + 1}`,
    passageId: hit.passage.id,
    source: sources.get(hit.source.id)!,
    section: hit.passage.section,
    text: hit.passage.text,
    score: hit.score,
    rank: i + 1,
  }));
}

/**
 * A source takes the retraction, expression of concern, update or correction that another
 * version of its work records (the PubMed record of a PMC full text, a Europe PMC copy), and says
 * where it came from: the full text of a retracted trial must never support an answer because its
 * own file predates the retraction. One store call for all the sources.
 */
async function inheritFromWorks(sources: readonly EvidenceSource[], versionsOf: NonNullable<AskDeps['versionsOf']>): Promise<void> {
  const pmids = new Set<string>();
  const dois = new Set<string>();
  for (const { ids } of sources) {
    if (ids.pmid) pmids.add(ids.pmid);
    if (ids.doi) dois.add(ids.doi.toLowerCase());
  }
  if (pmids.size === 0 && dois.size === 0) return;
  const versions = await versionsOf({ pmids: [...pmids], dois: [...dois] });
  for (const source of sources) {
    const doi = source.ids.doi?.toLowerCase();
    const siblings = versions.filter((v) => v.id !== source.id && ((source.ids.pmid && v.pmid === source.ids.pmid) || (doi && v.doi?.toLowerCase() === doi)));
    const inherited = inheritedIntegrity(source.integrity, siblings.map((v) => v.integrity));
    if (inherited === undefined) continue;
    const from = siblings.find((v) => v.integrity === inherited);
    source.integrity = inherited;
    const note = `${INTEGRITY_LABELS[inherited]}, as ${from ? from.id : 'another version of this work'} records`;
    source.statusNote = source.statusNote ? `${source.statusNote}; ${note}` : note;
  }
}

function evidenceSource(hit: PassageHit, full: Source | undefined): EvidenceSource {
  const s = hit.source;
  const out: EvidenceSource = {
    id: s.id,
    title: s.title,
    authors: full?.authors ?? [],
    ids: full?.ids ?? {},
    format: s.format,
    evidenceLevel: s.evidenceLevel,
    integrity: s.integrity,
    publicationTypes: full?.publicationTypes ?? [],
    references: full?.references ?? [],
  };
  if (s.journal !== undefined) out.journal = s.journal;
  if (s.year !== undefined) out.year = s.year;
  if (full?.published !== undefined) out.published = full.published;
  if (s.reviewStatus !== undefined) out.reviewStatus = s.reviewStatus;
  if (s.statusNote !== undefined) out.statusNote = s.statusNote;
  return out;
}
