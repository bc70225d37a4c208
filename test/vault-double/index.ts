// The Vault HTTP API double: import from here in tests and benchmarks.
export { startVaultDouble } from './start-vault-double.js';
export { createManualClock } from './clock.js';
export { generateTestTls } from './engines/pki-certificates.js';
export * from './vault-double-api.js';
export { applySeed, parseSeed, type VaultDoubleSeed } from './seed-file.js';
