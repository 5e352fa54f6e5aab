import { citationMarks, summaryLines } from '../../answer/render-markdown.js';
import { CITE_FORMAT_FILES, CITE_FORMATS } from '../../articles/cite-formats.js';
import { headingOf, viaWorks, type Answer, type Statement } from '../../domain/answer.js';
import { DISCLAIMER, STATUS_LABELS, type Article, type ArticleVersion } from '../../domain/article.js';
import { INTEGRITY_LABELS } from '../../domain/integrity.js';
import { referencesUrl } from '../routes/article-references.js';
import { html, page, type Html } from './html.js';

/**
 * An article's public page, laid out like the reference product's pages: the question as title,
 * the review status (Submitted → Under review → Approved) with a warning while no reviewer has
 * approved the text, the approving reviewers with their credentials, "last updated", the editorial
 * policy link, a bold bottom line, sections of statements each with numbered citations, the
 * references labelled by evidence level with journal, year and links, and the disclaimer.
 */
export interface ArticlePageInput {
  article: Article;
  version: ArticleVersion;
  reviewed: boolean;
  statusLine: string;
  editorialPolicyUrl: string;
}

const STEPS = ['submitted', 'under-review', 'approved'] as const;

export function renderArticlePage({ article, version, reviewed, statusLine, editorialPolicyUrl }: ArticlePageInput): string {
  const answer = version.answer;
  const cite = citeLinks(answer);
  const heading = headingOf(answer);
  const statement = (s: Statement): Html =>
    html`<span${s.verdict?.support === 'partial' ? html` class="partial" title="Partly supported by the cited passages: check the source"` : ''}>${s.text}</span>${cite(s)}${
      s.verdict?.support === 'partial' ? html` <span class="note">(partly supported)</span>` : ''
    }${heading(s) ? html` <span class="meta">(§ ${heading(s)})</span>` : ''}${viaWorks(s) ? html` <span class="meta">(the overview cites: ${viaWorks(s)})</span>` : ''}`;
  const summary = summaryLines(answer).slice(2).map((line) => line.replace(/^- /, '').replace(/[*\\]/g, ''));

  const body = html`
<article>
<h1>${version.title}</h1>
${reviewed ? html`<p class="banner approved" role="status">Reviewed by the medical review board. ${statusLine === 'Approved' ? '' : statusLine}</p>` : html`<p class="banner pending" role="status"><strong>Pending human review.</strong> No member of the medical review board has approved this text yet; read it with caution and check the cited sources.</p>`}
${article.flags.length > 0 ? html`<div class="banner flagged" role="alert"><strong>Flagged for re-review.</strong> The library changed after this text was written:<ul>${article.flags.map((f) => html`<li>${f.detail}</li>`)}</ul></div>` : ''}
<section aria-label="Article review status">
<ol class="steps">${STEPS.map((step) => html`<li class="${stepClass(step, article, reviewed)}">${STATUS_LABELS[step]}</li>`)}</ol>
<p class="meta">Status: ${statusLine}${article.status === 'changes-requested' ? ' (changes requested by a reviewer)' : ''}</p>
${reviewed && article.approval ? html`<p class="meta">Approved ${formatDate(article.approval.at)} by ${article.approval.reviewerName}${article.approval.credentials ? html`, ${article.approval.credentials}` : ''} (version ${article.approval.version}).</p>` : ''}
<p class="meta">Last updated: <time datetime="${version.createdAt}">${formatDate(version.createdAt)}</time> · Version ${version.number} · <a href="${editorialPolicyUrl}">View editorial policy</a></p>
</section>
${answer.notices.length > 0 ? html`<div class="meta">${answer.notices.map((n) => html`<p>${n}</p>`)}</div>` : ''}
${answer.bottomLine.length > 0 ? html`<p class="bottom-line">${answer.bottomLine.map((s, i) => html`${i > 0 ? ' ' : ''}${statement(s)}`)}</p>` : ''}
${answer.sections.map((section) => html`<h2>${section.title}</h2><ul>${section.statements.map((s) => html`<li>${statement(s)}</li>`)}</ul>`)}
${summary.length > 0 ? html`<h2>Evidence summary</h2><ul>${summary.map((line) => html`<li>${line}</li>`)}</ul>` : ''}
${answer.references.length > 0 ? html`<h2>References</h2><ol class="refs">${answer.references.map((r) => html`<li id="ref-${r.number}"><span class="label">${r.label}</span><br>${r.citation}${r.source.integrity !== 'ok' ? html` <span class="integrity">${INTEGRITY_LABELS[r.source.integrity]}</span>` : ''}${r.links.length > 0 ? html`<br>${r.links.map((l, i) => html`${i > 0 ? ' · ' : ''}<a href="${l.url}" rel="noopener noreferrer">${l.label}</a>`)}` : ''}</li>`)}</ol>${exportLine(article)}` : ''}
${answer.glossary.length > 0 ? html`<h2>Words used</h2><dl>${answer.glossary.map((g) => html`<dt>${g.term}</dt><dd>${g.meaning}</dd>`)}</dl>` : ''}
</article>
<footer>
<p><strong>Disclaimer.</strong> ${DISCLAIMER}</p>
<p>Answer to: “${article.question}” · written for a ${answer.audience} reader · composed by ${answer.provenance.composer} on ${formatDate(answer.provenance.generatedAt)} from ${answer.evidence.length} retrieved passages.</p>
</footer>`;
  return page(version.title, body, { description: answer.bottomLine.map((s) => s.text).join(' ').slice(0, 300) });
}

