import { useState } from 'react';
import type { WordOp } from '../../../../src/articles/diff.js';
import { CitedStatement, useCitedVersion, VersionReferences, type CitedVersion } from './cited';
import type { Row, SectionRows, VersionDetail } from './compare-rows';
import { StatementComments, useStatementComments } from './StatementComments';

/** A column of the comparison: which version it shows and whether its statements take comments. */
export interface Column {
  version: number;
  heading: string;
  /** Only the newest version shown takes comments: older text is history, not under review. */
  commentable: boolean;
  /** The version in full, for its statements' citations and its references. */
  detail?: VersionDetail;
}

/**
 * Statements side by side, a grid row per aligned pair, so the eye moves straight across from a
 * statement to what became of it. On a phone the columns stack, each cell naming its version,
 * and unchanged statements show once (on the newer side) so the page reads as an inline diff.
 */
export function SideBySide({ sections, before, after }: { sections: SectionRows[]; before?: Column; after: Column }) {
  const single = before === undefined;
  // Citation popovers are placed in the comparison (positioned), so they scroll with the statements.
  const [host, setHost] = useState<HTMLElement | null>(null);
  const citedBefore = useCitedVersion(before?.detail, host);
  const citedAfter = useCitedVersion(after.detail, host);
  return (
    <div className={single ? 'compare single' : 'compare diff'} ref={setHost}>
      {sections.map((section) => (
        <section key={section.section} className="compare-section" aria-labelledby={`compare-${section.section}`}>
          <h3 id={`compare-${section.section}`}>{section.title}</h3>
          <div className={single ? 'side-by-side one' : 'side-by-side'}>
            {before ? (
              <>
                <p className="column-heading" aria-hidden="true">{before.heading}</p>
                <p className="column-heading" aria-hidden="true">{after.heading}</p>
              </>
            ) : null}
            {section.rows.map((row, i) => (
              <RowCells key={`${row.before?.key ?? ''}|${row.after?.key ?? ''}|${i}`} row={row} before={before} after={after} citedBefore={citedBefore} citedAfter={citedAfter} />
            ))}
          </div>
        </section>
      ))}
      {citedBefore ? <VersionReferences version={citedBefore} /> : null}
      {citedAfter ? <VersionReferences version={citedAfter} /> : null}
    </div>
  );
}

function RowCells({ row, before, after, citedBefore, citedAfter }: { row: Row; before: Column | undefined; after: Column; citedBefore?: CitedVersion | undefined; citedAfter?: CitedVersion | undefined }) {
  return (
    <>
      {before ? <StatementCell row={row} side="before" column={before} cited={citedBefore} /> : null}
      <StatementCell row={row} side="after" column={after} cited={citedAfter} />
    </>
  );
}

const TAGS: Record<Row['kind'], string | undefined> = { unchanged: undefined, changed: 'Changed', added: 'Added', removed: 'Removed' };

function StatementCell({ row, side, column, cited }: { row: Row; side: 'before' | 'after'; column: Column; cited: CitedVersion | undefined }) {
  const cell = side === 'before' ? row.before : row.after;
  const comments = useStatementComments(column.version, cell?.key);
  if (!cell) return <div className={`cell empty ${side}`} aria-hidden="true" />;
  // An unchanged statement repeats on both sides; on a phone the older copy is left out unless
  // it carries comments or the comment button.
  const echo = row.kind === 'unchanged' && side === 'before' && !column.commentable && comments.length === 0;
  const tag = TAGS[row.kind];
  const highlight = row.kind === 'added' ? ' added' : row.kind === 'removed' ? ' removed' : '';
  return (
    <div className={`cell ${side} kind-${row.kind}${echo ? ' echo' : ''}`}>
      <p className="cell-version">{column.heading}</p>
      <p className="statement-line">
        <span className="statement-key">{cell.key}</span>
        {tag ? <span className={`tag ${row.kind}`}>{tag}</span> : null}
        {row.citationsChanged ? <span className="tag cites">Citations changed</span> : null}
      </p>
      <p className={`statement-text${highlight}`}>
        {cell.words ? <Words ops={cell.words} side={side} /> : cell.text}
        {cited ? <CitedStatement version={cited} statementKey={cell.key} /> : null}
      </p>
      <StatementComments version={column.version} statementKey={cell.key} canComment={column.commentable} />
    </div>
  );
}

/** A changed statement's words: the old side marks what went, the new side what came. */
function Words({ ops, side }: { ops: WordOp[]; side: 'before' | 'after' }) {
  return (
    <>
      {ops.map((op, i) => {
        if (op.op === 'same') return <span key={i}>{op.text}</span>;
        if (op.op === 'removed') return side === 'before' ? <del key={i} className="removed">{op.text}</del> : null;
        return side === 'after' ? <ins key={i} className="added">{op.text}</ins> : null;
      })}
    </>
  );
}
