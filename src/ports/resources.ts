/**
 * Term resources for query expansion: clinical abbreviations, MeSH descriptors and drug names.
 * Plain data, loaded once at start-up by an adapter and handed to retrieval, which builds its
 * look-up structures from them and never touches files.
 */

/** One row of an abbreviation glossary. An ambiguous abbreviation appears on several rows. */
export interface AbbreviationEntry {
  /** As the glossary writes it; case matters ("MG" myasthenia gravis, "mg" milligram). */
  abbreviation: string;
  meaning: string;
}

/** A MeSH descriptor (main heading). */
export interface MeshDescriptor {
  /** Descriptor UI, e.g. "D009203". */
  id: string;
  /** Preferred name, often inverted: "Diabetes Mellitus, Type 2". */
  name: string;
  /** Positions in the MeSH tree, e.g. ["C14.280.647.500"]; a descriptor may sit in several places. */
  treeNumbers: string[];
  /** Synonyms (entry terms) when the data holds them; empty otherwise. */
  entryTerms: string[];
}

/** One generic drug and its brand names, all as the list writes them (lower-case in RABBITS). */
export interface DrugNames {
  generic: string;
  brands: string[];
}

/** Rows a loader could not read in one file: how many, and the first few reasons. */
export interface SkippedRows {
  file: string;
  count: number;
  examples: string[];
}

export interface TermResources {
  abbreviations: AbbreviationEntry[];
  mesh: MeshDescriptor[];
  drugs: DrugNames[];
  /** What was loaded, one line per file, for explanations ("mesh/terms.tsv: 27455 descriptors"). */
  sources: string[];
  /** Parts that were missing or partly unreadable, said in words; loading went on without them. */
  notes: string[];
  skipped: SkippedRows[];
}

/**
 * Loads term resources from a directory. Missing parts yield empty lists and a note, and bad rows
 * are skipped and counted; only an unusable directory is an error.
 */
export type LoadTermResources = (dir: string) => Promise<TermResources>;
