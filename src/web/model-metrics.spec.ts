import { metricSetChart, metricSets, metricTable, MIN_MESSAGES_FOR_AUC } from './model-metrics';

describe(metricSets.name, () => {
  it('should read flat metrics with counts', () => {
    const [set] = metricSets({ accuracy: 0.9, f1: 0.8, tp: 1, fp: 2, tn: 3, fn: 4, rocAuc: 0.95 });
    expect(set).toMatchObject({ name: 'evaluation', confusion: { tp: 1, fp: 2, tn: 3, fn: 4 }, rocAuc: 0.95 });
    expect(set.values.map((v) => v.name)).toEqual(['accuracy', 'f1', 'rocAuc']);
  });

  it('should read per-set metrics with a confusion matrix and ROC points in either layout', () => {
    const sets = metricSets({
      sms: {
        accuracy: 0.9,
        confusionMatrix: [
          [10, 1],
          [2, 7],
        ],
        roc: [[0, 0], { fpr: 0.1, tpr: 0.9 }],
      },
      email: { f1: 0.7, roc_curve: { fpr: [0, 0.5], tpr: [0, 1] } },
      note: 'ignored',
    });
    expect(sets.map((s) => s.name)).toEqual(['sms', 'email']);
    expect(sets[0].confusion).toEqual({ tn: 10, fp: 1, fn: 2, tp: 7 });
    expect(sets[0].roc).toEqual([
      [0, 0],
      [0.1, 0.9],
    ]);
    expect(sets[1].roc).toEqual([
      [0, 0],
      [0.5, 1],
    ]);
    expect(metricSets(null)).toEqual([]);
    const nested = metricSets({
      evaluation: { sms: { f1: 0.9, tp: 1, fp: 0, tn: 5, fn: 1 }, email: { f1: 0.8 } },
      cv: { folds: { f1: 0.7 } },
    });
    expect(nested.map((s) => s.name)).toEqual(['sms', 'email', 'cv / folds']);
  });
});

describe(metricSetChart.name, () => {
  it('should draw the four counts and the ROC curve with its AUC, escaping the set name', () => {
    const set = {
      name: 'sms <test>',
      values: [],
      confusion: { tp: 134, fp: 2, tn: 964, fn: 15 },
      roc: [[0.1, 0.9]] as Array<[number, number]>,
      rocAuc: 0.97,
    };
    const confusion = metricSetChart(set, 'confusion-matrix.svg')!;
    for (const n of ['134', '2', '964', '15']) expect(confusion).toContain(`>${n}<`);
    expect(confusion).toContain('Confusion matrix (sms &lt;test&gt;)');
    const roc = metricSetChart(set, 'roc.svg')!;
    expect(roc).toContain('sms &lt;test&gt; (AUC 0.9700)');
    // (0, 0), the recorded point, then (1, 1), in plot coordinates
    expect(roc).toContain('points="64,404 100,80 424,44"');
    expect(metricSetChart({ name: 'x', values: [] }, 'roc.svg')).toBeUndefined();
    expect(metricSetChart(set, 'other.svg')).toBeUndefined();
  });
});

describe(metricTable.name, () => {
  it('should name metrics in words, in a fixed order, with counts as integers', () => {
    const [set] = metricSets({
      email: { rocAuc: 0.9988, n: 1210, f1: 0.9776, mcc: 0.9674, tp: 371, fp: 9, tn: 822, fn: 8 },
    });
    expect(metricTable(set).rows).toEqual([
      { name: 'n', label: 'Messages', text: '1210' },
      { name: 'f1', label: 'F1', text: '0.9776' },
      { name: 'mcc', label: 'Matthews correlation (MCC)', text: '0.9674' },
      { name: 'rocAuc', label: 'ROC AUC', text: '0.9988' },
    ]);
    expect(metricTable(set).aucNote).toBeUndefined();
  });

  it('should hold back the AUC and the ROC curve of a hold-out too small to rank, and say why', () => {
    const [set] = metricSets({
      feedback: { n: 2, accuracy: 0.5, rocAuc: 0, tp: 1, fp: 1, tn: 0, fn: 0, roc: [[0, 0]] },
    });
    const table = metricTable(set);
    expect(table.rows.map((r) => r.label)).toEqual(['Messages', 'Accuracy']);
    expect(table.aucNote).toBe(
      `No ROC AUC for feedback: 2 messages (1 spam, 1 not spam) are too few to rank; it needs at least ${MIN_MESSAGES_FOR_AUC} with both kinds.`,
    );
    expect(table.showRoc).toBe(false);
    expect(metricSetChart(set, 'roc.svg')).toBeUndefined();
  });
});
