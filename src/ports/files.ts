/**
 * Reading input files: expanding paths, folders and globs, fingerprinting, opening (with gzip
 * handled). The ingest pipeline sees files only through this port.
 */
export interface FileEntry {
  /** Absolute path. */
  path: string;
  sizeBytes: number;
  /** True when the path was named directly (not found inside a folder or by a glob). */
  explicit: boolean;
}

export interface ExpandResult {
  files: FileEntry[];
  /** Arguments that matched nothing. */
  missing: string[];
  /** Arguments that exist but are neither regular files nor folders (devices, pipes, sockets). */
  special: string[];
}

export interface OpenedFile {
  /** Content, decompressed when the file is gzip (detected by its magic bytes, not its name). */
  bytes: AsyncIterable<Uint8Array>;
  /** Raw (compressed) bytes read so far: progress against FileEntry.sizeBytes. */
  bytesRead(): number;
}

export interface FileSystem {
  expand(args: readonly string[]): Promise<ExpandResult>;
  /** A content fingerprint: size plus hashes of the first and last 64 KiB. */
  fingerprint(file: FileEntry): Promise<string>;
  /** The first bytes of the decompressed content, for telling formats apart. */
  head(file: FileEntry, bytes: number): Promise<Uint8Array>;
  open(file: FileEntry): OpenedFile;
}

/**
 * Files citemed writes itself: records fetched from a literature service, kept so they can be
 * ingested, read again and checked. Paths are absolute.
 */
export interface SavedFiles {
  /** The whole file or nothing: written under a temporary name beside it, then renamed. Makes missing folders. */
  write(path: string, bytes: Uint8Array | string): Promise<void>;
  /** The file's text, or undefined when there is no such file. */
  readText(path: string): Promise<string | undefined>;
  /** Whether a file is there. */
  exists(path: string): Promise<boolean>;
}
