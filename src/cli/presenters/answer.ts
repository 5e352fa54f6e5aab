import { headingOf, viaWorks, type Answer, type Statement } from '../../domain/answer.js';
import { EVIDENCE_LEVEL_LABELS } from '../../domain/evidence-level.js';
import { excerptFor } from '../../answer/audience.js';
import { citationMarks, provenanceLine, summaryLines } from '../../answer/render-markdown.js';
import { truncate, wrap } from '../format.js';

/** An answer for the terminal: the Markdown page's structure as plain, wrapped text. */
export function presentAnswer(answer: Answer, columns: number): string {
  const width = Math.max(60, Math.min(columns, 110));
  const cite = citationMarks(answer);
  const heading = headingOf(answer);
  const line = (s: Statement): string =>
    `${s.text}${cite(s)}${s.verdict?.support === 'partial' ? ' (partly supported: check the source)' : ''}${heading(s) ? ` (§ ${heading(s)})` : ''}${via(s)}`;
  const out: string[] = [answer.question, '═'.repeat(Math.min(answer.question.length, width)), ''];
  for (const notice of answer.notices) out.push(wrap(`! ${notice}`, width, '  '));
  out.push('');
  if (answer.searchedFor !== answer.question) out.push(`(read as: ${answer.searchedFor})`, '');
  if (answer.bottomLine.length > 0) out.push('BOTTOM LINE', wrap(answer.bottomLine.map(line).join(' '), width, '  '), '');
  for (const section of answer.sections) {
    out.push(section.title.toUpperCase());
    for (const s of section.statements) out.push(wrap(`• ${line(s)}`, width, '    ').replace(/^ {4}•/, '  •'));
    out.push('');
  }
  if (answer.status === 'insufficient' && answer.evidence.length > 0) {
    out.push('WHAT THE LIBRARY HOLDS');
    for (const e of answer.evidence.slice(0, 5)) out.push(wrap(`• [${EVIDENCE_LEVEL_LABELS[e.source.evidenceLevel]}] ${e.source.title}: "${truncate(excerptFor(answer.audience, e.text), 200)}"`, width, '    ').replace(/^ {4}•/, '  •'));
    out.push('');
  }
  const summary = summaryLines(answer).slice(2).map((l) => l.replace(/^- /, '• ').replace(/\*/g, ''));
  if (summary.length > 0) out.push('EVIDENCE', ...summary.map((l) => wrap(l, width, '    ').replace(/^ {4}•/, '  •')), '');
  if (answer.references.length > 0) {
    out.push('REFERENCES');
    for (const r of answer.references) {
      const warn = r.source.integrity !== 'ok' ? ` ⚠ ${r.source.integrity.toUpperCase()}` : '';
      out.push(wrap(`${String(r.number).padStart(2)}. [${r.label}] ${r.citation}${warn}`, width, '     ').replace(/^ {5}/, ' '));
      for (const l of r.links) out.push(`     ${l.url}`);
    }
    out.push('');
  }
  if (answer.followUps.length > 0) out.push('FOLLOW-UP QUESTIONS', ...answer.followUps.map((q) => `  • ${q}`), '');
  if (answer.glossary.length > 0) out.push('WORDS USED', ...answer.glossary.map((g) => wrap(`• ${g.term}: ${g.meaning}`, width, '    ').replace(/^ {4}•/, '  •')), '');
  if (answer.removed.length > 0) {
    out.push(`REMOVED BY THE VERIFIER (${answer.removed.length})`);
    for (const s of answer.removed) out.push(wrap(`✗ ${s.text} — ${s.verdict?.problems.join('; ') ?? 'unsupported'}`, width, '    ').replace(/^ {4}✗/, '  ✗'));
    out.push('');
  }
  out.push(wrap(provenanceLine(answer), width, ''));
  return out.join('\n');
}

function via(s: Statement): string {
  const works = viaWorks(s);
  return works ? ` (the overview cites: ${works})` : '';
}
