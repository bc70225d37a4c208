import { VaultResponseError } from './vault-error.js';

function messageOf(errors: string[]): string {
  return new VaultResponseError('GET', 'secret/data/app', 403, errors).message;
}

describe("VaultResponseError's message", () => {
  it("puts Vault's multierror texts on one line, bullets dropped", () => {
    expect(messageOf(['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'])).toBe('GET /v1/secret/data/app: Vault answered 403: permission denied invalid token');
    expect(messageOf(['1 error occurred:\n\t* permission denied\n\n', 'plain text'])).toBe('GET /v1/secret/data/app: Vault answered 403: permission denied; plain text');
    expect(messageOf([])).toBe('GET /v1/secret/data/app: Vault answered 403');
  });

  it('keeps an asterisk that is not a bullet', () => {
    expect(messageOf(['path "secret/*" denied'])).toBe('GET /v1/secret/data/app: Vault answered 403: path "secret/*" denied');
  });

  it('takes an error of a million newlines whole', () => {
    expect(messageOf([`${'\n'.repeat(1_000_000)}x\n\t*`])).toBe('GET /v1/secret/data/app: Vault answered 403: x');
  });
});
