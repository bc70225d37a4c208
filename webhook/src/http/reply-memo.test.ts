import { findUidSite, replyMemoKey, ReplyMemo, splitReply } from './reply-memo.js';
import type { RememberedAnswer } from './reply-memo.js';

const head = '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"';

describe('findUidSite', () => {
  it('finds the uid of a review in the API server form, in either TypeMeta order and both versions', () => {
    expect(findUidSite(`${head}0f1e-AB"}}`)).toEqual({ prefix: 0, uid: '0f1e-AB', end: head.length + 7 });
    expect(findUidSite('{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u"}}')?.uid).toBe('u');
  });

  it.each([
    ['an empty uid', `${head}"}}`],
    ['an escape in the uid', `${head}a\\u0062"}}`],
    ['a character outside [0-9A-Za-z-]', `${head}a.b"}}`],
    ['an unterminated uid', `${head}abc`],
    ['a uid of 129 characters', `${head}${'a'.repeat(129)}"}}`],
    ['whitespace', '{"kind": "AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"u"}}'],
    ['another kind', '{"kind":"Other","apiVersion":"admission.k8s.io/v1","request":{"uid":"u"}}'],
    ['a text over 256 KiB', `${head}u","pad":"${'p'.repeat(256 * 1024)}"}}`],
  ])('leaves %s to the ordinary path', (_label, text) => {
    expect(findUidSite(text)).toBeUndefined();
  });

  it('accepts a uid of 128 characters', () => {
    expect(findUidSite(`${head}${'a'.repeat(128)}"}}`)?.uid).toHaveLength(128);
  });
});

describe('keys and texts', () => {
  it('texts differing only in the uid share a key; any other difference does not', () => {
    const key = (text: string): string => replyMemoKey(text, findUidSite(text)!);
    expect(key(`${head}a"},"x":1}`)).toBe(key(`${head}bbbb"},"x":1}`));
    expect(key(`${head}a"},"x":1}`)).not.toBe(key(`${head}a"},"x":2}`));
    expect(key(`${head}a"},"x":1}`)).not.toBe(key(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"a"},"x":1}`));
  });

  it('splitReply cuts the reply around the response uid only', () => {
    const reply = '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"u-1","allowed":true,"patch":"dS0x"}}';
    const split = splitReply(reply, 'u-1');
    expect(`${split!.replyHead}u-1${split!.replyTail}`).toBe(reply);
    expect(split!.replyHead.endsWith('"response":{"uid":"')).toBe(true);
    expect(splitReply(reply, 'u-2')).toBeUndefined();
  });
});

describe('ReplyMemo', () => {
  const answer = (namespace: string, replyHead = 'h'): RememberedAnswer => ({ replyHead, replyTail: 't', namespace, allowed: true, injectionType: undefined, warnings: [], denied: false, logFields: {}, firstUid: 'u', proven: true });

  it('keeps the most recently used entries', () => {
    const memo = new ReplyMemo(2);
    memo.remember('a', answer('a'));
    memo.remember('b', answer('b'));
    expect(memo.lookup('a')?.namespace).toBe('a');
    memo.remember('c', answer('c'));
    expect(memo.size).toBe(2);
    expect(memo.lookup('b')).toBeUndefined();
    expect(memo.lookup('a')?.namespace).toBe('a');
    expect(memo.lookup('c')?.namespace).toBe('c');
  });

  it('bounds the reply text it holds, evicting the oldest, and refuses an answer larger than the bound', () => {
    const memo = new ReplyMemo(256, 100);
    memo.remember('a', answer('a', 'x'.repeat(39)));
    memo.remember('b', answer('b', 'x'.repeat(39)));
    expect(memo.heldChars).toBe(80);
    memo.remember('c', answer('c', 'x'.repeat(39)));
    expect(memo.lookup('a')).toBeUndefined();
    expect(memo.heldChars).toBe(80);
    memo.remember('huge', answer('huge', 'x'.repeat(100)));
    expect(memo.lookup('huge')).toBeUndefined();
    expect(memo.size).toBe(2);
    memo.remember('b', answer('b', 'x'.repeat(9)));
    expect(memo.heldChars).toBe(50);
  });

  it('notes a key on its first sighting and returns the first uid afterwards, within a bounded count', () => {
    const memo = new ReplyMemo(2);
    expect(memo.noteSighting('k', 'u1')).toBeUndefined();
    expect(memo.noteSighting('k', 'u2')).toBe('u1');
    for (let index = 0; index < 8; index += 1) memo.noteSighting(`other-${index}`, 'x');
    expect(memo.noteSighting('k', 'u3')).toBeUndefined();
  });
});
