// Standalone double for benchmarks and manual runs:
//   node --import tsx test/vault-double/serve.ts SEED.json
// prints one JSON line {"address","rootToken","caFile"?} on stdout once listening, then serves
// until SIGTERM/SIGINT. A seed with problems exits 2 listing them all.
import { readFile, writeFile } from 'node:fs/promises';
import { applySeed, generateTestTls, parseSeed, startVaultDouble, type VaultDoubleTls } from './index.js';
import type { VaultDoubleSeed } from './seed-file.js';

async function loadTls(seed: VaultDoubleSeed): Promise<{ tls?: VaultDoubleTls; caFile?: string }> {
  const tls = seed.tls;
  if (!tls) return {};
  if ('generate' in tls) {
    const generated = await generateTestTls();
    if (tls.caFile) await writeFile(tls.caFile, generated.caPem);
    return { tls: generated, ...(tls.caFile ? { caFile: tls.caFile } : {}) };
  }
  return { tls: { certPem: await readFile(tls.certFile, 'utf8'), keyPem: await readFile(tls.keyFile, 'utf8') } };
}

async function main(args: readonly string[]): Promise<number> {
  const seedPath = args[0];
  if (!seedPath || args.length > 1) {
    process.stderr.write('usage: node --import tsx test/vault-double/serve.ts SEED.json\n');
    return 2;
  }
  let seed: VaultDoubleSeed;
  try {
    seed = parseSeed(JSON.parse(await readFile(seedPath, 'utf8')));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const { tls, caFile } = await loadTls(seed);
  const vault = await startVaultDouble({ ...(tls ? { tls } : {}), ...(seed.rootToken ? { rootToken: seed.rootToken } : {}), ...(seed.version ? { version: seed.version } : {}) });
  await applySeed(vault, seed);
  process.stdout.write(`${JSON.stringify({ address: vault.address, rootToken: vault.rootToken, ...(caFile ? { caFile } : {}) })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await vault.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
