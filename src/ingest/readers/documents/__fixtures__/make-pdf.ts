import { createHash } from 'node:crypto';

/**
 * Builds small, valid PDF files for tests: one Helvetica text line per entry, a correct xref
 * table, an optional Info dictionary and optional RC4 40-bit password protection (Standard
 * security handler, revision 2). Only printable ASCII text is supported; that is all the tests need.
 */
export interface PdfSpec {
  /** Lines of each page, top to bottom; an empty string leaves an empty line's height of space. */
  pages: readonly (readonly string[])[];
  info?: { title?: string; author?: string; creationDate?: string };
  /** A non-empty user password makes the file unreadable without it. */
  userPassword?: string;
}

export function makePdf(spec: PdfSpec): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);

  const catalog = add('');
  const pages = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageRefs: number[] = [];
  for (const lines of spec.pages) {
    const content = pageContent(lines);
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
    pageRefs.push(
      add(
        `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 612 792] ` +
          `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pages} 0 R >>`;
  objects[pages - 1] = `<< /Type /Pages /Kids [${pageRefs.map((n) => `${n} 0 R`).join(' ')}] /Count ${pageRefs.length} >>`;

  const fileId = createHash('md5').update(JSON.stringify(spec)).digest();
  const trailerExtra: string[] = [`/ID [<${fileId.toString('hex')}> <${fileId.toString('hex')}>]`];
  if (spec.info && spec.userPassword === undefined) {
    const entries: string[] = [];
    if (spec.info.title !== undefined) entries.push(`/Title (${pdfString(spec.info.title)})`);
    if (spec.info.author !== undefined) entries.push(`/Author (${pdfString(spec.info.author)})`);
    if (spec.info.creationDate !== undefined) entries.push(`/CreationDate (${pdfString(spec.info.creationDate)})`);
    trailerExtra.push(`/Info ${add(`<< ${entries.join(' ')} >>`)} 0 R`);
  }
  if (spec.userPassword !== undefined) {
    trailerExtra.push(`/Encrypt ${add(encryptDictionary(spec.userPassword, fileId))} 0 R`);
  }

  // Every byte below is ASCII, so string length equals byte offset.
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefAt = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R ${trailerExtra.join(' ')} >>\n`;
  out += `startxref\n${xrefAt}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

function pageContent(lines: readonly string[]): string {
  // 12 pt text on a 14 pt leading, starting one inch from the top-left corner.
  const ops = ['BT', '/F1 12 Tf', '14 TL', '72 720 Td'];
  lines.forEach((line, i) => {
    if (i > 0) ops.push('T*');
    if (line !== '') ops.push(`(${pdfString(line)}) Tj`);
  });
  ops.push('ET');
  return ops.join('\n');
}

function pdfString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`makePdf supports printable ASCII only: ${JSON.stringify(value)}`);
  return value.replace(/[\\()]/g, (c) => `\\${c}`);
}

// The 32-byte padding string of the Standard security handler (PDF 1.7, 7.6.3.3, Algorithm 2).
const PASSWORD_PAD = Buffer.from(
  '28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a',
  'hex',
);
const PERMISSIONS = -44;

function encryptDictionary(userPassword: string, fileId: Buffer): string {
  const padded = padPassword(userPassword);
  // Owner password equal to the user password: the O entry is then RC4(md5(pad(pw))[0..5], pad(pw)).
  const ownerKey = createHash('md5').update(padded).digest().subarray(0, 5);
  const owner = rc4(ownerKey, padded);
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(PERMISSIONS);
  const fileKey = createHash('md5').update(padded).update(owner).update(permissions).update(fileId).digest().subarray(0, 5);
  const user = rc4(fileKey, PASSWORD_PAD);
  return `<< /Filter /Standard /V 1 /R 2 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> /P ${PERMISSIONS} >>`;
}

function padPassword(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
}

function rc4(key: Uint8Array, data: Uint8Array): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let k = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}
