import { useEffect, useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';
import { EVIDENCE_LEVEL_LABELS, type Reference, type Statement } from '../../types';
import { useAnswerContext } from './AnswerContext';
import { citedPassages } from './citations';
import { HighlightedPassage } from './HighlightedPassage';
import { IntegrityWarning, ReferenceLinks } from './ReferenceParts';
import { viaWorks } from '../../types';

/** Gap (px) between the citation number and the popover. */
const GAP_PX = 6;
/** Room (px) kept between the popover and the top or bottom of the window. */
const EDGE_PX = 8;
/** The least height (px) a capped popover keeps, so that a number scrolled half out of view still opens a readable one. */
const MIN_HEIGHT_PX = 120;

interface Props {
  reference: Reference;
  statement: Statement;
  anchor: HTMLElement;
  /** The positioned element the popover is rendered in (the answer's <article>). */
  host: HTMLElement;
  takeFocus: boolean;
  onClose(returnFocus: boolean): void;
  onPointerEnter(): void;
  onPointerLeave(): void;
}

/**
 * A reference as the statement uses it: the source's evidence level, citation and integrity, and
 * the very passages this statement cites with the supporting words marked. A non-modal dialog:
 * Escape, the Close button, a click outside or tabbing away closes it.
 */
export function CitationPopover({ reference, statement, anchor, host, takeFocus, onClose, onPointerEnter, onPointerLeave }: Props) {
  const { answer, idPrefix } = useAnswerContext();
  const dialogRef = useRef<HTMLDivElement>(null);
  usePlacement(dialogRef, anchor, host);
  const passages = citedPassages(statement, reference, answer.evidence);
  const via = viaWorks(statement);

  useEffect(() => {
    if (takeFocus) dialogRef.current?.focus();
  }, [takeFocus]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A hover preview leaves focus where the reader was typing; only a popover opened by click
      // or keyboard (or one the reader has since moved into) hands focus back to its number.
      if (event.key === 'Escape') onClose(takeFocus || (dialogRef.current?.contains(document.activeElement) ?? false));
    };
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (dialogRef.current?.contains(target) || anchor.contains(target)) return;
      onClose(false);
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('pointerdown', onPointerDown, true);
    };
  }, [anchor, onClose, takeFocus]);

  // Tabbing out of the dialog closes it; focus stays where the reader tabbed to.
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget;
    if (next && !dialogRef.current?.contains(next) && next !== anchor) onClose(false);
  };

  // The popover sits at the end of the answer in the DOM; Tab order should continue from its
  // citation number instead: past the last control, focus moves on from the number as if the
  // popover were right after it, and Shift+Tab from the start goes back to the number.
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const dialog = dialogRef.current;
    if (event.key !== 'Tab' || !dialog) return;
    const controls = [...dialog.querySelectorAll<HTMLElement>('a[href], button, [tabindex="0"]')];
    const active = document.activeElement;
    if (!event.shiftKey && active === controls.at(-1)) {
      // No preventDefault: the browser's own Tab then moves on from the number.
      anchor.focus();
      onClose(false);
    } else if (event.shiftKey && (active === dialog || active === controls[0])) {
      event.preventDefault();
      onClose(true);
    }
  };

  const label = reference.label || EVIDENCE_LEVEL_LABELS[reference.source.evidenceLevel];
  return (
    <div
      ref={dialogRef}
      role="dialog"
      aria-label={`Reference ${reference.number}`}
      className="popover cite-popover"
      tabIndex={-1}
      onBlur={onBlur}
      onKeyDown={onKeyDown}
      onPointerEnter={onPointerEnter}
      onPointerLeave={onPointerLeave}
    >
      <div className="cite-popover-head">
        <span className="cite-popover-level">
          [{reference.number}] {label}
        </span>
        <button type="button" className="secondary small-button" onClick={() => onClose(true)}>
          Close
        </button>
      </div>
      <p className="cite-popover-citation">{reference.citation}</p>
      <IntegrityWarning source={reference.source} />
      {passages.length > 0 ? (
        <>
          <p className="cite-popover-subhead">{passages.length === 1 ? 'The passage this statement cites' : 'The passages this statement cites'}</p>
          {passages.map((passage) => (
            <blockquote key={passage.id} className="passage">
              {passage.section ? <p className="muted small">Section: {passage.section}</p> : null}
              <HighlightedPassage passage={passage} statement={statement} />
            </blockquote>
          ))}
        </>
      ) : (
        <p className="muted small">This statement cites no passage of this source.</p>
      )}
      {via ? <p className="small">The overview's own sources for this: {via}</p> : null}
      <ReferenceLinks links={reference.links} />
      <p className="small">
        <a href={`#${idPrefix}ref-${reference.number}`} onClick={() => onClose(false)}>
          Reference {reference.number} in the list
        </a>
      </p>
    </div>
  );
}

/**
 * Places the popover under its citation number (above it when there is no room below; with room on
 * neither side, on the roomier one, its height capped so that it scrolls inside), within the
 * window's height and the host's width, and keeps it there when the window is resized. Coordinates
 * are relative to `host`, which is positioned, so the popover scrolls with the text. The element is
 * moved directly, before the browser paints, so focusing it afterwards scrolls to where it really is.
 */
function usePlacement(dialogRef: RefObject<HTMLDivElement | null>, anchor: HTMLElement, host: HTMLElement): void {
  useLayoutEffect(() => {
    const place = () => {
      const dialog = dialogRef.current;
      if (!dialog) return;
      const a = anchor.getBoundingClientRect();
      const h = host.getBoundingClientRect();
      // Measured at the height the style sheet allows, then capped to the room on the side chosen,
      // so on a short screen (a phone) the popover scrolls inside instead of running off it.
      dialog.style.maxHeight = '';
      const width = dialog.offsetWidth;
      const natural = dialog.offsetHeight;
      const roomBelow = window.innerHeight - a.bottom - GAP_PX - EDGE_PX;
      const roomAbove = a.top - GAP_PX - EDGE_PX;
      const above = natural > roomBelow && (natural <= roomAbove || roomAbove > roomBelow);
      const height = Math.floor(Math.min(natural, Math.max(above ? roomAbove : roomBelow, MIN_HEIGHT_PX)));
      if (height < natural) dialog.style.maxHeight = `${height}px`;
      const top = above ? a.top - h.top - GAP_PX - height : a.bottom - h.top + GAP_PX;
      const widest = Math.max(0, Math.min(h.width, window.innerWidth - h.left) - width);
      const left = Math.min(Math.max(0, a.left - h.left - width / 3), widest);
      dialog.style.top = `${Math.round(top)}px`;
      dialog.style.left = `${Math.round(left)}px`;
    };
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  }, [dialogRef, anchor, host]);
}
