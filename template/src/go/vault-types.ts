// The Go structs consul-template hands to templates: *dependency.Secret (from a Vault response
// envelope) and dependency.PemEncoded (pkiCert). Field names and order are what templates see and
// what `{{ secret "x" }}` prints.
import type { PkiCertificateData, VaultSecretEnvelope } from '../template-engine.js';
import { MAP_ANY, MAP_STRING, SLICE_STRING, T, Typed, type Dyn, type GoType, type Value, ptrTo } from './values.js';

const SECRET_AUTH: GoType = {
  name: 'dependency.SecretAuth',
  kind: 'struct',
  fields: [
    { name: 'ClientToken', type: T.string },
    { name: 'Accessor', type: T.string },
    { name: 'Policies', type: SLICE_STRING },
    { name: 'Metadata', type: MAP_STRING },
    { name: 'LeaseDuration', type: T.int },
    { name: 'Renewable', type: T.bool },
  ],
};

const SECRET_WRAP_INFO: GoType = {
  name: 'dependency.SecretWrapInfo',
  kind: 'struct',
  fields: [
    { name: 'Token', type: T.string },
    { name: 'TTL', type: T.int },
    { name: 'CreationTime', type: T.string },
    { name: 'WrappedAccessor', type: T.string },
  ],
};

const SECRET: GoType = {
  name: 'dependency.Secret',
  kind: 'struct',
  fields: [
    { name: 'RequestID', type: T.string },
    { name: 'LeaseID', type: T.string },
    { name: 'LeaseDuration', type: T.int },
    { name: 'Renewable', type: T.bool },
    { name: 'Data', type: MAP_ANY },
    { name: 'Warnings', type: SLICE_STRING },
    { name: 'Auth', type: ptrTo(SECRET_AUTH) },
    { name: 'WrapInfo', type: ptrTo(SECRET_WRAP_INFO) },
  ],
};

export const SECRET_PTR = ptrTo(SECRET);

const PEM_FIELDS = [
  { name: 'Cert', type: T.string },
  { name: 'Key', type: T.string },
  { name: 'CA', type: T.string },
  { name: 'CAChain', type: SLICE_STRING },
];

/** consul-template's PemEncoded; its Data method returns itself, so `.Data.Cert` works too. */
const PEM_ENCODED: GoType = {
  name: 'dependency.PemEncoded',
  kind: 'struct',
  fields: PEM_FIELDS,
  methods: {
    Data: {
      get result(): GoType {
        return PEM_ENCODED;
      },
      call: (receiver: Value): Value => receiver,
    },
  },
};

function int(value: number | undefined): bigint {
  return BigInt(Math.trunc(value ?? 0));
}

function stringList(value: readonly string[] | null | undefined): Typed {
  return new Typed(SLICE_STRING, value === null || value === undefined ? null : [...value]);
}

const converted = new WeakMap<object, Typed>();

/** Converts a Vault response envelope into *dependency.Secret (memoised: same envelope, same pointer). */
export function secretFromEnvelope(envelope: VaultSecretEnvelope): Typed {
  const cached = converted.get(envelope);
  if (cached !== undefined) return cached;
  const data = envelope.data;
  const auth = envelope.auth;
  const wrap = envelope.wrap_info;
  const fields: Record<string, Dyn> = {
    RequestID: envelope.request_id ?? '',
    LeaseID: envelope.lease_id ?? '',
    LeaseDuration: int(envelope.lease_duration),
    Renewable: envelope.renewable ?? false,
    Data: data !== null && typeof data === 'object' && !Array.isArray(data) ? (data) : new Typed(MAP_ANY, null),
    Warnings: stringList(envelope.warnings),
    Auth: new Typed(
      ptrTo(SECRET_AUTH),
      auth === null || auth === undefined
        ? null
        : {
            ClientToken: auth.client_token ?? '',
            Accessor: auth.accessor ?? '',
            Policies: stringList(auth.policies),
            Metadata: new Typed(MAP_STRING, auth.metadata === null || auth.metadata === undefined ? null : { ...auth.metadata }),
            LeaseDuration: int(auth.lease_duration),
            Renewable: auth.renewable ?? false,
          },
    ),
    WrapInfo: new Typed(
      ptrTo(SECRET_WRAP_INFO),
      wrap === null || wrap === undefined
        ? null
        : {
            Token: wrap.token ?? '',
            TTL: int(wrap.ttl),
            CreationTime: wrap.creation_time ?? '',
            WrappedAccessor: wrap.wrapped_accessor ?? '',
          },
    ),
  };
  const secret = new Typed(SECRET_PTR, fields);
  converted.set(envelope, secret);
  return secret;
}

export function pemFromData(data: PkiCertificateData): Typed {
  return new Typed(PEM_ENCODED, {
    Cert: data.Cert,
    Key: data.Key,
    CA: data.CA,
    CAChain: new Typed(SLICE_STRING, [...data.CAChain]),
  });
}
