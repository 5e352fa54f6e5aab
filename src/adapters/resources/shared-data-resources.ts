import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CitemedError } from '../../domain/errors.js';
import type {
  AbbreviationEntry,
  DrugNames,
  LoadTermResources,
  MeshDescriptor,
  SkippedRows,
  TermResources,
} from '../../ports/resources.js';
import { parseCsv } from './csv.js';
import { parseMeshDescriptorXml } from './mesh-xml.js';
import { parseStringList } from './python-list.js';

const gunzipAsync = promisify(gunzip);
const SKIP_EXAMPLES = 3; // reasons kept per file; the count covers the rest

const ABBREVIATIONS_DIR = 'medical_abbreviations';
const MESH_DIR = 'mesh';
const DRUGS_DIR = 'drug_names_rabbits';

/**
 * Term resources from a directory laid out like the project's shared public data:
 *
 *   medical_abbreviations/*.csv        abbreviation, meaning[, …]
 *   mesh/terms.tsv                     mesh_id, mesh_name
 *   mesh/tree-numbers.tsv[.gz]         mesh_id, mesh_name, mesh_tree_number
 *   mesh/*.xml                         NLM descriptor records (entry terms), optional
 *   drug_names_rabbits/generic_to_brand.csv   generic, brand (a Python list literal)
 *
 * Each part is optional: a missing folder or file gives an empty list and a note. Rows that cannot
 * be read are skipped and counted. Only a missing or unreadable top directory is an error.
 */
export const loadSharedDataResources: LoadTermResources = async (dir) => {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new CitemedError('not-found', `term resources directory ${dir} ${info ? 'is not a directory' : 'does not exist'}`, {
      hint: `point the term-resources setting at a folder holding ${ABBREVIATIONS_DIR}/, ${MESH_DIR}/ and ${DRUGS_DIR}/`,
    });
  }
  const out: TermResources = { abbreviations: [], mesh: [], drugs: [], sources: [], notes: [], skipped: [] };
  const log = createLog(dir, out);
  out.abbreviations = await loadAbbreviations(log);
  out.mesh = await loadMesh(log);
  out.drugs = await loadDrugs(log);
  return out;
};

interface Log {
  dir: string;
  /** The file's path relative to the resource directory, with forward slashes. */
  rel(file: string): string;
  source(file: string, what: string): void;
  note(text: string): void;
  skipped(file: string, problems: readonly { line: number; reason: string }[]): void;
}

/** Collects sources, notes and skipped rows into `out`. */
function createLog(dir: string, out: TermResources): Log {
  const rel = (file: string) => path.relative(dir, file).split(path.sep).join('/');
  const note = (text: string) => {
    out.notes.push(text);
  };
  return {
    dir,
    rel,
    note,
    source(file, what) {
      out.sources.push(`${rel(file)}: ${what}`);
    },
    skipped(file, problems) {
      if (problems.length === 0) return;
      const inOrder = [...problems].sort((a, b) => a.line - b.line);
      const entry: SkippedRows = {
        file: rel(file),
        count: problems.length,
        examples: inOrder.slice(0, SKIP_EXAMPLES).map((p) => `line ${p.line}: ${p.reason}`),
      };
      out.skipped.push(entry);
      note(`${entry.file}: skipped ${entry.count} unreadable row${entry.count === 1 ? '' : 's'} (${entry.examples.join('; ')})`);
    },
  };
}

async function loadAbbreviations(log: Log): Promise<AbbreviationEntry[]> {
  const files = await listFiles(log, ABBREVIATIONS_DIR, (name) => name.endsWith('.csv'), 'no abbreviations');
  const entries: AbbreviationEntry[] = [];
  for (const file of files) {
    const table = await readTable(log, file, ['abbreviation', 'meaning']);
    if (table === undefined) continue;
    const [abbrCol, meaningCol] = table.columns;
    const problems = [...table.problems];
    let rows = 0;
    for (const record of table.records) {
      const abbreviation = (record.fields[abbrCol ?? 0] ?? '').trim();
      const meaning = (record.fields[meaningCol ?? 0] ?? '').trim();
      if (abbreviation === '' || meaning === '') {
        problems.push({ line: record.line, reason: 'empty abbreviation or meaning' });
        continue;
      }
      entries.push({ abbreviation, meaning });
      rows += 1;
    }
    log.source(file, `${rows} abbreviation rows`);
    log.skipped(file, problems);
  }
  return entries;
}

async function loadDrugs(log: Log): Promise<DrugNames[]> {
  const files = await listFiles(log, DRUGS_DIR, (name) => name === 'generic_to_brand.csv', 'no drug names');
  const drugs: DrugNames[] = [];
  for (const file of files) {
    const table = await readTable(log, file, ['generic', 'brand']);
    if (table === undefined) continue;
    const [genericCol, brandCol] = table.columns;
    const problems = [...table.problems];
    const before = drugs.length;
    for (const record of table.records) {
      const generic = (record.fields[genericCol ?? 0] ?? '').trim();
      const parsed = parseStringList(record.fields[brandCol ?? 0] ?? '');
      if (generic === '') problems.push({ line: record.line, reason: 'empty generic name' });
      else if (!parsed.ok) problems.push({ line: record.line, reason: `brand list: ${parsed.reason}` });
      else drugs.push({ generic, brands: unique(parsed.strings.map((b) => b.trim()).filter((b) => b !== '')) });
    }
    log.source(file, `${drugs.length - before} generic drugs with brand names`);
    log.skipped(file, problems);
  }
  return drugs;
}

