// The RPC v1 signer against Alibaba Cloud's documented example, and the shape of the login fields.
import { canonicalQuery, percentEncode, rpcSignature, rpcTimestamp, signGetCallerIdentity, stringToSign } from './alicloud-rpc-signature.js';
import { resolveConfiguration } from './alicloud.js';

describe('Alibaba Cloud RPC signature v1', () => {
  it('reproduces the documented example (https://www.alibabacloud.com/help/doc-detail/28139.htm)', () => {
    const params = {
      Timestamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    const text = stringToSign('GET', params);
    expect(text).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('testsecret', text)).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('percent-encodes as RFC 3986 (space %20, * %2A, ~ kept) and sorts names by byte order', () => {
    expect(percentEncode("a b*c~d!'()/+=")).toBe('a%20b%2Ac~d%21%27%28%29%2F%2B%3D');
    expect(canonicalQuery({ b: '1', B: '2', a: 'x y' })).toBe('B=2&a=x%20y&b=1');
    expect(rpcTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)))).toBe('2024-01-02T03:04:05Z');
  });

  it('signs a POST GetCallerIdentity whose URL carries every parameter and the signature', () => {
    const fields = signGetCallerIdentity({
      credentials: { accessKeyId: 'STS.id', accessKeySecret: 'sec/ret', securityToken: 'tok en' },
      region: 'cn-beijing',
      endpoint: new URL('https://sts.cn-beijing.aliyuncs.com/'),
      now: new Date(Date.UTC(2024, 0, 1)),
      nonce: 'nonce-1',
    });
    const url = new URL(Buffer.from(fields.identity_request_url, 'base64').toString('utf8'));
    expect(url.origin + url.pathname).toBe('https://sts.cn-beijing.aliyuncs.com/');
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({ Action: 'GetCallerIdentity', Format: 'JSON', RegionId: 'cn-beijing', Version: '2015-04-01', SecurityToken: 'tok en', Timestamp: '2024-01-01T00:00:00Z', SignatureNonce: 'nonce-1' });
    const { Signature: signature, ...signed } = params;
    expect(signature).toBe(rpcSignature('sec/ret', stringToSign('POST', signed)));
    expect(JSON.parse(Buffer.from(fields.identity_request_headers, 'base64').toString('utf8'))).toEqual({
      'Content-Type': ['application/x-www-form-urlencoded'],
      'X-Acs-Action': ['GetCallerIdentity'],
      'X-Acs-Version': ['2015-04-01'],
    });
  });
});

describe('resolveConfiguration (the SDK configuration provider choice)', () => {
  it.each([
    [{ accessKeyId: 'a', accessKeySecret: 's' }, { kind: 'keys', credentials: { accessKeyId: 'a', accessKeySecret: 's' } }],
    [{ accessKeyId: 'a', accessKeySecret: 's', securityToken: 't' }, { kind: 'keys', credentials: { accessKeyId: 'a', accessKeySecret: 's', securityToken: 't' } }],
    [{ accessKeyId: 'a', accessKeySecret: 's', roleArn: 'r', roleSessionName: 'n', roleSessionExpiration: 0 }, { kind: 'unsupported' }],
    [{ accessKeyId: 'a', accessKeySecret: 's', roleArn: 'r', roleSessionName: 'n' }, { kind: 'keys' }],
    [{ accessKeyId: 'a', roleName: 'ecs-role' }, { kind: 'ecs-ram-role', roleName: 'ecs-role' }],
    [{ privateKey: 'k', publicKeyId: 'p', sessionExpiration: 0 }, { kind: 'unsupported' }],
    [{ accessKeyId: 'a' }, { kind: 'none' }],
    [{}, { kind: 'none' }],
  ])('%j', (configuration, expected) => {
    expect(resolveConfiguration(configuration)).toMatchObject(expected);
  });
});
