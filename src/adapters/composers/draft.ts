/**
 * What the LLM composers share apart from HTTP: the versioned prompt and how it is filled, the
 * shape of the JSON answer a model must write, turning that JSON into a Draft, and the
 * conversation around it (one repair turn when the JSON is unusable).
 *
 * A model's reply is untrusted input. Parsing is forgiving about form (a Markdown fence, prose
 * around the object, ids in brackets) and strict about substance: a statement that cites a
 * passage the model was not shown is removed, and reported rather than silently lost.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AUDIENCES, SECTION_KINDS, SECTION_TITLES, type Audience, type Evidence, type SectionKind, type Statement } from '../../domain/answer.js';
import { CitemedError } from '../../domain/errors.js';
import type { ComposeRequest, Composer, Draft, ThreadTurn } from '../../ports/composer.js';

/** Recorded in every answer's provenance (through the composer's name). */
export const PROMPT_VERSION = 'answer.v1';

/** Resolved against this module, so it works from any working directory. */
export const ANSWER_PROMPT_URL = new URL('./prompts/answer.v1.md', import.meta.url);

// ---------------------------------------------------------------------------------------------
// The prompt file

/** The prompt's parts, with `{{placeholders}}` still in them. */
export interface AnswerPrompt {
  system: string;
  user: string;
  repair: string;
  /** Reader-specific rules, put into the system part. */
  audiences: Record<Audience, string>;
}

/** Which placeholders each part may use, and which it must (a prompt without the passages is a bug). */
const PLACEHOLDERS: Record<'system' | 'user' | 'repair', { allowed: string[]; required: string[] }> = {
  system: { allowed: ['audience', 'audienceRules', 'sectionKinds'], required: ['audienceRules', 'sectionKinds'] },
  user: { allowed: ['question', 'audience', 'thread', 'passages'], required: ['question', 'thread', 'passages'] },
  repair: { allowed: ['problem'], required: ['problem'] },
};

const PART_MARKER = /^<!--\s*part:\s*([a-z:-]+)\s*-->\s*$/;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** Reads and checks the prompt file; composers call this once, when they are built. */
export function loadAnswerPrompt(url: URL = ANSWER_PROMPT_URL): AnswerPrompt {
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (error) {
    throw new CitemedError('unreadable', `cannot read the answer prompt ${url.pathname}`, {
      hint: 'the installation is incomplete; reinstall citemed',
      cause: error,
    });
  }
  return parseAnswerPrompt(text, url.pathname);
}

/**
 * Splits the prompt file into its parts and checks them. Text before the first marker is notes
 * for maintainers and is never sent.
 */
export function parseAnswerPrompt(text: string, where = 'the answer prompt'): AnswerPrompt {
  const parts = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const marker = PART_MARKER.exec(line);
    if (marker) {
      current = [];
      parts.set(marker[1] ?? '', current);
    } else current?.push(line);
  }
  const part = (name: string) => parts.get(name)?.join('\n').trim() ?? '';
  const problems: string[] = [];
  const checked = (name: keyof typeof PLACEHOLDERS): string => {
    const body = part(name);
    if (body === '') problems.push(`part "${name}" is missing or empty`);
    problems.push(...placeholderProblems(name, body));
    return body;
  };
  const prompt: AnswerPrompt = {
    system: checked('system'),
    user: checked('user'),
    repair: checked('repair'),
    audiences: Object.fromEntries(AUDIENCES.map((audience) => [audience, part(`audience:${audience}`)])) as Record<Audience, string>,
  };
  for (const audience of AUDIENCES) {
    if (prompt.audiences[audience] === '') problems.push(`part "audience:${audience}" is missing or empty`);
  }
  if (problems.length > 0) {
    throw new CitemedError('bad-config', `${where} is malformed: ${problems.join('; ')}`, {
      hint: 'restore the prompt file from the release, or fix it as its header describes',
    });
  }
  return prompt;
}

function placeholderProblems(name: keyof typeof PLACEHOLDERS, body: string): string[] {
  const { allowed, required } = PLACEHOLDERS[name];
  const used = new Set([...body.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''));
  return [
    ...[...used].filter((placeholder) => !allowed.includes(placeholder)).map((placeholder) => `part "${name}" has unknown placeholder {{${placeholder}}}`),
    ...required.filter((placeholder) => !used.has(placeholder)).map((placeholder) => `part "${name}" lacks {{${placeholder}}}`),
  ];
}

/** One pass, so a value that happens to contain "{{passages}}" is never expanded itself. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

// ---------------------------------------------------------------------------------------------
// Building the conversation

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** What is sent: a system message and the turns after it (each protocol places the system part its own way). */
export interface Conversation {
  system: string;
  messages: ChatMessage[];
}

