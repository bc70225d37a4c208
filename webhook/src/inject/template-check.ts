// Admission-time template check: every Go template a pod carries is parsed (not compiled, not
// cached: pods rarely repeat a template) with the agent's own engine, and a syntax error comes back as an admission warning naming the annotation, line and
// column. vault-k8s admits such pods and the agent fails inside the pod later; we still admit them
// (a denial would break compatibility) but the user sees the problem at `kubectl apply`.
import { GoTemplateEngine } from '../../../template/src/index.js';
import { ANNOTATION_FAMILIES, annotationKey } from './annotations/registry.js';
import type { EnvVarSpec, SecretSpec } from './spec.js';

let engine: GoTemplateEngine | undefined;

/** Warnings for templates that would fail to parse in the agent (Handlebars and template files are not checked). */
export function templateSyntaxWarnings(secrets: readonly SecretSpec[]): string[] {
  const warnings: string[] = [];
  for (const secret of secrets) {
    if (secret.contents === undefined || secret.engine !== 'go') continue;
    engine ??= new GoTemplateEngine();
    const error = engine.checkSyntax(secret.contents, { leftDelimiter: secret.leftDelimiter, rightDelimiter: secret.rightDelimiter });
    if (error !== undefined) {
      const family = secret.usesDefaultTemplate ? ANNOTATION_FAMILIES.secret : ANNOTATION_FAMILIES.template;
      const source = secret.usesDefaultTemplate ? 'the default template built from' : 'the template in';
      warnings.push(`${source} ${annotationKey(`${family}${secret.rawName}`)} does not parse, the agent will fail to render it: ${error.message}`);
    }
  }
  return warnings;
}

/** The same check for agent-env-NAME templates (our extension; always Go, default delimiters). */
export function envTemplateSyntaxWarnings(variables: readonly EnvVarSpec[]): string[] {
  const warnings: string[] = [];
  for (const variable of variables) {
    engine ??= new GoTemplateEngine();
    const error = engine.checkSyntax(variable.template, { leftDelimiter: '{{', rightDelimiter: '}}' });
    if (error !== undefined) {
      const key = annotationKey(`${ANNOTATION_FAMILIES.env}${variable.name}`);
      warnings.push(`the template in ${key} does not parse, the agent will fail to render it: ${error.message}`);
    }
  }
  return warnings;
}
