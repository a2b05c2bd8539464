import type { CurrentUser } from '../current-user.ts';
import type { FieldIssue, OfferedExport } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { ColumnChoiceEditor } from './column-choice.tsx';
import { ElementList } from './element-list.tsx';
import { type Draft, draftFor, formatterSchema } from './export-draft.ts';
import { errorSchemaFor, ParameterForm } from './parameter-form.tsx';

interface BuilderFormProps {
  exports: OfferedExport[];
  offered: OfferedExport;
  draft: Draft;
  issues: FieldIssue[];
  scopes: CurrentUser['scopes'];
  /** A change of export starts a new draft; any other change edits this one. */
  onChange(draft: Draft): void;
}

/** The choices: export, filters, aggregators (a list: its columns), scopes, format with its options. */
export function BuilderForm({ exports, offered, draft, issues, scopes, onChange }: BuilderFormProps) {
  const { messages } = useSluice();
  const update = (changes: Partial<Draft>) => onChange({ ...draft, ...changes });
  return (
    <div className="sluice-builder-form">
      <label className="sluice-field">
        {messages.exportLabel}
        <select
          className="sluice-select"
          value={draft.export}
          onChange={(event) => onChange(draftFor(exports.find((e) => e.alias === event.target.value) ?? offered, draft))}
        >
          {exports.map((candidate) => (
            <option key={candidate.alias} value={candidate.alias}>
              {candidate.title}
            </option>
          ))}
        </select>
        <span className="sluice-muted sluice-small">{offered.description}</span>
      </label>
      <ElementList
        kind="filters"
        legend={messages.filtersLegend}
        offered={offered.filters}
        chosen={draft.filters}
        issues={issues}
        onChange={(filters) => update({ filters })}
      />
      {offered.kind === 'tabular' ? (
        <ElementList
          kind="aggregators"
          legend={messages.groupByLegend}
          offered={offered.aggregators}
          chosen={draft.aggregators}
          issues={issues}
          onChange={(aggregators) => update({ aggregators })}
        />
      ) : (
        <ColumnChoiceEditor offered={offered.columns} chosen={draft.columns} onChange={(columns) => update({ columns })} />
      )}
      <ScopeChoice scopes={scopes} chosen={draft.scopes} onChange={(chosen) => update({ scopes: chosen })} />
      <FormatChoice offered={offered} draft={draft} issues={issues} onChange={(formatter) => update({ formatter })} />
    </div>
  );
}

function ScopeChoice({
  scopes,
  chosen,
  onChange,
}: {
  scopes: CurrentUser['scopes'];
  chosen: (string | number)[];
  onChange(chosen: (string | number)[]): void;
}) {
  const { messages } = useSluice();
  if (scopes.length === 0) return null;
  return (
    <fieldset className="sluice-fieldset">
      <legend>{messages.scopesLegend}</legend>
      {scopes.map((scope) => (
        <label key={scope.id} className="sluice-inline">
          <input
            type="checkbox"
            checked={chosen.includes(scope.id)}
            onChange={(event) => onChange(event.target.checked ? [...chosen, scope.id] : chosen.filter((id) => id !== scope.id))}
          />
          {scope.name}
        </label>
      ))}
      <span className="sluice-muted sluice-small">{chosen.length === 0 ? messages.allScopesHint : ''}</span>
    </fieldset>
  );
}

function FormatChoice({
  offered,
  draft,
  issues,
  onChange,
}: {
  offered: OfferedExport;
  draft: Draft;
  issues: FieldIssue[];
  onChange(formatter: Draft['formatter']): void;
}) {
  const { messages } = useSluice();
  const formatter = offered.formatters.find((candidate) => candidate.alias === draft.formatter.alias) ?? offered.formatters[0];
  const ticked = offered.aggregators.filter((aggregator) => aggregator.alias in draft.aggregators);
  const titles = { layout: messages.pivotLayout, rows: messages.pivotRows, columns: messages.pivotColumns };
  return (
    <fieldset className="sluice-fieldset">
      <legend>{messages.formatLegend}</legend>
      <select
        className="sluice-select"
        aria-label={messages.formatLegend}
        value={draft.formatter.alias}
        onChange={(event) => onChange({ alias: event.target.value, params: {} })}
      >
        {offered.formatters.map((candidate) => (
          <option key={candidate.alias} value={candidate.alias}>
            {candidate.title}
          </option>
        ))}
      </select>
      {formatter ? (
        <div className="sluice-element-form" data-element="formatter">
          <ParameterForm
            id="formatter"
            schema={formatterSchema(formatter, ticked, titles)}
            value={draft.formatter.params}
            errors={errorSchemaFor(issues, 'formatter')}
            onChange={(params) => onChange({ alias: draft.formatter.alias, params })}
          />
        </div>
      ) : null}
    </fieldset>
  );
}