async function loadMesh(log: Log): Promise<MeshDescriptor[]> {
  const folder = path.join(log.dir, MESH_DIR);
  const names = await listFiles(log, MESH_DIR, () => true, 'no MeSH descriptors');
  if (names.length === 0) return [];
  const byId = new Map<string, MeshDescriptor>();
  const descriptor = (id: string, name: string): MeshDescriptor => {
    let found = byId.get(id);
    if (found === undefined) {
      found = { id, name, treeNumbers: [], entryTerms: [] };
      byId.set(id, found);
    }
    return found;
  };

  const termsFile = path.join(folder, 'terms.tsv');
  const terms = names.includes(termsFile) ? await readTsv(log, termsFile, ['mesh_id', 'mesh_name']) : undefined;
  if (terms !== undefined) {
    for (const [id = '', name = ''] of terms.rows) descriptor(id, name);
    log.source(termsFile, `${terms.rows.length} descriptors`);
  } else if (!names.includes(termsFile)) {
    log.note(`${log.rel(termsFile)} is missing: descriptor names come only from the tree numbers`);
  }

  const treeFile = ['tree-numbers.tsv.gz', 'tree-numbers.tsv'].map((name) => path.join(folder, name)).find((file) => names.includes(file));
  if (treeFile === undefined) {
    log.note(`${MESH_DIR}/tree-numbers.tsv(.gz) is missing: no MeSH tree, so no narrower terms`);
  } else {
    const tree = await readTsv(log, treeFile, ['mesh_id', 'mesh_name', 'mesh_tree_number']);
    if (tree !== undefined) {
      for (const [id = '', name = '', treeNumber = ''] of tree.rows) {
        const found = descriptor(id, name);
        if (!found.treeNumbers.includes(treeNumber)) found.treeNumbers.push(treeNumber);
      }
      log.source(treeFile, `${tree.rows.length} tree numbers`);
    }
  }

  for (const xmlFile of names.filter((name) => name.endsWith('.xml'))) {
    const text = await readText(log, xmlFile);
    if (text === undefined) continue;
    const parsed = parseMeshDescriptorXml(text);
    let withTerms = 0;
    for (const record of parsed.descriptors) {
      const found = descriptor(record.id, record.name);
      for (const treeNumber of record.treeNumbers) if (!found.treeNumbers.includes(treeNumber)) found.treeNumbers.push(treeNumber);
      found.entryTerms = unique([...found.entryTerms, ...record.entryTerms]);
      if (record.entryTerms.length > 0) withTerms += 1;
    }
    log.source(xmlFile, `${parsed.descriptors.length} descriptor records, ${withTerms} with entry terms`);
    if (parsed.problem !== undefined) log.note(`${log.rel(xmlFile)}: XML error, nothing after it was read (${parsed.problem})`);
  }
  return [...byId.values()];
}

/** Files of one resource folder (absolute paths, name order); a missing folder is a note. */
async function listFiles(log: Log, folder: string, keep: (name: string) => boolean, consequence: string): Promise<string[]> {
  const full = path.join(log.dir, folder);
  const entries = await readdir(full, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) {
    log.note(`${folder}/ is missing: ${consequence}`);
    return [];
  }
  const files = entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && keep(entry.name))
    .map((entry) => path.join(full, entry.name))
    .sort();
  if (files.length === 0) log.note(`${folder}/ holds no usable files: ${consequence}`);
  return files;
}

interface Table {
  /** Positions of the wanted columns, in the order asked for. */
  columns: number[];
  records: { line: number; fields: string[] }[];
  problems: { line: number; reason: string }[];
}

/** A CSV file with a header row that must name the wanted columns. */
async function readTable(log: Log, file: string, wanted: readonly string[]): Promise<Table | undefined> {
  const text = await readText(log, file);
  if (text === undefined) return undefined;
  const { records, problems } = parseCsv(text);
  const header = records.shift();
  const columns = findColumns(log, file, header?.fields ?? [], wanted);
  if (columns === undefined) return undefined;
  const width = header?.fields.length ?? 0;
  const kept = records.filter((record) => {
    if (record.fields.length === width) return true;
    problems.push({ line: record.line, reason: `${record.fields.length} fields where the header has ${width}` });
    return false;
  });
  return { columns, records: kept, problems };
}

/** A tab-separated file with a header row; yields the wanted columns of each good row. */
async function readTsv(log: Log, file: string, wanted: readonly string[]): Promise<{ rows: string[][] } | undefined> {
  const text = await readText(log, file);
  if (text === undefined) return undefined;
  const lines = text.split(/\r?\n/);
  const columns = findColumns(log, file, (lines[0] ?? '').split('\t'), wanted);
  if (columns === undefined) return undefined;
  const rows: string[][] = [];
  const problems: { line: number; reason: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    const values = columns.map((c) => (fields[c] ?? '').trim());
    const absent = wanted.filter((_, k) => values[k] === '');
    if (absent.length > 0) problems.push({ line: i + 1, reason: `missing ${absent.join(', ')}` });
    else rows.push(values);
  }
  log.skipped(file, problems);
  return { rows };
}

function findColumns(log: Log, file: string, header: readonly string[], wanted: readonly string[]): number[] | undefined {
  const names = header.map((h) => h.trim().toLowerCase());
  const columns = wanted.map((w) => names.indexOf(w));
  if (columns.every((c) => c >= 0)) return columns;
  log.note(`${log.rel(file)}: header lacks ${wanted.filter((_, i) => columns[i] === -1).join(', ')}; file not used`);
  return undefined;
}

/** The file as UTF-8, gunzipped when it starts with the gzip magic bytes; unreadable is a note. */
async function readText(log: Log, file: string): Promise<string | undefined> {
  try {
    const bytes = await readFile(file);
    const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzipAsync(bytes) : bytes;
    return plain.toString('utf8');
  } catch (error) {
    log.note(`${log.rel(file)} could not be read (${(error as Error).message}); left out`);
    return undefined;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