/** The first request: rules for the audience, then the question, the thread and the passages. */
export function buildConversation(prompt: AnswerPrompt, request: Pick<ComposeRequest, 'question' | 'audience' | 'evidence' | 'thread'>): Conversation {
  const system = fill(prompt.system, {
    audience: request.audience,
    audienceRules: prompt.audiences[request.audience],
    sectionKinds: SECTION_KINDS.map((kind) => `"${kind}"`).join(', '),
  });
  const user = fill(prompt.user, {
    question: escapeMarkup(request.question),
    audience: request.audience,
    thread: renderThread(request.thread),
    passages: request.evidence.map(renderPassage).join('\n'),
  });
  return { system, messages: [{ role: 'user', content: user }] };
}

/** The repair turn: the unusable reply is kept in the conversation so the model can see what it wrote. */
export function repairConversation(prompt: AnswerPrompt, conversation: Conversation, badReply: string, problem: string): Conversation {
  return {
    system: conversation.system,
    messages: [
      ...conversation.messages,
      // Some servers reject an empty assistant turn; the model still needs to see that it said nothing.
      { role: 'assistant', content: badReply.trim() === '' ? '(empty reply)' : badReply },
      { role: 'user', content: fill(prompt.repair, { problem }) },
    ],
  };
}

/**
 * Escapes text placed between tags, so that a passage containing "</passage>" (by accident or
 * as an injection attempt) cannot end its own element and pose as instructions.
 */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeMarkup(text).replace(/"/g, '&quot;').replace(/[\r\n\t]+/g, ' ');
}

/** One passage as data: attributes a model can weigh (source, level, section), then the escaped text. */
export function renderPassage(evidence: Evidence): string {
  const { source } = evidence;
  const attributes: [string, string][] = [
    ['id', evidence.id],
    ['source', source.year === undefined ? source.title : `${source.title} (${source.year})`],
    ['level', source.evidenceLevel],
  ];
  if (evidence.section.trim() !== '') attributes.push(['section', evidence.section]);
  if (source.integrity !== 'ok') attributes.push(['integrity', source.integrity]);
  const tag = attributes.map(([name, value]) => `${name}="${escapeAttribute(value)}"`).join(' ');
  return `<passage ${tag}>\n${escapeMarkup(evidence.text)}\n</passage>`;
}

