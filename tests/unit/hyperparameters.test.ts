import { describe, expect, it } from 'vitest';
import { checkValue, formatValue, inactiveReason, validatePatch, type HyperParam } from '../../src/core/run/hyperparameters';

const lr: HyperParam = { key: 'lr', label: 'learning rate', help: '', kind: 'number', default: 3e-4, min: 1e-6, max: 1, log: true, live: true };
const hidden: HyperParam = { key: 'hidden', label: 'hidden sizes', help: '', kind: 'choice', default: '256,256', choices: ['64,64', '256,256'], live: false };
const batch: HyperParam = { key: 'batchSize', label: 'batch size', help: '', kind: 'int', default: 256, min: 1, max: 8192, live: true };

describe('hyperparameter checks', () => {
  it('names the key and the problem', () => {
    expect(() => checkValue(lr, NaN)).toThrow('learning rate (lr) must be a finite number, got NaN');
    expect(() => checkValue(lr, 'abc')).toThrow('learning rate (lr) must be a finite number, got "abc"');
    expect(() => checkValue(lr, 5)).toThrow('learning rate (lr) must be between 1e-6 and 1, got 5');
    expect(() => checkValue(batch, 12.5)).toThrow('batch size (batchSize) must be a whole number, got 12.5');
    expect(() => checkValue(hidden, '3,3')).toThrow('hidden sizes (hidden) must be one of 64,64, 256,256, got "3,3"');
    expect(checkValue(lr, '1e-3')).toBe(1e-3);
  });

  it('is all-or-nothing and refuses non-live keys while running', () => {
    expect(() => validatePatch([lr, batch], { lr: 1e-3, batchSize: -1 }, 'BC')).toThrow(/batchSize/);
    expect(() => validatePatch([lr, hidden], { hidden: '64,64' }, 'BC', true)).toThrow(/cannot change while the run trains/);
    expect(validatePatch([lr, hidden], { hidden: '64,64' }, 'BC', false)).toEqual({ hidden: '64,64' });
  });

  it('formats values for markers', () => {
    expect(formatValue(1e-3)).toBe('1e-3');
    expect(formatValue(3e-4)).toBe('3e-4');
    expect(formatValue(2.5e-4)).toBe('2.5e-4');
    expect(formatValue(0.5)).toBe('0.5');
    expect(formatValue(256)).toBe('256');
    expect(formatValue(true)).toBe('true');
  });

  it('says which settings an inert one waits for, and nothing once they are set', () => {
    const gap: HyperParam = { key: 'targetGap', label: 'target gap', help: '', kind: 'number', default: 5, live: true, activeWhen: { lagrange: true, f: 'reverse-kl' } };
    expect(inactiveReason(gap, { lagrange: false, f: 'chi-square' })).toBe('lagrange on and f = reverse-kl');
    expect(inactiveReason(gap, { lagrange: true, f: 'chi-square' })).toBe('f = reverse-kl');
    expect(inactiveReason(gap, { lagrange: true, f: 'reverse-kl' })).toBeNull();
    expect(inactiveReason(lr, {})).toBeNull();
  });
});
