import { decodeAdmissionReview } from './decode-review.js';

function errorOf(body: unknown): string | undefined {
  const decoded = decodeAdmissionReview(JSON.stringify(body));
  return decoded.ok ? undefined : decoded.error;
}

describe('decodeAdmissionReview: Go encoding/json type errors', () => {
  it.each([
    [{ request: { uid: 5 } }, 'json: cannot unmarshal number into Go struct field unversionedAdmissionReview.request.uid of type types.UID'],
    [{ request: 'x' }, 'json: cannot unmarshal string into Go struct field unversionedAdmissionReview.request of type v1.AdmissionRequest'],
    [{ request: { kind: { group: true } } }, 'json: cannot unmarshal bool into Go struct field unversionedAdmissionReview.request.kind.group of type string'],
    [{ request: { dryRun: 'yes' } }, 'json: cannot unmarshal string into Go struct field unversionedAdmissionReview.request.dryRun of type bool'],
    [{ request: { userInfo: { groups: ['a', 1] } } }, 'json: cannot unmarshal number into Go struct field unversionedAdmissionReview.request.userInfo.groups of type string'],
    [{ request: { userInfo: { groups: {} } } }, 'json: cannot unmarshal object into Go struct field unversionedAdmissionReview.request.userInfo.groups of type []string'],
    [{ request: { userInfo: { extra: [] } } }, 'json: cannot unmarshal array into Go struct field unversionedAdmissionReview.request.userInfo.extra of type map[string]v1.ExtraValue'],
    [{ request: { userInfo: { extra: { a: 'b' } } } }, 'json: cannot unmarshal string into Go struct field unversionedAdmissionReview.request.userInfo.extra of type v1.ExtraValue'],
    [{ request: { userInfo: { extra: { a: [2] } } } }, 'json: cannot unmarshal number into Go struct field unversionedAdmissionReview.request.userInfo.extra of type string'],
    [{ response: { patch: 7 } }, 'json: cannot unmarshal number into Go struct field unversionedAdmissionReview.response.patch of type []uint8'],
    [{ response: { patch: 'not base64!' } }, 'illegal base64 data at input byte 0'],
    [{ response: { status: { reason: [] } } }, 'json: cannot unmarshal array into Go struct field unversionedAdmissionReview.response.status.reason of type v1.StatusReason'],
    [{ response: { auditAnnotations: { a: 1 } } }, 'json: cannot unmarshal number into Go struct field unversionedAdmissionReview.response.auditAnnotations of type string'],
    [{ apiVersion: 1 }, "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string"],
    [{ kind: {} }, "couldn't get version/kind; json parse error: json: cannot unmarshal object into Go struct field .kind of type string"],
    [[1], `couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`],
    ['text', `couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`],
  ])('%j → %s', (body, error) => {
    expect(errorOf(body)).toBe(error);
  });

  it.each([
    [{ request: { uid: null, object: 5, oldObject: 'x', options: [], unknown: 1, userInfo: { groups: null, extra: { a: null } } } }],
    [{ response: { patch: 'eyJhIjoxfQ==', allowed: null }, other: { deep: 1 } }],
    [{ request: { constructor: 1, toString: 'x', hasOwnProperty: 2 } }],
    [null],
  ])('accepts %j', (body) => {
    expect(errorOf(body)).toBeUndefined();
  });

  it('reports the first problem in document order', () => {
    expect(errorOf({ request: { name: 1, uid: 2 } })).toBe('json: cannot unmarshal number into Go struct field unversionedAdmissionReview.request.name of type string');
  });
});
