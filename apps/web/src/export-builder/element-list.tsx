import type { OfferedElement } from './catalog.ts';
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
  issues: { path: string; message: string }[];
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
    <fieldset className="elements">
      <legend>{props.legend}</legend>
      {props.offered.map((element) => {
        const ticked = element.alias in chosen;
        const hasParameters = Object.keys(element.parameters.properties ?? {}).length > 0;
        const errors = errorSchemaFor(props.issues, `${kind}.${element.alias}`);
        return (
          <div key={element.alias} className={ticked ? 'element ticked' : 'element'}>
            <label>
              <input type="checkbox" name={`${kind}.${element.alias}`} checked={ticked} onChange={(event) => toggle(element.alias, event.target.checked)} />
              <span>
                {element.title} <span className="muted small">{element.description}</span>
              </span>
            </label>
            {ticked && hasParameters ? (
              <div className="element-form" data-element={`${kind}.${element.alias}`}>
                <ParameterForm
                  id={`${kind}-${element.alias}`}
                  schema={element.parameters}
                  value={chosen[element.alias]}
                  errors={errors}
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
