import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanSentence } from '../../src/answer/extractive.js';
import type { Answer } from '../../src/domain/answer.js';
import { passagesIn, startFakeChatServer, type SeenRequest } from '../support/fake-chat-server.js';
import { main } from '../../src/cli/main.js';
import { ROOT, runCli } from './run-cli.js';

/** `citemed ask` end to end on the starter library: extractive by default, an LLM through a fake server. */
describe('citemed ask', () => {
  let dir: string;
  let db: string;
  const question = 'What is the management of an iliopsoas abscess?';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citemed-ask-'));
    db = path.join(dir, 'lib.db');
    const ingest = await runCli(['--db', db, 'ingest', '-q', path.join(ROOT, 'library', 'starter')]);
    expect(ingest.code, ingest.stderr).toBe(0);
  });

  const askJson = async (...args: string[]): Promise<Answer> => {
    const result = await runCli(['--db', db, 'ask', '--json', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Answer;
  };

  it('answers from the library with every statement quoted, cited and verified', async () => {
    const answer = await askJson(question);
    expect(answer.status).toBe('answered');
    expect(answer.reviewStatus).toBe('not-reviewed');
    expect(answer.bottomLine.length).toBeGreaterThan(0);
    const statements = [...answer.bottomLine, ...answer.sections.flatMap((s) => s.statements)];
    expect(statements.length).toBeGreaterThan(4);
    const byId = new Map(answer.evidence.map((e) => [e.id, e]));
    for (const s of statements) {
      expect(s.evidence.length).toBeGreaterThan(0);
      expect(s.verdict?.support).not.toBe('unsupported');
      const quoted = byId.get(s.quote!.evidenceId)!;
      // The quote is the statement as written in the passage (reference markers aside).
      expect(cleanSentence(quoted.text.slice(s.quote!.start, s.quote!.end))).toBe(s.text);
      for (const id of s.evidence) expect(answer.references.some((r) => r.evidence.includes(id))).toBe(true);
    }
    // Sources on other topics (iliopsoas haematoma, skin abscess) are not cited for this question.
    expect(answer.references.map((r) => r.source.id)).toEqual(['doc:overview-iliopsoas-abscess']);
    expect(answer.references[0]).toMatchObject({ number: 1, label: 'In-house overview' });
    expect(answer.notices.join(' ')).toMatch(/not reviewed by a qualified clinician/);
    expect(answer.followUps).toHaveLength(3);
  });

  it('prints a readable page, and Markdown with the review banner and numbered references', async () => {
    const text = await runCli(['--db', db, 'ask', question]);
    expect(text.stdout).toMatch(/^What is the management of an iliopsoas abscess\?\n═+/);
    // A question about management leads with the management sentence of the overview's bottom line.
    expect(text.stdout).toMatch(/BOTTOM LINE\n {2}Management combines antibiotics with drainage[^[]*\[1\]/);
    expect(text.stdout).toMatch(/REFERENCES\n 1\. \[In-house overview\] Management of iliopsoas abscess\. In-house overview/);
    expect(text.stdout).toMatch(/\(the overview cites: Archives of Surgery 2009/);
    const markdown = await runCli(['--db', db, 'ask', '--markdown', question]);
    expect(markdown.stdout).toMatch(/^# What is the management of an iliopsoas abscess\?\n\n> \*\*Not reviewed by a qualified clinician\.\*\*/);
    expect(markdown.stdout).toMatch(/\n\*\*Management combines antibiotics with drainage[^\n]* \[1\]/);
    expect(markdown.stdout).toMatch(/## References\n\n1\. \*In-house overview\* — Management of iliopsoas abscess\./);
  });

  it("leads with the evidence on the question's drug, and names the subsection a sentence leaves its subject to", async () => {
    const drug = 'Is acetaminophen effective for acute low back pain?';
    const answer = await askJson(drug);
    expect(answer.bottomLine[0]?.text).toMatch(/^In the PACE trial .* paracetamol /);
    const text = await runCli(['--db', db, 'ask', drug]);
    // The meta-analysis sentence is about opioids only through its heading.
    expect(text.stdout.replace(/\s+/g, ' ')).toMatch(/none enrolled patients with acute low back pain\. \[1\] \(§ Why opioids are a last resort\)/);
    const markdown = await runCli(['--db', db, 'ask', '--markdown', drug]);
    expect(markdown.stdout).toMatch(/acute low back pain\. \[1\] \*\(§ Why opioids are a last resort\)\*/);
    // A top-level section adds nothing to the answer's own headings and is not shown.
    expect(text.stdout).not.toMatch(/\(§ Treatment\)/);
  });

  it('writes for patients: red flags first, no doses, a glossary', async () => {
    const answer = await askJson('--audience', 'patient', 'How is cellulitis treated?');
    expect(answer.notices[0]).toMatch(/^Get medical help now/);
    expect(answer.notices[1]).toMatch(/does not replace a doctor/);
    const statements = [...answer.bottomLine, ...answer.sections.flatMap((s) => s.statements)];
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(s.text).not.toMatch(/\b\d+(\.\d+)?\s*(mg|g|mcg)\b|\bq\d+h\b/i);
    expect(answer.glossary.length).toBeGreaterThan(0);
  });

  it('says plainly when the library holds no answer, and never invents one', async () => {
    const answer = await askJson('zebra migration patterns in the Serengeti');
    expect(answer.status).toBe('insufficient');
    expect(answer.bottomLine).toEqual([]);
    expect(answer.sections).toEqual([]);
    expect(answer.references).toEqual([]);
    expect(answer.notices.join(' ')).toMatch(/no passage on this question|does not hold enough evidence/);
    // In text, it also says where to look further (a command the user runs: ask never reaches the network).
    const text = await runCli(['--db', db, 'ask', 'zebra "migration" patterns in the Serengeti']);
    expect(text.stderr).toContain('citemed: the library holds too little on this. To look in PubMed, then ask again:\n  citemed fetch pubmed "zebra migration patterns');
    const patient = await runCli(['--db', db, 'ask', '--audience', 'patient', 'zebra migration patterns in the Serengeti']);
    expect(patient.stderr).not.toContain('citemed fetch');
  });

  it('continues a thread: a follow-up is read against the earlier question', async () => {
    const thread = path.join(dir, 'thread.json');
    await askJson('--thread', thread, question);
    const follow = await askJson('--thread', thread, 'and in tuberculosis?');
    expect(follow.searchedFor).toBe('management iliopsoas abscess tuberculosis');
    const saved = JSON.parse(readFileSync(thread, 'utf8')) as { turns: { question: string }[] };
    expect(saved.turns.map((t) => t.question)).toEqual([question, 'management iliopsoas abscess tuberculosis']);
    writeFileSync(path.join(dir, 'bad.json'), 'not json');
    const bad = await runCli(['--db', db, 'ask', '--thread', path.join(dir, 'bad.json'), question]);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(/is not a citemed thread/);
  });

  it('refuses bad input with a usage error', async () => {
    expect((await runCli(['--db', db, 'ask', '--audience', 'robot', question])).code).toBe(64);
    expect((await runCli(['--db', db, 'ask', 'what is the'])).code).toBe(64);
    expect((await runCli(['--db', db, 'ask', '--evidence', '0', question])).code).toBe(64);
  });

  it('on a terminal, streams an LLM composer\'s draft to stderr, then prints the verified answer', async () => {
    const server = await startFakeChatServer();
    try {
      const config = path.join(dir, 'stream.json');
      writeFileSync(config, JSON.stringify({ answer: { composer: 'openai', llm: { baseUrl: server.baseUrl, model: 'fake-llm', maxRetries: 0 } } }));
      const parts: string[] = [];
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), errPart: (t: string) => parts.push(t), isTTY: true, columns: 100 };
      expect(await main(['--db', db, '--config', config, 'ask', question], io)).toBe(0);
      expect((server.requests[0]!.body as { stream?: boolean }).stream).toBe(true);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.join('')).toMatch(/^\{"bottomLine"/);
      expect(err.join('\n')).toMatch(/draft above; the verified answer follows/);
      expect(out.join('\n')).toMatch(/BOTTOM LINE/);
    } finally {
      await server.close();
    }
  });

  it('with an LLM composer, keeps only what the cited passages support and shows what it removed', async () => {
    // A model that quotes the first passage, invents a dose, and cites a passage it was not given.
    const model = (request: SeenRequest): string => {
      const passages = passagesIn(request.messages[0]?.content ?? '');
      const first = passages[0]!;
      const sentence = /^[^.!?]*[.!?]/.exec(first.text.replace(/^- /, ''))?.[0] ?? first.text;
      return JSON.stringify({
        bottomLine: [{ text: cleanSentence(sentence), evidence: [first.id] }],
        sections: [
          { kind: 'treatment', statements: [{ text: 'Give cefazolin 2 g every 8 hours for an iliopsoas abscess.', evidence: [first.id] }] },
          { kind: 'treatment', statements: [{ text: 'Drainage is always needed.', evidence: ['E99'] }] },
        ],
        followUps: ['Which antibiotics cover MRSA?'],
        refusal: null,
      });
    };
    const server = await startFakeChatServer({ reply: model });
    try {
      const config = path.join(dir, 'llm.json');
      writeFileSync(config, JSON.stringify({ answer: { composer: 'openai', llm: { baseUrl: server.baseUrl, model: 'fake-llm', maxRetries: 0, stream: false } } }));
      const result = await runCli(['--db', db, '--config', config, 'ask', '--json', question]);
      expect(result.code, result.stderr).toBe(0);
      const answer = JSON.parse(result.stdout) as Answer;
      expect(answer.provenance.composer).toMatch(/^openai-chat .* model fake-llm prompt answer\.v1/);
      expect(answer.bottomLine).toHaveLength(1);
      expect(answer.bottomLine[0]!.verdict?.support).toBe('supported');
      expect(answer.sections).toEqual([]);
      const removed = answer.removed.map((s) => `${s.text} — ${s.verdict?.problems.join('; ')}`);
      expect(removed.find((r) => r.startsWith('Give cefazolin'))).toMatch(/2 g/);
      expect(removed.find((r) => r.startsWith('Drainage is always'))).toMatch(/E99/);
      expect(answer.followUps).toEqual(['Which antibiotics cover MRSA?']);
      const sent = server.requests[0]!.body as { model: string; messages: { content: string }[] };
      expect(sent.model).toBe('fake-llm');
      await server.close();
      const down = await runCli(['--db', db, '--config', config, 'ask', question]);
      expect(down.code).toBe(69);
    } finally {
      await server.close().catch(() => {});
    }
  });
});
