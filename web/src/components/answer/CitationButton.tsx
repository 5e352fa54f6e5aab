import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { createPortal } from 'react-dom';
import type { Statement } from '../../types';
import { useAnswerContext } from './AnswerContext';
import { CitationPopover } from './CitationPopover';

/** How many words of its statement a citation's accessible name quotes. */
const NAME_WORDS = 8;

/** How long (ms) a pointer must rest on a citation before it opens, or be away before it closes. */
const HOVER_OPEN_MS = 300;
const HOVER_CLOSE_MS = 250;

/**
 * 'hover': opened by resting a mouse on the number, a preview that keeps focus where it was.
 * 'pinned': opened by click, tap, Enter or Space; focus moves into it and comes back on close.
 */
type OpenState = 'hover' | 'pinned' | null;

/**
 * One citation number after a statement. It opens the reference's popover with the passages this
 * statement cites, so the reader can check the claim against its source without leaving the text.
 */
export function CitationButton({ number, statement }: { number: number; statement: Statement }) {
  const { answer, popoverHost } = useAnswerContext();
  const [open, setOpen] = useState<OpenState>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const hoverTimer = useRef<number | undefined>(undefined);
  const reference = answer.references.find((r) => r.number === number);

  const clearTimer = () => window.clearTimeout(hoverTimer.current);
  useEffect(() => clearTimer, []);

  const close = (returnFocus: boolean) => {
    clearTimer();
    setOpen(null);
    if (returnFocus) buttonRef.current?.focus();
  };

  const onClick = () => {
    clearTimer();
    setOpen((state) => (state === 'pinned' ? null : 'pinned'));
  };

  // Only a real mouse previews on hover: touch and pen taps arrive as clicks and pin instead.
  const onPointerEnter = (event: PointerEvent) => {
    if (event.pointerType !== 'mouse' || open === 'pinned') return;
    clearTimer();
    hoverTimer.current = window.setTimeout(() => setOpen((state) => state ?? 'hover'), HOVER_OPEN_MS);
  };
  const onPointerLeave = () => {
    clearTimer();
    if (open === 'pinned') return;
    hoverTimer.current = window.setTimeout(() => setOpen((state) => (state === 'hover' ? null : state)), HOVER_CLOSE_MS);
  };

  return (
    <>
      <sup className="cite">
        <button
          ref={buttonRef}
          type="button"
          aria-label={citationName(number, statement)}
          aria-haspopup="dialog"
          aria-expanded={open !== null}
          onClick={onClick}
          onPointerEnter={onPointerEnter}
          onPointerLeave={onPointerLeave}
        >
          {number}
        </button>
      </sup>
      {open && reference && popoverHost && buttonRef.current
        ? createPortal(
            <CitationPopover
              reference={reference}
              statement={statement}
              anchor={buttonRef.current}
              host={popoverHost}
              takeFocus={open === 'pinned'}
              onClose={close}
              onPointerEnter={clearTimer}
              onPointerLeave={onPointerLeave}
            />,
            popoverHost,
          )
        : null}
    </>
  );
}

/**
 * "Source 2 for “Percutaneous drainage is the first-line treatment for…”": every number on a page is
 * otherwise just "1" or "2", and a screen reader listing the buttons must tell them apart.
 */
export function citationName(number: number, statement: Statement): string {
  const words = statement.text.trim().split(/\s+/);
  const start = words.slice(0, NAME_WORDS).join(' ');
  return `Source ${number} for “${start}${words.length > NAME_WORDS ? '…' : ''}”`;
}
