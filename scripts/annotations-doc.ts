// Renders docs/annotations.md from the annotation registry (webhook/src/inject/annotations/registry.ts),
// so it cannot drift: test/docs/annotations-doc.test.ts fails when stale. (The flag table lives in
// docs/webhook-settings.md, checked by test/startup/settings-docs.test.ts.)
// Regenerate with: node --import tsx scripts/annotations-doc.ts --write
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ANNOTATION_FAMILY_TABLE, ANNOTATION_PREFIX, POD_ANNOTATION_TABLE, shownDefault } from '../webhook/src/inject/annotations/registry.js';
import type { AnnotationFamily, PodAnnotation } from '../webhook/src/inject/annotations/registry.js';

export const ANNOTATIONS_DOC = fileURLToPath(new URL('../docs/annotations.md', import.meta.url));

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** Prose kept with the generated tables (edit here, then regenerate). */
const BEHAVIOUR_NOTES: readonly string[] = [
  '## Booleans',
  '',
  'Every boolean annotation is read as vault-k8s reads it, with `parseutil.ParseBool`: Go\'s words',
  '(`1 t T TRUE true True 0 f F FALSE false False`) and `""`, which means **false** (not the default:',
  '`agent-pre-populate: ""` turns the init container off, `agent-share-process-namespace: ""` sets',
  '`shareProcessNamespace: false`). Anything else (`yes`, `on`) denies the pod naming the annotation.',
  '',
  '## The revoke-on-shutdown preStop hook',
  '',
  'With `agent-revoke-on-shutdown` the sidecar gets a preStop hook, `sh -c "/bin/sleep N && /bin/vault',
  'token revoke -address=… [-ca-cert=…] [-client-cert=…] [-client-key=…] -self"`, as vault-k8s builds it',
  '([container_sidecar.go](https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_sidecar.go)).',
  'vault-k8s pastes the `service`, `ca-cert`, `client-cert` and `client-key` values into that shell',
  'line unquoted, so a value such as `https://v:8200; touch /tmp/x #` runs a command in the agent',
  'container. Here a value made only of characters the shell never interprets (letters, digits and',
  '`_@%+=:,./-`, which covers ordinary URLs and paths) is emitted byte-identical to vault-k8s; any',
  'other value is single-quoted, so it reaches `vault` as one argument and runs nothing.',
  '`test/admission/prestop-shell.test.ts` runs the hook with a real `sh`.',
  '',
  '## Denied earlier than vault-k8s',
  '',
  'vault-k8s admits these pods and they fail later, inside the pod, where nobody applying a',
  'Deployment looks. We deny them at admission; the message leads with the fix:',
  '',
  '| annotation | denied when | what vault-k8s does |',
  '| --- | --- | --- |',
  '| `agent-inject-containers` | it names no container of the pod (names are not trimmed; `""` names none) | mounts the secrets into no container; the app finds no files. A list where only some names match is admitted, as in vault-k8s, with a warning naming the others. |',
  '| `agent-inject-perms-NAME` (of a declared secret) | not an octal mode up to `7777` (`rw-r--r--`, `0800`, `0o600`) | writes it into the agent config; Vault Agent decodes `perms` with `strconv.ParseUint(value, 8, 12)` and refuses to start |',
  '| `agent-cache-use-auto-auth-token` | the cache block is written (`agent-cache-enable` and a sidecar) and the value is neither a Go bool nor `force` (any case) | writes it into the agent config; Vault Agent refuses it (`value of \'use_auto_auth_token\' can be either true/false/force`) |',
  '| `log-level`, `log-format` | a level or format Vault\'s `logging.ParseLogLevel`/`ParseLogFormat` refuse (`loud`, `text`) | sets `VAULT_LOG_LEVEL`/`VAULT_LOG_FORMAT`; the agent exits at start (`unknown log level`) |',
  '| `secret-volume-path[-NAME]`, `agent-inject-file-NAME` | relative or unclean paths, or files escaping their volume (see [webhook-settings.md](webhook-settings.md#limits)) | mounts or writes where the pod author pointed |',
  '',
  'Denial messages lead with one sentence saying what to change, then keep vault-k8s\'s text (and the',
  'annotation and value at fault), so anything matching vault-k8s\'s wording still matches.',
  '',
];

export function renderAnnotationsDoc(): string {
  const lines = [
    '# Annotations (generated)',
    '',
    'Generated from the annotation registry by `node --import tsx scripts/annotations-doc.ts --write`;',
    'do not edit by hand. The injector\'s own flags and environment are in [webhook-settings.md](webhook-settings.md).',
    '',
    `## Pod annotations (prefix \`${ANNOTATION_PREFIX}\`)`,
    '',
    'An annotation that is present, even with `""`, counts as set and suppresses the default.',
    '',
    '| annotation | default | meaning |',
    '| --- | --- | --- |',
    ...Object.values<PodAnnotation>(POD_ANNOTATION_TABLE).map((entry) => `| \`${entry.name}\` | ${cell(shownDefault(entry))} | ${cell(entry.description)} |`),
    '',
    '## Per-secret and keyed annotation families',
    '',
    '| annotation | default | meaning |',
    '| --- | --- | --- |',
    ...Object.values<AnnotationFamily>(ANNOTATION_FAMILY_TABLE).map((entry) => {
      const shown = shownDefault(entry);
      return `| \`${entry.prefix}${entry.placeholder}\` | ${cell(shown === '' ? '""' : shown)} | ${cell(entry.description)} |`;
    }),
    '',
    ...BEHAVIOUR_NOTES,
  ];
  return lines.join('\n');
}

if (process.argv.includes('--write')) {
  writeFileSync(ANNOTATIONS_DOC, renderAnnotationsDoc());
}
