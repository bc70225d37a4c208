import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadyGate } from './ready-file.js';
import { createAgentLogger } from '../log.js';

const log = createAgentLogger({ level: 'error', format: 'json' });

describe('ready file', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ready-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('appears only once the token and every template were written, atomically (no temp file left)', async () => {
    const path = join(dir, '.vault-agent-ready');
    const gate = createReadyGate(path, true, log);
    await gate.templatesRendered();
    expect(readdirSync(dir)).toEqual([]);
    await Promise.all([gate.tokenWritten(), gate.tokenWritten()]);
    expect(readdirSync(dir)).toEqual(['.vault-agent-ready']);
    expect(readFileSync(path, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT.*Z\n$/);
  });

  it('without templates, the token alone makes it ready; without a path, nothing is written', async () => {
    await createReadyGate(join(dir, 'ready'), false, log).tokenWritten();
    await createReadyGate(undefined, false, log).tokenWritten();
    expect(readdirSync(dir)).toEqual(['ready']);
  });
});
