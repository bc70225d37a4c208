// Reads a Dockerfile with dockerfile-ast into stages, resolving ARG defaults in FROM lines the
// way `docker build` does without --build-arg.
import { readFileSync } from 'node:fs';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

import { REPO_ROOT } from '../helpers/repo-paths.js';
export { REPO_ROOT };

export interface Stage {
  readonly name: string | undefined;
  /** FROM image with ARG defaults substituted. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  readonly text: string;
  readonly stages: readonly Stage[];
  readonly finalStage: Stage;
}

export function parseDockerfile(file: string): ParsedDockerfile {
  const text = readFileSync(`${REPO_ROOT}/${file}`, 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const args = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    const value = property?.getValue();
    if (property !== null && value !== null && value !== undefined) args.set(property.getName(), value);
  }
  const substitute = (value: string): string =>
    value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_match, braced: string | undefined, bare: string | undefined) => args.get(braced ?? bare ?? '') ?? '');
  const stages: Stage[] = [];
  let current: { name: string | undefined; image: string; instructions: Instruction[] } | undefined;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image = '', , name] = instruction.getArguments().map((argument) => argument.getValue());
      current = { name, image: substitute(image), instructions: [] };
      stages.push(current);
    } else if (current !== undefined) {
      current.instructions.push(instruction);
    }
  }
  const finalStage = stages.at(-1);
  if (finalStage === undefined) throw new Error(`${file}: no FROM`);
  return { text, stages, finalStage };
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
}

/** The words of an instruction (flags like --from=… excluded). */
export function wordsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((argument) => argument.getValue());
}

/** Value of a `--name=value` flag on COPY/ADD, if present. */
export function flagOf(instruction: Instruction, name: string): string | undefined {
  const flags = (instruction as Instruction & { getFlags?: () => { getName(): string; getValue(): string | null }[] }).getFlags?.() ?? [];
  return flags.find((flag) => flag.getName() === name)?.getValue() ?? undefined;
}