/** Links to the references as files for reference managers (routes/article-references.ts); not printed. */
function exportLine(article: Article): Html {
  return html`<p class="meta noprint">Export references: ${CITE_FORMATS.map((format, i) => html`${i > 0 ? ' · ' : ''}<a href="${referencesUrl(article.id, format)}" download>${CITE_FORMAT_FILES[format].label}</a>`)}</p>`;
}

function stepClass(step: (typeof STEPS)[number], article: Article, reviewed: boolean): string {
  const reached = reviewed ? 2 : article.status === 'under-review' || article.status === 'changes-requested' ? 1 : 0;
  const index = STEPS.indexOf(step);
  return index < reached ? 'done' : index === reached ? 'current' : '';
}

/** "[1, 2]" as links to the reference list. */
function citeLinks(answer: Answer): (s: Statement) => Html {
  const marks = citationMarks(answer);
  return (s) => {
    const numbers = marks(s).replace(/[[\]\s]/g, '').split(',').filter((n) => n !== '');
    return html` <sup class="cite">${numbers.map((n, i) => html`${i > 0 ? ',' : ''}<a href="#ref-${n}" aria-label="reference ${n}">${n}</a>`)}</sup>`;
  };
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

/** The built-in editorial policy: how articles are made, checked and kept up to date. */
export function renderEditorialPolicy(): string {
  const body = html`
<h1>Editorial policy</h1>
<p>Articles on this service answer clinical questions from the evidence in its library. This page says how they are made, how they are checked, and what they are not.</p>
<h2>How an answer is written</h2>
<p>The library holds guidelines, systematic reviews, trials, abstracts and in-house overviews, each labelled with its level of evidence and with any retraction or correction. For a question, the best passages are retrieved and an answer is composed in which every statement cites the passages it comes from. Before anyone sees it, a verifier checks each statement against its cited passages: a statement they do not support is removed, a partly supported one is marked, and a dose, interval or duration appears only when a cited passage contains it. Retracted papers are never used as support.</p>
<h2>How an article is reviewed</h2>
<p>An editor publishes an answer as an article; it starts as <em>Submitted</em>. A member of the medical review board takes it <em>Under review</em>, reads each statement against its sources, comments on single statements, and then approves it, requests changes or rejects it. Reviewers never approve a version they wrote, and an approval names the reviewer and their credentials and the version approved. Until an article is approved, its page says it is pending human review. Every edit makes a new version, which is re-verified and reviewed again; earlier versions are kept and can be compared statement by statement.</p>
<h2>How articles stay current</h2>
<p>When the library learns that a cited source was retracted or corrected, or when newer evidence of a higher level appears for an article's question, the article is flagged for re-review and its page says so until a reviewer has looked at it again.</p>
<h2>What articles are not</h2>
<p>${DISCLAIMER}</p>
<p>Every change to accounts, articles and reviews is recorded in an audit log that cannot be edited.</p>`;
  return page('Editorial policy', body);
}
