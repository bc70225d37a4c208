// How a startup problem reads: the setting named both ways it can be given (`-flag / ENV_VAR`),
// then one plain sentence saying what to change, then vault-k8s's own text where it has one (kept
// verbatim for anyone matching it), e.g.
//   -log-level / AGENT_INJECT_LOG_LEVEL: "loud" is not a log level; use trace, debug, info, warn or error (Error setting log level: unknown log level: loud)
import { closestMatch } from '../../../common/src/edit-distance.js';
import { goQuote } from '../../../common/src/go-quote.js';
import { FLAG_DEFINITIONS } from './flag-definitions.js';
import type { FlagProblem } from './go-flags.js';

const ENV_BY_FLAG: ReadonlyMap<string, string> = new Map(FLAG_DEFINITIONS.map((definition) => [definition.name, definition.env]));
/** No flag name is longer; a longer unknown name gets no suggestion (bounds the edit-distance work). */
const MAX_SUGGESTED_FLAG_LENGTH = 64;

/** `-name / ENV` for a flag, or the variable alone for an environment-only setting. */
export function settingLabel(name: string): string {
  const env = ENV_BY_FLAG.get(name);
  if (env !== undefined) return `-${name} / ${env}`;
  return name.startsWith('-') ? name : `-${name}`;
}

export function settingProblem(name: string, plain: string, original?: string): string {
  return `${settingLabel(name)}: ${plain}${original === undefined ? '' : ` (${original})`}`;
}

/** A problem with an environment-only variable (no flag). */
export function envOnlyProblem(env: string, plain: string, original?: string): string {
  return `${env}: ${plain}${original === undefined ? '' : ` (${original})`}`;
}

export function quoted(value: string): string {
  return goQuote(value);
}

/** Flags by the name their variable suggests (AGENT_INJECT_VAULT_ADDR → vault-addr for -vault-address). */
const FLAG_BY_ENV_NAME: ReadonlyMap<string, string> = new Map(
  FLAG_DEFINITIONS.map((definition) => [definition.env.replace(/^(AGENT_INJECT|VAULT_INJECTOR)_/, '').toLowerCase().replaceAll('_', '-'), definition.name]),
);

/** The closest defined flag to a misspelt one (or one named after its variable), with its variable. */
export function flagSuggestion(name: string): string | undefined {
  if (name.length > MAX_SUGGESTED_FLAG_LENGTH) return undefined;
  const match = FLAG_BY_ENV_NAME.get(name.toLowerCase()) ?? closestMatch(name, ENV_BY_FLAG.keys());
  return match === undefined ? undefined : settingLabel(match);
}

/** A command-line problem from the flag parser, as a startup problem. */
export function commandLineProblem(problem: FlagProblem): string {
  switch (problem.kind) {
    case 'unknown': {
      const suggestion = flagSuggestion(problem.name);
      const plain = suggestion === undefined ? 'no such flag; `vault-injector agent-inject -h` lists them' : `no such flag; did you mean ${suggestion}?`;
      return `-${problem.name}: ${plain} (${problem.goText})`;
    }
    case 'bool':
      return settingProblem(problem.name, `${quoted(problem.value ?? '')} is not a boolean; use true or false`, problem.goText);
    case 'argument':
      return settingProblem(problem.name, `needs a value, e.g. -${problem.name}=VALUE`, problem.goText);
    case 'syntax':
      return `${problem.name}: not a flag; write -name=value (${problem.goText})`;
  }
}
