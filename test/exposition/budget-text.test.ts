import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { renderBudgetText } from '../../src/exposition/budget-text.js';

describe('renderBudgetText', () => {
  it('exposes each configured daily and monthly budget, namespaces sorted', () => {
    const { budgets } = loadConfig({ file: { name: 'c.yaml', text: 'budgets:\n  shop: { daily_wh: 2000, monthly_wh: 60000 }\n  batch: { monthly_wh: 9000.5 }\n' } });
    const samples = renderBudgetText(budgets).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples).toEqual([
      'energy_ledger_namespace_budget_watt_hours{namespace="batch",period="month"} 9000.5',
      'energy_ledger_namespace_budget_watt_hours{namespace="shop",period="day"} 2000',
      'energy_ledger_namespace_budget_watt_hours{namespace="shop",period="month"} 60000',
    ]);
  });

  it('renders nothing without budgets', () => {
    expect(renderBudgetText(undefined)).toBe('');
    expect(renderBudgetText({})).toBe('');
  });
});
