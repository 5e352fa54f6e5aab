import path from 'node:path';
import { CitemedError } from '../domain/errors.js';

/**
 * The folders a server reads ingest jobs from (`ingest.serverRoots`). An administrator names files
 * over HTTP, so the paths they give are held to these folders: each must exist and, once every
 * symbolic link and `..` is resolved, lie inside one of them. Anything else is refused before a
 * job is queued, in one message that names every path refused and the folders allowed.
 */
export interface ServerRootsDeps {
  /** As configured: relative to `cwd` or absolute. Messages name them like this. */
  roots: readonly string[];
  cwd: string;
  /** A path's real location (links resolved), or undefined when nothing is there. */
  realPath: (file: string) => Promise<string | undefined>;
}

export interface ServerRoots {
  /** The real location of each path, in order; a usage error if any is missing or outside. */
  resolve(paths: readonly string[]): Promise<string[]>;
  /** A usage error unless every file (absolute) really lies inside a root. */
  check(files: readonly string[]): Promise<void>;
  /**
   * Text (an error message) with the server's absolute paths under the roots written as the roots
   * are configured ("library/starter/x.md"): where the server keeps its files is its own business.
   */
  redact(text: string): string;
}

interface Root {
  shown: string;
  /** Absolute, as configured. */
  resolved: string;
  /** Absolute, links resolved; undefined while the folder does not exist. */
  real: string | undefined;
}

export function openServerRoots(deps: ServerRootsDeps): ServerRoots {
  // Resolved again on every check: a root may be created, or re-pointed, while the server runs.
  let known: Root[] = deps.roots.map((shown) => ({ shown, resolved: path.resolve(deps.cwd, shown), real: undefined }));
  const currentRoots = async (): Promise<Root[]> => {
    known = await Promise.all(known.map(async (root) => ({ ...root, real: await deps.realPath(root.resolved) })));
    return known;
  };

  const refuse = (missing: readonly string[], outside: readonly string[]): CitemedError => {
    const allowed = deps.roots.length > 0 ? deps.roots.join(', ') : '(none: ingest.serverRoots is empty)';
    const problems = [
      ...(missing.length > 0 ? [`no such file or folder on the server: ${missing.join(', ')}`] : []),
      ...(outside.length > 0 ? [`outside the folders this server ingests from: ${outside.join(', ')}`] : []),
    ];
    return new CitemedError('usage', `${problems.join('; ')} (allowed: ${allowed})`, {
      hint: `give files or folders inside ${allowed}; the server's operator sets them with ingest.serverRoots`,
    });
  };

  return {
    async resolve(paths) {
      const roots = await currentRoots();
      const missing: string[] = [];
      const outside: string[] = [];
      const real: string[] = [];
      for (const given of paths) {
        const found = await deps.realPath(path.resolve(deps.cwd, given));
        if (found === undefined) missing.push(given);
        else if (!roots.some((root) => root.real !== undefined && isInside(root.real, found))) outside.push(given);
        else real.push(found);
      }
      if (missing.length > 0 || outside.length > 0) throw refuse(missing, outside);
      return real;
    },

    async check(files) {
      const roots = await currentRoots();
      const outside: string[] = [];
      for (const file of files) {
        const found = await deps.realPath(file);
        if (found === undefined || !roots.some((root) => root.real !== undefined && isInside(root.real, found))) outside.push(path.basename(file));
      }
      if (outside.length > 0) throw refuse([], outside);
    },

    redact(text) {
      // Longest first, so a root inside another is written as itself.
      const replacements = known
        .flatMap((root) => [root.real, root.resolved].filter((abs): abs is string => abs !== undefined).map((abs) => ({ abs, shown: root.shown })))
        // A root configured as an absolute path, or the file system's root, is left as it is.
        .filter(({ abs, shown }) => abs !== shown && abs !== path.parse(abs).root)
        .sort((a, b) => b.abs.length - a.abs.length);
      return replacements.reduce((out, { abs, shown }) => out.split(abs).join(shown), text);
    },
  };
}

/** Whether `target` is `folder` or lies below it (both absolute and real). */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
