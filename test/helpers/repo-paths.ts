// Paths tests use. Everything the default suite reads lives inside the repository (test/fixtures/),
// so a clone alone passes `npm ci && npm test`; only `npm run test:differential` needs ../shared.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = resolve(REPO_ROOT, 'test', 'fixtures');
/** The upstream-derived vault-k8s admission cases (format: test/fixtures/README.md). */
export const SAMPLE_CASES_FILE = resolve(FIXTURES_DIR, 'vault-k8s-cases.sample.json');
export const UPSTREAM_CASES_FILE = resolve(FIXTURES_DIR, 'vault-k8s-cases.upstream.json');
