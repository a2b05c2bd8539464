import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020.js';
import type { FieldIssue } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import type { JsonSchema } from './export-draft.ts';

// The server's schemas declare draft 2020-12, which rjsf's default (draft-07) Ajv rejects.
const validator = customizeValidator({ AjvClass: Ajv2020 });

/** Arrays of at most this many labelled choices show as checkboxes; longer ones as a multi-select. */
const maxCheckboxes = 12;

function choiceCount(items: JsonSchema | undefined): number {
  const choices = (items?.enum ?? items?.anyOf ?? items?.oneOf) as unknown[] | undefined;
  return choices?.length ?? Number.POSITIVE_INFINITY;
}

/**
 * Titles of an enum's values when its schema also lists them as `anyOf` of `const` + `title` (a
 * server's named choices); rjsf would otherwise show the raw values.
 */
function enumNames(schema: JsonSchema | undefined): { 'ui:enumNames': string[] } | undefined {
  const values = schema?.enum as unknown[] | undefined;
  const named = schema?.anyOf as { const?: unknown; title?: string }[] | undefined;
  if (!values || !named) return undefined;
  return { 'ui:enumNames': values.map((value) => named.find((choice) => choice.const === value)?.title ?? String(value)) };
}

/**
 * Widgets by shape: checkboxes for short sets; an optional choice without a default names its empty
 * option (a blank select reads as broken); named choices show their names.
 */
function uiSchemaFor(schema: JsonSchema, defaultChoice: string): UiSchema {
  const ui: UiSchema = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.type === 'array' && property.uniqueItems && choiceCount(property.items) <= maxCheckboxes) {
      ui[name] = { 'ui:widget': 'checkboxes', 'ui:options': { inline: true }, items: enumNames(property.items) };
    } else if (property.type === 'object') ui[name] = uiSchemaFor(property, defaultChoice);
    else if (choiceCount(property) !== Number.POSITIVE_INFINITY)
      ui[name] = { ...enumNames(property), ...(property.default === undefined ? { 'ui:placeholder': defaultChoice } : {}) };
  }
  return ui;
}

/** Server issues under `prefix` (e.g. `filters.person_birthdate`) as rjsf shows them, next to each field. */
export function errorSchemaFor(issues: FieldIssue[], prefix: string): ErrorSchema | undefined {
  const mine = issues.filter((issue) => issue.path === prefix || issue.path.startsWith(`${prefix}.`));
  if (mine.length === 0) return undefined;
  const root: Record<string, unknown> = {};
  for (const issue of mine) {
    let node = root;
    for (const part of issue.path
      .slice(prefix.length + 1)
      .split('.')
      .filter(Boolean)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node.__errors = [...((node.__errors as string[] | undefined) ?? []), issue.message];
  }
  return root as ErrorSchema;
}

/**
 * The parameter form of one element, generated from its JSON Schema; `undefined` params mean defaults.
 * It has no submit button: the builder's own actions send the whole request.
 */
export function ParameterForm(props: { id: string; schema: JsonSchema; value: unknown; onChange: (value: unknown) => void; errors?: ErrorSchema }) {
  const { messages } = useSluice();
  const schema = { ...props.schema, title: undefined } as RJSFSchema;
  return (
    <Form
      idPrefix={props.id}
      schema={schema}
      uiSchema={{ ...uiSchemaFor(props.schema, messages.defaultChoice), 'ui:submitButtonOptions': { norender: true } }}
      formData={props.value}
      validator={validator}
      extraErrors={props.errors}
      showErrorList={false}
      noHtml5Validate
      // A named choice's `const` is one of its options, not a default: an unset choice stays unset.
      experimental_defaultFormStateBehavior={{ constAsDefaults: 'never' }}
      translateString={messages.formText}
      onChange={(event) => props.onChange(event.formData)}
      tagName="div"
    />
  );
}
