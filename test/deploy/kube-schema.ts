import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

/**
 * Strict schemas of the Kubernetes objects the delivery files may hold, read from generated
 * TypeScript declarations with the compiler's type checker: kubernetes-types 1.30.0 (made from
 * the Kubernetes 1.30 OpenAPI document) for the built-in kinds, and the @kubernetes-models CRD
 * packages for the operators' kinds. The packages' own JSON-schema validators are not used:
 * they let unknown fields through, and they are ES modules that Jest's CommonJS runtime cannot
 * load. An unknown field, a missing required field, a value of the wrong type or outside an
 * enum is an error, named by its JSON path.
 */
const CRD_PACKAGES = [
  '@kubernetes-models/prometheus-operator',
  '@kubernetes-models/keda',
  '@kubernetes-models/external-secrets',
  '@kubernetes-models/cert-manager',
  '@kubernetes-models/argo-cd',
];

/**
 * API versions the packages still describe but the operators we target no longer serve: ESO
 * 0.17 (2025) stopped serving external-secrets.io/v1beta1, so such an object would be refused.
 */
const RETIRED_API_VERSIONS = new Set(['external-secrets.io/v1beta1']);

export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
}

export interface KubeSchemas {
  /** `apiVersion kind` of every object with a schema, e.g. `apps/v1 Deployment`. */
  kinds: string[];
  /** Errors of one object: `<path>: <what is wrong>`; none when it is valid. */
  validate(object: unknown): string[];
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Every `<group>/<version>` entry file: group/version.d.ts, or a CRD package's index.d.ts. */
function entryFiles(): string[] {
  const types = packageDir('kubernetes-types');
  const builtIn = readdirSync(types, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(types, d.name))
        .filter((f) => f.endsWith('.d.ts'))
        .map((f) => join(types, d.name, f)),
    );
  const crds = CRD_PACKAGES.flatMap((name) => {
    const dir = packageDir(name);
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name.includes('.') && d.name !== 'github.com')
      .flatMap((group) =>
        readdirSync(join(dir, group.name), { withFileTypes: true })
          .filter((v) => v.isDirectory())
          .map((v) => join(dir, group.name, v.name, 'index.d.ts')),
      );
  });
  return [...builtIn, ...crds];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

export function loadKubeSchemas(): KubeSchemas {
  const program = ts.createProgram(entryFiles(), {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  });
  const checker = program.getTypeChecker();
  const roots = new Map<string, ts.Type>();

  const literal = (type: ts.Type, name: string): string | undefined => {
    const prop = type.getProperty(name);
    if (!prop?.valueDeclaration) return undefined;
    const t = checker.getNonNullableType(checker.getTypeOfSymbol(prop));
    return t.isStringLiteral() ? t.value : undefined;
  };

  for (const file of program.getRootFileNames()) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) continue;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & ts.SymbolFlags.Interface)) continue;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const apiVersion = literal(type, 'apiVersion');
      const kind = literal(type, 'kind');
      if (apiVersion && kind && !kind.endsWith('List')) roots.set(`${apiVersion} ${kind}`, type);
    }
  }

  /** Kubernetes accepts a number for a resource quantity (`cpu: 1`); the declarations say string. */
  const isQuantity = (node: ts.TypeNode | undefined) => node?.getText() === 'Quantity';

  const check = (
    value: unknown,
    declared: ts.Type,
    path: string,
    quantity: boolean,
    out: string[],
  ): void => {
    // null unsets a field, as the API server reads it.
    if (value === null || value === undefined) return;
    const type = checker.getNonNullableType(declared);
    const at = path || '(object)';
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;

    if (type.isUnion()) {
      const members = type.types;
      if (members.every((m) => m.flags & ts.TypeFlags.BooleanLiteral)) {
        if (typeof value !== 'boolean') out.push(`${at}: expected a boolean, got ${kindOf(value)}`);
        return;
      }
      if (members.every((m) => m.isStringLiteral())) {
        const allowed = members.map((m) => (m as ts.StringLiteralType).value);
        if (!allowed.includes(value as string)) {
          out.push(`${at}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
        }
        return;
      }
      let closest: string[] | undefined;
      for (const member of members) {
        const errors: string[] = [];
        check(value, member, path, quantity, errors);
        if (errors.length === 0) return;
        if (!closest || errors.length < closest.length) closest = errors;
      }
      out.push(...(closest ?? []));
      return;
    }
    if (type.isStringLiteral()) {
      if (value !== type.value) out.push(`${at}: expected ${JSON.stringify(type.value)}`);
      return;
    }
    if (type.flags & ts.TypeFlags.String) {
      if (typeof value !== 'string' && !(quantity && typeof value === 'number')) {
        out.push(`${at}: expected a string, got ${kindOf(value)}`);
      }
      return;
    }
    if (type.flags & ts.TypeFlags.Number) {
      if (typeof value !== 'number') out.push(`${at}: expected a number, got ${kindOf(value)}`);
      return;
    }
    if (type.flags & ts.TypeFlags.Boolean) {
      if (typeof value !== 'boolean') out.push(`${at}: expected a boolean, got ${kindOf(value)}`);
      return;
    }
    if (checker.isArrayType(type)) {
      if (!Array.isArray(value)) {
        out.push(`${at}: expected an array, got ${kindOf(value)}`);
        return;
      }
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      value.forEach((item, i) => check(item, element, child(path, i), quantity, out));
      return;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      out.push(`${at}: expected an object, got ${kindOf(value)}`);
      return;
    }
    const props = new Map(checker.getPropertiesOfType(type).map((p) => [p.name, p]));
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    // A declaration with neither properties nor an index signature is free-form (RawExtension,
    // x-kubernetes-preserve-unknown-fields).
    if (props.size === 0 && !index) return;
    const record = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      const prop = props.get(key);
      if (prop) {
        const decl = prop.valueDeclaration as ts.PropertySignature | undefined;
        check(item, checker.getTypeOfSymbol(prop), child(path, key), isQuantity(decl?.type), out);
      } else if (index) {
        check(item, index.type, child(path, key), isQuantity(index.declaration?.type), out);
      } else {
        out.push(`${child(path, key)}: unknown field`);
      }
    }
    for (const [name, prop] of props) {
      if (!(prop.flags & ts.SymbolFlags.Optional) && record[name] == null) {
        out.push(`${child(path, name)}: required field missing`);
      }
    }
  };

  return {
    kinds: [...roots.keys()].sort(),
    validate(object: unknown): string[] {
      const { apiVersion, kind } = (object ?? {}) as KubeObject;
      if (RETIRED_API_VERSIONS.has(String(apiVersion)))
        return [`(object): apiVersion ${String(apiVersion)} is no longer served`];
      const root = roots.get(`${String(apiVersion)} ${String(kind)}`);
      if (!root)
        return [`(object): no schema for apiVersion ${String(apiVersion)} kind ${String(kind)}`];
      const out: string[] = [];
      check(object, root, '', false, out);
      return out;
    },
  };
}
