// Types of launch.mjs, for the TypeScript that imports it (tests, benchmarks).
export declare const LAUNCHER_V8_FLAGS: readonly string[];
export declare function setLauncherV8Flags(): void;
export declare function cliEntry(root: URL, mode: string | undefined): { url: URL; tsx: boolean };
export declare function bundleIsFresh(bundle: string, sources: string): boolean;
