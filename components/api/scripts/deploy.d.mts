export function parseArgs(argv: string[]): { env: "staging" | "production"; dryRun: boolean };
export function placeholderVars(toml: string, env: string): string[];
