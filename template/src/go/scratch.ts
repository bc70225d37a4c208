// consul-template's scratchpad (`scratch.Set "k" v`, `scratch.Get "k"`, …): a key-value store that
// lives for one render of one template and is shared with the templates it calls. Semantics and
// error texts follow template/scratch.go and the "Scratch" section of docs/templating-language.md
// (https://github.com/hashicorp/consul-template/blob/main/docs/templating-language.md#scratch).
import { FuncError } from './exec.js';
import { goQuote } from '../../../common/src/go-quote.js';
import {
  type Dyn,
  type GoBytes,
  type GoType,
  Iface,
  MAP_ANY,
  SLICE_ANY,
  T,
  Typed,
  type Value,
  compareGoStrings,
  goStringFromText,
  ptrTo,
  stringBytes,
  stringText,
  typeOf,
} from './values.js';

interface ScratchState {
  readonly values: Map<string, Dyn | null>;
  /** The maps this scratchpad made or copied: the only ones MapSet changes in place. */
  readonly owned: WeakSet<object>;
}

/** The interface{} value an argument holds (null: nil). */
function held(value: Value): Dyn | null {
  if (value === undefined) return null;
  if (value instanceof Iface) return value.inner;
  return value;
}

function keyText(value: Value): string {
  return stringText(value as string | GoBytes);
}

function stateOf(receiver: Value): ScratchState {
  return (receiver as Typed).raw as ScratchState;
}

function isAnyMap(value: Dyn | null): value is Record<string, Dyn | null> {
  return value !== null && typeOf(value) === MAP_ANY;
}

function put(map: Record<string, Dyn | null>, key: string, value: Dyn | null): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function mapSet(state: ScratchState, key: Value, mapKey: Value, value: Value, overwrite: boolean): string {
  const k = keyText(key);
  const current: Dyn | null = state.values.has(k) ? (state.values.get(k) ?? null) : {};
  if (!isAnyMap(current)) throw new FuncError(`${goQuote(stringBytes(key as string | GoBytes))} is not a map`);
  let map = current;
  if (!state.owned.has(map)) {
    // A map[string]interface{} set from elsewhere (a secret's data) is copied first: in Go MapSet
    // would write into the data the other templates render; here that data stays as fetched.
    const copy: Record<string, Dyn | null> = {};
    for (const [name, item] of Object.entries(map)) put(copy, name, item);
    map = copy;
    state.owned.add(map);
    state.values.set(k, map);
  }
  const mk = keyText(mapKey);
  if (overwrite || !Object.hasOwn(map, mk)) put(map, mk, held(value));
  return '';
}

const SCRATCH: GoType = {
  name: 'template.Scratch',
  kind: 'struct',
  fields: [],
  methods: {
    Key: { params: [T.string], result: T.bool, call: (r, [k]) => stateOf(r).values.has(keyText(k)) },
    Get: { params: [T.string], result: T.iface, call: (r, [k]) => new Iface(stateOf(r).values.get(keyText(k)) ?? null) },
    Set: {
      params: [T.string, T.iface],
      result: T.string,
      call: (r, [k, v]) => {
        stateOf(r).values.set(keyText(k), held(v));
        return '';
      },
    },
    SetX: {
      params: [T.string, T.iface],
      result: T.string,
      call: (r, [k, v]) => {
        const state = stateOf(r);
        if (!state.values.has(keyText(k))) state.values.set(keyText(k), held(v));
        return '';
      },
    },
    MapSet: { params: [T.string, T.string, T.iface], result: T.string, call: (r, [k, mk, v]) => mapSet(stateOf(r), k, mk, v, true) },
    MapSetX: { params: [T.string, T.string, T.iface], result: T.string, call: (r, [k, mk, v]) => mapSet(stateOf(r), k, mk, v, false) },
    MapValues: {
      params: [T.string],
      result: SLICE_ANY,
      call: (r, [k]) => {
        const value = stateOf(r).values.get(keyText(k)) ?? null;
        // Not a map[string]interface{}: a nil []interface{} (scratch.go returns nil, nil).
        if (!isAnyMap(value)) return new Typed(SLICE_ANY, null);
        return Object.keys(value)
          .sort((a, b) => compareGoStrings(goStringFromText(a), goStringFromText(b)))
          .map((name) => value[name] ?? null);
      },
    },
  },
};

export const SCRATCH_PTR = ptrTo(SCRATCH);

const scratches = new WeakMap<object, Typed>();

/** The render's scratchpad: one per render context, made on first use. */
export function scratchFor(context: object): Typed {
  let scratch = scratches.get(context);
  if (scratch === undefined) {
    const state: ScratchState = { values: new Map(), owned: new WeakSet() };
    scratch = new Typed(SCRATCH_PTR, state);
    scratches.set(context, scratch);
  }
  return scratch;
}
