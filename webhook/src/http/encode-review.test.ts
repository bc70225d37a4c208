import { encodeAdmissionReview } from './encode-review.js';

describe('encodeAdmissionReview', () => {
  it('writes Go field order for every response shape', () => {
    expect(encodeAdmissionReview('admission.k8s.io/v1', 'AdmissionReview', { uid: 'u', allowed: true })).toBe(
      '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"u","allowed":true}}',
    );
    expect(encodeAdmissionReview('admission.k8s.io/v1beta1', 'AdmissionReview', { uid: 'u', allowed: false, status: { metadata: {}, message: 'no "x"' } })).toBe(
      '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1beta1","response":{"uid":"u","allowed":false,"status":{"metadata":{},"message":"no \\"x\\""}}}',
    );
    expect(encodeAdmissionReview('admission.k8s.io/v1', 'AdmissionReview', { uid: 'u', allowed: true, patch: 'W10=', patchType: 'JSONPatch', warnings: ['w'] })).toBe(
      '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"u","allowed":true,"patch":"W10=","patchType":"JSONPatch","warnings":["w"]}}',
    );
  });

  it('encodes a repeated injection (the remembered tail) exactly like a fresh one, with each uid', () => {
    const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/x', value: 'y' }])).toString('base64');
    const expected = (uid: string): string =>
      JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response: { uid, allowed: true, patch, patchType: 'JSONPatch' } });
    for (const uid of ['first', 'second', 'with "quote"']) {
      expect(encodeAdmissionReview('admission.k8s.io/v1', 'AdmissionReview', { uid, allowed: true, patch, patchType: 'JSONPatch' })).toBe(expected(uid));
    }
  });
});
