// Where the cloud methods may send credentials: https anywhere, plain http only to metadata and
// loopback addresses; overrides are held to the same rule; STS endpoints follow the region.
import { AuthMethodError } from './auth-method.js';
import { endpointUrl, hostOverride } from './cloud-http.js';
import { stsEndpoint } from './aws.js';

describe('endpointUrl', () => {
  it.each(['https://sts.eu-west-1.amazonaws.com/', 'http://169.254.169.254/', 'http://127.0.0.1:8080/x', 'http://metadata.google.internal', 'http://100.100.100.200/latest/', 'http://[::1]:9/'])('accepts %s', (value) => {
    expect(endpointUrl(value, 'x').href).toBe(new URL(value).href);
  });

  it.each([
    ['http://10.0.0.5/', 'x: http://10.0.0.5 is refused (https, or http only to a metadata or loopback address)'],
    ['http://sts.amazonaws.com/', 'x: http://sts.amazonaws.com is refused (https, or http only to a metadata or loopback address)'],
    ['ftp://127.0.0.1/', 'x: ftp://127.0.0.1 is refused (https, or http only to a metadata or loopback address)'],
    ['https://user:pw@example.com/', 'x: credentials in the URL are not accepted'],
    ['not a url', 'x: "not a url" is not a URL'],
  ])('refuses %s', (value, message) => {
    expect(() => endpointUrl(value, 'x')).toThrow(new AuthMethodError(message));
  });

  it('reads a bare host[:port] override as http', () => {
    expect(hostOverride('127.0.0.1:4000', 'GCE_METADATA_HOST').href).toBe('http://127.0.0.1:4000/');
    expect(() => hostOverride('metadata.evil.example:80', 'GCE_METADATA_HOST')).toThrow(AuthMethodError);
  });
});

describe('stsEndpoint', () => {
  it('is global for us-east-1, regional elsewhere, and AWS_ENDPOINT_URL_STS wins', () => {
    expect(stsEndpoint('us-east-1', {}).href).toBe('https://sts.amazonaws.com/');
    expect(stsEndpoint('eu-west-1', {}).href).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(stsEndpoint('eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566' }).href).toBe('http://127.0.0.1:4566/');
    expect(() => stsEndpoint('eu-west-1/../x', {})).toThrow('aws auth: invalid region');
  });
});
