import { normalizeSpace } from '../../../domain/text.js';

/** A section title as a path level: "Background:" → "Background". */
export function headingOf(title: string): string | undefined {
  const heading = normalizeSpace(title).replace(/\s*:+$/, '');
  return heading === '' ? undefined : heading;
}

/** A float's label as a path level: "Table 1." → "Table 1". */
export function pathLabel(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const name = normalizeSpace(label).replace(/[\s.:]+$/, '');
  return name === '' ? undefined : name;
}

/** "Table 1. Participant characteristics …"; undefined when the table has neither label nor caption. */
export function tableHeading(label: string | undefined, caption: string | undefined): string | undefined {
  if (label === undefined && caption === undefined) return undefined;
  return labelled(label ?? 'Table', caption);
}

/** "Figure 1. Location of the study areas. …"; a figure without a caption says nothing and is left out. */
export function figureParagraph(label: string | undefined, caption: string | undefined): string | undefined {
  if (caption === undefined) return undefined;
  return labelled(label ?? 'Figure', caption);
}

function labelled(label: string, caption: string | undefined): string {
  const name = normalizeSpace(label);
  if (caption === undefined) return name;
  return /[.:]$/.test(name) ? `${name} ${caption}` : `${name}. ${caption}`;
}
