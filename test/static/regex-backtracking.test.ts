// No regular expression in the shipped source backtracks super-linearly, unless it is listed below
// with why its input is bounded or trusted. recheck (https://makenowjust-labs.github.io/recheck/)
// analyses each literal statically; nothing is timed. Quadratic regexes were found this way in the
// webhook's log redaction (0.6 s of CPU per 240 KB review), the agent proxy's Bearer parsing and
// the trims that see secret data and template arguments (common/src/trim.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['webhook/src', 'agent/src', 'common/src', 'template/src', 'cli'];

/** file → regex source → why its input cannot make it slow. */
const ACCEPTED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'agent/src/render/pem-bundle.ts': { '-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n[\\s\\S]*?-----END \\1-----': "a PKI response from the configured Vault, bounded by vault.max_response_bytes" },
  'webhook/src/cluster/ca-bundle.ts': { '-----BEGIN CERTIFICATE-----[\\s\\S]*?-----END CERTIFICATE-----': "the injector's own CA bundle, from its Secret (the operator's input)" },
  'common/src/go-duration.ts': { '\\.?0+$': 'a formatted number: at most ~20 digits' },
  'template/src/go/float-format.ts': { '0+$': "a formatted float64: runs of zeros that are not trailing are at most ~330 long (the exact decimal expansion's leading zeros)" },
  'template/src/go/sprig-time.ts': { '0+$': 'nine digits of fractional seconds' },
  'template/src/go/time-format.ts': { '0+$': 'nine digits of fractional seconds' },
  'template/src/go/sprig-crypto.ts': {
    '^\\s*(=|!=|>=|=>|<=|=<|>|<|~>|~|\\^)?\\s*v?([0-9xX*]+)(?:\\.([0-9xX*]+))?(?:\\.([0-9xX*]+))?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?\\s*$': 'semverCompare constraints: quadratic only in a run of whitespace the template author writes; left for now (docs/agent.md, Limits)',
    '\\s*,\\s*|\\s+(?=[<>=!~^0-9vxX*])': 'as above',
    '\\$(\\{([^}]*)\\}|([A-Za-z0-9_]+)|([*#$@!?\\-0-9]))': 'sprig expandenv over a template string; quadratic only in unclosed "${"; left for now (docs/agent.md, Limits)',
  },
};

interface Literal {
  readonly file: string;
  readonly line: number;
  readonly source: string;
  readonly flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function regexLiterals(file: string): Literal[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sourceFile);
      const end = literal.lastIndexOf('/');
      found.push({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1, source: literal.slice(1, end), flags: literal.slice(end + 1) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

const literals = SOURCE_DIRS.flatMap(sourceFiles).map((file) => relative(ROOT, join(ROOT, file))).flatMap(regexLiterals);

describe('regular expressions in the shipped source', () => {
  it('are found (the scan reads the source)', () => {
    expect(literals.length).toBeGreaterThan(200);
  });

  it('none backtracks super-linearly, except the accepted ones', async () => {
    const { check } = await import('recheck');
    const unsafe: string[] = [];
    for (const literal of literals) {
      // Sticky/global only move the start; recheck takes the pattern's own flags.
      const diagnostics = await check(literal.source, literal.flags.replace(/[gy]/g, ''), { timeout: 10_000 });
      if (diagnostics.status === 'safe' || ACCEPTED[literal.file]?.[literal.source] !== undefined) continue;
      unsafe.push(`${literal.file}:${literal.line} /${literal.source}/${literal.flags}: ${diagnostics.status}${diagnostics.status === 'vulnerable' ? ` (${diagnostics.complexity.type}; attack ${diagnostics.attack.pattern.slice(0, 80)})` : ''}`);
    }
    expect(unsafe).toEqual([]);
  }, 120_000);

  it('every accepted one is still in the source (the list does not go stale)', () => {
    for (const [file, sources] of Object.entries(ACCEPTED)) {
      for (const source of Object.keys(sources)) expect(literals.some((literal) => literal.file === file && literal.source === source)).toBe(true);
    }
  });
});