function renderThread(thread: readonly ThreadTurn[]): string {
  if (thread.length === 0) return '(none: this is the first question)';
  return thread
    .map((turn) => `<turn>\n<question>${escapeMarkup(turn.question)}</question>\n<answer>${escapeMarkup(turn.answer)}</answer>\n</turn>`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// The model's answer

/** A single id is accepted for a list of one: small models often write "evidence": "E1". */
const evidenceIdsSchema = z.union([z.array(z.string()), z.string()]);

const statementSchema = z.object({
  text: z.string(),
  evidence: evidenceIdsSchema.optional(),
});

const sectionSchema = z.object({
  kind: z.string().optional(),
  statements: z.array(statementSchema),
});

/**
 * The JSON object the prompt asks for. Follow-up questions are a nicety, so anything odd in them
 * is ignored rather than costing the whole answer; the statements must have the right shape.
 */
export const draftReplySchema = z.object({
  bottomLine: z.array(statementSchema).optional(),
  sections: z.array(sectionSchema).optional(),
  followUps: z.array(z.unknown()).catch([]).optional(),
  /** `false` or other non-strings mean "no refusal" as much as null does. */
  refusal: z.string().nullable().optional().catch(null),
});

export type DraftReply = z.infer<typeof draftReplySchema>;

/** A statement taken out of the draft, kept so the caller can show what was removed and why. */
export interface RejectedStatement {
  text: string;
  evidence: string[];
  reason: string;
}

/** A Draft plus the statements removed while parsing; assignable to Draft. */
export interface ComposedDraft extends Draft {
  rejected: RejectedStatement[];
}

export type ParsedDraft = { ok: true; draft: ComposedDraft } | { ok: false; problem: string };

const MAX_FOLLOW_UPS = 3;

/**
 * Turns a model's reply into a draft that cites only `evidenceIds`. `ok: false` says, in words
 * fit for a repair request and an error message, why the reply is not a usable answer.
 */
export function parseDraft(text: string, evidenceIds: readonly string[]): ParsedDraft {
  const extracted = extractJsonObject(stripReasoning(text));
  if ('problem' in extracted) return { ok: false, problem: extracted.problem };
  const checked = draftReplySchema.safeParse(extracted.value);
  if (!checked.success) return { ok: false, problem: `the JSON does not have the expected shape (${describeIssues(checked.error)})` };
  return buildDraft(checked.data, evidenceIds);
}

/** A draft that declines to answer; `rejected` keeps any statements that came with the refusal. */
export function refusedDraft(reason: string, rejected: RejectedStatement[] = []): ComposedDraft {
  return { bottomLine: [], sections: [], followUps: [], refusal: reason, rejected };
}

function buildDraft(reply: DraftReply, evidenceIds: readonly string[]): ParsedDraft {
  const known = new Map(evidenceIds.map((id) => [id.toUpperCase(), id]));
  const rejected: RejectedStatement[] = [];
  // Statements without text say nothing, so they are dropped rather than reported.
  const accept = (statements: readonly z.infer<typeof statementSchema>[]): Statement[] =>
    statements
      .filter((raw) => raw.text.trim() !== '')
      .flatMap((raw) => {
        const checked = checkStatement(raw, known);
        if ('reason' in checked) {
          rejected.push(checked);
          return [];
        }
        return [checked];
      });

  const refusal = reply.refusal?.trim() ?? '';
  if (refusal !== '') {
    const alongside = allStatements(reply)
      .filter((raw) => raw.text.trim() !== '')
      .map((raw) => ({ text: decodeMarkup(raw.text.trim()), evidence: idList(raw.evidence), reason: 'given alongside a refusal' }));
    return { ok: true, draft: refusedDraft(decodeMarkup(refusal), alongside) };
  }
  if (!allStatements(reply).some((raw) => raw.text.trim() !== '')) {
    return { ok: false, problem: 'the answer has no statements and no refusal' };
  }
  const bottomLine = accept(reply.bottomLine ?? []);
  const sections = mergeSections((reply.sections ?? []).map((section) => ({ kind: sectionKind(section.kind), statements: accept(section.statements) })));
  return { ok: true, draft: { bottomLine, sections, followUps: followUps(reply.followUps ?? []), rejected } };
}

function allStatements(reply: DraftReply): z.infer<typeof statementSchema>[] {
  return [...(reply.bottomLine ?? []), ...(reply.sections ?? []).flatMap((section) => section.statements)];
}

/**
 * A statement with its ids matched to the request's (case and brackets aside), or the reason it
 * is rejected. Citing any id the model was not shown rejects the whole statement: its content
 * may come from that invented source.
 */
function checkStatement(raw: z.infer<typeof statementSchema>, known: ReadonlyMap<string, string>): Statement | RejectedStatement {
  const text = decodeMarkup(raw.text.trim());
  const cited = [...new Set(idList(raw.evidence).map((id) => known.get(id.toUpperCase()) ?? id))];
  const unknown = cited.filter((id) => !known.has(id.toUpperCase()));
  if (unknown.length > 0) {
    const which = unknown.join(', ');
    return { text, evidence: cited, reason: `cites ${which}, which ${unknown.length === 1 ? 'is' : 'are'} not among the evidence passages` };
  }
  if (cited.length === 0) return { text, evidence: cited, reason: 'cites no evidence' };
  return { text, evidence: cited };
}

/** Ids as the model wrote them, trimmed and without the brackets of "[E1]". */
function idList(evidence: string | string[] | undefined): string[] {
  const ids = evidence === undefined ? [] : typeof evidence === 'string' ? evidence.split(/[,;\s]+/) : evidence;
  return ids.map((id) => id.trim().replace(/^\[(.*)\]$/, '$1').trim()).filter((id) => id !== '');
}

/** Kinds as the prompt lists them, their display titles, or near spellings; anything else is background. */
const KIND_LOOKUP: ReadonlyMap<string, SectionKind> = new Map(
  SECTION_KINDS.flatMap((kind) => [
    [normalizeKind(kind), kind],
    [normalizeKind(SECTION_TITLES[kind]), kind],
  ]),
);

function normalizeKind(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

function sectionKind(kind: string | undefined): SectionKind {
  return KIND_LOOKUP.get(normalizeKind(kind ?? '')) ?? 'background';
}

/** One section per kind, in order of first appearance; sections left empty by rejections go. */
function mergeSections(sections: { kind: SectionKind; statements: Statement[] }[]): Draft['sections'] {
  const byKind = new Map<SectionKind, Statement[]>();
  for (const { kind, statements } of sections) byKind.set(kind, [...(byKind.get(kind) ?? []), ...statements]);
  return [...byKind].filter(([, statements]) => statements.length > 0).map(([kind, statements]) => ({ kind, statements }));
}

function followUps(values: readonly unknown[]): string[] {
  const questions = values.filter((value): value is string => typeof value === 'string').map((value) => decodeMarkup(value.trim()));
  return [...new Set(questions.filter((question) => question !== ''))].slice(0, MAX_FOLLOW_UPS);
}

/**
 * Passages reach the model escaped, and models sometimes copy "&lt;" back out; the verifier
 * compares statements with the raw passage text, so the entities are turned back into characters.
 */
function decodeMarkup(text: string): string {
  const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  return text.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => entities[name] ?? '');
}

/** Reasoning models served through Ollama or vLLM may put a <think> block before the answer. */
function stripReasoning(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, '');
}

/**
 * The outermost `{…}` of a reply that may wrap it in a fence or prose. Candidates are tried in
 * order, each from a top-level "{" to its matching "}" (braces inside strings do not count);
 * the first that parses as a JSON object wins.
 */
export function extractJsonObject(text: string): { value: Record<string, unknown> } | { problem: string } {
  let firstError: string | undefined;
  for (let start = text.indexOf('{'); start !== -1; ) {
    const end = matchingBrace(text, start);
    if (end === -1) return { problem: firstError ?? 'the JSON object is not closed (the reply may have been cut off)' };
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value: value as Record<string, unknown> };
    } catch (error) {
      firstError ??= `the JSON does not parse (${error instanceof Error ? error.message : String(error)})`;
    }
    start = text.indexOf('{', end + 1);
  }
  return { problem: firstError ?? `the reply contains no JSON object (it starts ${JSON.stringify(text.trim().slice(0, 80))})` };
}

