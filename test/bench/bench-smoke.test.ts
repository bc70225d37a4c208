// `npm run bench` keeps working: both benches run in quick mode (BENCH_QUICK=1, the agent's
// memory and init parts only, to stay cheap) and print every ratio line with its baseline.
// Nothing here asserts a speed: the figures vary with the machine and are for people to read
// (docs/performance.md).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/repo-paths.js';
import { exitWithOutput } from '../helpers/child-exit.js';

function runBench(file: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', file)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', BENCH_QUICK: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    void exitWithOutput(child).then(({ code }) => {
      resolve({ code, stdout, stderr });
    });
  });
}

const NUMBER = String.raw`\d+(?:\.\d+)?`;

describe('npm run bench (quick mode)', () => {
  it('prints every webhook and agent ratio against its baseline', async () => {
    const [webhook, agent] = await Promise.all([runBench('webhook.bench.ts', {}), runBench('agent.bench.ts', { AGENT_BENCH_PARTS: 'memory,init' })]);
    expect({ code: webhook.code, stderr: webhook.stderr }).toEqual({ code: 0, stderr: '' });
    expect(webhook.stdout).toMatch(new RegExp(`^no-op, same bytes \\(id\\.\\) +${NUMBER} req/s .* CPU +${NUMBER} µs/review`, 'm'));
    expect(webhook.stdout).toMatch(new RegExp(`^ratio identical pods / same-bytes no-op: throughput ${NUMBER} \\(target >= 0\\.9: (met|MISSED)\\), p99 ${NUMBER} \\(target <= 1\\.5`, 'm'));
    expect(webhook.stdout).toMatch(new RegExp(`^ratio distinct pods / same-bytes no-op: +throughput ${NUMBER} \\(target >= 0\\.6: (met|MISSED)\\), p99 ${NUMBER}`, 'm'));
    expect(webhook.stdout).toMatch(new RegExp(`^ratio identical pods / small-reply no-op: throughput ${NUMBER}$`, 'm'));
    expect(webhook.stdout).not.toMatch(/FAILED REQUESTS/);

    expect(agent.code).toBe(0);
    expect(agent.stdout).toMatch(new RegExp(`ratio RssAnon +${NUMBER} MiB vs bare idle node ${NUMBER} MiB = ${NUMBER}× \\(target ≤ 1\\.6×`));
    expect(agent.stdout).toMatch(new RegExp(`ratio total RSS ${NUMBER} MiB vs bare idle node ${NUMBER} MiB = ${NUMBER}× \\(target ≤ 1\\.15×`));
    expect(agent.stdout).toMatch(new RegExp(`ratio init wall time, 10 templates, start → exit: ${NUMBER} ms vs node -e '' ${NUMBER} ms = ${NUMBER}× \\(target ≤ 1\\.5×`));
  }, 120_000);
});
