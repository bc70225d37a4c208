// The Sprig functions, which consul-template exposes only with a `sprig_` prefix (sprig_upper,
// sprig_default, ...). The set is Sprig v3.3.0's GenericFuncMap
// (https://github.com/Masterminds/sprig/blob/v3.3.0/functions.go), as consul-template registers it
// (https://github.com/hashicorp/consul-template/blob/main/template/template.go): since v0.41 it
// registers only the "hermetic" subset; the 16 non-hermetic functions older Vault Agents had
// (now, date*, rand*, uuidv4, env, expandenv, …) are kept here so their templates keep working.
// docs/templates.md lists them all, and the ones refused.
import type { FunctionContext } from './functions.js';
import type { GoFunction } from './exec.js';
import { sprigCollectionFunctions } from './sprig-collections.js';
import { sprigCryptoFunctions } from './sprig-crypto.js';
import { sprigNumberFunctions } from './sprig-numbers.js';
import { sprigStringFunctions } from './sprig-strings.js';
import { sprigTimeFunctions } from './sprig-time.js';

/** Sprig functions consul-template registers that this engine refuses at parse time, with why. */
export const SPRIG_REFUSED: ReadonlyMap<string, string> = new Map([
  ...['buildCustomCert', 'genCA', 'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey'].map(
    (name) => [name, 'certificate generation is not supported by vault-injector (issue certificates with Vault\'s PKI engine: pkiCert or secret "pki/issue/…")'] as const,
  ),
  ['getHostByName', 'DNS lookups from templates are not supported by vault-injector (the engine does no I/O)'],
]);

/** Sprig's non-hermetic functions, which consul-template v0.41+ no longer registers. */
export const SPRIG_NON_HERMETIC: ReadonlySet<string> = new Set([
  'date', 'date_in_zone', 'date_modify', 'now', 'htmlDate', 'htmlDateInZone', 'dateInZone', 'dateModify',
  'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'randBytes', 'uuidv4', 'env', 'expandenv', 'getHostByName',
]);

/** Every Sprig function this engine implements, by its Sprig name (without the prefix). */
export function sprigFunctions(): Map<string, GoFunction<FunctionContext>> {
  const table = new Map<string, GoFunction<FunctionContext>>();
  for (const part of [sprigStringFunctions(), sprigCollectionFunctions(), sprigNumberFunctions(), sprigTimeFunctions(), sprigCryptoFunctions()]) {
    for (const [name, fn] of part) table.set(name, fn);
  }
  return table;
}
