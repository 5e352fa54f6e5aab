/**
 * A small RFC 4180 CSV reader: fields separated by commas, optionally quoted; inside quotes,
 * commas and line breaks are content and `""` is one quote. Records end at LF or CRLF.
 *
 * Bad input never stops the file: a record whose quoted field is followed by stray characters, or
 * whose quote never closes, is reported as malformed and reading resumes on the next physical
 * line, so one stray quote costs one record rather than the rest of the file.
 */
export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  reason: string;
}

export interface CsvResult {
  records: CsvRecord[];
  problems: CsvProblem[];
}

type Step = { ok: true; fields: string[]; next: number; lines: number } | { ok: false; reason: string };

export function parseCsv(text: string): CsvResult {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 byte-order mark is not content
  let line = 1;
  while (pos < text.length) {
    const step = readRecord(text, pos);
    if (step.ok) {
      const blank = step.fields.length === 1 && step.fields[0] === '';
      if (!blank) records.push({ line, fields: step.fields });
      pos = step.next;
      line += step.lines;
    } else {
      problems.push({ line, reason: step.reason });
      const end = text.indexOf('\n', pos);
      pos = end === -1 ? text.length : end + 1;
      line += 1;
    }
  }
  return { records, problems };
}

/** Reads one record starting at `start`; `lines` counts the line breaks it consumed. */
function readRecord(text: string, start: number): Step {
  const fields: string[] = [];
  let pos = start;
  let lines = 0;
  for (;;) {
    let value = '';
    if (text[pos] === '"') {
      pos += 1;
      for (;;) {
        const quote = text.indexOf('"', pos);
        if (quote === -1) return { ok: false, reason: 'a quoted field is never closed' };
        value += text.slice(pos, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          pos = quote + 2;
        } else {
          pos = quote + 1;
          break;
        }
      }
      lines += countLineBreaks(value);
      if (pos < text.length && text[pos] !== ',' && text[pos] !== '\n' && !(text[pos] === '\r' && text[pos + 1] === '\n')) {
        return { ok: false, reason: 'characters after a closing quote' };
      }
    } else {
      let end = pos;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end += 1;
      value = text.slice(pos, end);
      if (value.endsWith('\r') && text[end] === '\n') value = value.slice(0, -1);
      pos = end;
    }
    fields.push(value);
    if (pos >= text.length) return { ok: true, fields, next: pos, lines: lines + 1 };
    if (text[pos] === ',') {
      pos += 1;
      continue;
    }
    // A line break: LF, or CRLF (the CR of an unquoted field was trimmed above).
    if (text[pos] === '\r') pos += 1;
    return { ok: true, fields, next: pos + 1, lines: lines + 1 };
  }
}

function countLineBreaks(value: string): number {
  let count = 0;
  for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) count += 1;
  return count;
}
