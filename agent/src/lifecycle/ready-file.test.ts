import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReadyFile } from './ready-file.js';
import { createAgentLogger } from '../log.js';

const log = createAgentLogger({ level: 'error', format: 'json' });

describe('ready file', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ready-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('is written atomically (no temp file left) with a timestamp', async () => {
    const path = join(dir, '.vault-agent-ready');
    await writeReadyFile(path, log);
    expect(readdirSync(dir)).toEqual(['.vault-agent-ready']);
    expect(readFileSync(path, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT.*Z\n$/);
  });

  it('a directory it cannot write to is logged, not thrown', async () => {
    await expect(writeReadyFile(join(dir, 'missing', 'ready'), log)).resolves.toBeUndefined();
    chmodSync(dir, 0o500);
    expect(readdirSync(dir)).toEqual([]);
  });
});
