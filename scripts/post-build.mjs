// Makes the CLI entry executable after tsc (npm links bin targets but tsc does not set modes).
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
