// The registry's defaults are the parser's: for every annotation with a default, a pod without it
// and a pod carrying the default explicitly parse to the same InjectionSpec (and the same problems),
// while a different value changes the result, so the comparison can fail.
import { parseSettings } from '../../settings/parse-settings.js';
import type { Settings } from '../../settings/settings.js';
import type { K8sPod } from '../pod.js';
import { parseInjectionSpec } from './parse-annotations.js';
import type { ParseResult } from './parse-annotations.js';
import { ANNOTATION_FAMILY_TABLE, POD_ANNOTATION_TABLE, annotationKey, defaultText, familyDefault } from './registry.js';
import type { AnnotationFamily, PodAnnotation } from './registry.js';
import { unknownAnnotationWarnings } from './unknown-annotations.js';

function settingsOf(args: readonly string[]): Settings {
  const parsed = parseSettings(['-vault-address=https://vault:8200', ...args], {});
  if (parsed.kind !== 'settings') throw new Error(JSON.stringify(parsed));
  return parsed.settings;
}

// Injector defaults, and injector settings moved off their defaults so a default read from the
// wrong setting shows.
const SETTINGS: readonly (readonly [string, Settings])[] = [
  ['default flags', settingsOf([])],
  [
    'non-default flags',
    settingsOf([
      '-vault-image=example/agent:9', '-default-template=json', '-cpu-limit=1', '-memory-limit=1Gi', '-ephemeral-storage-limit=2Gi',
      '-cpu-request=100m', '-memory-request=32Mi', '-ephemeral-storage-request=1Gi', '-revoke-on-shutdown', '-vault-namespace=team',
      '-run-as-user=7', '-run-as-group=8', '-set-security-context=false', '-proxy-address=http://proxy:3128', '-vault-auth-type=jwt',
      '-vault-auth-path=auth/jwt', '-template-config-exit-on-retry-failure=false', '-template-static-secret-render-interval=1m',
      '-auth-min-backoff=2s', '-auth-max-backoff=9s', '-disable-idle-connections=auto-auth', '-disable-keep-alives=caching', '-native-sidecar',
    ]),
  ],
];

function pod(annotations: Readonly<Record<string, string>>): K8sPod {
  return {
    metadata: { name: 'p', annotations: { [annotationKey('agent-inject')]: 'true', [annotationKey('agent-inject-secret-DB')]: 'kv/db', ...annotations } },
    spec: {
      containers: [{ name: 'app', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }, { name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'sa' }, { name: 'data' }],
    },
  };
}

/** The spec and the problems found (an issue about a present annotation also cites it; that is not a default). */
function parse(annotations: Readonly<Record<string, string>>, settings: Settings): { spec: ParseResult['spec']; problems: string[] } {
  const { spec, issues } = parseInjectionSpec(pod(annotations), 'ns', settings);
  return { spec, problems: issues.map((issue) => `${issue.stage}: ${issue.message}`) };
}

/** Another well-formed value for the same annotation. */
function otherValue(name: string, text: string): string {
  if (name === 'agent-copy-volume-mounts') return 'app';
  if (text === 'true') return 'false';
  if (text === 'false') return 'true';
  if (/^[0-9]+$/.test(text)) return String(Number(text) + 1);
  if (text === '') return 'other';
  return `${text}-other`;
}

/** Annotations another setting makes irrelevant, so a different value changes nothing. */
function inert(name: string, settings: Settings): boolean {
  if (name === 'agent-revoke-grace') return !settings.revokeOnShutdown;
  if (name === 'agent-pre-populate') return settings.nativeSidecar;
  return false;
}

// vault-k8s's flip: with -set-security-context=false, the mere presence of a run-as annotation
// turns the security context on; it is the only way presence differs from absence.
const RUN_AS = new Set(['agent-run-as-user', 'agent-run-as-group', 'agent-run-as-same-user']);

const WITH_DEFAULTS = Object.values<PodAnnotation>(POD_ANNOTATION_TABLE).filter((entry) => entry.default.kind !== 'derived');

describe('annotation registry', () => {
  describe.each(SETTINGS)('with %s', (_label, settings) => {
    it.each(WITH_DEFAULTS.map((entry) => [entry.name, entry] as const))('%s: absent means its registry default', (name, entry) => {
      const text = defaultText(entry, settings) ?? '';
      const key = annotationKey(name);
      const absent = parse({}, settings);
      const present = parse({ [key]: text }, settings);
      if (RUN_AS.has(name) && !settings.setSecurityContext) {
        expect(present.spec.securityContext).toBeDefined();
        expect({ ...present, spec: { ...present.spec, securityContext: undefined } }).toEqual(absent);
      } else {
        expect(present).toEqual(absent);
      }
      if (!inert(name, settings)) expect(parse({ [key]: otherValue(name, text) }, settings)).not.toEqual(absent);
    });
  });

  it('family defaults are the parser’s', () => {
    const settings = settingsOf([]);
    const secret = (annotations: Record<string, string>) => parse(annotations, settings).spec.secrets[0];
    const plain = secret({});
    expect(plain).toMatchObject({ leftDelimiter: familyDefault('leftDelimiter'), rightDelimiter: familyDefault('rightDelimiter'), engine: familyDefault('templateEngine') });
    expect(plain?.errorOnMissingKey).toBe(familyDefault('errorOnMissingKey') === 'true');
    for (const id of ['leftDelimiter', 'rightDelimiter', 'templateEngine', 'errorOnMissingKey'] as const) {
      const key = annotationKey(`${ANNOTATION_FAMILY_TABLE[id].prefix}DB`);
      expect(secret({ [key]: familyDefault(id) })).toEqual(plain);
      expect(parse({ [key]: otherValue('', familyDefault(id)) }, settings)).not.toEqual(parse({}, settings));
    }
  });

  it('every name and family in the table is known to the unknown-annotation check', () => {
    const keys = [
      ...Object.values<PodAnnotation>(POD_ANNOTATION_TABLE).map((entry) => annotationKey(entry.name)),
      ...Object.values<AnnotationFamily>(ANNOTATION_FAMILY_TABLE).map((entry) => annotationKey(`${entry.prefix}x`)),
    ];
    expect(unknownAnnotationWarnings(keys)).toEqual([]);
    expect(unknownAnnotationWarnings([annotationKey('agent-not-in-the-table')])).toHaveLength(1);
  });
});
