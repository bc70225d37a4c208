// Paths tests use: the repository root and ../shared beside it (as in CI).
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared');
export const SAMPLE_CASES_FILE = resolve(SHARED_DIR, 'spec', 'vault-k8s-cases.sample.json');
