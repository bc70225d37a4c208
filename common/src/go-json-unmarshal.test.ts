import { GO_ANY, GO_BOOL, GO_INT64, GO_STRING, goArray, goMap, goString, goUnmarshalError } from './go-json-unmarshal.js';
import type { GoJsonType } from './go-json-unmarshal.js';

const INNER: GoJsonType = { kind: 'struct', go: 'v1.Inner', name: 'Inner', fields: { n: GO_INT64, tags: goArray('[]string', GO_STRING) }, required: ['id'] };
const OUTER: GoJsonType = {
  kind: 'struct',
  go: 'main.Outer',
  name: 'Outer',
  fields: {
    uid: goString('types.UID'),
    flag: GO_BOOL,
    raw: GO_ANY,
    labels: goMap('map[string]string', GO_STRING),
    items: goArray('[]v1.Inner', INNER),
    anonymous: { kind: 'struct', go: 'main.Anon', fields: { s: GO_STRING } },
    data: { kind: 'base64', go: '[]uint8' },
  },
};

describe('goUnmarshalError', () => {
  it.each<[unknown, string]>([
    [[], 'json: cannot unmarshal array into Go value of type main.Outer'],
    ['x', 'json: cannot unmarshal string into Go value of type main.Outer'],
    [{ uid: 1 }, 'json: cannot unmarshal number into Go struct field Outer.uid of type types.UID'],
    [{ flag: 'true' }, 'json: cannot unmarshal string into Go struct field Outer.flag of type bool'],
    [{ labels: { a: 1 } }, 'json: cannot unmarshal number into Go struct field Outer.labels of type string'],
    [{ items: [{ n: 1.5 }] }, 'json: cannot unmarshal number into Go struct field Inner.items.n of type int64'],
    [{ items: [{ tags: ['a', false] }] }, 'json: cannot unmarshal bool into Go struct field Inner.items.tags of type string'],
    // A struct without a name keeps the enclosing struct's name.
    [{ anonymous: { s: [] } }, 'json: cannot unmarshal array into Go struct field Outer.anonymous.s of type string'],
    [{ data: 'bm90\nYQ==' }, ''],
    [{ data: 'a' }, 'illegal base64 data at input byte 0'],
    // Document order decides which problem is reported, not schema order.
    [{ flag: 1, uid: 2 }, 'json: cannot unmarshal number into Go struct field Outer.flag of type bool'],
  ])('%j → %s', (value, error) => {
    expect(goUnmarshalError(value, OUTER) ?? '').toBe(error);
  });

  it('decodes null anywhere as the zero value and ignores unknown and prototype-named fields', () => {
    expect(goUnmarshalError(null, OUTER)).toBeUndefined();
    expect(goUnmarshalError({ uid: null, items: [null, { n: null }], labels: { a: null }, raw: [1, 'x'], other: 5 }, OUTER)).toBeUndefined();
    expect(goUnmarshalError(JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3}'), OUTER)).toBeUndefined();
  });

  it('checks what the API server guarantees only when asked', () => {
    expect(goUnmarshalError({ items: [{ n: 1 }] }, OUTER)).toBeUndefined();
    expect(goUnmarshalError({ items: [{ n: 1 }] }, OUTER, { validate: 'thing' })).toBe('invalid thing: Inner without required field "id" in items');
    expect(goUnmarshalError({ items: [null] }, OUTER, { validate: 'thing' })).toBe('invalid thing: null entry in items');
    expect(goUnmarshalError({ items: [{ id: 'a', n: 2 }] }, OUTER, { validate: 'thing' })).toBeUndefined();
  });
});
