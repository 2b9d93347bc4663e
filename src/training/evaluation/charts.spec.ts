import { confusionMatrixSvg, escapeXml, precisionRecallSvg, rocCurveSvg, svgToPng } from './charts';
import { evaluate, precisionRecallCurve, rocCurve } from './metrics';

const Y = [1, 1, 1, 0, 0, 0, 0, 1];
const S = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.4, 0.7];

function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe(confusionMatrixSvg.name, () => {
  it('should draw the four counts and escape the title', () => {
    const svg = confusionMatrixSvg(
      {
        confusionMatrix: [
          [1107, 0],
          [8, 141],
        ],
      },
      'SMS <test> & "co"',
    );
    expect(svg).toContain('SMS &lt;test&gt; &amp; &quot;co&quot;');
    for (const count of ['1107', '>0<', '>8<', '141']) expect(svg).toContain(count);
    expect(svg).not.toContain('<test>');
    expect(pngSize(svgToPng(svg))).toEqual([380, 370]);
  });
});

describe(rocCurveSvg.name, () => {
  it('should draw one polyline per series with the AUC in the legend, and render to PNG', () => {
    const svg = rocCurveSvg([
      { name: 'svm', points: rocCurve(Y, S), auc: evaluate(Y, S).rocAuc },
      { name: 'nb <1>', points: rocCurve(Y, S), auc: null },
    ]);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('svm (AUC 0.8750)');
    expect(svg).toContain('nb &lt;1&gt;');
    // (fpr 0, tpr 0) is the bottom-left corner of the plot
    expect(svg).toContain('points="64,404 ');
    expect(pngSize(svgToPng(svg))).toEqual([520, 470]);
  });
});

describe(precisionRecallSvg.name, () => {
  it('should plot recall against precision', () => {
    const svg = precisionRecallSvg([{ name: 'svm', points: precisionRecallCurve(Y, S) }]);
    expect(svg).toContain('>recall<');
    expect(svg).toContain('points="64,44 ');
    expect(pngSize(svgToPng(svg))[0]).toBe(520);
  });
});

describe(escapeXml.name, () => {
  it('should escape the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
