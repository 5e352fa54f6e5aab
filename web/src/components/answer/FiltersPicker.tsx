import { useId } from 'react';
import { EVIDENCE_LEVEL_LABELS, EVIDENCE_LEVELS, type EvidenceLevel } from '../../types';
import type { FilterInput } from './askTypes';
import './ask.css';

/** Publication years and evidence levels, folded away: most questions need neither. */
export function FiltersPicker({ value, onChange }: { value: FilterInput; onChange: (filters: FilterInput) => void }) {
  const id = useId();
  const active = (value.from.trim() !== '' ? 1 : 0) + (value.to.trim() !== '' ? 1 : 0) + value.levels.length;
  const toggle = (level: EvidenceLevel, on: boolean) =>
    onChange({ ...value, levels: on ? EVIDENCE_LEVELS.filter((l) => l === level || value.levels.includes(l)) : value.levels.filter((l) => l !== level) });
  return (
    <details className="filters">
      <summary>Filters{active > 0 ? ` (${active} set)` : ''}</summary>
      <div className="row years">
        <div>
          <label htmlFor={`${id}-from`}>From year</label>
          <input id={`${id}-from`} type="number" inputMode="numeric" min={1000} max={9999} step={1} value={value.from} onChange={(e) => onChange({ ...value, from: e.target.value })} />
        </div>
        <div>
          <label htmlFor={`${id}-to`}>To year</label>
          <input id={`${id}-to`} type="number" inputMode="numeric" min={1000} max={9999} step={1} value={value.to} onChange={(e) => onChange({ ...value, to: e.target.value })} />
        </div>
      </div>
      <fieldset>
        <legend>Evidence levels</legend>
        <p className="muted small">None ticked: every level.</p>
        <div className="choices">
          {EVIDENCE_LEVELS.map((level) => (
            <label key={level} className="choice">
              <input type="checkbox" value={level} checked={value.levels.includes(level)} onChange={(e) => toggle(level, e.target.checked)} />
              {EVIDENCE_LEVEL_LABELS[level]}
            </label>
          ))}
        </div>
      </fieldset>
    </details>
  );
}
