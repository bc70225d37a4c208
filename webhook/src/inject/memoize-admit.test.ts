import { admit } from './admit.js';
import { memoizeAdmit } from './memoize-admit.js';
import { parseSettings } from '../settings/parse-settings.js';
import type { AdmissionRequest } from './admission-review.js';
import type { Settings } from '../settings/settings.js';

function settings(): Settings {
  const parsed = parseSettings(['-vault-address=https://vault:8200'], {});
  if (parsed.kind !== 'settings') throw new Error('settings');
  return parsed.settings;
}

function request(uid: string, role: string, namespace = 'apps'): AdmissionRequest {
  return {
    uid,
    namespace,
    object: {
      metadata: { generateName: 'web-', annotations: { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': role } },
      spec: {
        containers: [{ name: 'web', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
        volumes: [{ name: 'sa' }],
      },
    },
  };
}

describe('memoizeAdmit', () => {
  it('answers exactly as admit() does, with each request\'s own uid; an outcome is kept from its second sighting', () => {
    const config = settings();
    let calls = 0;
    const counted = (r: AdmissionRequest, s: Settings): ReturnType<typeof admit> => {
      calls += 1;
      return admit(r, s);
    };
    const memoized = memoizeAdmit(counted);
    const first = memoized(request('a', 'web'), config);
    const second = memoized(request('b', 'web'), config);
    // The first sighting only notes the key (a never-repeated pod costs no retained outcome).
    expect(calls).toBe(2);
    const third = memoized(request('c', 'web'), config);
    expect(calls).toBe(2);
    expect(third).toEqual(admit(request('c', 'web'), config));
    expect(second).toEqual(admit(request('b', 'web'), config));
    expect([first.response.uid, second.response.uid, third.response.uid]).toEqual(['a', 'b', 'c']);
    // A different object or namespace is a different question.
    expect(memoized(request('d', 'api'), config)).toEqual(admit(request('d', 'api'), config));
    expect(memoized(request('e', 'web', 'other'), config)).toEqual(admit(request('e', 'web', 'other'), config));
    expect(calls).toBe(4);
  });

  it('forgets the least recently used outcome beyond its size, and everything when settings change', () => {
    let calls = 0;
    const memoized = memoizeAdmit((r, s) => {
      calls += 1;
      return admit(r, s);
    }, 2);
    const config = settings();
    const twice = (uid: string, role: string): void => {
      memoized(request(`${uid}.1`, role), config);
      memoized(request(`${uid}.2`, role), config);
    };
    twice('1', 'a');
    twice('2', 'b');
    expect(calls).toBe(4);
    memoized(request('3', 'a'), config); // a hit, refreshes "a"
    expect(calls).toBe(4);
    twice('4', 'c'); // kept, evicts "b"
    expect(calls).toBe(6);
    memoized(request('5', 'a'), config);
    memoized(request('6', 'c'), config);
    expect(calls).toBe(6);
    memoized(request('7', 'b'), config);
    expect(calls).toBe(7);
    memoized(request('8', 'a'), settings());
    memoized(request('9', 'a'), settings());
    expect(calls).toBe(9);
  });

  it('holds at most maxPatchChars of patch text, evicting the oldest; a larger patch is never kept', () => {
    const config = settings();
    const patchLength = admit(request('0', 'a'), config).response.patch?.length ?? 0;
    expect(patchLength).toBeGreaterThan(0);
    let calls = 0;
    const counted = (budget: number) => memoizeAdmit((r, s) => {
      calls += 1;
      return admit(r, s);
    }, 256, budget);
    const twoFit = counted(patchLength * 2 + 1);
    for (const role of ['a', 'b', 'c']) {
      twoFit(request(`${role}1`, role), config);
      twoFit(request(`${role}2`, role), config);
    } // keeping "c" evicts "a" (the budget, not the entry count)
    expect(calls).toBe(6);
    twoFit(request('4', 'b'), config);
    expect(calls).toBe(6);
    twoFit(request('5', 'a'), config);
    expect(calls).toBe(7);
    calls = 0;
    const noneFit = counted(patchLength - 1);
    noneFit(request('6', 'a'), config);
    noneFit(request('7', 'a'), config);
    noneFit(request('8', 'a'), config);
    expect(calls).toBe(3);
  });

  it('keys on the review text when given: reviews differing only in the uid share one outcome, anything else does not', () => {
    const config = settings();
    let calls = 0;
    const memoized = memoizeAdmit((r, s) => {
      calls += 1;
      return admit(r, s);
    });
    const text = (r: AdmissionRequest, extra: Record<string, unknown> = {}): string =>
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { ...r, ...extra } });
    const a = request('uid-a', 'web');
    const b = request('uid-b', 'web');
    const first = memoized(a, config, text(a));
    const second = memoized(b, config, text(b));
    const g = request('uid-g', 'web');
    const third = memoized(g, config, text(g));
    expect(calls).toBe(2);
    expect(first).toEqual(admit(a, config));
    expect(second).toEqual(admit(b, config));
    expect(third).toEqual(admit(g, config));
    // Another role, another namespace, or the uid literal absent from the text: computed afresh.
    const c = request('uid-c', 'api');
    expect(memoized(c, config, text(c))).toEqual(admit(c, config));
    const d = request('uid-d', 'web', 'other');
    expect(memoized(d, config, text(d))).toEqual(admit(d, config));
    const e = request('uid-e', 'web');
    expect(memoized(e, config, text({ ...e, uid: 'written-differently' }))).toEqual(admit(e, config));
    expect(calls).toBe(5);
    // The same text with another uid value elsewhere (an ownerReference uid equal to another
    // review's uid) is a different text, so a different key.
    const owned = (uid: string): AdmissionRequest => {
      const base = request(uid, 'web');
      const object = base.object as { metadata: Record<string, unknown> };
      return { ...base, object: { ...object, metadata: { ...object.metadata, ownerReferences: [{ uid: 'uid-a' }] } } };
    };
    const f = owned('uid-f');
    expect(memoized(f, config, text(f))).toEqual(admit(f, config));
    expect(calls).toBe(6);
  });
});
