// Handlebars behind the same TemplateEngine contract, with the Vault helpers.
import { loadTemplateEngine } from './index.js';
import { TemplateError, type DependencyStore, type VaultSecretEnvelope } from './index.js';
import { parseVaultJson } from '../../common/src/vault-json.js';

const KV2 = parseVaultJson('{"lease_duration":0,"data":{"data":{"password":"p<&>ss","port":5432,"ratio":1.50},"metadata":{"version":3}}}') as VaultSecretEnvelope;
const PKI = parseVaultJson('{"data":{"certificate":"CERT","private_key":"KEY"}}') as VaultSecretEnvelope;

function store(entries: Record<string, VaultSecretEnvelope>): DependencyStore {
  return {
    read: (dependency) => entries[dependency.path],
    list: (dependency) => (dependency.path === 'kv/metadata/apps' ? ['b', 'a'] : undefined),
    pki: () => ({ Cert: 'C', Key: 'K', CA: 'CA', CAChain: ['CA'] }),
  };
}

const input = (entries: Record<string, VaultSecretEnvelope>) => ({ store: store(entries), env: (name: string) => (name === 'HOME' ? '/home/app' : undefined), destination: '/vault/secrets/x' });

describe('Handlebars engine', () => {
  it('reads KV v2 secrets with {{#with (secret ...)}}, without HTML escaping, numbers as written', async () => {
    const engine = await loadTemplateEngine('handlebars');
    expect(engine.name).toBe('handlebars');
    const t = engine.compile('{{#with (secret "kv/data/app")}}{{Data.data.password}} {{Data.data.port}} {{Data.data.ratio}} v{{Data.metadata.version}}{{/with}} {{env "HOME"}}', {});
    const result = t.render(input({ 'kv/data/app': KV2 }));
    expect(result.output).toBe('p<&>ss 5432 1.50 v3 /home/app');
    expect(result.dependencies).toEqual([{ kind: 'read', id: 'vault.read(kv/data/app)', path: 'kv/data/app' }]);
    expect(result.missing).toEqual([]);
  });

  it('writes with k=v arguments or hash arguments, sharing the Go dialect\'s dependency ids', async () => {
    const hbs = await loadTemplateEngine('handlebars');
    const go = await loadTemplateEngine('go');
    const a = hbs.compile('{{#with (secret "pki/issue/web" common_name="w" ttl="24h")}}{{Data.certificate}}{{/with}}', {}).render(input({ 'pki/issue/web': PKI }));
    const b = hbs.compile('{{#with (secret "pki/issue/web" "ttl=24h" "common_name=w")}}{{Data.private_key}}{{/with}}', {}).render(input({ 'pki/issue/web': PKI }));
    const c = go.compile('{{ with secret "pki/issue/web" "common_name=w" "ttl=24h" }}{{ .Data.certificate }}{{ end }}', {}).render(input({ 'pki/issue/web': PKI }));
    expect([a.output, b.output, c.output]).toEqual(['CERT', 'KEY', 'CERT']);
    expect(a.dependencies[0]?.id).toBe(c.dependencies[0]?.id);
    expect(b.dependencies[0]?.id).toBe(c.dependencies[0]?.id);
    expect(a.dependencies[0]?.kind).toBe('write');
  });

  it('answers Vault\'s JSON names (data, lease_duration, …) as well, without changing toJSON or each', async () => {
    const engine = await loadTemplateEngine('handlebars');
    const t = engine.compile('{{#with (secret "kv/data/app")}}{{data.data.password}} {{data.metadata.version}} {{lease_duration}}/{{LeaseDuration}} {{renewable}} [{{lease_id}}]|{{toJSON this}}|{{#each this}}{{@key}},{{/each}}{{/with}}', { errorOnMissingKey: true });
    const result = t.render(input({ 'kv/data/app': KV2 }));
    expect(result.output).toBe(
      'p<&>ss 3 0/0 false []|{"Auth":null,"Data":{"data":{"password":"p\\u003c\\u0026\\u003ess","port":5432,"ratio":1.50},"metadata":{"version":3}},"LeaseDuration":0,"LeaseID":"","Renewable":false,"RequestID":"","Warnings":[],"WrapInfo":null}|RequestID,LeaseID,LeaseDuration,Renewable,Data,Warnings,Auth,WrapInfo,',
    );
  });

  it('reports missing secrets and renders nothing until they arrive', async () => {
    const engine = await loadTemplateEngine('handlebars');
    const result = engine.compile('x{{#with (secret "kv/data/app")}}{{Data.data.password}}{{/with}}', {}).render(input({}));
    expect(result.output).toBeUndefined();
    expect(result.missing.map((d) => d.id)).toEqual(['vault.read(kv/data/app)']);
  });

  it('has secrets, pkiCert and the JSON helpers', async () => {
    const engine = await loadTemplateEngine('handlebars');
    const t = engine.compile('{{#each (secrets "kv/metadata/apps")}}{{this}},{{/each}}{{#with (pkiCert "pki/issue/web" "common_name=w")}}{{Cert}}/{{Data.Key}}{{/with}} {{#with (secret "kv/data/app")}}{{toJSON Data.data}}{{/with}}', {});
    const result = t.render(input({ 'kv/data/app': KV2 }));
    expect(result.output).toBe('a,b,C/K {"password":"p\\u003c\\u0026\\u003ess","port":5432,"ratio":1.50}');
    expect(result.dependencies.map((d) => d.id)).toEqual(['vault.list(kv/metadata/apps)', 'vault.pki(pki/issue/web->/vault/secrets/x)', 'vault.read(kv/data/app)']);
  });

  it('refuses syntax errors and unknown helpers at compile time', async () => {
    const engine = await loadTemplateEngine('handlebars');
    expect(() => engine.compile('{{#with (secret "a")}}', {})).toThrow(TemplateError);
    expect(() => engine.compile('{{nope "a"}}', {})).toThrow(/unknown helper nope/);
    try {
      engine.compile('{{#if}}', {});
    } catch (error) {
      expect((error as TemplateError).phase).toBe('parse');
    }
    expect(() => engine.compile('{{env "HOME"}}', { functionDenylist: ['env'] })).toThrow(/unknown helper env/);
  });

  it('loads each engine once, and rejects unknown engine names', async () => {
    expect(await loadTemplateEngine('go')).toBe(await loadTemplateEngine('go'));
    await expect(loadTemplateEngine('jinja' as 'go')).rejects.toThrow(/unknown template engine "jinja"/);
  });
});
