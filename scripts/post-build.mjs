// After tsc: makes the CLI entry executable (npm links bin targets but tsc does not set modes) and
// records the build's identity in dist/build-info.json (`vault-injector version`, the build_info metric).
// The commit comes from VAULT_INJECTOR_COMMIT (image builds have no .git) or from git, else "unknown".
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const commit = process.env.VAULT_INJECTOR_COMMIT || gitCommit();
writeFileSync(new URL('../dist/build-info.json', import.meta.url), `${JSON.stringify({ version, commit })}\n`);