/** Index of the "}" closing the "{" at `start`, or -1 when the text ends first. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

function describeIssues(error: z.ZodError): string {
  const { issues } = error;
  const shown = issues.slice(0, 3).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return shown.join('; ') + more;
}

// ---------------------------------------------------------------------------------------------
// The conversation with the model

/** What one request to the model came to, whatever the protocol. */
export interface ModelTurn {
  /** The assistant's text (concatenated deltas when streamed). */
  text: string;
  /** 'length': stopped at maxTokens; 'refusal': the model or a content filter declined. */
  ending: 'complete' | 'length' | 'refusal';
  /** Why it declined, when the protocol says. */
  refusal?: string;
}

/** One request to the model; `onText` is given only when the reply should be streamed. */
export type AskModel = (conversation: Conversation, onText: ((delta: string) => void) | undefined, signal: AbortSignal | undefined) => Promise<ModelTurn>;

/** A Composer whose drafts also carry the statements removed while parsing. */
export interface LlmComposer extends Composer {
  compose(request: ComposeRequest): Promise<ComposedDraft>;
}

export interface DraftSession {
  prompt: AnswerPrompt;
  ask: AskModel;
  /** Whether to stream when the request wants partial output. */
  stream: boolean;
  maxTokens: number;
  /** Builds the 'service-failed' error for an unusable reply, naming the server. */
  unusable: (problem: string, hint?: string) => CitemedError;
}

const DECLINED = 'the model declined to answer';

/**
 * Asks for a draft and parses it. An unusable reply gets one repair turn; a reply cut off at
 * maxTokens does not, since asking again would be cut off the same way. The repair reply is not
 * streamed: `onText` has no way to tell the caller to discard the text already shown.
 */
export async function composeDraft(request: ComposeRequest, session: DraftSession): Promise<ComposedDraft> {
  if (request.evidence.length === 0) return refusedDraft('no evidence passages were retrieved for this question');
  const ids = request.evidence.map((evidence) => evidence.id);
  const conversation = buildConversation(session.prompt, request);
  const onText = session.stream ? request.onText : undefined;

  const first = await session.ask(conversation, onText, request.signal);
  const firstResult = settle(first, ids);
  if (firstResult.ok) return firstResult.draft;
  if (first.ending === 'length') throw cutOff(session, firstResult.problem);

  const repair = repairConversation(session.prompt, conversation, first.text, firstResult.problem);
  const second = await session.ask(repair, undefined, request.signal);
  const secondResult = settle(second, ids);
  if (secondResult.ok) return secondResult.draft;
  if (second.ending === 'length') throw cutOff(session, secondResult.problem);
  throw session.unusable(
    `the model did not give a usable JSON answer, even when asked again: ${secondResult.problem} (first reply: ${firstResult.problem})`,
    'use a model that follows instructions more closely; small models often cannot write the JSON answer reliably',
  );
}

function settle(turn: ModelTurn, ids: readonly string[]): ParsedDraft {
  if (turn.ending === 'refusal') return { ok: true, draft: refusedDraft(turn.refusal?.trim() || DECLINED) };
  return parseDraft(turn.text, ids);
}

function cutOff(session: DraftSession, problem: string): CitemedError {
  return session.unusable(
    `the reply stopped at maxTokens (${session.maxTokens}) before the JSON answer was complete: ${problem}`,
    'raise answer.llm.maxTokens, or retrieve fewer passages',
  );
}
