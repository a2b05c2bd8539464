import type { FieldIssue, OfferedElement } from '../server-types.ts';
import { parametersOf } from './export-draft.ts';
import { errorSchemaFor, ParameterForm } from './parameter-form.tsx';

/**
 * Elements of one kind (filters or aggregators) as checkboxes; a ticked one opens its parameter form.
 * `chosen` maps each ticked alias to its parameters.
 */
export function ElementList(props: {
  kind: 'filters' | 'aggregators';
  legend: string;
  offered: OfferedElement[];
  chosen: Record<string, unknown>;
  issues: FieldIssue[];
  onChange: (chosen: Record<string, unknown>) => void;
}) {
  const { kind, chosen, onChange } = props;
  if (props.offered.length === 0) return null;
  const toggle = (alias: string, on: boolean) => {
    const next = { ...chosen };
    if (on) next[alias] = {};
    else delete next[alias];
    onChange(next);
  };
  return (
    <fieldset className="sluice-fieldset">
      <legend>{props.legend}</legend>
      {props.offered.map((element) => {
        const ticked = element.alias in chosen;
        const schema = parametersOf(element);
        const hasParameters = Object.keys(schema.properties ?? {}).length > 0;
        return (
          <div key={element.alias} className={ticked ? 'sluice-element sluice-element--ticked' : 'sluice-element'}>
            <label className="sluice-element-label">
              <input type="checkbox" name={`${kind}.${element.alias}`} checked={ticked} onChange={(event) => toggle(element.alias, event.target.checked)} />
              <span>
                {element.title} <span className="sluice-muted sluice-small">{element.description}</span>
              </span>
            </label>
            {ticked && hasParameters ? (
              <div className="sluice-element-form" data-element={`${kind}.${element.alias}`}>
                <ParameterForm
                  id={`${kind}-${element.alias}`}
                  schema={schema}
                  value={chosen[element.alias]}
                  errors={errorSchemaFor(props.issues, `${kind}.${element.alias}`)}
                  onChange={(value) => onChange({ ...chosen, [element.alias]: value })}
                />
              </div>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}
